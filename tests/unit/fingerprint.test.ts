import * as assert from 'node:assert/strict';
import {
  Fingerprint,
  fingerprintOf,
  flakyFingerprintOf,
  successFingerprintOf,
  testFingerprintOf,
} from '../../tasks/PipelineWorkItem/src/lifecycle/fingerprint';
import { laneOf } from '../../tasks/PipelineWorkItem/src/facts/context';
import type { TemplateValues } from '../../tasks/PipelineWorkItem/src/text/templates';
import { PR_VARIABLES, RELEASE_VARIABLES, runContext, templateOf, YAML_VARIABLES } from './fixtures';

// A job whose agent did not say which definition runs it: the pipeline is known by its name alone.
const NAMED = Object.fromEntries(
  Object.entries(YAML_VARIABLES).filter(([name]) => name !== 'System.DefinitionId'),
);

describe('fingerprint: text, tags and template', () => {
  const context = runContext();
  const values = { pipeline: 'WebApp-CI', branch: 'main', failedStep: 'Build › npm test' } as never;

  it('defaults to pipeline and branch, and adds the environment in a release', () => {
    assert.equal(fingerprintOf(undefined, values, context).text, 'WebApp-CI · main');
    const release = runContext(RELEASE_VARIABLES);
    assert.equal(fingerprintOf(undefined, values, release).text, 'WebApp-CD · main · Production');
  });

  it('stores a short hash as a tag, ignoring case and spacing, and differs per branch', () => {
    const a = fingerprintOf(undefined, values, context);
    assert.match(a.tag, /^pwi:[0-9a-f]{12}$/);
    assert.equal(fingerprintOf(undefined, values, { ...context, pipeline: 'webapp-ci  ' }).tag, a.tag);
    assert.notEqual(fingerprintOf(undefined, values, { ...context, branch: 'release/2.0' }).tag, a.tag);
  });

  it("a success's items are a series of their own: never a failure's tag or scope, and one tag", () => {
    const failure = fingerprintOf(undefined, values, context);
    const success = successFingerprintOf(failure);
    assert.equal(success.text, 'WebApp-CI · main · succeeded');
    assert.match(success.tag, /^pwi:success-[0-9a-f]{12}$/);
    assert.notEqual(success.tag, failure.tag);
    assert.notEqual(success.tag, failure.scopeTag);
    // One tag: a green run's recovery, which searches by the scope tag, never finds it.
    assert.equal(success.scopeTag, success.tag);
    assert.equal(successFingerprintOf(fingerprintOf(undefined, values, context)).tag, success.tag);
    const otherBranch = fingerprintOf(undefined, values, { ...context, branch: 'release/2.0' });
    assert.notEqual(successFingerprintOf(otherBranch).tag, success.tag);
  });

  it('keeps every tag as earlier runs wrote it: open items are found by them', () => {
    const pr = { ...context, pullRequest: '7' };
    const run = fingerprintOf(undefined, values, context);
    assert.deepEqual(
      {
        run,
        pullRequest: fingerprintOf(undefined, values, pr),
        release: fingerprintOf(undefined, values, runContext(RELEASE_VARIABLES)),
        test: testFingerprintOf(context, 'Checkout.Pays'),
        pullRequestTest: testFingerprintOf(pr, 'Checkout.Pays'),
        flaky: flakyFingerprintOf(context),
        pullRequestFlaky: flakyFingerprintOf(pr),
        success: successFingerprintOf(run),
      },
      {
        run: { text: 'WebApp-CI · main', tag: 'pwi:9d3027273b35', scopeTag: 'pwi:scope-66700b6d0e72' },
        pullRequest: {
          text: 'WebApp-CI · main · pull request 7',
          tag: 'pwi:pr-3dbcf4e07208',
          scopeTag: 'pwi:scope-34db47da10eb',
        },
        release: {
          text: 'WebApp-CD · main · Production',
          tag: 'pwi:bd3eae359c65',
          scopeTag: 'pwi:scope-9a98c3f41c30',
        },
        test: {
          text: 'WebApp-CI · main · Checkout.Pays',
          tag: 'pwi:test-37fe6342d25a',
          scopeTag: 'pwi:tests-dde9fd8d03f1',
        },
        pullRequestTest: {
          text: 'WebApp-CI · main · Checkout.Pays · pull request 7',
          tag: 'pwi:test-16e81ab39f72',
          scopeTag: 'pwi:tests-04b9e0ca8a7c',
        },
        flaky: {
          text: 'flaky tests · WebApp-CI',
          tag: 'pwi:flaky-ed661936f072',
          scopeTag: 'pwi:flaky-ed661936f072',
        },
        pullRequestFlaky: {
          text: 'flaky tests · WebApp-CI · pull request 7',
          tag: 'pwi:flaky-1adfba370da8',
          scopeTag: 'pwi:flaky-1adfba370da8',
        },
        success: {
          text: 'WebApp-CI · main · succeeded',
          tag: 'pwi:success-341b38fd203f',
          scopeTag: 'pwi:success-341b38fd203f',
        },
      },
    );
  });

  it('renders a fingerprint template', () => {
    const fingerprint = fingerprintOf(
      templateOf('fingerprint', '{{pipeline}} {{failedStep}}'),
      values,
      context,
    );
    assert.equal(fingerprint.text, 'WebApp-CI Build › npm test');
  });
});

