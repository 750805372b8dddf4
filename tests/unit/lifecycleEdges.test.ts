import * as assert from 'node:assert/strict';
import type { Outcome } from '../../tasks/PipelineWorkItem/src/facts/model';
import { InputName, readSettings } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { Intent, intentFromJobOutcome } from '../../tasks/PipelineWorkItem/src/lifecycle/decision';
import { fingerprintOf } from '../../tasks/PipelineWorkItem/src/lifecycle/fingerprint';
import { markerHtml, readMarkers, runKey } from '../../tasks/PipelineWorkItem/src/lifecycle/marker';
import { inputs, runContext } from './fixtures';

const choices = (values: Partial<Record<InputName, string>>) => readSettings(inputs(values));

describe('lifecycle at its edges', () => {
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
        assert.equal(intentFromJobOutcome(choices(values), outcome), expected);
      });
    }
  });

  describe('fingerprints', () => {
    const values = { pipeline: 'WebApp-CI', branch: 'main' } as never;

    it('stores the first 12 hex digits of the SHA-256 of the lower-cased text', () => {
      const { text, tag } = fingerprintOf(undefined, values, runContext());
      assert.deepEqual({ text, tag }, { text: 'WebApp-CI · main', tag: 'pwi:9d3027273b35' });
    });

    it('trims white space around the whole text', () => {
      const context = { project: 'WebApp', pipeline: ' WebApp-CI', branch: 'main\n', environment: '' };
      const { text, tag } = fingerprintOf(undefined, values, context);
      assert.deepEqual({ text, tag }, { text: 'WebApp-CI · main', tag: 'pwi:9d3027273b35' });
    });
  });

  describe('run markers', () => {
    const keys: [name: string, context: Parameters<typeof runKey>[0], expected: string][] = [
      ['a build', { build: { id: 9, number: '9' }, release: undefined, jobAttempt: 3 }, 'build-9.3'],
      ['a job without a build id', { build: undefined, release: undefined, jobAttempt: 1 }, 'build-0.1'],
      [
        'a release without environment id and attempt',
        {
          build: undefined,
          release: {
            id: 57,
            name: 'Release-57',
            definitionName: 'CD',
            environmentId: undefined,
            attempt: undefined,
          },
          jobAttempt: 2,
        },
        'release-57.0.1',
      ],
      [
        'a release deployment attempt',
        {
          build: { id: 9, number: '9' },
          release: { id: 57, name: 'Release-57', definitionName: 'CD', environmentId: 3, attempt: 4 },
          jobAttempt: 2,
        },
        'release-57.3.4',
      ],
    ];
    for (const [name, context, expected] of keys) {
      it(`names ${name} ${expected}`, () => assert.equal(runKey(context), expected));
    }

    it('writes the marker as a small paragraph', () => {
      assert.equal(
        markerHtml('build-812.1', 12),
        '<p><small>Pipeline Work Items · occurrence 12 · run build-812.1</small></p>',
      );
    });

    it('reads occurrences of several digits', () => {
      const markers = readMarkers([
        { text: markerHtml('build-1.1', 9) },
        { text: markerHtml('build-2.1', 12) },
      ]);
      assert.equal(markers.lastOccurrence, 12);
    });

    it('reads a marker whose words the service wrapped in elements', () => {
      const markers = readMarkers([
        {
          text: '<p><small>Pipeline Work Items · occurrence <span class="x">3</span> · run build-9.1</small></p>',
        },
      ]);
      assert.deepEqual(markers, { lastOccurrence: 3, runs: new Set(['build-9.1']) });
    });
  });
});
