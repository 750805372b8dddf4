import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { NO_EVIDENCE, NO_FACTS } from '../../tasks/PipelineWorkItem/src/facts/model';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import {
  failedTest,
  failingTests,
  itemTexts,
  leaking,
  RELEASE_VARIABLES,
  withVariables,
  YAML_VARIABLES,
} from '../unit/fixtures';
import { hostileChar, hostileText } from './arbitraries';

// A secret no text of the task spells by chance: `Q` and capitals or digits, as long as a token or longer.
const secret = fc
  .string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPRSTUVWXYZ0123456789'), minLength: 7, maxLength: 40 })
  .map((rest) => `Q${rest}`);
// Short names and long ones, so that a title's cut falls anywhere, in the secret too.
const name = fc.oneof(hostileText(40), fc.string({ unit: hostileChar, minLength: 120, maxLength: 260 }));

// The run's names a pusher chooses, by variable; a test name is the last place a secret can stand.
const BUILD_NAMES = [
  'Build.DefinitionName',
  'Build.SourceBranch',
  'Build.BuildNumber',
  'Build.RequestedFor',
  'Environment.Name',
  'System.StageDisplayName',
  'System.JobDisplayName',
];
const RELEASE_NAMES = [
  'Release.ReleaseName',
  'Release.DefinitionName',
  'Release.EnvironmentName',
  'Release.RequestedFor',
  'Build.SourceBranch',
];

const insert = (text: string, at: number, value: string): string => {
  const chars = [...text];
  const index = at % (chars.length + 1);
  return [...chars.slice(0, index), value, ...chars.slice(index)].join('');
};

describe('the run as items show it (properties)', () => {
  it('no title, body or comment holds a secret placed anywhere in the run’s names, nor 5 characters of it at a cut', () => {
    fc.assert(
      fc.property(
        fc.record({
          release: fc.boolean(),
          secret,
          names: fc.array(name, { minLength: 10, maxLength: 10 }),
          where: fc.nat(),
          at: fc.nat(),
        }),
        ({ release, secret, names, where, at }) => {
          const variables = release ? RELEASE_NAMES : BUILD_NAMES;
          const places = variables.length + 1;
          const values = names.map((value, index) =>
            index === where % places ? insert(value, at, secret) : value,
          );
          const changes = Object.fromEntries(
            variables.map((variable, index) => {
              const value = values[index] ?? '';
              return [variable, variable === 'Build.SourceBranch' ? `refs/heads/${value}` : value];
            }),
          );
          const context = withVariables(release ? RELEASE_VARIABLES : YAML_VARIABLES, changes);
          const test = failedTest(`T${values[variables.length] ?? ''}`, 'boom');
          const tests = {
            ...failingTests(0, 1),
            tests: [test],
            flaky: [{ ...test, standing: 'flaky' as const }],
          };
          const texts = itemTexts(runView(context, NO_FACTS, 'failed', { ...NO_EVIDENCE, tests }), [secret]);
          assert.deepEqual(leaking(texts, secret), []);
        },
      ),
      { numRuns: 300 },
    );
  });
});
