import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { gatherEvidence, testScope } from '../../tasks/PipelineWorkItem/src/evidence/gather';
import type { FailedStep, RunFacts, TestResult } from '../../tasks/PipelineWorkItem/src/facts/model';
import type { Pipelines, TestRunCounts } from '../../tasks/PipelineWorkItem/src/ports';
import { readSettings } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { loc } from '../../tasks/PipelineWorkItem/src/text/messages';
import { inputs, RELEASE_VARIABLES, runContext, testResult, YAML_VARIABLES } from './fixtures';

type Stubbed<T> = { [K in keyof T]: sinon.SinonStub };

const run = (id: number, failed: number, more: Partial<TestRunCounts> = {}): TestRunCounts => ({
  id,
  failed,
  passed: 0,
  passedOnRerun: 0,
  flaky: 0,
  ...more,
});
const result = (runId: number, resultId: number, name: string, more: Partial<TestResult> = {}): TestResult =>
  testResult(name, { runId, resultId, stackTrace: '', ...more });

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
    releaseTaskLogTail: sinon.stub().resolves({ lines: ['deploy failed'], lineCount: 1 }),
    releaseTaskLog: sinon.stub().resolves('deploy failed'),
    buildLog: sinon.stub().resolves('whole log'),
    testRuns: sinon.stub().resolves([run(1, 2), run(2, 1)]),
    testResults: sinon
      .stub()
      .callsFake(async (_p, runId: number, outcome: string) =>
        outcome === 'Failed'
          ? runId === 1
            ? [result(1, 10, 'a'), result(1, 11, 'c')]
            : [result(2, 20, 'b')]
          : [],
      ),
    changes: sinon.stub().resolves([{ id: 'abc', author: 'Sam', message: 'Fix', url: undefined }]),
    buildWorkItems: sinon.stub().resolves([5, 6]),
    newestBuilds: sinon.stub().resolves([]),
  };
}

