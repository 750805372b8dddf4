import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import {
  collectAttachments,
  MAX_ATTACHMENT_BYTES,
} from '../../tasks/PipelineWorkItem/src/evidence/attachments';
import { gatherEvidence } from '../../tasks/PipelineWorkItem/src/evidence/gather';
import { AdoPipelines } from '../../tasks/PipelineWorkItem/src/ado/pipelines';
import { Rest } from '../../tasks/PipelineWorkItem/src/ado/rest';
import type { FailedStep, RunFacts } from '../../tasks/PipelineWorkItem/src/facts/model';
import type { Boards, Pipelines } from '../../tasks/PipelineWorkItem/src/ports';
import { readSettings } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { inputs, RELEASE_VARIABLES, runContext } from './fixtures';

type Stubbed<T> = { [K in keyof T]: sinon.SinonStub };

const failure = (step: string, logId: number | undefined): FailedStep => ({
  stage: 'Build',
  job: 'Unit tests',
  step,
  errors: [],
  warnings: [],
  log: logId === undefined ? undefined : { kind: 'build', logId },
});
const FACTS: RunFacts = {
  othersOutcome: 'failed',
  artifacts: [],
  failures: [failure('npm test', 4), failure('eslint', 7), failure('no log', undefined)],
};

function pipelines(): Stubbed<Pipelines> {
  return {
    timeline: sinon.stub().resolves([]),
    releaseDeployment: sinon.stub().resolves(undefined),
    buildLogLineCounts: sinon.stub().resolves(
      new Map([
        [4, 1000],
        [7, 12],
      ]),
    ),
    buildLogLines: sinon.stub().callsFake(async (_p, _b, logId: number) => [`tail of ${logId}`]),
    releaseTaskLogLines: sinon.stub().resolves(['deploy failed']),
    buildLog: sinon.stub().resolves('whole log'),
    failedTests: sinon.stub().resolves({
      total: 3,
      refs: [
        { runId: 1, resultId: 10, name: 'a' },
        { runId: 2, resultId: 20, name: 'b' },
        { runId: 1, resultId: 11, name: 'c' },
      ],
    }),
    testMessages: sinon.stub().callsFake(async (_p, runId: number) =>
      runId === 1
        ? new Map([
            [10, 'a broke'],
            [11, 'c broke'],
          ])
        : new Map([[20, 'b broke']]),
    ),
    changes: sinon.stub().resolves([{ id: 'abc', author: 'Sam', message: 'Fix', url: undefined }]),
    buildWorkItems: sinon.stub().resolves([5, 6]),
  };
}

const request = (values: Record<string, string> = {}, variables?: Record<string, string>) => ({
  project: 'WebApp',
  context: runContext(variables),
  settings: readSettings(inputs(values)),
});

