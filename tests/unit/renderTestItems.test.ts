import * as assert from 'node:assert/strict';
import { FailedTest, NO_FACTS, RunRef } from '../../tasks/PipelineWorkItem/src/facts/model';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { testFingerprintOf } from '../../tasks/PipelineWorkItem/src/lifecycle/fingerprint';
import {
  flakyFiledHtml,
  flakyItemHtml,
  flakyItemTitle,
  flakyRunHtml,
  testFiledHtml,
  testItemHtml,
  testItemTitle,
  testPassedHtml,
  testRecurrenceHtml,
} from '../../tasks/PipelineWorkItem/src/render/testItems';
import { standingHtml, utcDate } from '../../tasks/PipelineWorkItem/src/render/evidence';
import {
  FAILED_VIEW as view,
  failedTest,
  failingTests,
  PR_VARIABLES,
  RELEASE_VARIABLES,
  runContext,
  TESTS_URL,
  TRACKED,
} from './fixtures';

const release = runView(runContext(RELEASE_VARIABLES), NO_FACTS, 'failed');
const pullRequest = runView(runContext(PR_VARIABLES), NO_FACTS, 'failed');
const RUN_LINK = '<a href="https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812">20261129.3</a>';
/** The run of `view` whose tests, read at TESTS_URL, hold the `flaky` results. */
const withTests = (flaky: readonly FailedTest[] = []) => ({
  ...view,
  evidence: { ...view.evidence, tests: { ...failingTests(0), url: TESTS_URL, flaky } },
});

const EARLIER: RunRef = {
  kind: 'build',
  id: 790,
  name: '20261127.2',
  url: 'https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=790',
};

function failingSince(name: string, date: string | undefined, run: RunRef = EARLIER): FailedTest {
  return { ...failedTest(name, 'boom'), standing: 'failingSince', since: { run, date } };
}

const lines = (count: number, word: string): string =>
  Array.from({ length: count }, (_, i) => `${word} ${i + 1}`).join('\n');

describe('rendering a test’s item: dates and standing', () => {
  it('utcDate: minutes in UTC, whatever offset the service wrote; nothing for no date or a bad one', () => {
    assert.equal(utcDate('2026-12-01T08:05:59.917Z'), '2026-12-01 08:05 UTC');
    assert.equal(utcDate('2026-12-01T23:30:00-02:00'), '2026-12-02 01:30 UTC');
    assert.equal(utcDate(undefined), '');
    assert.equal(utcDate('not a date'), '');
  });

  it('standingHtml: new, or failing since a linked, dated earlier run', () => {
    assert.equal(standingHtml(failedTest('A', 'boom')), 'new in this run');
    assert.equal(
      standingHtml(failingSince('A', '2026-11-27T10:00:00Z')),
      'failing since <a href="https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=790">20261127.2</a> (2026-11-27 10:00 UTC)',
    );
    assert.equal(
      standingHtml(failingSince('A', undefined)),
      'failing since <a href="https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=790">20261127.2</a>',
    );
  });

  it('standingHtml: the earlier run’s name escaped, and a link only to a web address', () => {
    const odd = { ...EARLIER, name: 'Release <1> & co', url: 'javascript:alert(1)' };
    assert.equal(standingHtml(failingSince('A', undefined, odd)), 'failing since Release &lt;1&gt; &amp; co');
  });
});

describe('rendering a test’s item: the title', () => {
  it('names the test, the pipeline and the branch, or the environment of a release', () => {
    assert.equal(
      testItemTitle(failedTest('Checkout.Pays', ''), view),
      'Checkout.Pays fails in WebApp-CI on main',
    );
    assert.equal(
      testItemTitle(failedTest('Checkout.Pays', ''), release),
      'Checkout.Pays fails in WebApp-CD in Production',
    );
  });

  it('one line whatever spacing the test name has, and whole: the draft cuts it, once masked', () => {
    assert.equal(
      testItemTitle(failedTest('  Data\n\tRow (a,\r\n b) ', ''), view),
      'Data Row (a, b) fails in WebApp-CI on main',
    );
    const name = `T.${'x'.repeat(300)}`;
    assert.equal(testItemTitle(failedTest(name, ''), view), `${name} fails in WebApp-CI on main`);
  });

  it('strips bidirectional controls from a test name, as from every title', () => {
    assert.equal(
      testItemTitle(failedTest('Cart\u202Eevil\u202C.adds', ''), view),
      'Cartevil.adds fails in WebApp-CI on main',
    );
  });
});

