import * as assert from 'node:assert/strict';
import type { JobStatus } from '../../tasks/PipelineWorkItem/src/facts/context';
import type { Outcome } from '../../tasks/PipelineWorkItem/src/facts/model';
import { runOutcome, shouldFile, worstOutcome } from '../../tasks/PipelineWorkItem/src/facts/outcome';
import type { CreateOn } from '../../tasks/PipelineWorkItem/src/inputs/settings';

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