describe('fingerprints', () => {
  const values = { pipeline: 'WebApp-CI', branch: 'main' } as never;

  it('stores the first 12 hex digits of the SHA-256 of the lower-cased text', () => {
    const { text, tag } = fingerprintOf(undefined, values, runContext());
    assert.deepEqual({ text, tag }, { text: 'WebApp-CI · main', tag: 'pwi:9d3027273b35' });
  });

  it('trims white space around the whole text', () => {
    const context = {
      hostType: 'build' as const,
      project: 'WebApp',
      pipeline: ' WebApp-CI',
      branch: 'main\n',
      environment: '',
    };
    const { text, tag } = fingerprintOf(undefined, values, context);
    assert.deepEqual({ text, tag }, { text: 'WebApp-CI · main', tag: 'pwi:9d3027273b35' });
  });
});

describe('the runs of tags', () => {
  const values = { pipeline: 'WebApp-CI', branch: 'v1.2.0' } as TemplateValues;
  const at = (ref: string): Fingerprint =>
    fingerprintOf(undefined, values, laneOf(runContext({ ...YAML_VARIABLES, 'Build.SourceBranch': ref })));
  const tag = at('refs/tags/v1.2.0');

  it('share one lane, every tag of the pipeline: fingerprint and scope', () => {
    assert.equal(tag.text, 'WebApp-CI · every tag');
    assert.deepEqual(at('refs/tags/v1.3.0'), tag);
    assert.deepEqual(at('refs/tags/release/2026-12'), tag);
  });

  it('are never in the lane of a branch, not even of a branch of the same name', () => {
    for (const branch of [at('refs/heads/v1.2.0'), at('refs/heads/main'), at('v1.2.0')]) {
      assert.notEqual(branch.tag, tag.tag);
      assert.notEqual(branch.scopeTag, tag.scopeTag);
    }
    assert.equal(
      laneOf(runContext({ ...YAML_VARIABLES, 'Build.SourceBranch': 'refs/heads/main' })).branch,
      'main',
    );
  });

  it('keep their tag where the run is shown and in the {{branch}} placeholder', () => {
    const context = runContext({ ...YAML_VARIABLES, 'Build.SourceBranch': 'refs/tags/v1.2.0' });
    assert.equal(context.branch, 'v1.2.0');
    assert.equal(
      fingerprintOf(templateOf('fingerprint', '{{pipeline}} {{branch}}'), values, laneOf(context)).text,
      'WebApp-CI v1.2.0',
    );
  });
});

