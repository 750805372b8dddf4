import type { RunContext } from '../facts/context';
import type {
  Commit,
  Evidence,
  FailedStep,
  LogTail,
  ReleaseTaskLog,
  RunFacts,
  TestFailures,
} from '../facts/model';
import { classifyTests, CurrentRun, isFlaky } from '../facts/tests';
import type { Settings } from '../inputs/settings';
import type { LineRange, Pipelines, TestRunCounts, TestScope } from '../ports';
import { loc } from '../text/messages';
import { ofCurrentAttempts, readResults, suspectBuilds, suspectChanges, testReads } from './testResults';

const MAX_COMMITS = 10;
const MAX_WORK_ITEMS = 50;
/** Failed steps whose log tails are read; a run with more shows the first ones. */
const MAX_TAILS = 10;

export interface EvidenceRequest {
  readonly project: string;
  readonly context: RunContext;
  readonly settings: Pick<Settings, 'includeDetails' | 'logLines' | 'linkWorkItems' | 'flakyTests'>;
  /** Whether the run's tests are read: for the details, or for a decision that needs them without details. */
  readonly tests: boolean;
}

/**
 * Reads the evidence of the details: log tails of the failed steps, failing tests, changes and the
 * run's work items (those only with `linkWorkItems`; without `includeDetails` they and the tests when asked for
 * are all that is read). Reads that need only the run's identity (the test runs among them) start at once,
 * together with the facts' own read; the log tails start when the facts are known, and the failed test results
 * when both the test runs and the facts are (the facts say which job attempts the runs must be of), so both go out
 * in the second round. The changes of an earlier build where a failing test began follow only when there is one.
 * Each part is optional: a failed read leaves it out with one warning and never costs the item.
 */
export async function gatherEvidence(
  pipelines: Pipelines,
  request: EvidenceRequest,
  facts: Promise<RunFacts>,
  warn: (message: string) => void,
): Promise<Evidence> {
  const { project, context, settings } = request;
  const optional = optionalRead(warn);
  const details = settings.includeDetails;
  const build = context.release ? undefined : context.build;
  const lineCounts = optional(
    details && build && settings.logLines > 0
      ? () => pipelines.buildLogLineCounts(project, build.id)
      : undefined,
    (reason) => loc('WithoutLogExcerpts', reason),
    new Map<number, number>(),
  );
  const scope = request.tests ? testScope(context) : undefined;
  const runs = optional(
    scope ? () => pipelines.testRuns(project, scope) : undefined,
    (reason) => loc('WithoutFailingTests', reason),
    [],
  );
  const { commits, workItems } = buildReads(pipelines, request, facts, optional);
  const logTails = tails(pipelines, request, facts, lineCounts, warn);
  const tests = scope ? failingTests(pipelines, request, scope, { runs, commits, facts }, warn) : undefined;
  return { logTails: await logTails, tests: await tests, commits: await commits, workItems: await workItems };
}

type OptionalRead = ReturnType<typeof optionalRead>;

// The changes of the run's build and the work items linked to it. A release's build may be another project's,
// which the release's record names: those are read there once the record is (beside the log tails); a build's at
// once.
function buildReads(
  pipelines: Pipelines,
  { project, context, settings }: EvidenceRequest,
  facts: Promise<RunFacts>,
  optional: OptionalRead,
): { commits: Promise<Commit[]>; workItems: Promise<number[]> } {
  const changed = context.build?.id;
  const inBuildProject =
    <T>(read: (at: string) => Promise<T>) =>
    (): Promise<T> =>
      context.release ? facts.then((known) => read(known.buildProject ?? project)) : read(project);
  const commits = optional(
    settings.includeDetails && changed !== undefined
      ? inBuildProject((at) => pipelines.changes(at, changed, MAX_COMMITS))
      : undefined,
    (reason) => loc('WithoutChanges', reason),
    [],
  );
  const workItems = optional(
    settings.linkWorkItems && changed !== undefined
      ? inBuildProject((at) => pipelines.buildWorkItems(at, changed, MAX_WORK_ITEMS))
      : undefined,
    (reason) => loc('WithoutWorkItemLinks', reason),
    [],
  );
  return { commits, workItems };
}

// A part of the evidence: `read` when it is asked for, else `fallback`; a failed read gives `fallback` too, with
// a warning that `without` words from the reason.
function optionalRead(
  warn: (message: string) => void,
): <T>(read: (() => Promise<T>) | undefined, without: (reason: string) => string, fallback: T) => Promise<T> {
  return (read, without, fallback) =>
    read
      ? read().catch((error: unknown) => {
          warn(without((error as Error).message));
          return fallback;
        })
      : Promise.resolve(fallback);
}

