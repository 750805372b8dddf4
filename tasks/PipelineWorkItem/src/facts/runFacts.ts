import type { FailedStep, Issue, ReleaseDeployment, ReleaseTask, RunFacts, TimelineRecord } from './model';
import { visibleName } from './context';
import { worstOutcome } from './outcome';

/** How many warnings of a failed step the details show; errors are all kept. */
const MAX_WARNINGS = 3;

/** Facts of a build run (YAML or classic) from its timeline; `ownJob` is the task's job (`System.JobId`). */
export function factsFromTimeline(timeline: readonly TimelineRecord[], ownJob?: string): RunFacts {
  const records = timeline.map(failedIfTimedOut);
  const { parent, ancestor } = lineage(records);

  // Paths are digits and slashes: comparing code units orders them as a collation would, without loading one.
  const sorted = [...records].sort((a, b) => {
    const [x, y] = [path(a, parent), path(b, parent)];
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const failedTasks = sorted.filter((r) => r.type === 'Task' && r.result === 'failed');
  const jobsWithFailedTask = new Set(failedTasks.map((task) => ancestor(task, 'Job')?.id));
  const failedJobs = sorted.filter(
    (r) => r.type === 'Job' && r.result === 'failed' && !jobsWithFailedTask.has(r.id),
  );

  // A run with no failure may still have steps that failed and let it go on: they say what "with issues" means.
  const withIssues =
    failedTasks.length + failedJobs.length === 0
      ? sorted.filter((r) => r.type === 'Task' && r.result === 'succeededWithIssues')
      : [];
  const failures = [...failedTasks, ...failedJobs, ...withIssues].map((record) =>
    failedStepOf(record, ancestor),
  );
  const stagesWithFailures = new Set([...failedTasks, ...failedJobs].map((r) => ancestor(r, 'Stage')?.id));
  failures.push(...stagesFailedBeforeTheirJobs(sorted, stagesWithFailures, ancestor));
  const finished = records.filter((r) => (r.type === 'Stage' || r.type === 'Job') && r.completed);
  const othersOutcome = worstOutcome(finished.map((r) => r.result));
  const jobs = sorted.filter((record) => record.type === 'Job');
  const unfinishedJobs = otherJobsUnfinished(jobs, ownJob, (job) =>
    visibleName(ancestor(job, 'Stage')?.name),
  );
  return {
    othersOutcome,
    ...(unfinishedJobs.length > 0 && { unfinishedJobs }),
    failures,
    artifacts: [],
    ...jobAttemptsOf(records),
    ...jobNamesOf(records),
  };
}

/**
 * A job's identifier in the one form the timeline's records and a test run's publishing job are compared in: the
 * service compares them in any case, and a pipeline without stages names its stage `__default` or leaves it out.
 */
export function jobKey(identifier: string): string {
  return identifier.toLowerCase().replace(/^__default\./, '');
}

// The attempt each job is in; none when no job record names one (a classic build's timeline, an older server's).
// Should a timeline hold a job's earlier attempt too, the newest is the job's.
function jobAttemptsOf(records: readonly TimelineRecord[]): Pick<RunFacts, 'jobAttempts'> {
  const attempts = new Map<string, number>();
  for (const { identifier, attempt } of records) {
    if (identifier === undefined || attempt === undefined) continue;
    const key = jobKey(identifier);
    attempts.set(key, Math.max(attempt, attempts.get(key) ?? attempt));
  }
  return attempts.size > 0 ? { jobAttempts: attempts } : {};
}

// The display name of each job whose record names its identifier: what a person reads for a matrix job's leg.
function jobNamesOf(records: readonly TimelineRecord[]): Pick<RunFacts, 'jobNames'> {
  const names = new Map<string, string>();
  for (const { identifier, type, name } of records) {
    if (identifier !== undefined && name !== '' && type.toLowerCase() === 'job')
      names.set(jobKey(identifier), name);
  }
  return names.size > 0 ? { jobNames: names } : {};
}

/**
 * The records of the stage the task's job (`ownJob`) runs in, the stage's own among them; undefined when the job
 * is not among the records. A deployment job's items are its environment's: another stage's failure is not its.
 */
export function ownStage(records: readonly TimelineRecord[], ownJob: string): TimelineRecord[] | undefined {
  const { ancestor } = lineage(records);
  const stageOf = (record: TimelineRecord): TimelineRecord | undefined =>
    record.type === 'Stage' ? record : ancestor(record, 'Stage');
  const job = records.find(
    (record) => record.type === 'Job' && record.id.toLowerCase() === ownJob.toLowerCase(),
  );
  const stage = job && stageOf(job);
  return stage && records.filter((record) => stageOf(record) === stage);
}

// How the records hang together: each one's parent, and its nearest ancestor of a type.
function lineage(records: readonly TimelineRecord[]): {
  parent: (record: TimelineRecord) => TimelineRecord | undefined;
  ancestor: (record: TimelineRecord, type: string) => TimelineRecord | undefined;
} {
  const byId = new Map(records.map((record) => [record.id, record]));
  const parent = (record: TimelineRecord): TimelineRecord | undefined =>
    record.parentId === undefined ? undefined : byId.get(record.parentId);
  const ancestor = (record: TimelineRecord, type: string): TimelineRecord | undefined => {
    for (let at = parent(record); at; at = parent(at)) if (at.type === type) return at;
    return undefined;
  };
  return { parent, ancestor };
}

// Azure Pipelines cancels a job that runs past its timeout, and the run ends failed: a hanging test suite is a
// failure. Its record says why in an error that links the timeout's documentation (its wording may be translated).
const TIMED_OUT =
  /linkid=2077134\b|ran longer than the maximum time|exceeded the maximum (?:execution|allowed) time/i;

function failedIfTimedOut(record: TimelineRecord): TimelineRecord {
  const timedOut =
    record.type === 'Job' &&
    record.result === 'canceled' &&
    record.issues.some((issue) => issue.type === 'error' && TIMED_OUT.test(issue.message));
  return timedOut ? { ...record, result: 'failed', timedOut: true } : record;
}

// A failed (or succeeded-with-issues) step or job of the timeline, named by its stage and job.
function failedStepOf(
  record: TimelineRecord,
  ancestor: (record: TimelineRecord, type: string) => TimelineRecord | undefined,
): FailedStep {
  return {
    ...(record.result === 'succeededWithIssues' && { kind: 'withIssues' as const }),
    ...(record.timedOut && { kind: 'timedOut' as const }),
    stage: visibleName(ancestor(record, 'Stage')?.name),
    job: visibleName(record.type === 'Job' ? record.name : ancestor(record, 'Job')?.name),
    step: record.type === 'Job' ? '' : record.name,
    ...taskOf(record),
    ...messages(record.issues),
    log: record.logId === undefined ? undefined : { kind: 'build', logId: record.logId },
  };
}

// The other jobs running beside this one: their result is still to come, and none of them waits for this job. A
// job that has not started may (dependsOn, a later stage or release job, a deployment's on-success hook), so it
// cannot be waited for. Only when the task's own job is found among the records: a record is the job's when its
// id is the job's id, and without it every job would look like another one.
function otherJobsUnfinished<
  Job extends { readonly id: string; readonly name: string; readonly running?: true },
>(jobs: readonly Job[], ownJob: string | undefined, stageOf: (job: Job) => string): string[] {
  const same = (job: Job): boolean => job.id.toLowerCase() === ownJob?.toLowerCase();
  if (!jobs.some(same)) return [];
  return jobs
    .filter((job) => !same(job) && job.running === true)
    .map((job) => stepPath({ stage: stageOf(job), job: job.name, step: '' }));
}

// A stage can fail before any of its jobs runs: a check or an approval of its environment refused it. The stage
// is then the failure, with what its own record and every failed record beneath it (the checks) say.
function stagesFailedBeforeTheirJobs(
  sorted: readonly TimelineRecord[],
  stagesWithFailures: ReadonlySet<string | undefined>,
  ancestor: (record: TimelineRecord, type: string) => TimelineRecord | undefined,
): FailedStep[] {
  const failedStages = sorted.filter((r) => r.type === 'Stage' && r.result === 'failed');
  return failedStages
    .filter((stage) => !stagesWithFailures.has(stage.id))
    .map((stage) => {
      const beneath = sorted.filter((r) => r.result === 'failed' && ancestor(r, 'Stage') === stage);
      return {
        kind: 'stage' as const,
        stage: visibleName(stage.name) || stage.name,
        job: '',
        step: '',
        ...messages([...stage.issues, ...beneath.flatMap((r) => r.issues)]),
        log: undefined,
      };
    });
}

/**
 * Facts of a classic release from the current environment's deployment; `ownJob` is the task's job
 * (`System.JobId`).
 */
export function factsFromRelease(deployment: ReleaseDeployment, ownJob?: string): RunFacts {
  const { environment, jobs, phasesEnded = [] } = deployment;
  const unfinishedJobs = otherJobsUnfinished(jobs, ownJob, () => environment);
  return {
    othersOutcome: worstOutcome([
      ...jobs.map((job) => job.result),
      ...phasesEnded.map((phase) => phase.result),
    ]),
    ...(unfinishedJobs.length > 0 && { unfinishedJobs }),
    failures: releaseFailures(deployment),
    artifacts: deployment.artifacts,
    ...(deployment.buildProject && { buildProject: deployment.buildProject }),
  };
}

// The failed tasks (a job that failed without one, the job), then the phases that failed with no job of theirs
// failing (before their jobs ran: the phase is the failure). As in a build, a deployment with no failure lists
// the tasks that failed and let it go on.
function releaseFailures({ environment, jobs, phasesEnded = [] }: ReleaseDeployment): FailedStep[] {
  const failures = jobs.flatMap((job) => {
    const failedTasks = job.tasks.filter((task) => task.result === 'failed');
    if (failedTasks.length > 0) return failedTasks.map((task) => releaseStep(environment, job.name, task));
    return job.result === 'failed' ? [releaseJob(environment, job.name)] : [];
  });
  for (const phase of phasesEnded.filter((ended) => ended.result === 'failed'))
    failures.push(releaseJob(environment, phase.name, phase.error));
  if (failures.length > 0) return failures;
  return jobs.flatMap((job) =>
    job.tasks
      .filter((task) => task.result === 'succeededWithIssues')
      .map((task) => releaseStep(environment, job.name, task, 'withIssues')),
  );
}

function releaseStep(environment: string, job: string, task: ReleaseTask, kind?: 'withIssues'): FailedStep {
  return {
    ...(kind && { kind }),
    stage: environment,
    job: visibleName(job),
    step: task.name,
    ...taskOf(task),
    ...messages(task.issues),
    log: task.log,
  };
}

// A job (or a phase) that failed without a failed task; `error`, what its error log says.
function releaseJob(environment: string, job: string, error?: string): FailedStep {
  return {
    stage: environment,
    job: visibleName(job),
    step: '',
    errors: error === undefined ? [] : [error],
    warnings: [],
    log: undefined,
  };
}

// The task a failed step runs, only when its record names one (a failed job runs none).
function taskOf(record: { readonly task?: string }): Pick<FailedStep, 'task'> {
  return record.task === undefined ? {} : { task: record.task };
}

/** `Stage › Job › Step`, leaving out what is empty. */
export function stepPath(step: Pick<FailedStep, 'stage' | 'job' | 'step'>): string {
  return [step.stage, step.job, step.step].filter((part) => part !== '').join(' › ');
}

// The agent's notice before it runs a failed step again (`retryCountOnTaskFailure`), one per retry; each attempt
// adds its errors to the same record, so they repeat.
const RETRY_NOTICE = /^RetryHelper encountered task failure, will retry\b/;

function messages(issues: readonly Issue[]): Pick<FailedStep, 'errors' | 'warnings' | 'attempts'> {
  const of = (type: Issue['type']): string[] => [
    ...new Set(issues.filter((i) => i.type === type).map((i) => i.message.trim())),
  ];
  const retries = issues.filter((i) => i.type === 'warning' && RETRY_NOTICE.test(i.message.trim())).length;
  const warnings = of('warning').filter((warning) => !RETRY_NOTICE.test(warning));
  return {
    errors: of('error'),
    warnings: warnings.slice(0, MAX_WARNINGS),
    ...(retries > 0 && { attempts: retries + 1 }),
  };
}

// Orders records as the run shows them: by their position under each ancestor.
function path(record: TimelineRecord, parent: (r: TimelineRecord) => TimelineRecord | undefined): string {
  const orders: string[] = [];
  for (let at: TimelineRecord | undefined = record; at; at = parent(at)) {
    orders.unshift(String(at.order).padStart(6, '0'));
  }
  return orders.join('/');
}
