import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import * as sinon from 'sinon';
import { AdoPipelines } from '../../tasks/PipelineWorkItem/src/ado/pipelines';
import { HttpClientLike, Rest } from '../../tasks/PipelineWorkItem/src/ado/rest';
import { loc } from '../../tasks/PipelineWorkItem/src/text/messages';

describe('pipelines adapter', () => {
  // As typed-rest-client answers: the message is the body's stream.
  const answer = (statusCode: number, body: string) => ({
    message: Object.assign(Readable.from([Buffer.from(body)]), { statusCode, headers: {} }),
    readBody: async () => body,
  });

  it('a log download answered with an error status fails instead of becoming the log', async () => {
    const http = { request: sinon.stub().resolves(answer(404, '{"message":"VS800069: log not found"}')) };
    const rest = new Rest(http, 'https://dev.azure.com/fabrikam/', () => []);
    const adapter = new AdoPipelines(rest, async () => rest);
    await assert.rejects(
      adapter.buildLog('WebApp', 812, 4, 1000),
      /Could not read log 4 of build 812 \(HTTP 404\): VS800069: log not found/,
    );
    http.request.resolves(answer(200, 'line 1\nline 2'));
    assert.equal(await adapter.buildLog('WebApp', 812, 4, 1000), 'line 1\nline 2');
    assert.deepEqual(http.request.lastCall.args.slice(0, 2), [
      'GET',
      'https://dev.azure.com/fabrikam/WebApp/_apis/build/builds/812/logs/4?api-version=6.0',
    ]);
    assert.equal(http.request.lastCall.args[3].Accept, 'text/plain;api-version=6.0');
  });

  it('a log longer than the attachment limit is not read to its end', async () => {
    const chunks = (function* () {
      yield Buffer.alloc(600, 'a');
      yield Buffer.alloc(600, 'b');
      throw new Error('read past the limit');
    })();
    const message = Object.assign(Readable.from(chunks), { statusCode: 200, headers: {} });
    const http = { request: sinon.stub().resolves({ message, readBody: async () => assert.fail() }) };
    const rest = new Rest(http, 'https://dev.azure.com/fabrikam/', () => []);
    const adapter = new AdoPipelines(rest, async () => rest);
    assert.equal(await adapter.buildLog('WebApp', 812, 4, 1000), undefined);
    assert.equal(message.destroyed, true, 'the rest of the answer is not read');
  });

  const json = (body: unknown) => answer(200, JSON.stringify(body));
  const adapterWith = (http: { request: sinon.SinonStub }) => {
    const rest = new Rest(http, 'https://dev.azure.com/fabrikam/', () => []);
    return new AdoPipelines(
      rest,
      async () => assert.fail('tests are on the collection'),
      () => Date.parse('2026-12-06T10:00:00Z'),
    );
  };

  it("lists a build's test runs on the collection, with their statistics decoded into counts", async () => {
    const listed = json({
      count: 3,
      value: [
        {
          id: 7,
          runStatistics: [
            { state: 'Completed', outcome: 'Passed', count: 40 },
            { state: 'Completed', outcome: 'Passed', count: 2, resultMetadata: 'rerun' },
            { state: 'Completed', outcome: 'Failed', count: 3 },
            { state: 'Completed', outcome: 'Failed', count: 1, resultMetadata: 'flaky' },
            { state: 'Completed', outcome: 'NotExecuted', count: 5 },
          ],
        },
        { id: 8, totalTests: 10, passedTests: 6, notApplicableTests: 1 },
        { name: 'no id' },
      ],
    });
    const http = {
      request: sinon.stub().callsFake(async (_verb: string, url: string) =>
        // Run 8 was listed without its statistics, and its own read of them fails: counted from its totals.
        url.includes('/Statistics') ? answer(500, '{"message":"statistics unavailable"}') : listed,
      ),
    };
    const runs = await adapterWith(http).testRuns('Web App', { kind: 'build', buildId: 812 });
    assert.deepEqual(runs, [
      { id: 7, failed: 4, passed: 42, passedOnRerun: 2, flaky: 1 },
      { id: 8, failed: 3, passed: 6, passedOnRerun: 0, flaky: 0 },
    ]);
    const url = new URL(http.request.firstCall.args[1] as string);
    assert.equal(url.origin + url.pathname, 'https://dev.azure.com/fabrikam/Web%20App/_apis/test/runs');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      buildUri: 'vstfs:///Build/Build/812',
      includeRunDetails: 'true',
      $skip: '0',
      $top: '100',
      'api-version': '6.0',
    });
  });

  it('reads the statistics of a run listed without them, not of one listed with them or without results', async () => {
    const http = {
      request: sinon.stub().callsFake(async (_verb: string, url: string) =>
        url.includes('/runs/8/Statistics')
          ? json({
              run: { id: '8' },
              runStatistics: [
                { outcome: 'Passed', count: 5 },
                { outcome: 'Passed', count: 1, resultMetadata: 'rerun' },
                { outcome: 'Failed', count: 3, resultMetadata: 'flaky' },
              ],
            })
          : url.includes('/Statistics')
            ? json({ run: { id: '10' } })
            : json({
                value: [
                  { id: 8, totalTests: 9, passedTests: 6 },
                  { id: 9, totalTests: 0 },
                  { id: 7, totalTests: 2, runStatistics: [{ outcome: 'Failed', count: 2 }] },
                  { totalTests: 4 },
                  { id: 10, totalTests: 4, passedTests: 1 },
                ],
              }),
      ),
    };
    const runs = await adapterWith(http).testRuns('Web App', { kind: 'build', buildId: 812 });
    assert.deepEqual(runs, [
      { id: 8, failed: 3, passed: 6, passedOnRerun: 1, flaky: 3 },
      { id: 9, failed: 0, passed: 0, passedOnRerun: 0, flaky: 0 },
      { id: 7, failed: 2, passed: 0, passedOnRerun: 0, flaky: 0 },
      // Its statistics read said nothing: counted from its totals.
      { id: 10, failed: 3, passed: 1, passedOnRerun: 0, flaky: 0 },
    ]);
    assert.deepEqual(
      http.request.args.map(
        (call) => `${call[0]} ${(call[1] as string).replace(/^.*\/_apis\//, '').replace(/\?.*$/, '')}`,
      ),
      ['GET test/runs', 'GET test/runs/8/Statistics', 'GET test/runs/10/Statistics'],
    );
  });

  it('pages through the runs of a build while pages come back full', async () => {
    const page = (from: number, count: number) =>
      json({ value: Array.from({ length: count }, (_, i) => ({ id: from + i, runStatistics: [] })) });
    const http = { request: sinon.stub() };
    http.request.onFirstCall().resolves(page(1, 100));
    http.request.onSecondCall().resolves(page(101, 3));
    const runs = await adapterWith(http).testRuns('WebApp', { kind: 'build', buildId: 812 });
    assert.equal(runs.length, 103);
    assert.equal(new URL(http.request.lastCall.args[1] as string).searchParams.get('$skip'), '100');
  });

  it('stops after 1,000 runs of a build, even when a server ignores $skip', async () => {
    const full = json({ value: Array.from({ length: 100 }, (_, i) => ({ id: i + 1, runStatistics: [] })) });
    const http = { request: sinon.stub().resolves(full) };
    const runs = await adapterWith(http).testRuns('WebApp', { kind: 'build', buildId: 812 });
    assert.equal(runs.length, 1000);
    assert.equal(http.request.callCount, 10);
  });

  it("queries a release environment's test runs in a window of 7 days ending an hour from now", async () => {
    const http = { request: sinon.stub().resolves(json({ value: [{ id: 3, runStatistics: [] }] })) };
    const runs = await adapterWith(http).testRuns('WebApp', {
      kind: 'release',
      releaseId: 57,
      environmentId: 3,
    });
    assert.deepEqual(runs, [{ id: 3, failed: 0, passed: 0, passedOnRerun: 0, flaky: 0 }]);
    assert.equal(http.request.firstCall.args[0], 'GET');
    const url = new URL(http.request.firstCall.args[1] as string);
    assert.equal(url.pathname, '/fabrikam/WebApp/_apis/test/runs');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      minLastUpdatedDate: '2026-11-29T11:00:00.000Z',
      maxLastUpdatedDate: '2026-12-06T11:00:00.000Z',
      releaseIds: '57',
      releaseEnvIds: '3',
      $top: '100',
      'api-version': '6.0',
    });
  });

  // A page of Runs - Query with ids from..from+count-1, its head naming the next page when `next` is given.
  const queriedPage = (from: number, count: number, next?: string | string[]) => {
    const body = JSON.stringify({
      value: Array.from({ length: count }, (_, i) => ({
        id: from + i,
        release: { attempt: 1 },
        runStatistics: [],
      })),
    });
    const headers = next === undefined ? {} : { 'x-ms-continuationtoken': next };
    return {
      message: Object.assign(Readable.from([Buffer.from(body)]), { statusCode: 200, headers }),
      readBody: async () => body,
    };
  };
  const release = { kind: 'release', releaseId: 57, environmentId: 3 } as const;
  const tokenOf = (call: sinon.SinonSpyCall) =>
    new URL(call.args[1] as string).searchParams.get('continuationToken');

  it("reads every page of a release environment's runs, each asked for with the token the answer's head named", async () => {
    const http = { request: sinon.stub() };
    http.request.onCall(0).resolves(queriedPage(1, 100, 'page-2'));
    http.request.onCall(1).resolves(queriedPage(101, 100, ['page-3']));
    // A short page may still name another: the token, not the page's length, says whether more remain.
    http.request.onCall(2).resolves(queriedPage(201, 7, 'page-4'));
    http.request.onCall(3).resolves(queriedPage(208, 1, ''));
    const runs = await adapterWith(http).testRuns('WebApp', release);
    assert.deepEqual([runs.length, runs[0]?.id, runs.at(-1)?.id], [208, 1, 208]);
    assert.deepEqual(http.request.getCalls().map(tokenOf), [null, 'page-2', 'page-3', 'page-4']);
  });

  it("stops after 50 pages of a release environment's runs, even when a server names another each time", async () => {
    const http = { request: sinon.stub().callsFake(async () => queriedPage(1, 100, 'again')) };
    const runs = await adapterWith(http).testRuns('WebApp', release);
    assert.equal(runs.length, 5000);
    assert.equal(http.request.callCount, 50);
  });

  // The job that published a test run (its stage and phase, each in `attempt`), as the agent names it.
  const publishedIn = (stageName: string, phaseName: string, attempt = 1) => ({
    stageReference: { stageName, attempt },
    phaseReference: { phaseName, attempt },
    jobReference: { jobName: '__default', attempt },
  });
  // Answers the runs list with `value`, and 2 failures for a run whose statistics are read on their own.
  const runsAnswer = (value: object[]) => ({
    request: sinon
      .stub()
      .callsFake(async (_verb: string, url: string) =>
        url.includes('/Statistics')
          ? json({ runStatistics: [{ outcome: 'Failed', count: 2 }] })
          : json({ value }),
      ),
  });

  it('counts only the runs of the newest attempt of a rerun job, and reads no statistics of a superseded one', async () => {
    const http = runsAnswer([
      { id: 1, totalTests: 2, passedTests: 0, pipelineReference: publishedIn('Build', 'Test', 1) },
      {
        id: 2,
        totalTests: 3,
        runStatistics: [{ outcome: 'Passed', count: 3 }],
        pipelineReference: publishedIn('Build', 'Test', 2),
      },
      {
        id: 3,
        totalTests: 1,
        runStatistics: [{ outcome: 'Failed', count: 1 }],
        pipelineReference: publishedIn('Build', 'Lint', 1),
      },
    ]);
    const runs = await adapterWith(http).testRuns('WebApp', { kind: 'build', buildId: 812 });
    assert.deepEqual(runs, [
      {
        id: 2,
        failed: 0,
        passed: 3,
        passedOnRerun: 0,
        flaky: 0,
        publishedBy: { job: 'Build.Test.__default', attempt: 2 },
      },
      {
        id: 3,
        failed: 1,
        passed: 0,
        passedOnRerun: 0,
        flaky: 0,
        publishedBy: { job: 'Build.Lint.__default', attempt: 1 },
      },
    ]);
    assert.equal(http.request.callCount, 1, 'the superseded run 1 has no statistics read');
  });

  it('names the job that published a run as the timeline identifies it, with the job’s own attempt', async () => {
    const reference = (stageName: string | undefined, jobAttempt: number | undefined, jobName = 'linux') => ({
      stageReference: stageName === undefined ? null : { stageName, attempt: 3 },
      phaseReference: { phaseName: 'Test', attempt: 3 },
      jobReference: { jobName, attempt: jobAttempt },
    });
    const http = runsAnswer([
      { id: 1, totalTests: 0, pipelineReference: reference('Build', 2) },
      // A pipeline without stages: its jobs' identifiers leave the stage out.
      { id: 2, totalTests: 0, pipelineReference: reference('__default', 1) },
      { id: 3, totalTests: 0, pipelineReference: reference(undefined, 1) },
      // No job attempt, or no job: nothing the timeline could be asked about.
      { id: 4, totalTests: 0, pipelineReference: reference('Build', undefined, 'windows') },
      { id: 5, totalTests: 0, pipelineReference: { stageReference: { stageName: 'Build', attempt: 1 } } },
      { id: 6, totalTests: 0 },
    ]);
    const runs = await adapterWith(http).testRuns('WebApp', { kind: 'build', buildId: 812 });
    assert.deepEqual(
      runs.map((run) => [run.id, run.publishedBy]),
      [
        [1, { job: 'Build.Test.linux', attempt: 2 }],
        [2, { job: 'Test.linux', attempt: 1 }],
        [3, { job: 'Test.linux', attempt: 1 }],
        [4, undefined],
        [5, undefined],
        [6, undefined],
      ],
    );
  });

  it('a deployment job counts only the runs its own stage published, and reads no statistics of another', async () => {
    const http = runsAnswer([
      { id: 1, totalTests: 2, passedTests: 0, pipelineReference: publishedIn('Test', 'Job') },
      {
        id: 2,
        totalTests: 1,
        runStatistics: [{ outcome: 'Failed', count: 1 }],
        pipelineReference: publishedIn('deploy_Staging', 'Job'),
      },
      { id: 3, totalTests: 1, runStatistics: [{ outcome: 'Failed', count: 1 }] },
    ]);
    const scope = { kind: 'build' as const, buildId: 812, stage: 'Deploy_Staging' };
    const runs = await adapterWith(http).testRuns('WebApp', scope);
    assert.deepEqual(
      runs.map((run) => run.id),
      [2, 3],
      'its stage’s (in any case), and one that names no stage',
    );
    assert.equal(http.request.callCount, 1, 'no statistics read of the Test stage’s run');
  });

  it("counts only a release environment's runs of the deployment's own attempt", async () => {
    const http = {
      request: sinon.stub().resolves(
        json({
          value: [
            { id: 3, release: { id: 57, attempt: 1 }, runStatistics: [{ outcome: 'Failed', count: 2 }] },
            { id: 4, release: { id: 57, attempt: 2 }, runStatistics: [{ outcome: 'Failed', count: 1 }] },
          ],
        }),
      ),
    };
    const scope = { kind: 'release', releaseId: 57, environmentId: 3 } as const;
    const redeploy = await adapterWith(http).testRuns('WebApp', { ...scope, attempt: 2 });
    assert.deepEqual(redeploy, [{ id: 4, failed: 1, passed: 0, passedOnRerun: 0, flaky: 0 }]);
    const unknown = await adapterWith(http).testRuns('WebApp', scope);
    assert.deepEqual(
      unknown.map((run) => run.id),
      [3, 4],
    );
  });

  it("reads each release run the query sums up on its own: its deployment attempt and statistics' metadata", async () => {
    // Runs - Query names no attempt and drops the statistics' metadata; Runs - Get has both. Run 5's read fails,
    // and run 6's answers another run: their summaries stand. A run without an id cannot be read on its own.
    const summary = (id: number) => ({
      id,
      totalTests: 2,
      release: { id: 57, environmentId: 3 },
      runStatistics: [{ outcome: 'Passed', count: 2 }],
    });
    const http = {
      request: sinon.stub().callsFake(async (_verb: string, url: string) => {
        const id = /\/_apis\/test\/runs\/([^/?]+)\?/.exec(url)?.[1];
        if (id === undefined) {
          return json({
            value: [summary(3), summary(4), summary(5), summary(6), { ...summary(0), id: undefined }],
          });
        }
        if (id === '5') return answer(404, '{"message":"gone"}');
        const read = id === '6' ? 60 : Number(id);
        return json({
          ...summary(read),
          release: { id: 57, environmentId: 3, attempt: read === 60 ? 1 : read - 2 },
          runStatistics: [
            { outcome: 'Passed', count: 1 },
            { outcome: 'Passed', count: 1, resultMetadata: 'rerun' },
          ],
        });
      }),
    };
    const scope = { kind: 'release', releaseId: 57, environmentId: 3, attempt: 2 } as const;
    const runs = await adapterWith(http).testRuns('WebApp', scope);
    assert.deepEqual(runs, [
      { id: 4, failed: 0, passed: 2, passedOnRerun: 1, flaky: 0 },
      { id: 5, failed: 0, passed: 2, passedOnRerun: 0, flaky: 0 },
      { id: 6, failed: 0, passed: 2, passedOnRerun: 0, flaky: 0 },
    ]);
    const gets = http.request.args
      .map(([verb, url]) => [verb, new URL(url as string)] as const)
      .filter(([, url]) => /\/runs\/[^/]+$/.test(url.pathname))
      .map(([verb, url]) => `${verb} ${url.pathname} ${url.searchParams.get('api-version')}`);
    assert.deepEqual(gets.sort(), [
      'GET /fabrikam/WebApp/_apis/test/runs/3 6.0',
      'GET /fabrikam/WebApp/_apis/test/runs/4 6.0',
      'GET /fabrikam/WebApp/_apis/test/runs/5 6.0',
      'GET /fabrikam/WebApp/_apis/test/runs/6 6.0',
    ]);
  });

  // A release environment's runs: Runs - Query sums each up without its deployment attempt, and each one's own
  // read (Runs - Get) names it; the reads of the runs `slow` picks answer after the others'.
  const deployments = (
    runs: readonly { id: number; attempt: number; created?: string }[],
    slow: (id: number) => boolean = () => false,
  ) => ({
    request: sinon.stub().callsFake(async (_verb: string, url: string) => {
      const run = runs.find(({ id }) => url.includes(`/_apis/test/runs/${id}?`));
      if (run === undefined) {
        return json({
          value: runs.map(({ id, created }) => ({ id, createdDate: created, totalTests: 1 })),
        });
      }
      if (slow(run.id)) await new Promise((resolve) => setTimeout(resolve, 20));
      return json({
        id: run.id,
        release: { attempt: run.attempt },
        runStatistics: [{ outcome: 'Failed', count: 1 }],
      });
    }),
  });
  // The runs read on their own, by id.
  const readAlone = (http: { request: sinon.SinonStub }) =>
    http.request.args
      .flatMap(([, url]) => /\/_apis\/test\/runs\/(\d+)\?/.exec(url as string)?.[1] ?? [])
      .map(Number)
      .sort((a, b) => a - b);
  const at = (time: string) => `2026-12-06T${time}:00.000Z`;

  it("lists a redeployment's runs newest first, and leaves unread those created before an earlier attempt's", async () => {
    const http = deployments(
      [
        { id: 11, attempt: 1, created: at('08:58') },
        { id: 12, attempt: 1, created: at('08:59') },
        // Published at the same instant: none of them was created before another.
        { id: 13, attempt: 1, created: at('09:00') },
        { id: 14, attempt: 1, created: at('09:00') },
        { id: 15, attempt: 1, created: at('09:00') },
        { id: 16, attempt: 1, created: at('09:00') },
        { id: 21, attempt: 2, created: at('10:00') },
        { id: 22, attempt: 2, created: at('10:01') },
        // Without a date: taken as the newest.
        { id: 23, attempt: 2 },
      ],
      (id) => id > 20,
    );
    const runs = await adapterWith(http).testRuns('WebApp', { ...release, attempt: 2 });
    assert.deepEqual(
      runs.map((run) => run.id),
      [23, 22, 21],
    );
    // Six reads at once: the three newest of attempt 1 answer first, and the runs picked next are read only
    // when not created before them.
    assert.deepEqual(readAlone(http), [13, 14, 15, 16, 21, 22, 23]);
  });

  it('reads every run of the current deployment, however many, and one of an earlier without a date stops none', async () => {
    const current = Array.from({ length: 8 }, (_, i) => ({
      id: 31 + i,
      attempt: 2,
      created: at(`10:0${i}`),
    }));
    const http = deployments([{ id: 1, attempt: 1 }, ...current]);
    const runs = await adapterWith(http).testRuns('WebApp', { ...release, attempt: 2 });
    assert.deepEqual(
      runs.map((run) => run.id),
      [38, 37, 36, 35, 34, 33, 32, 31],
    );
    assert.deepEqual(readAlone(http), [1, 31, 32, 33, 34, 35, 36, 37, 38]);
  });

  it('reads a page of results of one outcome, decoded into test results with their failing-since run', async () => {
    const http = {
      request: sinon.stub().resolves(
        json({
          value: [
            {
              id: 100000,
              testRun: { id: '1812' },
              automatedTestName: 'Cart.Total',
              testCaseTitle: 'Total',
              outcome: 'Failed',
              errorMessage: 'expected 4',
              stackTrace: 'at Cart.Total()',
              failingSince: { date: '2026-12-01T08:00:00Z', build: { id: 790, number: '20261201.4' } },
              customFields: [{ fieldName: 'IsTestResultFlaky', value: 'True' }],
            },
            {
              id: 100001,
              testCaseTitle: 'Deploys',
              outcome: 'Passed',
              resultGroupType: 'rerun',
              failingSince: { release: { id: 41, name: 'Release-41' }, build: { id: 3 } },
              customFields: [{ fieldName: 'OutcomeConfidence', value: 0 }],
            },
            { id: 100002, outcome: 'Failed', customFields: [{ fieldName: 'OutcomeConfidence', value: 1 }] },
            { testCaseTitle: 'no id' },
          ],
        }),
      ),
    };
    const results = await adapterWith(http).testResults('Web App', 1812, 'Failed', { skip: 1000, top: 500 });
    assert.deepEqual(results, [
      {
        runId: 1812,
        resultId: 100000,
        name: 'Cart.Total',
        outcome: 'failed',
        message: 'expected 4',
        stackTrace: 'at Cart.Total()',
        failingSince: {
          run: {
            kind: 'build',
            id: 790,
            name: '20261201.4',
            url: 'https://dev.azure.com/fabrikam/Web%20App/_build/results?buildId=790',
          },
          date: '2026-12-01T08:00:00Z',
        },
        flagged: true,
        rerun: false,
      },
      {
        runId: 1812,
        resultId: 100001,
        name: 'Deploys',
        outcome: 'passed',
        message: '',
        stackTrace: '',
        failingSince: {
          run: {
            kind: 'release',
            id: 41,
            name: 'Release-41',
            url: 'https://dev.azure.com/fabrikam/Web%20App/_releaseProgress?releaseId=41&_a=release-pipeline-progress',
          },
          date: undefined,
        },
        flagged: true,
        rerun: true,
      },
      {
        runId: 1812,
        resultId: 100002,
        name: 'Test 100002',
        outcome: 'failed',
        message: '',
        stackTrace: '',
        failingSince: undefined,
        flagged: false,
        rerun: false,
      },
    ]);
    assert.equal(http.request.lastCall.args[0], 'GET');
    const url = new URL(http.request.lastCall.args[1] as string);
    assert.equal(url.pathname, '/fabrikam/Web%20App/_apis/test/Runs/1812/results');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      outcomes: 'Failed,Aborted,Timeout,Error',
      $skip: '1000',
      $top: '500',
      'api-version': '6.0',
    });
  });

  it('asks for the passed results of a run by that outcome alone', async () => {
    const http = { request: sinon.stub().resolves(json({ value: [] })) };
    assert.deepEqual(await adapterWith(http).testResults('WebApp', 9, 'Passed', { skip: 0, top: 10 }), []);
    assert.equal(new URL(http.request.lastCall.args[1] as string).searchParams.get('outcomes'), 'Passed');
  });

  it('names the test run it could not read', async () => {
    const http = { request: sinon.stub().resolves(answer(500, '{"message":"boom"}')) };
    await assert.rejects(
      adapterWith(http).testResults('WebApp', 9, 'Passed', { skip: 0, top: 10 }),
      /Could not read the results of test run 9 \(HTTP 500\): boom/,
    );
  });
});

