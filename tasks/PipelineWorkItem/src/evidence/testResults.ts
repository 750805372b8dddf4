import type { Commit, RanIn, RunFacts, RunRef, TestReads, TestResult } from '../facts/model';
import { jobKey } from '../facts/runFacts';
import type { Pipelines, ResultsPage, TestRunCounts, TestScope } from '../ports';
import { inParallel, PARALLEL_READS } from '../ado/parallel';

/** Results - List answers at most 1,000 results a page (without details). */
const RESULTS_PAGE = 1000;
/** Failed results read in all; the statistics still count every one. */
const MAX_FAILED = 1000;
/** Passed results looked through for those that passed only on a rerun. */
const MAX_PASSED_SCANNED = 5000;
/** Earlier builds whose changes are read as the suspects of the failures that began there, and changes of each. */
const MAX_SUSPECT_BUILDS = 5;
const SUSPECT_CHANGES = 10;

/** Pages covering `count` results, at most `cap` of them. */
function pagesOf(count: number, cap: number): ResultsPage[] {
  const wanted = Math.min(count, cap);
  const pages: ResultsPage[] = [];
  for (let skip = 0; skip < wanted; skip += RESULTS_PAGE) {
    pages.push({ skip, top: Math.min(RESULTS_PAGE, wanted - skip) });
  }
  return pages;
}

/** Each run's pages of `outcome` results, `counted` of each run, at most `cap` in all (earlier runs first). */
function plan(
  runs: readonly TestRunCounts[],
  counted: (run: TestRunCounts) => number,
  cap: number,
): { runId: number; page: ResultsPage }[] {
  let left = cap;
  return runs.flatMap((run) => {
    const pages = pagesOf(counted(run), left);
    left -= Math.min(counted(run), left);
    return pages.map((page) => ({ runId: run.id, page }));
  });
}

/**
 * The runs that are this run's: a job's runs count only when published in the attempt the timeline says the job is
 * in. A job run again (*Rerun failed jobs*, a stage rerun) that failed before it published any test, or is still
 * running, has only its earlier attempt's runs, which its rerun superseded. A run that names no job, and one whose
 * job the timeline does not name (a classic build's, an older server's), is kept; so are all runs when the
 * timeline gave no attempts.
 */
export function ofCurrentAttempts(
  runs: readonly TestRunCounts[],
  jobAttempts: RunFacts['jobAttempts'],
): TestRunCounts[] {
  return runs.filter((run) => {
    if (!run.publishedBy) return true;
    const current = jobAttempts?.get(jobKey(run.publishedBy.job));
    return current === undefined || run.publishedBy.attempt >= current;
  });
}

/**
 * Gives results where their test run ran: the display name of the job that published it (the timeline's), else
 * the run's title. A test that fails in every job of a matrix has one result in each.
 */
export function placing(
  runs: readonly TestRunCounts[],
  jobNames: RunFacts['jobNames'],
): (results: readonly TestResult[]) => TestResult[] {
  const where = new Map<number, RanIn>();
  for (const run of runs) {
    const job = run.publishedBy && jobNames?.get(jobKey(run.publishedBy.job));
    if (job) where.set(run.id, { kind: 'job', name: job });
    else if (run.name) where.set(run.id, { kind: 'testRun', name: run.name });
  }
  return (results) =>
    results.map((result) => {
      const ranIn = where.get(result.runId);
      return ranIn ? { ...result, ranIn } : result;
    });
}

/**
 * The failed results of the runs (a few pages at a time, at most MAX_FAILED), and those that passed only on a rerun
 * when the statistics say there are some, each with where it ran (`placing`). A failed read of either rejects.
 */
