import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { TaskCommand } from 'azure-pipelines-task-lib/taskcommand';
import { inertLines } from '../../tasks/PipelineWorkItem/src/text/agentText';
import { parseCommands } from '../e2e/agent';
import { textAround } from './arbitraries';

// Pieces of logging and formatting commands, the characters around them that readers treat specially, and the
// line ends they could hide behind.
const PIECES = [
  '##vso[',
  '##VSO[',
  '##vſo[',
  '##[',
  '#',
  '##',
  'vso[',
  '[',
  ']',
  'task.setvariable variable=X]1',
  'task.complete result=Failed;]',
  '\r',
  '\n',
  '\r\n',
  '\u0085',
  '\u2028',
  '\u2029',
  '\u200b',
  '\u00ad',
  '\u202e',
  ' ',
];
const hostile = textAround(fc.constantFrom(...PIECES), 12);

// Any spelling of a command marker a lenient reader could take for one: format characters ignored, any case.
const MARKER = /#[\p{Cf}]*#[\p{Cf}]*(?:v[\p{Cf}]*s[\p{Cf}]*o[\p{Cf}]*)?\[/iu;

describe('text the agent reads (properties)', () => {
  it('no input text yields a logging or formatting command, read as the agent reads it', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const lines = inertLines(text);
        for (const line of lines) {
          assert.ok(!/[\r\n\u0085\u2028\u2029]/.test(line), JSON.stringify(line));
          assert.ok(!MARKER.test(line), JSON.stringify(line));
        }
        assert.deepEqual(parseCommands(lines.join('\n')), []);
      }),
      { numRuns: 1000 },
    );
  });

  it("inside one of task-lib's commands, the text adds no command to it", () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const line = new TaskCommand(
          'task.issue',
          { type: 'warning' },
          inertLines(text).join('\n'),
        ).toString();
        assert.deepEqual(
          parseCommands(line).map((c) => c.command),
          ['task.issue'],
        );
        assert.ok(!line.slice(1).toLowerCase().includes('##vso['), line);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps the text readable: each line is the original line with spaces added', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const original = text.split(/\r\n|[\r\n\u0085\u2028\u2029]/);
        const lines = inertLines(text);
        assert.equal(lines.length, original.length);
        lines.forEach((line, index) =>
          assert.equal(line.replace(/ /g, ''), original[index]?.replace(/ /g, '')),
        );
      }),
    );
  });
});
