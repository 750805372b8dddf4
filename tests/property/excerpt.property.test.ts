import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { firstLine, firstLines } from '../../tasks/PipelineWorkItem/src/text/excerpt';
import { hostileText, textAround } from './arbitraries';

const message = fc.oneof(
  hostileText(80),
  textAround(fc.constantFrom('\n', '\r\n', '\r', '😀', '  ', '…'), 12),
);

describe('excerpts (properties)', () => {
  it('keeps within the limits, and is the start of the message or all of it', () => {
    fc.assert(
      fc.property(
        message,
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 50 }),
        (text, lines, chars) => {
          const excerpt = firstLines(text, lines, chars);
          const whole = text.replace(/\r\n?/g, '\n').trim();
          assert.ok(excerpt.length <= chars, excerpt);
          assert.ok(excerpt.split('\n').length <= Math.max(lines, 1), excerpt);
          // No half of a surrogate pair is left at the cut.
          assert.doesNotMatch(excerpt, /[\ud800-\udbff](?![\udc00-\udfff])/);
          if (excerpt !== whole && excerpt !== '') {
            assert.ok(excerpt.endsWith('…'), excerpt);
            assert.ok(whole.startsWith(excerpt.slice(0, -1)), excerpt);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('takes a whole, trimmed, non-blank line of the message', () => {
    fc.assert(
      fc.property(message, (text) => {
        const subject = firstLine(text);
        assert.doesNotMatch(subject, /[\r\n]/);
        assert.equal(subject, subject.trim());
        const lines = text.split(/\r\n?|\n/).map((l) => l.trim());
        assert.equal(subject, lines.find((l) => l !== '') ?? '');
      }),
      { numRuns: 500 },
    );
  });
});
