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
  /** Where the task's log is read from; undefined when the release does not say. */
  readonly log: ReleaseTaskLog | undefined;
}

/** The address of a classic release deployment task's log, and its length. */
export interface ReleaseTaskLog {
  readonly kind: 'release';
  readonly environmentId: number;
  readonly deployPhaseId: number;
  readonly taskId: number;
  readonly lineCount: number;
}

/** A build log, by its id in the build's logs list. */
export interface BuildLog {
  readonly kind: 'build';
  readonly logId: number;
}

/** Where a failed step's log lives. */
export type StepLog = BuildLog | ReleaseTaskLog;

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
  readonly log: StepLog | undefined;
}

/** What the run's own records say, beyond this job's status. */
export interface RunFacts {
  /** The worst result among the run's completed stages and jobs; undefined when none completed. */
  readonly othersOutcome: Outcome | undefined;
  readonly failures: readonly FailedStep[];
  readonly artifacts: readonly string[];
}

export const NO_FACTS: RunFacts = { othersOutcome: undefined, failures: [], artifacts: [] };

/** A failing test of the run, its error message already cut to its first lines. */
export interface FailedTest {
  readonly name: string;
  readonly message: string;
}

/** The run's failing tests: the first few with their messages, and how many failed in all. */
export interface TestFailures {
  readonly total: number;
  /** The count stopped at `total`: more may have failed. */
  readonly atLeast?: boolean;
  readonly tests: readonly FailedTest[];
  /** The run's Tests tab. */
  readonly url: string;
}

/** A commit that came in with the run. */
export interface Commit {
  readonly id: string;
  readonly author: string;
  /** The message's first line. */
  readonly message: string;
  /** The commit's web page, when the repository host has one. */
  readonly url: string | undefined;
}

/** The last lines of a failed step's log, cleaned for reading. */
export interface LogTail {
  /** Index of the step in RunFacts.failures. */
  readonly step: number;
  readonly lines: readonly string[];
  /** Lines in the whole log, to say what the excerpt leaves out. */
  readonly lineCount: number;
}

/** What the details show beyond the run's records; each part absent when it could not be read. */
export interface Evidence {
  readonly logTails: readonly LogTail[];
  readonly tests: TestFailures | undefined;
  readonly commits: readonly Commit[];
  /** Ids of the work items associated with the run (linked as Related when `linkWorkItems`). */
  readonly workItems: readonly number[];
}

export const NO_EVIDENCE: Evidence = { logTails: [], tests: undefined, commits: [], workItems: [] };
