import * as assert from 'node:assert/strict';
import { workItemBody } from '../../tasks/PipelineWorkItem/src/render/body';
import { detailsHtml, FULL_DETAILS } from '../../tasks/PipelineWorkItem/src/render/details';
import { descriptionHtml, escapeMarkdown } from '../../tasks/PipelineWorkItem/src/text/markdown';
import { readSettings } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import {
  inputs,
  RELEASE_VARIABLES,
  runContext,
  YAML_VARIABLES,
  settingsOf,
  step,
  BUILD_LOG,
  withFailures,
  failedTest,
  failingTests,
  NPM_TEST_FAILED,
  MB,
  templateOf,
} from './fixtures';
import { maskedRun } from '../../tasks/PipelineWorkItem/src/render/readable';
import { textHtml } from '../../tasks/PipelineWorkItem/src/text/html';
import { Evidence, RunFacts } from '../../tasks/PipelineWorkItem/src/facts/model';

const facts = NPM_TEST_FAILED;

const CUT_NOTE = '<p><i>The details were cut to fit the work item field; see the run for everything.</i></p>';

const trimmed = (what: string) =>
  `<p><i>Trimmed to fit the work item field (1,000,000 characters): ${what}. See the run for everything.</i></p>`;

describe('details and description', () => {
  const context = runContext({ ...YAML_VARIABLES, 'Build.DefinitionName': '<img src=x onerror=alert(1)>' });
  const run = runView(context, facts, 'failed');
  const values = run.values;

  it('summarises the run with links, every pipeline value escaped', () => {
    const html = detailsHtml(run);
    assert.ok(html.includes('<td><b>Pipeline</b></td><td>&lt;img src=x onerror=alert(1)&gt;</td>'), html);
    assert.ok(
      html.includes(
        '<a href="https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812">20261129.3</a>',
      ),
      html,
    );
    assert.ok(
      html.includes(
        '<a href="https://dev.azure.com/fabrikam/WebApp/_git/webapp/commit/4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39">4f2a9c1d</a>',
      ),
      html,
    );
    assert.ok(html.includes('<td><b>Triggered by</b></td><td>Alex Kim</td>'), html);
    assert.ok(html.includes('<td><b>Reason</b></td><td>Continuous integration</td>'), html);
    assert.ok(html.includes('<li>Expected &lt;div&gt; to equal &quot;a &amp; b&quot;</li>'), html);
    assert.ok(!html.includes('<img'), html);
  });

  it('shows release, environment and artifact versions in a release', () => {
    const release = runContext(RELEASE_VARIABLES);
    const html = detailsHtml(runView(release, { ...facts, artifacts: ['_WebApp-CI 20261129.3'] }, 'failed'));
    assert.ok(
      html.includes(
        '<td><b>Release</b></td><td><a href="https://dev.azure.com/fabrikam/WebApp/_release?releaseId=57">Release-57</a></td>',
      ),
      html,
    );
    assert.ok(html.includes('<td><b>Environment</b></td><td>Production</td>'), html);
    assert.ok(html.includes('<td><b>Artifacts</b></td><td>_WebApp-CI 20261129.3</td>'), html);
  });

  it('renders the Markdown description but shows placeholder values as text', () => {
    const description = templateOf(
      'description',
      '**Broken** by {{requestedFor}}: {{firstError}} in [the run]({{runUrl}})',
    );
    const html = descriptionHtml(description, { ...values, requestedFor: '*Mallory* <script>x</script>' });
    assert.equal(
      html,
      '<p><strong>Broken</strong> by *Mallory* &lt;script&gt;x&lt;/script&gt;: Expected &lt;div&gt; to equal &quot;a &amp; b&quot; in <a href="https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812">the run</a></p>',
    );
  });

  it('keeps HTML the pipeline author wrote in the description', () => {
    const description = templateOf('description', '<b>Owner:</b> web team');
    assert.equal(descriptionHtml(description, values), '<p><b>Owner:</b> web team</p>');
  });

  it('escapes every Markdown-active character of a value', () => {
    assert.equal(escapeMarkdown('a_b*c[d](e)<f>`g`'), 'a\\_b\\*c\\[d\\]\\(e\\)\\<f\\>\\`g\\`');
  });

  it('puts the description above the details, and leaves the details out when asked', () => {
    const settings = readSettings(inputs({ description: 'Look here' }));
    const body = workItemBody(settings, run);
    assert.ok(body.startsWith('<p>Look here</p>\n<hr>\n<h3>Pipeline run</h3>'), body);
    const bare = workItemBody(
      readSettings(inputs({ description: 'Look here', includeDetails: 'false' })),
      run,
    );
    assert.equal(bare, '<p>Look here</p>');
  });

  it('stays under the field limit with a huge description', () => {
    const settings = readSettings(inputs({ description: 'x'.repeat(1_200_000) }));
    const body = workItemBody(settings, run);
    assert.ok(body.length < 1_000_000);
    assert.match(body, /cut to fit the work item field/);
  });
});

