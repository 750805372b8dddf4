import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import {
  ofCurrentAttempts,
  passedTestNames,
  placing,
  readResults,
  suspectBuilds,
  testReads,
} from '../../tasks/PipelineWorkItem/src/evidence/testResults';
import type { TestResult } from '../../tasks/PipelineWorkItem/src/facts/model';
import type { Pipelines, ResultsPage, TestRunCounts } from '../../tasks/PipelineWorkItem/src/ports';
import { testResult } from './fixtures';

const run = (id: number, passed: number): TestRunCounts => ({
  id,
  failed: 0,
  passed,
  passedOnRerun: 0,
  flaky: 0,
});
const passed = (runId: number, resultId: number): TestResult =>
  testResult(`run${runId}.test${resultId}`, {
    runId,
    resultId,
    outcome: 'passed',
    message: '',
    stackTrace: '',
  });

function pipelines(runs: TestRunCounts[]) {
  let inFlight = 0;
  let most = 0;
  const testResults = sinon
    .stub()
    .callsFake(async (_p: string, runId: number, _o: string, page: ResultsPage) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return Array.from({ length: page.top }, (_, i) => passed(runId, page.skip + i));
    });
  const fake = { testRuns: sinon.stub().resolves(runs), testResults };
  return { fake, pipelines: fake as unknown as Pipelines, most: () => most };
}

describe('passed test names', () => {
  it('reads every page of passed results of every run of the scope, a few at a time', async () => {
    const { fake, pipelines: p, most } = pipelines([run(1, 2500), run(2, 10), run(3, 0), run(4, 4000)]);
    const { names, complete } = await passedTestNames(p, 'WebApp', { kind: 'build', buildId: 812 }, 20_000);
    sinon.assert.calledOnceWithExactly(fake.testRuns, 'WebApp', { kind: 'build', buildId: 812 });
    assert.equal(names.size, 6510);
    assert.ok(names.has('run1.test2499') && names.has('run4.test3999') && names.has('run2.test9'));
    assert.equal(complete, true);
    assert.deepEqual(
      fake.testResults.args.map((args) => [args[1], args[2], args[3]]),
      [
        [1, 'Passed', { skip: 0, top: 1000 }],
        [1, 'Passed', { skip: 1000, top: 1000 }],
        [1, 'Passed', { skip: 2000, top: 500 }],
        [2, 'Passed', { skip: 0, top: 10 }],
        [4, 'Passed', { skip: 0, top: 1000 }],
        [4, 'Passed', { skip: 1000, top: 1000 }],
        [4, 'Passed', { skip: 2000, top: 1000 }],
        [4, 'Passed', { skip: 3000, top: 1000 }],
      ],
    );
    assert.ok(most() > 1 && most() <= 6, `pages in flight at once: ${most()}`);
  });

  it('stops at the cap and says the names are not complete', async () => {
    const { pipelines: p } = pipelines([run(1, 1500), run(2, 800)]);
    const { names, complete } = await passedTestNames(p, 'WebApp', { kind: 'build', buildId: 812 }, 2000);
    assert.equal(names.size, 2000);
    assert.equal(complete, false);
  });

  it('all the passed results read, exactly at the cap: the names are complete', async () => {
    const { pipelines: p } = pipelines([run(1, 1200), run(2, 800)]);
    const { names, complete } = await passedTestNames(p, 'WebApp', { kind: 'build', buildId: 812 }, 2000);
    assert.equal(names.size, 2000);
    assert.equal(complete, true);
  });

  it('reads only the runs of each job’s current attempt, as the run’s records give it', async () => {
    const by = (id: number, attempt: number): TestRunCounts => ({
      ...run(id, 10),
      publishedBy: { job: 'Build.Test.__default', attempt },
    });
    const { fake, pipelines: p } = pipelines([by(1, 1), run(2, 5)]);
    const attempts = Promise.resolve(new Map([['build.test.__default', 2]]));
    const { names, complete } = await passedTestNames(
      p,
      'WebApp',
      { kind: 'build', buildId: 1 },
      100,
      attempts,
    );
    assert.deepEqual(
      fake.testResults.args.map((args) => args[1]),
      [2],
    );
    assert.equal(names.size, 5);
    assert.equal(complete, true);
  });

  it('fails when a page cannot be read', async () => {
    const { fake, pipelines: p } = pipelines([run(1, 10)]);
    fake.testResults.rejects(new Error('boom'));
    await assert.rejects(passedTestNames(p, 'WebApp', { kind: 'build', buildId: 1 }, 100), /boom/);
  });
});

