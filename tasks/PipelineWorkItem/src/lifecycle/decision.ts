import type { Outcome } from '../facts/model';
import { shouldFile } from '../facts/outcome';
import type { OnRecurrence, Settings } from '../inputs/settings';

/** What the run asks for before Boards is asked: file an item, resolve open ones, or nothing. */
export type Intent = 'file' | 'recover' | 'nothing';

/** The one thing the task does to Boards for this run. */
export type Action =
  | { readonly kind: 'create' }
  | { readonly kind: 'comment'; readonly item: number }
  | { readonly kind: 'skip'; readonly item: number }
  | { readonly kind: 'resolve'; readonly items: readonly number[] }
  | { readonly kind: 'none' };

type Choices = Pick<Settings, 'createOn' | 'resolveOnRecovery' | 'onRecurrence'>;

const RECOVERED: readonly Outcome[] = ['succeeded', 'succeededWithIssues'];

/** A run whose outcome `createOn` names files; a green one that does not resolves (if asked). */
export function intentFor(choices: Choices, outcome: Outcome): Intent {
  if (shouldFile(choices.createOn, outcome)) return 'file';
  if (choices.resolveOnRecovery && RECOVERED.includes(outcome)) return 'recover';
  return 'nothing';
}

/**
 * Whether the item a filing run files is for its success rather than a failure: a succeeded run, or one with
 * issues when `createOn` asks for successes (`failureOrIssues` and `always` file those as problems).
 */
export function filesForSuccess(createOn: Choices['createOn'], outcome: Outcome): boolean {
  return outcome === 'succeeded' || (outcome === 'succeededWithIssues' && createOn === 'success');
}

const SEVERITY: readonly Outcome[] = ['succeeded', 'succeededWithIssues', 'canceled', 'failed'];

/**
 * The intent when this job's own status already decides it, whatever the rest of the run did (the run's outcome
 * is the worst of this job's and the others'); undefined when only the run's records can tell.
 */
export function intentFromJobOutcome(choices: Choices, jobOutcome: Outcome | undefined): Intent | undefined {
  const from = jobOutcome === undefined ? 0 : SEVERITY.indexOf(jobOutcome);
  const intents = new Set(SEVERITY.slice(from).map((outcome) => intentFor(choices, outcome)));
  return intents.size === 1 ? [...intents][0] : undefined;
}

/** Whether the intent needs the fingerprint's open items. */
export function needsOpenItems(intent: Intent, onRecurrence: OnRecurrence): boolean {
  return intent === 'recover' || (intent === 'file' && onRecurrence !== 'new');
}

/** Run outcome × open items × inputs → one action. `open` is oldest first. */
export function decide(intent: Intent, onRecurrence: OnRecurrence, open: readonly number[]): Action {
  const oldest = open[0];
  switch (intent) {
    case 'nothing':
      return { kind: 'none' };
    case 'recover':
      return open.length > 0 ? { kind: 'resolve', items: open } : { kind: 'none' };
    case 'file':
      if (oldest === undefined || onRecurrence === 'new') return { kind: 'create' };
      return onRecurrence === 'skip' ? { kind: 'skip', item: oldest } : { kind: 'comment', item: oldest };
  }
}