describe('rendering a test’s item: the body', () => {
  it('the test and its standing, message, stack trace, and the run, each value escaped', () => {
    const test = {
      ...failedTest('Evil<b>Test</b>', 'Expected "<div>" & got\n<span>'),
      stackTrace: 'at x (<anonymous>)',
    };
    const body = testItemHtml(test, withTests(), undefined);
    assert.ok(
      body.startsWith(
        '<h3>Failing test</h3>\n<p><b>Evil&lt;b&gt;Test&lt;/b&gt;</b>: new in this run. All results: <a href="https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812&amp;view=tests">the run\'s Tests tab</a>.</p>\n' +
          '<h3>Error message</h3>\n<pre>Expected &quot;&lt;div&gt;&quot; &amp; got\n&lt;span&gt;</pre>\n' +
          '<h3>Stack trace</h3>\n<pre>at x (&lt;anonymous&gt;)</pre>\n',
      ),
      body,
    );
    assert.ok(body.includes(RUN_LINK), 'the run table');
    assert.doesNotMatch(body, /<h3>Suspects/);
  });

  it('a data-driven test name of any length: one line of at most 1,000 characters, as in the run’s item', () => {
    const name = `Checkout(${'x'.repeat(5_000)})\nsecond line`;
    const body = testItemHtml(failedTest(name, ''), withTests(), undefined);
    assert.ok(
      body.startsWith(`<h3>Failing test</h3>\n<p><b>Checkout(${'x'.repeat(990)}…</b>: new in this run.`),
      body,
    );
    assert.doesNotMatch(body, /second line/);
  });

  it('where the test failed in this run: each job of its results, once; nothing when the service names none', () => {
    const linux = { kind: 'job' as const, name: 'Test linux' };
    const a = { ...failedTest('A', ''), ranIn: linux };
    const tests = [a, { ...a, ranIn: { kind: 'job' as const, name: 'Test <win>' } }, { ...a }, a];
    const matrix = withTests();
    const ran = { ...matrix, evidence: { ...matrix.evidence, tests: { ...matrix.evidence.tests, tests } } };
    assert.ok(
      testItemHtml(a, ran, undefined).includes(
        '</p>\n<p>Failed in job <i>Test linux</i>, job <i>Test &lt;win&gt;</i>.</p>\n',
      ),
    );
    assert.doesNotMatch(testItemHtml(failedTest('B', ''), ran, undefined), /Failed in/);
  });

  it('suspects of a build whose changes were not read: says so, and links the build', () => {
    const since = {
      run: { kind: 'build' as const, id: 801, name: '20261201.1', url: 'https://host/b/801' },
      date: undefined,
    };
    const test = { ...failedTest('A', ''), standing: 'failingSince' as const, since };
    const body = testItemHtml(test, withTests(), { run: since.run, commits: undefined });
    assert.ok(
      body.includes(
        '<h3>Suspects</h3>\n<p>Not read: the changes of <a href="https://host/b/801">20261201.1</a>, where it began failing; the build lists them.</p>',
      ),
      body,
    );
  });

  it('no message, stack trace or suspects: no empty sections, no blank or stray lines', () => {
    const body = testItemHtml(failedTest('A', ''), withTests(), undefined);
    assert.doesNotMatch(body, /Error message|Stack trace|<pre>|Suspects/);
    for (const line of body.split('\n')) assert.match(line, /^\s*</, body);
  });

  it('cuts a message or a stack trace at 20,000 characters, however few its lines', () => {
    const test = { ...failedTest('A', 'm'.repeat(30_000)), stackTrace: 's'.repeat(20_000) };
    const body = testItemHtml(test, withTests(), undefined);
    assert.ok(body.includes(`<pre>${'m'.repeat(19_999)}…</pre>`), 'the message cut');
    assert.ok(body.includes(`<pre>${'s'.repeat(20_000)}</pre>`), 'a stack trace of exactly 20,000 whole');
  });

  it('keeps the first 50 lines of the message and 100 of the stack trace, saying more was left out', () => {
    const test = { ...failedTest('A', lines(60, 'message')), stackTrace: lines(120, 'frame') };
    const body = testItemHtml(test, withTests(), undefined);
    assert.ok(body.includes('message 50…</pre>'), body);
    assert.ok(!body.includes('message 51'));
    assert.ok(body.includes('frame 100…</pre>'), body);
    assert.ok(!body.includes('frame 101'));
  });

  it('suspects: this run’s changes for a new failure, listed and not blamed', () => {
    const commits = [
      { id: 'abcdef0123456789', author: 'Dana <dev>', message: 'Fix <cart>\n\nbody', url: undefined },
    ];
    const body = testItemHtml(failedTest('A', ''), withTests(), { run: undefined, commits });
    assert.ok(
      body.includes(
        '<h3>Suspects</h3>\n<p>Listed, not blamed: the changes of this run, where it began failing.</p>\n<ul>\n<li>abcdef01 Dana &lt;dev&gt;: Fix &lt;cart&gt;</li>\n</ul>',
      ),
      body,
    );
  });

  it('suspects: the earlier build’s changes, linked, for a test failing since then; none without commits', () => {
    const commits = [
      { id: '0123456789abcdef', author: 'Lee', message: 'Bump', url: 'https://x.example/c/1' },
    ];
    const test = failingSince('A', undefined);
    const body = testItemHtml(test, withTests(), { run: EARLIER, commits });
    assert.ok(
      body.includes(
        '<p>Listed, not blamed: the changes of <a href="https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=790">20261127.2</a>, where it began failing.</p>',
      ),
      body,
    );
    assert.ok(body.includes('<li><a href="https://x.example/c/1">01234567</a> Lee: Bump</li>'), body);
    assert.equal(
      testItemHtml(test, withTests(), { run: EARLIER, commits: [] }),
      testItemHtml(test, withTests(), undefined),
    );
  });
});

