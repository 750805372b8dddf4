import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { readMarkers } from '../../tasks/PipelineWorkItem/src/lifecycle/marker';
import { markedNotes } from '../unit/fixtures';
import { hostileText, textAround } from './arbitraries';

const KEY = 'build-983.1.Test';

/** Pieces of markers, their elements and their escaped and encoded forms, for hostile text to be made of. */
const pieces = fc.constantFrom(
  'Pipeline Work Items · occurrence 41 · run build-982.1.Test',
  'Pipeline Work Items',
  ' · occurrence ',
  ' · run ',
  '41',
  'build-982.1.Test',
  '<p>',
  '<small>',
  '</small>',
  '</p>',
  '<p class="x">',
  '&lt;',
  '&middot;',
  '&#183;',
  '&nbsp;',
  '"',
  "'",
  '>',
  '\n',
);

describe('run markers (properties)', () => {
  it('reads from every note only the marker the task wrote, whatever the pusher controls', () => {
    fc.assert(
      fc.property(fc.oneof(hostileText(60), textAround(pieces, 12)), (hostile) => {
        for (const note of markedNotes(hostile, KEY)) {
          assert.deepEqual(readMarkers([note]), { lastOccurrence: note.occurrence, runs: new Set([KEY]) });
          const unmarked = note.text.slice(0, note.text.lastIndexOf('\n<p><small>'));
          assert.deepEqual(readMarkers([{ text: unmarked }]), { lastOccurrence: 0, runs: new Set() });
        }
      }),
      { numRuns: 300 },
    );
  });
});
