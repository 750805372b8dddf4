import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { textHtml } from '../../tasks/PipelineWorkItem/src/text/html';
import { descriptionHtml } from '../../tasks/PipelineWorkItem/src/text/markdown';
import { parseTemplate, Template, TemplateValues } from '../../tasks/PipelineWorkItem/src/text/templates';
import { hostileText, textAround } from './arbitraries';

/** Descriptions that put placeholders in every context a value can land in (but an attribute's name). */
const TEMPLATES = [
  '{{firstError}}',
  '**{{firstError}}** and _{{branch}}_',
  '# {{pipeline}}\n\n- {{job}}\n- `{{stage}}`',
  '```\n{{firstError}}\n```',
  '[run]({{runUrl}}) [{{branch}}]({{runUrl}} "{{firstError}}") ![{{job}}]({{runUrl}})',
  '<{{runUrl}}> https://dev.azure.com/x/{{branch}}',
  '<a href="{{runUrl}}" title=\'{{firstError}}\'>{{job}}</a>',
  '<span title={{firstError}} data-x={{branch}}>{{stage}}</span>',
  '<pre>{{firstError}}</pre>\n\n<div>\n{{firstError}}\n</div>',
  '| a | b |\n|---|---|\n| {{firstError}} | {{branch}} |',
  '<!-- {{firstError}} --> > {{job}}',
];

function parsed(source: string): Template {
  const template = parseTemplate('description', source);
  assert.ok(typeof template !== 'string', template as string);
  return template;
}

/** The elements and their attribute names, in order: what a value must never change. */
function skeleton(html: string): string[] {
  const tags = html.matchAll(/<(\/?[A-Za-z][^\t\n\f\r />]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g);
  return [...tags]
    .filter(([, name]) => name !== 'br')
    .map(([, name, attributes = '']) => {
      const names = [
        ...attributes.matchAll(
          /([^\t\n\f\r />"'=]+)(?:[\t\n\f\r ]*=[\t\n\f\r ]*(?:"[^"]*"|'[^']*'|[^\t\n\f\r >]+))?/g,
        ),
      ];
      return `${name}(${names.map(([, attribute]) => attribute).join(',')})`;
    });
}

const hostile = fc
  .oneof(
    hostileText(40),
    textAround(
      fc.constantFrom(
        '<img src=x onerror=alert(1)>',
        '</pre>',
        '</code>',
        '-->',
        '"',
        "'",
        ' onclick=alert(1) ',
        'javascript:alert(1)',
        '{{title}}',
        '*x*',
        '[a](b)',
        '`',
        '\n\n',
        'pwi0z',
      ),
    ),
  )
  .filter((text) => !/^https?:\/\//i.test(text));

function valuesOf(text: string): TemplateValues {
  const fields = ['pipeline', 'runName', 'runUrl', 'project', 'branch', 'commit', 'requestedFor', 'reason'];
  const more = ['stage', 'job', 'environment', 'status', 'failedStep', 'failedSteps', 'firstError'];
  return Object.fromEntries([...fields, ...more].map((name) => [name, text])) as unknown as TemplateValues;
}

describe('description (properties)', () => {
  it('never lets a value open or close an element or add an attribute', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TEMPLATES), hostile, (source, text) => {
        const template = parsed(source);
        assert.deepEqual(
          skeleton(descriptionHtml(template, valuesOf(text))),
          skeleton(descriptionHtml(template, valuesOf('v'))),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('shows a value as its own text, line breaks kept', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        assert.equal(descriptionHtml(parsed('{{firstError}}'), valuesOf(text)), `<p>${textHtml(text)}</p>`);
        assert.equal(
          descriptionHtml(parsed('**{{firstError}}**'), valuesOf(text)),
          `<p><strong>${textHtml(text)}</strong></p>`,
        );
      }),
      { numRuns: 500 },
    );
  });
});
