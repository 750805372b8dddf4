import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import * as sinon from 'sinon';
import { AdoPipelines } from '../../tasks/PipelineWorkItem/src/ado/pipelines';
import { Rest } from '../../tasks/PipelineWorkItem/src/ado/rest';

describe('pipelines adapter', () => {
  // As typed-rest-client answers: the message is the body's stream.
  const answer = (statusCode: number, body: string) => ({
    message: Object.assign(Readable.from([Buffer.from(body)]), { statusCode, headers: {} }),
    readBody: async () => body,
  });

  it('a log download answered with an error status fails instead of becoming the log', async () => {
    const http = { request: sinon.stub().resolves(answer(404, '{"message":"VS800069: log not found"}')) };
    const rest = new Rest(http, 'https://dev.azure.com/fabrikam/');
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
    const rest = new Rest(http, 'https://dev.azure.com/fabrikam/');
    const adapter = new AdoPipelines(rest, async () => rest);
    assert.equal(await adapter.buildLog('WebApp', 812, 4, 1000), undefined);
    assert.equal(message.destroyed, true, 'the rest of the answer is not read');
  });

  const json = (body: unknown) => answer(200, JSON.stringify(body));
  const adapterWith = (http: { request: sinon.SinonStub }) => {
    const rest = new Rest(http, 'https://dev.azure.com/fabrikam/');
    return new AdoPipelines(
      rest,
      async () => assert.fail('tests are on the collection'),
      () => Date.parse('2026-12-06T10:00:00Z'),
    );
  };

  it("lists a build's test runs on the collection, with their statistics decoded into counts", async () => {
    const http = {
      request: sinon.stub().resolves(
        json({
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
        }),
      ),
    };
    const runs = await adapterWith(http).testRuns('Web App', { kind: 'build', buildId: 812 });
    assert.deepEqual(runs, [
      { id: 7, failed: 4, passed: 42, passedOnRerun: 2, flaky: 1 },
      { id: 8, failed: 3, passed: 6, passedOnRerun: 0, flaky: 0 },
    ]);
    const url = new URL(http.request.lastCall.args[1] as string);
    assert.equal(url.origin + url.pathname, 'https://dev.azure.com/fabrikam/Web%20App/_apis/test/runs');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      buildUri: 'vstfs:///Build/Build/812',
      includeRunDetails: 'true',
      $skip: '0',
      $top: '100',
      'api-version': '6.0',
    });
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
    const url = new URL(http.request.lastCall.args[1] as string);
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
    const url = new URL(http.request.lastCall.args[1] as string);
    assert.equal(url.pathname, '/fabrikam/Web%20App/_apis/test/Runs/1812/results');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      outcomes: 'Failed',
      $skip: '1000',
      $top: '500',
      'api-version': '6.0',
    });
  });

  it('names the test run it could not read', async () => {
    const http = { request: sinon.stub().resolves(answer(500, '{"message":"boom"}')) };
    await assert.rejects(
      adapterWith(http).testResults('WebApp', 9, 'Passed', { skip: 0, top: 10 }),
      /Could not read the results of test run 9 \(HTTP 500\): boom/,
    );
  });
});
