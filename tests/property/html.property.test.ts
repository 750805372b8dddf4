import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { escapeHtml } from '../../tasks/PipelineWorkItem/src/text/html';
import { markdownIt } from '../../tasks/PipelineWorkItem/src/text/markdownIt';
import { hostileText } from './arbitraries';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"' };

function decode(html: string): string {
  return html.replace(/&(?:amp|lt|gt|quot);/g, (entity) => ENTITIES[entity] ?? entity);
}

describe('HTML escaping (properties)', () => {
  it('leaves no character that could start or end markup or a double-quoted attribute', () => {
    fc.assert(
      fc.property(hostileText(80), (text) => {
        const escaped = escapeHtml(text);
        assert.doesNotMatch(escaped, /[<>"]/);
        assert.doesNotMatch(escaped, /&(?!(?:amp|lt|gt|quot);)/);
      }),
      { numRuns: 500 },
    );
  });

  it('escapes as markdown-it does in the HTML it renders, so a text (and a secret) has one escaped form', () => {
    fc.assert(
      fc.property(hostileText(80), (text) =>
        assert.equal(escapeHtml(text), markdownIt().utils.escapeHtml(text)),
      ),
      { numRuns: 500 },
    );
  });

  it('decodes back to the text', () => {
    fc.assert(
      fc.property(hostileText(80), (text) => assert.equal(decode(escapeHtml(text)), text)),
      { numRuns: 500 },
    );
  });
});
