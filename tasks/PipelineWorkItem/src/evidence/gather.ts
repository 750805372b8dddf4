import type { RunContext } from '../facts/context';
import type { Commit, Evidence, FailedStep, LogTail, RunFacts, TestFailures } from '../facts/model';
import type { Settings } from '../inputs/settings';
import type { FailedTestRef, Pipelines, TestScope } from '../ports';

/** Failing tests listed with their messages; the count goes further. */
export const MAX_TESTS = 20;
const COUNT_TESTS_UP_TO = 1000;
/** Failed results read per test run to find the listed tests' messages. */
const MESSAGES_PER_RUN = 200;
export const MAX_COMMITS = 10;
const MAX_WORK_ITEMS = 50;
/** Failed steps whose log tails are read; a run with more shows the first ones. */
export const MAX_TAILS = 10;

export interface EvidenceRequest {
  readonly project: string;
  readonly context: RunContext;
  readonly settings: Pick<Settings, 'logLines' | 'linkWorkItems'>;
}

/**
 * Reads the evidence of the details (brief §4): log tails of the failed steps, failing tests, changes and the
 * run's work items. Reads that need only the run's identity start at once, together with the facts' own read;
 * the log tails start when the facts are known, all together. Each part is optional: a failed read leaves it out
 * with one warning and never costs the item.
 */
export async function gatherEvidence(
  pipelines: Pipelines,
  request: EvidenceRequest,
  facts: Promise<RunFacts>,
  warn: (message: string) => void,
): Promise<Evidence> {
  const { project, context, settings } = request;
  const optional = <T>(read: () => Promise<T>, fallback: T): Promise<T> =>
    read().catch((error: unknown) => {
      warn(`${(error as Error).message} The item is filed without this part of the details.`);
      return fallback;
    });
  const build = context.release ? undefined : context.build;
  const lineCounts =
    build && settings.logLines > 0
      ? optional(() => pipelines.buildLogLineCounts(project, build.id), new Map<number, number>())
      : Promise.resolve(new Map<number, number>());
  const scope = testScope(context);
  const tests = scope
    ? optional(() => failingTests(pipelines, project, scope, testsUrl(context)), undefined)
    : Promise.resolve(undefined);
  const changed = context.build?.id;
  const commits =
    changed === undefined
      ? Promise.resolve<Commit[]>([])
      : optional(() => pipelines.changes(project, changed, MAX_COMMITS), []);
  const workItems =
    settings.linkWorkItems && changed !== undefined
      ? optional(() => pipelines.buildWorkItems(project, changed, MAX_WORK_ITEMS), [])
      : Promise.resolve<number[]>([]);
  const logTails = facts.then((known) =>
    settings.logLines === 0 ? [] : optional(() => tails(pipelines, request, known.failures, lineCounts), []),
  );
  return {
    logTails: await logTails,
    tests: await tests,
    commits: await commits,
    workItems: await workItems,
  };
}

async function tails(
  pipelines: Pipelines,
  { project, context, settings }: EvidenceRequest,
  failures: readonly FailedStep[],
  lineCounts: Promise<Map<number, number>>,
): Promise<LogTail[]> {
  const reads = failures.slice(0, MAX_TAILS).map(async (failure, step): Promise<LogTail[]> => {
    const log = failure.log;
    if (!log) return [];
    if (log.kind === 'build') {
      const lineCount = (await lineCounts).get(log.logId) ?? 0;
      if (lineCount === 0 || !context.build) return [];
      const first = Math.max(1, lineCount - settings.logLines + 1);
      const lines = await pipelines.buildLogLines(project, context.build.id, log.logId, first, lineCount);
      return [{ step, lines, lineCount }];
    }
    if (log.lineCount === 0 || !context.release) return [];
    const first = Math.max(1, log.lineCount - settings.logLines + 1);
    const lines = await pipelines.releaseTaskLogLines(project, context.release.id, log, {
      first,
      last: log.lineCount,
    });
    return [{ step, lines, lineCount: log.lineCount }];
  });
  return (await Promise.all(reads)).flat();
}

async function failingTests(
  pipelines: Pipelines,
  project: string,
  scope: TestScope,
  url: string,
): Promise<TestFailures | undefined> {
  const { total, refs } = await pipelines.failedTests(project, scope, COUNT_TESTS_UP_TO);
  if (total === 0) return undefined;
  const listed = refs.slice(0, MAX_TESTS);
  const runs = [...new Set(listed.map((ref) => ref.runId))];
  const messages = await Promise.all(
    runs.map((run) => pipelines.testMessages(project, run, MESSAGES_PER_RUN)),
  );
  const byRun = new Map(runs.map((run, index) => [run, messages[index]]));
  const message = (ref: FailedTestRef): string => byRun.get(ref.runId)?.get(ref.resultId) ?? '';
  return { total, tests: listed.map((ref) => ({ name: ref.name, message: message(ref) })), url };
}

function testScope(context: RunContext): TestScope | undefined {
  if (context.release) {
    const environmentId = context.release.environmentId;
    return environmentId === undefined
      ? undefined
      : { kind: 'release', releaseId: context.release.id, environmentId };
  }
  return context.build ? { kind: 'build', buildId: context.build.id } : undefined;
}

// The run's Tests tab: the build results page's test tab, or the release environment's test extension tab.
function testsUrl(context: RunContext): string {
  const project = `${context.collectionUri}${encodeURIComponent(context.project)}`;
  if (context.release) {
    return `${project}/_releaseProgress?_a=release-environment-extension&releaseId=${context.release.id}&environmentId=${context.release.environmentId ?? ''}&extensionId=ms.vss-test-web.test-result-in-release-environment-editor-tab`;
  }
  return `${project}/_build/results?buildId=${context.build?.id ?? ''}&view=ms.vss-test-web.build-test-results-tab`;
}
