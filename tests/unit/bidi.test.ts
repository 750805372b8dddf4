import * as assert from 'node:assert/strict';
import { stripBidi } from '../../tasks/PipelineWorkItem/src/text/agentText';
import { cleanLogLine, plainText } from '../../tasks/PipelineWorkItem/src/text/logText';
import { workItemTitle } from '../../tasks/PipelineWorkItem/src/render/title';
import { parseTemplate, Template } from '../../tasks/PipelineWorkItem/src/text/templates';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { NO_FACTS } from '../../tasks/PipelineWorkItem/src/facts/model';
import { readSettings } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { workItemDraft } from '../../tasks/PipelineWorkItem/src/workItem/draft';
import { patchOf } from '../../tasks/PipelineWorkItem/src/workItem/patch';
import { inputs, runContext } from './fixtures';

describe('bidirectional controls', () => {
  const controls: [string, string][] = [
    ['LRE', '\u202a'],
    ['RLE', '\u202b'],
    ['PDF', '\u202c'],
    ['LRO', '\u202d'],
    ['RLO', '\u202e'],
    ['LRI', '\u2066'],
    ['RLI', '\u2067'],
    ['FSI', '\u2068'],
    ['PDI', '\u2069'],
    ['LRM', '\u200e'],
    ['RLM', '\u200f'],
    ['ALM', '\u061c'],
  ];
  for (const [name, char] of controls) {
    it(`strips ${name}`, () => assert.equal(stripBidi(`invoice${char}fdp.exe`), 'invoicefdp.exe'));
  }

  it('keeps right-to-left text and the joiners emoji need', () => {
    const text = 'שלום 👩\u200d💻 مرحبا';
    assert.equal(stripBidi(text), text);
  });

  it('is stripped from cleaned pipeline text: messages and log lines', () => {
    assert.equal(plainText('error in \u202etxt.exe\nline 2'), 'error in txt.exe\nline 2');
    assert.equal(cleanLogLine('2026-12-06T07:00:00.000Z ##[error]\u2067bad\u2069'), '07:00:00 Error: bad');
  });

  it('is stripped from titles made by a template', () => {
    const template = parseTemplate('title', 'Broken \u202e{{pipeline}}\u2066!') as Template;
    const run = runView(runContext(), { othersOutcome: 'failed', artifacts: [], failures: [] }, 'failed');
    assert.equal(workItemTitle(template, run), 'Broken WebApp-CI!');
  });

  it('is stripped from tags, before they are told apart', () => {
    const { draft } = workItemDraft(
      readSettings(inputs({ tags: 'night\u202ely; \u2067ci; nightly' })),
      runView(runContext(), NO_FACTS, 'failed'),
      {
        type: { name: 'Task', fields: ['System.Title', 'System.Tags'], states: [] },
        collectionUri: 'https://dev.azure.com/fabrikam/',
        iterationPath: undefined,
        secrets: [],
      },
      { tags: ['pwi:0123456789ab'], history: '', attachments: [] },
    );
    const tags = patchOf(draft.fields, draft.relations).find((op) => op.path === '/fields/System.Tags');
    assert.equal(tags?.value, 'nightly; ci; pwi:0123456789ab');
  });
});
