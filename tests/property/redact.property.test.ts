import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { escapeHtml } from '../../tasks/PipelineWorkItem/src/text/html';
import { escapeMarkdown } from '../../tasks/PipelineWorkItem/src/text/markdown';
import {
  isMaskable,
  MIN_SECRET_LENGTH,
  redactor,
  secretForms,
} from '../../tasks/PipelineWorkItem/src/text/redact';
import { holdsSecret } from '../helpers/secretSearch';
import { hostileChar, hostileText, textAround } from './arbitraries';

const ESCAPES: Record<string, (text: string) => string> = {
  none: (text) => text,
  html: escapeHtml,
  markdown: escapeMarkdown,
  url: encodeURIComponent,
  json: (text) => JSON.stringify(text).slice(1, -1),
};

// Letters no escape ever writes (not in `&amp;`, `&lt;`, `&gt;`, `&quot;`, hex digits, `\n`, `\r`, `\t`, `\u`).
const UNESCAPED_LETTERS = [...'hijksvwxyz'];

/**
 * A secret that begins and ends with a letter no escape writes. Escaping text next to a secret can otherwise
 * complete one by coincidence: URL-encoding `&bcdef` writes `%26bcdef`, which contains a secret `26bcdef`
 * although the text never held it. Such coincidences reveal nothing and are no leak; this keeps them out.
 */
const delimitedSecret: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...UNESCAPED_LETTERS),
    fc.string({ unit: hostileChar, minLength: MIN_SECRET_LENGTH - 2, maxLength: 12 }),
    fc.constantFrom(...UNESCAPED_LETTERS),
  )
  .map(([first, middle, last]) => `${first}${middle}${last}`)
  .filter((secret) => isMaskable(secret) && !secret.includes('*'));

// Noise without those letters: every letter that could begin or end a secret comes from a form of it.
const noise = hostileText(12).map((text) => text.replace(/[hijksvwxyz]/g, ''));

describe('redaction (properties)', () => {
  it('leaves no form of any secret in any text', () => {
    const secrets = fc.array(fc.string({ unit: hostileChar, minLength: 1, maxLength: 10 }), {
      minLength: 1,
      maxLength: 3,
    });
    fc.assert(
      fc.property(
        secrets.chain((list) =>
          fc.tuple(fc.constant(list), textAround(fc.constantFrom(...list.flatMap(secretForms)))),
        ),
        ([list, text]) => {
          const redacted = redactor(list)(text);
          for (const form of list.filter(isMaskable).flatMap(secretForms)) {
            assert.ok(!redacted.includes(form), `${JSON.stringify(form)} in ${JSON.stringify(redacted)}`);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('leaves no escaped form of a secret after redaction and then any escape', () => {
    fc.assert(
      fc.property(
        delimitedSecret.chain((secret) =>
          fc.tuple(
            fc.constant(secret),
            fc
              .array(fc.oneof(noise, fc.constantFrom(...secretForms(secret))), { maxLength: 6 })
              .map((pieces) => pieces.join('')),
          ),
        ),
        ([secret, text]) => {
          const redacted = redactor([secret])(text);
          for (const [name, escape] of Object.entries(ESCAPES)) {
            const escaped = escape(redacted);
            for (const form of secretForms(secret)) {
              assert.ok(
                !escaped.includes(form),
                `${name}: ${JSON.stringify(form)} in ${JSON.stringify(escaped)}`,
              );
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('changes nothing for values too short to mask', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: hostileChar, maxLength: MIN_SECRET_LENGTH - 1 })),
        hostileText(),
        (secrets, text) => assert.equal(redactor(secrets)(text), text),
      ),
    );
  });

  it('changes nothing in text that holds no form of a secret', () => {
    fc.assert(
      fc.property(delimitedSecret, noise, (secret, text) => assert.equal(redactor([secret])(text), text)),
    );
  });
});

describe('redaction of URL-encoded and quoted secrets (properties)', () => {
  const hex = (c: string): string => `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
  // Each tool's encoding, derived here from JavaScript's own encoders rather than from the task's list.
  const rfc3986 = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, hex);
  const quotePlus = (text: string): string => rfc3986(text).replace(/%20/g, '+');
  const ENCODERS: Record<string, (text: string) => string> = {
    encodeURIComponent,
    encodeURI,
    escape,
    'a form body': (text) => new URLSearchParams([['k', text]]).toString().slice(2),
    'RFC 3986': rfc3986,
    "Python's quote": (text) => rfc3986(text).replace(/%2F/g, '/'),
    "Python's quote_plus": quotePlus,
    "PHP's urlencode": (text) => quotePlus(text).replace(/~/g, '%7E'),
    "Go's PathEscape": (text) =>
      rfc3986(text).replace(/%(24|26|2B|3A|3D|40)/g, (_, code: string) =>
        String.fromCharCode(parseInt(code, 16)),
      ),
    "Python's repr": (text) => text.replace(/'/g, "\\'"),
    'a POSIX shell': (text) => text.replace(/'/g, "'\\''"),
    PowerShell: (text) => text.replace(/'/g, "''"),
    'a CSV field': (text) => text.replace(/"/g, '""'),
  };
  const lowerHex = (text: string): string =>
    text.replace(/%(u[0-9A-F]{4}|[0-9A-F]{2})/g, (e) => e.toLowerCase());

  it('leaves no secret that a common URL encoder or quoting wrote, in either case of hex digits', () => {
    fc.assert(
      fc.property(
        delimitedSecret,
        fc.constantFrom(...Object.keys(ENCODERS)),
        fc.boolean(),
        noise,
        noise,
        (secret, name, lower, before, after) => {
          const encode = ENCODERS[name] ?? String;
          const written = lower ? lowerHex(encode(secret)) : encode(secret);
          const redacted = redactor([secret])(`${before}${written}${after}`);
          assert.ok(!holdsSecret(redacted, secret), `${name}: ${JSON.stringify(redacted)}`);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('redaction of encoded secrets (properties)', () => {
  const secret = fc
    .string({ unit: hostileChar, minLength: MIN_SECRET_LENGTH, maxLength: 16 })
    .filter(isMaskable);
  const bytes = fc.uint8Array({ maxLength: 8 }).map((array) => Buffer.from(array));
  const encodings: Record<string, (data: Buffer) => string> = {
    base64: (data) => data.toString('base64'),
    'URL-safe base64': (data) => data.toString('base64url'),
    hex: (data) => data.toString('hex'),
    'upper-case hex': (data) => data.toString('hex').toUpperCase(),
  };

  it('finds a form of the secret in any data holding it, at any byte offset, and masks it', () => {
    fc.assert(
      fc.property(secret, bytes, bytes, (value, before, after) => {
        const data = Buffer.concat([before, Buffer.from(value, 'utf8'), after]);
        const forms = secretForms(value);
        for (const [name, encode] of Object.entries(encodings)) {
          const text = encode(data);
          const redacted = redactor([value])(text);
          assert.ok(
            forms.some((form) => text.includes(form)),
            `${name} of ${JSON.stringify(value)} in ${text}`,
          );
          assert.ok(!forms.some((form) => redacted.includes(form)), `${name}: ${redacted}`);
          assert.ok(redacted.includes('***'), redacted);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives every maskable secret only forms longer than the mask, so masking always ends', () => {
    fc.assert(
      fc.property(secret, (value) => {
        for (const form of secretForms(value)) assert.ok(form.length > 3, JSON.stringify(form));
      }),
    );
  });
});
