import * as assert from 'node:assert/strict';
import { fitTitle, plainTitle, workItemTitle } from '../../tasks/PipelineWorkItem/src/render/title';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import {
  NPM_TEST_FAILED,
  RELEASE_VARIABLES,
  runContext,
  YAML_VARIABLES,
  step,
  templateOf,
  withFailures,
} from './fixtures';
import { NO_FACTS, Outcome } from '../../tasks/PipelineWorkItem/src/facts/model';

const facts = NPM_TEST_FAILED;

describe('title', () => {
  const context = runContext();
  const run = runView(context, facts, 'failed');

  it('names pipeline, branch and the first failed step by default', () => {
    assert.equal(workItemTitle(undefined, run), 'WebApp-CI failed on main: Build › Unit tests › npm test');
  });

  it('names release and environment in a release', () => {
    const release = runContext(RELEASE_VARIABLES);
    assert.equal(
      workItemTitle(undefined, runView(release, facts, 'failed')),
      'Release-57 failed in Production',
    );
    assert.equal(
      workItemTitle(undefined, runView(release, facts, 'succeeded')),
      'Release-57 succeeded in Production',
    );
  });

  it('says succeeded with the run for success events', () => {
    const green = runView(context, { ...facts, failures: [] }, 'succeeded');
    assert.equal(workItemTitle(undefined, green), 'WebApp-CI succeeded on main (20261129.3)');
  });

  it('fills a template and folds its white space', () => {
    const title = workItemTitle(templateOf('title', '[{{runName}}]  {{firstError}}\n'), run);
    assert.equal(title, '[20261129.3] Expected <div> to equal "a & b"');
  });

  it('cuts at 255 characters with an ellipsis, never splitting a character', () => {
    assert.equal(fitTitle('a'.repeat(255)), 'a'.repeat(255));
    const cut = fitTitle('a'.repeat(253) + '😀😀😀');
    assert.equal(cut, 'a'.repeat(253) + '…');
    assert.ok(cut.length <= 255);
    assert.equal(fitTitle('b'.repeat(400)).length, 255);
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
    const facts = withFailures([step('npm test')]);
    assert.equal(
      workItemTitle(undefined, runView(runContext(), facts, 'succeededWithIssues')),
      'WebApp-CI succeeded with issues on main (20261129.3)',
    );
  });

  it('leaves out a branch or environment the run does not have', () => {
    const facts = withFailures([step('npm test')]);
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

  it('cuts between the characters a reader sees: a letter keeps its accent, an emoji its sequence', () => {
    // e + U+0301 straddles the cut: the letter would lose its accent (or the accent its letter).
    assert.equal(fitTitle(`${'a'.repeat(253)}e\u0301${'b'.repeat(10)}`), `${'a'.repeat(253)}…`);
    // A family emoji (ZWJ sequence) and a flag (two regional indicators) go whole or not at all.
    const family = '👩\u200d👩\u200d👧';
    assert.equal(fitTitle(`${'a'.repeat(250)}${family}${'b'.repeat(10)}`), `${'a'.repeat(250)}…`);
    assert.equal(fitTitle(`${'a'.repeat(252)}🇳🇱${'b'.repeat(10)}`), `${'a'.repeat(252)}…`);
    assert.equal(fitTitle(`${'a'.repeat(246)}${family}${'b'.repeat(10)}`), `${'a'.repeat(246)}${family}…`);
  });

  it('cuts a character of hundreds of marks between whole code points rather than leave no title', () => {
    const zalgo = `Z${'\u0301'.repeat(400)}`;
    assert.equal(fitTitle(zalgo), `Z${'\u0301'.repeat(253)}…`);
  });

  it('makes a title plain text: no control character, no half of a surrogate pair', () => {
    assert.equal(plainTitle('red \u001b[31mbuild\u0007 \u0085failed\u009b'), 'red [31mbuild failed');
    assert.equal(plainTitle('half \ud83d of a pair \ude00'), 'half \ufffd of a pair \ufffd');
    assert.equal(plainTitle('noncharacters \uffff\ufffe gone'), 'noncharacters gone');
    // Two halves with a control character between them stay two halves: no character nobody wrote.
    assert.equal(plainTitle('a\ud800\u0001\udc00b'), 'a\ufffd\ufffdb');
    assert.equal(plainTitle('a\ud800\u202e\udc00b'), 'a\ufffd\ufffdb');
    // A joiner is part of an emoji, not a control: it stays.
    assert.equal(plainTitle('team 👩\u200d👩\u200d👧 failed'), 'team 👩\u200d👩\u200d👧 failed');
  });

  it('does not end a cut title with white space before the ellipsis', () => {
    assert.equal(fitTitle(`${'a'.repeat(250)}      ${'b'.repeat(10)}`), `${'a'.repeat(250)}…`);
  });
});
