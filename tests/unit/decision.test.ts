import * as assert from 'node:assert/strict';
import { Outcome } from '../../tasks/PipelineWorkItem/src/facts/model';
import { InputName } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import {
  Action,
  decide,
  filesForSuccess,
  Intent,
  intentFor,
  intentFromJobOutcome,
  needsOpenItems,
} from '../../tasks/PipelineWorkItem/src/lifecycle/decision';
import { settingsOf } from './fixtures';

describe('lifecycle decision', () => {
  const table: [string, Intent, 'comment' | 'new' | 'skip', number[], Action][] = [
    ['a new failure files', 'file', 'comment', [], { kind: 'create' }],
    [
      'a recurrence comments on the oldest open item',
      'file',
      'comment',
      [7, 9],
      { kind: 'comment', item: 7 },
    ],
    ['skip reports the open item', 'file', 'skip', [7], { kind: 'skip', item: 7 }],
    ['new files even with an open item', 'file', 'new', [7], { kind: 'create' }],
    ['a recovery resolves every open item', 'recover', 'comment', [7, 9], { kind: 'resolve', items: [7, 9] }],
    ['a recovery with nothing open does nothing', 'recover', 'comment', [], { kind: 'none' }],
    ['nothing to do stays nothing', 'nothing', 'comment', [7], { kind: 'none' }],
  ];
  for (const [name, intent, onRecurrence, open, action] of table) {
    it(name, () => assert.deepEqual(decide(intent, onRecurrence, open), action));
  }

  it('files for the outcomes createOn names, resolves on other green runs when asked', () => {
    const cases: [Partial<Record<InputName, string>>, Outcome, Intent][] = [
      [{}, 'failed', 'file'],
      [{}, 'succeeded', 'recover'],
      [{}, 'succeededWithIssues', 'recover'],
      [{}, 'canceled', 'nothing'],
      [{ resolveOnRecovery: 'false' }, 'succeeded', 'nothing'],
      [{ createOn: 'failureOrIssues' }, 'succeededWithIssues', 'file'],
      [{ createOn: 'success' }, 'succeeded', 'file'],
      [{ createOn: 'success' }, 'failed', 'nothing'],
      [{ createOn: 'always' }, 'succeeded', 'file'],
    ];
    for (const [values, outcome, intent] of cases) {
      assert.equal(intentFor(settingsOf(values), outcome), intent, `${JSON.stringify(values)} ${outcome}`);
    }
  });

  it('files for a success a succeeded run, and one with issues only when createOn asks for successes', () => {
    assert.equal(filesForSuccess('success', 'succeeded'), true);
    assert.equal(filesForSuccess('always', 'succeeded'), true);
    assert.equal(filesForSuccess('success', 'succeededWithIssues'), true);
    assert.equal(filesForSuccess('always', 'succeededWithIssues'), false);
    assert.equal(filesForSuccess('failureOrIssues', 'succeededWithIssues'), false);
    assert.equal(filesForSuccess('always', 'failed'), false);
  });

  it("knows the intent from this job's status only when no other job can change it", () => {
    const defaults = settingsOf({});
    assert.equal(intentFromJobOutcome(defaults, 'failed'), 'file');
    assert.equal(intentFromJobOutcome(defaults, 'succeeded'), undefined, 'another job may have failed');
    assert.equal(intentFromJobOutcome(defaults, undefined), undefined);
    assert.equal(intentFromJobOutcome(settingsOf({ createOn: 'always' }), 'succeeded'), undefined);
    assert.equal(intentFromJobOutcome(settingsOf({ createOn: 'success' }), 'failed'), 'nothing');
  });

  it('reads open items only when they change what happens', () => {
    assert.equal(needsOpenItems('file', 'comment'), true);
    assert.equal(needsOpenItems('file', 'skip'), true);
    assert.equal(needsOpenItems('file', 'new'), false);
    assert.equal(needsOpenItems('recover', 'new'), true);
    assert.equal(needsOpenItems('nothing', 'comment'), false);
  });
});

describe("the intent from this job's own outcome", () => {
  const cases: [Partial<Record<InputName, string>>, Outcome | undefined, Intent | undefined][] = [
    // Another job may still have failed (file) or the run may be canceled (nothing).
    [{}, 'succeededWithIssues', undefined],
    [{}, 'canceled', undefined],
    [{ createOn: 'always' }, 'canceled', undefined],
    [{ createOn: 'failureOrIssues' }, 'succeededWithIssues', undefined],
    [{ createOn: 'success', resolveOnRecovery: 'false' }, 'canceled', 'nothing'],
    [{ createOn: 'success', resolveOnRecovery: 'false' }, undefined, undefined],
    [{ createOn: 'always' }, 'failed', 'file'],
  ];
  for (const [values, outcome, expected] of cases) {
    it(`${JSON.stringify(values)} and a job ${outcome ?? 'skipped'}: ${expected ?? 'the run decides'}`, () => {
      assert.equal(intentFromJobOutcome(settingsOf(values), outcome), expected);
    });
  }
});