describe('evidence gathering', () => {
  afterEach(() => sinon.restore());

  it('starts every read that needs only the run at once, and the tails when the facts are known', async () => {
    const fake = pipelines();
    let resolveFacts: (facts: RunFacts) => void = () => undefined;
    const facts = new Promise<RunFacts>((resolve) => (resolveFacts = resolve));
    const gathered = gatherEvidence(fake, request({ linkWorkItems: 'true' }), facts, assert.fail);
    await new Promise((resolve) => setImmediate(resolve));
    sinon.assert.calledOnceWithExactly(fake.buildLogLineCounts, 'WebApp', 812);
    sinon.assert.calledOnce(fake.failedTests);
    sinon.assert.calledOnceWithExactly(fake.changes, 'WebApp', 812, 10);
    sinon.assert.calledOnceWithExactly(fake.buildWorkItems, 'WebApp', 812, 50);
    sinon.assert.notCalled(fake.buildLogLines);
    resolveFacts(FACTS);
    const evidence = await gathered;
    // 1-based and inclusive: the last 30 of 1,000 lines are 971..1000.
    sinon.assert.calledWithExactly(fake.buildLogLines, 'WebApp', 812, 4, 971, 1000);
    sinon.assert.calledWithExactly(fake.buildLogLines, 'WebApp', 812, 7, 1, 12);
    assert.deepEqual(evidence.logTails, [
      { step: 0, lines: ['tail of 4'], lineCount: 1000 },
      { step: 1, lines: ['tail of 7'], lineCount: 12 },
    ]);
    assert.deepEqual(evidence.tests?.tests, [
      { name: 'a', message: 'a broke' },
      { name: 'b', message: 'b broke' },
      { name: 'c', message: 'c broke' },
    ]);
    assert.equal(fake.testMessages.callCount, 2, 'one read per test run');
    assert.equal(evidence.tests?.total, 3);
    assert.equal(
      evidence.tests?.url,
      'https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812&view=ms.vss-test-web.build-test-results-tab',
    );
    assert.deepEqual(evidence.workItems, [5, 6]);
  });

  it('reads the tails of all failed steps together', async () => {
    const fake = pipelines();
    const pending: (() => void)[] = [];
    fake.buildLogLines.callsFake(() => new Promise((resolve) => pending.push(() => resolve(['x']))));
    const gathered = gatherEvidence(fake, request(), Promise.resolve(FACTS), assert.fail);
    while (pending.length < 2) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(fake.buildLogLines.callCount, 2, 'both reads issued before either answered');
    pending.forEach((answer) => answer());
    assert.equal((await gathered).logTails.length, 2);
  });

  it('reads the deployment task log of a classic release from the line count the release gave', async () => {
    const fake = pipelines();
    const releaseFacts: RunFacts = {
      ...FACTS,
      failures: [
        {
          ...failure('Deploy', undefined),
          log: { kind: 'release', environmentId: 3, deployPhaseId: 2, taskId: 4, lineCount: 200 },
        },
      ],
    };
    const evidence = await gatherEvidence(
      fake,
      request({}, RELEASE_VARIABLES),
      Promise.resolve(releaseFacts),
      assert.fail,
    );
    sinon.assert.notCalled(fake.buildLogLineCounts);
    sinon.assert.calledOnceWithExactly(
      fake.releaseTaskLogLines,
      'WebApp',
      57,
      releaseFacts.failures[0]?.log,
      {
        first: 171,
        last: 200,
      },
    );
    sinon.assert.calledWithMatch(fake.failedTests, 'WebApp', {
      kind: 'release',
      releaseId: 57,
      environmentId: 3,
    });
    assert.deepEqual(evidence.logTails, [{ step: 0, lines: ['deploy failed'], lineCount: 200 }]);
  });

  it('reads nothing without details, except the work items to link', async () => {
    const fake = pipelines();
    const none = await gatherEvidence(
      fake,
      request({ includeDetails: 'false' }),
      Promise.resolve(FACTS),
      assert.fail,
    );
    assert.deepEqual(none, { logTails: [], tests: undefined, commits: [], workItems: [] });
    const links = await gatherEvidence(
      fake,
      request({ includeDetails: 'false', linkWorkItems: 'true' }),
      Promise.resolve(FACTS),
      assert.fail,
    );
    assert.deepEqual(links.workItems, [5, 6]);
    const called = Object.entries(fake)
      .filter(([, stub]) => stub.called)
      .map(([name]) => name);
    assert.deepEqual(called, ['buildWorkItems']);
  });

  it('logLines 0 reads no log', async () => {
    const fake = pipelines();
    await gatherEvidence(fake, request({ logLines: '0' }), Promise.resolve(FACTS), assert.fail);
    sinon.assert.notCalled(fake.buildLogLineCounts);
    sinon.assert.notCalled(fake.buildLogLines);
  });

  it('leaves out only what could not be read, with one warning each', async () => {
    const fake = pipelines();
    fake.changes.rejects(new Error('Could not read the changes of build 812 (HTTP 500): boom'));
    fake.buildLogLines.withArgs('WebApp', 812, 7).rejects(new Error('Could not read log 7 of build 812.'));
    const warnings: string[] = [];
    const evidence = await gatherEvidence(fake, request(), Promise.resolve(FACTS), (w) => warnings.push(w));
    assert.deepEqual(evidence.commits, []);
    assert.deepEqual(
      evidence.logTails.map((tail) => tail.step),
      [0],
    );
    assert.equal(evidence.tests?.total, 3);
    assert.deepEqual(warnings, [
      'Could not read the changes of build 812 (HTTP 500): boom The item is filed without the changes.',
      'Could not read log 7 of build 812. The item is filed without those log excerpts.',
    ]);
  });

  it('says "at least" when the count of failing tests reached its cap', async () => {
    const fake = pipelines();
    const refs = Array.from({ length: 1000 }, (_, i) => ({ runId: 1, resultId: i, name: `t${i}` }));
    fake.failedTests.resolves({ total: 1000, refs });
    const evidence = await gatherEvidence(fake, request(), Promise.resolve(FACTS), assert.fail);
    assert.equal(evidence.tests?.atLeast, true);
    assert.equal(evidence.tests?.tests.length, 20);
  });
});

