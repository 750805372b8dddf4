import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { gatherEvidence } from '../../tasks/PipelineWorkItem/src/evidence/gather';
import type { FailedStep, RunFacts } from '../../tasks/PipelineWorkItem/src/facts/model';
import type { Pipelines } from '../../tasks/PipelineWorkItem/src/ports';
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
    sinon.assert.calledWithExactly(fake.buildLogLines, 'WebApp', 812, 4, { first: 971, last: 1000 });
    sinon.assert.calledWithExactly(fake.buildLogLines, 'WebApp', 812, 7, { first: 1, last: 12 });
    assert.deepEqual(evidence.logTails, [
      { step: 0, lines: ['tail of 4'], lineCount: 1000 },
      { step: 1, lines: ['tail of 7'], lineCount: 12 },
    ]);
    assert.deepEqual(
      evidence.tests?.tests.map(({ name, message }) => ({ name, message })),
      [
        { name: 'a', message: 'a broke' },
        { name: 'b', message: 'b broke' },
        { name: 'c', message: 'c broke' },
      ],
    );
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
