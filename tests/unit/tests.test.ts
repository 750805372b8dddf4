import * as assert from 'node:assert/strict';
import type {
  Commit,
  FailedStep,
  TestFailures,
  TestReads,
  TestResult,
  TestStanding,
} from '../../tasks/PipelineWorkItem/src/facts/model';
import { classifyTests, CurrentRun, isFlaky, isTestStep } from '../../tasks/PipelineWorkItem/src/facts/tests';
import type { FlakyTests } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { buildRef, step, testResult, TESTS_URL } from './fixtures';

const THIS_BUILD: CurrentRun = { kind: 'build', id: 812 };
const commit = (id: string): Commit => ({ id, author: 'Sam', message: `change ${id}`, url: undefined });
const THIS_RUN_CHANGES = [commit('c812')];

const earlier = buildRef(790, '20261201.4');
const earliest = buildRef(750, '20261128.1');
const since = (run = earlier, date = '2026-12-01T14:03:00Z'): TestResult['failingSince'] => ({ run, date });

function reads(failed: TestResult[], parts: Partial<TestReads> = {}): TestReads {
  return {
    failedCount: failed.length,
    flaggedCount: failed.filter((result) => result.flagged).length,
    failed,
    passedOnRerun: [],
    passedOnRerunCount: parts.passedOnRerun?.length ?? 0,
    changesOf: new Map([
      [790, [commit('c790')]],
      [750, [commit('c750a'), commit('c750b')]],
    ]),
    url: TESTS_URL,
    ...parts,
  };
}

function classify(
  read: TestReads,
  flakyTests: FlakyTests = 'separate',
  current: CurrentRun = THIS_BUILD,
): TestFailures {
  return classifyTests(read, THIS_RUN_CHANGES, { flakyTests, current });
}

const standings = (tests: TestFailures['tests']): [string, TestStanding, string | undefined][] =>
  tests.map((test) => [test.name, test.standing, test.since?.run.name]);

describe('failing tests classified', () => {
  const table: [string, TestResult, TestStanding, string | undefined][] = [
    ['no failingSince: new in this run', testResult('a'), 'new', undefined],
    [
      'failing since this very build: new',
      testResult('a', { failingSince: since(buildRef(812, 'x')) }),
      'new',
      undefined,
    ],
    [
      'failing since an earlier build',
      testResult('a', { failingSince: since() }),
      'failingSince',
      '20261201.4',
    ],
    [
      'a release with the id of this build is another run',
      testResult('a', { failingSince: since({ kind: 'release', id: 812, name: 'Release-812', url: 'u' }) }),
      'failingSince',
      'Release-812',
    ],
  ];
  for (const [name, result, standing, sinceName] of table) {
    it(name, () => {
      const [test] = classify(reads([result])).tests;
      assert.deepEqual([test?.standing, test?.since?.run.name], [standing, sinceName]);
    });
  }

  it('keeps what the item shows of a result, where it ran, and when its failures began', () => {
    const ranIn = { kind: 'job' as const, name: 'Test linux' };
    const result = testResult('Cart.total', { runId: 7, resultId: 9, failingSince: since(), ranIn });
    assert.deepEqual(classify(reads([result])).tests, [
      {
        runId: 7,
        resultId: 9,
        name: 'Cart.total',
        message: 'Cart.total broke',
        stackTrace: 'at Cart.total',
        standing: 'failingSince',
        since: { run: earlier, date: '2026-12-01T14:03:00Z' },
        ranIn,
      },
    ]);
    assert.deepEqual(classify(reads([testResult('x')])).tests[0], {
      runId: 1000,
      resultId: 100000,
      name: 'x',
      message: 'x broke',
      stackTrace: 'at x',
      standing: 'new',
    });
  });

  it('a release run: failing since an earlier release, new when since this release', () => {
    const thisRelease: CurrentRun = { kind: 'release', id: 57 };
    const release = (id: number): TestResult['failingSince'] => ({
      run: { kind: 'release', id, name: `Release-${id}`, url: `u${id}` },
      date: undefined,
    });
    const classified = classify(
      reads([
        testResult('old', { failingSince: release(55) }),
        testResult('now', { failingSince: release(57) }),
      ]),
      'separate',
      thisRelease,
    );
    assert.deepEqual(standings(classified.tests), [
      ['now', 'new', undefined],
      ['old', 'failingSince', 'Release-55'],
    ]);
    assert.deepEqual(
      classified.suspects,
      [{ run: undefined, commits: THIS_RUN_CHANGES }],
      'releases have none',
    );
  });

  it('lists new failures first, in the order read, then by the run where they began, oldest first', () => {
    const classified = classify(
      reads([
        testResult('s1', { failingSince: since() }),
        testResult('n1'),
        testResult('s2', { failingSince: since(earliest) }),
        testResult('n2', { failingSince: since(buildRef(812, 'x')) }),
        testResult('s3', { failingSince: since() }),
      ]),
    );
    assert.deepEqual(standings(classified.tests), [
      ['n1', 'new', undefined],
      ['n2', 'new', undefined],
      ['s2', 'failingSince', '20261128.1'],
      ['s1', 'failingSince', '20261201.4'],
      ['s3', 'failingSince', '20261201.4'],
    ]);
  });

  it("suspects: this run's changes for new failures, each earlier build's once, in the order listed", () => {
    const classified = classify(
      reads([
        testResult('s1', { failingSince: since() }),
        testResult('n1'),
        testResult('s2', { failingSince: since(earliest) }),
        testResult('s3', { failingSince: since() }),
        testResult('s4', { failingSince: since(buildRef(700, '20261120.2')) }),
      ]),
    );
    assert.deepEqual(classified.suspects, [
      { run: undefined, commits: THIS_RUN_CHANGES },
      { run: buildRef(700, '20261120.2'), commits: undefined },
      { run: earliest, commits: [commit('c750a'), commit('c750b')] },
      { run: earlier, commits: [commit('c790')] },
    ]);
  });

  it("no new failure: no suspects of this run's own", () => {
    const classified = classify(reads([testResult('s1', { failingSince: since() })]));
    assert.deepEqual(classified.suspects, [{ run: earlier, commits: [commit('c790')] }]);
    assert.deepEqual(classify(reads([])).suspects, []);
  });
});

