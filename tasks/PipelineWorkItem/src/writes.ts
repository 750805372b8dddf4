import { AdoError } from './errors';
import type { RunView } from './facts/values';
import type { Fingerprint } from './lifecycle/fingerprint';
import { setTimeout as sleep } from 'node:timers/promises';
import { markerHtml, readMarkers, recurrenceSettled, writeSettled } from './lifecycle/marker';
import { openItemsQuery, Search } from './lifecycle/openItems';
import type { Boards } from './ports';
import { duplicateHtml, recoveredHtml, recurrenceHtml } from './render/notes';
import { loc } from './text/messages';
import { FIELD, workItemApiUrl } from './workItem/draft';
import { JsonPatchOperation, patchOf } from './workItem/patch';
import { closedState, resolvedState, WorkItemTypeInfo } from './workItem/workItemType';

/** Where and as whom the task writes: the project, the item type, and this run's marker key. */
export interface Writer {
  readonly boards: Boards;
  readonly project: string;
  readonly collectionUri: string;
  readonly type: WorkItemTypeInfo;
  /** This run's marker key (lifecycle/marker.ts). */
  readonly runKey: string;
  readonly warn: (message: string) => void;
}

/** The open items of the fingerprint (or, for a recovery, also of the run's scope), oldest first. */
export async function openItems(
  writer: Writer,
  fingerprint: Fingerprint,
  search: Search = 'fingerprint',
): Promise<number[]> {
  const query = openItemsQuery(fingerprint, writer.type, search);
  return query ? writer.boards.queryIds(writer.project, query) : [];
}

// Whether this run already wrote on the item: its marker is among the item's comments (those after comment
// `since`, the newest one before the write, when it is known).
async function marked(writer: Writer, item: number, since?: number): Promise<boolean> {
  const read = await writer.boards.comments(writer.project, item, writeSettled(writer.runKey, since));
  return readMarkers(read).runs.has(writer.runKey);
}

/**
 * Waits before each look for a create whose answer was lost. A WIQL query may not list an item for a few
 * seconds after it is saved, so one look is not enough to send the create again: four looks over 7 s.
 */
const LANDED_LOOKS_MS: readonly number[] = [0, 1_000, 2_000, 4_000];

async function inState(writer: Writer, item: number, state: string): Promise<boolean> {
  return (await writer.boards.workItemState(writer.project, item)) === state;
}

export type Created =
  | { readonly kind: 'created'; readonly id: number }
  /** Another run filed the same failure at the same moment: ours was closed as its duplicate. */
  | { readonly kind: 'raced'; readonly id: number; readonly duplicate: number; readonly occurrence?: number };

export interface Creation {
  readonly fingerprint: Fingerprint;
  readonly view: RunView;
  /** Settle races with other runs (every onRecurrence but new). */
  readonly settleRaces: boolean;
  /** The fingerprint's open items before the create: not ours. */
  readonly known: readonly number[];
  /** Fields the item can go without when the service refuses their value, with the fix to name. */
  readonly optional: ReadonlyMap<string, string>;
}

/**
 * Creates the item, then settles a race (brief §5.4): Azure Boards has no lock, so a run that finds an older open
 * item of the fingerprint after its create closes its own as a duplicate of the oldest and comments there instead.
 * Every run decides the same way (the lowest id wins), so racing runs end with one open item.
 */
export async function createItem(
  writer: Writer,
  patch: readonly JsonPatchOperation[],
  creation: Creation,
): Promise<Created> {
  const id = await createDroppingRefused(writer, patch, creation);
  if (!creation.settleRaces) return { kind: 'created', id };
  const oldest = (await openItems(writer, creation.fingerprint))[0];
  if (oldest === undefined || oldest >= id) return { kind: 'created', id };
  // The older item is this run's own create, whose answer was lost and which the query listed too late: the run
  // raced only itself, and filed the older item.
  if (!creation.known.includes(oldest) && (await marked(writer, oldest))) {
    await closeAsDuplicate(writer, id, oldest);
    return { kind: 'created', id: oldest };
  }
  const [commented] = await Promise.all([
    commentOnRecurrence(writer, oldest, creation.view),
    closeAsDuplicate(writer, id, oldest),
  ]);
  return { kind: 'raced', id: oldest, duplicate: id, occurrence: commented.occurrence };
}

// How many times a create is sent again without refused values: a rule can refuse one value per answer, but a
// service that keeps refusing must not keep the run waiting.
const MAX_REFUSED_RETRIES = 3;

