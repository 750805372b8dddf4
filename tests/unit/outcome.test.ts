import * as assert from 'node:assert/strict';
import type { JobStatus } from '../../tasks/PipelineWorkItem/src/facts/context';
import {
  runOutcome,
  shouldFile,
  worstOutcome,
  jobOutcome,
  outcomeText,
} from '../../tasks/PipelineWorkItem/src/facts/outcome';
import type { CreateOn } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { Outcome } from '../../tasks/PipelineWorkItem/src/facts/model';

describe('outcome', () => {
  const runs: [JobStatus, Outcome | undefined, Outcome][] = [
    ['Failed', undefined, 'failed'],
    ['Succeeded', undefined, 'succeeded'],
    // The separate-job pattern: this job succeeded, another job of the run failed.
    ['Succeeded', 'failed', 'failed'],
    ['SucceededWithIssues', 'succeeded', 'succeededWithIssues'],
    ['Succeeded', 'succeededWithIssues', 'succeededWithIssues'],
    ['Canceled', 'succeeded', 'canceled'],
    ['Succeeded', 'canceled', 'canceled'],
    ['Canceled', 'failed', 'failed'],
    ['Skipped', undefined, 'succeeded'],
  ];
  for (const [job, others, expected] of runs) {
    it(`a run whose job is ${job} and whose other jobs are ${others ?? 'unknown'} is ${expected}`, () => {
      assert.equal(runOutcome(job, others), expected);
    });
  }

  it('ignores skipped and unfinished parts when finding the worst result', () => {
    assert.equal(worstOutcome(['skipped', undefined, 'succeeded']), 'succeeded');
    assert.equal(worstOutcome(['skipped', undefined]), undefined);
  });

  const filing: [CreateOn, Outcome[], Outcome[]][] = [
    ['failure', ['failed'], ['succeeded', 'succeededWithIssues', 'canceled']],
    ['failureOrIssues', ['failed', 'succeededWithIssues'], ['succeeded', 'canceled']],
    ['success', ['succeeded', 'succeededWithIssues'], ['failed', 'canceled']],
    ['always', ['failed', 'succeededWithIssues', 'succeeded'], ['canceled']],
  ];
  for (const [createOn, files, skips] of filing) {
    it(`createOn ${createOn} files on ${files.join(', ')} and not on ${skips.join(', ')}`, () => {
      for (const outcome of files) assert.equal(shouldFile(createOn, outcome), true, outcome);
      for (const outcome of skips) assert.equal(shouldFile(createOn, outcome), false, outcome);
    });
  }
});

describe('outcomes', () => {
  const texts: [Outcome, string][] = [
    ['succeeded', 'Succeeded'],
    ['succeededWithIssues', 'Succeeded with issues'],
    ['failed', 'Failed'],
    ['canceled', 'Canceled'],
  ];
  for (const [outcome, text] of texts) {
    it(`${outcome} reads '${text}'`, () => assert.equal(outcomeText(outcome), text));
  }

  it("a skipped job says nothing about the run; the others' own outcome", () => {
    assert.equal(jobOutcome('Skipped'), undefined);
    assert.equal(jobOutcome('Canceled'), 'canceled');
    assert.equal(jobOutcome('SucceededWithIssues'), 'succeededWithIssues');
  });

  it('takes the first of equally bad outcomes and ignores skipped parts wherever they stand', () => {
    assert.equal(worstOutcome(['skipped']), undefined);
    assert.equal(worstOutcome(['canceled', 'skipped', 'succeeded']), 'canceled');
  });
});
