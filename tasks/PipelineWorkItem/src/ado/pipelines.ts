import type { ReleaseRun } from '../facts/context';
import type {
  Commit,
  QueuedBuild,
  ReleaseDeployment,
  ReleaseTaskLog,
  TestResult,
  TimelineRecord,
} from '../facts/model';
import type { NewestBuilds } from '../lifecycle/staleness';
import type { LineRange, Pipelines, ResultsPage, TestRunCounts, TestScope, WriterIdentity } from '../ports';
import { inParallel, PARALLEL_READS } from './parallel';
import { loc } from '../text/messages';
import { CallContext, RecordsPermission, toAdoError } from './errors';
import { Request, Rest, segment } from './rest';
import {
  FAILED_OUTCOMES,
  newestAttempts,
  ofDeployment,
  ofStage,
  queuedBuild,
  releaseDeployment,
  testResult,
  testRunCounts,
  timelineRecord,
  WireBuild,
  WireRelease,
  WireTestResult,
  WireTestRun,
  WireTimelineRecord,
} from './wire';

const V = '6.0';
/** A release task's log is preview at REST 6.0 (Azure DevOps Server 2020) and released from 7.0 on. */
const TASK_LOG_VERSION = '6.0-preview.2';
// How much of a release task's log its tail is looked for in when the release does not say the log's length:
// the log streams through and only its end is kept (`logLines` allows 10,000 lines, 400 bytes each here).
const RELEASE_TAIL_BYTES = 4 * 1024 * 1024;
/** Runs - Query answers at most 100 runs; Runs - List is read in pages of the same size. */
const RUNS_PAGE = 100;
/** Pages of a build's runs read at most: no build publishes 1,000 test runs. */
const MAX_RUN_PAGES = 10;
/**
 * Pages of a release environment's runs read at most: a week of its deployments, and a deployment group of
 * hundreds of targets redeployed several times publishes over 1,000; the current deployment's come last.
 */
const MAX_RELEASE_RUN_PAGES = 50;
const HOUR = 60 * 60 * 1000;
/** The widest window of last-update dates Runs - Query accepts: 7 days. */
const RUNS_QUERY_WINDOW = 7 * 24 * HOUR;

interface List<T> {
  readonly value?: T[];
}

/**
 * The run's records over the Build, Release and Test REST APIs, decoded into the task's model. Builds and tests
 * are on the collection's host on every server; release management may live on a host of its own.
 */
export class AdoPipelines implements Pipelines {
  constructor(
    private readonly builds: Rest,
    private readonly releases: () => Promise<Rest>,
    /** The clock the test runs' date window is taken from. */
    private readonly now: () => number = Date.now,
    /** The job token's identity, which a refusal names; the build service of the read's project when not told. */
    private readonly identity?: WriterIdentity,
  ) {}

  private async call<T>(
    action: string,
    project: string,
    records: RecordsPermission,
    body: () => Promise<T>,
  ): Promise<T> {
    const call: CallContext = { action, url: this.builds.baseUrl, project, identity: this.identity, records };
    try {
      return await body();
    } catch (error) {
      throw toAdoError(error, call);
    }
  }

  private build(project: string, buildId: number, below: string): string {
    return `${segment(project)}/_apis/build/builds/${segment(buildId)}${below}`;
  }

