import { AdoError } from '../errors';
import type { Fingerprint } from '../lifecycle/fingerprint';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  markerHtml,
  readMarkers,
  recurrenceMarkers,
  recurrenceSettled,
  sameAttempt,
  sameRun,
  writeSettled,
} from '../lifecycle/marker';
import { openItemsQuery, Search } from '../lifecycle/openItems';
import type { BoardsWrites } from './acted';
import { duplicateHtml, movedHtml, saysMoved, stayedHtml } from '../render/notes';
import { loc } from '../text/messages';
import { macroNote } from '../text/templates';
import { FIELD, optionalFix, optionalLinks, Relation, workItemApiUrl } from '../workItem/draft';
import { JsonPatchOperation, patchOf, testRevision } from '../workItem/patch';
import { isOpenState, openStates, plannedChange, StateChangePurpose } from '../workItem/workItemType';

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

// Whether this run already wrote on the item: its marker is among the item's comments (those after comment
// `since`, the newest one before the write, when it is known).
async function marked(acting: BoardsWrites, item: number, since?: number): Promise<boolean> {
  const read = await acting.boards.comments(acting.project, item, writeSettled(acting.runKey, since));
  return readMarkers(read).runs.has(acting.runKey);
}

// Whether this run's newest marker on the item is a note's (occurrence 0: a state change or the comment made
// instead). An item this run filed carries its marker from the start, so a marker alone does not show a note.
async function noted(acting: BoardsWrites, item: number): Promise<boolean> {
  const read = await acting.boards.comments(acting.project, item, writeSettled(acting.runKey, undefined));
  return recurrenceMarkers(read, acting.runKey).recorded === 0;
}

/**
 * Waits before each look for a write whose answer was lost. One look is not enough to send it again: Azure
 * DevOps holds a throttled user's requests (up to 30 s) before handling them, so a write can land after the task
 * stopped waiting for its answer, and a WIQL query may not list a new item for a few seconds after it is saved.
 * Four looks over 7 s; one for a comment or state change the service itself answered (it is done with it, and
 * comments and states read true at once).
 */
const LANDED_LOOKS_MS: readonly number[] = [0, 1_000, 2_000, 4_000];

