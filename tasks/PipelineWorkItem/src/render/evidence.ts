import type {
  Commit,
  FailedStep,
  FailedTest,
  FlakyReason,
  LogTail,
  RanIn,
  RunRef,
  TestFailures,
  Untracked,
} from '../facts/model';
import { stepPath } from '../facts/runFacts';
import { escapeHtml, linkHtml, textHtml } from '../text/html';
import { firstLine, firstLines } from '../text/excerpt';

/** Lines of a failing test's error message shown; the Tests tab has the rest and the stack trace. */
const TEST_MESSAGE_LINES = 5;
/** A log line, test name or message longer than this is cut: one minified bundle must not fill the item. */
const MAX_LINE_LENGTH = 1_000;
const MAX_COMMIT_MESSAGE = 200;
/**
 * Characters of an error or warning shown, its line breaks kept: a stack trace's start, while a test runner or a
 * compiler dumping megabytes into one message must not push the rest of the details out of the field.
 */
export const MAX_ERROR_LENGTH = 2_000;

const cut = (text: string, max: number = MAX_LINE_LENGTH): string => firstLines(text, 1, max);

/** A name as every item and the summary show it: one line, cut like a log line (a data-driven test's can be huge). */
export function shownName(name: string): string {
  return cut(name);
}

/**
 * An error or warning of a step as the details and `{{firstError}}` show it (masked before): every line, at most
 * `maxChars` characters, ending with `…` when cut.
 */
export function shownError(message: string, maxChars: number = MAX_ERROR_LENGTH): string {
  return firstLines(message, Infinity, maxChars);
}

/** A test's name as every item shows it: escaped, one line, cut like a log line. */
export function testNameHtml(name: string): string {
  return escapeHtml(shownName(name));
}

/**
 * A count with thousands separators (12,345), as `toLocaleString('en-US')` writes it, without the locale data
 * that its first call loads (milliseconds at every start of a run that files).
 */
export const count = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * The log excerpt: the last lines of each failed step's log (already cleaned and masked), at most `maxLines`
 * per step. '' when no step has lines to show.
 */
export function logExcerptHtml(
  failures: readonly FailedStep[],
  tails: readonly LogTail[],
  maxLines: number,
): string {
  const parts = tails.flatMap((tail) => {
    const failure = failures[tail.step];
    const lines = maxLines > 0 ? tail.lines.slice(-maxLines) : [];
    if (!failure || lines.length === 0) return [];
    const name = escapeHtml(stepPath(failure) || 'A job');
    const extent =
      lines.length < tail.lineCount
        ? `the last ${lines.length === 1 ? 'line' : `${count(lines.length)} lines`} of ${count(tail.lineCount)}`
        : `the whole log (${count(tail.lineCount)} lines)`;
    const text = lines.map((line) => escapeHtml(cut(line))).join('\n');
    return [`<p><b>${name}</b>: ${extent}</p>\n<pre>${text}</pre>`];
  });
  return parts.length === 0 ? '' : `<h3>Log excerpt</h3>\n${parts.join('\n')}`;
}

/** Failing tests, and flaky results, listed at most; the headline counts them all and the Tests tab has the rest. */
export const LISTED_TESTS = 20;

/**
 * The run's failing tests: the headline (how many failed: new in this run, failing since each earlier run), at most
 * `maxListed` of them (new first) with the first lines of their error messages and when they began to fail, the
 * suspects (the changes where they began, listed, never assigned), the flaky results apart with why each is
 * flaky, and a link to the run's Tests tab. '' when no test failed and none was flaky.
 */
export function failingTestsHtml(tests: TestFailures | undefined, maxListed: number): string {
  if (!tests || (tests.total === 0 && tests.flaky.length === 0)) return '';
  const limit = Math.max(0, maxListed);
  const listed = tests.tests.slice(0, limit);
  const link = linkHtml("the run's Tests tab", tests.url);
  const summary = `<p>${headline(tests, listed.length)}. All results: ${link}.</p>`;
  const named = listedNameHtml(listed);
  const items = listed.map((test) => {
    const message = firstLines(test.message, TEST_MESSAGE_LINES, TEST_MESSAGE_LINES * MAX_LINE_LENGTH);
    return `<li>${named(test)}: ${standingHtml(test)}${message ? `<br>\n${textHtml(message)}` : ''}</li>`;
  });
  return [
    '<h3>Failing tests</h3>',
    summary,
    items.length > 0 ? `<ul>\n${items.join('\n')}\n</ul>` : '',
    untrackedHtml(tests.untracked),
    suspectsHtml(tests),
    flakyHtml(tests.flaky, tests.flakyCount ?? tests.flaky.length, limit),
  ]
    .filter((part) => part !== '')
    .join('\n');
}

