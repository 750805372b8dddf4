// Build records, test runs and results, release and work (team iterations) through the real clients.
import * as assert from 'node:assert/strict';
import { BuildQueryOrder } from 'azure-devops-node-api/interfaces/BuildInterfaces';
import type { BuildSeed } from '../emulator/harness';
import { assertOnlyKnownRequests, clients, JOB_TOKEN, rejection, useEmulator } from './helpers';

const readAll = async (stream: NodeJS.ReadableStream): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8');
};

const BUILD: BuildSeed = {
  project: 'WebApp',
  id: 42,
  buildNumber: '20240501.7',
  definition: { id: 5, name: 'WebApp-CI' },
  sourceBranch: 'refs/heads/main',
  requestedFor: { displayName: 'Sam Rivera', uniqueName: 'sam@fabrikam.example' },
  records: [
    { id: 'stage', type: 'Stage', name: 'Build', result: 'failed', identifier: 'Build' },
    { id: 'job', parentId: 'stage', type: 'Job', name: 'Linux', result: 'failed' },
    {
      id: 'step',
      parentId: 'job',
      type: 'Task',
      name: 'npm test',
      result: 'failed',
      logId: 7,
      issues: [{ type: 'error', message: 'Process completed with exit code 1.' }],
    },
  ],
  logs: { '7': ['one', 'two', 'three', '##[error]boom'] },
  changes: [
    {
      id: 'abc123',
      message: 'Break the build',
      author: { displayName: 'Alex Kim', uniqueName: 'alex@fabrikam.example' },
    },
  ],
  workItemRefs: [12, 13],
  testResults: [
    { testCaseTitle: 'adds', outcome: 'Passed' },
    {
      testCaseTitle: 'divides',
      automatedTestName: 'calc.divides',
      outcome: 'Failed',
      errorMessage: 'expected 2',
      stackTrace: 'at x',
      owner: { displayName: 'Sam Rivera', uniqueName: 'sam@fabrikam.example' },
    },
    {
      testCaseTitle: 'multiplies',
      outcome: 'Failed',
      failingSince: { buildId: 40 },
      customFields: [{ fieldName: 'IsTestResultFlaky', value: true }],
    },
    { testCaseTitle: 'subtracts', outcome: 'Passed', resultGroupType: 'rerun' },
    { testCaseTitle: 'rounds', outcome: 'Failed', runId: 77 },
  ],
  testRuns: [{ id: 77, attempt: 2, job: { stage: 'Build', phase: 'Test', job: 'Linux' } }],
};
const EARLIER: BuildSeed = {
  project: 'WebApp',
  id: 40,
  buildNumber: '20240430.2',
  startTime: '2024-04-30T09:00:00Z',
};

