import * as assert from 'node:assert/strict';
import {
  isMaskable,
  MIN_SECRET_LENGTH,
  redactor,
  secretForms,
} from '../../tasks/PipelineWorkItem/src/text/redact';

describe('redaction', () => {
  const cases: { name: string; secrets: string[]; text: string; expected: string }[] = [
    { name: 'masks a secret as is', secrets: ['hunter22'], text: 'pw=hunter22;', expected: 'pw=***;' },
    {
      name: 'masks every occurrence',
      secrets: ['hunter22'],
      text: 'hunter22 and hunter22',
      expected: '*** and ***',
    },
    {
      name: 'masks the HTML-escaped form',
      secrets: ['p<a>&"ss'],
      text: '<td>p&lt;a&gt;&amp;&quot;ss</td>',
      expected: '<td>***</td>',
    },
    {
      name: 'masks the Markdown-escaped form',
      secrets: ['p*ss_[w]'],
      text: 'token p\\*ss\\_\\[w\\] used',
      expected: 'token *** used',
    },
    {
      name: 'masks the URL-encoded form',
      secrets: ['p&ss w/rd'],
      text: '?pw=p%26ss%20w%2Frd&x=1',
      expected: '?pw=***&x=1',
    },
    {
      name: 'masks the JSON-string-escaped form',
      secrets: ['a"b\\c\nd'],
      text: '{"pw":"a\\"b\\\\c\\nd"}',
      expected: '{"pw":"***"}',
    },
    {
      name: 'masks a secret that contains another whole, the longer first',
      secrets: ['abcde', 'xxabcdexx'],
      text: 'xxabcdexx abcde',
      expected: '*** ***',
    },
    {
      name: 'masks again where a mask completes a secret with the text around it',
      secrets: ['a***b'],
      text: 'aa***bb',
      expected: '***',
    },
    {
      name: 'ignores values shorter than the minimum, which are everywhere in titles and paths',
      secrets: ['main', '1', 'prod'],
      text: 'main failed in prod, attempt 1',
      expected: 'main failed in prod, attempt 1',
    },
    {
      name: 'counts the length without surrounding white space',
      secrets: ['  abc  '],
      text: 'x  abc  y',
      expected: 'x  abc  y',
    },
    {
      name: 'leaves text without secrets alone',
      secrets: [],
      text: 'nothing <here>',
      expected: 'nothing <here>',
    },
  ];
  for (const { name, secrets, text, expected } of cases) {
    it(name, () => assert.equal(redactor(secrets)(text), expected));
  }

  it('masks from five characters on', () => {
    assert.equal(MIN_SECRET_LENGTH, 5);
    assert.equal(isMaskable('abcd'), false);
    assert.equal(isMaskable('abcde'), true);
    assert.equal(isMaskable('😀😀😀😀😀'), true);
  });

  it('lists each distinct form of a secret once', () => {
    assert.deepEqual(secretForms('plain'), ['plain']);
    assert.deepEqual(secretForms('a&b c'), ['a&b c', 'a&amp;b c', 'a\\&b c', 'a%26b%20c']);
  });

  it('has no URL-encoded form for a lone surrogate, and does not throw', () => {
    assert.deepEqual(secretForms('ab\ud800cd'), ['ab\ud800cd', 'ab\\ud800cd']);
  });
});