describe('details with evidence and the field limit', () => {
  const context = runContext();
  const facts: RunFacts = {
    othersOutcome: 'failed',
    artifacts: [],
    failures: [step('npm test', { errors: ['boom'], log: BUILD_LOG })],
  };
  const evidence = (lines: number, listed: number): Evidence => ({
    logTails: [
      {
        step: 0,
        lineCount: 5000,
        lines: Array.from({ length: lines }, (_, i) => `line ${i + 1} ${'x'.repeat(90)}`),
      },
    ],
    tests: failingTests(listed, 30),
    commits: [{ id: 'abcdef123456', author: 'Sam', message: 'Fix', url: undefined }],
    workItems: [],
  });
  const settings = readSettings(inputs({}));

  it('puts summary, what failed, log excerpt, failing tests and changes in that order', () => {
    const html = detailsHtml(runView(context, facts, 'failed', evidence(3, 2)));
    const heads = ['Pipeline run', 'What failed', 'Log excerpt', 'Failing tests', 'Changes'].map((h) =>
      html.indexOf(`<h3>${h}</h3>`),
    );
    assert.ok(
      heads.every((at, i) => at >= 0 && (i === 0 || at > heads[i - 1]!)),
      html,
    );
  });

  it('lists the first 20 failing tests of all those read, and counts every failure', () => {
    const html = workItemBody(
      settings,
      runView(context, facts, 'failed', { ...evidence(3, 0), tests: failingTests(45, 45) }),
    );
    assert.match(html, /<b>test 20<\/b>/);
    assert.doesNotMatch(html, /<b>test 21<\/b>/);
    assert.match(html, /45 tests failed/);
  });

  it('shortens the log excerpts first, keeping their last lines, and says so', () => {
    const run = runView(context, facts, 'failed', evidence(500, 20));
    const body = workItemBody(settings, run, 30_000);
    assert.ok(body.length <= 30_000, String(body.length));
    assert.ok(body.includes('line 500 ') && !body.includes('line 1 '), 'the last lines stay');
    assert.match(
      body,
      /Trimmed to fit the work item field \(1,000,000 characters\): the log excerpts show only the last \d+ lines of each step\. See the run/,
    );
    assert.equal(body.split('<li><b>test ').length - 1, 20, 'all tests stay while the logs can give');
  });

  it('then lists fewer tests, and only then leaves the details out', () => {
    const run = runView(context, facts, 'failed', evidence(500, 20));
    const withoutLogs = workItemBody(
      settings,
      { ...run, evidence: { ...run.evidence, logTails: [] } },
      100_000,
    );
    const budget = withoutLogs.length - 60;
    const body = workItemBody(settings, run, budget);
    assert.ok(body.length <= budget);
    assert.match(body, /the log excerpts are left out; only \d+ of the failing tests are listed/);
    assert.ok(!body.includes('<h3>Log excerpt</h3>'), body);
    assert.equal(
      workItemBody(settings, run, 500),
      '<p><i>The details were cut to fit the work item field; see the run for everything.</i></p>',
    );
  });
});

