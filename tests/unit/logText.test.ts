import * as assert from 'node:assert/strict';
import {
  cleanLogLine,
  cleanLogLines,
  hasUnpairedSurrogate,
  plainText,
} from '../../tasks/PipelineWorkItem/src/text/logText';

describe('log text', () => {
  const cases: [name: string, line: string, expected: string | undefined][] = [
    [
      'shortens the agent timestamp to the time of day',
      '2026-11-29T10:00:00.1234567Z npm test',
      '10:00:00 npm test',
    ],
    ['keeps a line without timestamp as it is', 'plain text', 'plain text'],
    ['strips ANSI colours', '\u001b[31mred\u001b[0m and \u001b[1;32mgreen\u001b[m', 'red and green'],
    [
      'writes an error marker as Error:',
      '2026-11-29T10:00:00.1Z ##[error]Process exited 1',
      '10:00:00 Error: Process exited 1',
    ],
    ['writes a warning marker as Warning:', '##[warning]Deprecated', 'Warning: Deprecated'],
    [
      'writes a command marker as a prompt',
      '2026-11-29T10:00:00.1Z ##[command]npm test',
      '10:00:00 > npm test',
    ],
    ['keeps the text after a section marker', '##[section]Starting: npm test', 'Starting: npm test'],
    ['keeps the title after a group marker', '##[group]Run tests', 'Run tests'],
    ['drops a group end', '2026-11-29T10:00:00.1Z ##[endgroup]', undefined],
    ['drops an empty section marker', '##[section]', undefined],
    ['reads marker names in any case', '##[ERROR]boom', 'Error: boom'],
    ['drops the marker of an unknown kind and keeps its text', '##[something]text', 'text'],
    [
      'drops a logging command, which may carry a secret',
      '2026-11-29T10:00:00.1Z ##vso[task.setvariable variable=pw;issecret=true]hunter22',
      undefined,
    ],
    ['drops a logging command in the middle of a line', 'echo ##vso[task.complete result=Failed]', undefined],
    ['drops a logging command hidden by a colour code', '##\u001b[0mvso[task.setsecret]hunter22', undefined],
    ['drops a logging command in any case', '##VSO[task.setvariable]x', undefined],
    ['removes control characters but keeps tabs', 'a\u0000b\u0007c\td\r', 'abc\td'],
    ['removes a byte order mark', '\uFEFF2026-11-29T10:00:00.1Z x', '10:00:00 x'],
    [
      'removes a byte order mark a bidirectional control hid, then reads the timestamp behind it',
      '\u200e\uFEFF2026-11-29T10:00:00.1Z x',
      '10:00:00 x',
    ],
    ['removes a byte order mark behind a section marker', '##[section]\uFEFF##[error]x', 'Error: x'],
    ['gives a section marker followed by white space only as an empty line', '##[section]  \t', ''],
    ['keeps a blank log line blank', '2026-11-29T10:00:00.1Z ', '10:00:00'],
    [
      'cleans a timestamp that only appears after a marker',
      '##[section]2026-11-29T10:00:00.1Z ##[error]x',
      '10:00:00 Error: x',
    ],
    ['reads a marker only at the start of the text', 'see ##[error]x', 'see ##[error]x'],
    ['does not look up marker names on the object prototype', '##[constructor]x', 'x'],
    [
      'keeps the last state of a progress bar redrawn with carriage returns',
      'progress 10%\rprogress 100%\r',
      'progress 100%',
    ],
  ];
  for (const [name, line, expected] of cases) {
    it(name, () => assert.equal(cleanLogLine(line), expected));
  }

  it('cleans a list of lines, leaving out those it drops', () => {
    assert.deepEqual(
      cleanLogLines(['##[group]Build', 'compiling', '##[endgroup]', '##vso[task.setsecret]x']),
      ['Build', 'compiling'],
    );
  });

  it("keeps a message's lines and tabs, without escapes and control characters", () => {
    assert.equal(plainText('a\u001b]0;title\u0007b\u0000c\td\r\ne\u001b[2Kf'), 'abc\td\nef');
  });
});

describe('log lines', () => {
  const cases: [name: string, line: string, expected: string | undefined][] = [
    ['writes a notice marker as Notice:', '##[notice]Cache restored', 'Notice: Cache restored'],
    ['writes a debug marker as Debug:', '##[debug]Evaluating condition', 'Debug: Evaluating condition'],
    ['drops a group end even with text after it', '##[endgroup]trailing', undefined],
    [
      'shortens a timestamp without fraction of a second',
      '2026-11-29T10:00:00Z npm test',
      '10:00:00 npm test',
    ],
    ['shortens a timestamp that is the whole line', '2026-11-29T10:00:00.1234567Z', '10:00:00'],
    ['keeps a timestamp that runs into the text', '2026-11-29T10:00:00.1Zx', '2026-11-29T10:00:00.1Zx'],
    [
      'keeps the text before several carriage returns at the end',
      'Downloading 100%\r\r\r',
      'Downloading 100%',
    ],
    ['keeps a zero-width no-break space inside a line', 'a\uFEFFb', 'a\uFEFFb'],
    ['keeps an error marker without text as a line that says Error', '##[error]', 'Error:'],
  ];
  for (const [name, line, expected] of cases) {
    it(name, () => assert.equal(cleanLogLine(line), expected));
  }

  it('cleans a line of 60,000 group markers (half a megabyte a step can print) in one reading of it', () => {
    // Read again from the start once per marker removed, the line took over a minute (a 10 MB one, hours).
    const markers = '##[group]'.repeat(60_000);
    assert.equal(cleanLogLine(`${markers}2026-11-29T10:00:00Z ##[error]boom`), '10:00:00 Error: boom');
    assert.equal(cleanLogLine(markers), undefined);
  });

  it('reads a lone carriage return in a message as a line break', () => {
    assert.equal(plainText('first\rsecond\r\nthird'), 'first\nsecond\nthird');
  });
});

describe('unpaired surrogates', () => {
  it('tells half of a surrogate pair, wherever it stands, from a whole pair', () => {
    for (const text of ['\ud800ab', 'ab\udc00', 'a\ud83d\ud83d\ude00'])
      assert.equal(hasUnpairedSurrogate(text), true, text);
    for (const text of ['', 'abc', '\ud83d\ude00', 'caf\u00e9'])
      assert.equal(hasUnpairedSurrogate(text), false, text);
  });
});
