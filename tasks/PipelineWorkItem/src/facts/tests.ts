import type { FlakyTests } from '../inputs/settings';
import type {
  Commit,
  FailedStep,
  FailedTest,
  RunFacts,
  RunRef,
  Suspects,
  TestFailures,
  TestReads,
  TestResult,
} from './model';

/** The run the task reports on, as test results name runs. */
export interface CurrentRun {
  readonly kind: RunRef['kind'];
  readonly id: number;
}

/**
 * Whether Azure DevOps marks the result flaky: its flaky detection flagged it, or the test was run again within
 * the run (a rerun group).
 */
export function isFlaky(result: TestResult): boolean {
  return result.flagged || result.rerun;
}

/**
 * The run's failing tests as the item shows them: each failure new in this run or failing since an earlier run
 * (new ones first, then by the run where they began, oldest first), flaky results apart or counted as `flakyTests`
 * says, and the suspects of each group: this run's changes for new failures, an earlier build's for the failures
 * that began there.
 */
export function classifyTests(
  reads: TestReads,
  thisRunChanges: readonly Commit[],
  options: { readonly flakyTests: FlakyTests; readonly current: CurrentRun },
): TestFailures {
  const { flakyTests, current } = options;
  const apart = flakyTests !== 'include';
  const failures = reads.failed.filter((result) => !(apart && isFlaky(result)));
  const flakyFailed = reads.failed.length - failures.length;
  const tests = failures.map((result) => failedTest(result, current));
  const ordered = [
    ...tests.filter((test) => test.standing === 'new'),
    ...tests.filter((test) => test.standing === 'failingSince').sort((a, b) => sinceOrder(a) - sinceOrder(b)),
  ];
  const flaky =
    flakyTests === 'separate'
      ? [...reads.failed.filter(isFlaky), ...reads.passedOnRerun].map((result) => flakyTest(result))
      : [];
  return {
    total: Math.max(reads.failedCount - flakyFailed, failures.length),
    flakyFailures: flakyFailed,
    tests: ordered,
    flaky,
    suspects: suspectsOf(ordered, thisRunChanges, reads.changesOf),
    url: reads.url,
  };
}

function failedTest(result: TestResult, current: CurrentRun): FailedTest {
  const since = result.failingSince;
  const sameRun = since !== undefined && since.run.kind === current.kind && since.run.id === current.id;
  const base = pick(result);
  return since === undefined || sameRun
    ? { ...base, standing: 'new' }
    : { ...base, standing: 'failingSince', since };
}

function flakyTest(result: TestResult): FailedTest {
  return { ...pick(result), standing: 'flaky' };
}

function pick(result: TestResult): Omit<FailedTest, 'standing'> {
  const { runId, resultId, name, message, stackTrace } = result;
  return { runId, resultId, name, message, stackTrace };
}

// Earlier runs first; a run's id orders its runs as their dates do.
function sinceOrder(test: FailedTest): number {
  return test.since?.run.id ?? 0;
}

function suspectsOf(
  tests: readonly FailedTest[],
  thisRunChanges: readonly Commit[],
  changesOf: ReadonlyMap<number, readonly Commit[]>,
): Suspects[] {
  const suspects: Suspects[] = [];
  if (tests.some((test) => test.standing === 'new'))
    suspects.push({ run: undefined, commits: thisRunChanges });
  const seen = new Set<number>();
  for (const test of tests) {
    const run = test.since?.run;
    if (run?.kind !== 'build' || seen.has(run.id)) continue;
    seen.add(run.id);
    suspects.push({ run, commits: changesOf.get(run.id) ?? [] });
  }
  return suspects;
}

/** Test tasks whose failure is the failing tests they report (step names are the pipeline author's to choose). */
const TEST_TASKS = new Set(['vstest', 'publishtestresults']);

function isTestStep(step: FailedStep): boolean {
  const task = (step.task ?? '').toLowerCase();
  return TEST_TASKS.has(task) || (task === 'dotnetcorecli' && /test/i.test(step.step));
}

/**
 * Whether the run failed only because of flaky test results: every failed step runs tests, and every failed
 * result is flaky. Never with `flakyTests: include`, which counts them as failures.
 */
export function onlyFlakyFailures(
  facts: RunFacts,
  tests: TestFailures | undefined,
  flakyTests: FlakyTests,
): boolean {
  if (flakyTests === 'include' || !tests || facts.failures.length === 0) return false;
  return tests.total === 0 && (tests.flakyFailures ?? 0) > 0 && facts.failures.every(isTestStep);
}
