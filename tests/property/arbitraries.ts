import * as fc from 'fast-check';

/** Characters that mean something to HTML, Markdown, URLs, JSON, templates or terminals. */
export const SPECIAL_CHARS = [
  ...'<>&"\'`=/\\*_[](){}#%;:!|~-+.@$^? ',
  '\n',
  '\r',
  '\t',
  '\u0000',
  '\u001b',
  '\u007f',
  '\u009b',
  '\u00a0',
  '\u2028',
  'é',
  '😀',
];

/** One character: mostly special, sometimes any code point (never half a surrogate pair). */
export const hostileChar: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_CHARS) },
  { weight: 1, arbitrary: fc.constantFrom(...'abcxyzABC019') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);

/** Text as pipelines produce it at their worst: short, and dense with special characters. */
export function hostileText(maxLength = 40): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: hostileChar, maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ maxLength }),
  );
}

/** Text assembled from the given fragments and hostile text between them. */
export function textAround(fragments: fc.Arbitrary<string>, maxPieces = 6): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof(fragments, hostileText(12)), { maxLength: maxPieces })
    .map((pieces) => pieces.join(''));
}
