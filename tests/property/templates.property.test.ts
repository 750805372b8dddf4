import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import {
  parseTemplate,
  PLACEHOLDERS,
  Placeholder,
  renderTemplate,
  TemplateValues,
} from '../../tasks/PipelineWorkItem/src/text/templates';
import { hostileText, textAround } from './arbitraries';

const NAMES: readonly Placeholder[] = PLACEHOLDERS;
const INPUTS = ['title', 'description', 'fingerprint', 'fields'];

/** A placeholder as an author may write it, spaces inside the braces or not. */
const placeholder = fc
  .tuple(fc.constantFrom(...NAMES), fc.constantFrom('', ' ', '  '), fc.constantFrom('', ' '))
  .map(([name, before, after]) => ({ name, source: `{{${before}${name}${after}}}` }));

/** Values that look like placeholders, template syntax and anything else. */
const value = fc.oneof(
  hostileText(),
  placeholder.map((p) => p.source),
  fc.constantFrom('{{title}}', '{{', '}}', '{{{pipeline}}}', '{{ unknown }}'),
);
const values: fc.Arbitrary<TemplateValues> = fc.record(
  Object.fromEntries(NAMES.map((name) => [name, value])) as Record<Placeholder, fc.Arbitrary<string>>,
);

describe('templates (properties)', () => {
  it('parses any text without throwing, into a template or a problem naming the input', () => {
    const source = textAround(
      fc.oneof(
        placeholder.map((p) => p.source),
        fc.constantFrom('{{', '}}', '{', '}', '{{}}', '{{ nope }}', '{{title}}', '{{run Name}}'),
      ),
      10,
    );
    fc.assert(
      fc.property(fc.constantFrom(...INPUTS), source, (input, text) => {
        const parsed = parseTemplate(input, text);
        if (typeof parsed === 'string') assert.ok(parsed.includes(`'${input}'`), parsed);
        else assert.equal(parsed.source, text);
      }),
      { numRuns: 500 },
    );
  });

  it('fills each placeholder once and never expands a placeholder inside a value', () => {
    const text = hostileText(10).map((t) => t.replace(/[{}]/g, ''));
    const pieces = fc.array(
      fc.oneof(
        text.map((t) => ({ text: t })),
        placeholder,
      ),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(pieces, values, (list, filled) => {
        const source = list.map((piece) => ('text' in piece ? piece.text : piece.source)).join('');
        const template = parseTemplate('title', source);
        assert.ok(typeof template !== 'string', template as string);
        const expected = list.map((piece) => ('text' in piece ? piece.text : filled[piece.name])).join('');
        assert.equal(renderTemplate(template, filled), expected);
      }),
      { numRuns: 500 },
    );
  });

  it('gives back any text without placeholders unchanged', () => {
    const text = hostileText(60).filter((t) => !/\{\{[^{}]*\}\}/.test(t));
    fc.assert(
      fc.property(text, values, (source, filled) => {
        const template = parseTemplate('title', source);
        assert.ok(typeof template !== 'string', template as string);
        assert.equal(renderTemplate(template, filled), source);
        assert.equal(
          renderTemplate(template, filled, () => 'escaped'),
          source,
        );
      }),
      { numRuns: 500 },
    );
  });
});