// Each listed test's name; a name listed more than once (one test failing in each job of a matrix) says where each
// of its results ran, when the service says.
function listedNameHtml(listed: readonly FailedTest[]): (test: FailedTest) => string {
  const times = new Map<string, number>();
  for (const { name } of listed) times.set(name, (times.get(name) ?? 0) + 1);
  return (test) => {
    const name = `<b>${testNameHtml(test.name)}</b>`;
    if (!test.ranIn || (times.get(test.name) ?? 0) < 2) return name;
    return `${name} in ${ranInHtml(test.ranIn)}`;
  };
}

const RAN_IN: Record<RanIn['kind'], string> = { job: 'job', testRun: 'test run' };

/** Where a test run ran: `job <i>Test linux</i>`, or `test run <i>…</i>`. HTML. */
export function ranInHtml(ranIn: RanIn): string {
  return `${RAN_IN[ranIn.kind]} <i>${testNameHtml(ranIn.name)}</i>`;
}

// With one item per failing test: how many failing tests get none this run, a run filing at most 20 new ones and
// reading the first 1,000 failed results.
function untrackedHtml(untracked: Untracked | undefined): string {
  const { overCap = 0, unread = 0 } = untracked ?? {};
  const parts: string[] = [];
  if (overCap > 0) {
    const tests =
      overCap === 1
        ? '1 failing test has no item of its own'
        : `${count(overCap)} failing tests have no item of their own`;
    parts.push(`<p>${tests} yet: a run files at most 20 new test items.</p>`);
  }
  if (unread > 0) {
    const results =
      unread === 1
        ? '1 failed result past the first 1,000 read has no item of its own'
        : `${count(unread)} failed results past the first 1,000 read have no item of their own`;
    parts.push(`<p>${results}: the Tests tab lists them.</p>`);
  }
  return parts.join('\n');
}

// "5 tests failed: 3 new failures, 2 failing since 20261201.4 (…)", the groups in the order listed, and how many
// are listed. When fewer were read than failed, the groups count those read.
function headline(tests: TestFailures, listed: number): string {
  if (tests.total === 0) return 'No test failed except the flaky ones below';
  const plural = tests.total === 1 ? 'test' : 'tests';
  const total = `${tests.atLeast ? 'At least ' : ''}${count(tests.total)} ${plural} failed`;
  const read = tests.tests.length;
  const which = listed > 0 && listed < tests.total ? `; the first ${count(listed)} are listed below` : '';
  const groups = [...sinceGroups(tests.tests).values()]
    .map(({ since, size }) =>
      since === undefined
        ? `${count(size)} new ${size === 1 ? 'failure' : 'failures'}`
        : `${count(size)} failing since ${sinceHtml(since)}`,
    )
    .join(', ');
  if (read === 0) return `${total}${which}`;
  if (read >= tests.total) return `${total}: ${groups}${which}`;
  if (read === listed) return `${total}${which}: ${groups}`;
  return `${total} (of the first ${count(read)}: ${groups})${which}`;
}

type Since = NonNullable<FailedTest['since']>;

// Names a run among those the failures began in; '' is this run.
const runKey = (run: RunRef | undefined): string => (run ? `${run.kind}:${run.id}` : '');

// The failures by the run where they began (undefined: this run), in the order listed, by runKey.
function sinceGroups(tests: readonly FailedTest[]): Map<string, { since: Since | undefined; size: number }> {
  const groups = new Map<string, { since: Since | undefined; size: number }>();
  for (const test of tests) {
    const key = runKey(test.since?.run);
    const group = groups.get(key) ?? { since: test.since, size: 0 };
    group.size += 1;
    groups.set(key, group);
  }
  return groups;
}

