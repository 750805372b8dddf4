import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { parseFieldsInput } from '../../tasks/PipelineWorkItem/src/inputs/fieldsInput';
import { hostileText, textAround } from './arbitraries';

// Work item field reference names: dotted names of letters, digits, `_` and `-` (System.Title, Custom.Go-Live).
const REFERENCE_NAME = /^(?!.*--)[A-Za-z_][\w-]*(\.[\w-]+)+$/;

const referenceName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}(\.[A-Za-z0-9_]{1,8}){1,3}$/);

/** A value as one line holds it: no line break, no surrounding white space, no template syntax. */
const lineValue = hostileText(30)
  .map((text) => text.replace(/[\r\n\u2028\u2029]/g, '').trim())
  .filter((text) => !/[{}]/.test(text) && text === text.trim());

describe('fields input (properties)', () => {
  it('never throws, and accepts only reference names', () => {
    const input = fc.oneof(
      hostileText(80),
      textAround(
        fc.constantFrom('=', '\n', '{', '}', '"', ':', ',', 'System.Title', '#', '{{runName}}', '[]'),
      ),
      fc.json(),
    );
    fc.assert(
      fc.property(input, (text) => {
        const { fields, problems } = parseFieldsInput(text);
        for (const field of fields) assert.match(field.reference, REFERENCE_NAME);
        for (const problem of problems) assert.match(problem, /Input 'fields'/);
      }),
      { numRuns: 1000 },
    );
  });

  it('reads Reference.Name=value lines back as written', () => {
    const lines = fc.uniqueArray(fc.tuple(referenceName, lineValue), {
      minLength: 1,
      maxLength: 4,
      selector: ([reference]) => reference.toLowerCase(),
    });
    fc.assert(
      fc.property(lines, (list) => {
        const { fields, problems } = parseFieldsInput(
          list.map(([ref, value]) => `${ref}=${value}`).join('\n'),
        );
        assert.deepEqual(problems, []);
        assert.deepEqual(
          fields.map((field) => [field.reference, field.value.source]),
          list,
        );
      }),
      { numRuns: 500 },
    );
  });
});
