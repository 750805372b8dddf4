import * as assert from 'node:assert/strict';
import type { TemplateValues } from '../../tasks/PipelineWorkItem/src/text/templates';
import { descriptionProblems } from '../../tasks/PipelineWorkItem/src/text/markdown';
import { problemsOf, renderDescription, RUN_URL_HTML, templateOf } from './fixtures';

const RUN_LINK = `<a href="${RUN_URL_HTML}">${RUN_URL_HTML}</a>`;
const SCRIPT = 'javascript:alert(1)';

const render = renderDescription;

describe('description placeholders in HTML attributes', () => {
  describe('never puts a script URL into an attribute a browser follows or loads', () => {
    const urlAttributes = [
      'href',
      'HREF',
      'src',
      'srcset',
      'action',
      'formaction',
      'cite',
      'poster',
      'background',
      'longdesc',
      'usemap',
      'data',
      'xlink:href',
    ];
    for (const attribute of urlAttributes) {
      it(`${attribute}`, () => {
        assert.equal(
          render(`<span ${attribute}="{{runUrl}}">x</span>`, { runUrl: SCRIPT }),
          `<p><span ${attribute}="#">x</span></p>`,
        );
      });
    }

    const schemes = [
      ' JavaScript:alert(1)',
      'vbscript:msgbox',
      'data:text/html,<b>x</b>',
      'file:///etc/passwd',
      // An inline image is the author's to write, never a placeholder value's.
      'data:image/png;base64,iVBORw0KGgo=',
    ];
    for (const url of schemes) {
      it(`href '${url}'`, () => {
        assert.equal(render('<a href="{{runUrl}}">run</a>', { runUrl: url }), '<p><a href="#">run</a></p>');
      });
    }

    it('an unquoted src', () => {
      assert.equal(render('<img src={{runUrl}}>', { runUrl: SCRIPT }), '<img src=#>');
    });

    it('a scheme the author’s own text spells with an entity around the value', () => {
      assert.equal(render('<a href="java&#9;script:{{branch}}">run</a>'), '<p><a href="#">run</a></p>');
    });
  });

  describe('keeps what is not a script URL', () => {
    const cases: [name: string, source: string, values: Partial<TemplateValues>, expected: string][] = [
      [
        'a script scheme later in an https URL',
        '<a href="{{runUrl}}">run</a>',
        { runUrl: 'https://x.example/?next=javascript:1' },
        '<p><a href="https://x.example/?next=javascript:1">run</a></p>',
      ],
      [
        'a script-like value in an attribute that is no URL',
        '<span title="{{runUrl}}" alt="{{runUrl}}">x</span>',
        { runUrl: SCRIPT },
        `<p><span title="${SCRIPT}" alt="${SCRIPT}">x</span></p>`,
      ],
      [
        // A script URL is refused even in the author's own HTML, which macros may have filled.
        'the author’s own href beside an attribute with a value',
        '<a href="https://x.example/" title="{{branch}}">run</a> <a href="javascript:void(0)">no</a>',
        {},
        '<p><a href="https://x.example/" title="main">run</a> <a href="#">no</a></p>',
      ],
      [
        'the author’s inline image, as markdown-it allows one',
        '![dot](data:image/png;base64,iVBORw0KGgo=)',
        {},
        '<p><img src="data:image/png;base64,iVBORw0KGgo=" alt="dot"></p>',
      ],
      [
        'a URL attribute value as a normalised link, other attributes as written',
        '<a href="{{runUrl}}" title="{{runUrl}}">run</a>',
        { runUrl: 'https://x.example/a b' },
        '<p><a href="https://x.example/a%20b" title="https://x.example/a b">run</a></p>',
      ],
    ];
    for (const [name, source, values, expected] of cases) {
      it(name, () => assert.equal(render(source, values), expected));
    }
  });

  describe('escapes a value for where it stands in a tag', () => {
    const cases: [name: string, source: string, values: Partial<TemplateValues>, expected: string][] = [
      [
        'a double-quoted value',
        '<b title="{{branch}}">x</b>',
        { branch: `it's "a" <b>` },
        '<p><b title="it&#39;s &quot;a&quot; &lt;b&gt;">x</b></p>',
      ],
      [
        'a single-quoted value',
        "<b title='{{branch}}'>x</b>",
        { branch: "it's" },
        "<p><b title='it&#39;s'>x</b></p>",
      ],
      [
        'an unquoted value, every character that could end it encoded',
        '<b title={{branch}}>x</b>',
        { branch: 'a b=`c"\td' },
        '<p><b title=a&#32;b&#61;&#96;c&quot;&#9;d>x</b></p>',
      ],
      [
        'an empty unquoted value, quoted so that nothing after it becomes the value',
        '<b title={{branch}} class=x>x</b>',
        { branch: '' },
        '<p><b title="" class=x>x</b></p>',
      ],
      ['an attribute name', '<p {{branch}}=x>t</p>', { branch: 'main' }, '<p main=x>t</p>'],
      ['an attribute without value', '<p {{branch}}>t</p>', { branch: 'a"b' }, '<p a&quot;b>t</p>'],
      ['Markdown autolink brackets around a value that is no URL', '<{{branch}}>', {}, '&lt;main&gt;'],
      [
        'Markdown autolink brackets after other values',
        '{{branch}} <{{runUrl}}> <{{job}}>',
        {},
        `<p>main ${RUN_LINK} &lt;Unit tests&gt;</p>`,
      ],
    ];
    for (const [name, source, values, expected] of cases) {
      it(name, () => assert.equal(render(source, values), expected));
    }
  });

  describe('links a URL value in text, but not inside a link or code', () => {
    const cases: [name: string, source: string, expected: string][] = [
      [
        'Markdown code, then text',
        '`{{runUrl}}` and {{runUrl}}',
        `<p><code>${RUN_URL_HTML}</code> and ${RUN_LINK}</p>`,
      ],
      [
        'HTML code, then text',
        '<code>{{runUrl}}</code> {{runUrl}}',
        `<p><code>${RUN_URL_HTML}</code> ${RUN_LINK}</p>`,
      ],
      ['upper-case HTML code', '<CODE>{{runUrl}}</CODE>', `<p><CODE>${RUN_URL_HTML}</CODE></p>`],
      ['a pre block', '<pre>{{runUrl}}</pre>', `<pre>${RUN_URL_HTML}</pre>`],
      [
        'the author’s link, then text',
        '<a href="https://x.example">{{runUrl}}</a> {{runUrl}}',
        `<p><a href="https://x.example">${RUN_URL_HTML}</a> ${RUN_LINK}</p>`,
      ],
      ['text after a stray closing tag', '</code> {{runUrl}}', `<p></code> ${RUN_LINK}</p>`],
    ];
    for (const [name, source, expected] of cases) {
      it(name, () => assert.equal(render(source), expected));
    }

    const values: [name: string, value: string, expected: string][] = [
      [
        'an http URL alone',
        'http://tfs.fabrikam.example/x',
        '<p>See <a href="http://tfs.fabrikam.example/x">http://tfs.fabrikam.example/x</a></p>',
      ],
      ['not a value with text before the URL', 'at https://x.example/y', '<p>See at https://x.example/y</p>'],
      [
        'not a value with text after the URL',
        'https://x.example/y is down',
        '<p>See https://x.example/y is down</p>',
      ],
      [
        'not a value of several lines that ends with a URL, whose lines stay',
        'see\nhttps://x.example/y',
        '<p>See see<br>https://x.example/y</p>',
      ],
    ];
    for (const [name, value, expected] of values) {
      it(name, () => assert.equal(render('See {{runUrl}}', { runUrl: value }), expected));
    }
  });

  describe('renders the author’s Markdown as YAML authors expect', () => {
    it('keeps line breaks, of the text and of values', () => {
      assert.equal(
        render('line one\nline two: {{firstError}}', { firstError: 'a\nb' }),
        '<p>line one<br>\nline two: a<br>b</p>',
      );
    });

    it('links a bare URL the author wrote', () => {
      assert.equal(
        render('see https://example.com/x now'),
        '<p>see <a href="https://example.com/x">https://example.com/x</a> now</p>',
      );
    });
  });
});

