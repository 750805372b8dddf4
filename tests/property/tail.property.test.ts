import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { textTail } from '../../tasks/PipelineWorkItem/src/text/tail';
import { textAround } from './arbitraries';

// Text with line breaks and characters of one to four bytes, cut into chunks at any byte.
const text = textAround(fc.constantFrom('\n', '\r\n', 'é', '€', '😀', ''), 16);
const cuts = fc.array(fc.nat(), { maxLength: 6 });

describe('the end of a text read in chunks (properties)', () => {
  it('is the longest end of whole lines within the limit, whatever the chunks; every line is counted', () => {
    fc.assert(
      fc.property(text, cuts, fc.integer({ min: 1, max: 40 }), (value, at, maxBytes) => {
        const bytes = Buffer.from(value);
        const points = [...new Set(at.map((n) => n % (bytes.length + 1)))].sort((a, b) => a - b);
        const tail = textTail(maxBytes);
        let largest = 0;
        let pushed = 0;
        [0, ...points, bytes.length].forEach((start, i, all) => {
          if (i === all.length - 1) return;
          const chunk = bytes.subarray(start, all[i + 1]);
          largest = Math.max(largest, chunk.length);
          tail.push(chunk);
          pushed += chunk.length;
          assert.ok(tail.held <= maxBytes + largest, `${tail.held} held`);
          assert.ok(tail.held >= Math.min(pushed, maxBytes), `${tail.held} held of ${pushed}`);
        });
        const lineStarts = [0, ...[...bytes.keys()].filter((i) => bytes[i] === 0x0a).map((i) => i + 1)];
        const from = lineStarts.find((start) => bytes.length - start <= maxBytes) ?? bytes.length;
        const lines = value === '' ? 0 : value.split('\n').length - (value.endsWith('\n') ? 1 : 0);
        assert.deepEqual(tail.end(), { tail: bytes.subarray(from).toString('utf8'), lineCount: lines });
      }),
    );
  });
});