/** What `look` finds of a write whose answer was lost, looking until it finds it or the looks run out. */
async function landedLater<T>(look: () => Promise<T | undefined>): Promise<T | undefined> {
  for (const wait of LANDED_LOOKS_MS) {
    await sleep(wait);
    const found = await look();
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Whether `look` sees a write whose outcome is unknown: at once when the service answered it, else looking as
 * `landedLater` does.
 */
async function seenLater(answered: boolean, look: () => Promise<boolean>): Promise<boolean> {
  if (answered) return look();
  return (await landedLater(async () => ((await look()) ? true : undefined))) === true;
}

async function inState(acting: BoardsWrites, item: number, state: string): Promise<boolean> {
  return (await acting.boards.workItemState(acting.project, item)) === state;
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
  const id = await createDroppingRefused(acting, patch, creation);
  if (!creation.settleRaces) return { kind: 'created', id };
  // The item is filed: a failure to settle a race leaves it as it is, said in a warning, never unreported.
  try {
    return await settleRace(acting, id, creation);
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
  const ownOlder = !creation.known.includes(oldest) && (await marked(acting, oldest));
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

// How many times a create is sent again without refused field values: a rule can refuse one value per answer, but
// a service that keeps refusing must not keep the run waiting. Links left out are not counted: the service names
// one missing item per answer, a run links up to 50, and each retry sends fewer, so those retries end on their own.
const MAX_REFUSED_RETRIES = 3;

// A refused assignee, area, iteration or extra field value costs that value, never the item.
async function createDroppingRefused(
  acting: BoardsWrites,
  patch: readonly JsonPatchOperation[],
  creation: Creation,
): Promise<number> {
  // The item of the fingerprint that was not open before and carries this run's marker is the one that landed.
  const look = async (): Promise<number | undefined> => {
    for (const id of await openItems(acting, creation.fingerprint)) {
      if (!creation.known.includes(id) && (await marked(acting, id))) return id;
    }
    return undefined;
  };
  let ops = patch;
  for (let retries = 0; ;) {
    try {
      return (
        await acting.boards.createWorkItem(acting.project, acting.type.name, ops, () => landedLater(look))
      ).id;
    } catch (error) {
      const dropped = droppable(acting, ops, creation, error, retries < MAX_REFUSED_RETRIES);
      if (dropped.length === 0) throw error;
      if (dropped.some((op) => op.path.startsWith('/fields/'))) retries += 1;
      ops = ops.filter((op) => !dropped.includes(op));
    }
  }
}

/**
 * The operations to send the create again without, each warned about: the optional links to a work item the
 * service did not find, or (`fieldsToo`) the optional fields it refused; none when the refusal is about anything
 * else.
 */
function droppable(
  acting: BoardsWrites,
  ops: readonly JsonPatchOperation[],
  creation: Creation,
  error: unknown,
  fieldsToo: boolean,
): JsonPatchOperation[] {
  if (!(error instanceof AdoError)) return [];
  const links = refusedLinks(ops, error);
  for (const { id, fix } of links) {
    acting.log.warning(loc('LinkRefused', id, error.serviceMessage ?? error.message, fix));
  }
  if (links.length > 0) return links.map((link) => link.op);
  if (!fieldsToo) return [];
  const fields = droppableFields(acting, ops, creation, error);
  return ops.filter((op) => fields.some((field) => op.path === `/fields/${field}`));
}

/**
 * The links of `ops` to the work item a refusal says does not exist or cannot be read (TF401232), when the item
 * can be filed without them (`optionalLinks`), with the fix to name.
 */
export function refusedLinks(
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
 * The fields to send the create again without, each warned about; none when the refusal is not only about
 * optional fields. The service names one unknown field per answer (TF51535): every `fields` entry the type does
 * not have goes with it, so a list of unknown fields costs one retry.
 */
function droppableFields(
  acting: BoardsWrites,
  ops: readonly JsonPatchOperation[],
  creation: Creation,
  error: AdoError,
): string[] {
  // Reference names are case-insensitive, and the service names a field as its definition spells it: each refused
  // field is taken as this create sent it.
  const refused = error.refusedFields.flatMap((field) => sentAs(ops, field) ?? []);
  const fix = (field: string): string | undefined => optionalFix(creation.optional, field);
  if (refused.length === 0 || refused.some((field) => fix(field) === undefined)) return [];
  if (error.code === 'TF51535') {
    const has = (field: string): boolean =>
      acting.type.fields.some((known) => known.toLowerCase() === field.toLowerCase());
    const unknown = [...creation.optional.keys()].flatMap((field) =>
      has(field) ? [] : (sentAs(ops, field) ?? []),
    );
    const fields = [...new Set([...refused, ...unknown])];
    acting.log.warning(loc('FieldsUnknownDropped', error.message, acting.type.name, fields.join(', ')));
    return fields;
  }
  for (const field of refused) {
    const value = ops.find((op) => op.path === `/fields/${field}`)?.value;
    const note = [macroNote(String(value)), fix(field) ?? ''].filter(Boolean).join(' ');
    acting.log.warning(loc('FieldValueRefused', String(value), field, error.message, note).trim());
  }
  return refused;
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
  const read =
    (await acting.reads.commentsAhead(item)) ??
    (await acting.boards.comments(acting.project, item, recurrenceSettled(acting.runKey)));
  const { recorded, lastOccurrence, recordedBy } = recurrenceMarkers(read, acting.runKey);
  if (recorded !== undefined) return { recorded };
  const again = recordedBy !== undefined && sameRun(recordedBy, acting.runKey);
  const occurrence = Math.max(lastOccurrence, 1) + (again ? 0 : 1);
  const said = note(occurrence, again, recordedBy !== undefined && sameAttempt(recordedBy, acting.runKey));
  if (said === undefined) return {};
  const html = `${said}\n${markerHtml(acting.runKey, occurrence)}`;
  const newest = read[0]?.id;
  await acting.boards.addComment(acting.project, item, html, (answered) =>
    seenLater(answered, () => marked(acting, item, newest)),
  );
  return again ? { occurrence, sameRun: true } : { occurrence };
}

/** What a state change came to on one item. */
export type Settled =
  /** Moved along the workflow. */
  | { readonly kind: 'changed'; readonly id: number; readonly state: string; readonly reason?: string }
  /** The service refused the change (a rule, a required field, the workflow): the note went in as a comment. */
  | { readonly kind: 'commented'; readonly id: number; readonly why: string }
  /**
   * No longer open when the task came to it, or `reopened`: open again after the task moved it, with no failure
   * since. A person decided, and the task does not overrule them.
   */
  | { readonly kind: 'left'; readonly id: number; readonly state?: string; readonly reopened?: true }
  /** Refused again, and an earlier run's recovery note is the newest on the item: nothing added. */
  | { readonly kind: 'noted'; readonly id: number; readonly why: string }
  /** Nothing could be written (the service could not be reached, the token was refused, …). */
  | { readonly kind: 'failed'; readonly id: number; readonly why: string };

// A failed `test /rev`: someone saved the item after the task read it.
const conflicted = (error: unknown): boolean =>
  error instanceof AdoError && (error.status === 409 || error.status === 412 || error.code === 'TF26071');

// The service refused the content of the change (a rule, a read-only or unknown field, the workflow).
const refused = (error: unknown): error is AdoError => error instanceof AdoError && error.status === 400;

/**
 * Moves an open item along its type's workflow for `purpose`, with the note (why; and relations) and where it
 * went as one revision guarded by `test /rev`. A person's save in between is re-read: an item no longer open is
 * left as they left it, one still open is tried once more. A change the service refuses leaves the item as it is
 * and adds the note, with why it stays, as a comment, so nothing is lost.
 */
async function changeState(
  acting: BoardsWrites,
  item: number,
  purpose: StateChangePurpose,
  note: string,
  relations: readonly Relation[] = [],
): Promise<Settled> {
  const reasons = acting.reads.stateReasons(acting.type.name);
  // Read beside the item's state, once: the task's last word on it, which may show a person reopened it, or that
  // an earlier run's recovery was refused already.
  const lastNote = purpose === 'resolve' ? newestNote(acting, item) : undefined;
  lastNote?.catch(() => undefined);
  for (let attempt = 1; ; attempt += 1) {
    const current = await acting.boards.workItemRevision(acting.project, item);
    if (current === undefined || !isOpenState(acting.type, current.state)) {
      return { kind: 'left', id: item, state: current?.state };
    }
    if (saysMoved((await lastNote?.catch(() => undefined))?.text ?? '')) {
      return { kind: 'left', id: item, state: current.state, reopened: true };
    }
    const change = plannedChange(acting.type, current.state, purpose, await reasons);
    const marker = markerHtml(acting.runKey, 0);
    const instead = (why: string): Promise<Settled> =>
      commentInstead(acting, item, `${note}\n${stayedHtml(current.state, why)}\n${marker}`, why, lastNote);
    if (change === undefined) return instead(loc('NoTransition', acting.type.name, item, current.state));
    const to = change.reason === undefined ? change.state : `${change.state} (${change.reason})`;
    const history = `${note}\n${movedHtml(to)}\n${marker}`;
    const patch = [testRevision(current.rev), ...patchOf(changedFields(change, history), relations)];
    try {
      await sendChange(acting, item, patch, change.state);
      return { kind: 'changed', id: item, ...change };
    } catch (error) {
      if (conflicted(error) && attempt < 2) continue;
      if (!refused(error) && !conflicted(error)) throw error;
      return instead(refusalOf(error, acting.type.name, item, to));
    }
  }
}

// Sends a state change to `state`. A conflict with the task's own change is no refusal: the service held that
// change past the request timeout and every look for it, and applied it before the resend, whose `test /rev` it
// then failed.
async function sendChange(
  acting: BoardsWrites,
  item: number,
  patch: readonly JsonPatchOperation[],
  state: string,
): Promise<void> {
  try {
    await acting.boards.updateWorkItem(acting.project, item, patch, (answered) =>
      seenLater(answered, () => inState(acting, item, state)),
    );
  } catch (error) {
    if (!conflicted(error) || !(await inState(acting, item, state)) || !(await noted(acting, item)))
      throw error;
  }
}

// The fields of a state change: the state, its reason when there is one, and the history entry.
function changedFields(change: { state: string; reason?: string }, history: string): [string, string][] {
  const reason: [string, string][] = change.reason === undefined ? [] : [[FIELD.reason, change.reason]];
  return [[FIELD.state, change.state], ...reason, [FIELD.history, history]];
}

// Why the service refused to move the item to `to`: its own words, and the fields it named.
function refusalOf(error: unknown, type: string, item: number, to: string): string {
  const said = error instanceof AdoError ? (error.serviceMessage ?? error.message) : String(error);
  const fields = error instanceof AdoError ? error.refusedFields.join(', ') : '';
  return fields
    ? loc('StateChangeRefusedFields', type, item, to, said, fields)
    : loc('StateChangeRefused', type, item, to, said);
}

// `lastNote`: the task's newest note on the item, read for a recovery (undefined for any other change).
async function commentInstead(
  acting: BoardsWrites,
  item: number,
  note: string,
  why: string,
  lastNote: Promise<{ text: string } | undefined> | undefined,
): Promise<Settled> {
  if (lastNote !== undefined && recoveryNoted(await lastNote)) {
    acting.log.warning(loc('StillRefused', why, acting.type.name, item));
    return { kind: 'noted', id: item, why };
  }
  await acting.boards.addComment(acting.project, item, note, (answered) =>
    seenLater(answered, () => noted(acting, item)),
  );
  acting.log.warning(loc('NoteAsComment', why, acting.type.name, item));
  return { kind: 'commented', id: item, why };
}

// The task's newest note on the item (a comment or history entry carrying its marker), read newest first.
async function newestNote(acting: BoardsWrites, item: number): Promise<{ text: string } | undefined> {
  const newestMarked = (comments: readonly { text: string }[]): { text: string } | undefined =>
    comments.find((comment) => readMarkers([comment]).runs.size > 0);
  return newestMarked(
    await acting.boards.comments(acting.project, item, (newestFirst) => !!newestMarked(newestFirst)),
  );
}

// Whether the task's newest note on the item is a recovery note (a write that is no filing): then the pipeline
// has not failed since a run said it recovered, and a rule that keeps blocking the change costs the item no
// comment per green run.
function recoveryNoted(newest: { text: string } | undefined): boolean {
  return newest !== undefined && readMarkers([newest]).lastOccurrence === 0;
}

/** Resolves a recovered item through its workflow, with a note (HTML) naming the run. */
export function resolveItem(acting: BoardsWrites, item: number, note: string): Promise<Settled> {
  return changeState(acting, item, 'resolve', note);
}

// Closes this run's item as a duplicate; a failure to write leaves it open, said in a warning.
async function settleDuplicate(
  acting: BoardsWrites,
  item: number,
  original: number,
  success?: boolean,
): Promise<Settled> {
  try {
    return await closeAsDuplicate(acting, item, original, success);
  } catch (error) {
    const why = (error as Error).message;
    acting.log.warning(loc('RaceCloseFailed', acting.type.name, item, original, why));
    return { kind: 'failed', id: item, why };
  }
}

function closeAsDuplicate(
  acting: BoardsWrites,
  item: number,
  original: number,
  success?: boolean,
): Promise<Settled> {
  const link = {
    rel: 'System.LinkTypes.Duplicate-Reverse',
    url: workItemApiUrl(acting.collectionUri, original),
    attributes: { comment: 'Filed at the same moment by another run' },
  };
  return changeState(acting, item, 'duplicate', duplicateHtml(original, success), [link]);
}
