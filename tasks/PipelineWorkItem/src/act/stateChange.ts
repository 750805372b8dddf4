import { AdoError } from '../errors';
import { markerHtml, readMarkers } from '../lifecycle/marker';
import type { BoardsWrites } from './acted';
import { inState, noted, seenLater } from './landed';
import { duplicateHtml, movedHtml, saysMoved, stayedHtml } from '../render/notes';
import { loc } from '../text/messages';
import { FIELD, Relation, workItemApiUrl } from '../workItem/draft';
import { JsonPatchOperation, patchOf, testRevision } from '../workItem/patch';
import { isOpenState, plannedChange, StateChangePurpose } from '../workItem/workItemType';

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
export async function settleDuplicate(
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