describe('rendering a test’s item: notes', () => {
  it('the history entry names the run, the fingerprint and its tag, escaped', () => {
    const fingerprint = testFingerprintOf(runContext(), 'A<&>B');
    assert.equal(
      testFiledHtml(view, fingerprint, TRACKED),
      `<p>Filed by Pipeline Work Items for ${RUN_LINK} on main. Fingerprint <i>WebApp-CI · main · A&lt;&amp;&gt;B</i> (tag ${fingerprint.tag}): the task comments here when the test fails again and resolves this item when it passes.</p>`,
    );
  });

  it('the history entry promises only what onRecurrence and resolveOnRecovery do', () => {
    const fingerprint = testFingerprintOf(runContext(), 'A');
    const entry = (after: Parameters<typeof testFiledHtml>[2]): string =>
      testFiledHtml(view, fingerprint, after).replace(/^.*\): /, '');
    assert.equal(
      entry({ onRecurrence: 'new', resolveOnRecovery: true }),
      'the task files a new item when the test fails again and resolves this item when it passes.</p>',
    );
    assert.equal(
      entry({ onRecurrence: 'skip', resolveOnRecovery: false }),
      'the task leaves this item as it is when the test fails again.</p>',
    );
    assert.equal(
      entry({ onRecurrence: 'comment', resolveOnRecovery: false }),
      'the task comments here when the test fails again.</p>',
    );
  });

  it('a recurrence: the occurrence, the run, and the first 5 lines of the message', () => {
    assert.equal(
      testRecurrenceHtml(failedTest('A', `<x>\n${lines(6, 'line')}`), view, 3),
      `<p>Failed again (occurrence 3): ${RUN_LINK} on main.</p>\n<pre>&lt;x&gt;\nline 1\nline 2\nline 3\nline 4…</pre>`,
    );
    assert.equal(
      testRecurrenceHtml(failedTest('A', ''), release, 2),
      '<p>Failed again (occurrence 2): <a href="https://dev.azure.com/fabrikam/WebApp/_release?releaseId=57">Release-57</a> in Production.</p>',
    );
  });

  it('a recurrence another job of the run had recorded: said so, under the same number', () => {
    assert.match(
      testRecurrenceHtml(failedTest('A', ''), view, 4, true),
      /^<p>Failed again in this run \(occurrence 4\): /,
    );
  });

  it('the history entry shows a long test’s fingerprint on one line of at most 1,000 characters', () => {
    const html = testFiledHtml(
      view,
      { text: `WebApp-CI · main · ${'t'.repeat(20_000)}`, tag: 'pwi:test-0' },
      TRACKED,
    );
    assert.ok(html.length < 1_500, `${html.length} characters`);
    assert.ok(html.includes('…</i> (tag pwi:test-0)'), html);
  });

  it('a pass: names the run where the test passed', () => {
    assert.equal(testPassedHtml(view), `<p>The test passed in ${RUN_LINK} on main.</p>`);
  });
});