describe('flaky tests classified', () => {
  const flagged = testResult('flagged', { flagged: true, resultId: 1 });
  const failedRerun = testResult('failed rerun', { rerun: true, resultId: 2, failingSince: since() });
  const passed = testResult('passed on rerun', { outcome: 'passed', rerun: true, resultId: 3 });
  const broken = testResult('broken', { resultId: 4 });
  const read = reads([flagged, broken, failedRerun], { failedCount: 5, passedOnRerun: [passed] });

  it('flagged by flaky detection, or passed when run again within the run: flaky', () => {
    const flaggedRerun = testResult('both', { flagged: true, rerun: true });
    assert.deepEqual([flagged, passed, flaggedRerun].map(isFlaky), [true, true, true]);
  });

  it('failed on every attempt of a rerun, or simply failed: not flaky', () => {
    assert.deepEqual([failedRerun, broken, { ...passed, rerun: false }].map(isFlaky), [false, false, false]);
  });

  const modes: [FlakyTests, string[], string[], number, number][] = [
    ['separate', ['broken', 'failed rerun'], ['flagged', 'passed on rerun'], 4, 1],
    ['ignore', ['broken', 'failed rerun'], [], 4, 1],
    ['include', ['flagged', 'broken', 'failed rerun'], [], 5, 0],
  ];
  for (const [mode, failures, flaky, total, flakyFailed] of modes) {
    it(`flakyTests: ${mode}`, () => {
      const classified = classify(read, mode);
      assert.deepEqual(
        classified.tests.map((test) => test.name),
        failures,
      );
      assert.deepEqual(
        classified.flaky.map((test) => [test.name, test.standing, test.flakyReason]),
        flaky.map((name) => [name, 'flaky', name === 'flagged' ? 'flagged' : 'passedOnRerun']),
      );
      assert.equal(classified.total, total, 'the failed results counted, read or not');
      assert.equal(classified.flakyFailed, flakyFailed);
      assert.equal(classified.url, TESTS_URL);
    });
  }

  const flaggedSince = { ...flagged, failingSince: since() };

  it('a flaky result is shown with why, without when its failures began', () => {
    assert.deepEqual(classify(reads([flaggedSince])).flaky, [
      {
        runId: 1000,
        resultId: 1,
        name: 'flagged',
        message: 'flagged broke',
        stackTrace: 'at flagged',
        standing: 'flaky',
        flakyReason: 'flagged',
      },
    ]);
  });

  it('a flaky failure brings no suspects', () => {
    assert.deepEqual(classify(reads([flaggedSince])).suspects, []);
    assert.deepEqual(classify(reads([flaggedSince]), 'include').suspects, [
      { run: earlier, commits: [commit('c790')] },
    ]);
  });

  it('past the results read, the flagged ones the statistics count are flaky too, never failures', () => {
    // 1,001 failed results, all flagged; the first 1,000 read.
    const flaggedOnes = Array.from({ length: 1000 }, (_, i) =>
      testResult(`f${i}`, { flagged: true, resultId: i }),
    );
    const allFlagged = reads(flaggedOnes, { failedCount: 1001, flaggedCount: 1001 });
    assert.deepEqual([classify(allFlagged).total, classify(allFlagged).flakyFailed], [0, 1001]);
    assert.deepEqual(
      [classify(allFlagged, 'ignore').total, classify(allFlagged, 'ignore').flakyFailed],
      [0, 1001],
    );
    assert.deepEqual(
      [classify(allFlagged, 'include').total, classify(allFlagged, 'include').flakyFailed],
      [1001, 0],
    );
    // 1,000 failures read, 30 flagged beyond them.
    const broken = Array.from({ length: 1000 }, (_, i) => testResult(`b${i}`, { resultId: i }));
    const beyond = classify(reads(broken, { failedCount: 1030, flaggedCount: 30 }));
    assert.deepEqual([beyond.total, beyond.flakyFailed], [1000, 30]);
    assert.equal(beyond.flakyCount, 30);
  });

  it('counts the results that passed on a rerun past those looked through, from the statistics', () => {
    const rerunPasses = [testResult('r1', { outcome: 'passed', rerun: true })];
    const counted = reads([flagged, broken], { passedOnRerun: rerunPasses, passedOnRerunCount: 40 });
    const separate = classify(counted);
    assert.deepEqual([separate.flaky.length, separate.flakyCount], [2, 41]);
    assert.equal(classify(counted, 'ignore').flakyCount, undefined);
    assert.equal(classify(counted, 'include').flakyCount, undefined);
    // The statistics never lower the count below the results read.
    assert.equal(
      classify(reads([flagged], { passedOnRerun: rerunPasses, passedOnRerunCount: 0 })).flakyCount,
      2,
    );
  });

  it('counts at least the failures read when the statistics say fewer', () => {
    assert.equal(classify(reads([broken, testResult('b2')], { failedCount: 1 })).total, 2);
    assert.equal(classify(reads([flagged, broken], { failedCount: 0 })).total, 1);
  });
});

