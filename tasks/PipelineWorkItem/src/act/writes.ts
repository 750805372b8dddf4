import { AdoError } from '../errors';
import type { Fingerprint } from '../lifecycle/fingerprint';
import { markerHtml, recurrenceMarkers, recurrenceSettled, sameAttempt, sameRun } from '../lifecycle/marker';
import { openItemsQuery, Search } from '../lifecycle/openItems';
import type { BoardsWrites } from './acted';
import { landedLater, marked, seenLater } from './landed';
import { settleDuplicate, Settled } from './stateChange';
import { loc } from '../text/messages';
import { macroNote } from '../text/templates';
import { optionalFix, optionalLinks, Relation } from '../workItem/draft';
import { JsonPatchOperation } from '../workItem/patch';
import { openStates } from '../workItem/workItemType';
import { FIELD_LIMIT } from '../render/body';
import { fitTitle, MAX_STRING_LENGTH, plainTitle } from '../render/title';

/** The open items of the fingerprint (or, for a recovery, also of the run's acting), oldest first. */
export async function openItems(
  acting: BoardsWrites,
  fingerprint: Fingerprint,
  search: Search = 'fingerprint',
): Promise<number[]> {
  const query = openItemsQuery(
    fingerprint,
    { name: acting.type.name, openStates: openStates(acting.type) },
    search,
  );
  return query ? acting.boards.queryIds(acting.project, query) : [];
}

export type Created =
  /** `unsettled`: whether another run filed the same failure at the same moment could not be checked. */
  | { readonly kind: 'created'; readonly id: number; readonly unsettled?: boolean }
  /**
   * Another run filed the same failure at the same moment: this run commented on the oldest item, and its own
   * is settled as `duplicate` says (closed as a duplicate, or left open with the note as a comment).
   */
  | {
      readonly kind: 'raced';
      readonly id: number;
      readonly duplicate: Settled;
      readonly occurrence?: number;
    };

export interface Creation {
  readonly fingerprint: Fingerprint;
  /** The note for the oldest item when another run filed the same failure first, by occurrence. */
  readonly recurrence: RecurrenceNote;
  /** Settle races with other runs (every onRecurrence but new). */
  readonly settleRaces: boolean;
  /** The item is filed for a success: a duplicate's note says so. */
  readonly success?: boolean;
  /** The fingerprint's open items before the create: not ours. */
  readonly known: readonly number[];
  /** Fields the item can go without when the service refuses their value, with the fix to name. */
  readonly optional: ReadonlyMap<string, string>;
}

/**
 * Creates the item, then settles a race: Azure Boards has no lock, so a run that finds an older open
 * item of the fingerprint after its create closes its own as a duplicate of the oldest and comments there instead.
 * Every run decides the same way (the lowest id wins), so racing runs end with one open item.
 */
export async function createItem(
  acting: BoardsWrites,
  patch: readonly JsonPatchOperation[],
  creation: Creation,
): Promise<Created> {
  const { id, resent } = await createDroppingRefused(acting, patch, creation);
  if (!creation.settleRaces && !resent) return { kind: 'created', id };
  // The item is filed: a failure to settle a race leaves it as it is, said in a warning, never unreported.
  try {
    return await (creation.settleRaces ? settleRace : settleOwnRace)(acting, id, creation);
  } catch (error) {
    const why = (error as Error).message;
    acting.log.warning(
      creation.success
        ? loc('RaceCheckFailedSuccess', acting.type.name, id, why)
        : loc('RaceCheckFailed', acting.type.name, id, why),
    );
    return { kind: 'created', id, unsettled: true };
  }
}

