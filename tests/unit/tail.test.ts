import * as assert from 'node:assert/strict';
import { textTail } from '../../tasks/PipelineWorkItem/src/text/tail';

/** The end `textTail(maxBytes)` keeps of `chunks`. */
function endOf(maxBytes: number, ...chunks: string[]): { tail: string; lineCount: number } {
  const tail = textTail(maxBytes);
  for (const chunk of chunks) tail.push(Buffer.from(chunk));
  return tail.end();
}

describe('the end of a text read in chunks', () => {
  it('keeps the whole lines of the last bytes, and counts every line', () => {
    assert.deepEqual(endOf(100, 'one\ntwo\n', 'three\nfour'), {
      tail: 'one\ntwo\nthree\nfour',
      lineCount: 4,
    });
    // The last 9 bytes start inside "four": the tail starts at the next line.
    assert.deepEqual(endOf(9, 'one\ntwo\nthree\nfo', 'ur\nfive\n'), { tail: 'five\n', lineCount: 5 });
    // The last 3 bytes start where a line starts: that line is kept.
    assert.deepEqual(endOf(3, 'ab\ncd\n'), { tail: 'cd\n', lineCount: 2 });
    assert.deepEqual(endOf(10, 'no line break in the last bytes'), { tail: '', lineCount: 1 });
    assert.deepEqual(endOf(10), { tail: '', lineCount: 0 });
    assert.deepEqual(
      endOf(10, 'a\nb', ''),
      { tail: 'a\nb', lineCount: 2 },
      'an empty last chunk ends no line',
    );
  });

  it('never splits a character: a cut inside a line leaves that line out whole', () => {
    assert.deepEqual(endOf(5, 'a'.repeat(40), 'é\n€\n'), { tail: '€\n', lineCount: 2 });
  });

  it('lets go of whole chunks before the last bytes, and still starts at a line', () => {
    // Chunks let go whole; the last 11 bytes start where a line starts, which is kept.
    assert.deepEqual(endOf(11, 'one\n', 'two\n', 'three\n', 'four\n'), {
      tail: 'three\nfour\n',
      lineCount: 4,
    });
    // The chunk let go ended inside a line: the kept bytes start with its rest, which is left out.
    assert.deepEqual(endOf(5, 'aaaa\nbb', 'b\ncc\n'), { tail: 'cc\n', lineCount: 3 });
    // The chunk let go ended inside a line whose break opens the next chunk.
    assert.deepEqual(endOf(4, 'xx', '\nyy\n'), { tail: 'yy\n', lineCount: 2 });
  });

  it('holds at most the last bytes and the chunk that came last, however long the text', () => {
    const tail = textTail(1000);
    const line = Buffer.from(`${'x'.repeat(99)}\n`);
    for (let i = 0; i < 10_000; i++) {
      tail.push(line);
      // Chunks of 100 bytes: the last 1,000 are ten whole chunks, and no more is held.
      assert.equal(tail.held, Math.min((i + 1) * line.length, 1000), `after ${i + 1} lines`);
    }
    assert.deepEqual(tail.end(), { tail: line.toString().repeat(10), lineCount: 10_000 });
  });
});
