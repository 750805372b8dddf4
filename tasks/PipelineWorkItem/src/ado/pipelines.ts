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
import type { ITestResultsApi } from 'azure-devops-node-api/TestResultsApi';
import { TestOutcome } from 'azure-devops-node-api/interfaces/TestInterfaces';
import type { ReleaseRun } from '../facts/context';
import type {
  Commit,
  Issue,
  ReleaseDeployment,
  ReleaseJob,
  ReleaseTaskLog,
  StepResult,
  TimelineRecord,
} from '../facts/model';
import type { FailedTestRef, Pipelines, TestScope } from '../ports';
import { CallContext, toAdoError } from './errors';

type Build = Pick<
  IBuildApi,
  | 'getBuildTimeline'
  | 'getBuildLogs'
  | 'getBuildLogLines'
  | 'getBuildLog'
  | 'getBuildChanges'
  | 'getBuildWorkItemsRefs'
>;
type ReleaseClient = Pick<IReleaseApi, 'getRelease' | 'getTaskLog'>;
type TestResultsClient = Pick<
  ITestResultsApi,
  'getTestResultsByBuild' | 'getTestResultsByRelease' | 'getTestResults'
>;

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
    private readonly testResults: () => Promise<TestResultsClient>,
    private readonly url: string,
  ) {}

  private async call<T>(action: string, project: string, body: () => Promise<T>): Promise<T> {
    const call: CallContext = { action, url: this.url, project };
    try {
      return await body();
    } catch (error) {
      throw toAdoError(error, call);
    }
  }

  timeline(project: string, buildId: number): Promise<TimelineRecord[]> {
    return this.call(`read the timeline of build ${buildId}`, project, async () => {
      const timeline = await this.build.getBuildTimeline(project, buildId);
      return (timeline?.records ?? []).map(timelineRecord);
    });
  }

  buildLogLineCounts(project: string, buildId: number): Promise<Map<number, number>> {
    return this.call(`list the logs of build ${buildId}`, project, async () => {
      const logs = (await this.build.getBuildLogs(project, buildId)) ?? [];
      return new Map(logs.flatMap((log) => (log.id === undefined ? [] : [[log.id, log.lineCount ?? 0]])));
    });
  }

  buildLogLines(
    project: string,
    buildId: number,
    logId: number,
    first: number,
    last: number,
  ): Promise<string[]> {
    return this.call(`read log ${logId} of build ${buildId}`, project, async () => {
      return (await this.build.getBuildLogLines(project, buildId, logId, first, last)) ?? [];
    });
  }

  buildLog(project: string, buildId: number, logId: number): Promise<string> {
    return this.call(`read log ${logId} of build ${buildId}`, project, async () =>
      text(await this.build.getBuildLog(project, buildId, logId)),
    );
  }

  releaseTaskLogLines(
    project: string,
    releaseId: number,
    log: ReleaseTaskLog,
    range?: { first: number; last: number },
  ): Promise<string[]> {
    return this.call(`read the log of task ${log.taskId} of release ${releaseId}`, project, async () => {
      const client = await this.release();
      const stream = await client.getTaskLog(
        project,
        releaseId,
        log.environmentId,
        log.deployPhaseId,
        log.taskId,
        range?.first,
        range?.last,
      );
      const body = (await text(stream)).replace(/\r?\n$/, '');
      return body === '' ? [] : body.split(/\r?\n/);
    });
  }

  failedTests(
    project: string,
    scope: TestScope,
    countUpTo: number,
  ): Promise<{ total: number; refs: FailedTestRef[] }> {
    const of = scope.kind === 'build' ? `build ${scope.buildId}` : `release ${scope.releaseId}`;
    return this.call(`read the failed tests of ${of}`, project, async () => {
      const client = await this.testResults();
      const failed = [TestOutcome.Failed];
      const results =
        scope.kind === 'build'
          ? await client.getTestResultsByBuild(project, scope.buildId, undefined, failed, countUpTo)
          : await client.getTestResultsByRelease(
              project,
              scope.releaseId,
              scope.environmentId,
              undefined,
              failed,
              countUpTo,
            );
      const refs = (results ?? []).flatMap((result): FailedTestRef[] =>
        result.runId === undefined || result.id === undefined
          ? []
          : [
              {
                runId: result.runId,
                resultId: result.id,
                name: result.automatedTestName || result.testCaseTitle || `Test ${result.id}`,
              },
            ],
      );
      return { total: refs.length, refs };
    });
  }

  testMessages(project: string, runId: number, top: number): Promise<Map<number, string>> {
    return this.call(`read the results of test run ${runId}`, project, async () => {
      const client = await this.testResults();
      const results =
        (await client.getTestResults(project, runId, undefined, 0, top, [TestOutcome.Failed])) ?? [];
      return new Map(
        results.flatMap((result) =>
          result.id === undefined ? [] : [[result.id, result.errorMessage ?? '']],
        ),
      );
    });
  }

  changes(project: string, buildId: number, top: number): Promise<Commit[]> {
    return this.call(`read the changes of build ${buildId}`, project, async () => {
      const changes = (await this.build.getBuildChanges(project, buildId, undefined, top)) ?? [];
      return changes.map((change) => ({
        id: change.id ?? '',
        author: change.author?.displayName ?? change.pusher ?? '',
        message: (change.message ?? '').split(/\r?\n/)[0] ?? '',
        url: change.displayUri && /^https?:\/\//i.test(change.displayUri) ? change.displayUri : undefined,
      }));
    });
  }

  buildWorkItems(project: string, buildId: number, top: number): Promise<number[]> {
    return this.call(`read the work items of build ${buildId}`, project, async () => {
      const refs = (await this.build.getBuildWorkItemsRefs(project, buildId, top)) ?? [];
      return refs.flatMap((ref) => {
        const id = Number(ref.id);
        return Number.isSafeInteger(id) && id > 0 ? [id] : [];
      });
    });
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
          log: releaseTaskLog(stage.id, phase.id, task),
        })),
      })),
    );
    const artifacts = (release.artifacts ?? []).map((artifact) =>
      [artifact.alias, artifact.definitionReference?.['version']?.name].filter(Boolean).join(' '),
    );
    return { environment: stage.name ?? environment, jobs, artifacts };
  }
}

