import * as assert from 'node:assert/strict';
import { firstLine, firstLines } from '../../tasks/PipelineWorkItem/src/text/excerpt';

describe('excerpts', () => {
  const lines: [name: string, text: string, maxLines: number, maxChars: number, expected: string][] = [
    ['keeps a short message whole', 'Expected 1 to equal 2', 5, 100, 'Expected 1 to equal 2'],
    ['keeps the first lines and marks the cut', 'a\nb\nc\nd', 2, 100, 'a\nb…'],
    ['normalises line breaks', 'a\r\nb\rc', 5, 100, 'a\nb\nc'],
    ['trims surrounding white space and blank lines', '\n\n  a\nb  \n\n', 5, 100, 'a\nb'],
    ['cuts a long line, the ellipsis counted', 'abcdefghij', 3, 5, 'abcd…'],
    ['fits the ellipsis when only lines were cut', 'abcde\nf', 1, 5, 'abcd…'],
    ['never splits a surrogate pair', 'ab😀cd', 1, 4, 'ab…'],
    ['does not end a cut with white space', 'abc   defgh', 1, 7, 'abc…'],
    ['gives nothing for no lines', 'abc', 0, 10, ''],
    ['gives nothing for no characters', 'abc', 3, 0, ''],
    ['gives just the ellipsis when one character is allowed', 'abc', 3, 1, '…'],
  ];
  for (const [name, text, maxLines, maxChars, expected] of lines) {
    it(`firstLines ${name}`, () => assert.equal(firstLines(text, maxLines, maxChars), expected));
  }

  const subjects: [name: string, text: string, expected: string][] = [
    ['takes the subject of a commit message', 'Fix login\n\nThe form posted twice.', 'Fix login'],
    ['skips leading blank lines', '\n  \r\n  Fix login  \nmore', 'Fix login'],
    ['understands CR line breaks', 'Fix login\rmore', 'Fix login'],
    ['gives nothing for a blank message', ' \n ', ''],
  ];
  for (const [name, text, expected] of subjects) {
    it(`firstLine ${name}`, () => assert.equal(firstLine(text), expected));
  }
});

describe('excerpts at their limits', () => {
  const cases: [name: string, text: string, maxLines: number, maxChars: number, expected: string][] = [
    ['keeps a line of exactly maxChars whole', 'abcde', 1, 5, 'abcde'],
    ['keeps lines of exactly maxChars in all whole', 'ab\ncd', 2, 5, 'ab\ncd'],
    ['cuts one character over maxChars', 'abcdef', 1, 5, 'abcd…'],
    ['keeps lines cut off when they and the ellipsis make exactly maxChars', 'abcd\nz', 1, 5, 'abcd…'],
    ['drops the white space at the end of the last kept line before the ellipsis', 'a  \nb', 1, 10, 'a…'],
    ['keeps the white space that starts a later kept line', 'a\n  b\nc', 2, 10, 'a\n  b…'],
  ];
  for (const [name, text, maxLines, maxChars, expected] of cases) {
    it(name, () => assert.equal(firstLines(text, maxLines, maxChars), expected));
  }
});

describe('excerpts of hostile lengths', () => {
  it("cuts a failing test's 10 MB message to its item's 20,000 characters in one reading of it", () => {
    // Each character kept cost a reading of the whole message: 20 s for a log line's 1,000, minutes for these.
    const message = `${'x'.repeat(10_000_000)}\nat test.js:1`;
    assert.equal(firstLines(message, 5, 20_000), `${'x'.repeat(19_999)}…`);
  });
});
