import { setTimeout as sleep } from 'node:timers/promises';
import { readMarkers, recurrenceMarkers, writeSettled } from '../lifecycle/marker';
import type { BoardsWrites } from './acted';

// Whether this run already wrote on the item: its marker is among the item's comments (those after comment
// `since`, the newest one before the write, when it is known).
export async function marked(acting: BoardsWrites, item: number, since?: number): Promise<boolean> {
  const read = await acting.boards.comments(acting.project, item, writeSettled(acting.runKey, since));
  return readMarkers(read).runs.has(acting.runKey);
}

// Whether this run's newest marker on the item is a note's (occurrence 0: a state change or the comment made
// instead). An item this run filed carries its marker from the start, so a marker alone does not show a note.
export async function noted(acting: BoardsWrites, item: number): Promise<boolean> {
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
export async function landedLater<T>(look: () => Promise<T | undefined>): Promise<T | undefined> {
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
export async function seenLater(answered: boolean, look: () => Promise<boolean>): Promise<boolean> {
  if (answered) return look();
  return (await landedLater(async () => ((await look()) ? true : undefined))) === true;
}

export async function inState(acting: BoardsWrites, item: number, state: string): Promise<boolean> {
  return (await acting.boards.workItemState(acting.project, item)) === state;
}