describe('emulator: build records, tests, releases, iterations', function () {
  this.timeout(20_000);
  const em = useEmulator();
  // Every test here talks to the emulator only through the REST routes and discovery.
  afterEach(async () => assertOnlyKnownRequests(em()));
  const api = () => clients(em());
  // Runs - List of build 42 with every property of its runs (includeRunDetails).
  const detailedRuns = () =>
    api().test.getTestRuns('WebApp', 'vstfs:///Build/Build/42', undefined, undefined, undefined, true);

  before(async () => {
    await em().seedBuild(EARLIER);
    await em().seedBuild(BUILD);
    await em().seedRelease({
      project: 'WebApp',
      id: 9,
      name: 'Release-9',
      artifacts: [
        {
          alias: '_WebApp-CI',
          buildId: 42,
          buildNumber: '20240501.7',
          definition: { id: 5, name: 'WebApp-CI' },
        },
      ],
      environments: [
        {
          id: 91,
          name: 'Production',
          status: 'rejected',
          testResults: [{ testCaseTitle: 'smoke', outcome: 'Failed', errorMessage: 'down' }],
          phases: [
            {
              name: 'Deploy',
              status: 'failed',
              jobs: [
                {
                  tasks: [
                    {
                      name: 'Deploy app',
                      status: 'failed',
                      issues: [{ issueType: 'Error', message: 'denied' }],
                      logLines: ['a', 'b'],
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it('serves the timeline with parent links, issues and log references; none for a build without one', async () => {
    const t = await api().build.getBuildTimeline('WebApp', 42);
    const step = t.records?.find((r) => r.name === 'npm test');
    const job = t.records?.find((r) => r.name === 'Linux');
    assert.equal(step?.parentId, job?.id);
    assert.match(step?.id ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(step?.issues?.[0]?.message, 'Process completed with exit code 1.');
    assert.equal(step?.errorCount, 1);
    assert.equal(step?.log?.id, 7);
    const again = await api().build.getBuildTimeline('WebApp', 42, t.id);
    assert.equal(again.records?.length, 3);
    // A build without a timeline: 204, no content, which the client reads as null.
    const none = await fetch(`${em().collectionUrl}WebApp/_apis/build/builds/40/timeline?api-version=7.1`, {
      headers: { Authorization: `Bearer ${JOB_TOKEN}` },
    });
    assert.deepEqual([none.status, await none.text()], [204, '']);
    assert.equal(await api().build.getBuildTimeline('WebApp', 40), null);
  });

  it('serves logs as text (with agent timestamps) and as lines', async () => {
    const logs = await api().build.getBuildLogs('WebApp', 42);
    assert.deepEqual(
      logs.map((l) => [l.id, l.lineCount]),
      [[7, 4]],
    );
    const text = await readAll(await api().build.getBuildLog('WebApp', 42, 7));
    assert.match(text.split('\n')[3], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z ##\[error\]boom$/);
    const tail = await api().build.getBuildLogLines('WebApp', 42, 7, 3, 4);
    assert.equal(tail.length, 2);
    assert.match(tail[0], / three$/);
    // A range is the same lines as the whole log, each line's own time with it.
    assert.deepEqual(tail, text.split('\n').slice(2, 4));
    assert.deepEqual(await api().build.getBuildLogLines('WebApp', 42, 7, 2), text.split('\n').slice(1));
  });

  it('reads a log range as the service does: lines past the log cut, a negative end the last lines', async () => {
    const text = (await readAll(await api().build.getBuildLog('WebApp', 42, 7))).split('\n');
    assert.deepEqual(await api().build.getBuildLogLines('WebApp', 42, 7, 0, 99), text);
    assert.deepEqual(await api().build.getBuildLogLines('WebApp', 42, 7, undefined, -3), text.slice(1));
    assert.deepEqual(await api().build.getBuildLogLines('WebApp', 42, 7, 5, 9), []);
    const reversed = await rejection(api().build.getBuildLogLines('WebApp', 42, 7, 3, 2));
    assert.deepEqual(
      [reversed.statusCode, reversed.message],
      [400, 'Startline cannot be greater than endline'],
    );
  });

  it('serves changes and associated work item refs', async () => {
    const changes = await api().build.getBuildChanges('WebApp', 42);
    assert.equal(changes[0].id, 'abc123');
    assert.equal(changes[0].author?.displayName, 'Alex Kim');
    const refs = await api().build.getBuildWorkItemsRefs('WebApp', 42);
    assert.deepEqual(
      refs.map((r) => r.id),
      ['12', '13'],
    );
  });

  it('lists the builds of a pipeline on one branch, newest queued first, at most $top', async () => {
    const seed = (id: number, queueTime: string, sourceBranch = 'refs/heads/main') =>
      em().seedBuild({
        project: 'WebApp',
        id,
        buildNumber: `Lanes.${id}`,
        definition: { id: 6, name: 'Lanes-CI' },
        sourceBranch,
        queueTime,
        status: 'completed',
        result: 'failed',
      });
    await seed(60, '2026-12-01T08:00:00Z');
    await seed(61, '2026-12-01T09:00:00Z');
    await seed(62, '2026-12-01T10:00:00Z', 'refs/heads/feature/x');
    await seed(63, '2026-12-01T09:30:00Z');
    // Builds - List's 21 arguments: project, definitions, 10 filters, $top, 3 more, queryOrder, branchName, 3 more.
    const list = (order?: BuildQueryOrder, branch?: string, top?: number) => {
      const none = undefined;
      return api().build.getBuilds(
        'WebApp',
        [6],
        ...[none, none, none, none, none, none, none, none, none, none],
        top,
        none,
        none,
        none,
        order,
        branch,
      );
    };
    const newest = await list(BuildQueryOrder.QueueTimeDescending, 'refs/heads/main', 2);
    assert.deepEqual(
      newest.map((b) => [b.id, b.buildNumber, b.sourceBranch, b.definition?.id]),
      [
        [63, 'Lanes.63', 'refs/heads/main', 6],
        [61, 'Lanes.61', 'refs/heads/main', 6],
      ],
    );
    assert.equal(newest[0]?.queueTime?.toISOString(), '2026-12-01T09:30:00.000Z');
    assert.equal(newest[0]?.uri, 'vstfs:///Build/Build/63');
    assert.match(String(newest[0]?._links?.web?.href), /\/_build\/results\?buildId=63$/);
    assert.deepEqual(
      (await list(BuildQueryOrder.QueueTimeDescending)).map((b) => b.id),
      [62, 63, 61, 60],
    );
    assert.deepEqual(
      (await list(BuildQueryOrder.QueueTimeAscending, 'refs/heads/feature/x')).map((b) => b.id),
      [62],
    );
    // No order asked for: the emulator answers oldest first.
    assert.deepEqual(
      (await list()).map((b) => b.id),
      [60, 61, 62, 63],
    );
  });

  it('refuses Builds - List values the service refuses and parameters it does not model', async () => {
    const status = async (query: string) =>
      (
        await fetch(`${em().collectionUrl}WebApp/_apis/build/builds?${query}&api-version=7.1`, {
          headers: { Authorization: `Bearer ${JOB_TOKEN}` },
        })
      ).status;
    assert.equal(await status('definitions=6&queryOrder=queueTimeDescending&$top=1'), 200);
    assert.equal(await status('queryOrder=newestFirst'), 400);
    assert.equal(await status('queryOrder=finishTimeDescending'), 400);
    assert.equal(await status('definitions=6,x'), 400);
    assert.equal(await status('$top=0'), 400);
    assert.equal(await status('branchName=refs/heads/*'), 400);
    assert.equal(await status('statusFilter=completed'), 400);
  });

  it("lists a build's test runs with their statistics, rerun and flaky counted apart", async () => {
    const runs = await detailedRuns();
    assert.deepEqual(
      runs.map((r) => r.id),
      [77, 1042],
    );
    const main = runs[1];
    assert.equal(main.totalTests, 4);
    assert.equal(main.build?.id, '42');
    const stats = (main.runStatistics ?? []).map((st) => [st.outcome, st.count, st.resultMetadata]);
    assert.deepEqual(stats, [
      ['Passed', 1, undefined],
      ['Failed', 1, undefined],
      ['Failed', 1, 2 /* flaky */],
      ['Passed', 1, 1 /* rerun */],
    ]);
    const shallow = await api().test.getTestRuns(
      'WebApp',
      'vstfs:///Build/Build/42',
      undefined,
      undefined,
      undefined,
      false,
      undefined,
      1,
      1,
    );
    assert.deepEqual(
      shallow.map((r) => [r.id, r.runStatistics]),
      [[1042, undefined]],
    );
    assert.deepEqual(await api().test.getTestRuns('WebApp', 'vstfs:///Build/Build/40'), []);
  });

  it('says which job and attempt published a build’s run, and which deployment attempt a release’s', async () => {
    const runs = await detailedRuns();
    const reference = (ref: (typeof runs)[number]['pipelineReference']) => [
      ref?.pipelineId,
      ref?.stageReference?.stageName,
      ref?.stageReference?.attempt,
      ref?.phaseReference?.phaseName,
      ref?.phaseReference?.attempt,
      ref?.jobReference?.jobName,
      ref?.jobReference?.attempt,
    ];
    assert.deepEqual(
      runs.map((run) => reference(run.pipelineReference)),
      [
        [42, 'Build', 2, 'Test', 2, 'Linux', 2],
        [42, '__default', 1, 'Job', 1, '__default', 1],
      ],
    );
    await em().seedBuild({
      project: 'WebApp',
      id: 43,
      testResults: [{ testCaseTitle: 'adds', outcome: 'Passed' }],
      testRuns: [{ id: 1043, job: null }],
    });
    const [older] = await api().test.getTestRuns(
      'WebApp',
      'vstfs:///Build/Build/43',
      undefined,
      undefined,
      undefined,
      true,
    );
    assert.equal(older?.pipelineReference, undefined, 'an older agent’s run names no job');

    await em().seedRelease({
      project: 'WebApp',
      id: 10,
      environments: [
        {
          id: 101,
          name: 'QA',
          attempts: [{ phases: [] }, { phases: [] }],
          testResults: [
            { testCaseTitle: 'smoke', outcome: 'Failed', runId: 601 },
            { testCaseTitle: 'smoke', outcome: 'Passed', runId: 602 },
          ],
          testRuns: [{ id: 601, attempt: 1 }],
        },
      ],
    });
    const now = Date.now();
    const deployed = await api().test.queryTestRuns(
      'WebApp',
      new Date(now - 3_600_000),
      new Date(now + 3_600_000),
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      [10],
    );
    // The query sums each run up: its release and environment without the attempt, statistics without metadata.
    assert.deepEqual(
      deployed.map((run) => [run.id, run.release?.id, run.release?.environmentId, run.release?.attempt]),
      [
        [601, 10, 101, undefined],
        [602, 10, 101, undefined],
      ],
    );
    assert.deepEqual(
      deployed.map((run) => (run.runStatistics ?? []).map((st) => [st.outcome, st.count, st.resultMetadata])),
      [[['Failed', 1, undefined]], [['Passed', 1, undefined]]],
    );
    // Runs - Get tells the attempt.
    const attempts = await Promise.all(
      [601, 602].map(async (id) => (await api().test.getTestRunById('WebApp', id)).release?.attempt),
    );
    assert.deepEqual(attempts, [1, 2]);
    const summary = await api().test.getTestRunById('WebApp', 601, false);
    assert.equal(summary.runStatistics, undefined, 'no statistics without details');
  });

  it('serves a run’s statistics on their own, and lists runs without them when told to', async () => {
    const alone = await api().test.getTestRunStatistics('WebApp', 1042);
    assert.equal(alone.run?.id, '1042');
    assert.deepEqual(
      (alone.runStatistics ?? []).map((st) => [st.outcome, st.count, st.resultMetadata]),
      [
        ['Passed', 1, undefined],
        ['Failed', 1, undefined],
        ['Failed', 1, 2 /* flaky */],
        ['Passed', 1, 1 /* rerun */],
      ],
    );
    const unknown = await fetch(
      `${em().collectionUrl}WebApp/_apis/test/runs/4242/Statistics?api-version=6.0`,
      {
        headers: { Authorization: `Bearer ${JOB_TOKEN}` },
      },
    );
    assert.equal(unknown.status, 404);
    await em().setRunStatisticsListed(false);
    try {
      const runs = await detailedRuns();
      assert.deepEqual(
        runs.map((r) => [r.id, r.totalTests, r.runStatistics]),
        [
          [77, 1, undefined],
          [1042, 4, undefined],
        ],
      );
    } finally {
      await em().setRunStatisticsListed(true);
    }
  });

  it("serves a run's results by outcome with failing-since, flaky flags, rerun groups and owners, in pages", async () => {
    const failed = await api().test.getTestResults(
      'WebApp',
      1042,
      undefined,
      undefined,
      undefined,
      [3 /* Failed */],
    );
    assert.deepEqual(
      failed.map((r) => [r.testCaseTitle, r.failingSince?.build?.id, r.failingSince?.build?.number]),
      [
        ['divides', 42, '20240501.7'],
        ['multiplies', 40, '20240430.2'],
      ],
    );
    const [divides, multiplies] = failed;
    assert.deepEqual(
      [divides.errorMessage, divides.stackTrace, divides.owner?.displayName],
      ['expected 2', 'at x', 'Sam Rivera'],
    );
    assert.equal(multiplies.failingSince?.date?.toISOString(), '2024-04-30T09:00:00.000Z');
    assert.deepEqual(multiplies.customFields, [{ fieldName: 'IsTestResultFlaky', value: true }]);
    const passed = await api().test.getTestResults('WebApp', 1042, undefined, 1, 1, [2 /* Passed */]);
    assert.deepEqual(
      passed.map((r) => [r.testCaseTitle, r.resultGroupType, r.failingSince]),
      [['subtracts', 1 /* rerun */, undefined]],
    );
    const error = await rejection(api().test.getTestResults('WebApp', 1042, undefined, 0, 1001));
    assert.equal(error.statusCode, 400);
    assert.equal(error.message, 'Maximum 1000 test results can be processed in a single call.');
    // The client resolves a 404 (no such run) as null.
    assert.equal(await api().test.getTestResults('WebApp', 9), null);
  });

  it("queries a release environment's runs within a window of at most 7 days", async () => {
    const now = Date.now();
    const day = 24 * 3_600_000;
    const query = (min: number, max: number) =>
      api().test.queryTestRuns(
        'WebApp',
        new Date(min),
        new Date(max),
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        [9],
        undefined,
        [91],
      );
    const runs = await query(now - 6 * day, now + 3_600_000);
    assert.deepEqual(
      runs.map((r) => [r.id, r.release?.id, r.release?.environmentId, r.runStatistics?.[0]?.count]),
      [[5091, 9, 91, 1]],
    );
    const [smoke] = await api().test.getTestResults('WebApp', 5091);
    assert.deepEqual([smoke.failingSince?.release?.id, smoke.failingSince?.release?.name], [9, 'Release-9']);
    assert.deepEqual(await query(now - 7 * day, now - 6 * day), [], 'updated outside the window');
    const tooWide = await rejection(query(now - 8 * day, now));
    assert.equal(tooWide.statusCode, 400);
    assert.match(tooWide.message, /7 days/);
    const res = await fetch(
      `${em().collectionUrl}WebApp/_apis/test/runs?minLastUpdatedDate=2024-01-01T00:00:00Z`,
      {
        headers: { Authorization: `Bearer ${JOB_TOKEN}` },
      },
    );
    assert.equal(res.status, 400);
  });

  it("pages a release environment's runs 100 at a time, the next page named by a token in the answer's head", async () => {
    const runIds = Array.from({ length: 150 }, (_, i) => 7001 + i);
    await em().seedRelease({
      project: 'WebApp',
      id: 70,
      environments: [
        {
          id: 701,
          name: 'Fleet',
          testResults: runIds.map((runId) => ({ testCaseTitle: 'smoke', outcome: 'Passed', runId })),
        },
      ],
    });
    const now = Date.now();
    const page = async (token?: string) => {
      const query = new URLSearchParams({
        minLastUpdatedDate: new Date(now - 3_600_000).toISOString(),
        maxLastUpdatedDate: new Date(now + 3_600_000).toISOString(),
        releaseIds: '70',
        releaseEnvIds: '701',
        $top: '500',
        'api-version': '6.0',
        ...(token !== undefined && { continuationToken: token }),
      });
      const res = await fetch(`${em().collectionUrl}WebApp/_apis/test/runs?${query.toString()}`, {
        headers: { Authorization: `Bearer ${JOB_TOKEN}` },
      });
      const body = (await res.json()) as { count?: number; value?: { id: number }[]; message?: string };
      return { status: res.status, token: res.headers.get('x-ms-continuationtoken'), body };
    };
    // "Limit is 100": a larger $top is held to it, and the rest are one token away.
    const first = await page();
    assert.deepEqual(
      [first.status, first.body.count, first.body.value?.[0]?.id, first.body.value?.at(-1)?.id],
      [200, 100, 7001, 7100],
    );
    assert.ok(first.token, 'a token while more runs remain');
    const second = await page(first.token ?? '');
    assert.deepEqual(
      [second.status, second.body.count, second.body.value?.[0]?.id, second.token],
      [200, 50, 7101, null],
    );
    const forged = await page('next-page');
    assert.deepEqual([forged.status, forged.body.message?.includes('continuation token')], [400, true]);
  });

  it('serves a release with environments, deploy steps, phases, jobs, tasks and task logs', async () => {
    const r = await api().release.getRelease('WebApp', 9);
    assert.equal(r.name, 'Release-9');
    assert.equal(r._links.web.href, `${em().collectionUrl}WebApp/_release?releaseId=9&_a=release-summary`);
    const env = r.environments?.[0];
    assert.equal(env?.name, 'Production');
    const phase = env?.deploySteps?.[0]?.releaseDeployPhases?.[0];
    const task = phase?.deploymentJobs?.[0]?.tasks?.[0];
    assert.equal(task?.name, 'Deploy app');
    assert.equal(task?.issues?.[0]?.message, 'denied');
    const log = await readAll(
      await api().release.getTaskLog('WebApp', 9, env?.id ?? 0, phase?.id ?? 0, task?.id ?? 0),
    );
    // Every line as the agent writes it: after the time it was written, to the tenth of a microsecond.
    assert.match(log, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z a\n\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z b$/);
    // Its jobs and tasks as their timeline records: the record's id, and no line count.
    const job = phase?.deploymentJobs?.[0]?.job;
    assert.match(
      job?.timelineRecordId ?? '',
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    assert.deepEqual([job?.lineCount, task?.lineCount], [undefined, undefined]);
    const taskLog = (start?: number, end?: number) =>
      api().release.getTaskLog('WebApp', 9, env?.id ?? 0, phase?.id ?? 0, task?.id ?? 0, start, end);
    // Without an end line the whole log, wherever it starts; with one the lines asked for.
    assert.equal(await readAll(await taskLog(2)), log);
    assert.match(await readAll(await taskLog(2, 2)), /^\S+ b$/);
    assert.equal(r.artifacts?.[0]?.definitionReference?.version?.name, '20240501.7');
  });

  it("serves the teams' current iterations", async () => {
    const current = await api().work.getTeamIterations({ project: 'WebApp' }, 'current');
    assert.deepEqual(
      current.map((i) => i.path),
      ['WebApp\\Sprint 2'],
    );
    const platform = await api().work.getTeamIterations({ project: 'WebApp', team: 'Platform' }, 'current');
    assert.deepEqual(
      platform.map((i) => i.path),
      ['WebApp\\Sprint 3'],
    );
    assert.deepEqual(await api().work.getTeamIterations({ project: 'Starter' }, 'current'), []);
    assert.equal(await api().work.getTeamIterations({ project: 'WebApp', team: 'Nobody' }, 'current'), null);
  });
});