const request = (values: Record<string, string> = {}, variables?: Record<string, string>) => ({
  project: 'WebApp',
  context: runContext(variables),
  settings: readSettings(inputs(values)),
  tests: values.includeDetails !== 'false',
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
    sinon.assert.calledOnceWithExactly(fake.testRuns, 'WebApp', { kind: 'build', buildId: 812 });
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
        { name: 'c', message: 'c broke' },
        { name: 'b', message: 'b broke' },
      ],
    );
    assert.deepEqual(fake.testResults.args, [
      ['WebApp', 1, 'Failed', { skip: 0, top: 2 }],
      ['WebApp', 2, 'Failed', { skip: 0, top: 1 }],
    ]);
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
    sinon.assert.calledWithExactly(fake.testRuns, 'WebApp', {
      kind: 'release',
      releaseId: 57,
      environmentId: 3,
      attempt: 1,
    });
    assert.deepEqual(evidence.logTails, [{ step: 0, lines: ['deploy failed'], lineCount: 200 }]);
  });

  it('reads the end of the deployment task log in one pass when the release gives no line count', async () => {
    const fake = pipelines();
    const tail = Array.from({ length: 30 }, (_, i) => `deploy line ${i + 16}`);
    fake.releaseTaskLogTail.resolves({ lines: tail, lineCount: 45 });
    const log = {
      kind: 'release',
      environmentId: 3,
      deployPhaseId: 2,
      taskId: 4,
      lineCount: undefined,
    } as const;
    const releaseFacts: RunFacts = { ...FACTS, failures: [{ ...failure('Deploy', undefined), log }] };
    const evidence = await gatherEvidence(
      fake,
      request({}, RELEASE_VARIABLES),
      Promise.resolve(releaseFacts),
      assert.fail,
    );
    sinon.assert.calledOnceWithExactly(fake.releaseTaskLogTail, 'WebApp', 57, log, 30);
    sinon.assert.notCalled(fake.releaseTaskLogLines);
    assert.deepEqual(evidence.logTails, [{ step: 0, lines: tail, lineCount: 45 }]);

    fake.releaseTaskLogTail.resolves({ lines: [], lineCount: 0 });
    const empty = await gatherEvidence(
      fake,
      request({}, RELEASE_VARIABLES),
      Promise.resolve(releaseFacts),
      assert.fail,
    );
    assert.deepEqual(empty.logTails, []);
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

  it('warns what each unreadable read leaves out: the log excerpts, the failing tests, the links', async () => {
    const fake = pipelines();
    fake.buildLogLineCounts.rejects(new Error('counts gone'));
    fake.testRuns.rejects(new Error('runs gone'));
    fake.buildWorkItems.rejects(new Error('links gone'));
    const warnings: string[] = [];
    const evidence = await gatherEvidence(
      fake,
      request({ linkWorkItems: 'true' }),
      Promise.resolve(FACTS),
      (w) => warnings.push(w),
    );
    assert.deepEqual(evidence.logTails, []);
    assert.equal(evidence.tests, undefined);
    assert.deepEqual(evidence.workItems, []);
    assert.deepEqual(
      [...warnings].sort(),
      [
        loc('WithoutLogExcerpts', 'counts gone'),
        loc('WithoutFailingTests', 'runs gone'),
        loc('WithoutWorkItemLinks', 'links gone'),
      ].sort(),
    );
  });

  it('tails that cannot be read: one warning naming the first reason and counting the others', async () => {
    const fake = pipelines();
    fake.buildLogLines.withArgs('WebApp', 812, 4).rejects(new Error('log 4 gone'));
    fake.buildLogLines.withArgs('WebApp', 812, 7).rejects(new Error('log 7 gone'));
    const warnings: string[] = [];
    const evidence = await gatherEvidence(fake, request(), Promise.resolve(FACTS), (w) => warnings.push(w));
    assert.deepEqual(evidence.logTails, []);
    assert.deepEqual(warnings, [loc('WithoutLogTails', 'log 4 gone', 1)]);
  });

  it('reads the tails of the first 10 failed steps, and none of a log without lines', async () => {
    const fake = pipelines();
    const many: RunFacts = {
      ...FACTS,
      failures: [failure('empty', 4), ...Array.from({ length: 11 }, (_, i) => failure(`step ${i}`, 100 + i))],
    };
    fake.buildLogLineCounts.resolves(
      new Map<number, number>([
        [4, 0],
        ...Array.from({ length: 11 }, (_, i): [number, number] => [100 + i, 50]),
      ]),
    );
    const evidence = await gatherEvidence(fake, request(), Promise.resolve(many), assert.fail);
    assert.deepEqual(
      fake.buildLogLines.args.map((args) => args[2]),
      [100, 101, 102, 103, 104, 105, 106, 107, 108],
    );
    assert.deepEqual(
      evidence.logTails.map((tail) => tail.step),
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  });

  it('a release: no task log with logLines 0 or without lines; the tests of its environment, since it', async () => {
    const fake = pipelines();
    const releaseFacts = (lineCount: number): RunFacts => ({
      ...FACTS,
      failures: [
        {
          ...failure('Deploy', undefined),
          log: { kind: 'release', environmentId: 3, deployPhaseId: 2, taskId: 4, lineCount },
        },
      ],
    });
    const noLines = request({ logLines: '0' }, RELEASE_VARIABLES);
    await gatherEvidence(fake, noLines, Promise.resolve(releaseFacts(200)), assert.fail);
    await gatherEvidence(fake, request({}, RELEASE_VARIABLES), Promise.resolve(releaseFacts(0)), assert.fail);
    sinon.assert.notCalled(fake.releaseTaskLogLines);
    fake.testRuns.resolves([run(1, 1)]);
    fake.testResults.resolves([
      result(1, 1, 'since this release', {
        failingSince: { run: { kind: 'release', id: 57, name: 'Release-57', url: 'r57' }, date: undefined },
      }),
    ]);
    const evidence = await gatherEvidence(
      fake,
      request({}, RELEASE_VARIABLES),
      Promise.resolve(releaseFacts(0)),
      assert.fail,
    );
    assert.deepEqual(evidence.logTails, []);
    assert.equal(evidence.tests?.tests[0]?.standing, 'new');
    assert.equal(
      evidence.tests?.url,
      `${runContext(RELEASE_VARIABLES).collectionUri}WebApp/_releaseProgress?_a=release-environment-extension` +
        '&releaseId=57&environmentId=3&extensionId=ms.vss-test-web.test-result-in-release-environment-editor-tab',
    );
  });

  it('a release’s changes and linked items: read in its build’s project, and not at all without a build', async () => {
    const details = { linkWorkItems: 'true' };
    const fake = pipelines();
    const shared = { ...FACTS, buildProject: 'Shared' };
    const evidence = await gatherEvidence(
      fake,
      request(details, RELEASE_VARIABLES),
      Promise.resolve(shared),
      assert.fail,
    );
    assert.deepEqual([evidence.commits.length, evidence.workItems], [1, [5, 6]]);
    assert.deepEqual(fake.changes.firstCall.args.slice(0, 2), ['Shared', 812]);
    assert.deepEqual(fake.buildWorkItems.firstCall.args.slice(0, 2), ['Shared', 812]);

    const unbuilt = pipelines();
    const without = await gatherEvidence(
      unbuilt,
      request(details, { ...RELEASE_VARIABLES, 'Build.BuildId': '' }),
      Promise.resolve(FACTS),
      assert.fail,
    );
    assert.deepEqual([without.commits, without.workItems], [[], []]);
    sinon.assert.notCalled(unbuilt.changes);
    sinon.assert.notCalled(unbuilt.buildWorkItems);
  });

  it('reads the results of a run whose tests only passed on a rerun, and keeps a run of flaky failures', async () => {
    const fake = pipelines();
    fake.testRuns.resolves([run(1, 0, { passed: 3, passedOnRerun: 1 })]);
    fake.testResults
      .withArgs('WebApp', 1, 'Passed')
      .resolves([
        result(1, 2, 'retried', { outcome: 'passed', rerun: true }),
        result(1, 3, 'plain', { outcome: 'passed' }),
      ]);
    const rerun = await gatherEvidence(fake, request(), Promise.resolve(FACTS), assert.fail);
    assert.deepEqual(
      rerun.tests?.flaky.map((test) => test.name),
      ['retried'],
    );
    const vanished = pipelines();
    vanished.testRuns.resolves([run(1, 1)]);
    vanished.testResults.resolves([]);
    const none = await gatherEvidence(vanished, request(), Promise.resolve(FACTS), assert.fail);
    assert.deepEqual(
      [none.tests?.total, none.tests?.tests],
      [1, []],
      'counted from the statistics, though no failed result is listed',
    );
    const flaky = pipelines();
    flaky.testRuns.resolves([run(1, 1)]);
    flaky.testResults.resolves([result(1, 1, 'shaky', { flagged: true })]);
    const onlyFlaky = await gatherEvidence(flaky, request(), Promise.resolve(FACTS), assert.fail);
    assert.equal(onlyFlaky.tests?.total, 0);
    assert.equal(onlyFlaky.tests?.flakyFailed, 1);
    const ignored = await gatherEvidence(
      flaky,
      request({ flakyTests: 'ignore' }),
      Promise.resolve(FACTS),
      assert.fail,
    );
    assert.deepEqual([ignored.tests?.total, ignored.tests?.flaky, ignored.tests?.flakyFailed], [0, [], 1]);
  });

  it('counts the failures from the statistics and reads up to 1,000 of them, every one kept', async () => {
    const fake = pipelines();
    fake.testRuns.resolves([run(1, 1500), run(2, 700)]);
    const pending: (() => void)[] = [];
    fake.testResults.callsFake(
      (_p, runId: number, _o, page: { top: number }) =>
        new Promise((resolve) =>
          pending.push(() =>
            resolve(Array.from({ length: page.top }, (_, i) => result(runId, i, `t${runId}.${i}`))),
          ),
        ),
    );
    const gathered = gatherEvidence(fake, request(), Promise.resolve(FACTS), assert.fail);
    while (pending.length < 1) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(fake.testResults.args, [['WebApp', 1, 'Failed', { skip: 0, top: 1000 }]]);
    pending.forEach((answer) => answer());
    const evidence = await gathered;
    assert.equal(evidence.tests?.total, 2200);
    assert.equal(evidence.tests?.tests.length, 1000, 'the test items see every failure read');
  });

  it('reads no failed result of a job’s runs its rerun superseded, once the facts say the job’s attempt', async () => {
    const fake = pipelines();
    const publishedBy = (attempt: number) => ({ publishedBy: { job: 'Build.Test.__default', attempt } });
    fake.testRuns.resolves([run(1, 2, publishedBy(1)), run(2, 1)]);
    let known: (facts: RunFacts) => void = () => undefined;
    const facts = new Promise<RunFacts>((resolve) => (known = resolve));
    const gathered = gatherEvidence(fake, request(), facts, assert.fail);
    await new Promise((resolve) => setImmediate(resolve));
    sinon.assert.notCalled(fake.testResults);
    known({ ...FACTS, jobAttempts: new Map([['build.test.__default', 2]]) });
    const evidence = await gathered;
    assert.deepEqual(
      fake.testResults.args.map((args) => args[1]),
      [2],
    );
    assert.equal(evidence.tests?.total, 1, 'only the run of a job the timeline does not name');
  });

  it('reads the pages of several runs together, and of one run past 1,000', async () => {
    const fake = pipelines();
    fake.testRuns.resolves([run(1, 600), run(2, 300)]);
    fake.testResults.resolves([]);
    await gatherEvidence(fake, request(), Promise.resolve(FACTS), assert.fail);
    assert.deepEqual(fake.testResults.args, [
      ['WebApp', 1, 'Failed', { skip: 0, top: 600 }],
      ['WebApp', 2, 'Failed', { skip: 0, top: 300 }],
    ]);
  });

  it('reads no result when no run failed, and no tests when they are not wanted', async () => {
    const fake = pipelines();
    fake.testRuns.resolves([run(1, 0, { passed: 40 })]);
    assert.equal(
      (await gatherEvidence(fake, request(), Promise.resolve(FACTS), assert.fail)).tests,
      undefined,
    );
    sinon.assert.notCalled(fake.testResults);
    const without = { ...request(), tests: false };
    await gatherEvidence(fake, without, Promise.resolve(FACTS), assert.fail);
    sinon.assert.calledOnce(fake.testRuns);
  });

  it('reads tests without details when the request wants them', async () => {
    const fake = pipelines();
    const evidence = await gatherEvidence(
      fake,
      { ...request({ includeDetails: 'false' }), tests: true },
      Promise.resolve(FACTS),
      assert.fail,
    );
    assert.equal(evidence.tests?.total, 3);
    sinon.assert.notCalled(fake.buildLogLineCounts);
    sinon.assert.notCalled(fake.changes);
  });

  it('reads the changes of the earlier builds where failures began, after the results, as their suspects', async () => {
    const fake = pipelines();
    const since = (id: number) => ({
      run: { kind: 'build' as const, id, name: `2026120${id - 800}.1`, url: `u${id}` },
      date: '2026-12-01T10:00:00Z',
    });
    fake.testRuns.resolves([run(1, 8)]);
    fake.testResults.resolves([
      result(1, 1, 'new', { failingSince: since(812) }),
      ...[803, 801, 805, 806, 804, 802, 803].map((id, i) =>
        result(1, 10 + i, `old${i}`, { failingSince: since(id) }),
      ),
    ]);
    fake.changes.callsFake(async (_p, id: number) => [
      { id: `c${id}`, author: 'Alex', message: 'm', url: undefined },
    ]);
    const evidence = await gatherEvidence(fake, request(), Promise.resolve(FACTS), assert.fail);
    assert.deepEqual(
      fake.changes.args.map((args) => [args[1], args[2]]),
      [
        [812, 10],
        [801, 10],
        [802, 10],
        [803, 10],
        [804, 10],
        [805, 10],
      ],
    );
    assert.deepEqual(
      evidence.tests?.suspects.map((s) => [s.run?.id, s.commits?.map((c) => c.id)]),
      [
        [undefined, ['c812']],
        [801, ['c801']],
        [802, ['c802']],
        [803, ['c803']],
        [804, ['c804']],
        [805, ['c805']],
        [806, undefined],
      ],
    );
    assert.equal(evidence.tests?.tests[0]?.standing, 'new');
  });

  it('flaky results kept apart bring no suspect builds: the real failure’s build is read, whatever comes first', async () => {
    const since = (id: number) => ({
      run: { kind: 'build' as const, id, name: `2026120${id - 800}.1`, url: `u${id}` },
      date: '2026-12-01T10:00:00Z',
    });
    const failed = [
      ...[801, 802, 803, 804, 805].map((id, i) =>
        result(1, 10 + i, `flaky${i}`, { flagged: true, failingSince: since(id) }),
      ),
      result(1, 20, 'real', { failingSince: since(806) }),
    ];
    for (const [flakyTests, builds] of [
      ['separate', [806]],
      ['ignore', [806]],
      ['include', [801, 802, 803, 804, 805]],
    ] as const) {
      const fake = pipelines();
      fake.testRuns.resolves([run(1, 6, { flaky: 5 })]);
      fake.testResults.resolves(failed);
      await gatherEvidence(fake, request({ flakyTests }), Promise.resolve(FACTS), assert.fail);
      assert.deepEqual(
        fake.changes.args.map((args) => args[1]).filter((id) => id !== 812),
        builds,
        flakyTests,
      );
    }
  });

  it('reads what passed only on a rerun when the statistics say some did, and shows it as flaky', async () => {
    const fake = pipelines();
    fake.testRuns.resolves([run(1, 1, { flaky: 1 }), run(2, 0, { passed: 3, passedOnRerun: 1 })]);
    fake.testResults.callsFake(async (_p, runId: number, outcome: string) =>
      outcome === 'Failed'
        ? [result(runId, 1, 'flagged', { flagged: true })]
        : [
            result(runId, 2, 'steady', { outcome: 'passed' }),
            result(runId, 3, 'rerun', { outcome: 'passed', rerun: true }),
          ],
    );
    const evidence = await gatherEvidence(fake, request(), Promise.resolve(FACTS), assert.fail);
    assert.deepEqual(fake.testResults.args, [
      ['WebApp', 2, 'Passed', { skip: 0, top: 3 }],
      ['WebApp', 1, 'Failed', { skip: 0, top: 1 }],
    ]);
    assert.deepEqual(
      evidence.tests?.flaky.map((test) => test.name),
      ['flagged', 'rerun'],
    );
    assert.equal(evidence.tests?.total, 0);
  });

  it('leaves the tests out with one warning when their results cannot be read', async () => {
    const fake = pipelines();
    fake.testResults.rejects(new Error('Could not read the results of test run 1 (HTTP 500): boom'));
    const warnings: string[] = [];
    const evidence = await gatherEvidence(fake, request(), Promise.resolve(FACTS), (w) => warnings.push(w));
    assert.equal(evidence.tests, undefined);
    assert.deepEqual(warnings, [
      'Could not read the results of test run 1 (HTTP 500): boom The item is filed without the failing tests.',
    ]);
  });

  it('files without the reruns or the suspects, with one warning each, when only those cannot be read', async () => {
    const fake = pipelines();
    fake.testRuns.resolves([run(1, 1, { passed: 1, passedOnRerun: 1 })]);
    fake.testResults.withArgs('WebApp', 1, 'Passed').rejects(new Error('no reruns'));
    fake.testResults.withArgs('WebApp', 1, 'Failed').resolves([
      result(1, 1, 'old', {
        failingSince: { run: { kind: 'build', id: 700, name: '7', url: 'u' }, date: undefined },
      }),
    ]);
    fake.changes.withArgs('WebApp', 700).rejects(new Error('no changes'));
    const warnings: string[] = [];
    const evidence = await gatherEvidence(fake, request(), Promise.resolve(FACTS), (w) => warnings.push(w));
    assert.deepEqual(
      evidence.tests?.tests.map((test) => test.standing),
      ['failingSince'],
    );
    assert.deepEqual(evidence.tests?.flaky, []);
    assert.deepEqual(warnings, [
      'no reruns The item is filed without the tests that passed only on a rerun.',
      'no changes The item is filed without the changes of the build where a failing test began.',
    ]);
  });
});

describe('the scope of the run’s tests', () => {
  it('a classic release’s environment and its deployment attempt; no attempt when the agent names none', () => {
    assert.deepEqual(testScope(runContext({ ...RELEASE_VARIABLES, 'Release.AttemptNumber': '2' })), {
      kind: 'release',
      releaseId: 57,
      environmentId: 3,
      attempt: 2,
    });
    const withoutAttempt = { ...RELEASE_VARIABLES, 'Release.AttemptNumber': '' };
    assert.deepEqual(testScope(runContext(withoutAttempt)), {
      kind: 'release',
      releaseId: 57,
      environmentId: 3,
    });
    assert.deepEqual(testScope(runContext()), { kind: 'build', buildId: 812 });
  });

  it('a deployment job’s build, and its own stage: it files for that stage', () => {
    const deployment = {
      ...YAML_VARIABLES,
      'Environment.Name': 'staging',
      'System.StageName': 'Deploy_Staging',
    };
    assert.deepEqual(testScope(runContext(deployment)), {
      kind: 'build',
      buildId: 812,
      stage: 'Deploy_Staging',
    });
    assert.deepEqual(testScope(runContext({ ...deployment, 'Environment.Name': '' })), {
      kind: 'build',
      buildId: 812,
    });
  });
});
