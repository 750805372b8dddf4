import type { ReleaseRun } from '../facts/context';
import type {
  Issue,
  QueuedBuild,
  ReleaseDeployment,
  ReleaseJob,
  ReleasePhaseEnded,
  ReleaseTaskLog,
  StepResult,
  TestResult,
  TimelineRecord,
} from '../facts/model';
import type { TestRunCounts } from '../ports';

// The REST shapes the task reads, as they are on the wire: enums are camelCase names, not the client's numbers.

export interface WireTimelineRecord {
  id?: string;
  parentId?: string | null;
  type?: string;
  name?: string;
  order?: number;
  state?: string;
  result?: string | null;
  issues?: { type?: string; message?: string }[] | null;
  log?: { id?: number } | null;
  task?: WireTaskReference | null;
  /** A job's `stage.phase.job` (the stage left out when the pipeline has none); null on records that have none. */
  identifier?: string | null;
  /** The record's attempt: 2 and on when the job (or its stage) ran again. */
  attempt?: number;
}

/** The task a timeline record or release task runs (`TaskReference`, `WorkflowTaskReference`). */
interface WireTaskReference {
  name?: string;
}

interface WireReleaseTask {
  id?: number;
  timelineRecordId?: string;
  name?: string;
  task?: WireTaskReference | null;
  status?: string;
  lineCount?: number;
  issues?: { issueType?: string; message?: string }[] | null;
}

/** A deploy phase of a release: an agent, deployment group or agentless job and its runs. */
export interface WireDeployPhase {
  id?: number;
  name?: string;
  status?: string;
  errorLog?: string | null;
  deploymentJobs?: { job?: WireReleaseTask; tasks?: WireReleaseTask[] }[];
}

export interface WireRelease {
  environments?: {
    id?: number;
    name?: string;
    deploySteps?: {
      attempt?: number;
      releaseDeployPhases?: WireDeployPhase[];
    }[];
  }[];
  artifacts?: {
    alias?: string;
    type?: string;
    isPrimary?: boolean;
    definitionReference?: { version?: { name?: string }; project?: { id?: string; name?: string } };
  }[];
}

const RESULTS: Readonly<Record<string, StepResult>> = {
  succeeded: 'succeeded',
  success: 'succeeded',
  succeededwithissues: 'succeededWithIssues',
  partiallysucceeded: 'succeededWithIssues',
  failed: 'failed',
  failure: 'failed',
  canceled: 'canceled',
  cancelled: 'canceled',
  abandoned: 'canceled',
  skipped: 'skipped',
};

/** A build result or release task status as the task's model sees it; undefined while it runs. */
function stepResult(value: string | null | undefined): StepResult | undefined {
  return value ? RESULTS[value.toLowerCase()] : undefined;
}

function issues(
  list: readonly { type?: string; issueType?: string; message?: string }[] | null | undefined,
): Issue[] {
  return (list ?? []).flatMap((issue): Issue[] => {
    const type = (issue.type ?? issue.issueType ?? '').toLowerCase();
    return type === 'error' || type === 'warning' ? [{ type, message: issue.message ?? '' }] : [];
  });
}

/** A build timeline record in the task's model. */
export function timelineRecord(record: WireTimelineRecord): TimelineRecord {
  return {
    id: record.id ?? '',
    parentId: record.parentId ?? undefined,
    type: record.type ?? '',
    name: record.name ?? '',
    order: record.order ?? 0,
    completed: (record.state ?? '').toLowerCase() === 'completed',
    ...(/^inProgress$/i.test(record.state ?? '') && { running: true as const }),
    result: stepResult(record.result),
    issues: issues(record.issues),
    logId: record.log?.id,
    ...taskName(record.task),
    ...jobAttempt(record),
  };
}

// The attempt a job is in, with the identifier that names it, only when the record has both: the test runs its job
// published in an earlier attempt are not the run's.
function jobAttempt(record: WireTimelineRecord): Pick<TimelineRecord, 'identifier' | 'attempt'> {
  const { type, identifier, attempt } = record;
  return type?.toLowerCase() === 'job' && identifier && attempt !== undefined ? { identifier, attempt } : {};
}

// The task's name, only when the record names one: jobs, stages and checkpoints run no task.
function taskName(task: WireTaskReference | null | undefined): { task?: string } {
  return task?.name ? { task: task.name } : {};
}

