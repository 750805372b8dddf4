import * as assert from 'node:assert/strict';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { detailsHtml } from '../../tasks/PipelineWorkItem/src/render/details';
import { maskedRun } from '../../tasks/PipelineWorkItem/src/render/readable';
import { runContext, step, BUILD_LOG, buildRef, failedTest, failingTests, withFailures } from './fixtures';
import {
  Commit,
  NO_EVIDENCE,
  NO_FACTS,
  RunFacts,
  TestFailures,
} from '../../tasks/PipelineWorkItem/src/facts/model';

describe('readable run', () => {
  const context = runContext();
  const secret = 'hunter2-S3cret';

  it('masks secrets in every piece of pipeline text before it is cut or escaped', () => {
    const facts: RunFacts = {
      othersOutcome: 'failed',
      artifacts: [],
      failures: [step(`deploy ${secret}`, { errors: [`key ${secret}`], log: BUILD_LOG })],
    };
    const long = `${'y'.repeat(990)}${secret}`;
    const run = maskedRun(
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
        tests: { ...failingTests(0, 1), tests: [failedTest(secret, `<${secret}>`)], url: 'https://x/' },
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

describe('readable run at its edges', () => {
  it('drops the log lines cleaning leaves out, and keeps the failing tests, masked', () => {
    const run = maskedRun(
      runView(runContext(), withFailures([step('s', { stage: 'B', job: 'J' })]), 'failed', {
        ...NO_EVIDENCE,
        logTails: [{ step: 0, lineCount: 3, lines: ['##[group]Run', '##[endgroup]', 'token hunter22'] }],
        tests: {
          total: 1,
          tests: [failedTest('logs in hunter22', '\u001b[31mhunter22\u001b[0m')],
          flaky: [],
          suspects: [],
          url: 'u',
        },
      }),
      ['hunter22'],
    );
    assert.deepEqual(run.evidence.logTails, [{ step: 0, lineCount: 3, lines: ['Run', 'token ***'] }]);
    assert.deepEqual(run.evidence.tests, {
      total: 1,
      tests: [failedTest('logs in ***', '***')],
      flaky: [],
      suspects: [],
      url: 'u',
    });
  });

  it('masks every text of the failing tests: names, messages, stack traces, runs, suspects, flaky results', () => {
    const hidden = (text: string): string => text.replace('***', 'hunter22');
    const since = { run: buildRef(790, '20261201.4 ***'), date: '2026-12-01T14:03:00Z' };
    const author = {
      id: 'abc',
      author: 'Sam ***',
      message: 'fix *** \u001b[1mbold\u001b[0m',
      url: undefined,
    };
    const masked: TestFailures = {
      total: 1,
      tests: [{ ...failedTest('t ***', 'm ***'), stackTrace: 'at ***', standing: 'failingSince', since }],
      flaky: [
        { ...failedTest('f ***', 'n ***'), stackTrace: 's ***', standing: 'flaky', flakyReason: 'flagged' },
      ],
      flakyFailed: 1,
      suspects: [
        { run: undefined, commits: [author] },
        { run: since.run, commits: [author] },
      ],
      url: 'u',
    };
    const raw: TestFailures = {
      ...masked,
      tests: masked.tests.map((test) => ({
        ...test,
        name: hidden(test.name),
        message: hidden(test.message),
        stackTrace: hidden(test.stackTrace),
        since: { ...since, run: { ...since.run, name: hidden(since.run.name) } },
      })),
      flaky: masked.flaky.map((test) => ({
        ...test,
        name: hidden(test.name),
        message: hidden(test.message),
        stackTrace: hidden(test.stackTrace),
      })),
      suspects: masked.suspects.map(({ run, commits }) => ({
        run: run && { ...run, name: hidden(run.name) },
        commits: commits.map((commit) => ({
          ...commit,
          author: hidden(commit.author),
          message: hidden(commit.message),
        })),
      })),
    };
    const run = maskedRun(runView(runContext(), NO_FACTS, 'failed', { ...NO_EVIDENCE, tests: raw }), [
      'hunter22',
    ]);
    const clean = (commit: Commit): Commit => ({ ...commit, message: 'fix *** bold' });
    assert.deepEqual(run.evidence.tests, {
      ...masked,
      suspects: masked.suspects.map((suspects) => ({ ...suspects, commits: suspects.commits.map(clean) })),
    });
  });

  it('leaves missing test results missing', () => {
    assert.equal(maskedRun(runView(runContext(), NO_FACTS, 'failed'), []).evidence.tests, undefined);
  });
});