export async function readResults(
  pipelines: Pipelines,
  project: string,
  runs: readonly TestRunCounts[],
  jobNames: RunFacts['jobNames'],
): Promise<{ failed: TestResult[]; passedOnRerun: Promise<TestResult[]> }> {
  const placed = placing(runs, jobNames);
  // A few pages at a time: a monorepo's hundreds of runs would otherwise each open a connection at once.
  const read = (outcome: 'Failed' | 'Passed', pages: { runId: number; page: ResultsPage }[]) =>
    inParallel(pages, PARALLEL_READS, ({ runId, page }) =>
      pipelines.testResults(project, runId, outcome, page),
    ).then((all) => placed(all.flat()));
  const reruns = runs.filter((run) => run.passedOnRerun > 0);
  const passedOnRerun = read(
    'Passed',
    plan(reruns, (run) => run.passed, MAX_PASSED_SCANNED),
  ).then((results) => results.filter((result) => result.rerun));
  // Read at once with the failed results; awaited by the caller, so a failure is not left unhandled here.
  passedOnRerun.catch(() => undefined);
  const failed = await read(
    'Failed',
    plan(runs, (run) => run.failed, MAX_FAILED),
  );
  return { failed, passedOnRerun };
}

/**
 * The earlier builds where listed failures began (oldest first, at most MAX_SUSPECT_BUILDS), not the run itself.
 */
export function suspectBuilds(
  failed: readonly TestResult[],
  current: { kind: RunRef['kind']; id: number },
): number[] {
  const ids = new Set<number>();
  for (const result of failed) {
    const run = result.failingSince?.run;
    if (run?.kind === 'build' && !(current.kind === 'build' && current.id === run.id)) ids.add(run.id);
  }
  return [...ids].sort((a, b) => a - b).slice(0, MAX_SUSPECT_BUILDS);
}

/** The changes of each suspect build; a build whose changes cannot be read is left out, its error returned. */
export async function suspectChanges(
  pipelines: Pipelines,
  project: string,
  builds: readonly number[],
): Promise<{ changesOf: Map<number, readonly Commit[]>; failure: Error | undefined }> {
  const reads = await Promise.allSettled(builds.map((id) => pipelines.changes(project, id, SUSPECT_CHANGES)));
  const changesOf = new Map<number, readonly Commit[]>();
  let failure: Error | undefined;
  reads.forEach((read, index) => {
    if (read.status === 'fulfilled') changesOf.set(builds[index], read.value);
    else failure ??= read.reason as Error;
  });
  return { changesOf, failure };
}

/** The reads of the run's tests before classification, as `TestReads` holds them. */
export function testReads(
  runs: readonly TestRunCounts[],
  failed: readonly TestResult[],
  passedOnRerun: readonly TestResult[],
  changesOf: ReadonlyMap<number, readonly Commit[]>,
  url: string,
): TestReads {
  const failedCount = runs.reduce((sum, run) => sum + run.failed, 0);
  const flaggedCount = runs.reduce((sum, run) => sum + run.flaky, 0);
  const passedOnRerunCount = runs.reduce((sum, run) => sum + run.passedOnRerun, 0);
  return { failedCount, flaggedCount, failed, passedOnRerun, passedOnRerunCount, changesOf, url };
}

/**
 * The names of the tests that passed in the run: every page of passed results of every test run of `scope` (of
 * each job's current attempt, as `jobAttempts` gives it), a few pages at a time, at most `cap` results. `complete`
 * is false when the runs hold more passed results than `cap`: a test missing from `names` may then have passed too.
 * A failed read rejects.
 */
export async function passedTestNames(
  pipelines: Pipelines,
  project: string,
  scope: TestScope,
  cap: number,
  jobAttempts: Promise<RunFacts['jobAttempts']> = Promise.resolve(undefined),
): Promise<{ names: Set<string>; complete: boolean }> {
  const runs = ofCurrentAttempts(await pipelines.testRuns(project, scope), await jobAttempts);
  const pages = plan(runs, (run) => run.passed, cap);
  const names = new Set<string>();
  // Only the names are kept: a page's results are let go as soon as it is read.
  await inParallel(pages, PARALLEL_READS, async ({ runId, page }) => {
    for (const result of await pipelines.testResults(project, runId, 'Passed', page)) names.add(result.name);
  });
  const passed = runs.reduce((sum, run) => sum + run.passed, 0);
  return { names, complete: passed <= cap };
}