/** The deployment of the environment `run` deploys (its attempt, else the latest); undefined when absent. */
export function releaseDeployment(
  release: WireRelease,
  run: ReleaseRun,
  environment: string,
): ReleaseDeployment | undefined {
  const stage = release.environments?.find((env) =>
    run.environmentId !== undefined ? env.id === run.environmentId : env.name === environment,
  );
  if (!stage) return undefined;
  const attempts = [...(stage.deploySteps ?? [])].sort((a, b) => (b.attempt ?? 0) - (a.attempt ?? 0));
  const attempt = attempts.find((step) => step.attempt === run.attempt) ?? attempts[0];
  const phases = attempt?.releaseDeployPhases ?? [];
  const jobs = phases.flatMap((phase) => releaseJobs(stage.id, phase));
  const phasesEnded = phasesEndedOf(phases);
  const artifacts = (release.artifacts ?? []).map((artifact) =>
    [artifact.alias, artifact.definitionReference?.version?.name].filter(Boolean).join(' '),
  );
  // The build the release deploys may be another project's: its changes are read there, and a refusal names it as
  // its settings do (a request takes either).
  const primary = (release.artifacts ?? []).find((artifact) => artifact.isPrimary);
  const project = primary?.type?.toLowerCase() === 'build' ? primary.definitionReference?.project : undefined;
  const buildProject = project?.name || project?.id;
  return {
    environment: stage.name ?? environment,
    jobs,
    ...(phasesEnded.length > 0 && { phasesEnded }),
    artifacts,
    ...(buildProject && { buildProject }),
  };
}

// The jobs of a phase (a deployment group's, one a target) with their tasks and where each task's log is.
function releaseJobs(environmentId: number | undefined, phase: WireDeployPhase): ReleaseJob[] {
  return (phase.deploymentJobs ?? []).map((job) => ({
    id: job.job?.timelineRecordId ?? '',
    name: job.job?.name ?? phase.name ?? '',
    ...(/^inProgress$/i.test(job.job?.status ?? '') && { running: true as const }),
    result: stepResult(job.job?.status),
    tasks: (job.tasks ?? []).map((task) => ({
      name: task.name ?? '',
      ...taskName(task.task),
      result: stepResult(task.status),
      issues: issues(task.issues),
      log: taskLog(environmentId, phase.id, task),
    })),
  }));
}

// A phase's status when it failed or was canceled; undefined otherwise (succeeded, still running, skipped).
function endedBadly(status: string | undefined): 'failed' | 'canceled' | undefined {
  const result = stepResult(status);
  return result === 'failed' || result === 'canceled' ? result : undefined;
}

// The phases that failed or were canceled with no job of theirs that did: the phase is the failure, its error log
// what it says.
function phasesEndedOf(phases: readonly WireDeployPhase[]): ReleasePhaseEnded[] {
  return phases.flatMap((phase) => {
    const result = endedBadly(phase.status);
    if (!result || (phase.deploymentJobs ?? []).some((job) => endedBadly(job.job?.status))) return [];
    const error = phase.errorLog?.trim();
    return [{ name: phase.name ?? '', result, ...(error && { error }) }];
  });
}

function taskLog(
  environmentId: number | undefined,
  deployPhaseId: number | undefined,
  task: WireReleaseTask,
): ReleaseTaskLog | undefined {
  if (environmentId === undefined || deployPhaseId === undefined || task.id === undefined) return undefined;
  return { kind: 'release', environmentId, deployPhaseId, taskId: task.id, lineCount: task.lineCount };
}

/** A test run as Runs - List (with its details) and Runs - Query answer. */
export interface WireTestRun {
  id?: number;
  name?: string | null;
  totalTests?: number;
  passedTests?: number;
  incompleteTests?: number;
  notApplicableTests?: number;
  /** Counts per outcome; a count with `resultMetadata` is apart from the plain one of the same outcome. */
  runStatistics?: { outcome?: string; count?: number; resultMetadata?: string | null }[] | null;
  /** The stage, phase and job (and the attempt of each) that published a build's run. */
  pipelineReference?: {
    stageReference?: { stageName?: string; attempt?: number } | null;
    phaseReference?: { phaseName?: string; attempt?: number } | null;
    jobReference?: { jobName?: string; attempt?: number } | null;
  } | null;
  /** The deployment that published a release's run. */
  release?: { attempt?: number } | null;
  createdDate?: string;
}

type Attempts = readonly [stage: number, phase: number, job: number];

