import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { SettingsError } from '../../tasks/PipelineWorkItem/src/errors';
import {
  INPUT_NAMES,
  InputName,
  readSettings,
  tagList,
} from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { hostileText, textAround } from './arbitraries';

// Whatever a pipeline author types (or a macro expands to), reading the inputs ends in settings or in one
// SettingsError naming the inputs: never another exception, which would surface as a stack trace.
describe('settings (properties)', () => {
  const value = fc.oneof(
    hostileText(40),
    textAround(
      fc.constantFrom('true', 'False', '{{runUrl}}', '{{nope}}', '=', '@currentIteration', '1', '-1'),
    ),
    fc.json(),
  );
  const inputs = fc.dictionary(fc.constantFrom(...INPUT_NAMES), value, { maxKeys: INPUT_NAMES.length });

  it('reads any inputs into settings or a SettingsError naming each bad input', () => {
    fc.assert(
      fc.property(inputs, (values) => {
        const read = (name: InputName): string => values[name] ?? '';
        try {
          const settings = readSettings(read);
          assert.ok(settings.logLines >= 0 && settings.logLines <= 10_000);
          assert.ok(tagList(settings.tags).length <= 100);
        } catch (error) {
          assert.ok(error instanceof SettingsError, String(error));
          for (const problem of error.problems) assert.match(problem, /Input '\w+'/);
        }
      }),
      { numRuns: 500 },
    );
  });
});
