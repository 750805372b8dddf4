import * as assert from 'node:assert/strict';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { detailsHtml } from '../../tasks/PipelineWorkItem/src/render/details';
import { maskedRun } from '../../tasks/PipelineWorkItem/src/render/readable';
import {
  flakyFingerprintOf,
  fingerprintOf,
  testFingerprintOf,
} from '../../tasks/PipelineWorkItem/src/lifecycle/fingerprint';
import {
  runContext,
  step,
  BUILD_LOG,
  buildRef,
  failedTest,
  failingTests,
  itemTexts,
  leaking,
  RELEASE_VARIABLES,
  withFailures,
  withVariables,
  YAML_VARIABLES,
} from './fixtures';
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

  it('masks every text of the failing tests: names, messages, stack traces, runs, jobs, suspects, flaky results', () => {
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
      tests: [
        {
          ...failedTest('t ***', 'm ***'),
          stackTrace: 'at ***',
          standing: 'failingSince',
          since,
          ranIn: { kind: 'job', name: 'Test ***' },
        },
      ],
      flaky: [
        {
          ...failedTest('f ***', 'n ***'),
          stackTrace: 's ***',
          standing: 'flaky',
          flakyReason: 'flagged',
          ranIn: { kind: 'testRun', name: 'run ***' },
        },
      ],
      flakyFailed: 1,
      suspects: [
        { run: undefined, commits: [author] },
        { run: since.run, commits: [author] },
        { run: buildRef(780, '20261130.1 ***'), commits: undefined },
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
        ranIn: { kind: 'job', name: 'Test hunter22' },
      })),
      flaky: masked.flaky.map((test) => ({
        ...test,
        name: hidden(test.name),
        message: hidden(test.message),
        stackTrace: hidden(test.stackTrace),
        ranIn: { kind: 'testRun', name: 'run hunter22' },
      })),
      suspects: masked.suspects.map(({ run, commits }) => ({
        run: run && { ...run, name: hidden(run.name) },
        commits: commits?.map((commit) => ({
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
      suspects: masked.suspects.map((suspects) => ({ ...suspects, commits: suspects.commits?.map(clean) })),
    });
  });

  it('leaves missing test results missing', () => {
    assert.equal(maskedRun(runView(runContext(), NO_FACTS, 'failed'), []).evidence.tests, undefined);
  });
});

