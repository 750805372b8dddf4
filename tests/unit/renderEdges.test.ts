import * as assert from 'node:assert/strict';
import {
  Evidence,
  FailedStep,
  NO_EVIDENCE,
  NO_FACTS,
  Outcome,
  RunFacts,
} from '../../tasks/PipelineWorkItem/src/facts/model';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { InputName, readSettings } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { workItemBody } from '../../tasks/PipelineWorkItem/src/render/body';
import { detailsHtml } from '../../tasks/PipelineWorkItem/src/render/details';
import {
  changesHtml,
  failingTestsHtml,
  logExcerptHtml,
} from '../../tasks/PipelineWorkItem/src/render/evidence';
import { maskedRun } from '../../tasks/PipelineWorkItem/src/render/readable';
import { fitTitle, workItemTitle } from '../../tasks/PipelineWorkItem/src/render/title';
import { inputs, RELEASE_VARIABLES, runContext, YAML_VARIABLES } from './fixtures';

const RUN_ROW =
  '<tr><td><b>Run</b></td><td><a href="https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812">20261129.3</a></td></tr>';
const COMMIT_ROW =
  '<tr><td><b>Commit</b></td><td><a href="https://dev.azure.com/fabrikam/WebApp/_git/webapp/commit/4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39">4f2a9c1d</a></td></tr>';
const CUT_NOTE = '<p><i>The details were cut to fit the work item field; see the run for everything.</i></p>';

const step = (
  stage: string,
  job: string,
  name: string,
  errors: string[] = [],
  warnings: string[] = [],
): FailedStep => ({
  stage,
  job,
  step: name,
  errors,
  warnings,
  log: undefined,
});
const withFailures = (failures: FailedStep[]): RunFacts => ({
  ...NO_FACTS,
  othersOutcome: 'failed',
  failures,
});
const settingsOf = (values: Partial<Record<InputName, string>> = {}) => readSettings(inputs(values));
const trimmed = (what: string) =>
  `<p><i>Trimmed to fit the work item field (1,000,000 characters): ${what}. See the run for everything.</i></p>`;

