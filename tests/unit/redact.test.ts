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
      name: "masks the form .NET's Uri.EscapeDataString writes, which escapes * as %2A too",
      secrets: ['p*ss(w)rd!'],
      text: '?pw=p%2Ass%28w%29rd%21&x=1',
      expected: '?pw=***&x=1',
    },
    {
      name: "masks the form Python's urllib.parse.quote writes, which keeps /",
      secrets: ['Xq3+Kz/9qLw8Rt1='],
      text: 'HTTPError 403 for url: https://acct.example/c?key=Xq3%2BKz/9qLw8Rt1%3D',
      expected: 'HTTPError 403 for url: https://acct.example/c?key=***',
    },
    {
      name: "masks the form Go's url.PathEscape writes, which keeps + and =",
      secrets: ['Xq3+Kz/9qLw8Rt1='],
      text: 'GET /blob/Xq3+Kz%2F9qLw8Rt1=: 403',
      expected: 'GET /blob/***: 403',
    },
    {
      name: "masks the forms Python's quote_plus and PHP's urlencode write, a space as +",
      secrets: ['P@ss w0rd~2026!'],
      text: 'login/P%40ss+w0rd~2026%21 and login/P%40ss+w0rd%7E2026%21',
      expected: 'login/*** and login/***',
    },
    {
      name: "masks the forms JavaScript's encodeURI and escape write",
      secrets: ['P@ss w0rd~2026!', 'caf\u00e9-\u20ac-key'],
      text: 'dial https://x.example/p/P@ss%20w0rd~2026! then P@ss%20w0rd%7E2026%21 then caf%E9-%u20AC-key',
      expected: 'dial https://x.example/p/*** then *** then ***',
    },
    {
      name: 'masks a quote escaped as Python, a POSIX shell, PowerShell and a CSV file escape it',
      secrets: [`it's-the-"deploy"-key`],
      text: `'it\\'s-the-"deploy"-key' + 'it'\\''s-the-"deploy"-key' + 'it''s-the-"deploy"-key' + "it's-the-""deploy""-key"`,
      expected: `'***' + '***' + '***' + "***"`,
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

  it('masks a secret as long as a certificate in every form, the longest too, without failing', () => {
    // A PFX in a secret variable: its Base64-of-UTF-16 form alone is longer than one alternative of a regular
    // expression may be.
    const pfx = Buffer.from(Array.from({ length: 9_216 }, (_, i) => (i * 37) % 256)).toString('base64');
    const accents = 'é'.repeat(6_000);
    const mask = redactor([pfx, accents, 'short-one']);
    const utf16 = Buffer.from(pfx, 'utf16le').toString('base64');
    assert.equal(mask(`pfx ${pfx} short-one`), 'pfx *** ***');
    assert.equal(mask(`-EncodedCommand ${utf16}`), '-EncodedCommand ***');
    assert.equal(mask(`q=${encodeURIComponent(accents)}`), 'q=***');
    assert.equal(mask('nothing here'), 'nothing here');
  });

  it('masks from five characters on', () => {
    assert.equal(MIN_SECRET_LENGTH, 5);
    assert.equal(isMaskable('abcd'), false);
    assert.equal(isMaskable('abcde'), true);
    assert.equal(isMaskable('😀😀😀😀😀'), true);
  });

  it('lists each distinct form of a secret once', () => {
    assert.deepEqual(secretForms('plain'), [
      'plain',
      '706c61696e',
      '706C61696E',
      'cGxhaW',
      'BsYWlu',
      'wbGFpb',
      // Base64 of its UTF-16 bytes, as PowerShell's -EncodedCommand takes a command.
      'cABsAGEAaQBuA',
      'AAbABhAGkAbg',
      'wAGwAYQBpAG4A',
    ]);
    assert.deepEqual(secretForms('a&b c'), [
      'a&b c',
      'a&amp;b c',
      'a\\&b c',
      // In a JSON string as .NET's encoder writes it.
      'a\\u0026b c',
      'a%26b%20c',
      // In a URL's password as the URL standard writes it, and in a form body.
      'a&b%20c',
      'a%26b+c',
      '6126622063',
      'YSZiIG',
      'EmYiBj',
      'hJmIgY',
      'YQAmAGIAIABjA',
      'EAJgBiACAAYw',
      'hACYAYgAgAGMA',
    ]);
  });

  it('masks each line of a secret of several lines as it is, its encodings being the whole secret’s', () => {
    const forms = secretForms('first-line\r\nsecond-line\nend');
    assert.ok(forms.includes('first-line') && forms.includes('second-line'), forms.join(' | '));
    // Too short to mask on its own.
    assert.ok(!forms.includes('end'));
    assert.ok(!forms.includes(Buffer.from('first-line').toString('hex')));
    assert.equal(redactor(['first-line\nsecond-line'])('a first-line\r\nsecond-line b'), 'a ***\r\n*** b');
  });

  it('also masks the secret trimmed, with its white space made one space, and in more escapes', () => {
    const mask = redactor(['  Zx9+Qw/Er4\n  Ty7Ui0Op=\n']);
    const secret = 'Zx9+Qw/Er4\n  Ty7Ui0Op=';
    for (const text of [
      secret,
      'Zx9+Qw/Er4 Ty7Ui0Op=',
      'Zx9\\u002BQw/Er4\\n  Ty7Ui0Op=',
      JSON.stringify(secret).slice(1, -1).replace(/\//g, '\\/'),
      encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
      Buffer.from(secret, 'utf16le').toString('base64'),
    ]) {
      // Base64 keeps the characters that also hold bits of what follows the secret (here its padding).
      assert.match(mask(`[${text}]`), /^\[\*\*\*(A=)?\]$/, text);
    }
  });

  it('has no URL-encoded form for a lone surrogate, and does not throw', () => {
    // As is and JSON-escaped, then its bytes (the surrogate written as U+FFFD in UTF-8) in hex and Base64.
    assert.deepEqual(secretForms('ab\ud800cd'), [
      'ab\ud800cd',
      'ab\\ud800cd',
      '6162efbfbd6364',
      '6162EFBFBD6364',
      'YWLvv71jZ',
      'Fi77+9Y2',
      'Fi77-9Y2',
      'hYu+/vWNk',
      'hYu-_vWNk',
      'YQBiAADYYwBkA',
      'EAYgAA2GMAZA',
      'hAGIAANhjAGQA',
    ]);
  });

  // A secret whose Base64 holds `+` and `/`, so the URL-safe alphabet differs.
  const KEY = 'k3y>>>???~';
  const base64 = (text: string): string => Buffer.from(text).toString('base64');
  const urlSafe = (text: string): string => base64(text).replace(/\+/g, '-').replace(/\//g, '_');
  const encoded: { name: string; text: string; expected: string }[] = [
    { name: 'Base64 alone', text: base64(KEY), expected: '***g==' },
    { name: 'Base64 after 0 bytes of a group', text: base64(`abc${KEY}tail`), expected: 'YWJj***nRhaWw=' },
    { name: 'Base64 after 1 byte of a group', text: base64(`x${KEY}tail`), expected: 'eG***50YWls' },
    { name: 'Base64 after 2 bytes of a group', text: base64(`xy${KEY}tail`), expected: 'eHl***dGFpbA==' },
    { name: 'URL-safe Base64 after 0 bytes', text: urlSafe(`${KEY}tail`), expected: '***nRhaWw=' },
    { name: 'URL-safe Base64 after 1 byte', text: urlSafe(`x${KEY}tail`), expected: 'eG***50YWls' },
    { name: 'URL-safe Base64 after 2 bytes', text: urlSafe(`xy${KEY}tail`), expected: 'eHl***dGFpbA==' },
    {
      name: "a Basic header of a token, base64(':' + token)",
      text: `Authorization: Basic ${base64(`:${KEY}`)}`,
      expected: 'Authorization: Basic Om***4=',
    },
    {
      name: "a Basic header of a PAT, base64(user + ':' + pat)",
      text: `Authorization: Basic ${base64(`sam@fabrikam.example:${KEY}`)}`,
      expected: 'Authorization: Basic c2FtQGZhYnJpa2FtLmV4YW1wbGU6***g==',
    },
    { name: 'lower-case hex', text: `0x${Buffer.from(KEY).toString('hex')}`, expected: '0x***' },
    {
      name: 'upper-case hex',
      text: `0x${Buffer.from(KEY).toString('hex').toUpperCase()}`,
      expected: '0x***',
    },
  ];
  for (const { name, text, expected } of encoded) {
    it(`masks the secret encoded: ${name}`, () => assert.equal(redactor([KEY])(text), expected));
  }

  it('adds no encoded form shorter than six characters, even for the shortest maskable secret', () => {
    for (const secret of ['abcde', '12345', '     abcde']) {
      const encodedForms = secretForms(secret).filter((form) => !form.includes(secret.trim()));
      assert.ok(encodedForms.length >= 4, encodedForms.join(' '));
      assert.ok(
        encodedForms.every((form) => form.length >= 6),
        encodedForms.join(' '),
      );
    }
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