// The job that published a run (its stage, phase and job names) and the attempts it ran in; undefined when the run
// names no attempt.
function publishedBy(run: WireTestRun): { job: string; attempts: Attempts } | undefined {
  const { stageReference: stage, phaseReference: phase, jobReference: job } = run.pipelineReference ?? {};
  if (stage?.attempt === undefined && phase?.attempt === undefined && job?.attempt === undefined)
    return undefined;
  return {
    job: JSON.stringify([stage?.stageName, phase?.phaseName, job?.jobName]),
    attempts: [stage?.attempt ?? 0, phase?.attempt ?? 0, job?.attempt ?? 0],
  };
}

/**
 * The job that published a build's run, named as the timeline identifies it (`stage.phase.job`, without the stage
 * of a pipeline that has none), and the job's own attempt, not its stage's: a job that *Rerun failed jobs* did not
 * run again stays in attempt 1 while its stage is in 2. Undefined when the run does not name both.
 */
function publishingJob(run: WireTestRun): TestRunCounts['publishedBy'] {
  const { stageReference: stage, phaseReference: phase, jobReference: job } = run.pipelineReference ?? {};
  if (!phase?.phaseName || !job?.jobName || job.attempt === undefined) return undefined;
  const named = stage?.stageName && stage.stageName.toLowerCase() !== '__default' ? [stage.stageName] : [];
  return { job: [...named, phase.phaseName, job.jobName].join('.'), attempt: job.attempt };
}

// Which attempts are later: a later stage attempt first, then phase, then job.
function compareAttempts(a: Attempts, b: Attempts): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/**
 * A build's runs without those a rerun superseded: of each job, only the runs of its newest attempt; a job that
 * was not run again keeps its runs. A run that names no attempt (an older server's) is kept. A test that failed
 * only in a superseded attempt is not made flaky here: flakiness is what Azure DevOps marks on the results.
 */
export function newestAttempts(runs: readonly WireTestRun[]): WireTestRun[] {
  const newest = new Map<string, Attempts>();
  for (const run of runs) {
    const by = publishedBy(run);
    const seen = by && newest.get(by.job);
    if (by && (!seen || compareAttempts(by.attempts, seen) > 0)) newest.set(by.job, by.attempts);
  }
  return runs.filter((run) => {
    const by = publishedBy(run);
    return !by || compareAttempts(by.attempts, newest.get(by.job) ?? by.attempts) === 0;
  });
}

/** A build's runs published in `stage` (a YAML stage's name, in any case); a run that names no stage is kept. */
export function ofStage(runs: readonly WireTestRun[], stage: string | undefined): WireTestRun[] {
  return runs.filter((run) => {
    const published = run.pipelineReference?.stageReference?.stageName;
    return stage === undefined || published === undefined || published.toLowerCase() === stage.toLowerCase();
  });
}

/** A release environment's runs published by deployment `attempt`; a run or an attempt unknown keeps them all. */
export function ofDeployment(runs: readonly WireTestRun[], attempt: number | undefined): WireTestRun[] {
  return runs.filter((run) => {
    const published = run.release?.attempt;
    return attempt === undefined || published === undefined || published === attempt;
  });
}

/** A test result (`TestCaseResult`) as Results - List answers. */
export interface WireTestResult {
  id?: number;
  testRun?: { id?: string | number } | null;
  automatedTestName?: string | null;
  testCaseTitle?: string | null;
  outcome?: string | null;
  errorMessage?: string | null;
  stackTrace?: string | null;
  failingSince?: {
    date?: string | null;
    build?: { id?: number | string; number?: string | null } | null;
    release?: { id?: number | string; name?: string | null } | null;
  } | null;
  customFields?: { fieldName?: string; value?: unknown }[] | null;
  resultGroupType?: string | null;
}

/**
 * The outcomes of a test that failed, as Azure DevOps counts a run's failed tests: Failed, and also Aborted,
 * Timeout and Error. Warning, Inconclusive, NotExecuted and the others are not failures.
 */
export const FAILED_OUTCOMES: readonly string[] = ['Failed', 'Aborted', 'Timeout', 'Error'];
const FAILED = new Set(FAILED_OUTCOMES.map((outcome) => outcome.toLowerCase()));

/** The counts of a test run; a run without statistics is counted from its totals. */
export function testRunCounts(run: WireTestRun): TestRunCounts | undefined {
  if (run.id === undefined) return undefined;
  const publishedBy = publishingJob(run);
  return {
    ...countsOf(run, run.id),
    ...(publishedBy && { publishedBy }),
    ...(run.name && { name: run.name }),
  };
}

