import * as assert from 'node:assert/strict';
import { NO_EVIDENCE, NO_FACTS } from '../../tasks/PipelineWorkItem/src/facts/model';
import { fingerprintValues, listedSteps, runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { runContext, yaml } from './fixtures';

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

  it('{{failedSteps}} of many failed steps: the first five and how many more; a fingerprint keeps them all', () => {
    const failures = Array.from({ length: 300 }, (_, i) => failure('Build', `check ${i + 1}`, []));
    const view = runView(runContext(), { ...NO_FACTS, failures }, 'failed');
    const path = (n: number): string => `Build › Job A › check ${n}`;
    assert.equal(view.values.failedSteps, `${[1, 2, 3, 4, 5].map(path).join(', ')} and 295 more`);
    assert.equal(view.values.failedStep, path(1));
    const all = fingerprintValues(view);
    assert.equal(all.failedSteps, failures.map((_, i) => path(i + 1)).join(', '));
    assert.deepEqual({ ...all, failedSteps: view.values.failedSteps }, view.values);
  });

  it('{{failedSteps}} names fewer steps rather than pass 255 characters, but always the first', () => {
    const long = (n: number, length: number): string => `${n}`.padEnd(length, 'x');
    assert.equal(listedSteps([]), '');
    assert.equal(listedSteps(['a', 'b', 'c', 'd', 'e']), 'a, b, c, d, e');
    assert.equal(listedSteps(['a', 'b', 'c', 'd', 'e', 'f']), 'a, b, c, d, e and 1 more');
    // Five paths of exactly 255 characters together are all named.
    const fit = [49, 49, 49, 50, 50].map((length, n) => long(n, length));
    assert.equal(listedSteps(fit).length, 255);
    assert.equal(listedSteps(fit), fit.join(', '));
    const over = [...fit.slice(0, 4), long(4, 51)];
    assert.equal(listedSteps(over), `${fit.slice(0, 4).join(', ')} and 1 more`);
    // Five named and one more in exactly 255 characters.
    const edge = [47, 47, 47, 47, 48, 1].map((length, n) => long(n, length));
    assert.equal(listedSteps(edge), `${edge.slice(0, 5).join(', ')} and 1 more`);
    assert.equal(listedSteps(edge).length, 255);
    const hundred = [1, 2, 3].map((n) => long(n, 100));
    assert.equal(listedSteps(hundred), `${hundred[0]}, ${hundred[1]} and 1 more`);
    assert.equal(listedSteps([long(1, 300)]), long(1, 300));
    assert.equal(listedSteps([long(1, 300), 'b']), `${long(1, 300)} and 1 more`);
    for (let length = 1; length <= 240; length += 7) {
      const paths = Array.from({ length: 40 }, (_, i) => long(i, length));
      const listed = listedSteps(paths);
      assert.ok(listed.length <= 255 && listed.startsWith(paths[0] ?? ''), listed);
    }
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