describe('rendering the flaky-tests item', () => {
  const flaky = (name: string, message = ''): FailedTest => ({
    ...failedTest(name, message),
    standing: 'flaky',
  });

  it('its title names the pipeline, and the pull request in a pull request’s lane', () => {
    assert.equal(flakyItemTitle(view), 'Flaky tests in WebApp-CI');
    assert.equal(flakyItemTitle(pullRequest), 'Flaky tests in WebApp-CI (pull request 7)');
  });

  it('a run’s flaky results: counted, each with the first line of its message, escaped', () => {
    assert.equal(
      flakyRunHtml(withTests([flaky('A<1>', 'timed out\nafter 5 s'), flaky('B')])),
      `<p>2 flaky test results in ${RUN_LINK} on main (<a href="https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812&amp;view=tests">the run's Tests tab</a>):</p>\n<ul>\n<li><b>A&lt;1&gt;</b>: timed out…</li>\n<li><b>B</b></li>\n</ul>`,
    );
    assert.match(flakyRunHtml(withTests([flaky('A')])), /^<p>1 flaky test result in /);
  });

  it('cuts each flaky test’s name to one line of at most 1,000 characters', () => {
    const html = flakyRunHtml(withTests([flaky(`Pay(${'y'.repeat(5_000)})`)]));
    assert.ok(html.includes(`<li><b>Pay(${'y'.repeat(995)}…</b></li>`), html);
    assert.ok(html.length < 1_500, `${html.length} characters`);
  });

  it('lists at most 50 and counts the rest', () => {
    const many = Array.from({ length: 53 }, (_, i) => flaky(`T${i + 1}`));
    const html = flakyRunHtml(withTests(many));
    assert.equal(html.match(/<li><b>/g)?.length, 50);
    assert.ok(html.includes('<li><b>T50</b></li>\n<li>… and 3 more</li>\n</ul>'), html);
    assert.match(html, /^<p>53 flaky test results in /);
  });

  it('counts the flaky results the statistics count beyond those read, and lists those read', () => {
    const read = withTests([flaky('A'), flaky('B')]);
    const html = flakyRunHtml({
      ...read,
      evidence: { ...read.evidence, tests: { ...read.evidence.tests, flakyCount: 1_240 } },
    });
    assert.match(html, /^<p>1,240 flaky test results in /);
    assert.ok(html.includes('<li><b>B</b></li>\n<li>… and 1,238 more</li>\n</ul>'), html);
  });

  it('its body says what counts as flaky, then the first run’s flaky results; its history names the run', () => {
    const body = flakyItemHtml(withTests([flaky('A')]));
    assert.match(body, /^<h3>Flaky tests<\/h3>\n<p>Test results Azure DevOps marks flaky: /);
    assert.match(
      body,
      /each run that sees some adds a comment here, unless it files a new item whose details list them\./,
    );
    assert.ok(body.endsWith(flakyRunHtml(withTests([flaky('A')]))));
    assert.equal(
      flakyFiledHtml(view),
      `<p>Filed by Pipeline Work Items for ${RUN_LINK}: each run of this pipeline that sees flaky test results comments here, unless it files a new item whose details list them.</p>`,
    );
  });
});