// The tails of the failed steps' logs, once the facts name the steps, when the details show log lines. Every
// tail is read at once; one that cannot be read leaves only its own step without an excerpt, and the failures
// are reported in one warning.
async function tails(
  pipelines: Pipelines,
  { project, context, settings }: EvidenceRequest,
  facts: Promise<RunFacts>,
  lineCounts: Promise<Map<number, number>>,
  warn: (message: string) => void,
): Promise<LogTail[]> {
  if (!settings.includeDetails || settings.logLines <= 0) return [];
  const { failures } = await facts;
  const read = async (failure: FailedStep, step: number): Promise<LogTail[]> => {
    const log = failure.log;
    if (!log) return [];
    if (log.kind === 'build') {
      const lineCount = (await lineCounts).get(log.logId) ?? 0;
      if (lineCount === 0 || !context.build) return [];
      const range = lastLines(lineCount, settings.logLines);
      const lines = await pipelines.buildLogLines(project, context.build.id, log.logId, range);
      return [{ step, lines, lineCount }];
    }
    if (!context.release) return [];
    return releaseTail(pipelines, project, context.release.id, log, settings.logLines, step);
  };
  const results = await Promise.allSettled(failures.slice(0, MAX_TAILS).map(read));
  const failed = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []));
  const reason = failed[0]?.message ?? '';
  if (failed.length > 1) warn(loc('WithoutLogTails', reason, failed.length - 1));
  else if (failed.length === 1) warn(loc('WithoutLogTail', reason));
  return results.flatMap((result) => (result.status === 'fulfilled' ? result.value : []));
}

// The tail of a release task's log. The release may leave the log's line count out: the log then streams through
// once and only its end is kept.
async function releaseTail(
  pipelines: Pipelines,
  project: string,
  releaseId: number,
  log: ReleaseTaskLog,
  count: number,
  step: number,
): Promise<LogTail[]> {
  if (log.lineCount === undefined) {
    const { lines, lineCount } = await pipelines.releaseTaskLogTail(project, releaseId, log, count);
    return lines.length === 0 ? [] : [{ step, lines, lineCount }];
  }
  if (log.lineCount === 0) return [];
  const lines = await pipelines.releaseTaskLogLines(project, releaseId, log, lastLines(log.lineCount, count));
  return [{ step, lines, lineCount: log.lineCount }];
}

// The last `count` lines of a log of `lineCount` lines.
function lastLines(lineCount: number, count: number): LineRange {
  return { first: Math.max(1, lineCount - count + 1), last: lineCount };
}

// The run's failing tests, classified, once the test runs and the facts are known (both read first): undefined
// when none failed or passed only on a rerun, or when the failed results cannot be read.
async function failingTests(
  pipelines: Pipelines,
  { project, context, settings }: EvidenceRequest,
  scope: TestScope,
  first: {
    readonly runs: Promise<TestRunCounts[]>;
    readonly commits: Promise<Commit[]>;
    readonly facts: Promise<RunFacts>;
  },
  warn: (message: string) => void,
): Promise<TestFailures | undefined> {
  // A job's runs of an attempt older than the one the timeline says it is in are not this run's.
  const { jobAttempts, jobNames } = await first.facts;
  const runs = ofCurrentAttempts(await first.runs, jobAttempts);
  if (!runs.some((run) => run.failed > 0 || run.passedOnRerun > 0)) return undefined;
  let results: Awaited<ReturnType<typeof readResults>>;
  try {
    results = await readResults(pipelines, project, runs, jobNames);
  } catch (error) {
    warn(loc('WithoutFailingTests', (error as Error).message));
    return undefined;
  }
  const current: CurrentRun =
    scope.kind === 'build' ? { kind: 'build', id: scope.buildId } : { kind: 'release', id: scope.releaseId };
  // Flaky results kept apart bring no suspects: their builds would take the reads of the real failures'.
  const failing = results.failed.filter((result) => settings.flakyTests === 'include' || !isFlaky(result));
  const suspects = suspectChanges(pipelines, project, suspectBuilds(failing, current));
  const passedOnRerun = await results.passedOnRerun.catch((error: unknown) => {
    warn(loc('WithoutRerunTests', (error as Error).message));
    return [];
  });
  const { changesOf, failure } = await suspects;
  if (failure) warn(loc('WithoutSuspects', failure.message));
  const reads = testReads(runs, results.failed, passedOnRerun, changesOf, testsUrl(context));
  const tests = classifyTests(reads, await first.commits, { flakyTests: settings.flakyTests, current });
  // A run whose only failures are flaky keeps them counted, even when flakyTests ignore shows none of them.
  if (tests.total === 0 && tests.flaky.length === 0 && !tests.flakyFailed) return undefined;
  return tests;
}

/** Where the run's tests are read from: its build, or its release environment; undefined when neither is known. */
export function testScope(context: RunContext): TestScope | undefined {
  if (context.release) {
    const { environmentId, attempt } = context.release;
    return environmentId === undefined
      ? undefined
      : {
          kind: 'release',
          releaseId: context.release.id,
          environmentId,
          ...(attempt !== undefined && { attempt }),
        };
  }
  if (!context.build) return undefined;
  // A deployment job files for its own stage, and so do its failing tests.
  const stage = context.environment && context.stageName ? { stage: context.stageName } : {};
  return { kind: 'build', buildId: context.build.id, ...stage };
}

// The run's Tests tab: the build results page's test tab, or the release environment's test extension tab.
function testsUrl(context: RunContext): string {
  const project = `${context.collectionUri}${encodeURIComponent(context.project)}`;
  if (context.release) {
    return `${project}/_releaseProgress?_a=release-environment-extension&releaseId=${context.release.id}&environmentId=${context.release.environmentId ?? ''}&extensionId=ms.vss-test-web.test-result-in-release-environment-editor-tab`;
  }
  // A build's run URL is its results page: the Tests tab is a view of it.
  return `${context.runUrl}&view=ms.vss-test-web.build-test-results-tab`;
}
