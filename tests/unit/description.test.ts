import * as assert from 'node:assert/strict';
import type { TemplateValues } from '../../tasks/PipelineWorkItem/src/text/templates';
import { renderDescription, RUN_URL_HTML } from './fixtures';

const XSS = '<img src=x onerror=alert(1)>';

const render = renderDescription;

describe('description placeholders', () => {
  const cases: [name: string, source: string, values: Partial<TemplateValues>, expected: string][] = [
    [
      'gives the real URL in an href of the author’s HTML',
      '<a href="{{runUrl}}">run</a>',
      {},
      `<p><a href="${RUN_URL_HTML}">run</a></p>`,
    ],
    [
      'gives the real URL in a single-quoted href',
      "<a href='{{runUrl}}'>run</a>",
      {},
      `<p><a href='${RUN_URL_HTML}'>run</a></p>`,
    ],
    ['gives a working Markdown link', '[run]({{runUrl}})', {}, `<p><a href="${RUN_URL_HTML}">run</a></p>`],
    [
      'links a URL value standing alone in text',
      'See {{runUrl}}',
      {},
      `<p>See <a href="${RUN_URL_HTML}">${RUN_URL_HTML}</a></p>`,
    ],
    [
      'links a URL value in Markdown autolink brackets',
      '<{{runUrl}}>',
      {},
      `<a href="${RUN_URL_HTML}">${RUN_URL_HTML}</a>`,
    ],
    [
      'shows a web address that came from the pipeline as text, never as a link',
      'Error: {{firstError}} on {{branch}}',
      { firstError: 'https://evil.example/login?x=1', branch: 'https://evil.example/b' },
      '<p>Error: https://evil.example/login?x=1 on https://evil.example/b</p>',
    ],
    [
      'shows such an address in Markdown autolink brackets as text too',
      '<{{firstError}}>',
      { firstError: 'https://evil.example/login' },
      'https://evil.example/login',
    ],
    [
      'makes bold text of the literal error',
      '**{{firstError}}**',
      {},
      '<p><strong>Expected &quot;a &amp; b&quot;</strong></p>',
    ],
    [
      'does not interpret Markdown in a value',
      '{{firstError}}',
      { firstError: '*x* [a](b) `c`' },
      '<p>*x* [a](b) `c`</p>',
    ],
    [
      'shows a value that looks like a placeholder as it is',
      'T: {{firstError}}',
      { firstError: '{{title}} {{runUrl}}' },
      '<p>T: {{title}} {{runUrl}}</p>',
    ],
    [
      'keeps line breaks of a value in text',
      '{{firstError}}',
      { firstError: 'one\ntwo' },
      '<p>one<br>two</p>',
    ],
    [
      'shows an HTML value as text',
      'Error: {{firstError}}',
      { firstError: XSS },
      '<p>Error: &lt;img src=x onerror=alert(1)&gt;</p>',
    ],
    [
      'keeps a value in a code block as text, unable to close it',
      '```\n{{firstError}}\n```',
      { firstError: '</code></pre><b>x</b>' },
      '<pre><code>&lt;/code&gt;&lt;/pre&gt;&lt;b&gt;x&lt;/b&gt;\n</code></pre>',
    ],
    [
      'keeps a value in a raw <pre> as text',
      '<pre>{{firstError}}</pre>',
      { firstError: '</pre><script>alert(1)</script>' },
      '<pre>&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;</pre>',
    ],
    [
      'cannot leave a double-quoted attribute',
      '<span title="{{firstError}}">x</span>',
      { firstError: '" onmouseover="alert(1)' },
      '<p><span title="&quot; onmouseover=&quot;alert(1)">x</span></p>',
    ],
    [
      'cannot leave a single-quoted attribute',
      "<span title='{{firstError}}'>x</span>",
      { firstError: "' onmouseover='alert(1)" },
      "<p><span title='&#39; onmouseover=&#39;alert(1)'>x</span></p>",
    ],
    [
      'cannot leave an unquoted attribute',
      '<span title={{firstError}}>x</span>',
      { firstError: 'a onmouseover=alert(1)' },
      '<p><span title=a&#32;onmouseover&#61;alert(1)>x</span></p>',
    ],
    [
      'cannot add attributes where a name stands',
      '<span {{firstError}}>x</span>',
      { firstError: 'onclick=alert(1) x' },
      '<p><span onclick&#61;alert(1)&#32;x>x</span></p>',
    ],
    [
      'never gives a script URL to a link',
      '[run]({{firstError}}) <a href="{{firstError}}">b</a>',
      { firstError: ' JavaScript:alert(1)' },
      '<p><a href="#">run</a> <a href="#">b</a></p>',
    ],
    [
      'never lets values join into a script URL',
      '<a href="{{branch}}{{firstError}}">b</a>',
      { branch: 'java', firstError: 'script:alert(1)' },
      '<p><a href="#">b</a></p>',
    ],
    [
      'fills a value into a URL the author started, percent-encoding it',
      '[branch](https://dev.azure.com/fabrikam/WebApp/_git/webapp?version=GB{{branch}})',
      { branch: 'feature/a b' },
      '<p><a href="https://dev.azure.com/fabrikam/WebApp/_git/webapp?version=GBfeature/a%20b">branch</a></p>',
    ],
    [
      'fills a value into a link title and image alt text',
      '![{{job}}](https://x.example/a.png "{{firstError}}")',
      { job: '"unit"', firstError: '<b>' },
      '<p><img src="https://x.example/a.png" alt="&quot;unit&quot;" title="&lt;b&gt;"></p>',
    ],
    [
      'keeps the author’s HTML and Markdown around the values',
      '<b>Owner:</b> web team, *{{job}}*',
      {},
      '<p><b>Owner:</b> web team, <em>Unit tests</em></p>',
    ],
  ];
  for (const [name, source, values, expected] of cases) {
    it(name, () => assert.equal(render(source, values), expected));
  }

  it('is not confused by a value shaped like its own slots', () => {
    const html = render('{{branch}} {{firstError}}', { branch: 'pwi0000000000000000z', firstError: 'pwi1z' });
    assert.equal(html, '<p>pwi0000000000000000z pwi1z</p>');
  });

  it('gives the same HTML each time although each rendering draws a new nonce', () => {
    assert.equal(render('**{{job}}** [run]({{runUrl}})'), render('**{{job}}** [run]({{runUrl}})'));
  });
});
