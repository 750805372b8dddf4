import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import {
  changesHtml,
  count,
  failingTestsHtml,
  logExcerptHtml,
} from '../../tasks/PipelineWorkItem/src/render/evidence';
import { step, BUILD_LOG, failedTest, failingTests } from './fixtures';
import { Evidence } from '../../tasks/PipelineWorkItem/src/facts/model';

const HOSTILE = `<img src=x onerror=alert(1)> </pre> {{title}} "q" 'q'`;
const SHOWN = "&lt;img src=x onerror=alert(1)&gt; &lt;/pre&gt; {{title}} &quot;q&quot; 'q'";

describe('evidence sections', () => {
  const failures = [step(`npm test ${HOSTILE}`, { log: BUILD_LOG }), step('eslint', { log: BUILD_LOG })];

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
        ...failingTests(2, 25),
        tests: [failedTest(HOSTILE, `line 1\n${HOSTILE}\n3\n4\n5\n6`), failedTest('t', '')],
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
    assert.match(failingTestsHtml(failingTests(20, 25), 5), /the first 5 are listed below/);
    assert.match(failingTestsHtml(failingTests(1), 20), /<p>1 test failed\. All results/);
    assert.match(
      failingTestsHtml({ ...failingTests(20, 1000), atLeast: true }, 20),
      /At least 1,000 tests failed/,
    );
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

describe('evidence sections at their edges', () => {
  const URL = 'https://x.example/tests';
  const failed = (listed: number, total: number, atLeast?: boolean): Evidence['tests'] => ({
    total,
    atLeast,
    tests: Array.from({ length: listed }, (_, i) => failedTest(`t${i + 1}`, i === 0 ? '' : `m${i + 1}`)),
    flaky: [],
    suspects: [],
    url: URL,
  });
  const LINK = `<a href="${URL}">the run's Tests tab</a>`;

  const cases: [name: string, html: () => string, expected: string][] = [
    ['no failing tests: nothing', () => failingTestsHtml(failed(0, 0), 20), ''],
    ['no test results: nothing', () => failingTestsHtml(undefined, 20), ''],
    [
      'one test, singular, its message left out when empty',
      () => failingTestsHtml(failed(1, 1), 20),
      `<h3>Failing tests</h3>\n<p>1 test failed. All results: ${LINK}.</p>\n<ul>\n<li><b>t1</b></li>\n</ul>`,
    ],
    [
      'every failing test listed: no "first"',
      () => failingTestsHtml(failed(2, 2), 20),
      `<h3>Failing tests</h3>\n<p>2 tests failed. All results: ${LINK}.</p>\n<ul>\n<li><b>t1</b></li>\n<li><b>t2</b><br>\nm2</li>\n</ul>`,
    ],
    [
      'a capped count: at least, and the first listed',
      () => failingTestsHtml(failed(2, 1500, true), 20),
      `<h3>Failing tests</h3>\n<p>At least 1,500 tests failed; the first 2 are listed below. All results: ${LINK}.</p>\n<ul>\n<li><b>t1</b></li>\n<li><b>t2</b><br>\nm2</li>\n</ul>`,
    ],
    [
      'none to list: the count and the link alone',
      () => failingTestsHtml(failed(3, 3), 0),
      `<h3>Failing tests</h3>\n<p>3 tests failed. All results: ${LINK}.</p>`,
    ],
    ['no commits: nothing', () => changesHtml([]), ''],
    [
      'a commit without author and link: short id and subject',
      () => changesHtml([{ id: 'abcdef1234567', author: '', message: '\n fix <x>\nmore', url: undefined }]),
      '<h3>Changes</h3>\n<ul>\n<li>abcdef12 fix &lt;x&gt;</li>\n</ul>',
    ],
    [
      'a log excerpt of a job without name',
      () =>
        logExcerptHtml(
          [step('', { stage: '', job: '' })],
          [{ step: 0, lines: ['a', 'b'], lineCount: 12000 }],
          5,
        ),
      '<h3>Log excerpt</h3>\n<p><b>A job</b>: the last 2 lines of 12,000</p>\n<pre>a\nb</pre>',
    ],
    [
      'no log lines asked for: nothing',
      () => logExcerptHtml([step('x', { stage: '', job: '' })], [{ step: 0, lines: ['a'], lineCount: 1 }], 0),
      '',
    ],
    [
      'a tail of an unknown step: nothing',
      () => logExcerptHtml([step('x', { stage: '', job: '' })], [{ step: 1, lines: ['a'], lineCount: 1 }], 5),
      '',
    ],
  ];
  for (const [name, html, expected] of cases) {
    it(name, () => assert.equal(html(), expected));
  }
});
