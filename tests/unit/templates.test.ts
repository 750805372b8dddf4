import * as assert from 'node:assert/strict';
import {
  parseTemplate,
  renderTemplate,
  TemplateValues,
} from '../../tasks/PipelineWorkItem/src/text/templates';
import { templateOf } from './fixtures';

describe('templates', () => {
  const values = { pipeline: 'CI', branch: 'main' } as TemplateValues;
  const parts = (source: string) => templateOf('title', source).parts;

  it('has no empty text parts between, before or after placeholders', () => {
    assert.deepEqual(parts('{{pipeline}}{{branch}}'), [
      { placeholder: 'pipeline' },
      { placeholder: 'branch' },
    ]);
    assert.deepEqual(parts('{{ pipeline }}: {{branch}}'), [
      { placeholder: 'pipeline' },
      { text: ': ' },
      { placeholder: 'branch' },
    ]);
    assert.deepEqual(parts('plain'), [{ text: 'plain' }]);
    assert.deepEqual(parts(''), []);
  });

  it('escapes values only, not the template text', () => {
    const template = templateOf('title', '<{{pipeline}}> on {{branch}}');
    assert.equal(
      renderTemplate(template, values, (value) => `[${value}]`),
      '<[CI]> on [main]',
    );
  });

  it('names one unknown placeholder, and several in the plural', () => {
    const valid =
      '{{pipeline}}, {{runName}}, {{runUrl}}, {{project}}, {{branch}}, {{commit}}, {{requestedFor}}, {{reason}}, {{stage}}, {{job}}, {{environment}}, {{status}}, {{failedStep}}, {{failedSteps}}, {{firstError}}';
    assert.equal(
      parseTemplate('title', '{{a}}'),
      `Input 'title' uses the unknown placeholder {{a}}. Valid placeholders: ${valid}.`,
    );
    assert.equal(
      parseTemplate('fingerprint', '{{ a }} and {{b}}'),
      `Input 'fingerprint' uses the unknown placeholders {{a}}, {{b}}. Valid placeholders: ${valid}.`,
    );
  });
});