describe('a step with a megabyte of error', () => {
  const context = runContext();
  // A test runner or a compiler dumping into one `##[error]` line, and a warning as long.
  const huge = `TypeError: cart is undefined\n    at checkout (cart.js:3:7)\n${'<x>'.repeat(MB / 3)}`;
  const facts = withFailures([
    step('npm test', { errors: [huge, 'Bash exited with code 1.'], warnings: [huge], log: BUILD_LOG }),
  ]);
  const evidence: Evidence = {
    logTails: [{ step: 0, lineCount: 2, lines: ['npm ERR! Test failed.', 'exit 1'] }],
    tests: failingTests(3),
    commits: [{ id: 'abcdef123456', author: 'Sam', message: 'Fix the cart', url: undefined }],
    workItems: [],
  };

  it('shows its first 2,000 characters, lines kept, and keeps the log excerpt, the tests and the changes', () => {
    const body = workItemBody(settingsOf(), maskedRun(runView(context, facts, 'failed', evidence), []));
    const shown = `${huge.slice(0, 1_999)}…`;
    assert.ok(body.includes(`<li>${textHtml(shown)}</li>\n<li>Bash exited with code 1.</li>`), body);
    assert.ok(body.includes(`<li><i>Warning:</i> ${textHtml(shown)}</li>`), body);
    for (const part of ['npm ERR! Test failed.', '<b>test 3</b>', 'Fix the cart']) {
      assert.ok(body.includes(part), `missing ${part}`);
    }
    assert.doesNotMatch(body, /cut to fit|Trimmed/);
  });

  it('50 steps of 10 long errors each: the errors shortened, down to 200 characters, before the details go', () => {
    const steps = Array.from({ length: 50 }, (_, i) =>
      step(`s${i + 1}`, {
        stage: 'B',
        job: 'J',
        errors: Array.from(
          { length: 10 },
          (_, e) => `error ${e + 1} of step ${i + 1}: ${'<x>'.repeat(1_000)}`,
        ),
      }),
    );
    const view = maskedRun(runView(context, withFailures(steps), 'failed', evidence), []);
    const body = workItemBody(settingsOf(), view);
    assert.ok(body.length <= 1_000_000 - 4_096, String(body.length));
    const [, shown] = /the errors and warnings show only their first ([\d,]+) characters/.exec(body) ?? [];
    const length = Number(shown?.replace(',', ''));
    // The longest that fits: more than the least, as the field has room for more.
    assert.ok(length > 200 && length < 2_000, body.slice(-400));
    assert.match(body, /the log excerpts are left out; the failing tests are not listed; the errors/);
    assert.equal(body.split('<li><b>B › J › s').length - 1, 50);
    assert.ok(body.includes('<li>error 10 of step 50: &lt;x&gt;'), body.slice(-3_000));
    // Too many steps even for 200 characters of each: the details are left out.
    assert.equal(workItemBody(settingsOf(), view, 100_000), CUT_NOTE);
  });

  it('long errors with no log excerpt and no tests: the note names only the errors as shortened', () => {
    const steps = Array.from({ length: 50 }, (_, i) =>
      step(`s${i + 1}`, {
        stage: 'B',
        job: 'J',
        errors: Array.from({ length: 10 }, () => 'e'.repeat(3_000)),
      }),
    );
    const bare = { ...evidence, logTails: [], tests: undefined };
    const body = workItemBody(
      settingsOf(),
      maskedRun(runView(context, withFailures(steps), 'failed', bare), []),
    );
    assert.match(
      body,
      /<p><i>Trimmed to fit the work item field \(1,000,000 characters\): the errors and warnings show only their first [\d,]+ characters\. See the run for everything\.<\/i><\/p>/,
    );
  });

  it('gives {{firstError}} as the details show it, masked before it is cut', () => {
    const secret = 'hunter2-S3cret';
    const masked = `${'y'.repeat(1_995)}${secret}${'z'.repeat(MB)}`;
    const run = maskedRun(runView(context, withFailures([step('s', { errors: [masked] })]), 'failed'), [
      secret,
    ]);
    assert.ok(
      run.values.firstError === `${'y'.repeat(1_995)}***z…`,
      run.values.firstError.slice(1_990, 2_010),
    );
    const description = templateOf('description', 'First error: {{firstError}}');
    const body = workItemBody({ description, includeDetails: true }, run);
    assert.ok(body.startsWith(`<p>First error: ${'y'.repeat(1_995)}***z…</p>`), body.slice(1_990, 2_030));
    assert.ok(body.includes('<h3>What failed</h3>'), body.slice(0, 3_000));
  });
});