describe('attachments', () => {
  const boards = (): Stubbed<Pick<Boards, 'uploadAttachment'>> => ({
    uploadAttachment: sinon
      .stub()
      .callsFake(async (_p, name: string) => `https://x/_apis/wit/attachments/${name}`),
  });
  const io = (upload = boards(), files: Record<string, number> = {}) => {
    const log = { info: sinon.stub(), warning: sinon.stub() };
    return {
      log,
      upload,
      io: {
        host: {
          findFiles: (patterns: readonly string[]) =>
            patterns.map((pattern) => ({
              pattern,
              files: Object.entries(files)
                .filter(([file]) => file.endsWith(pattern.replace('*', '')))
                .map(([file, size]) => ({ path: `/work/${file}`, size })),
            })),
          readFile: (file: string) => Buffer.from(`content of ${file}`),
        },
        pipelines: pipelines(),
        boards: upload as unknown as Boards,
        log,
      },
    };
  };
  const attach = (values: Record<string, string>, dryRun = false) => ({
    settings: readSettings(inputs(values)),
    context: runContext(),
    facts: FACTS,
    project: 'WebApp',
    dryRun,
  });

  it('uploads each failed step log and each matched file, with comments naming them', async () => {
    const t = io(boards(), { 'shot.png': 10, 'big.dmp': MAX_ATTACHMENT_BYTES + 1 });
    const attached = await collectAttachments(
      t.io,
      attach({ attachLogs: 'true', attachments: '*.png\n*.dmp\n*.zip' }),
    );
    assert.deepEqual(attached, [
      {
        url: 'https://x/_apis/wit/attachments/01-npm-test.log',
        comment: 'Log of Build › Unit tests › npm test',
      },
      { url: 'https://x/_apis/wit/attachments/02-eslint.log', comment: 'Log of Build › Unit tests › eslint' },
      { url: 'https://x/_apis/wit/attachments/shot.png', comment: 'Attached by the pipeline (*.png)' },
    ]);
    sinon.assert.calledWith(
      t.upload.uploadAttachment,
      'WebApp',
      'shot.png',
      Buffer.from('content of /work/shot.png'),
    );
    const warnings = t.log.warning.args.map(([w]) => String(w));
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings[0] ?? '', /big\.dmp is 131 MB, over Azure DevOps' 130 MB attachment limit/);
    assert.match(warnings[1] ?? '', /no file matches '\*\.zip'/);
  });

  it('a failed upload leaves out that file with a warning; a dry run uploads nothing', async () => {
    const failing = boards();
    failing.uploadAttachment.withArgs('WebApp', '02-eslint.log').rejects(new Error('Could not upload.'));
    const t = io(failing);
    const attached = await collectAttachments(t.io, attach({ attachLogs: 'true' }));
    assert.deepEqual(
      attached.map((a) => a.comment),
      ['Log of Build › Unit tests › npm test'],
    );
    sinon.assert.calledWithMatch(
      t.log.warning,
      /Could not upload\. The item is filed without 02-eslint\.log\./,
    );

    const dry = io();
    assert.deepEqual(await collectAttachments(dry.io, attach({ attachLogs: 'true' }, true)), []);
    sinon.assert.notCalled(dry.upload.uploadAttachment);
    sinon.assert.calledWithMatch(dry.log.info, /Dry run: would attach 01-npm-test\.log/);
  });
});

describe('pipelines adapter', () => {
  const answer = (statusCode: number, body: string) => ({
    message: { statusCode, headers: {} },
    readBody: async () => body,
  });

  it('a log download answered with an error status fails instead of becoming the log', async () => {
    const http = { request: sinon.stub().resolves(answer(404, '{"message":"VS800069: log not found"}')) };
    const rest = new Rest(http, 'https://dev.azure.com/fabrikam/');
    const adapter = new AdoPipelines(
      rest,
      async () => rest,
      async () => rest,
    );
    await assert.rejects(
      adapter.buildLog('WebApp', 812, 4),
      /Could not read log 4 of build 812 \(HTTP 404\): VS800069: log not found/,
    );
    http.request.resolves(answer(200, 'line 1\nline 2'));
    assert.equal(await adapter.buildLog('WebApp', 812, 4), 'line 1\nline 2');
    assert.deepEqual(http.request.lastCall.args.slice(0, 2), [
      'GET',
      'https://dev.azure.com/fabrikam/WebApp/_apis/build/builds/812/logs/4?api-version=6.0',
    ]);
    assert.equal(http.request.lastCall.args[3].Accept, 'text/plain;api-version=6.0');
  });
});