// The adapter over a fake HTTP client that answers in turn and records each request; releases on a host of
// their own, as on Azure DevOps Services.
function recorded(answers: { status: number; body?: unknown }[]): { adapter: AdoPipelines; sent: string[] } {
  const sent: string[] = [];
  const http: HttpClientLike = {
    async request(verb, url, _data, headers) {
      sent.push(`${verb} ${decodeURIComponent(url)} ${headers['Accept']}`);
      const { status, body } = answers.shift() ?? { status: 500, body: { message: 'no answer left' } };
      const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
      const message = Object.assign(Readable.from([Buffer.from(text)]), { statusCode: status, headers: {} });
      return { message, readBody: async () => text };
    },
  };
  const builds = new Rest(http, 'https://dev.azure.com/fabrikam/', () => []);
  const releases = new Rest(http, 'https://vsrm.dev.azure.com/fabrikam/', () => []);
  return {
    adapter: new AdoPipelines(builds, async () => releases),
    sent,
  };
}

const JSON_6 = 'application/json;api-version=6.0';

describe('pipelines adapter: the build and release records on the wire', () => {
  it('a timeline’s records, and none from an answer without them', async () => {
    const { adapter, sent } = recorded([
      {
        status: 200,
        body: {
          records: [{ id: 'j1', type: 'Job', name: 'Unit tests', state: 'completed', result: 'failed' }],
        },
      },
      { status: 200, body: {} },
    ]);
    const [job] = await adapter.timeline('Web App', 812);
    assert.deepEqual([job?.id, job?.type, job?.completed, job?.result], ['j1', 'Job', true, 'failed']);
    assert.deepEqual(await adapter.timeline('Web App', 812), []);
    assert.equal(
      sent[0],
      `GET https://dev.azure.com/fabrikam/Web App/_apis/build/builds/812/timeline?api-version=6.0 ${JSON_6}`,
    );
  });

  it('the line counts of a build’s logs, and a range of one log’s lines', async () => {
    const { adapter, sent } = recorded([
      { status: 200, body: { value: [{ id: 4, lineCount: 120 }, { id: 5 }, { lineCount: 3 }] } },
      { status: 200, body: { value: ['line 10', 'line 11'] } },
      { status: 200, body: {} },
      { status: 200, body: {} },
    ]);
    assert.deepEqual(
      [...(await adapter.buildLogLineCounts('WebApp', 812))],
      [
        [4, 120],
        [5, 0],
      ],
    );
    assert.deepEqual(await adapter.buildLogLines('WebApp', 812, 4, { first: 10, last: 11 }), [
      'line 10',
      'line 11',
    ]);
    assert.deepEqual(await adapter.buildLogLines('WebApp', 812, 4, { first: 1, last: 2 }), []);
    assert.deepEqual([...(await adapter.buildLogLineCounts('WebApp', 812))], []);
    assert.deepEqual(sent.slice(0, 2), [
      `GET https://dev.azure.com/fabrikam/WebApp/_apis/build/builds/812/logs?api-version=6.0 ${JSON_6}`,
      `GET https://dev.azure.com/fabrikam/WebApp/_apis/build/builds/812/logs/4?startLine=10&endLine=11&api-version=6.0 ${JSON_6}`,
    ]);
  });

  it('a release task’s log from the release host, as lines, its last line end dropped', async () => {
    const log = { kind: 'release', environmentId: 3, deployPhaseId: 8, taskId: 5, lineCount: 2 } as const;
    const { adapter, sent } = recorded([
      { status: 200, body: 'Deploying\r\nFailed: 403\n' },
      { status: 200, body: '' },
      // 5 MB: the tail is looked for in its last 4 MB only, whole lines.
      { status: 200, body: `${'x'.repeat(99)}\n`.repeat(50_000) },
    ]);
    assert.deepEqual(await adapter.releaseTaskLogLines('WebApp', 57, log, { first: 1, last: 2 }), [
      'Deploying',
      'Failed: 403',
    ]);
    assert.deepEqual(await adapter.releaseTaskLogTail('WebApp', 57, log, 30), { lines: [], lineCount: 0 });
    const long = await adapter.releaseTaskLogTail('WebApp', 57, log, 50_000);
    assert.equal(long.lineCount, 50_000);
    assert.equal(long.lines.length, Math.floor((4 * 1024 * 1024) / 100));
    assert.ok(long.lines.every((line) => line === 'x'.repeat(99)));
    assert.deepEqual(sent.slice(0, 2), [
      'GET https://vsrm.dev.azure.com/fabrikam/WebApp/_apis/release/releases/57/environments/3/deployPhases/8/tasks/5/logs?startLine=1&endLine=2&api-version=6.0-preview.2 text/plain;api-version=6.0-preview.2',
      'GET https://vsrm.dev.azure.com/fabrikam/WebApp/_apis/release/releases/57/environments/3/deployPhases/8/tasks/5/logs?api-version=6.0-preview.2 text/plain;api-version=6.0-preview.2',
    ]);
  });

  it('the changes of a build: author, first line of the message, and a link only when it is a web address', async () => {
    const { adapter, sent } = recorded([
      {
        status: 200,
        body: {
          value: [
            {
              id: 'abc',
              author: { displayName: 'Sam' },
              message: 'Fix login\r\nLong text',
              displayUri: 'https://x/c/abc',
            },
            { id: 'def', pusher: 'Ana', message: 'Tweak', displayUri: 'javascript:alert(1)' },
            {},
          ],
        },
      },
      { status: 200, body: {} },
    ]);
    assert.deepEqual(await adapter.changes('WebApp', 812, 5), [
      { id: 'abc', author: 'Sam', message: 'Fix login', url: 'https://x/c/abc' },
      { id: 'def', author: 'Ana', message: 'Tweak', url: undefined },
      { id: '', author: '', message: '', url: undefined },
    ]);
    assert.deepEqual(await adapter.changes('WebApp', 812, 5), []);
    assert.equal(
      sent[0],
      `GET https://dev.azure.com/fabrikam/WebApp/_apis/build/builds/812/changes?$top=5&api-version=6.0 ${JSON_6}`,
    );
  });

  it('the work items of a build: their ids, anything that is no id left out', async () => {
    const { adapter, sent } = recorded([
      {
        status: 200,
        body: {
          value: [{ id: '42' }, { id: '0' }, { id: '-3' }, { id: '1.5' }, { id: 'x' }, {}, { id: '7' }],
        },
      },
      { status: 200, body: {} },
    ]);
    assert.deepEqual(await adapter.buildWorkItems('WebApp', 812, 10), [42, 7]);
    assert.deepEqual(await adapter.buildWorkItems('WebApp', 812, 10), []);
    assert.equal(
      sent[0],
      `GET https://dev.azure.com/fabrikam/WebApp/_apis/build/builds/812/workitems?$top=10&api-version=6.0 ${JSON_6}`,
    );
  });

  it('the newest builds of a pipeline on a branch: one list, newest queued first, each linked to its results', async () => {
    const { adapter, sent } = recorded([
      {
        status: 200,
        body: {
          count: 7,
          value: [
            { id: 960, buildNumber: '20261201.960', sourceBranch: 'refs/heads/main', status: 'completed' },
            { id: 950, sourceBranch: 'refs/heads/main' },
            { id: 0, buildNumber: 'no id', sourceBranch: 'refs/heads/main' },
            { id: 1.5, sourceBranch: 'refs/heads/main' },
            { buildNumber: 'none', sourceBranch: 'refs/heads/main' },
            { id: 940, buildNumber: 'no branch' },
            { id: 970, buildNumber: 'canceled', sourceBranch: 'refs/heads/main', result: 'Canceled' },
          ],
        },
      },
      { status: 200, body: {} },
    ]);
    const query = { definitionId: 12, branchRef: 'refs/heads/main', top: 2 };
    assert.deepEqual(await adapter.newestBuilds('Web App', query), [
      {
        id: 960,
        number: '20261201.960',
        branchRef: 'refs/heads/main',
        url: 'https://dev.azure.com/fabrikam/Web%20App/_build/results?buildId=960',
      },
      {
        id: 950,
        number: '950',
        branchRef: 'refs/heads/main',
        url: 'https://dev.azure.com/fabrikam/Web%20App/_build/results?buildId=950',
      },
    ]);
    assert.deepEqual(await adapter.newestBuilds('WebApp', { definitionId: 12, top: 20 }), []);
    assert.deepEqual(sent, [
      `GET https://dev.azure.com/fabrikam/Web App/_apis/build/builds?definitions=12&branchName=refs/heads/main&queryOrder=queueTimeDescending&$top=2&api-version=6.0 ${JSON_6}`,
      `GET https://dev.azure.com/fabrikam/WebApp/_apis/build/builds?definitions=12&queryOrder=queueTimeDescending&$top=20&api-version=6.0 ${JSON_6}`,
    ]);
  });

  it('answers without a body are empty lists; lines and messages break at a lone line feed too', async () => {
    const log = { kind: 'release', environmentId: 3, deployPhaseId: 8, taskId: 5, lineCount: 2 } as const;
    const { adapter } = recorded([
      { status: 200 },
      { status: 200 },
      { status: 200 },
      { status: 200 },
      { status: 200 },
      { status: 200 },
      { status: 200 },
      { status: 200 },
      { status: 200 },
      { status: 200, body: 'one\ntwo\nthree\n' },
      { status: 200, body: { value: [{ id: 'a1', message: 'First\nSecond', displayUri: 'http://x/c/a1' }] } },
      {
        status: 200,
        body: { value: [{ id: 'b2', message: 'M', displayUri: 'javascript:void(0)//https://x/c/b2' }] },
      },
    ]);
    assert.deepEqual(await adapter.timeline('WebApp', 812), []);
    assert.deepEqual([...(await adapter.buildLogLineCounts('WebApp', 812))], []);
    assert.deepEqual(await adapter.buildLogLines('WebApp', 812, 4, { first: 1, last: 2 }), []);
    assert.deepEqual(await adapter.testRuns('WebApp', { kind: 'build', buildId: 812 }), []);
    assert.deepEqual(await adapter.testResults('WebApp', 9, 'Failed', { skip: 0, top: 10 }), []);
    assert.deepEqual(await adapter.changes('WebApp', 812, 5), []);
    assert.deepEqual(await adapter.buildWorkItems('WebApp', 812, 5), []);
    assert.deepEqual(
      await adapter.testRuns('WebApp', { kind: 'release', releaseId: 57, environmentId: 3 }),
      [],
    );
    assert.deepEqual(await adapter.newestBuilds('WebApp', { definitionId: 12, top: 20 }), []);
    assert.deepEqual(await adapter.releaseTaskLogTail('WebApp', 57, log, 2), {
      lines: ['two', 'three'],
      lineCount: 3,
    });
    assert.deepEqual(await adapter.changes('WebApp', 812, 5), [
      { id: 'a1', author: '', message: 'First', url: 'http://x/c/a1' },
    ]);
    assert.equal((await adapter.changes('WebApp', 812, 5))[0]?.url, undefined);
  });

  it('a release from the release host; one it answers 404 for is unread, not a release without deployments', async () => {
    const run = { id: 57, name: 'Release-57', definitionName: 'CD', environmentId: 3, attempt: 1 };
    const { adapter, sent } = recorded([
      { status: 200, body: { environments: [{ id: 3, name: 'Production' }] } },
      { status: 404, body: { message: 'VS402853: release not found' } },
    ]);
    assert.equal((await adapter.releaseDeployment('WebApp', run, 'Production'))?.environment, 'Production');
    await assert.rejects(adapter.releaseDeployment('WebApp', run, 'Production'), {
      message: loc('CallFailedStatus', loc('ActionReadRelease', 57), 404, 'VS402853: release not found'),
    });
    assert.equal(
      sent[0],
      `GET https://vsrm.dev.azure.com/fabrikam/WebApp/_apis/release/releases/57?api-version=6.0 ${JSON_6}`,
    );
  });

  const RELEASE_LOG = {
    kind: 'release',
    environmentId: 3,
    deployPhaseId: 8,
    taskId: 5,
    lineCount: undefined,
  } as const;
  // Each read, what a refusal says it was reading, and the permission it needs.
  type Permission = 'ViewBuildsFix' | 'ViewTestRunsFix' | 'ViewReleasesFix';
  const calls: [string, (adapter: AdoPipelines) => Promise<unknown>, string, Permission][] = [
    ['timeline', (a) => a.timeline('WebApp', 812), loc('ActionReadTimeline', 812), 'ViewBuildsFix'],
    ['logs', (a) => a.buildLogLineCounts('WebApp', 812), loc('ActionListLogs', 812), 'ViewBuildsFix'],
    [
      'log lines',
      (a) => a.buildLogLines('WebApp', 812, 4, { first: 1, last: 2 }),
      loc('ActionReadLog', 4, 812),
      'ViewBuildsFix',
    ],
    ['log', (a) => a.buildLog('WebApp', 812, 4, 1000), loc('ActionReadLog', 4, 812), 'ViewBuildsFix'],
    [
      'release log',
      (a) => a.releaseTaskLogLines('WebApp', 57, RELEASE_LOG, { first: 1, last: 2 }),
      loc('ActionReadReleaseLog', 5, 57),
      'ViewReleasesFix',
    ],
    [
      'release log tail',
      (a) => a.releaseTaskLogTail('WebApp', 57, RELEASE_LOG, 30),
      loc('ActionReadReleaseLog', 5, 57),
      'ViewReleasesFix',
    ],
    [
      'whole release log',
      (a) => a.releaseTaskLog('WebApp', 57, RELEASE_LOG, 1000),
      loc('ActionReadReleaseLog', 5, 57),
      'ViewReleasesFix',
    ],
    [
      'build’s test runs',
      (a) => a.testRuns('WebApp', { kind: 'build', buildId: 812 }),
      loc('ActionReadBuildTests', 812),
      'ViewTestRunsFix',
    ],
    [
      'release’s test runs',
      (a) => a.testRuns('WebApp', { kind: 'release', releaseId: 57, environmentId: 3 }),
      loc('ActionReadReleaseTests', 57),
      'ViewTestRunsFix',
    ],
    [
      'test run’s results',
      (a) => a.testResults('WebApp', 9, 'Failed', { skip: 0, top: 10 }),
      loc('ActionReadTestRun', 9),
      'ViewTestRunsFix',
    ],
    ['changes', (a) => a.changes('WebApp', 812, 5), loc('ActionReadChanges', 812), 'ViewBuildsFix'],
    [
      'work items',
      (a) => a.buildWorkItems('WebApp', 812, 5),
      loc('ActionReadBuildWorkItems', 812),
      'ViewBuildsFix',
    ],
    [
      'newest builds',
      (a) => a.newestBuilds('WebApp', { definitionId: 12, branchRef: 'refs/heads/main', top: 2 }),
      loc('ActionListBuilds', 12),
      'ViewBuildsFix',
    ],
    [
      'release',
      (a) =>
        a.releaseDeployment(
          'WebApp',
          { id: 57, name: 'R', definitionName: 'CD', environmentId: 3, attempt: 1 },
          'P',
        ),
      loc('ActionReadRelease', 57),
      'ViewReleasesFix',
    ],
  ];
  for (const [name, call, action, permission] of calls) {
    it(`a refused read of the ${name} says what it was reading`, async () => {
      const { adapter } = recorded([{ status: 400, body: { message: 'VS402337: refused' } }]);
      await assert.rejects(call(adapter), (error: Error) => {
        assert.equal(error.message, loc('CallFailedStatus', action, 400, 'VS402337: refused'));
        return true;
      });
    });

    it(`a 403 reading the ${name} names the permission that read needs`, async () => {
      const { adapter } = recorded([{ status: 403, body: { message: 'Access denied.' } }]);
      const jobToken = loc('PermissionWhoJob', 'WebApp', 'fabrikam', 'fabrikam');
      await assert.rejects(call(adapter), (error: Error) => {
        assert.equal(
          error.message,
          loc('AccessDenied', action, 'Access denied.', loc(permission, jobToken, 'WebApp')),
        );
        return true;
      });
    });

    it(`a 401 or a 404 reading the ${name}: the job token expired, or it may not see the project`, async () => {
      const gone = "TF400813: The user '' is not authorized to access this resource.";
      const unseen = 'TF200016: The following project does not exist: WebApp.';
      const { adapter } = recorded([
        { status: 401, body: { message: gone } },
        { status: 404, body: { message: unseen } },
      ]);
      const jobToken = loc('PermissionWhoJob', 'WebApp', 'fabrikam', 'fabrikam');
      await assert.rejects(call(adapter), { message: loc('RecordsTokenRejected', action, 'TF400813') });
      await assert.rejects(call(adapter), {
        message: loc('RecordsNotVisible', action, unseen, 'WebApp', jobToken, 'WebApp'),
      });
    });
  }
});
