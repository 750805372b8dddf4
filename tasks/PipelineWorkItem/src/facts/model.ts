/** How a run, job or step ended. `skipped` parts do not count towards a run's outcome. */
export type Outcome = 'succeeded' | 'succeededWithIssues' | 'failed' | 'canceled';
export type StepResult = Outcome | 'skipped';

export interface Issue {
  readonly type: 'error' | 'warning';
  readonly message: string;
}

/** A build timeline record (stage, phase, job, task, checkpoint), enums already decoded. */
export interface TimelineRecord {
  readonly id: string;
  readonly parentId: string | undefined;
  readonly type: string;
  readonly name: string;
  readonly order: number;
  readonly completed: boolean;
  readonly result: StepResult | undefined;
  readonly issues: readonly Issue[];
  readonly logId: number | undefined;
}

export interface ReleaseTask {
  readonly name: string;
  readonly result: StepResult | undefined;
  readonly issues: readonly Issue[];
}

export interface ReleaseJob {
  readonly name: string;
  /** undefined while the job runs (the job of this task). */
  readonly result: StepResult | undefined;
  readonly tasks: readonly ReleaseTask[];
}

/** The latest deployment attempt of the release's environment this task runs in. */
export interface ReleaseDeployment {
  readonly environment: string;
  readonly jobs: readonly ReleaseJob[];
  /** e.g. `_WebApp-CI 20261129.3` for each artifact of the release. */
  readonly artifacts: readonly string[];
}

/** A failed step (or a job that failed without a failed step) with its messages. */
export interface FailedStep {
  readonly stage: string;
  readonly job: string;
  /** '' when the job itself failed (timeout, agent lost, checkpoint). */
  readonly step: string;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  readonly logId: number | undefined;
}

/** What the run's own records say, beyond this job's status. */
export interface RunFacts {
  /** The worst result among the run's completed stages and jobs; undefined when none completed. */
  readonly othersOutcome: Outcome | undefined;
  readonly failures: readonly FailedStep[];
  readonly artifacts: readonly string[];
}

export const NO_FACTS: RunFacts = { othersOutcome: undefined, failures: [], artifacts: [] };