describe('details at their edges', () => {
  it('summarises a YAML run in one table, leaving out what the run does not have', () => {
    assert.equal(
      detailsHtml(runView(runContext(), NO_FACTS, 'failed')),
      [
        '<h3>Pipeline run</h3>',
        '<table>',
        '<tr><td><b>Pipeline</b></td><td>WebApp-CI</td></tr>',
        RUN_ROW,
        '<tr><td><b>Status</b></td><td><b>Failed</b></td></tr>',
        '<tr><td><b>Branch</b></td><td>main</td></tr>',
        COMMIT_ROW,
        '<tr><td><b>Triggered by</b></td><td>Alex Kim</td></tr>',
        '<tr><td><b>Reason</b></td><td>Continuous integration</td></tr>',
        '</table>',
      ].join('\n'),
    );
  });

  it('shows the environment of a deployment job and no commit or requestor it does not have', () => {
    const context = runContext({
      ...YAML_VARIABLES,
      'Environment.Name': 'staging',
      'Build.SourceVersion': '',
      'Build.RequestedFor': '',
      'Build.RequestedForEmail': '',
      'Build.Reason': '',
    });
    assert.equal(
      detailsHtml(runView(context, NO_FACTS, 'succeededWithIssues')),
      [
        '<h3>Pipeline run</h3>',
        '<table>',
        '<tr><td><b>Pipeline</b></td><td>WebApp-CI</td></tr>',
        RUN_ROW,
        '<tr><td><b>Environment</b></td><td>staging</td></tr>',
        '<tr><td><b>Status</b></td><td><b>Succeeded with issues</b></td></tr>',
        '<tr><td><b>Branch</b></td><td>main</td></tr>',
        '</table>',
      ].join('\n'),
    );
  });

  it('summarises a release with its pipeline, environment and each artifact on a line', () => {
    const html = detailsHtml(
      runView(runContext(RELEASE_VARIABLES), { ...NO_FACTS, artifacts: ['_A 1', '_B <2>'] }, 'canceled'),
    );
    assert.equal(
      html,
      [
        '<h3>Pipeline run</h3>',
        '<table>',
        '<tr><td><b>Release pipeline</b></td><td>WebApp-CD</td></tr>',
        '<tr><td><b>Release</b></td><td><a href="https://dev.azure.com/fabrikam/WebApp/_release?releaseId=57">Release-57</a></td></tr>',
        '<tr><td><b>Environment</b></td><td>Production</td></tr>',
        '<tr><td><b>Artifacts</b></td><td>_A 1<br>_B &lt;2&gt;</td></tr>',
        '<tr><td><b>Status</b></td><td><b>Canceled</b></td></tr>',
        '<tr><td><b>Branch</b></td><td>main</td></tr>',
        '<tr><td><b>Commit</b></td><td>4f2a9c1d</td></tr>',
        '<tr><td><b>Triggered by</b></td><td>Sam Rivera</td></tr>',
        '<tr><td><b>Reason</b></td><td>ContinuousIntegration</td></tr>',
        '</table>',
      ].join('\n'),
    );
  });

  describe('words the reason as the web UI does', () => {
    const reasons: [string, string][] = [
      ['Manual', 'Manual'],
      ['IndividualCI', 'Continuous integration'],
      ['BatchedCI', 'Continuous integration (batched)'],
      ['Schedule', 'Scheduled'],
      ['PullRequest', 'Pull request'],
      ['BuildCompletion', 'Build completion'],
      ['ResourceTrigger', 'Resource trigger'],
      ['ValidateShelveset', 'Gated check-in'],
      ['CheckInShelveset', 'Gated check-in'],
      ['UserCreated', 'UserCreated'],
    ];
    for (const [reason, words] of reasons) {
      it(`${reason}: ${words}`, () => {
        const html = detailsHtml(
          runView(runContext({ ...YAML_VARIABLES, 'Build.Reason': reason }), NO_FACTS, 'failed'),
        );
        assert.ok(html.includes(`<tr><td><b>Reason</b></td><td>${words}</td></tr>\n</table>`), html);
      });
    }
  });

  it('lists each failed step with its errors and warnings, and jobs that failed without a step', () => {
    const facts = withFailures([
      step('Build', 'Unit tests', 'npm test', ['a\nb'], ['w <1>']),
      step('Deploy', 'Web', ''),
      step('', '', ''),
      step('Build', 'Lint', 'eslint'),
    ]);
    const html = detailsHtml(runView(runContext(), facts, 'failed'));
    assert.ok(
      html.endsWith(
        [
          '</table>',
          '<h3>What failed</h3>',
          '<ul>',
          '<li><b>Build › Unit tests › npm test</b>',
          '<ul>',
          '<li>a<br>b</li>',
          '<li><i>Warning:</i> w &lt;1&gt;</li>',
          '</ul></li>',
          '<li><b>Deploy › Web</b> (the job failed)</li>',
          '<li><b>A job</b> (the job failed)</li>',
          '<li><b>Build › Lint › eslint</b></li>',
          '</ul>',
        ].join('\n'),
      ),
      html,
    );
  });
});

describe('evidence sections at their edges', () => {
  const URL = 'https://x.example/tests';
  const failed = (listed: number, total: number, atLeast?: boolean): Evidence['tests'] => ({
    total,
    atLeast,
    tests: Array.from({ length: listed }, (_, i) => ({
      name: `t${i + 1}`,
      message: i === 0 ? '' : `m${i + 1}`,
    })),
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
      () => logExcerptHtml([step('', '', '')], [{ step: 0, lines: ['a', 'b'], lineCount: 12000 }], 5),
      '<h3>Log excerpt</h3>\n<p><b>A job</b>: the last 2 lines of 12,000</p>\n<pre>a\nb</pre>',
    ],
    [
      'no log lines asked for: nothing',
      () => logExcerptHtml([step('', '', 'x')], [{ step: 0, lines: ['a'], lineCount: 1 }], 0),
      '',
    ],
    [
      'a tail of an unknown step: nothing',
      () => logExcerptHtml([step('', '', 'x')], [{ step: 1, lines: ['a'], lineCount: 1 }], 5),
      '',
    ],
  ];
  for (const [name, html, expected] of cases) {
    it(name, () => assert.equal(html(), expected));
  }
});

