import { stepPath } from '../facts/runFacts';
import type { Outcome } from '../facts/model';
import type { OnRecurrence, Settings } from '../inputs/settings';
import type { RunView } from '../facts/values';
import { firstLines } from '../text/excerpt';
import { escapeHtml, linkHtml, textHtml } from '../text/html';

/** Failed steps a recurrence comment names; the item's own details hold the first occurrence in full. */
const MAX_STEPS = 5;
/** Characters of a step's first error a recurrence comment quotes, the ellipsis of a cut one included. */
const MAX_ERROR_LENGTH = 300;

/** The run (the release, for a classic release), linked to its results page. HTML. */
export function runLink({ context }: RunView): string {
  return linkHtml(context.release ? context.release.name : context.runName, context.runUrl);
}

/** Where the run ran, as titles and notes say it: ` on <branch>`, or ` in <environment>` for a release. Text. */
export function whereText({ context }: RunView): string {
  if (context.release) return context.environment ? ` in ${context.environment}` : '';
  return context.branch ? ` on ${context.branch}` : '';
}

/** `whereText`, escaped for HTML. */
export const whereHtml = (view: RunView): string => escapeHtml(whereText(view));

// An item filed for a success event (createOn success) recurs too: say what happened, not "failed".
const AGAIN: Record<Outcome, string> = {
  failed: 'Failed again',
  succeededWithIssues: 'Succeeded with issues again',
  succeeded: 'Succeeded again',
  canceled: 'Canceled again',
};

// Another job or attempt of a run that recorded the occurrence already: the same occurrence, seen once more.
const AGAIN_IN_RUN: Record<Outcome, string> = {
  failed: 'Failed again in this run',
  succeededWithIssues: 'Succeeded with issues again in this run',
  succeeded: 'Succeeded again in this run',
  canceled: 'Canceled again in this run',
};

/** How a recurrence's note begins: `Failed again`, or `Failed again in this run` for another job or attempt. */
export function againHeadline(outcome: Outcome, sameRun: boolean): string {
  return (sameRun ? AGAIN_IN_RUN : AGAIN)[outcome];
}

/**
 * The comment added to the open item when its failure happens again (or, `sameRun`, when another job or attempt
 * of the run that recorded this occurrence sees it too): the run, and what failed this time.
 */
export function recurrenceHtml(view: RunView, occurrence: number, sameRun = false): string {
  const steps = view.facts.failures.slice(0, MAX_STEPS).map((failure) => {
    const error = failure.errors[0];
    // Only the length limits an error here (every line kept, each on its own), cut between whole characters.
    const message = error === undefined ? '' : `: ${textHtml(firstLines(error, Infinity, MAX_ERROR_LENGTH))}`;
    return `<li><b>${escapeHtml(stepPath(failure) || 'A job')}</b>${message}</li>`;
  });
  const more = view.facts.failures.length - steps.length;
  if (more > 0) steps.push(`<li>… and ${more} more</li>`);
  const list = steps.length > 0 ? `\n<ul>\n${steps.join('\n')}\n</ul>` : '';
  return `<p>${againHeadline(view.outcome, sameRun)} (occurrence ${occurrence}): ${runLink(view)}${whereHtml(view)}.</p>${list}`;
}

/** Why the task resolves an item: the pipeline recovered (what it did follows, `movedHtml` or `stayedHtml`). */
export function recoveredHtml(view: RunView): string {
  return `<p>The pipeline recovered: ${runLink(view)}${whereHtml(view)} succeeded.</p>`;
}

/** What the task did after a note's reason: moved the item to `to` (a state, and its reason in brackets). */
export function movedHtml(to: string): string {
  return `<p>Pipeline Work Items moved this item to ${escapeHtml(to)}.</p>`;
}

// The element `movedHtml` writes; a note quotes what a pusher controls only escaped, so text cannot spell it.
const MOVED = /<p\b[^>]*>\s*Pipeline Work Items moved this item to /i;

/** Whether a note of the task (its HTML as stored) says the task moved the item out of its state. */
export function saysMoved(html: string): boolean {
  return MOVED.test(html);
}

/** What the task could not do after a note's reason: the item stays in `state`, and `why`. */
export function stayedHtml(state: string, why: string): string {
  return `<p>It stays ${escapeHtml(state)}: ${textHtml(why)}</p>`;
}

/**
 * What the task does to an open item when its failure recurs, as `onRecurrence` says and a new item's first entry
 * promises it (text): only that.
 */
export const RECURRENCE_TEXT: Readonly<Record<OnRecurrence, string>> = {
  comment: 'comments here',
  new: 'files a new item',
  skip: 'leaves this item as it is',
};

/** The history entry of a new item: where it came from and how the task will keep it up to date. */
export function filedHtml(
  view: RunView,
  fingerprint: { text: string; tag: string },
  after: Pick<Settings, 'onRecurrence' | 'resolveOnRecovery'> & { readonly success: boolean },
  earlier?: { readonly id: number; readonly url: string },
): string {
  // An item filed for a success is commented when the run succeeds again, and never resolved by a recovery.
  const resolved = after.onRecurrence === 'new' ? 'this one' : 'it';
  const later = after.success
    ? 'succeeds again'
    : `fails again${after.resolveOnRecovery ? ` and resolves ${resolved} when the pipeline recovers` : ''}`;
  const filed = `<p>Filed by Pipeline Work Items for ${runLink(view)}${whereHtml(view)}. Fingerprint <i>${escapeHtml(fingerprint.text)}</i> (tag ${escapeHtml(fingerprint.tag)}): the task ${RECURRENCE_TEXT[after.onRecurrence]} when it ${later}.</p>`;
  // The item that tracked this fingerprint before (resolved, closed by a person, or of another type): whoever
  // picks up the new one sees at once that it happened before, and what was found then.
  return earlier
    ? `${filed}\n<p>Filed before for this fingerprint: ${linkHtml(`#${earlier.id}`, earlier.url)}.</p>`
    : filed;
}

/**
 * The history entry of an item closed because another run filed the same failure (or, `success`, the same
 * success) at the same moment.
 */
export function duplicateHtml(original: number, success = false): string {
  return `<p>Duplicate of #${original}: another run filed the same ${success ? 'success' : 'failure'} at the same moment, and it is tracked there.</p>`;
}
