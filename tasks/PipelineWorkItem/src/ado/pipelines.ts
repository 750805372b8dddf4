import type { ReleaseRun } from '../facts/context';
import type { Commit, ReleaseDeployment, ReleaseTaskLog, TimelineRecord } from '../facts/model';
import type { FailedTestRef, LineRange, Pipelines, TestScope } from '../ports';
import { loc } from '../text/messages';
import { CallContext, toAdoError } from './errors';
import { Rest, segment } from './rest';
import { releaseDeployment, timelineRecord, WireRelease, WireTimelineRecord } from './wire';

const V = '6.0';
// Test results by build or release, and a run's results, were previews in REST 6.0.
const TEST_RESULTS = '6.0-preview.1';

interface List<T> {
  readonly value?: T[];
}

/** The run's records over the Build, Release and Test Results REST APIs, decoded into the task's model. */
export class AdoPipelines implements Pipelines {
  constructor(
    private readonly builds: Rest,
    /** Release management and test results may live on hosts of their own (Azure DevOps Services). */
    private readonly releases: () => Promise<Rest>,
    private readonly testResults: () => Promise<Rest>,
  ) {}

  private async call<T>(action: string, project: string, body: () => Promise<T>): Promise<T> {
    const call: CallContext = { action, url: this.builds.baseUrl, project };
    try {
      return await body();
    } catch (error) {
      throw toAdoError(error, call);
    }
  }

  private build(project: string, buildId: number, below = ''): string {
    return `${segment(project)}/_apis/build/builds/${buildId}${below}`;
  }

  timeline(project: string, buildId: number): Promise<TimelineRecord[]> {
    return this.call(loc('ActionReadTimeline', buildId), project, async () => {
      const path = this.build(project, buildId, '/timeline');
      const timeline = await this.builds.json<{ records?: WireTimelineRecord[] }>({
        method: 'GET',
        path,
        apiVersion: V,
      });
      return (timeline?.records ?? []).map(timelineRecord);
    });
  }

  buildLogLineCounts(project: string, buildId: number): Promise<Map<number, number>> {
    return this.call(loc('ActionListLogs', buildId), project, async () => {
      const path = this.build(project, buildId, '/logs');
      const logs = await this.builds.json<List<{ id?: number; lineCount?: number }>>({
        method: 'GET',
        path,
        apiVersion: V,
      });
      return new Map(
        (logs?.value ?? []).flatMap((log) => (log.id === undefined ? [] : [[log.id, log.lineCount ?? 0]])),
      );
    });
  }

  buildLogLines(project: string, buildId: number, logId: number, range: LineRange): Promise<string[]> {
    return this.call(loc('ActionReadLog', logId, buildId), project, async () => {
      const path = this.build(project, buildId, `/logs/${logId}`);
      const query = { startLine: range.first, endLine: range.last };
      const lines = await this.builds.json<List<string>>({ method: 'GET', path, query, apiVersion: V });
      return lines?.value ?? [];
    });
  }

  buildLog(project: string, buildId: number, logId: number, maxBytes: number): Promise<string | undefined> {
    return this.call(loc('ActionReadLog', logId, buildId), project, async () => {
      const path = this.build(project, buildId, `/logs/${logId}`);
      const { body, over } = await this.builds.sendCapped(
        { method: 'GET', path, accept: 'text', apiVersion: V },
        maxBytes,
      );
      return over ? undefined : body;
    });
  }

  releaseTaskLogLines(
    project: string,
    releaseId: number,
    log: ReleaseTaskLog,
    range?: LineRange,
  ): Promise<string[]> {
    return this.call(loc('ActionReadReleaseLog', log.taskId, releaseId), project, async () => {
      const path = `${segment(project)}/_apis/release/releases/${releaseId}/environments/${log.environmentId}/deployPhases/${log.deployPhaseId}/tasks/${log.taskId}/logs`;
      const query = { startLine: range?.first, endLine: range?.last };
      const rest = await this.releases();
      const body = (
        (await rest.send({ method: 'GET', path, query, accept: 'text', apiVersion: V })) ?? ''
      ).replace(/\r?\n$/, '');
      return body === '' ? [] : body.split(/\r?\n/);
    });
  }