describe('the body at the field limit', () => {
  const context = runContext();
  const facts = withFailures([step('Build', 'Unit tests', 'npm test', ['boom'])]);
  // Short log lines, so that a few characters more or less change how many fit.
  const evidence = (lines: number, listed: number, total = 30): Evidence => ({
    logTails: [{ step: 0, lineCount: 5000, lines: Array.from({ length: lines }, (_, i) => `l${i + 1}`) }],
    tests: {
      total,
      tests: Array.from({ length: listed }, (_, i) => ({ name: `test ${i + 1}`, message: 'boom' })),
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
    const bare = `${detailsHtml(view, { tailLines: 0, tests: 0 })}\n${note}`;
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
      workItemBody(settingsOf(), runView(context, withFailures([step('B', 'J', 's', errors(n))]), 'failed'));
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
    const steps = Array.from({ length: 51 }, (_, i) => step('B', 'J', `s${i + 1}`));
    const body = workItemBody(settingsOf(), runView(context, withFailures(steps), 'failed'));
    assert.equal(body.split('<li><b>B › J › s').length - 1, 50);
    assert.ok(body.includes('<li><b>B › J › s50</b></li>\n</ul>'), body);
  });
});

describe('titles at their edges', () => {
  const verbs: [Outcome, string, string][] = [
    ['succeeded', 'WebApp-CI succeeded on main (20261129.3)', 'Release-57 succeeded in Production'],
    [
      'succeededWithIssues',
      'WebApp-CI succeeded with issues on main (20261129.3)',
      'Release-57 succeeded with issues in Production',
    ],
    ['canceled', 'WebApp-CI was canceled on main (20261129.3)', 'Release-57 was canceled in Production'],
    ['failed', 'WebApp-CI failed on main', 'Release-57 failed in Production'],
  ];
  for (const [outcome, build, release] of verbs) {
    it(`a run that ${outcome}`, () => {
      assert.equal(workItemTitle(undefined, runView(runContext(), NO_FACTS, outcome)), build);
      assert.equal(
        workItemTitle(undefined, runView(runContext(RELEASE_VARIABLES), NO_FACTS, outcome)),
        release,
      );
    });
  }

  it('names the failed step only of a failed run', () => {
    const facts = withFailures([step('Build', 'Unit tests', 'npm test')]);
    assert.equal(
      workItemTitle(undefined, runView(runContext(), facts, 'succeededWithIssues')),
      'WebApp-CI succeeded with issues on main (20261129.3)',
    );
  });

  it('leaves out a branch or environment the run does not have', () => {
    const facts = withFailures([step('Build', 'Unit tests', 'npm test')]);
    assert.equal(
      workItemTitle(
        undefined,
        runView(runContext({ ...YAML_VARIABLES, 'Build.SourceBranch': '' }), facts, 'failed'),
      ),
      'WebApp-CI failed: Build › Unit tests › npm test',
    );
    assert.equal(
      workItemTitle(
        undefined,
        runView(runContext({ ...RELEASE_VARIABLES, 'Release.EnvironmentName': '' }), NO_FACTS, 'failed'),
      ),
      'Release-57 failed',
    );
  });

  it('does not end a cut title with white space before the ellipsis', () => {
    assert.equal(fitTitle(`${'a'.repeat(250)}      ${'b'.repeat(10)}`), `${'a'.repeat(250)}…`);
  });
});

describe('readable run at its edges', () => {
  it('drops the log lines cleaning leaves out, and keeps the failing tests, masked', () => {
    const run = maskedRun(
      runView(runContext(), withFailures([step('B', 'J', 's')]), 'failed', {
        ...NO_EVIDENCE,
        logTails: [{ step: 0, lineCount: 3, lines: ['##[group]Run', '##[endgroup]', 'token hunter22'] }],
        tests: {
          total: 1,
          tests: [{ name: 'logs in hunter22', message: '\u001b[31mhunter22\u001b[0m' }],
          url: 'u',
        },
      }),
      ['hunter22'],
    );
    assert.deepEqual(run.evidence.logTails, [{ step: 0, lineCount: 3, lines: ['Run', 'token ***'] }]);
    assert.deepEqual(run.evidence.tests, {
      total: 1,
      tests: [{ name: 'logs in ***', message: '***' }],
      url: 'u',
    });
  });

  it('leaves missing test results missing', () => {
    assert.equal(maskedRun(runView(runContext(), NO_FACTS, 'failed'), []).evidence.tests, undefined);
  });
});