describe('the body at the field limit', () => {
  const context = runContext();
  const facts = withFailures([step('npm test', { errors: ['boom'] })]);
  // Short log lines, so that a few characters more or less change how many fit.
  const evidence = (lines: number, listed: number, total = 30): Evidence => ({
    logTails: [{ step: 0, lineCount: 5000, lines: Array.from({ length: lines }, (_, i) => `l${i + 1}`) }],
    tests: {
      total,
      tests: Array.from({ length: listed }, (_, i) => failedTest(`test ${i + 1}`, 'boom')),
      flaky: [],
      suspects: [],
      url: 'https://x.example/tests',
    },
    commits: [],
    workItems: [],
  });
  const run = runView(context, facts, 'failed', evidence(2000, 20));

  it('gives the whole body when it is exactly the limit, and trims it one character below', () => {
    const settings = settingsOf();
    const full = workItemBody(settings, run, 10_000_000);
    assert.ok(!full.includes('Trimmed'), full);
    assert.equal(workItemBody(settings, run, full.length), full);
    const below = workItemBody(settings, run, full.length - 1);
    assert.ok(below.length <= full.length - 1);
    assert.ok(below.endsWith(trimmed('the log excerpts show only the last 1957 lines of each step')), below);
  });

  for (const description of ['', 'Look at this run.']) {
    it(`fills the limit as far as whole log lines go${description ? ', below a description' : ''}`, () => {
      const settings = settingsOf({ description });
      for (const limit of [3000, 5000, 8000, 12_000]) {
        const body = workItemBody(settings, run, limit);
        assert.ok(body.length <= limit, `${body.length} > ${limit}`);
        // The longest body that fits: the same body comes back with its own length as the limit.
        assert.equal(workItemBody(settings, run, body.length), body);
        assert.equal(
          body.startsWith(
            description ? '<p>Look at this run.</p>\n<hr>\n<h3>Pipeline run</h3>' : '<h3>Pipeline run</h3>',
          ),
          true,
        );
      }
    });
  }

  it('names only the log excerpts when every failing test still fits', () => {
    const body = workItemBody(settingsOf(), run, 8000);
    assert.match(
      body,
      /\n<p><i>Trimmed to fit the work item field \(1,000,000 characters\): the log excerpts show only the last \d+ lines of each step\. See the run for everything\.<\/i><\/p>$/,
    );
  });

  it('does not name the errors as trimmed when an error only has the cut it always gets', () => {
    const longError = withFailures([
      step('npm test', { errors: ['e'.repeat(FULL_DETAILS.errorLength + 500)] }),
    ]);
    for (const [shown, limit, what] of [
      [evidence(2000, 20), 12_000, /: the log excerpts show only the last \d+ lines of each step\. See/],
      [{ ...evidence(0, 20), logTails: [] }, 3_600, /: only \d+ of the failing tests are listed\. See/],
    ] as const) {
      const body = workItemBody(settingsOf(), runView(context, longError, 'failed', shown), limit);
      assert.match(body, what);
    }
  });

  it('names only the failing tests when there is no log excerpt', () => {
    const noLogs = runView(context, facts, 'failed', { ...evidence(0, 20), logTails: [] });
    const body = workItemBody(settingsOf(), noLogs, 1500);
    assert.match(
      body,
      /\n<p><i>Trimmed to fit the work item field \(1,000,000 characters\): only \d+ of the failing tests are listed\. See the run for everything\.<\/i><\/p>$/,
    );
  });

  it('says the failing tests are not listed when none fits', () => {
    const view = { ...run, facts: run.facts };
    const note = trimmed('the log excerpts are left out; the failing tests are not listed');
    const bare = `${detailsHtml(view, { ...FULL_DETAILS, tailLines: 0, tests: 0 })}\n${note}`;
    assert.equal(workItemBody(settingsOf(), run, bare.length), bare);
    // One character less and not even the summary fits with the note: the details are left out.
    assert.equal(workItemBody(settingsOf(), run, bare.length - 1), CUT_NOTE);
  });

  it('keeps the description with a note when no details fit, or the note alone', () => {
    const settings = settingsOf({ description: 'Look at this run.' });
    const withNote = `<p>Look at this run.</p>\n${CUT_NOTE}`;
    assert.equal(workItemBody(settings, run, withNote.length), withNote);
    assert.equal(workItemBody(settings, run, withNote.length - 1), CUT_NOTE);
  });

  it('leaves a margin of 4,096 characters under the field limit for masking', () => {
    const settings = (length: number) =>
      settingsOf({ description: 'x'.repeat(length), includeDetails: 'false' });
    // '<p>' + text + '</p>': 1,000,000 - 4,096 characters in all.
    const fits = 1_000_000 - 4_096 - 7;
    assert.equal(workItemBody(settings(fits), run), `<p>${'x'.repeat(fits)}</p>`);
    assert.equal(workItemBody(settings(fits + 1), run), CUT_NOTE);
  });

  it('gives an empty body without description and details', () => {
    assert.equal(workItemBody(settingsOf({ includeDetails: 'false' }), run), '');
  });

  it('lists the first 10 errors of a step and counts the others', () => {
    const errors = (n: number) => Array.from({ length: n }, (_, i) => `e${i + 1}`);
    const html = (n: number) =>
      workItemBody(
        settingsOf(),
        runView(context, withFailures([step('s', { stage: 'B', job: 'J', errors: errors(n) })]), 'failed'),
      );
    assert.ok(
      html(10).includes(
        `${errors(10)
          .map((e) => `<li>${e}</li>`)
          .join('\n')}\n</ul></li>`,
      ),
      html(10),
    );
    assert.ok(
      html(11).includes(
        `${errors(10)
          .map((e) => `<li>${e}</li>`)
          .join('\n')}\n<li>… and 1 more errors</li>\n</ul></li>`,
      ),
      html(11),
    );
  });

  it('lists the first 50 failed steps', () => {
    const steps = Array.from({ length: 51 }, (_, i) => step(`s${i + 1}`, { stage: 'B', job: 'J' }));
    const body = workItemBody(settingsOf(), runView(context, withFailures(steps), 'failed'));
    assert.equal(body.split('<li><b>B › J › s').length - 1, 50);
    assert.ok(body.includes('<li><b>B › J › s50</b></li>\n</ul>'), body);
  });
});