describe('the pull-request lane', () => {
  const values = { pipeline: 'WebApp-CI', branch: 'main', failedStep: 'Build › npm test' } as TemplateValues;
  const main = runContext();
  const pullRequest = runContext(PR_VARIABLES);

  it('keeps the 1.0.0 tag of a run that is not a pull request, whatever the template', () => {
    assert.equal(fingerprintOf(undefined, values, main).tag, 'pwi:9d3027273b35');
    const branchless = fingerprintOf(templateOf('fingerprint', '{{pipeline}}'), values, main);
    assert.deepEqual(
      { text: branchless.text, tag: branchless.tag },
      { text: 'WebApp-CI', tag: 'pwi:f5a322737d98' },
    );
  });

  it("puts a pull request's id into its fingerprint, whatever the template, in a tag of its own form", () => {
    const branchless = fingerprintOf(templateOf('fingerprint', '{{pipeline}}'), values, pullRequest);
    assert.equal(branchless.text, 'WebApp-CI · pull request 7');
    assert.match(branchless.tag, /^pwi:pr-[0-9a-f]{12}$/);
    assert.notEqual(
      branchless.tag,
      fingerprintOf(templateOf('fingerprint', '{{pipeline}}'), values, main).tag,
    );
    const other = runContext({ ...PR_VARIABLES, 'System.PullRequest.PullRequestId': '8' });
    assert.notEqual(
      fingerprintOf(templateOf('fingerprint', '{{pipeline}}'), values, other).tag,
      branchless.tag,
    );
  });

  it("never takes a run's fingerprint text as a pull request's, nor the reverse", () => {
    // A branch that spells what the pull request's text says still hashes in the other domain.
    const spelled = fingerprintOf(templateOf('fingerprint', 'WebApp-CI · pull request 7'), values, main);
    const pr = fingerprintOf(templateOf('fingerprint', '{{pipeline}}'), values, pullRequest);
    assert.equal(spelled.text, pr.text);
    assert.notEqual(spelled.tag, pr.tag);
  });

  // The lane and the fingerprint of a run of `branch`, with the `fingerprint` template `source`.
  const lane = (branch: string) =>
    laneOf(runContext({ ...YAML_VARIABLES, 'Build.SourceBranch': `refs/heads/${branch}` }));
  const of = (branch: string, source?: string) =>
    fingerprintOf(
      source ? templateOf('fingerprint', source) : undefined,
      { ...values, branch } as never,
      lane(branch),
    );

  it('a branch named as another but for a space beyond ASCII (no-break, zero-width) is a lane of its own', () => {
    for (const source of [undefined, '{{pipeline}} {{branch}}']) {
      const main = of('main', source);
      for (const branch of ['main\uFEFF', '\u00A0main', 'ma\u3000in']) {
        assert.notEqual(of(branch, source).tag, main.tag, JSON.stringify(branch));
        assert.notEqual(of(branch, source).scopeTag, main.scopeTag, JSON.stringify(branch));
      }
    }
    const tags = laneOf(runContext({ ...YAML_VARIABLES, 'Build.SourceBranch': 'refs/tags/v1' }));
    assert.notEqual(lane('every\u00A0tag').branch, tags.branch);
    assert.equal(lane('every\u00A0tag').branch, 'every<U+A0>tag');
  });

  it('a branch named as another but for letter case (MAIN, Main, a Kelvin sign for K) is a lane of its own', () => {
    for (const source of [undefined, '{{pipeline}} {{branch}}']) {
      const main = of('main', source);
      assert.equal(main.caseBlind, undefined, 'a branch in lower case has one tag, as 1.0.0 wrote it');
      for (const branch of ['MAIN', 'Main', 'mAin']) {
        const other = of(branch, source);
        assert.notEqual(other.tag, main.tag, branch);
        assert.notEqual(other.scopeTag, main.scopeTag, branch);
        // 1.0.0's tag ignored case: it is main's, and main's items carry main's scope tag.
        assert.deepEqual(other.caseBlind, { tag: main.tag, lowerCaseScopeTag: main.scopeTag }, branch);
        assert.notEqual(of(branch === 'MAIN' ? 'Main' : 'MAIN', source).tag, other.tag, branch);
      }
      assert.notEqual(of('\u212Aey', source).tag, of('key', source).tag, 'the Kelvin sign');
      assert.notEqual(of('\u212Aey', source).tag, of('Key', source).tag, 'the Kelvin sign and K');
      // A letter beyond the Basic Multilingual Plane, two UTF-16 code units: Deseret's capital and small long I.
      assert.notEqual(of('\u{10400}x', source).tag, of('\u{10428}x', source).tag, 'Deseret');
      // A space's code point is written in upper case and is no letter of the branch's.
      assert.equal(of('ma\u3000in', source).caseBlind, undefined);
    }
    // A template without the branch has nothing of its case.
    assert.equal(of('MAIN', '{{pipeline}}').tag, of('main', '{{pipeline}}').tag);
    assert.equal(of('MAIN', '{{pipeline}}').caseBlind, undefined);
    assert.notEqual(testFingerprintOf(lane('MAIN'), 'T').tag, testFingerprintOf(lane('main'), 'T').tag);
  });

  describe('scope tags', () => {
    const scope = (variables: Record<string, string>, source?: string): string =>
      fingerprintOf(source ? templateOf('fingerprint', source) : undefined, values, runContext(variables))
        .scopeTag;

    it('are one per pipeline, branch, environment and lane, whatever the template', () => {
      const base = scope(YAML_VARIABLES);
      assert.match(base, /^pwi:scope-[0-9a-f]{12}$/);
      assert.equal(scope(YAML_VARIABLES, '{{pipeline}} {{failedStep}}'), base);
      assert.equal(
        scope({ ...YAML_VARIABLES, 'Build.DefinitionName': 'webapp-ci ' }),
        base,
        'case and spacing',
      );
      const others = [
        // A pipeline of the same name in another folder.
        scope({ ...YAML_VARIABLES, 'System.DefinitionId': '13' }),
        scope({ ...YAML_VARIABLES, 'Build.SourceBranch': 'refs/heads/release/2.0' }),
        scope({ ...YAML_VARIABLES, 'Environment.Name': 'Production' }),
        scope({ ...YAML_VARIABLES, 'System.TeamProject': 'Mobile' }),
        scope(PR_VARIABLES),
        scope({ ...PR_VARIABLES, 'System.PullRequest.PullRequestId': '8' }),
      ];
      assert.equal(new Set([base, ...others]).size, others.length + 1);
    });

    it('follow the pipeline through a rename; without its id, the name tells pipelines apart', () => {
      const base = scope(YAML_VARIABLES);
      assert.equal(scope({ ...YAML_VARIABLES, 'Build.DefinitionName': 'WebApp-CI (old)' }), base);
      const named = scope(NAMED);
      assert.notEqual(named, base);
      assert.notEqual(scope({ ...NAMED, 'Build.DefinitionName': 'Other' }), named);
      assert.equal(scope({ ...NAMED, 'Build.DefinitionName': ' webapp-ci' }), named);
    });

    it('keep a build definition and a release definition of one number apart', () => {
      const build = scope({
        ...YAML_VARIABLES,
        'System.DefinitionId': '4',
        'Environment.Name': 'Production',
      });
      const release = scope(RELEASE_VARIABLES);
      assert.equal(runContext(RELEASE_VARIABLES).pipelineId, '4');
      assert.equal(runContext(RELEASE_VARIABLES).branch, 'main');
      assert.notEqual(build, release);
    });

    it('cannot be spelled by moving text between the parts', () => {
      const a = scope({
        ...NAMED,
        'Build.DefinitionName': 'a b',
        'Build.SourceBranch': 'refs/heads/c',
      });
      const b = scope({
        ...NAMED,
        'Build.DefinitionName': 'a',
        'Build.SourceBranch': 'refs/heads/b c',
      });
      assert.notEqual(a, b);
    });
  });
});

