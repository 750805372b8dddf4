import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { cleanLogLine, storableText } from '../../tasks/PipelineWorkItem/src/text/logText';
import { hostileText, textAround } from './arbitraries';

/** Pieces of real and crafted log lines. */
const logPiece = fc.constantFrom(
  '2026-11-29T10:00:00.1234567Z ',
  '2026-11-29T10:00:00Z',
  '##[error]',
  '##[warning]',
  '##[command]',
  '##[section]',
  '##[group]',
  '##[endgroup]',
  '##[debug]',
  '##[',
  ']',
  '##vso[task.setvariable variable=x;issecret=true]',
  '##VsO[',
  '##',
  'vso[',
  '\u001b[31m',
  '\u001b[0m',
  '\u001b]8;;https://x\u0007',
  '\u001b',
  '\u009b1m',
  '\r',
  '\n',
  '\t',
  '\uFEFF',
);
const line = fc.oneof(textAround(logPiece, 8), hostileText(60));

describe('log text (properties)', () => {
  it('never throws, and leaves no escape or control character but tab', () => {
    fc.assert(
      fc.property(line, (text) => {
        const cleaned = cleanLogLine(text);
        if (cleaned !== undefined) assert.doesNotMatch(cleaned, /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/);
      }),
      { numRuns: 1000 },
    );
  });

  it('never keeps a logging command', () => {
    fc.assert(
      fc.property(line, (text) => {
        const cleaned = cleanLogLine(text);
        if (/##vso\[/i.test(text)) assert.equal(cleaned, undefined);
        if (cleaned !== undefined) assert.doesNotMatch(cleaned, /##vso\[/i);
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves a cleaned line as it is', () => {
    fc.assert(
      fc.property(line, (text) => {
        const cleaned = cleanLogLine(text);
        if (cleaned !== undefined) assert.equal(cleanLogLine(cleaned), cleaned);
      }),
      { numRuns: 1000 },
    );
  });

  it('storable text holds no character XML refuses nor half a pair, and keeps every other one where it was', () => {
    const unstorable = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\uFFFE\uFFFF\p{Cs}]/u;
    fc.assert(
      fc.property(
        fc.oneof(hostileText(60), textAround(fc.constantFrom('\ud800', '\udfff', '\u000b', '\uffff'), 12)),
        (text) => {
          const stored = storableText(text);
          assert.doesNotMatch(stored, unstorable);
          assert.equal(storableText(stored), stored);
          // Only refused characters go; an unpaired surrogate becomes one replacement character.
          const expected = [...text]
            .filter((char) => !/^[\u0000-\u0008\u000b\u000c\u000e-\u001f\uFFFE\uFFFF]$/.test(char))
            .map((char) => (/^\p{Cs}$/u.test(char) ? '\uFFFD' : char))
            .join('');
          assert.equal(stored, expected);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
