// Shapes tests post to the control API to seed builds, releases and work items. Only the keys that
// identify a resource are required; the emulator fills the rest with plausible defaults.

/** A person as tests name them; the emulator turns it into a full IdentityRef on the wire. */
export interface PersonSeed {
  displayName: string;
  uniqueName: string;
}

/** An issue on a timeline record (build) as the agent logs it. */
export interface IssueSeed {
  type: 'error' | 'warning';
  message: string;
  category?: string;
  data?: Record<string, string>;
}

export type RecordType = 'Stage' | 'Phase' | 'Job' | 'Task' | 'Checkpoint';
export type RecordResult =
  'succeeded' | 'succeededWithIssues' | 'failed' | 'canceled' | 'skipped' | 'abandoned';

/**
 * A timeline record. `id`/`parentId` may be short readable names ("build", "job1"): the emulator maps
 * them to stable GUIDs on the wire, because the real service only ever sends GUIDs.
 */
export interface TimelineRecordSeed {
  id?: string;
  parentId?: string | null;
  type: RecordType;
  name: string;
  /** The task a Task record runs (`VSTest`, `PublishTestResults`, …); defaults to the record's name. */
  task?: string;
  identifier?: string;
  /**
   * The attempt the record is in (default 1): a job run again (*Rerun failed jobs*, a stage rerun) is attempt 2,
   * and its record lists the attempts before it in `previousAttempts`.
   */
  attempt?: number;
  state?: 'completed' | 'inProgress' | 'pending';
  /** Defaults to 'succeeded' for completed records, null otherwise. */
  result?: RecordResult | null;
  order?: number;
  issues?: IssueSeed[];
  /** Build log id holding this record's output (see BuildSeed.logs). */
  logId?: number;
  startTime?: string;
  finishTime?: string;
  workerName?: string;
}

export interface ChangeSeed {
  id: string;
  message: string;
  author?: PersonSeed;
  timestamp?: string;
  type?: string;
  location?: string;
  displayUri?: string;
}

/**
 * A test result. Results with the same `runId` (default: one run per build, one per release environment) form
 * one test run, whose statistics count them.
 */
export interface TestResultSeed {
  id?: number;
  runId?: number;
  testCaseTitle: string;
  automatedTestName?: string;
  automatedTestStorage?: string;
  outcome: 'Passed' | 'Failed' | 'Inconclusive' | 'NotExecuted' | 'Aborted' | 'Error' | 'Timeout' | string;
  errorMessage?: string;
  stackTrace?: string;
  durationInMs?: number;
  owner?: PersonSeed;
  /**
   * Where a failed result's current run of failures began: an earlier build or release (its number or name and
   * date come from the seeded one when it exists). Absent, a failed result is new: it names its own run.
   */
  failingSince?: { buildId?: number; releaseId?: number; date?: string };
  /** e.g. `{fieldName: 'IsTestResultFlaky', value: true}` or `{fieldName: 'OutcomeConfidence', value: 0}`. */
  customFields?: Array<{ fieldName: string; value: unknown }>;
  /** `rerun`: the test was run again within the run (a passed one counts as passed on rerun). */
  resultGroupType?: 'none' | 'rerun' | 'dataDriven' | 'orderedTest' | 'generic';
}

/**
 * A test run's own facts, for the run its results name by `runId`. The agent publishes a run from one attempt
 * of one job: a build's run carries that job in `pipelineReference`, a release's the deployment attempt in
 * `release.attempt`.
 */
export interface TestRunSeed {
  id: number;
  /**
   * The attempt that published it (default 1; a release's, its environment's latest attempt): a build's run
   * gives it as the attempt of its stage, phase and job, a release's as its release's.
   */
  attempt?: number;
  /**
   * The stage, phase and job of a build's run (default `__default`, `Job`, `__default`, a YAML run without
   * stages); null: no `pipelineReference`, as a run an older agent published.
   */
  job?: { stage?: string; phase?: string; job?: string } | null;
  /** When it was created, started and last updated (default: its build's start, or its release environment's). */
  createdOn?: string;
}