describe('the run context as items show it', () => {
  const secret = 'Sup3r-s3cret-deploy-key';
  // Every name of the run a pusher can choose, each with the secret, a bidi override and a hidden-text escape.
  const hostile = (name: string): string => `${name} \u001b[8m${secret}\u001b[0m \u202Efdp.exe`;
  const build = withVariables(YAML_VARIABLES, {
    'Build.DefinitionName': hostile('WebApp-CI'),
    'Build.SourceBranch': `refs/heads/${hostile('fix')}`,
    'Build.BuildNumber': hostile('20261129.3'),
    'Build.RequestedFor': hostile('Mallory'),
    'Build.Reason': hostile('Manual'),
    'System.StageDisplayName': hostile('Build'),
    'System.JobDisplayName': hostile('Unit tests'),
    'Environment.Name': hostile('staging'),
  });
  const release = withVariables(RELEASE_VARIABLES, {
    'Release.ReleaseName': hostile('Release-57'),
    'Release.DefinitionName': hostile('WebApp-CD'),
    'Release.EnvironmentName': hostile('Production'),
    'Release.RequestedFor': hostile('Mallory'),
  });
  const pullRequest = withVariables(YAML_VARIABLES, {
    'Build.Reason': 'PullRequest',
    'Build.SourceBranch': `refs/heads/${hostile('fix')}`,
    'Build.RequestedFor': hostile('Mallory'),
  });
  const tests = {
    ...failingTests(0, 1),
    tests: [failedTest('Checkout.Pays', 'boom')],
    flaky: [{ ...failedTest('Cart.Adds', 'timed out'), standing: 'flaky' as const }],
    url: 'https://x/',
  };
  const facts = withFailures([step('npm test', { errors: ['exit 1'] })]);
  const runs = { build, release, 'pull request': pullRequest };

  for (const [kind, context] of Object.entries(runs)) {
    for (const outcome of ['failed', 'succeeded'] as const) {
      it(`a ${kind} run that ${outcome}: every title, body and comment without the secret or its controls`, () => {
        const raw = runView(context, facts, outcome, { ...NO_EVIDENCE, tests });
        const texts = itemTexts(raw, [secret]);
        assert.deepEqual(leaking(texts, secret), []);
        // The names are still there, only cleaned.
        assert.ok(texts.workItemBody.includes('Mallory *** fdp.exe'), texts.workItemBody);
      });
    }
  }

  it('a test item’s title is cut only after the branch is masked: no part of the secret at the cut', () => {
    const context = withVariables(YAML_VARIABLES, { 'Build.SourceBranch': `refs/heads/fix/${secret}` });
    const name = `Checkout.${'PaysWithCard'.repeat(16)}.Work`;
    assert.equal(name.length, 206);
    const raw = runView(context, NO_FACTS, 'failed', {
      ...NO_EVIDENCE,
      tests: { ...tests, tests: [failedTest(name, '')] },
    });
    const texts = itemTexts(raw, [secret]);
    assert.deepEqual(leaking(texts, secret), []);
    assert.equal(texts.testItemTitle, `${name} fails in WebApp-CI on fix/***`);
  });

  it('keeps what the task finds and links by, and the lane its fingerprints are taken from, as the pipeline gave them', () => {
    const raw = runView(build, facts, 'failed', { ...NO_EVIDENCE, tests });
    const shown = maskedRun(raw, [secret]);
    assert.equal(shown.context.branch, 'fix *** fdp.exe');
    assert.equal(shown.context.requestedFor?.displayName, 'Mallory *** fdp.exe');
    assert.equal(shown.context.build?.number, '20261129.3 *** fdp.exe');
    assert.equal(shown.lane, build);
    for (const key of [
      'runUrl',
      'commit',
      'commitUrl',
      'branchRef',
      'project',
      'jobId',
      'collectionUri',
    ] as const) {
      assert.equal(shown.context[key], build[key], key);
    }
    assert.equal(shown.context.requestedFor?.email, build.requestedFor?.email);
    assert.equal(shown.context.build?.id, 812);
    assert.deepEqual(
      fingerprintOf(undefined, raw.values, shown.lane),
      fingerprintOf(undefined, raw.values, build),
    );
    assert.deepEqual(testFingerprintOf(shown.lane, 'T'), testFingerprintOf(build, 'T'));
    assert.deepEqual(flakyFingerprintOf(shown.lane), flakyFingerprintOf(build));
  });

  it('shows a commit a step set to a secret masked, never its first characters', () => {
    const context = withVariables(YAML_VARIABLES, { 'Build.SourceVersion': secret });
    const html = detailsHtml(maskedRun(runView(context, facts, 'failed'), [secret]));
    // The link's URL is masked with the whole body before it is sent; its text is cut, so it is masked first.
    assert.ok(!html.includes(`>${secret.slice(0, 8)}`), html);
    assert.match(html, /<b>Commit<\/b><\/td><td><a href="[^"]*">\*\*\*<\/a>/);
  });

  it('cleans a release’s names and a pull request’s lane as it shows them', () => {
    const shown = maskedRun(runView(release, NO_FACTS, 'failed'), [secret]).context;
    assert.equal(shown.release?.name, 'Release-57 *** fdp.exe');
    assert.equal(shown.release?.definitionName, 'WebApp-CD *** fdp.exe');
    assert.equal(shown.pipeline, 'WebApp-CD *** fdp.exe');
    assert.equal(shown.environment, 'Production *** fdp.exe');
    assert.equal(shown.release?.id, 57);
    const lane = maskedRun(runView(pullRequest, NO_FACTS, 'failed'), [secret]).context.pullRequest;
    assert.equal(lane, 'refs/heads/fix *** fdp.exe');
  });
});
