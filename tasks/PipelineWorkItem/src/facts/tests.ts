import type { FlakyTests } from '../inputs/settings';
import type {
  Commit,
  FailedStep,
  FailedTest,
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
 * Whether Azure DevOps marks the result flaky: its flaky detection flagged it, or it passed when the test was run
 * again within the run. A rerun group that still failed failed every attempt: that is a failure, not a flake.
 */
export function isFlaky(result: TestResult): boolean {
  return result.flagged || (result.rerun && result.outcome === 'passed');
}

/**
 * Tasks whose failure is the test failures they report: they run tests (VSTest) or publish their results
 * (PublishTestResults, which fails on failed tests when asked to). Tasks that also build, such as Maven or Gradle,
 * are left out: their failure may be a compile error.
 */
const TEST_TASKS = new Set(['vstest', 'publishtestresults']);
/** Runs every dotnet command; only its test command is a test step. */
const DOTNET_TASK = 'dotnetcorecli';
/**
 * A display name that says test: a word starting with "test" ("dotnet test", the task's own name for its test
 * command; "Run tests") or "Test" inside a word ("UnitTests").
 */
const SAYS_TEST = /(?:^|[^A-Za-z])[Tt][Ee][Ss][Tt]|Test/;

/**
 * Whether a failed step is a test step, whose errors are the test failures it reports. The records name the
 * step's task but not the command a .NET step ran, so a DotNetCoreCLI step counts when its display name says
 * test.
 */
export function isTestStep(step: FailedStep): boolean {
  const task = step.task?.toLowerCase() ?? '';
  if (step.step === '') return false;
  if (TEST_TASKS.has(task)) return true;
  return task === DOTNET_TASK && SAYS_TEST.test(step.step);
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
  // Past the results read, the statistics still say how many failed results were flagged flaky.
  const flakyFailed = apart ? Math.max(reads.failed.length - failures.length, reads.flaggedCount) : 0;
  const tests = failures.map((result) => failedTest(result, current));
  const ordered = [
    ...tests.filter((test) => test.standing === 'new'),
    ...tests.filter((test) => test.standing === 'failingSince').sort((a, b) => sinceOrder(a) - sinceOrder(b)),
  ];
  const separate = flakyTests === 'separate';
  const flaky = separate
    ? [...reads.failed.filter(isFlaky), ...reads.passedOnRerun].map((result) => flakyTest(result))
    : [];
  // Past the passed results looked through, the statistics still count those that passed only on a rerun.
  const passedOnRerun = Math.max(reads.passedOnRerun.length, reads.passedOnRerunCount);
  return {
    total: Math.max(reads.failedCount - flakyFailed, failures.length),
    tests: ordered,
    flaky,
    ...(separate && { flakyCount: flakyFailed + passedOnRerun }),
    flakyFailed,
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

// A result read among those that passed on a rerun is flaky for that reason, whatever else marks it.
function flakyTest(result: TestResult): FailedTest {
  const flakyReason = result.outcome === 'passed' ? 'passedOnRerun' : 'flagged';
  return { ...pick(result), standing: 'flaky', flakyReason };
}

function pick(result: TestResult): Omit<FailedTest, 'standing'> {
  const { runId, resultId, name, message, stackTrace, ranIn } = result;
  return { runId, resultId, name, message, stackTrace, ...(ranIn && { ranIn }) };
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
    suspects.push({ run, commits: changesOf.get(run.id) });
  }
  return suspects;
}
