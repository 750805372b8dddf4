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
  /** The name of the task a step runs (`VSTest`, `PublishTestResults`, …); undefined for other records. */
  readonly task?: string;
  readonly order: number;
  readonly completed: boolean;
  /** Running now (`inProgress`): its result is still to come. */
  readonly running?: true;
  /** A job Azure Pipelines canceled when it ran past its timeout, read as failed. */
  readonly timedOut?: true;
  readonly result: StepResult | undefined;
  readonly issues: readonly Issue[];
  readonly logId: number | undefined;
  /** A job's `stage.phase.job`, when the record names it together with `attempt`. */
  readonly identifier?: string;
  /** A job's attempt (2 and on after a rerun), when the record names it together with `identifier`. */
  readonly attempt?: number;
}

export interface ReleaseTask {
  readonly name: string;
  /** The name of the task it runs (`VSTest`, `PublishTestResults`, …), when the release says. */
  readonly task?: string;
  readonly result: StepResult | undefined;
  readonly issues: readonly Issue[];
  /** Where the task's log is read from; undefined when the release does not say. */
  readonly log: ReleaseTaskLog | undefined;
}

/** The address of a classic release deployment task's log, and its length when the release says it. */
export interface ReleaseTaskLog {
  readonly kind: 'release';
  readonly environmentId: number;
  readonly deployPhaseId: number;
  readonly taskId: number;
  /** Undefined when the release leaves it out, as the service's answer to Releases - Get Release may. */
  readonly lineCount: number | undefined;
}

/** A build log, by its id in the build's logs list. */
export interface BuildLog {
  readonly kind: 'build';
  readonly logId: number;
}

/** Where a failed step's log lives. */
export type StepLog = BuildLog | ReleaseTaskLog;

export interface ReleaseJob {
  /** The job's timeline record (`System.JobId` of the job that runs it). */
  readonly id: string;
  readonly name: string;
  /** The job runs now (a deployment group's other targets, a multi-configuration's other legs); else absent. */
  readonly running?: true;
  /** undefined while the job runs (the job of this task). */
  readonly result: StepResult | undefined;
  readonly tasks: readonly ReleaseTask[];
}

export interface ReleasePhaseEnded {
  readonly name: string;
  readonly result: 'failed' | 'canceled';
  /** What the phase's error log says, when it says something. */
  readonly error?: string;
}

/** The latest deployment attempt of the release's environment this task runs in. */
export interface ReleaseDeployment {
  readonly environment: string;
  readonly jobs: readonly ReleaseJob[];
  /**
   * The deploy phases (agent, deployment group or agentless jobs) that ended failed or canceled while no job of
   * theirs did: one that failed before its jobs ran (no agent matched its demands), with its error log.
   */
  readonly phasesEnded?: readonly ReleasePhaseEnded[];
  /** e.g. `_WebApp-CI 20261129.3` for each artifact of the release. */
  readonly artifacts: readonly string[];
  /** The project (name, else id) of the build the release deploys as its primary artifact, when it is a build. */
  readonly buildProject?: string;
}

/** A failed step (or a job that failed without a failed step) with its messages. */
export interface FailedStep {
  readonly stage: string;
  readonly job: string;
  /** '' when the job itself failed (agent lost), or the stage before any of its jobs ran. */
  readonly step: string;
  /**
   * What the entry is when it is not a failed step or job: a stage a check or an approval refused before its jobs
   * ran, a step that failed and let the run go on (`continueOnError`: succeeded with issues), or a job canceled
   * for running past its timeout.
   */
  readonly kind?: 'stage' | 'withIssues' | 'timedOut';
  /** The name of the task the step runs (`VSTest`, `DotNetCoreCLI`, …), when the records say. */
  readonly task?: string;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  /** How many times the step ran when the agent retried it (`retryCountOnTaskFailure`); absent when once. */
  readonly attempts?: number;
  readonly log: StepLog | undefined;
}

/** What the run's own records say, beyond this job's status. */
export interface RunFacts {
  /** The worst result among the run's completed stages and jobs; undefined when none completed. */
  readonly othersOutcome: Outcome | undefined;
  /**
   * The run's other jobs running beside this one when the task read the run (`Stage › Job`); absent when there
   * are none, or when the task's own job is not among the run's records (then it cannot tell the others from it).
   */
  readonly unfinishedJobs?: readonly string[];
  readonly failures: readonly FailedStep[];
  readonly artifacts: readonly string[];
  /** In a release, the project (name, else id) of the build it deploys, when not known to be the run's own. */
  readonly buildProject?: string;
  /**
   * The attempt each job of a build is in, by its identifier in `jobKey`'s form; absent when no record names one.
   * A job's test runs of an earlier attempt are not the run's: the job ran again and published nothing newer.
   */
  readonly jobAttempts?: ReadonlyMap<string, number>;
  /** The display name of each job of a build, by its identifier in `jobKey`'s form; absent as `jobAttempts` is. */
  readonly jobNames?: ReadonlyMap<string, string>;
}

export const NO_FACTS: RunFacts = { othersOutcome: undefined, failures: [], artifacts: [] };