  failedTests(
    project: string,
    scope: TestScope,
    countUpTo: number,
  ): Promise<{ total: number; refs: FailedTestRef[] }> {
    const action =
      scope.kind === 'build'
        ? loc('ActionReadBuildTests', scope.buildId)
        : loc('ActionReadReleaseTests', scope.releaseId);
    return this.call(action, project, async () => {
      const [resource, query] =
        scope.kind === 'build'
          ? ['resultsbybuild', { buildId: scope.buildId }]
          : ['resultsbyrelease', { releaseId: scope.releaseId, releaseEnvid: scope.environmentId }];
      const path = `${segment(project)}/_apis/testresults/${resource}`;
      const rest = await this.testResults();
      const results = await rest.json<
        List<{ id?: number; runId?: number; automatedTestName?: string; testCaseTitle?: string }>
      >({
        method: 'GET',
        path,
        query: { ...query, outcomes: 'Failed', $top: countUpTo },
        apiVersion: TEST_RESULTS,
      });
      const refs = (results?.value ?? []).flatMap((result): FailedTestRef[] =>
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
    return this.call(loc('ActionReadTestRun', runId), project, async () => {
      const path = `${segment(project)}/_apis/testresults/runs/${runId}/results`;
      const rest = await this.testResults();
      const results = await rest.json<List<{ id?: number; errorMessage?: string }>>({
        method: 'GET',
        path,
        query: { outcomes: 'Failed', $top: top },
        apiVersion: TEST_RESULTS,
      });
      return new Map(
        (results?.value ?? []).flatMap((result) =>
          result.id === undefined ? [] : [[result.id, result.errorMessage ?? '']],
        ),
      );
    });
  }

  changes(project: string, buildId: number, top: number): Promise<Commit[]> {
    return this.call(loc('ActionReadChanges', buildId), project, async () => {
      const path = this.build(project, buildId, '/changes');
      const changes = await this.builds.json<
        List<{
          id?: string;
          message?: string;
          pusher?: string;
          displayUri?: string;
          author?: { displayName?: string };
        }>
      >({ method: 'GET', path, query: { $top: top }, apiVersion: V });
      return (changes?.value ?? []).map((change) => ({
        id: change.id ?? '',
        author: change.author?.displayName ?? change.pusher ?? '',
        message: (change.message ?? '').split(/\r?\n/)[0] ?? '',
        url: change.displayUri && /^https?:\/\//i.test(change.displayUri) ? change.displayUri : undefined,
      }));
    });
  }

  buildWorkItems(project: string, buildId: number, top: number): Promise<number[]> {
    return this.call(loc('ActionReadBuildWorkItems', buildId), project, async () => {
      const path = this.build(project, buildId, '/workitems');
      const refs = await this.builds.json<List<{ id?: string }>>({
        method: 'GET',
        path,
        query: { $top: top },
        apiVersion: V,
      });
      return (refs?.value ?? []).flatMap((ref) => {
        const id = Number(ref.id);
        return Number.isSafeInteger(id) && id > 0 ? [id] : [];
      });
    });
  }

  releaseDeployment(
    project: string,
    run: ReleaseRun,
    environment: string,
  ): Promise<ReleaseDeployment | undefined> {
    return this.call(loc('ActionReadRelease', run.id), project, async () => {
      const path = `${segment(project)}/_apis/release/releases/${run.id}`;
      const release = await (
        await this.releases()
      ).json<WireRelease>({ method: 'GET', path, apiVersion: V }, 'undefined');
      return release ? releaseDeployment(release, run, environment) : undefined;
    });
  }
}