/** A build run. Only `project` and `id` are required; everything else has a plausible default. */
export interface BuildSeed {
  project: string;
  id: number;
  buildNumber?: string;
  definition?: { id?: number; name?: string; path?: string };
  sourceBranch?: string;
  sourceVersion?: string;
  requestedFor?: PersonSeed;
  requestedBy?: PersonSeed;
  reason?: string;
  /** Default 'inProgress': the task runs inside the build it reports on. */
  status?: 'inProgress' | 'completed' | 'cancelling' | 'postponed' | 'notStarted' | 'none';
  result?: 'succeeded' | 'partiallySucceeded' | 'failed' | 'canceled' | 'none' | null;
  repository?: { id?: string; type?: string; name?: string; url?: string };
  /** When it was queued; Builds - List orders by it (default: its start time). */
  queueTime?: string;
  startTime?: string;
  finishTime?: string;
  /** Timeline records (Stage › Phase › Job › Task via parentId). */
  records?: TimelineRecordSeed[];
  /** Log id → lines. Lines get the agent's `2024-…Z ` timestamp prefix unless `logTimestamps` is false. */
  logs?: Record<string, string[]>;
  logTimestamps?: boolean;
  changes?: ChangeSeed[];
  /** Ids of work items associated with the run (they need not exist). */
  workItemRefs?: number[];
  testResults?: TestResultSeed[];
  /** Facts of the runs those results form, by run id; a run not named here has the defaults. */
  testRuns?: TestRunSeed[];
}

export interface ReleaseTaskSeed {
  id?: number;
  name: string;
  status?: 'succeeded' | 'failed' | 'skipped' | 'inProgress' | 'pending' | 'canceled' | 'partiallySucceeded';
  issues?: Array<{ issueType: 'Error' | 'Warning'; message: string }>;
  agentName?: string;
  /** Lines served by the task-log endpoint (logUrl). */
  logLines?: string[];
}

export interface ReleaseJobSeed {
  name?: string;
  /** The job's timeline record id, which the agent gives the job as `System.JobId`. */
  timelineRecordId?: string;
  status?: ReleaseTaskSeed['status'];
  agentName?: string;
  issues?: ReleaseTaskSeed['issues'];
  tasks: ReleaseTaskSeed[];
}

export interface ReleasePhaseSeed {
  name?: string;
  status?:
    'succeeded' | 'failed' | 'partiallySucceeded' | 'inProgress' | 'canceled' | 'skipped' | 'notStarted';
  phaseType?: 'agentBasedDeployment' | 'runOnServer' | 'machineGroupBasedDeployment' | 'deploymentGates';
  /** What the phase's execution logged as its error (a phase that failed before its jobs ran); default none. */
  errorLog?: string;
  jobs: ReleaseJobSeed[];
}

export interface ReleaseEnvironmentSeed {
  id?: number;
  name: string;
  status?:
    | 'notStarted'
    | 'inProgress'
    | 'succeeded'
    | 'canceled'
    | 'rejected'
    | 'queued'
    | 'scheduled'
    | 'partiallySucceeded';
  rank?: number;
  /** Shorthand for one deploy attempt holding these phases. */
  phases?: ReleasePhaseSeed[];
  attempts?: Array<{ attempt?: number; status?: string; phases: ReleasePhaseSeed[] }>;
  /** Test results published while deploying this environment (its test runs, found by Runs - Query). */
  testResults?: TestResultSeed[];
  /** Facts of the runs those results form, by run id (the deployment attempt that published each). */
  testRuns?: TestRunSeed[];
  /** When those runs were last updated (default: when the release is seeded, so a query of the last days finds them). */
  testRunsUpdatedOn?: string;
}

export interface ReleaseArtifactSeed {
  alias: string;
  /** The project of the artifact's build pipeline; the release's own when not given. */
  project?: string;
  type?: string;
  isPrimary?: boolean;
  buildId?: number;
  buildNumber?: string;
  definition?: { id?: number; name?: string };
  branch?: string;
}

/** A classic release. Only `project` and `id` are required. */
export interface ReleaseSeed {
  project: string;
  id: number;
  name?: string;
  definition?: { id?: number; name?: string };
  status?: 'active' | 'abandoned' | 'draft';
  reason?: string;
  createdBy?: PersonSeed;
  createdFor?: PersonSeed;
  createdOn?: string;
  artifacts?: ReleaseArtifactSeed[];
  environments?: ReleaseEnvironmentSeed[];
}

/** A work item seeded directly (bypassing rules), e.g. an open Bug from an earlier run. */
export interface WorkItemSeed {
  project: string;
  type: string;
  fields: Record<string, string | number>;
  /** The revisions the item already has (a long-lived item); 1 when not given. */
  rev?: number;
  relations?: Array<{ rel: string; url: string; attributes?: Record<string, string | number | boolean> }>;
}