/** Whether an older open item of the fingerprint appeared, and if so, the comment there and the duplicate. */
async function settleRace(acting: BoardsWrites, id: number, creation: Creation): Promise<Created> {
  const oldest = (await openItems(acting, creation.fingerprint))[0];
  if (oldest === undefined || oldest >= id) return { kind: 'created', id };
  // The older item is this run's own create, whose answer was lost and which the query listed too late: the run
  // raced only itself, and filed the older item.
  const ownOlder = await filedByThisRun(acting, creation, oldest);
  // The oldest item hears of the failure first: if that cannot be written, this run's item stays the one that
  // tracks it and nothing is closed.
  let occurrence: number | undefined;
  if (!ownOlder) {
    try {
      ({ occurrence } = await commentOnRecurrence(acting, oldest, creation.recurrence));
    } catch (error) {
      const why = (error as Error).message;
      acting.log.warning(
        creation.success
          ? loc('RaceCommentFailedSuccess', acting.type.name, oldest, id, why)
          : loc('RaceCommentFailed', acting.type.name, oldest, id, why),
      );
      return { kind: 'created', id };
    }
  }
  const duplicate = await settleDuplicate(acting, id, oldest, creation.success);
  return ownOlder ? { kind: 'created', id: oldest } : { kind: 'raced', id: oldest, duplicate, occurrence };
}

/**
 * A create sent again after its answer was lost, by a run that files whatever is open (`onRecurrence` `new`): the
 * first may have landed after the looks for it, listed now as an older open item with this run's marker. The run
 * keeps that one and closes its own as its duplicate, as a run that raced only itself does.
 */
async function settleOwnRace(acting: BoardsWrites, id: number, creation: Creation): Promise<Created> {
  const older = await ownOpenItem(acting, creation, id);
  if (older === undefined) return { kind: 'created', id };
  await settleDuplicate(acting, id, older, creation.success);
  return { kind: 'created', id: older };
}

// Whether `item` is one this run filed: it was not open before the create, and it carries this run's marker.
async function filedByThisRun(acting: BoardsWrites, creation: Creation, item: number): Promise<boolean> {
  return !creation.known.includes(item) && (await marked(acting, item));
}

// The oldest open item of the fingerprint this run filed, among those older than `before` when it is given.
async function ownOpenItem(
  acting: BoardsWrites,
  creation: Creation,
  before = Number.POSITIVE_INFINITY,
): Promise<number | undefined> {
  for (const item of await openItems(acting, creation.fingerprint)) {
    if (item < before && (await filedByThisRun(acting, creation, item))) return item;
  }
  return undefined;
}

// How many times a create is sent again without refused field values: a rule can refuse one value per answer, but
// a service that keeps refusing must not keep the run waiting. Links left out are not counted: the service names
// one missing item per answer, a run links up to 50, and each retry sends fewer, so those retries end on their own.
const MAX_REFUSED_RETRIES = 3;

// A refused assignee, area, iteration or extra field value costs that value, never the item.
async function createDroppingRefused(
  acting: BoardsWrites,
  patch: readonly JsonPatchOperation[],
  creation: Creation,
): Promise<{ id: number; resent: boolean }> {
  // Whether the create was sent again after its answer was lost: the looks for it (the item this run filed is
  // the one that landed) did not find it.
  let resent = false;
  const landed = async (): Promise<number | undefined> => {
    const found = await landedLater(() => ownOpenItem(acting, creation));
    resent ||= found === undefined;
    return found;
  };
  let ops = patch;
  for (let retries = 0; ;) {
    try {
      return {
        id: (await acting.boards.createWorkItem(acting.project, acting.type.name, ops, landed)).id,
        resent,
      };
    } catch (error) {
      const again = resendAfter(acting, { ops, retries }, creation.optional, error);
      if (!again) throw error;
      for (const warning of again.warnings) acting.log.warning(warning);
      ops = again.ops;
      retries = again.retries;
    }
  }
}

/** A create sent again after a refusal, without what the refusal cost. */
export interface Resent {
  readonly ops: JsonPatchOperation[];
  /** The retries counted so far: a value cut or values left out count, links left out do not. */
  readonly retries: number;
  /** What the run warns about what the item goes without. */
  readonly warnings: string[];
  /** The same, named as a dry run names what the item would go without. */
  readonly without: string[];
}

/**
 * What the create sends again after `error`, the one policy of the real run and of its dry run: the value found too
 * long cut (while retries remain), else the links to a missing item left out (always), else the optional fields
 * refused left out (while retries remain). undefined when nothing is sent again: the create ends on `error`.
 */
