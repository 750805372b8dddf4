import * as assert from 'node:assert/strict';
import { escapeHtml, linkHtml, textHtml } from '../../tasks/PipelineWorkItem/src/text/html';

describe('links', () => {
  const cases: [name: string, url: string | undefined, expected: string][] = [
    [
      'links an https URL',
      'https://dev.azure.com/x?a=1&b=2',
      '<a href="https://dev.azure.com/x?a=1&amp;b=2">run</a>',
    ],
    ['links an http URL', 'http://tfs.fabrikam.example/x', '<a href="http://tfs.fabrikam.example/x">run</a>'],
    ['reads the scheme in any case', 'HTTPS://dev.azure.com/x', '<a href="HTTPS://dev.azure.com/x">run</a>'],
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

  it('keeps indentation and runs of spaces, which HTML would collapse', () => {
    assert.equal(
      textHtml('TypeError: x is undefined\n    at run (a.js:3)\n\tat main'),
      'TypeError: x is undefined<br>&nbsp;&nbsp;&nbsp; at run (a.js:3)<br>&nbsp;&nbsp;&nbsp; at main',
    );
    assert.equal(textHtml('x = 1 +\r\n        ^'), 'x = 1 +<br>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; ^');
    assert.equal(textHtml(' one'), '&nbsp;one');
    assert.equal(textHtml('a b  c'), 'a b&nbsp; c', 'a single space between words stays a space');
  });
});
