import * as assert from 'node:assert/strict';
import type { RunContext } from '../../tasks/PipelineWorkItem/src/facts/context';
import { NO_EVIDENCE, NO_FACTS } from '../../tasks/PipelineWorkItem/src/facts/model';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { runContext, withVariables, YAML_VARIABLES } from './fixtures';

/** The YAML run's variables with some changed; `undefined` removes one. */
function yaml(changes: Record<string, string | undefined>): RunContext {
  return withVariables(YAML_VARIABLES, changes);
}

describe('placeholder values', () => {
  const failure = (stage: string, step: string, errors: string[]) => ({
    stage,
    job: 'Job A',
    step,
    errors,
    warnings: [],
    log: undefined,
  });

  it('lists every failed step and takes the first error of any of them', () => {
    const facts = {
      ...NO_FACTS,
      failures: [failure('Build', 'lint', []), failure('Test', 'npm test', ['3 failed'])],
    };
    const values = runView(runContext(), facts, 'failed').values;
    assert.equal(values.failedStep, 'Build › Job A › lint');
    assert.equal(values.failedSteps, 'Build › Job A › lint, Test › Job A › npm test');
    assert.equal(values.firstError, '3 failed');
    assert.equal(values.status, 'Failed');
  });

  it('gives empty values for what the run does not have', () => {
    const context = yaml({ 'Build.RequestedFor': undefined, 'Build.RequestedForEmail': undefined });
    const view = runView(context, NO_FACTS, 'succeeded');
    assert.equal(view.values.requestedFor, '');
    assert.equal(view.values.failedStep, '');
    assert.equal(view.values.failedSteps, '');
    assert.equal(view.values.firstError, '');
    assert.deepEqual(view.evidence, { logTails: [], tests: undefined, commits: [], workItems: [] });
    assert.deepEqual(NO_EVIDENCE, view.evidence);
    assert.deepEqual(NO_FACTS, { othersOutcome: undefined, failures: [], artifacts: [] });
  });
});
