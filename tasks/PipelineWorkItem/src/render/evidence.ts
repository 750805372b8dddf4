import type { Commit, FailedStep, LogTail, TestFailures } from '../facts/model';
import { stepPath } from '../facts/runFacts';
import { escapeHtml, linkHtml, textHtml } from '../text/html';
import { firstLine, firstLines } from '../text/excerpt';

/** Lines of a failing test's error message shown; the Tests tab has the rest and the stack trace. */
const TEST_MESSAGE_LINES = 5;
/** A log line, test name or message longer than this is cut: one minified bundle must not fill the item. */
const MAX_LINE_LENGTH = 1_000;
const MAX_COMMIT_MESSAGE = 200;

const cut = (text: string, max: number = MAX_LINE_LENGTH): string => firstLines(text, 1, max);

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

/**
 * The run's failing tests: how many failed, at most `maxListed` of them with the first lines of their error
 * messages, and a link to the run's Tests tab. '' when no test failed.
 */
export function failingTestsHtml(tests: TestFailures | undefined, maxListed: number): string {
  if (!tests || tests.total === 0) return '';
  const listed = tests.tests.slice(0, Math.max(0, maxListed));
  const plural = tests.total === 1 ? 'test' : 'tests';
  const total = `${tests.atLeast ? 'At least ' : ''}${count(tests.total)} ${plural} failed`;
  const which =
    listed.length > 0 && listed.length < tests.total
      ? `; the first ${count(listed.length)} are listed below`
      : '';
  const link = linkHtml("the run's Tests tab", tests.url);
  const summary = `<p>${total}${which}. All results: ${link}.</p>`;
  if (listed.length === 0) return `<h3>Failing tests</h3>\n${summary}`;
  const items = listed.map((test) => {
    const message = firstLines(test.message, TEST_MESSAGE_LINES, TEST_MESSAGE_LINES * MAX_LINE_LENGTH);
    return `<li><b>${escapeHtml(cut(test.name))}</b>${message ? `<br>\n${textHtml(message)}` : ''}</li>`;
  });
  return `<h3>Failing tests</h3>\n${summary}\n<ul>\n${items.join('\n')}\n</ul>`;
}

/** The commits that came in with the run: short id (linked), author, first line of the message. */
export function changesHtml(commits: readonly Commit[]): string {
  if (commits.length === 0) return '';
  const items = commits.map((commit) => {
    const id = linkHtml(commit.id.slice(0, 8), commit.url);
    const author = commit.author ? ` ${escapeHtml(commit.author)}:` : '';
    const message = escapeHtml(cut(firstLine(commit.message), MAX_COMMIT_MESSAGE));
    return `<li>${id}${author} ${message}</li>`;
  });
  return `<h3>Changes</h3>\n<ul>\n${items.join('\n')}\n</ul>`;
}
