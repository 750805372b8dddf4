import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import type { Evidence, FailedStep, RunFacts } from '../../tasks/PipelineWorkItem/src/facts/model';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { readSettings } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { workItemBody } from '../../tasks/PipelineWorkItem/src/render/body';
import { detailsHtml } from '../../tasks/PipelineWorkItem/src/render/details';
import {
  changesHtml,
  count,
  failingTestsHtml,
  logExcerptHtml,
} from '../../tasks/PipelineWorkItem/src/render/evidence';
import { readableRun } from '../../tasks/PipelineWorkItem/src/render/readable';
import { failedStep, inputs, runContext } from './fixtures';

const HOSTILE = `<img src=x onerror=alert(1)> </pre> {{title}} "q" 'q'`;
const SHOWN = "&lt;img src=x onerror=alert(1)&gt; &lt;/pre&gt; {{title}} &quot;q&quot; 'q'";

const step = (name: string, errors: string[] = []): FailedStep =>
  failedStep(name, errors, { kind: 'build', logId: 4 });

const tests = (count: number, total = count): NonNullable<Evidence['tests']> => ({
  total,
  tests: Array.from({ length: count }, (_, i) => ({ name: `test ${i + 1}`, message: `boom ${i + 1}` })),
  url: 'https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812&view=tests',
});

describe('evidence sections', () => {
  const failures = [step(`npm test ${HOSTILE}`), step('eslint')];

  it('shows the last lines of each failed step, escaped, with how much of the log that is', () => {
    const html = logExcerptHtml(
      failures,
      [
        { step: 0, lines: ['a', HOSTILE], lineCount: 1000 },
        { step: 1, lines: ['x', 'y'], lineCount: 2 },
      ],
      30,
    );
    assert.equal(
      html,
      [
        '<h3>Log excerpt</h3>',
        `<p><b>Build › Unit tests › npm test ${SHOWN}</b>: the last 2 lines of 1,000</p>`,
        `<pre>a\n${SHOWN}</pre>`,
        '<p><b>Build › Unit tests › eslint</b>: the whole log (2 lines)</p>',
        '<pre>x\ny</pre>',
      ].join('\n'),
    );
    assert.match(
      logExcerptHtml(failures, [{ step: 0, lines: ['a', 'b', 'c'], lineCount: 3 }], 1),
      /<pre>c<\/pre>/,
    );
    assert.match(
      logExcerptHtml(failures, [{ step: 0, lines: ['a', 'b', 'c'], lineCount: 3 }], 1),
      /: the last line of 3<\/p>/,
    );
    assert.equal(logExcerptHtml(failures, [{ step: 0, lines: [], lineCount: 0 }], 30), '');
  });

  it('lists failing tests with the first lines of their messages, the count and the Tests tab', () => {
    const html = failingTestsHtml(
      {
        ...tests(2, 25),
        tests: [
          { name: HOSTILE, message: `line 1\n${HOSTILE}\n3\n4\n5\n6` },
          { name: 't', message: '' },
        ],
      },
      20,
    );
    assert.ok(
      html.startsWith(
        '<h3>Failing tests</h3>\n<p>25 tests failed; the first 2 are listed below. All results: <a href="https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812&amp;view=tests">',
      ),
      html,
    );
    assert.ok(html.includes(`<li><b>${SHOWN}</b><br>\nline 1<br>${SHOWN}<br>3<br>4<br>5…</li>`), html);
    assert.ok(html.includes('<li><b>t</b></li>'), html);
    assert.match(failingTestsHtml(tests(20, 25), 5), /the first 5 are listed below/);
    assert.match(failingTestsHtml(tests(1), 20), /<p>1 test failed\. All results/);
    assert.match(failingTestsHtml({ ...tests(20, 1000), atLeast: true }, 20), /At least 1,000 tests failed/);
    assert.equal(failingTestsHtml(undefined, 20), '');
  });

  it("writes counts as en-US does (12,345), without asking the locale's number format", () => {
    assert.deepEqual([0, 999, 1000, 123456, 1234567].map(count), [
      '0',
      '999',
      '1,000',
      '123,456',
      '1,234,567',
    ]);
    fc.assert(
      fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), (n) =>
        assert.equal(count(n), n.toLocaleString('en-US')),
      ),
      { numRuns: 500 },
    );
  });

  it('lists commits by short id (linked when the host has a page), author and first line', () => {
    const html = changesHtml([
      { id: '9b1c2d3e4f5a', author: 'Sam', message: `Fix ${HOSTILE}\nmore`, url: 'https://host/commit/9b1c' },
      { id: '1234', author: '', message: 'TFVC changeset', url: undefined },
    ]);
    assert.equal(
      html,
      `<h3>Changes</h3>\n<ul>\n<li><a href="https://host/commit/9b1c">9b1c2d3e</a> Sam: Fix ${SHOWN}</li>\n<li>1234 TFVC changeset</li>\n</ul>`,
    );
  });
});

describe('details with evidence and the field limit', () => {
  const context = runContext();
  const facts: RunFacts = { othersOutcome: 'failed', artifacts: [], failures: [step('npm test', ['boom'])] };
  const evidence = (lines: number, listed: number): Evidence => ({
    logTails: [
      {
        step: 0,
        lineCount: 5000,
        lines: Array.from({ length: lines }, (_, i) => `line ${i + 1} ${'x'.repeat(90)}`),
      },
    ],
    tests: tests(listed, 30),
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

describe('readable run', () => {
  const context = runContext();
  const secret = 'hunter2-S3cret';

  it('masks secrets in every piece of pipeline text before it is cut or escaped', () => {
    const facts: RunFacts = {
      othersOutcome: 'failed',
      artifacts: [],
      failures: [step(`deploy ${secret}`, [`key ${secret}`])],
    };
    const long = `${'y'.repeat(990)}${secret}`;
    const run = readableRun(
      runView(context, facts, 'failed', {
        logTails: [
          {
            step: 0,
            lineCount: 3,
            lines: [
              `2026-11-29T10:00:00.0000000Z ${secret}`,
              long,
              `\u001b[1m${secret.slice(0, 4)}\u001b[0m${secret.slice(4)}`,
            ],
          },
        ],
        tests: { total: 1, tests: [{ name: secret, message: `<${secret}>` }], url: 'https://x/' },
        commits: [{ id: 'abc', author: secret, message: secret, url: undefined }],
        workItems: [],
      }),
      [secret],
    );
    const html = detailsHtml(run) + JSON.stringify(run.values);
    assert.ok(!html.includes(secret) && !html.includes(secret.slice(0, 8)), html);
    assert.ok(html.includes(`<pre>10:00:00 ***\n${'y'.repeat(990)}***\n***</pre>`), html);
    assert.equal(run.values.firstError, 'key ***');
    assert.equal(run.values.failedStep, 'Build › Unit tests › deploy ***');
  });
});
