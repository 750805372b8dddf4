import type { JobStatus } from './context';
import type { Outcome, StepResult } from './model';
import type { CreateOn } from '../inputs/settings';

const SEVERITY: Record<Outcome, number> = { succeeded: 0, succeededWithIssues: 1, canceled: 2, failed: 3 };

/** The worse of the outcomes given, skipping skipped and unfinished parts; undefined when none count. */
export function worstOutcome(results: readonly (StepResult | undefined)[]): Outcome | undefined {
  let worst: Outcome | undefined;
  for (const result of results) {
    if (result === undefined || result === 'skipped') continue;
    if (worst === undefined || SEVERITY[result] > SEVERITY[worst]) worst = result;
  }
  return worst;
}

const JOB_OUTCOME: Record<JobStatus, StepResult> = {
  Succeeded: 'succeeded',
  SucceededWithIssues: 'succeededWithIssues',
  Failed: 'failed',
  Canceled: 'canceled',
  Skipped: 'skipped',
};

/** This job's own outcome; undefined when it was skipped (it then says nothing about the run). */
export function jobOutcome(jobStatus: JobStatus): Outcome | undefined {
  const result = JOB_OUTCOME[jobStatus];
  return result === 'skipped' ? undefined : result;
}

/**
 * The run's outcome: this job's status, made worse by any other completed stage or job of the run,
 * so a separate job with `condition: failed()` sees the failure of the jobs it depends on.
 */
export function runOutcome(jobStatus: JobStatus, othersOutcome: Outcome | undefined): Outcome {
  return worstOutcome([JOB_OUTCOME[jobStatus], othersOutcome]) ?? 'succeeded';
}

const FILES_ON: Record<CreateOn, readonly Outcome[]> = {
  failure: ['failed'],
  failureOrIssues: ['failed', 'succeededWithIssues'],
  success: ['succeeded', 'succeededWithIssues'],
  always: ['failed', 'succeededWithIssues', 'succeeded'],
};

/** Whether `createOn` asks for an item for this outcome. A canceled run never files one. */
export function shouldFile(createOn: CreateOn, outcome: Outcome): boolean {
  return FILES_ON[createOn].includes(outcome);
}

const OUTCOME_TEXT: Record<Outcome, string> = {
  succeeded: 'Succeeded',
  succeededWithIssues: 'Succeeded with issues',
  failed: 'Failed',
  canceled: 'Canceled',
};

/** How an outcome reads to a person. */
export function outcomeText(outcome: Outcome): string {
  return OUTCOME_TEXT[outcome];
}