describe('failed results and the suspects of a run', () => {
  it('reads passed results only of the runs whose statistics count a pass on a rerun', async () => {
    const { fake, pipelines: p } = pipelines([]);
    const counts = (id: number, passedOnRerun: number): TestRunCounts => ({
      ...run(id, 30),
      failed: 2,
      passedOnRerun,
    });
    const { failed, passedOnRerun } = await readResults(p, 'WebApp', [counts(1, 0), counts(2, 3)], undefined);
    await passedOnRerun;
    assert.equal(failed.length, 4);
    assert.deepEqual(
      fake.testResults.args.filter((args) => args[2] === 'Passed').map((args) => args[1]),
      [2],
    );
  });

  it('many runs: their pages of failed and of passed results are read a few at a time, not all at once', async () => {
    // 400 test runs (a monorepo's projects, say), each with 2 failures and a test that passed on a rerun.
    const { fake, pipelines: p, most } = pipelines([]);
    const runs = Array.from({ length: 400 }, (_, i): TestRunCounts => ({
      ...run(i + 1, 5),
      failed: 2,
      passedOnRerun: 1,
    }));
    const { failed, passedOnRerun } = await readResults(p, 'WebApp', runs, undefined);
    await passedOnRerun;
    assert.equal(failed.length, 800);
    assert.equal(fake.testResults.callCount, 800);
    // Six pages of each outcome at a time.
    assert.ok(most() <= 12, `pages in flight at once: ${most()}`);
  });

  it('counts the failed, the flagged and the rerun-passed results of every run from their statistics, read or not', () => {
    const runs = [
      { ...run(1, 0), failed: 1200, flaky: 30 },
      { ...run(2, 4), failed: 2, flaky: 1 },
    ];
    const reads = testReads(
      [
        { ...runs[0]!, passedOnRerun: 7 },
        { ...runs[1]!, passedOnRerun: 5 },
      ],
      [],
      [],
      new Map(),
      'tests',
    );
    assert.deepEqual([reads.failedCount, reads.flaggedCount, reads.passedOnRerunCount], [1202, 31, 12]);
  });

  it('the suspect builds: earlier builds where a failure began, oldest first, not this run nor a release', () => {
    const since = (kind: 'build' | 'release', id: number): TestResult => ({
      ...passed(1, id),
      outcome: 'failed',
      failingSince: { run: { kind, id, name: String(id), url: '' }, date: undefined },
    });
    const failed = [since('build', 805), since('build', 812), since('release', 790), since('build', 801)];
    assert.deepEqual(suspectBuilds(failed, { kind: 'build', id: 812 }), [801, 805]);
    // A release's run: builds with its id are other runs.
    assert.deepEqual(suspectBuilds(failed, { kind: 'release', id: 812 }), [801, 805, 812]);
  });
});

describe('where each result ran', () => {
  const run = (id: number, parts: Partial<TestRunCounts>): TestRunCounts => ({
    id,
    failed: 1,
    passed: 0,
    passedOnRerun: 0,
    flaky: 0,
    ...parts,
  });

  it('the job that published its run, as the timeline names it, else the run’s title, else nothing', () => {
    const runs = [
      run(1, { publishedBy: { job: 'Build.Test.Linux', attempt: 1 }, name: 'VSTest_TestResults_812' }),
      run(2, { publishedBy: { job: 'Build.Test.macos', attempt: 1 }, name: 'JUnit_TestResults_812' }),
      run(3, {}),
    ];
    const results = [1, 2, 3, 4].map((runId) => testResult('Cart.adds', { runId }));
    const jobNames = new Map([['build.test.linux', 'Test linux']]);
    assert.deepEqual(
      placing(runs, jobNames)(results).map((result) => result.ranIn),
      [
        { kind: 'job', name: 'Test linux' },
        { kind: 'testRun', name: 'JUnit_TestResults_812' },
        undefined,
        undefined,
      ],
    );
    assert.equal(placing(runs, undefined)(results)[0]?.ranIn?.kind, 'testRun');
  });
});

describe('the test runs of each job’s current attempt', () => {
  const JOB = 'Build.Test.__default';
  const by = (id: number, job: string, attempt: number): TestRunCounts => ({
    id,
    failed: 1,
    passed: 0,
    passedOnRerun: 0,
    flaky: 0,
    publishedBy: { job, attempt },
  });
  const ids = (runs: readonly TestRunCounts[]): number[] => runs.map((r) => r.id);

  it('drops a job’s runs of an attempt older than the one the timeline says the job is in', () => {
    // Job Test ran again as attempt 2 and failed before it published: attempt 1's runs are not this run's.
    const runs = [by(1, JOB, 1), by(2, 'Build.Lint.__default', 1)];
    const attempts = new Map([
      ['build.test.__default', 2],
      ['build.lint.__default', 1],
    ]);
    assert.deepEqual(ids(ofCurrentAttempts(runs, attempts)), [2]);
  });

  it('keeps the runs of the current attempt, and of a job not run again beside a rerun one', () => {
    const runs = [by(1, JOB, 2), by(2, 'Build.Lint.__default', 1), by(3, 'Build.Test.linux', 3)];
    const attempts = new Map([
      ['build.test.__default', 2],
      ['build.lint.__default', 1],
      ['build.test.linux', 3],
    ]);
    assert.deepEqual(ids(ofCurrentAttempts(runs, attempts)), [1, 2, 3]);
  });

  it('keeps a run newer than the timeline knew: the job published in an attempt it started since', () => {
    assert.deepEqual(ids(ofCurrentAttempts([by(1, JOB, 3)], new Map([['build.test.__default', 2]]))), [1]);
  });

  it('compares the job in any case, the stage of a pipeline without stages left out', () => {
    const attempts = new Map([['job.__default', 2]]);
    assert.deepEqual(
      ids(ofCurrentAttempts([by(1, 'Job.__default', 1), by(2, 'JOB.__default', 2)], attempts)),
      [2],
    );
  });

  it('keeps what it cannot match: a run naming no job, a job the timeline does not name, or no attempts', () => {
    const unnamed: TestRunCounts = { id: 1, failed: 1, passed: 0, passedOnRerun: 0, flaky: 0 };
    const runs = [unnamed, by(2, 'Build.Other.__default', 1), by(3, JOB, 1)];
    assert.deepEqual(ids(ofCurrentAttempts(runs, new Map([['build.test.__default', 2]]))), [1, 2]);
    assert.deepEqual(ids(ofCurrentAttempts(runs, undefined)), [1, 2, 3]);
  });
});