export function resendAfter(
  acting: Pick<BoardsWrites, 'type'>,
  sent: { readonly ops: readonly JsonPatchOperation[]; readonly retries: number },
  optional: ReadonlyMap<string, string>,
  error: unknown,
): Resent | undefined {
  if (!(error instanceof AdoError)) return undefined;
  const { ops, retries } = sent;
  const counted = retries < MAX_REFUSED_RETRIES;
  const cut = counted ? cutTooLong(ops, optional, error) : undefined;
  if (cut) {
    const warning = loc('FieldValueCut', cut.field, cut.said, MAX_STRING_LENGTH, cut.fix).trim();
    return {
      ops: cut.ops,
      retries: retries + 1,
      warnings: [warning],
      without: [loc('ValueCutTo', cut.field, MAX_STRING_LENGTH)],
    };
  }
  const links = refusedLinks(ops, error);
  if (links.length > 0) {
    return {
      ops: ops.filter((op) => !links.some((link) => link.op === op)),
      retries,
      warnings: links.map(({ id, fix }) =>
        loc('LinkRefused', id, error.serviceMessage ?? error.message, fix),
      ),
      without: [...new Set(links.map((link) => loc('LinkToItem', link.id)))],
    };
  }
  const dropped = counted ? droppableFields(acting, ops, optional, error) : undefined;
  if (!dropped) return undefined;
  return {
    ops: ops.filter((op) => !dropped.fields.some((field) => op.path === `/fields/${field}`)),
    retries: retries + 1,
    warnings: dropped.warnings,
    without: dropped.fields,
  };
}

/**
 * The value a TF401324 refusal found too long made one line of plain text cut to 255 characters (as the draft
 * makes a value of a field it knows to be single-line), in `ops`; with its field, the fix to name and the
 * service's words. undefined when the refusal is another, the field is one the item cannot go without (not in
 * `optional`), or the value is short enough already (or too long for any field but a long-text one).
 */
function cutTooLong(
  ops: readonly JsonPatchOperation[],
  optional: ReadonlyMap<string, string>,
  error: AdoError,
): { ops: JsonPatchOperation[]; field: string; fix: string; said: string } | undefined {
  const field = error.refusedFields[0];
  if (error.code !== 'TF401324' || field === undefined) return undefined;
  const fix = optionalFix(optional, field);
  const op = ops.find((o) => o.path.toLowerCase() === `/fields/${field}`.toLowerCase());
  const value = op?.value;
  if (fix === undefined || typeof value !== 'string') return undefined;
  if (value.length <= MAX_STRING_LENGTH || value.length > FIELD_LIMIT) return undefined;
  const cut = fitTitle(plainTitle(value));
  return {
    ops: ops.map((o) => (o === op ? { ...o, value: cut } : o)),
    field,
    fix,
    said: error.serviceMessage ?? error.message,
  };
}

/**
 * The links of `ops` to the work item a refusal says does not exist or cannot be read (TF401232), when the item
 * can be filed without them (`optionalLinks`), with the fix to name.
 */
function refusedLinks(
  ops: readonly JsonPatchOperation[],
  error: AdoError,
): { op: JsonPatchOperation; id: string; fix: string }[] {
  const id = error.code === 'TF401232' ? /work item (\d+)/i.exec(error.serviceMessage ?? '')?.[1] : undefined;
  if (id === undefined) return [];
  const optional = optionalLinks();
  return ops.flatMap((op) => {
    const link = op.path === '/relations/-' ? (op.value as Relation) : undefined;
    const fix = link && optional.get(link.rel);
    const target = link?.url.match(/\/workItems\/(\d+)$/i)?.[1];
    return fix !== undefined && target === id ? [{ op, id, fix }] : [];
  });
}

/**
 * The fields to send the create again without, with the warnings about them; undefined when the refusal is not only
 * about optional fields. The service names one unknown field per answer (TF51535): every `fields` entry the type
 * does not have goes with it, so a list of unknown fields costs one retry.
 */