/** A build or release that a test result names: where its run of failures began. */
export interface RunRef {
  readonly kind: 'build' | 'release';
  readonly id: number;
  /** The build number or release name, e.g. `20261201.4`. */
  readonly name: string;
  /** Its results page in the web UI. */
  readonly url: string;
}

/** A build of the run's pipeline as the list of its newest builds gives it. */
export interface QueuedBuild {
  readonly id: number;
  /** The build number, e.g. `20261201.960`. */
  readonly number: string;
  /** The ref it built, e.g. `refs/heads/main`, `refs/tags/v1.2`, `refs/pull/7/merge`. */
  readonly branchRef: string;
  /** Its results page in the web UI. */
  readonly url: string;
}

/** A test result the task reads: one that failed, or one that passed only on a rerun. */
export interface TestResult {
  /** The test run and the result's id in it (`vstfs:///TestManagement/TcmResult/{runId}.{resultId}`). */
  readonly runId: number;
  readonly resultId: number;
  /** `automatedTestName`, else the test case title. */
  readonly name: string;
  readonly outcome: 'failed' | 'passed';
  /** The error message and stack trace as the service has them ('' when none). */
  readonly message: string;
  readonly stackTrace: string;
  /** The run where this test's current run of failures began; undefined when the service does not say. */
  readonly failingSince: { readonly run: RunRef; readonly date: string | undefined } | undefined;
  /** Azure DevOps flagged it flaky: custom field `IsTestResultFlaky` true, or an `OutcomeConfidence` of 0. */
  readonly flagged: boolean;
  /** A rerun group (`resultGroupType` `rerun`): the test was run again within the run. */
  readonly rerun: boolean;
  /** Where its test run ran, when known: what tells apart one test's results in the jobs of a matrix. */
  readonly ranIn?: RanIn;
}

/** Where a test run ran, as a person finds it: the job that published it, else the run's own title. */
export interface RanIn {
  readonly kind: 'job' | 'testRun';
  readonly name: string;
}

/** The run's test results as read, before they are classified. */
export interface TestReads {
  /** Failed results in all, from the test runs' statistics (flaky ones included). */
  readonly failedCount: number;
  /**
   * Failed results Azure DevOps flagged flaky, from the same statistics: the flaky ones beyond the failed results
   * read count as such too.
   */
  readonly flaggedCount: number;
  /** The failed results read (every one up to a cap, in the service's order). */
  readonly failed: readonly TestResult[];
  /** Results that passed only on a rerun (read when the runs' statistics say there are some). */
  readonly passedOnRerun: readonly TestResult[];
  /** Results that passed only on a rerun, from the statistics: those past the passed results looked through too. */
  readonly passedOnRerunCount: number;
  /** The commits of each earlier build where a listed failure began (its suspects), by build id. */
  readonly changesOf: ReadonlyMap<number, readonly Commit[]>;
  /** The run's Tests tab. */
  readonly url: string;
}

/** How a failing test stands: failing first in this run, failing since an earlier run, or flaky. */
export type TestStanding = 'new' | 'failingSince' | 'flaky';

/** What marks a result flaky: Azure DevOps' flaky detection, or a pass when the test was run again. */
export type FlakyReason = 'flagged' | 'passedOnRerun';

/** A test result as the item shows it. */
export interface FailedTest {
  readonly runId: number;
  readonly resultId: number;
  readonly name: string;
  readonly message: string;
  readonly stackTrace: string;
  readonly standing: TestStanding;
  /** For `failingSince`: the earlier run and when it failed there. */
  readonly since?: { readonly run: RunRef; readonly date: string | undefined };
  /** For `flaky`: why. */
  readonly flakyReason?: FlakyReason;
  /** Where its test run ran, when known. */
  readonly ranIn?: RanIn;
}

/** The commits suspected of a group of failures: this run's (new failures) or an earlier build's. */
export interface Suspects {
  /** undefined = this run's own changes. */
  readonly run: RunRef | undefined;
  /** undefined = not read: an earlier build past the few whose changes are read, or whose read failed. */
  readonly commits: readonly Commit[] | undefined;
}

/** Failing tests that get no item of their own this run (`trackTests: perTest`). */
export interface Untracked {
  /** Tests read that would get a new item, over the cap of new test items a run files. */
  readonly overCap: number;
  /** Failed results past those read: their tests are not known. */
  readonly unread: number;
}

/** The run's failing tests, classified: new failures first, then those failing since an earlier run. */
export interface TestFailures {
  /** Failures counted (flaky results only with `flakyTests: include`). */
  readonly total: number;
  /** The count stopped at `total`: more may have failed. */
  readonly atLeast?: boolean;
  /** Every failure read, in the order the item lists them (new first). */
  readonly tests: readonly FailedTest[];
  /** Flaky results shown apart (`flakyTests: separate`); empty otherwise. */
  readonly flaky: readonly FailedTest[];
  /** The flaky results shown apart in all (`separate`): those read and those only the statistics count. */
  readonly flakyCount?: number;
  /** Failing tests that get no item of their own this run (`trackTests: perTest`). */
  readonly untracked?: Untracked;
  /** Failed results left out of `total` as flaky (none with `flakyTests: include`); undefined = none known. */
  readonly flakyFailed?: number;
  readonly suspects: readonly Suspects[];
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
