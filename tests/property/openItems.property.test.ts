import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { wiqlString } from '../../tasks/PipelineWorkItem/src/lifecycle/openItems';
import { hostileText, textAround } from './arbitraries';

/** Reads a WIQL string literal at the start of `query`: its value and where it ends, or undefined. */
function readLiteral(query: string): { value: string; end: number } | undefined {
  if (query[0] !== "'") return undefined;
  let value = '';
  for (let at = 1; at < query.length; at++) {
    if (query[at] !== "'") value += query[at];
    else if (query[at + 1] === "'") value += query[++at];
    else return { value, end: at + 1 };
  }
  return undefined;
}

const value = fc.oneof(hostileText(), textAround(fc.constantFrom("'", "''", "' OR '1'='1", "\\'")));

describe('WIQL string literals (properties)', () => {
  it('reads back as the value', () => {
    fc.assert(
      fc.property(value, (text) => {
        const literal = wiqlString(text);
        assert.deepEqual(readLiteral(literal), { value: text, end: literal.length });
      }),
      { numRuns: 500 },
    );
  });

  it('ends exactly where it was written, whatever the query goes on with', () => {
    const rest = hostileText().filter((text) => !text.startsWith("'"));
    fc.assert(
      fc.property(value, rest, (text, after) => {
        const literal = wiqlString(text);
        assert.deepEqual(readLiteral(literal + after), { value: text, end: literal.length });
      }),
      { numRuns: 500 },
    );
  });
});
