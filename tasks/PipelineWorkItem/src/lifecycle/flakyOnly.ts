import type { RunFacts, TestFailures } from '../facts/model';
import { isTestStep } from '../facts/tests';
import type { FlakyTests } from '../inputs/settings';

/**
 * Whether the run failed only because of flaky tests, so that it files no item of its own: `flakyTests` keeps
 * flaky results apart (`separate` or `ignore`), the run has failed steps and every one of them is a test step
 * (`isTestStep`: its errors are the test failures it reports), and every failed result of the run is flaky, with
 * at least one (a test step that failed with no failed result, such as a missing results file, is a failure of
 * its own).
 * `tests` are the run's classified failing tests; undefined when they could not be read, which never passes for
 * flaky-only.
 */
export function onlyFlakyFailures(
  facts: RunFacts,
  tests: TestFailures | undefined,
  mode: FlakyTests,
): boolean {
  if (mode === 'include' || tests === undefined) return false;
  const failedSteps = facts.failures;
  if (failedSteps.length === 0 || !failedSteps.every(isTestStep)) return false;
  return tests.total === 0 && (tests.flakyFailed ?? 0) > 0;
}