  timeline(project: string, buildId: number): Promise<TimelineRecord[]> {
    return this.call(loc('ActionReadTimeline', buildId), project, 'builds', async () => {
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
    return this.call(loc('ActionListLogs', buildId), project, 'builds', async () => {
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
    return this.call(loc('ActionReadLog', logId, buildId), project, 'builds', async () => {
      const path = this.build(project, buildId, `/logs/${logId}`);
      const query = { startLine: range.first, endLine: range.last };
      const lines = await this.builds.json<List<string>>({ method: 'GET', path, query, apiVersion: V });
      return lines?.value ?? [];
    });
  }

  buildLog(project: string, buildId: number, logId: number, maxBytes: number): Promise<string | undefined> {
    return this.call(loc('ActionReadLog', logId, buildId), project, 'builds', async () => {
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
    range: LineRange,
  ): Promise<string[]> {
    return this.releaseTaskLogRead(releaseId, log, project, async (rest, request) =>
      lines((await rest.send({ ...request, query: { startLine: range.first, endLine: range.last } })) ?? ''),
    );
  }

  releaseTaskLogTail(
    project: string,
    releaseId: number,
    log: ReleaseTaskLog,
    count: number,
  ): Promise<{ lines: string[]; lineCount: number }> {
    return this.releaseTaskLogRead(releaseId, log, project, async (rest, request) => {
      const { tail, lineCount } = await rest.sendTail(request, RELEASE_TAIL_BYTES);
      return { lines: lines(tail).slice(-count), lineCount };
    });
  }

  releaseTaskLog(
    project: string,
    releaseId: number,
    log: ReleaseTaskLog,
    maxBytes: number,
  ): Promise<string | undefined> {
    return this.releaseTaskLogRead(releaseId, log, project, async (rest, request) => {
      const { body, over } = await rest.sendCapped(request, maxBytes);
      return over ? undefined : body;
    });
  }

  private releaseTaskLogRead<T>(
    releaseId: number,
    log: ReleaseTaskLog,
    project: string,
    read: (rest: Rest, request: Request) => Promise<T>,
  ): Promise<T> {
    return this.call(loc('ActionReadReleaseLog', log.taskId, releaseId), project, 'releases', async () => {
      const path = `${segment(project)}/_apis/release/releases/${segment(releaseId)}/environments/${segment(log.environmentId)}/deployPhases/${segment(log.deployPhaseId)}/tasks/${segment(log.taskId)}/logs`;
      return read(await this.releases(), {
        method: 'GET',
        path,
        accept: 'text',
        apiVersion: TASK_LOG_VERSION,
      });
    });
  }

  testRuns(project: string, scope: TestScope): Promise<TestRunCounts[]> {
    const action =
      scope.kind === 'build'
        ? loc('ActionReadBuildTests', scope.buildId)
        : loc('ActionReadReleaseTests', scope.releaseId);
    return this.call(action, project, 'testRuns', async () => {
      // A rerun's results replace those of the attempt it reran: the superseded runs are not the run's failures.
      const runs =
        scope.kind === 'build'
          ? ofStage(newestAttempts(await this.buildRuns(project, scope.buildId)), scope.stage)
          : ofDeployment(await this.releaseRuns(project, scope), scope.attempt);
      return (await this.withStatistics(project, runs)).flatMap((run) => testRunCounts(run) ?? []);
    });
  }

  // The lists are asked for every property of the runs, their statistics among them; a run listed without
  // them (and with results) has them read on their own, as only they tell the results that passed on a rerun
  // or were flagged flaky. Without them (that read failing too) the run is counted from its totals.
  private async withStatistics(project: string, runs: readonly WireTestRun[]): Promise<WireTestRun[]> {
    const read = async (run: WireTestRun): Promise<WireTestRun> => {
      if (run.runStatistics || run.id === undefined || !run.totalTests) return run;
      const answer = await this.builds
        .json<{ runStatistics?: WireTestRun['runStatistics'] }>({
          method: 'GET',
          path: `${segment(project)}/_apis/test/runs/${segment(run.id)}/Statistics`,
          apiVersion: V,
        })
        .catch(() => undefined);
      return answer?.runStatistics?.length ? { ...run, runStatistics: answer.runStatistics } : run;
    };
    return inParallel(runs, PARALLEL_READS, read);
  }

  // Runs - List pages with $skip and $top; a build seldom has more runs than one page holds.
  private async buildRuns(project: string, buildId: number): Promise<WireTestRun[]> {
    const runs: WireTestRun[] = [];
    for (let page = 0; page < MAX_RUN_PAGES; page++) {
      const answer = await this.builds.json<List<WireTestRun>>({
        method: 'GET',
        path: `${segment(project)}/_apis/test/runs`,
        query: {
          buildUri: `vstfs:///Build/Build/${buildId}`,
          includeRunDetails: 'true',
          $skip: runs.length,
          $top: RUNS_PAGE,
        },
        apiVersion: V,
      });
      const value = answer?.value ?? [];
      runs.push(...value);
      if (value.length < RUNS_PAGE) break;
    }
    return runs;
  }

  // The query answers a summary of each run: its release without the deployment attempt, its statistics without
  // what passed on a rerun or was flagged flaky. Such a run is read on its own, which tells both; when that read
  // fails the summary stands (every attempt's runs are then kept). An environment is deployed again only once its
  // deployment has ended, so the runs of the current attempt are newer than any of an earlier one: they are read
  // newest first, and once a run of an earlier attempt is found, the runs created before it are left unread.
  private async releaseRuns(
    project: string,
    scope: Extract<TestScope, { kind: 'release' }>,
  ): Promise<WireTestRun[]> {
    // A run without a date is taken as the newest: always read, never where the reading stops.
    const created = (run: WireTestRun): number => Date.parse(run.createdDate ?? '') || Infinity;
    const newestFirst = (await this.queriedRuns(project, scope))
      .map((run) => ({ run, at: created(run) }))
      .sort((a, b) => b.at - a.at);
    let earlier = -Infinity;
    const read = async ({ run, at }: { run: WireTestRun; at: number }): Promise<WireTestRun | undefined> => {
      if (at < earlier) return undefined;
      const full =
        run.id === undefined || run.release?.attempt !== undefined
          ? undefined
          : await this.builds
              .json<WireTestRun>({
                method: 'GET',
                path: `${segment(project)}/_apis/test/runs/${segment(run.id)}`,
                apiVersion: V,
              })
              .catch(() => undefined);
      const known = full?.id === run.id ? { ...run, ...full } : run;
      const attempt = known.release?.attempt;
      if (scope.attempt !== undefined && attempt !== undefined && attempt < scope.attempt && at !== Infinity)
        earlier = Math.max(earlier, at);
      return known;
    };
    return (await inParallel(newestFirst, PARALLEL_READS, read)).flatMap((run) => run ?? []);
  }

  // Runs - Query must be given a window of last-update dates of at most 7 days. The task runs inside the
  // deployment whose runs it reads, so their last updates lie in the days before now; the window ends an hour
  // ahead of the agent's clock, which may lag the service's. A page holds at most 100 runs; while more remain, the
  // answer's continuation token asks for the next: a redeployment's runs may come after the earlier attempts'.
  private async queriedRuns(
    project: string,
    scope: Extract<TestScope, { kind: 'release' }>,
  ): Promise<WireTestRun[]> {
    const max = this.now() + HOUR;
    const runs: WireTestRun[] = [];
    let continuationToken: string | undefined;
    for (let page = 0; page < MAX_RELEASE_RUN_PAGES && (page === 0 || continuationToken); page++) {
      const answer = await this.builds.jsonPage<List<WireTestRun>>({
        method: 'GET',
        path: `${segment(project)}/_apis/test/runs`,
        query: {
          minLastUpdatedDate: new Date(max - RUNS_QUERY_WINDOW).toISOString(),
          maxLastUpdatedDate: new Date(max).toISOString(),
          releaseIds: scope.releaseId,
          releaseEnvIds: scope.environmentId,
          $top: RUNS_PAGE,
          continuationToken,
        },
        apiVersion: V,
      });
      runs.push(...(answer.json?.value ?? []));
      continuationToken = answer.continuationToken;
    }
    return runs;
  }

  testResults(
    project: string,
    runId: number,
    outcome: 'Failed' | 'Passed',
    page: ResultsPage,
  ): Promise<TestResult[]> {
    return this.call(loc('ActionReadTestRun', runId), project, 'testRuns', async () => {
      const results = await this.builds.json<List<WireTestResult>>({
        method: 'GET',
        path: `${segment(project)}/_apis/test/Runs/${segment(runId)}/results`,
        query: {
          outcomes: outcome === 'Failed' ? FAILED_OUTCOMES.join(',') : outcome,
          $skip: page.skip,
          $top: page.top,
        },
        apiVersion: V,
      });
      const web = { collection: this.builds.baseUrl, project };
      return (results?.value ?? []).flatMap((result) => testResult(result, runId, web) ?? []);
    });
  }

  changes(project: string, buildId: number, top: number): Promise<Commit[]> {
    return this.call(loc('ActionReadChanges', buildId), project, 'builds', async () => {
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
    return this.call(loc('ActionReadBuildWorkItems', buildId), project, 'builds', async () => {
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

  // Builds - List, newest queued first: `branchName` names one branch by its full ref.
  newestBuilds(project: string, query: NewestBuilds): Promise<QueuedBuild[]> {
    return this.call(loc('ActionListBuilds', query.definitionId), project, 'builds', async () => {
      const builds = await this.builds.json<List<WireBuild>>({
        method: 'GET',
        path: `${segment(project)}/_apis/build/builds`,
        query: {
          definitions: query.definitionId,
          branchName: query.branchRef,
          queryOrder: 'queueTimeDescending',
          $top: query.top,
        },
        apiVersion: V,
      });
      const web = { collection: this.builds.baseUrl, project };
      return (builds?.value ?? []).flatMap((build) => queuedBuild(build, web) ?? []);
    });
  }

  releaseDeployment(
    project: string,
    run: ReleaseRun,
    environment: string,
  ): Promise<ReleaseDeployment | undefined> {
    return this.call(loc('ActionReadRelease', run.id), project, 'releases', async () => {
      const path = `${segment(project)}/_apis/release/releases/${segment(run.id)}`;
      // A 404 is a release the job token may not see, not one without deployments: the records stay unread.
      const release = await (await this.releases()).json<WireRelease>({ method: 'GET', path, apiVersion: V });
      return release ? releaseDeployment(release, run, environment) : undefined;
    });
  }
}

/** A log's text as lines, without the line break that ends the last. */
function lines(text: string): string[] {
  const body = text.replace(/\r?\n$/, '');
  return body === '' ? [] : body.split(/\r?\n/);
}
