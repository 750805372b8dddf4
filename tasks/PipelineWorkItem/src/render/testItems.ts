import type { FailedTest, Suspects } from '../facts/model';
import type { RunView } from '../facts/values';
import { escapeHtml, linkHtml } from '../text/html';
import { firstLines } from '../text/excerpt';
import { commitList, count, ranInHtml, shownName, standingHtml, testNameHtml } from './evidence';
import { runTableHtml } from './details';
import type { Settings } from '../inputs/settings';
import { againHeadline, RECURRENCE_TEXT, runLink, whereHtml, whereText } from './notes';
import { plainTitle } from './title';

/** Lines of a test's error message and stack trace its own item shows; the result in Azure DevOps has all. */
const MESSAGE_LINES = 50;
const STACK_LINES = 100;
const MAX_CHARS = 20_000;
/** Flaky results a comment or the flaky-tests item lists; the run's Tests tab has the rest. */
const MAX_FLAKY = 50;

/**
 * The title of a failing test's own item, e.g. `Checkout.PaysWithCard fails in WebApp-CI on main`; the draft
 * cuts it to fit, once masked.
 */
export function testItemTitle(test: FailedTest, view: RunView): string {
  return plainTitle(`${test.name} fails in ${view.context.pipeline}${whereText(view)}`);
}

/**
 * The body of a failing test's own item: the test and since when it fails, its message and stack trace, the
 * suspected changes, the run and a link to its Tests tab. Every pipeline value escaped as text.
 */
export function testItemHtml(test: FailedTest, view: RunView, suspects: Suspects | undefined): string {
  const message = firstLines(test.message, MESSAGE_LINES, MAX_CHARS);
  const stack = firstLines(test.stackTrace, STACK_LINES, MAX_CHARS);
  const parts = [
    `<h3>Failing test</h3>\n<p><b>${testNameHtml(test.name)}</b>: ${standingHtml(test)}. All results: ${testsTab(view)}.</p>`,
    placesHtml(test, view),
    message ? `<h3>Error message</h3>\n<pre>${escapeHtml(message)}</pre>` : '',
    stack ? `<h3>Stack trace</h3>\n<pre>${escapeHtml(stack)}</pre>` : '',
    suspectsHtml(suspects),
    runTableHtml(view.context, view.facts, view.outcome),
  ];
  return parts.filter((part) => part !== '').join('\n');
}

// Where the test failed in this run, when the service says: each job (a matrix's legs) or test run of its results.
function placesHtml(test: FailedTest, view: RunView): string {
  const places = (view.evidence.tests?.tests ?? []).flatMap((other) =>
    other.name === test.name && other.ranIn ? [ranInHtml(other.ranIn)] : [],
  );
  return places.length > 0 ? `<p>Failed in ${[...new Set(places)].join(', ')}.</p>` : '';
}

function suspectsHtml(suspects: Suspects | undefined): string {
  if (!suspects) return '';
  const { run, commits } = suspects;
  const whose = run
    ? `the changes of ${linkHtml(run.name, run.url)}, where it began failing`
    : 'the changes of this run, where it began failing';
  if (commits === undefined) return `<h3>Suspects</h3>\n<p>Not read: ${whose}; the build lists them.</p>`;
  if (commits.length === 0) return '';
  return `<h3>Suspects</h3>\n<p>Listed, not blamed: ${whose}.</p>\n${commitList(commits)}`;
}

/** The history entry of a new test item: where it came from and how the task keeps it up to date. */
export function testFiledHtml(
  view: RunView,
  fingerprint: { text: string; tag: string },
  after: Pick<Settings, 'onRecurrence' | 'resolveOnRecovery'>,
): string {
  const resolved = after.resolveOnRecovery ? ' and resolves this item when it passes' : '';
  return `<p>Filed by Pipeline Work Items for ${runLink(view)}${whereHtml(view)}. Fingerprint <i>${escapeHtml(shownName(fingerprint.text))}</i> (tag ${escapeHtml(fingerprint.tag)}): the task ${RECURRENCE_TEXT[after.onRecurrence]} when the test fails again${resolved}.</p>`;
}

/** The comment on a test's open item when the test fails again (or, `sameRun`, in another job or attempt of that run). */
export function testRecurrenceHtml(
  test: FailedTest,
  view: RunView,
  occurrence: number,
  sameRun = false,
): string {
  const message = firstLines(test.message, 5, 1_000);
  const said = message ? `\n<pre>${escapeHtml(message)}</pre>` : '';
  return `<p>${againHeadline('failed', sameRun)} (occurrence ${occurrence}): ${runLink(view)}${whereHtml(view)}.</p>${said}`;
}

/** The history entry of a test's item resolved because the test passed. */
export function testPassedHtml(view: RunView): string {
  return `<p>The test passed in ${runLink(view)}${whereHtml(view)}.</p>`;
}

/** The title of the pipeline's flaky-tests item; the draft cuts it to fit, once masked. */
export function flakyItemTitle(view: RunView): string {
  const lane = view.context.pullRequest === undefined ? '' : ` (pull request ${view.context.pullRequest})`;
  return plainTitle(`Flaky tests in ${view.context.pipeline}${lane}`);
}

// The run's Tests tab, linked.
const testsTab = (view: RunView): string => linkHtml("the run's Tests tab", view.evidence.tests?.url);

/** The flaky results of the run: which tests, why each counts as flaky, and the run. */
export function flakyRunHtml(view: RunView): string {
  const flaky = view.evidence.tests?.flaky ?? [];
  const total = view.evidence.tests?.flakyCount ?? flaky.length;
  const listed = flaky.slice(0, MAX_FLAKY).map((test) => {
    const message = firstLines(test.message, 1, 300);
    return `<li><b>${testNameHtml(test.name)}</b>${message ? `: ${escapeHtml(message)}` : ''}</li>`;
  });
  const more = total - listed.length;
  if (more > 0) listed.push(`<li>… and ${count(more)} more</li>`);
  const results = total === 1 ? '1 flaky test result' : `${count(total)} flaky test results`;
  return `<p>${results} in ${runLink(view)}${whereHtml(view)} (${testsTab(view)}):</p>\n<ul>\n${listed.join('\n')}\n</ul>`;
}

// Which runs note their flaky results here: a run that files a new item with its details lists them there.
const FLAKY_NOTED = 'unless it files a new item whose details list them';

/** The history entry of the flaky-tests item. */
export function flakyFiledHtml(view: RunView): string {
  return `<p>Filed by Pipeline Work Items for ${runLink(view)}: each run of this pipeline that sees flaky test results comments here, ${FLAKY_NOTED}.</p>`;
}

/** The body of the pipeline's flaky-tests item, filed by the first run that saw flaky results. */
export function flakyItemHtml(view: RunView): string {
  const about =
    '<p>Test results Azure DevOps marks flaky: flagged by its flaky test detection, or passed only when run ' +
    `again. They do not file the run's own item; each run that sees some adds a comment here, ${FLAKY_NOTED}.</p>`;
  return `<h3>Flaky tests</h3>\n${about}\n${flakyRunHtml(view)}`;
}
