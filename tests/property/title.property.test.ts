import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { fitTitle, plainTitle } from '../../tasks/PipelineWorkItem/src/render/title';
import { firstLines } from '../../tasks/PipelineWorkItem/src/text/excerpt';
import { hostileText, textAround } from './arbitraries';

// What a reader sees as one character though it is several code points: a letter and its marks, emoji sequences,
// flags, a Hangul syllable spelled in jamo, a CR LF.
const CLUSTERS = [
  'e\u0301',
  'a\u0308\u0323',
  '👩\u200d👩\u200d👧',
  '👍🏽',
  '🇳🇱',
  '\u1100\u1161\u11a8',
  '\r\n',
  '😀',
];

// Text of every length around the limits, dense with clusters, so that a cut falls inside one.
const text = fc.oneof(
  hostileText(300),
  textAround(fc.constantFrom(...CLUSTERS), 200),
  fc
    .tuple(fc.integer({ min: 240, max: 260 }), fc.array(fc.constantFrom(...CLUSTERS), { maxLength: 8 }))
    .map(([length, clusters]) => `${'a'.repeat(length)}${clusters.join('')}`),
);

const graphemes = (value: string): string[] =>
  [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(value)].map((part) => part.segment);

/**
 * Whether `cut` is the start of `whole` and, unless `whole` begins with one character longer than the budget (then
 * cut between code points), ends between two characters a reader sees.
 */
function wellCut(whole: string, cut: string, budget: number): boolean {
  if (!whole.startsWith(cut)) return false;
  const all = graphemes(whole);
  if ((all[0] ?? '').length > budget) return true;
  return graphemes(cut).every((part, index) => part === all[index]);
}

/**
 * The longest start of `whole` within `budget` that ends between two characters a reader sees, found over the
 * whole text's characters (or between code points, when its first character alone is longer than the budget).
 */
function longestStart(whole: string, budget: number): string {
  let end = 0;
  for (const part of graphemes(whole)) {
    if (end + part.length > budget) break;
    end += part.length;
  }
  if (end > 0) return whole.slice(0, end);
  for (const char of whole) {
    if (end + char.length > budget) break;
    end += char.length;
  }
  return whole.slice(0, end);
}

describe('cutting titles and excerpts (properties)', () => {
  it('a title fits 255 UTF-16 code units, holds no control character nor half a pair, cut between characters', () => {
    fc.assert(
      fc.property(text, (raw) => {
        const plain = plainTitle(raw);
        const title = fitTitle(plain);
        assert.ok(title.length <= 255, `${title.length}`);
        assert.doesNotMatch(title, /[\p{Cc}\p{Cs}\uFFFE\uFFFF]/u);
        if (title === plain) return;
        assert.ok(title.endsWith('…'), title);
        assert.ok(wellCut(plain, title.slice(0, -1), 254), JSON.stringify(title));
        assert.equal(title, `${longestStart(plain, 254).trimEnd()}…`, 'as many characters as fit');
      }),
      { numRuns: 1000 },
    );
  });

  it('an excerpt is cut between the characters a reader sees', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 300 }), (raw, chars) => {
        const excerpt = firstLines(raw, Infinity, chars);
        const whole = raw.replace(/\r\n?/g, '\n').trim();
        assert.ok(excerpt.length <= chars, excerpt);
        if (excerpt === whole || excerpt === '') return;
        assert.ok(wellCut(whole, excerpt.slice(0, -1), chars - 1), JSON.stringify([raw, chars]));
        if (!whole.includes('\n') && chars > 1) {
          assert.equal(excerpt, `${longestStart(whole, chars - 1).trimEnd()}…`, 'as many characters as fit');
        }
      }),
      { numRuns: 1000 },
    );
  });
});