describe('test steps', () => {
  const table: [string, Partial<FailedStep>, boolean][] = [
    ['VSTest', { step: 'VsTest - testAssemblies', task: 'VSTest' }, true],
    ['PublishTestResults', { step: 'Publish Test Results **/TEST-*.xml', task: 'PublishTestResults' }, true],
    ['task names in any case', { step: 'Run', task: 'vstest' }, true],
    [
      'dotnet test (the task names its test command so)',
      { step: 'dotnet test', task: 'DotNetCoreCLI' },
      true,
    ],
    ['a .NET step named for its tests', { step: 'Run unit tests', task: 'DotNetCoreCLI' }, true],
    ['a .NET step named in camel case', { step: 'UnitTests', task: 'DotNetCoreCLI' }, true],
    ['a .NET step named in capitals', { step: 'TEST', task: 'DotNetCoreCLI' }, true],
    ['dotnet build', { step: 'dotnet build', task: 'DotNetCoreCLI' }, false],
    ['"test" inside a word is not a test', { step: 'dotnet publish latest', task: 'DotNetCoreCLI' }, false],
    ['a script running tests', { step: 'npm test', task: 'CmdLine' }, false],
    ['Maven also builds', { step: 'Maven test', task: 'Maven' }, false],
    ['Gradle also builds', { step: 'gradlew test', task: 'Gradle' }, false],
    ['a step whose task is not named', { step: 'VSTest' }, false],
    ['a job that failed without a step', { step: '', task: 'VSTest' }, false],
  ];
  for (const [name, parts, expected] of table) {
    it(`${expected ? 'is' : 'is not'} a test step: ${name}`, () =>
      assert.equal(isTestStep({ ...step(parts.step ?? ''), ...parts }), expected));
  }
});