describe('the body with many failing and flaky tests', () => {
  const context = runContext();
  const facts = withFailures([step('npm test', { errors: ['boom'] })]);
  const many = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => failedTest(`${prefix} ${i + 1}`, 'boom'));
  const evidence = (failing: number, flaky: number): Evidence => ({
    logTails: [],
    tests: {
      total: failing,
      tests: many('failing', failing),
      flaky: many('flaky', flaky).map((test) => ({ ...test, standing: 'flaky', flakyReason: 'flagged' })),
      suspects: [],
      url: 'https://x.example/tests',
    },
    commits: [],
    workItems: [],
  });
  const listed = (body: string, prefix: string): number => body.split(`<li><b>${prefix} `).length - 1;

  it('lists 20 failing tests and 20 flaky results at most, however many were read, with their counts', () => {
    const body = workItemBody(settingsOf(), runView(context, facts, 'failed', evidence(150, 30)));
    assert.deepEqual([listed(body, 'failing'), listed(body, 'flaky')], [20, 20]);
    assert.match(body, /150 tests failed: 150 new failures; the first 20 are listed below\./);
    assert.match(body, /30 results Azure DevOps marks flaky .*; the first 20 are listed\./);
    assert.ok(!body.includes('Trimmed'), 'the limit of the list is no trimming');
  });

  it('lists fewer of both to fit the field, and says so', () => {
    const run = runView(context, facts, 'failed', evidence(150, 30));
    const budget = workItemBody(settingsOf(), run).length - 500;
    const body = workItemBody(settingsOf(), run, budget);
    assert.ok(body.length <= budget, String(body.length));
    const [failing, flaky] = [listed(body, 'failing'), listed(body, 'flaky')];
    assert.ok(failing > 0 && failing < 20 && failing === flaky, `${failing} and ${flaky} listed`);
    assert.ok(body.endsWith(trimmed(`only ${failing} of the failing tests are listed`)), body);
    // Flaky results alone are trimmed the same way.
    const onlyFlaky = runView(context, facts, 'failed', evidence(0, 30));
    const flakyBudget = workItemBody(settingsOf(), onlyFlaky).length - 200;
    const flakyBody = workItemBody(settingsOf(), onlyFlaky, flakyBudget);
    assert.ok(flakyBody.length <= flakyBudget && listed(flakyBody, 'flaky') < 20, flakyBody);
    assert.match(flakyBody, /only \d+ of the failing tests are listed/);
  });
});