function droppableFields(
  acting: Pick<BoardsWrites, 'type'>,
  ops: readonly JsonPatchOperation[],
  optional: ReadonlyMap<string, string>,
  error: AdoError,
): { fields: string[]; warnings: string[] } | undefined {
  // Reference names are case-insensitive, and the service names a field as its definition spells it: each refused
  // field is taken as this create sent it.
  const refused = error.refusedFields.flatMap((field) => sentAs(ops, field) ?? []);
  const fix = (field: string): string | undefined => optionalFix(optional, field);
  if (refused.length === 0 || refused.some((field) => fix(field) === undefined)) return undefined;
  if (error.code === 'TF51535') {
    const has = (field: string): boolean =>
      acting.type.fields.some((known) => known.toLowerCase() === field.toLowerCase());
    const unknown = [...optional.keys()].flatMap((field) => (has(field) ? [] : (sentAs(ops, field) ?? [])));
    const fields = [...new Set([...refused, ...unknown])];
    return {
      fields,
      warnings: [loc('FieldsUnknownDropped', error.message, acting.type.name, fields.join(', '))],
    };
  }
  const warnings = refused.map((field) => {
    const value = ops.find((op) => op.path === `/fields/${field}`)?.value;
    const note = [macroNote(String(value)), fix(field) ?? ''].filter(Boolean).join(' ');
    return loc('FieldValueRefused', String(value), field, error.message, note).trim();
  });
  return { fields: refused, warnings };
}

/** `field` as the create sent it, in whatever case; undefined when it sent no such field. */
function sentAs(ops: readonly JsonPatchOperation[], field: string): string | undefined {
  const path = `/fields/${field}`.toLowerCase();
  return ops.find((op) => op.path.toLowerCase() === path)?.path.slice('/fields/'.length);
}

/**
 * The note of a recurrence: its occurrence, and whether another job of this run recorded it already; undefined
 * when this job has nothing to add to that.
 */
export type RecurrenceNote = (
  occurrence: number,
  sameRun: boolean,
  sameAttempt: boolean,
) => string | undefined;

/**
 * Comments on the open item that the failure happened again, numbering the occurrence (`note` words it). Another
 * job or attempt of the run that recorded the newest occurrence adds its note under the same number: one run is
 * one occurrence. A job that already wrote on the item (a retried write that landed, a retried step) adds nothing,
 * and is told the occurrence its write `recorded` (1: it filed the item).
 */
export async function commentOnRecurrence(
  acting: BoardsWrites,
  item: number,
  note: RecurrenceNote,
): Promise<{ occurrence?: number; sameRun?: boolean; recorded?: number }> {
  const planned = await recurrenceComment(acting, item, note);
  if (planned.kind === 'recorded') return { recorded: planned.recorded };
  if (planned.html === undefined) return {};
  const { html, newest, occurrence, again } = planned;
  await acting.boards.addComment(acting.project, item, html, (answered) =>
    seenLater(answered, () => marked(acting, item, newest)),
  );
  return again ? { occurrence, sameRun: true } : { occurrence };
}

/** The comment a recurrence adds, read from the item's comments but not sent. */
export type RecurrenceComment =
  /** This job's write is on the item already: the occurrence it recorded. */
  | { readonly kind: 'recorded'; readonly recorded: number }
  | {
      readonly kind: 'comment';
      readonly occurrence: number;
      /** Another job of this run recorded the occurrence. */
      readonly again: boolean;
      /** undefined: this job has nothing to add. */
      readonly html: string | undefined;
      /** The newest comment before it, after which a lost answer's comment is looked for. */
      readonly newest: number | undefined;
    };

/** What `commentOnRecurrence` would post on `item` (a dry run shows it): the reads alone. */
export async function recurrenceComment(
  acting: BoardsWrites,
  item: number,
  note: RecurrenceNote,
): Promise<RecurrenceComment> {
  const read =
    (await acting.reads.commentsAhead(item)) ??
    (await acting.boards.comments(acting.project, item, recurrenceSettled(acting.runKey)));
  const { recorded, lastOccurrence, recordedBy } = recurrenceMarkers(read, acting.runKey);
  if (recorded !== undefined) return { kind: 'recorded', recorded };
  const again = recordedBy !== undefined && sameRun(recordedBy, acting.runKey);
  const occurrence = Math.max(lastOccurrence, 1) + (again ? 0 : 1);
  const said = note(occurrence, again, recordedBy !== undefined && sameAttempt(recordedBy, acting.runKey));
  const html = said === undefined ? undefined : `${said}\n${markerHtml(acting.runKey, occurrence)}`;
  return { kind: 'comment', occurrence, again, html, newest: read[0]?.id };
}