// Brief §5.5: a refused assignee, area, iteration or extra field value costs that value, never the item.
async function createDroppingRefused(
  writer: Writer,
  patch: readonly JsonPatchOperation[],
  creation: Creation,
): Promise<number> {
  // The item of the fingerprint that was not open before and carries this run's marker is the one that landed.
  const look = async (): Promise<number | undefined> => {
    for (const id of await openItems(writer, creation.fingerprint)) {
      if (!creation.known.includes(id) && (await marked(writer, id))) return id;
    }
    return undefined;
  };
  const landed = async (): Promise<number | undefined> => {
    for (const wait of LANDED_LOOKS_MS) {
      await sleep(wait);
      const id = await look();
      if (id !== undefined) return id;
    }
    return undefined;
  };
  let ops = patch;
  for (let retries = 0; ; retries += 1) {
    try {
      return (await writer.boards.createWorkItem(writer.project, writer.type.name, ops, landed)).id;
    } catch (error) {
      const dropped = retries < MAX_REFUSED_RETRIES ? droppable(writer, ops, creation, error) : [];
      if (dropped.length === 0) throw error;
      ops = ops.filter((op) => !dropped.some((field) => op.path === `/fields/${field}`));
    }
  }
}

/**
 * The fields to send the create again without, each warned about; none when the refusal is not only about
 * optional fields. The service names one unknown field per answer (TF51535): every `fields` entry the type does
 * not have goes with it, so a list of unknown fields costs one retry.
 */
function droppable(
  writer: Writer,
  ops: readonly JsonPatchOperation[],
  creation: Creation,
  error: unknown,
): string[] {
  if (!(error instanceof AdoError)) return [];
  const refused = error.refusedFields.filter((field) => sent(ops, field));
  if (refused.length === 0 || refused.some((field) => !creation.optional.has(field))) return [];
  if (error.code === 'TF51535') {
    const has = (field: string): boolean =>
      writer.type.fields.some((known) => known.toLowerCase() === field.toLowerCase());
    const unknown = [...creation.optional.keys()].filter((field) => !has(field) && sent(ops, field));
    const fields = [...new Set([...refused, ...unknown])];
    writer.warn(loc('FieldsUnknownDropped', error.message, writer.type.name, fields.join(', ')));
    return fields;
  }
  for (const field of refused) {
    const value = ops.find((op) => op.path === `/fields/${field}`)?.value;
    const fix = creation.optional.get(field) ?? '';
    writer.warn(loc('FieldValueRefused', String(value), field, error.message, fix).trim());
  }
  return refused;
}

function sent(ops: readonly JsonPatchOperation[], field: string): boolean {
  return ops.some((op) => op.path === `/fields/${field}`);
}

/**
 * Comments on the open item that the failure happened again, numbering the occurrence. A run that already wrote
 * on the item (another job of the same run, or a retried write that landed) adds nothing.
 */
export async function commentOnRecurrence(
  writer: Writer,
  item: number,
  view: RunView,
): Promise<{ occurrence?: number }> {
  const read = await writer.boards.comments(writer.project, item, recurrenceSettled(writer.runKey));
  const markers = readMarkers(read);
  if (markers.runs.has(writer.runKey)) return {};
  const occurrence = Math.max(markers.lastOccurrence, 1) + 1;
  const html = `${recurrenceHtml(view, occurrence)}\n${markerHtml(writer.runKey, occurrence)}`;
  const newest = read[0]?.id;
  await writer.boards.addComment(writer.project, item, html, () => marked(writer, item, newest));
  return { occurrence };
}

/** Moves a recovered item to its type's Resolved-category state (or Completed) with a note naming the run. */
export async function resolveItem(writer: Writer, item: number, view: RunView): Promise<void> {
  const state = resolvedState(writer.type);
  if (state === undefined) {
    throw new AdoError(loc('NoResolvedState', writer.type.name, item), {});
  }
  const history = `${recoveredHtml(view)}\n${markerHtml(writer.runKey, 0)}`;
  const patch = patchOf([
    [FIELD.state, state],
    [FIELD.history, history],
  ]);
  await writer.boards.updateWorkItem(writer.project, item, patch, () => inState(writer, item, state));
}

async function closeAsDuplicate(writer: Writer, item: number, original: number): Promise<void> {
  const state = closedState(writer.type);
  const history = `${duplicateHtml(original)}\n${markerHtml(writer.runKey, 0)}`;
  const fields: [string, string][] = [[FIELD.history, history]];
  if (state !== undefined) fields.unshift([FIELD.state, state]);
  const link = {
    rel: 'System.LinkTypes.Duplicate-Reverse',
    url: workItemApiUrl(writer.collectionUri, original),
    attributes: { comment: 'Filed at the same moment by another run' },
  };
  await writer.boards.updateWorkItem(writer.project, item, patchOf(fields, [link]), () =>
    state === undefined ? marked(writer, item) : inState(writer, item, state),
  );
}
