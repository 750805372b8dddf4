import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { draftFor } from '../unit/fixtures';
import { hostileText } from './arbitraries';

// What goes from a title or a single-line text field's value: control characters, bidirectional controls,
// noncharacters, half a surrogate pair.
const DROPPED = [
  '\u0000',
  '\u0007',
  '\u000b',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u200e',
  '\u202e',
  '\uffff',
];
const LONE_HALVES = ['\ud800', '\udbff', '\udc00', '\udfff'];

// Letters and digits no text of the task spells by chance.
const letters = (minLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPRSTUVWXYZ0123456789'), minLength, maxLength: 20 });

// A secret variable that holds one such character, its first six characters before it.
const secret = fc
  .tuple(letters(5), fc.constantFrom(...DROPPED, ...LONE_HALVES), letters(1))
  .map(([start, dropped, end]) => `Q${start}${dropped}${end}`);

// Text around it, without the braces of a placeholder.
const around = hostileText(20).map((text) => text.replace(/[{}]/g, ''));

describe('the draft (properties)', () => {
  it('masks a secret the title or a single-line fields value holds before a character they cannot hold goes', () => {
    fc.assert(
      fc.property(secret, around, around, (secret, before, after) => {
        const text = `${before}${secret}${after}`;
        const destination = { secrets: [secret], fieldTypes: { html: [], singleLine: ['Custom.Summary'] } };
        const drafts = [
          draftFor({ title: text }, { destination }),
          draftFor(
            { fields: JSON.stringify({ 'System.Title': text, 'Custom.Summary': text }) },
            { destination },
          ),
        ];
        for (const { draft } of drafts) {
          for (const [reference, value] of draft.fields) {
            assert.ok(!String(value).includes(secret.slice(0, 6)), `${reference}: ${JSON.stringify(value)}`);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
