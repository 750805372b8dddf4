import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import {
  changesHtml,
  count,
  failingTestsHtml,
  logExcerptHtml,
  utcDate,
} from '../../tasks/PipelineWorkItem/src/render/evidence';
import { step, BUILD_LOG, buildRef, failedTest, failingTests, TESTS_URL } from './fixtures';
import type {
  Evidence,
  FailedTest,
  FlakyReason,
  RunRef,
  TestFailures,
} from '../../tasks/PipelineWorkItem/src/facts/model';

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
        '<h3>Failing tests</h3>\n<p>25 tests failed; the first 2 are listed below: 2 new failures. All results: <a href="https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812&amp;view=tests">',
      ),
      html,
    );
    assert.ok(
      html.includes(`<li><b>${SHOWN}</b>: new in this run<br>\nline 1<br>${SHOWN}<br>3<br>4<br>5…</li>`),
      html,
    );
    assert.ok(html.includes('<li><b>t</b>: new in this run</li>'), html);
    assert.match(
      failingTestsHtml(failingTests(20, 25), 5),
      /<p>25 tests failed \(of the first 20: 20 new failures\); the first 5 are listed below\. All/,
    );
    assert.match(failingTestsHtml(failingTests(1), 20), /<p>1 test failed: 1 new failure\. All results/);
    assert.match(
      failingTestsHtml({ ...failingTests(20, 1000), atLeast: true }, 20),
      /At least 1,000 tests failed; the first 20 are listed below: 20 new failures\. All/,
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

  it('cuts a log line at 1,000 characters and a commit’s first line at 200', () => {
    const log = logExcerptHtml(
      failures,
      [{ step: 0, lines: ['x'.repeat(1_500), 'y'.repeat(1_000)], lineCount: 2 }],
      30,
    );
    assert.ok(log.includes(`<pre>${'x'.repeat(999)}…\n${'y'.repeat(1_000)}</pre>`), log);
    const changes = changesHtml([
      { id: 'abcdef123', author: 'Sam', message: 'z'.repeat(300), url: undefined },
      { id: 'abcdef124', author: 'Sam', message: 'w'.repeat(200), url: undefined },
    ]);
    assert.ok(changes.includes(`Sam: ${'z'.repeat(199)}…</li>`), changes);
    assert.ok(changes.includes(`Sam: ${'w'.repeat(200)}</li>`), changes);
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
      `<h3>Failing tests</h3>\n<p>1 test failed: 1 new failure. All results: ${LINK}.</p>\n<ul>\n<li><b>t1</b>: new in this run</li>\n</ul>`,
    ],
    [
      'every failing test listed: no "first"',
      () => failingTestsHtml(failed(2, 2), 20),
      `<h3>Failing tests</h3>\n<p>2 tests failed: 2 new failures. All results: ${LINK}.</p>\n<ul>\n<li><b>t1</b>: new in this run</li>\n<li><b>t2</b>: new in this run<br>\nm2</li>\n</ul>`,
    ],
    [
      'a capped count: at least, and the first listed',
      () => failingTestsHtml(failed(2, 1500, true), 20),
      `<h3>Failing tests</h3>\n<p>At least 1,500 tests failed; the first 2 are listed below: 2 new failures. All results: ${LINK}.</p>\n<ul>\n<li><b>t1</b>: new in this run</li>\n<li><b>t2</b>: new in this run<br>\nm2</li>\n</ul>`,
    ],
    [
      'none to list: the count and the link alone',
      () => failingTestsHtml(failed(3, 3), 0),
      `<h3>Failing tests</h3>\n<p>3 tests failed: 3 new failures. All results: ${LINK}.</p>`,
    ],
    [
      'failing tests without an item of their own (one item per test, over the cap): counted, singular',
      () => failingTestsHtml({ ...failed(1, 1)!, untracked: { overCap: 1, unread: 0 } }, 20),
      `<h3>Failing tests</h3>\n<p>1 test failed: 1 new failure. All results: ${LINK}.</p>\n<ul>\n<li><b>t1</b>: new in this run</li>\n</ul>\n<p>1 failing test has no item of its own yet: a run files at most 20 new test items.</p>`,
    ],
    [
      'failing tests without an item of their own: plural, grouped',
      () => failingTestsHtml({ ...failed(0, 2234)!, untracked: { overCap: 1214, unread: 1234 } }, 20),
      `<h3>Failing tests</h3>\n<p>2,234 tests failed. All results: ${LINK}.</p>\n<p>1,214 failing tests have no item of their own yet: a run files at most 20 new test items.</p>\n<p>1,234 failed results past the first 1,000 read have no item of their own: the Tests tab lists them.</p>`,
    ],
    [
      'one failed result past those read, and none over the cap: singular, alone',
      () => failingTestsHtml({ ...failed(0, 1001)!, untracked: { overCap: 0, unread: 1 } }, 20),
      `<h3>Failing tests</h3>\n<p>1,001 tests failed. All results: ${LINK}.</p>\n<p>1 failed result past the first 1,000 read has no item of its own: the Tests tab lists them.</p>`,
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

describe('failing tests: since when, suspects and flaky results', () => {
  const LINK = `<a href="${TESTS_URL.replace('&', '&amp;')}">the run's Tests tab</a>`;
  const b790 = buildRef(790, '20261201.4');
  const b750 = buildRef(750, '20261128.1');
  const A790 = `<a href="${b790.url}">20261201.4</a>`;
  const A750 = `<a href="${b750.url}">20261128.1</a>`;
  const since = (run: RunRef, date?: string): FailedTest => ({
    ...failedTest('', ''),
    standing: 'failingSince',
    since: { run, date },
  });
  const test = (name: string, base: FailedTest = failedTest('', '')): FailedTest => ({
    ...base,
    name,
    message: `${name} broke`,
  });
  const flaky = (name: string, flakyReason: FlakyReason): FailedTest => ({
    ...failedTest(name, 'flaky'),
    standing: 'flaky',
    flakyReason,
  });
  const sam = { id: 'a1b2c3d4e5', author: 'Sam', message: 'Round totals', url: undefined };
  const ana = { id: '9f8e7d6c5b', author: 'Ana', message: 'New login', url: 'https://host/c/9f8e' };
  const tests: TestFailures = {
    total: 5,
    tests: [
      test('Cart rounds'),
      test('Checkout charges'),
      test('Search ranks', since(b750)),
      test('Login works', since(b790, '2026-12-01T14:03:27.123Z')),
      test('Logout works', since(b790, '2026-12-01T14:03:59Z')),
    ],
    flaky: [flaky('Inventory reserves', 'flagged'), flaky('Search finds', 'passedOnRerun')],
    flakyFailed: 1,
    suspects: [
      { run: undefined, commits: [sam] },
      { run: b750, commits: [] },
      { run: b790, commits: [ana] },
    ],
    url: TESTS_URL,
  };

  it('counts new failures and those failing since each earlier run, lists them, their suspects and the flaky ones', () => {
    assert.equal(
      failingTestsHtml(tests, 20),
      [
        '<h3>Failing tests</h3>',
        `<p>5 tests failed: 2 new failures, 1 failing since ${A750}, 2 failing since ${A790} (2026-12-01 14:03 UTC). All results: ${LINK}.</p>`,
        '<ul>',
        '<li><b>Cart rounds</b>: new in this run<br>\nCart rounds broke</li>',
        '<li><b>Checkout charges</b>: new in this run<br>\nCheckout charges broke</li>',
        `<li><b>Search ranks</b>: failing since ${A750}<br>\nSearch ranks broke</li>`,
        `<li><b>Login works</b>: failing since ${A790} (2026-12-01 14:03 UTC)<br>\nLogin works broke</li>`,
        `<li><b>Logout works</b>: failing since ${A790} (2026-12-01 14:03 UTC)<br>\nLogout works broke</li>`,
        '</ul>',
        '<h4>Suspects</h4>',
        '<p><i>Listed for a person to look at, never assigned.</i></p>',
        '<p><b>Changes in this run</b>, where 2 failures began: listed under Changes below.</p>',
        `<p><b>Changes of ${A750}</b>, where 1 failure began: none known.</p>`,
        `<p><b>Changes of ${A790}</b>, where 2 failures began:</p>`,
        '<ul>\n<li><a href="https://host/c/9f8e">9f8e7d6c</a> Ana: New login</li>\n</ul>',
        '<h4>Flaky tests</h4>',
        '<p>2 results Azure DevOps marks flaky (by its flaky test detection, a Services feature, or as passed when run again), not counted as failures.</p>',
        '<ul>',
        '<li><b>Inventory reserves</b>: flagged flaky by Azure DevOps</li>',
        '<li><b>Search finds</b>: passed when run again</li>',
        '</ul>',
      ].join('\n'),
    );
  });

  it('lists as many of each list as the limit allows, the counts whole', () => {
    const html = failingTestsHtml(tests, 1);
    assert.match(
      html,
      /<p>5 tests failed: 2 new failures, 1 failing since .*; the first 1 are listed below\. All/,
    );
    assert.equal(html.split('<li><b>').length - 1, 2, 'one failure, one flaky result');
    assert.match(
      html,
      /2 results Azure DevOps marks flaky .*, not counted as failures; the first 1 are listed\.<\/p>/,
    );
    const none = failingTestsHtml(tests, 0);
    assert.ok(!none.includes('<li><b>'), none);
    assert.ok(
      none.endsWith(
        '<h4>Flaky tests</h4>\n<p>2 results Azure DevOps marks flaky (by its flaky test detection, a Services feature, or as passed when run again), not counted as failures.</p>',
      ),
      none,
    );
  });

  it('a flaky result without a reason is listed by its name', () => {
    const html = failingTestsHtml({ ...tests, flaky: [{ ...failedTest('odd', ''), standing: 'flaky' }] }, 20);
    assert.ok(html.includes('<ul>\n<li><b>odd</b></li>\n</ul>'), html);
  });

  it('with only flaky results: says no test failed, and lists them', () => {
    const onlyFlaky = {
      ...tests,
      total: 0,
      tests: [],
      suspects: [],
      flaky: [flaky('Search finds', 'passedOnRerun')],
    };
    assert.equal(
      failingTestsHtml(onlyFlaky, 20),
      [
        '<h3>Failing tests</h3>',
        `<p>No test failed except the flaky ones below. All results: ${LINK}.</p>`,
        '<h4>Flaky tests</h4>',
        '<p>1 result Azure DevOps marks flaky (by its flaky test detection, a Services feature, or as passed when run again), not counted as failures.</p>',
        '<ul>\n<li><b>Search finds</b>: passed when run again</li>\n</ul>',
      ].join('\n'),
    );
  });

  it('fewer read than failed: the groups count those read, and say so unless they are the ones listed', () => {
    const groups = `2 new failures, 1 failing since ${A750}, 2 failing since ${A790} (2026-12-01 14:03 UTC)`;
    const more = { ...tests, total: 1200, atLeast: true };
    assert.ok(
      failingTestsHtml(more, 20).includes(
        `<p>At least 1,200 tests failed; the first 5 are listed below: ${groups}. All results`,
      ),
    );
    assert.ok(
      failingTestsHtml(more, 2).includes(
        `<p>At least 1,200 tests failed (of the first 5: ${groups}); the first 2 are listed below. All results`,
      ),
    );
    assert.ok(
      failingTestsHtml({ ...more, tests: [] }, 2).includes('<p>At least 1,200 tests failed. All results'),
    );
  });

  it('a suspect run none of the failures given began in: named without a count', () => {
    const html = failingTestsHtml({ ...tests, tests: tests.tests.slice(0, 2) }, 20);
    assert.ok(html.includes(`<p><b>Changes of ${A750}</b>, where failures began: none known.</p>`), html);
    assert.ok(html.includes(`<p><b>Changes of ${A790}</b>, where failures began:</p>`), html);
  });

  it('a suspect build whose changes were not read: says so, and links the build that lists them', () => {
    const suspects = [tests.suspects[0], { run: b750, commits: undefined }, tests.suspects[2]];
    const html = failingTestsHtml({ ...tests, suspects }, 20);
    assert.ok(
      html.includes(
        `<p><b>Changes of ${A750}</b>, where 1 failure began: not read; the build lists them.</p>`,
      ),
      html,
    );
  });

  it("this run's changes unknown: says so", () => {
    const html = failingTestsHtml({ ...tests, suspects: [{ run: undefined, commits: [] }] }, 20);
    assert.ok(html.includes('<p><b>Changes in this run</b>, where 2 failures began: none known.</p>'), html);
  });

  it('flaky results past those read: counted from the statistics, the ones read listed', () => {
    const html = failingTestsHtml({ ...tests, flakyCount: 1_240 }, 20);
    assert.ok(
      html.includes(
        '<p>1,240 results Azure DevOps marks flaky (by its flaky test detection, a Services feature, or as passed when run again), not counted as failures; the first 2 are listed.</p>',
      ),
      html,
    );
  });

  it('a test listed twice (one failure in each job of a matrix) says where each failed; one listed once does not', () => {
    const linux = { kind: 'job' as const, name: 'Test linux' };
    const html = failingTestsHtml(
      {
        ...tests,
        total: 3,
        tests: [
          { ...test('Cart rounds'), ranIn: linux },
          { ...test('Cart rounds'), ranIn: { kind: 'testRun', name: 'VSTest_TestResults_812' } },
          { ...test('Search ranks'), ranIn: linux },
        ],
        flaky: [
          { ...flaky('Search finds', 'flagged'), ranIn: { kind: 'job', name: 'Test <windows>' } },
          { ...flaky('Search finds', 'flagged'), ranIn: linux },
        ],
      },
      20,
    );
    assert.ok(html.includes('<li><b>Cart rounds</b> in job <i>Test linux</i>: new in this run'), html);
    assert.ok(
      html.includes('<li><b>Cart rounds</b> in test run <i>VSTest_TestResults_812</i>: new in this run'),
      html,
    );
    assert.ok(html.includes('<li><b>Search ranks</b>: new in this run'), html);
    assert.ok(
      html.includes(
        '<li><b>Search finds</b> in job <i>Test &lt;windows&gt;</i>: flagged flaky by Azure DevOps</li>',
      ),
      html,
    );
  });

  it('escapes every text of the pipeline, and links only web addresses', () => {
    const hostileRun: RunRef = { kind: 'build', id: 1, name: HOSTILE, url: 'javascript:alert(1)' };
    const html = failingTestsHtml(
      {
        ...tests,
        total: 1,
        tests: [test(HOSTILE, since(hostileRun, HOSTILE))],
        flaky: [flaky(HOSTILE, 'flagged')],
        suspects: [
          { run: hostileRun, commits: [{ id: HOSTILE, author: HOSTILE, message: HOSTILE, url: HOSTILE }] },
        ],
      },
      20,
    );
    assert.ok(!/<img|javascript:|<\/pre>/.test(html), html);
    assert.ok(html.includes(`1 test failed: 1 failing since ${SHOWN}. All results`), html);
    assert.ok(html.includes(`<li><b>${SHOWN}</b>: failing since ${SHOWN}<br>\n${SHOWN} broke</li>`), html);
    assert.ok(html.includes(`<p><b>Changes of ${SHOWN}</b>, where 1 failure began:</p>`), html);
    assert.ok(html.includes(`<li>&lt;img src ${SHOWN}: ${SHOWN}</li>`), html);
    assert.ok(html.includes(`<li><b>${SHOWN}</b>: flagged flaky by Azure DevOps</li>`), html);
  });
});

describe('dates in UTC', () => {
  const cases: [string | undefined, string][] = [
    ['2026-12-01T14:03:27.123Z', '2026-12-01 14:03 UTC'],
    ['2026-12-01T23:59:59+02:00', '2026-12-01 21:59 UTC'],
    ['2026-12-01T00:30:00-01:00', '2026-12-01 01:30 UTC'],
    ['2026-01-31T23:30:00-01:00', '2026-02-01 00:30 UTC'],
    ['0001-01-01T00:00:00Z', '0001-01-01 00:00 UTC'],
    ['+010000-01-01T00:00:00Z', ''],
    ['-000001-01-01T00:00:00Z', ''],
    ['not a date', ''],
    ['', ''],
    [undefined, ''],
  ];
  for (const [value, shown] of cases) {
    it(`${JSON.stringify(value)}: ${shown || 'no date'}`, () => assert.equal(utcDate(value), shown));
  }
});
