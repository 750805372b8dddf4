import type { ReleaseRun } from '../facts/context';
import type { Issue, ReleaseDeployment, ReleaseTaskLog, StepResult, TimelineRecord } from '../facts/model';

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
}

/** The task a timeline record or release task runs (`TaskReference`, `WorkflowTaskReference`). */
interface WireTaskReference {
  name?: string;
}

interface WireReleaseTask {
  id?: number;
  name?: string;
  task?: WireTaskReference | null;
  status?: string;
  lineCount?: number;
  issues?: { issueType?: string; message?: string }[] | null;
}

export interface WireRelease {
  environments?: {
    id?: number;
    name?: string;
    deploySteps?: {
      attempt?: number;
      releaseDeployPhases?: {
        id?: number;
        name?: string;
        deploymentJobs?: { job?: WireReleaseTask; tasks?: WireReleaseTask[] }[];
      }[];
    }[];
  }[];
  artifacts?: { alias?: string; definitionReference?: { version?: { name?: string } } }[];
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
    result: stepResult(record.result),
    issues: issues(record.issues),
    logId: record.log?.id,
    ...taskName(record.task),
  };
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
  const jobs = (attempt?.releaseDeployPhases ?? []).flatMap((phase) =>
    (phase.deploymentJobs ?? []).map((job) => ({
      name: job.job?.name ?? phase.name ?? '',
      result: stepResult(job.job?.status),
      tasks: (job.tasks ?? []).map((task) => ({
        name: task.name ?? '',
        ...taskName(task.task),
        result: stepResult(task.status),
        issues: issues(task.issues),
        log: taskLog(stage.id, phase.id, task),
      })),
    })),
  );
  const artifacts = (release.artifacts ?? []).map((artifact) =>
    [artifact.alias, artifact.definitionReference?.version?.name].filter(Boolean).join(' '),
  );
  return { environment: stage.name ?? environment, jobs, artifacts };
}

function taskLog(
  environmentId: number | undefined,
  deployPhaseId: number | undefined,
  task: WireReleaseTask,
): ReleaseTaskLog | undefined {
  if (environmentId === undefined || deployPhaseId === undefined || task.id === undefined) return undefined;
  return { kind: 'release', environmentId, deployPhaseId, taskId: task.id, lineCount: task.lineCount ?? 0 };
}