function countsOf(run: WireTestRun, id: number): TestRunCounts {
  const statistics = run.runStatistics;
  if (!statistics) {
    const passed = run.passedTests ?? 0;
    const others = passed + (run.incompleteTests ?? 0) + (run.notApplicableTests ?? 0);
    return {
      id,
      failed: Math.max(0, (run.totalTests ?? 0) - others),
      passed,
      passedOnRerun: 0,
      flaky: 0,
    };
  }
  const count = (outcomes: (outcome: string) => boolean, metadata?: string): number =>
    statistics
      .filter(
        (s) =>
          outcomes((s.outcome ?? '').toLowerCase()) &&
          (metadata === undefined || (s.resultMetadata ?? '').toLowerCase() === metadata),
      )
      .reduce((sum, s) => sum + (s.count ?? 0), 0);
  const failed = (outcome: string) => FAILED.has(outcome);
  const passed = (outcome: string) => outcome === 'passed';
  return {
    id,
    failed: count(failed),
    passed: count(passed),
    passedOnRerun: count(passed, 'rerun'),
    flaky: count(failed, 'flaky'),
  };
}

/** Where the test results' run references lead: the collection and the run's project. */
export interface WebOf {
  /** The collection URL with a trailing slash. */
  readonly collection: string;
  readonly project: string;
}

/** A test result in the task's model; undefined without the ids that address it. */
export function testResult(result: WireTestResult, runId: number, web: WebOf): TestResult | undefined {
  if (result.id === undefined) return undefined;
  return {
    runId,
    resultId: result.id,
    name: result.automatedTestName || result.testCaseTitle || `Test ${result.id}`,
    outcome: (result.outcome ?? '').toLowerCase() === 'passed' ? 'passed' : 'failed',
    message: result.errorMessage ?? '',
    stackTrace: result.stackTrace ?? '',
    failingSince: failingSince(result.failingSince, web),
    flagged: (result.customFields ?? []).some(flagsFlaky),
    rerun: (result.resultGroupType ?? '').toLowerCase() === 'rerun',
  };
}

// Azure DevOps' flaky detection marks a result with `IsTestResultFlaky` (a boolean, sent as true or "True"), or
// gives it an `OutcomeConfidence` of 0.
function flagsFlaky(field: { fieldName?: string; value?: unknown }): boolean {
  const name = (field.fieldName ?? '').toLowerCase();
  const value = String(field.value).toLowerCase();
  return (
    (name === 'istestresultflaky' && value === 'true') ||
    (name === 'outcomeconfidence' && Number(value) === 0 && value !== '')
  );
}

function failingSince(since: WireTestResult['failingSince'], web: WebOf): TestResult['failingSince'] {
  const project = `${web.collection}${encodeURIComponent(web.project)}`;
  const date = since?.date ?? undefined;
  // A result of a release names the release (and may name its artifact's build too); one of a build only the build.
  const releaseId = Number(since?.release?.id);
  if (Number.isSafeInteger(releaseId) && releaseId > 0) {
    const url = `${project}/_releaseProgress?releaseId=${releaseId}&_a=release-pipeline-progress`;
    const name = since?.release?.name || String(releaseId);
    return { run: { kind: 'release', id: releaseId, name, url }, date };
  }
  const buildId = Number(since?.build?.id);
  if (Number.isSafeInteger(buildId) && buildId > 0) {
    const url = `${project}/_build/results?buildId=${buildId}`;
    return { run: { kind: 'build', id: buildId, name: since?.build?.number || String(buildId), url }, date };
  }
  return undefined;
}

/** A build as Builds - List gives it (`Build`): what tells the newest builds of a lane apart. */
export interface WireBuild {
  id?: number;
  buildNumber?: string;
  sourceBranch?: string;
  result?: string | null;
}

/**
 * A listed build; undefined without an id or a branch, which could not place it in a lane, and for a canceled
 * build, which says nothing of the lane's state.
 */
export function queuedBuild(build: WireBuild, web: WebOf): QueuedBuild | undefined {
  const id = build.id;
  if (id === undefined || !Number.isSafeInteger(id) || id <= 0 || !build.sourceBranch) return undefined;
  if (build.result?.toLowerCase() === 'canceled') return undefined;
  return {
    id,
    number: build.buildNumber || String(id),
    branchRef: build.sourceBranch,
    url: `${web.collection}${encodeURIComponent(web.project)}/_build/results?buildId=${id}`,
  };
}