/** Whether a test fails first in this run, or since which earlier run (linked, dated). HTML. */
export function standingHtml(test: FailedTest): string {
  return test.since ? `failing since ${sinceHtml(test.since)}` : 'new in this run';
}

// The earlier run, linked, with the date its failures began.
function sinceHtml(since: Since): string {
  const date = utcDate(since.date);
  return `${linkHtml(since.run.name, since.run.url)}${date ? ` (${date})` : ''}`;
}

/**
 * A date and time of the service (ISO 8601) in UTC, to the minute: `2026-12-01 14:03 UTC`. Written from the
 * ISO form rather than `toLocaleString`, which would load the locale data at the first call. '' when it is not a
 * date of the years 0 to 9999.
 */
export function utcDate(iso: string | undefined): string {
  const time = Date.parse(iso ?? '');
  if (Number.isNaN(time)) return '';
  const [day, clock] = new Date(time).toISOString().split('T');
  return /^\d{4}-/.test(day) ? `${day} ${clock.slice(0, 5)} UTC` : '';
}

// The changes where the listed failures began: this run's for the new ones (shown under Changes), each earlier
// build's for those that began there.
function suspectsHtml(tests: TestFailures): string {
  if (tests.suspects.length === 0) return '';
  // A suspect run none of the failures read began in (they were cut before this) is named without a count.
  const began = (size: number): string =>
    size === 0 ? 'where failures began' : `where ${count(size)} ${size === 1 ? 'failure' : 'failures'} began`;
  const groups = sinceGroups(tests.tests);
  const parts = tests.suspects.map(({ run, commits }) => {
    const size = groups.get(runKey(run))?.size ?? 0;
    if (run === undefined) {
      const where = commits?.length ? 'listed under Changes below' : 'none known';
      return `<p><b>Changes in this run</b>, ${began(size)}: ${where}.</p>`;
    }
    const name = `<b>Changes of ${linkHtml(run.name, run.url)}</b>, ${began(size)}`;
    if (commits === undefined) return `<p>${name}: not read; the build lists them.</p>`;
    return commits.length > 0 ? `<p>${name}:</p>\n${commitList(commits)}` : `<p>${name}: none known.</p>`;
  });
  return [
    '<h4>Suspects</h4>',
    '<p><i>Listed for a person to look at, never assigned.</i></p>',
    ...parts,
  ].join('\n');
}

const FLAKY_REASONS: Record<FlakyReason, string> = {
  flagged: 'flagged flaky by Azure DevOps',
  passedOnRerun: 'passed when run again',
};

// The flaky results, apart from the failures: not counted, each with why it is flaky.
function flakyHtml(flaky: readonly FailedTest[], total: number, limit: number): string {
  if (flaky.length === 0) return '';
  const listed = flaky.slice(0, limit);
  const plural = total === 1 ? 'result' : 'results';
  const which =
    listed.length > 0 && listed.length < total ? `; the first ${count(listed.length)} are listed` : '';
  const note = `<p>${count(total)} ${plural} Azure DevOps marks flaky (by its flaky test detection, a Services feature, or as passed when run again), not counted as failures${which}.</p>`;
  const named = listedNameHtml(listed);
  const items = listed.map(
    (test) => `<li>${named(test)}${test.flakyReason ? `: ${FLAKY_REASONS[test.flakyReason]}` : ''}</li>`,
  );
  return [
    '<h4>Flaky tests</h4>',
    note,
    ...(items.length > 0 ? [`<ul>\n${items.join('\n')}\n</ul>`] : []),
  ].join('\n');
}

/** The commits that came in with the run: short id (linked), author, first line of the message. */
export function changesHtml(commits: readonly Commit[]): string {
  return commits.length === 0 ? '' : `<h3>Changes</h3>\n${commitList(commits)}`;
}

/** The commits as a list: short id (linked), author, first line of the message. */
export function commitList(commits: readonly Commit[]): string {
  const items = commits.map((commit) => {
    const id = linkHtml(commit.id.slice(0, 8), commit.url);
    const author = commit.author ? ` ${escapeHtml(commit.author)}:` : '';
    const message = escapeHtml(cut(firstLine(commit.message), MAX_COMMIT_MESSAGE));
    return `<li>${id}${author} ${message}</li>`;
  });
  return `<ul>\n${items.join('\n')}\n</ul>`;
}