describe('description placeholders in attributes', () => {
  const problems = (source: string): string[] => descriptionProblems(templateOf('description', source));
  const where =
    'Placeholders may stand in text and in href or src values only (not those of script, style, iframe, frame, embed, object, base, link or meta).';

  const allowed: [name: string, source: string][] = [
    ['text', 'Failed on {{branch}}: **{{firstError}}** `{{commit}}`'],
    ['a Markdown link and image', '[run]({{runUrl}}) ![chart]({{runUrl}})'],
    ['an autolink', '<{{runUrl}}>'],
    [
      'href and src of the author’s HTML, in any case and quoting',
      '<a HREF="{{runUrl}}">x</a> <img src={{runUrl}}>',
    ],
    ['text of an element with attributes', '<p style="color: red">{{firstError}}</p>'],
    ['text after a closed style element', '<style>p{}</style>\n\n{{branch}}'],
  ];
  for (const [name, source] of allowed) {
    it(`allows ${name}`, () => assert.deepEqual(problems(source), []));
  }

  const refused: [name: string, source: string, expected: string[]][] = [
    [
      'style',
      '<p style="color: {{branch}}">x</p>',
      [`Input 'description': the placeholder {{branch}} stands in the attribute 'style' of <p>. ${where}`],
    ],
    [
      'srcdoc',
      "<iframe srcdoc='{{firstError}}'></iframe>",
      [
        `Input 'description': the placeholder {{firstError}} stands in the attribute 'srcdoc' of <iframe>. ${where}`,
      ],
    ],
    [
      '<meta content>',
      '<meta http-equiv="refresh" content="0;url={{runUrl}}">',
      [
        `Input 'description': the placeholder {{runUrl}} stands in the attribute 'content' of <meta>. ${where}`,
      ],
    ],
    [
      'an event handler, unquoted',
      '<b onmouseover={{branch}}>x</b>',
      [
        `Input 'description': the placeholder {{branch}} stands in the attribute 'onmouseover' of <b>. ${where}`,
      ],
    ],
    [
      'a Markdown link title',
      '[run]({{runUrl}} "{{status}}")',
      [`Input 'description': the placeholder {{status}} stands in the attribute 'title' of <a>. ${where}`],
    ],
    [
      'srcset, a URL attribute that is neither href nor src',
      '<img src="{{runUrl}}" srcset="{{runUrl}} 2x">',
      [`Input 'description': the placeholder {{runUrl}} stands in the attribute 'srcset' of <img>. ${where}`],
    ],
    ...['script', 'iframe', 'embed', 'base', 'link'].map((element): [string, string, string[]] => [
      `the src or href of <${element}>, which loads code or moves every link`,
      `<${element} ${element === 'base' || element === 'link' ? 'href' : 'src'}="{{runUrl}}">`,
      [
        `Input 'description': the placeholder {{runUrl}} stands in the attribute '${element === 'base' || element === 'link' ? 'href' : 'src'}' of <${element}>. ${where}`,
      ],
    ]),
    [
      'an attribute name',
      '<b {{branch}}="x">y</b>',
      [
        `Input 'description': the placeholder {{branch}} stands inside the tag <b>, outside an attribute value. ${where}`,
      ],
    ],
    [
      'a tag name',
      '<b{{branch}}>y</b>',
      [
        `Input 'description': the placeholder {{branch}} stands inside the tag <b{{branch}}>, outside an attribute value. ${where}`,
      ],
    ],
    [
      'a style element',
      '<style>\np { color: {{branch}} }\n</style>',
      [`Input 'description': the placeholder {{branch}} stands inside a <style> element. ${where}`],
    ],
    [
      'each misplaced placeholder, in order',
      '<p title="{{job}}" style="{{stage}}">{{branch}}</p>',
      [
        `Input 'description': the placeholder {{job}} stands in the attribute 'title' of <p>. ${where}`,
        `Input 'description': the placeholder {{stage}} stands in the attribute 'style' of <p>. ${where}`,
      ],
    ],
  ];
  for (const [name, source, expected] of refused) {
    it(`refuses one in ${name}`, () => {
      assert.deepEqual(problems(source), expected);
    });
  }

  it('is a settings error while reading the inputs', () => {
    assert.deepEqual(problemsOf({ description: '<p style="{{branch}}">x</p>' }), [
      `Input 'description': the placeholder {{branch}} stands in the attribute 'style' of <p>. ${where}`,
    ]);
  });
});