describe('the fingerprints of a test’s own item and of the flaky-tests item', () => {
  const values = { pipeline: 'WebApp-CI', branch: 'main' } as TemplateValues;
  const main = runContext();
  const run = fingerprintOf(undefined, values, main);
  const test = (name: string, variables: Record<string, string> = YAML_VARIABLES) =>
    testFingerprintOf(runContext(variables), name);

  it('a test’s: pipeline, branch and test as its text; tags of their own form, never the run’s', () => {
    const pays = test('Checkout.Pays');
    assert.equal(pays.text, 'WebApp-CI · main · Checkout.Pays');
    assert.match(pays.tag, /^pwi:test-[0-9a-f]{12}$/);
    assert.match(pays.scopeTag, /^pwi:tests-[0-9a-f]{12}$/);
    assert.equal(new Set([pays.tag, pays.scopeTag, run.tag, run.scopeTag]).size, 4);
    assert.equal(
      testFingerprintOf(runContext(RELEASE_VARIABLES), 'Checkout.Pays').text,
      'WebApp-CD · main · Production · Checkout.Pays',
    );
  });

  it('one tag per test, its name’s case and spacing ignored; one scope tag for every test of the pipeline and branch', () => {
    const pays = test('Checkout.Pays');
    assert.equal(test(' checkout.PAYS\n').tag, pays.tag);
    assert.equal(test('Data  Row (a,\tb)').tag, test('data row (a, b)').tag);
    assert.notEqual(test('Checkout.Refunds').tag, pays.tag);
    assert.equal(test('Checkout.Refunds').scopeTag, pays.scopeTag);
  });

  it('a test’s tags differ per pipeline, branch and pull-request lane', () => {
    const pays = test('Checkout.Pays');
    const others = [
      test('Checkout.Pays', { ...YAML_VARIABLES, 'System.DefinitionId': '13' }),
      test('Checkout.Pays', { ...YAML_VARIABLES, 'Build.SourceBranch': 'refs/heads/release/2.0' }),
      test('Checkout.Pays', PR_VARIABLES),
      test('Checkout.Pays', { ...PR_VARIABLES, 'System.PullRequest.PullRequestId': '8' }),
    ];
    assert.equal(new Set([pays.tag, ...others.map((other) => other.tag)]).size, 5);
    assert.equal(new Set([pays.scopeTag, ...others.map((other) => other.scopeTag)]).size, 5);
    assert.equal(
      test('Checkout.Pays', PR_VARIABLES).text,
      'WebApp-CI · pull/7/merge · Checkout.Pays · pull request 7',
    );
  });

  it('a test’s tag cannot be spelled by moving text between the branch and the test name', () => {
    const a = test('x · y', { ...YAML_VARIABLES, 'Build.SourceBranch': 'refs/heads/main' });
    const b = test('y', { ...YAML_VARIABLES, 'Build.SourceBranch': 'refs/heads/main · x' });
    assert.equal(a.text, b.text);
    assert.notEqual(a.tag, b.tag);
  });

  it('the flaky-tests item’s: one per pipeline whatever the branch, its own tag as its scope, a lane per pull request', () => {
    const flaky = flakyFingerprintOf(main);
    assert.match(flaky.tag, /^pwi:flaky-[0-9a-f]{12}$/);
    assert.equal(flaky.scopeTag, flaky.tag);
    assert.equal(flaky.text, 'flaky tests · WebApp-CI');
    assert.ok(![run.tag, run.scopeTag, test('').scopeTag].includes(flaky.tag));
    const branch = runContext({ ...YAML_VARIABLES, 'Build.SourceBranch': 'refs/heads/release/2.0' });
    assert.equal(flakyFingerprintOf(branch).tag, flaky.tag);
    assert.equal(
      flakyFingerprintOf(runContext({ ...YAML_VARIABLES, 'Build.DefinitionName': ' webapp-ci' })).tag,
      flaky.tag,
    );
    const pr = flakyFingerprintOf(runContext(PR_VARIABLES));
    assert.equal(pr.text, 'flaky tests · WebApp-CI · pull request 7');
    const others = [
      pr.tag,
      flakyFingerprintOf(runContext({ ...PR_VARIABLES, 'System.PullRequest.PullRequestId': '8' })).tag,
      flakyFingerprintOf(runContext({ ...YAML_VARIABLES, 'System.DefinitionId': '13' })).tag,
      flakyFingerprintOf(runContext({ ...YAML_VARIABLES, 'System.TeamProject': 'Mobile' })).tag,
    ];
    assert.equal(new Set([flaky.tag, ...others]).size, 5);
  });
});
