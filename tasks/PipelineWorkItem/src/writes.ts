import type { RunView } from './facts/values';
import type { Fingerprint } from './lifecycle/fingerprint';
import { markerHtml, readMarkers } from './lifecycle/marker';
import { openItemsQuery } from './lifecycle/openItems';
import type { Boards } from './ports';
import { duplicateHtml, recoveredHtml, recurrenceHtml } from './render/notes';
import { FIELD, workItemApiUrl } from './workItem/draft';
import type { JsonPatchOperation } from './workItem/patch';
import { patchOf } from './workItem/patch';
import { closedState, resolvedState, WorkItemTypeInfo } from './workItem/workItemType';

/** Where and as whom the task writes: the project, the item type, and this run's marker key. */
export interface Writer {
  readonly boards: Boards;
  readonly project: string;
  readonly collectionUri: string;
  readonly type: WorkItemTypeInfo;
  /** This run's marker key (lifecycle/marker.ts). */
  readonly runKey: string;
}

/** The open items of the fingerprint, oldest first. */
export async function openItems(writer: Writer, fingerprint: Fingerprint): Promise<number[]> {
  const query = openItemsQuery(fingerprint, writer.type);
  return query ? writer.boards.queryIds(writer.project, query) : [];
}

export type Created =
  | { readonly kind: 'created'; readonly id: number }
  /** Another run filed the same failure at the same moment: ours was closed as its duplicate. */
  | { readonly kind: 'raced'; readonly id: number; readonly duplicate: number; readonly occurrence?: number };

/**
 * Creates the item, then settles a race (brief §5.4): Azure Boards has no lock, so a run that finds an older open
 * item of the fingerprint after its create closes its own as a duplicate of the oldest and comments there instead.
 * Every run decides the same way (the lowest id wins), so racing runs end with one open item. Without `race`
 * (onRecurrence new) every filing stands.
 */
export async function createItem(
  writer: Writer,
  patch: readonly JsonPatchOperation[],
  race: { readonly fingerprint: Fingerprint; readonly view: RunView } | undefined,
): Promise<Created> {
  const { id } = await writer.boards.createWorkItem(writer.project, writer.type.name, patch);
  if (!race) return { kind: 'created', id };
  const { fingerprint, view } = race;
  const oldest = (await openItems(writer, fingerprint))[0];
  if (oldest === undefined || oldest >= id) return { kind: 'created', id };
  const [commented] = await Promise.all([
    commentOnRecurrence(writer, oldest, view),
    closeAsDuplicate(writer, id, oldest),
  ]);
  return { kind: 'raced', id: oldest, duplicate: id, occurrence: commented.occurrence };
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
  const markers = readMarkers(await writer.boards.comments(writer.project, item));
  if (markers.runs.has(writer.runKey)) return {};
  const occurrence = Math.max(markers.lastOccurrence, 1) + 1;
  const html = `${recurrenceHtml(view, occurrence)}\n${markerHtml(writer.runKey, occurrence)}`;
  await writer.boards.addComment(writer.project, item, html);
  return { occurrence };
}

/** Moves a recovered item to its type's Resolved-category state (or Completed) with a note naming the run. */
export async function resolveItem(writer: Writer, item: number, view: RunView): Promise<void> {
  const state = resolvedState(writer.type);
  if (state === undefined)
    throw new Error(`Work item type '${writer.type.name}' has no Resolved or Completed state.`);
  const history = `${recoveredHtml(view)}\n${markerHtml(writer.runKey, 0)}`;
  await writer.boards.updateWorkItem(
    writer.project,
    item,
    patchOf([
      [FIELD.state, state],
      [FIELD.history, history],
    ]),
  );
}

async function closeAsDuplicate(writer: Writer, item: number, original: number): Promise<void> {
  const state = closedState(writer.type);
  const history = `${duplicateHtml(original)}\n${markerHtml(writer.runKey, 0)}`;
  const fields: [string, string][] = [[FIELD.history, history]];
  if (state !== undefined) fields.unshift([FIELD.state, state]);
  await writer.boards.updateWorkItem(
    writer.project,
    item,
    patchOf(fields, [
      {
        rel: 'System.LinkTypes.Duplicate-Reverse',
        url: workItemApiUrl(writer.collectionUri, original),
        attributes: { comment: 'Filed at the same moment by another run' },
      },
    ]),
  );
}