// The client's text downloads (getBuildLog, getTaskLog) resolve the raw response whatever its status: an
// error page must not become a log excerpt or an attached "log".
async function text(stream: NodeJS.ReadableStream | null | undefined): Promise<string> {
  if (!stream) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  const body = Buffer.concat(chunks).toString('utf8');
  const statusCode = (stream as { statusCode?: number }).statusCode;
  if (statusCode !== undefined && statusCode > 299) {
    throw Object.assign(new Error(serviceMessage(body) || `HTTP ${statusCode}`), {
      statusCode,
      result: { message: serviceMessage(body) || `HTTP ${statusCode}` },
    });
  }
  return body;
}

function serviceMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : '';
  } catch {
    return '';
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

function releaseTaskLog(
  environmentId: number | undefined,
  deployPhaseId: number | undefined,
  task: AdoReleaseTask,
): ReleaseTaskLog | undefined {
  if (environmentId === undefined || deployPhaseId === undefined || task.id === undefined) return undefined;
  return { kind: 'release', environmentId, deployPhaseId, taskId: task.id, lineCount: task.lineCount ?? 0 };
}

function releaseIssues(issues: ReleaseIssue[] | undefined): Issue[] {
  return (issues ?? []).flatMap((issue): Issue[] => {
    const type = issue.issueType?.toLowerCase();
    return type === 'error' || type === 'warning' ? [{ type, message: issue.message ?? '' }] : [];
  });
}
