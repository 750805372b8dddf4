import * as assert from 'node:assert/strict';
import { firstLines } from '../../tasks/PipelineWorkItem/src/text/excerpt';
import { escapeHtml, linkHtml, textHtml } from '../../tasks/PipelineWorkItem/src/text/html';
import { cleanLogLine, plainText } from '../../tasks/PipelineWorkItem/src/text/logText';
import { redactor } from '../../tasks/PipelineWorkItem/src/text/redact';
import {
  parseTemplate,
  renderTemplate,
  TemplateValues,
} from '../../tasks/PipelineWorkItem/src/text/templates';

describe('text at its edges', () => {
  describe('excerpts at their limits', () => {
    const cases: [name: string, text: string, maxLines: number, maxChars: number, expected: string][] = [
      ['keeps a line of exactly maxChars whole', 'abcde', 1, 5, 'abcde'],
      ['keeps lines of exactly maxChars in all whole', 'ab\ncd', 2, 5, 'ab\ncd'],
      ['cuts one character over maxChars', 'abcdef', 1, 5, 'abcd…'],
      ['drops the white space at the end of the last kept line before the ellipsis', 'a  \nb', 1, 10, 'a…'],
      ['keeps the white space that starts a later kept line', 'a\n  b\nc', 2, 10, 'a\n  b…'],
    ];
    for (const [name, text, maxLines, maxChars, expected] of cases) {
      it(name, () => assert.equal(firstLines(text, maxLines, maxChars), expected));
    }
  });

  describe('links', () => {
    const cases: [name: string, url: string | undefined, expected: string][] = [
      [
        'links an https URL',
        'https://dev.azure.com/x?a=1&b=2',
        '<a href="https://dev.azure.com/x?a=1&amp;b=2">run</a>',
      ],
      [
        'links an http URL',
        'http://tfs.fabrikam.example/x',
        '<a href="http://tfs.fabrikam.example/x">run</a>',
      ],
      [
        'reads the scheme in any case',
        'HTTPS://dev.azure.com/x',
        '<a href="HTTPS://dev.azure.com/x">run</a>',
      ],
      ['shows the text alone for a script URL', 'javascript:alert(1)', 'run'],
      ['shows the text alone for another scheme', 'ftp://files.example/x', 'run'],
      ['shows the text alone for a URL that does not start the value', 'see https://x.example', 'run'],
      ['shows the text alone for no URL', undefined, 'run'],
      ['shows the text alone for an empty URL', '', 'run'],
    ];
    for (const [name, url, expected] of cases) {
      it(name, () => assert.equal(linkHtml('run', url), expected));
    }

    it('escapes the text and the URL for an attribute value', () => {
      assert.equal(
        linkHtml(`<b>"it's"</b>`, `https://x.example/?q="><script>`),
        '<a href="https://x.example/?q=&quot;&gt;&lt;script&gt;">&lt;b&gt;&quot;it\'s&quot;&lt;/b&gt;</a>',
      );
    });

    it('keeps line breaks of text as <br>', () => {
      assert.equal(textHtml('a < b\r\nc\nd'), 'a &lt; b<br>c<br>d');
      assert.equal(escapeHtml('a\nb'), 'a\nb');
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
    ];
    for (const [name, line, expected] of cases) {
      it(name, () => assert.equal(cleanLogLine(line), expected));
    }

    it('reads a lone carriage return in a message as a line break', () => {
      assert.equal(plainText('first\rsecond\r\nthird'), 'first\nsecond\nthird');
    });
  });

  describe('templates', () => {
    const values = { pipeline: 'CI', branch: 'main' } as TemplateValues;
    const parts = (source: string) => {
      const template = parseTemplate('title', source);
      assert.ok(typeof template !== 'string', template as string);
      return template.parts;
    };

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
      const template = parseTemplate('title', '<{{pipeline}}> on {{branch}}');
      assert.ok(typeof template !== 'string');
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

  describe('secret masking', () => {
    const cases: [name: string, secrets: string[], text: string, expected: string][] = [
      ['masks two occurrences that touch with a mask each', ['hunter2'], 'hunter2hunter2', '******'],
      ['masks overlapping occurrences with one mask', ['abcab'], 'abcabcab', '***'],
      ['masks a secret of exactly five characters', ['s3cr3'], 'pw s3cr3.', 'pw ***.'],
      ['leaves a value of four characters', ['s3cr'], 'pw s3cr.', 'pw s3cr.'],
      ['masks at the start and the end of the text', ['hunter2'], 'hunter2 x hunter2', '*** x ***'],
    ];
    for (const [name, secrets, text, expected] of cases) {
      it(name, () => assert.equal(redactor(secrets)(text), expected));
    }
  });
});
