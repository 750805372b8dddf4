import * as assert from 'node:assert/strict';

type Module = typeof import('../../tasks/PipelineWorkItem/src/text/markdownIt');

/** The module as a run first loads it, without the instances earlier tests made. */
function fresh(): Module['markdownIt'] {
  const file = require.resolve('../../tasks/PipelineWorkItem/src/text/markdownIt');
  delete require.cache[file];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a new copy of the module, on purpose
  return (require(file) as Module).markdownIt;
}

describe('markdown-it instances', () => {
  it('makes one instance per set of options and hands it out again', () => {
    const markdownIt = fresh();
    const plain = markdownIt();
    assert.equal(markdownIt(), plain);
    assert.equal(markdownIt({}), plain);
    const breaks = markdownIt({ breaks: true });
    assert.notEqual(breaks, plain);
    assert.equal(markdownIt({ breaks: true }), breaks);
  });

  const renderings: [name: string, options: Parameters<Module['markdownIt']>[0], expected: string][] = [
    [
      'without options: no HTML, no links, no breaks',
      undefined,
      '<p>&lt;b&gt;x&lt;/b&gt; https://x.example\ny</p>\n',
    ],
    ['with html', { html: true }, '<p><b>x</b> https://x.example\ny</p>\n'],
    [
      'with linkify',
      { linkify: true },
      '<p>&lt;b&gt;x&lt;/b&gt; <a href="https://x.example">https://x.example</a>\ny</p>\n',
    ],
    ['with breaks', { breaks: true }, '<p>&lt;b&gt;x&lt;/b&gt; https://x.example<br>\ny</p>\n'],
  ];
  for (const [name, options, expected] of renderings) {
    it(`renders with the options it was made with: ${name}`, () => {
      assert.equal(fresh()(options).render('<b>x</b> https://x.example\ny'), expected);
    });
  }
});
