import { IssueType, TaskResult, TimelineRecordState } from 'azure-devops-node-api/interfaces/BuildInterfaces';
import type {
  Issue as BuildIssue,
  TimelineRecord as AdoTimelineRecord,
} from 'azure-devops-node-api/interfaces/BuildInterfaces';
import { TaskStatus } from 'azure-devops-node-api/interfaces/ReleaseInterfaces';
import type {
  Issue as ReleaseIssue,
  Release,
  ReleaseTask as AdoReleaseTask,
} from 'azure-devops-node-api/interfaces/ReleaseInterfaces';
import type { IBuildApi } from 'azure-devops-node-api/BuildApi';
import type { IReleaseApi } from 'azure-devops-node-api/ReleaseApi';
import type { ReleaseRun } from '../facts/context';
import type { Issue, ReleaseDeployment, ReleaseJob, StepResult, TimelineRecord } from '../facts/model';
import type { Pipelines } from '../ports';
import { toAdoError } from './errors';

type Build = Pick<IBuildApi, 'getBuildTimeline'>;
type ReleaseClient = Pick<IReleaseApi, 'getRelease'>;

// The client decodes enum strings to these numbers.
const TASK_RESULT: Partial<Record<TaskResult, StepResult>> = {
  [TaskResult.Succeeded]: 'succeeded',
  [TaskResult.SucceededWithIssues]: 'succeededWithIssues',
  [TaskResult.Failed]: 'failed',
  [TaskResult.Canceled]: 'canceled',
  [TaskResult.Skipped]: 'skipped',
  [TaskResult.Abandoned]: 'canceled',
};

const RELEASE_TASK_STATUS: Partial<Record<TaskStatus, StepResult>> = {
  [TaskStatus.Success]: 'succeeded',
  [TaskStatus.Succeeded]: 'succeeded',
  [TaskStatus.PartiallySucceeded]: 'succeededWithIssues',
  [TaskStatus.Failure]: 'failed',
  [TaskStatus.Failed]: 'failed',
  [TaskStatus.Canceled]: 'canceled',
  [TaskStatus.Skipped]: 'skipped',
};

/** The run's records over azure-devops-node-api, decoded into the task's model. */
export class AdoPipelines implements Pipelines {
  constructor(
    private readonly build: Build,
    private readonly release: () => Promise<ReleaseClient>,
    private readonly url: string,
  ) {}

  async timeline(project: string, buildId: number): Promise<TimelineRecord[]> {
    const call = { action: `read the timeline of build ${buildId}`, url: this.url, project };
    try {
      const timeline = await this.build.getBuildTimeline(project, buildId);
      return (timeline?.records ?? []).map(timelineRecord);
    } catch (error) {
      throw toAdoError(error, call);
    }
  }

  async releaseDeployment(
    project: string,
    run: ReleaseRun,
    environment: string,
  ): Promise<ReleaseDeployment | undefined> {
    const call = { action: `read release ${run.id}`, url: this.url, project };
    let release: Release | null;
    try {
      release = await (await this.release()).getRelease(project, run.id);
    } catch (error) {
      throw toAdoError(error, call);
    }
    const stage = release?.environments?.find((env) =>
      run.environmentId !== undefined ? env.id === run.environmentId : env.name === environment,
    );
    if (!release || !stage) return undefined;
    const attempts = [...(stage.deploySteps ?? [])].sort((a, b) => (b.attempt ?? 0) - (a.attempt ?? 0));
    const attempt = attempts.find((step) => step.attempt === run.attempt) ?? attempts[0];
    const jobs: ReleaseJob[] = (attempt?.releaseDeployPhases ?? []).flatMap((phase) =>
      (phase.deploymentJobs ?? []).map((job) => ({
        name: job.job?.name ?? phase.name ?? '',
        result: releaseResult(job.job),
        tasks: (job.tasks ?? []).map((task) => ({
          name: task.name ?? '',
          result: releaseResult(task),
          issues: releaseIssues(task.issues),
        })),
      })),
    );
    const artifacts = (release.artifacts ?? []).map((artifact) =>
      [artifact.alias, artifact.definitionReference?.['version']?.name].filter(Boolean).join(' '),
    );
    return { environment: stage.name ?? environment, jobs, artifacts };
  }
}

function timelineRecord(record: AdoTimelineRecord): TimelineRecord {
  return {
    id: record.id ?? '',
    parentId: record.parentId ?? undefined,
    type: record.type ?? '',
    name: record.name ?? '',
    order: record.order ?? 0,
    completed: record.state === TimelineRecordState.Completed,
    result: record.result === undefined || record.result === null ? undefined : TASK_RESULT[record.result],
    issues: buildIssues(record.issues),
    logId: record.log?.id,
  };
}

function buildIssues(issues: BuildIssue[] | undefined): Issue[] {
  return (issues ?? []).flatMap((issue): Issue[] => {
    if (issue.type === IssueType.Error) return [{ type: 'error', message: issue.message ?? '' }];
    if (issue.type === IssueType.Warning) return [{ type: 'warning', message: issue.message ?? '' }];
    return [];
  });
}

function releaseResult(task: AdoReleaseTask | undefined): StepResult | undefined {
  return task?.status === undefined ? undefined : RELEASE_TASK_STATUS[task.status];
}

function releaseIssues(issues: ReleaseIssue[] | undefined): Issue[] {
  return (issues ?? []).flatMap((issue): Issue[] => {
    const type = issue.issueType?.toLowerCase();
    return type === 'error' || type === 'warning' ? [{ type, message: issue.message ?? '' }] : [];
  });
}
