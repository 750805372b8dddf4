import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import * as fc from 'fast-check';
import {
  isMaskable,
  maskableForms,
  redactor,
  secretForms,
} from '../../tasks/PipelineWorkItem/src/text/redact';
import { ChunkedRedactor, maskingStream } from '../../tasks/PipelineWorkItem/src/text/streamRedact';

// Secrets of letters, digits and the characters escapes write, never a `*` (a mask beside text must not be
// able to complete a secret: then one pass is all redactor takes too).
const secret = fc
  .string({ unit: fc.constantFrom(...'abcdefgh0123&<>"%\\ é'), minLength: 5, maxLength: 16 })
  .filter(isMaskable);

/** `whole` cut at `cuts` (positions, any order). */
function chunks(whole: string, cuts: readonly number[]): string[] {
  const at = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
  return [...at, whole.length].map((end, i) => whole.slice(i === 0 ? 0 : at[i - 1], end));
}

type Encoding = 'utf8' | 'utf16le' | 'utf16be';

/** `text` in `encoding`, one character a byte (latin1), as the masker sees a file. */
function encoded(text: string, encoding: Encoding): string {
  const bytes = encoding === 'utf16be' ? Buffer.from(text, 'utf16le').swap16() : Buffer.from(text, encoding);
  return bytes.toString('latin1');
}

const ENCODINGS: readonly Encoding[] = ['utf8', 'utf16le', 'utf16be'];

/** The text that `encoded` gave `bytes` (latin1) in `encoding`. */
function decoded(bytes: string, encoding: Encoding): string {
  const buffer = Buffer.from(bytes, 'latin1');
  return encoding === 'utf16be' ? buffer.swap16().toString('utf16le') : buffer.toString(encoding);
}

/** Some secrets, and a text with them among other characters. */
const secretsInText = fc
  .tuple(
    fc.array(secret, { minLength: 1, maxLength: 3 }),
    fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.constant('SECRET')), { maxLength: 12 }),
  )
  .map(([secrets, parts]) => ({
    secrets,
    text: parts.map((p, i) => (p === 'SECRET' ? (secrets[i % secrets.length] as string) : p)).join(''),
  }));

/** `bytes` masked in one go. */
function maskedWhole(secrets: readonly string[], bytes: string): string {
  const masker = new ChunkedRedactor(secrets);
  return masker.push(bytes) + masker.end();
}

// Streaming masks what masking the whole file masks, wherever the chunks end: the tail that could begin a
// secret is carried over into the next chunk. No form of a secret is left in any encoding.
describe('masking a file that arrives in chunks', () => {
  it('gives what masking it whole gives, however it is cut, and leaves no form of a secret', () => {
    fc.assert(
      fc.property(
        secretsInText,
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.constantFrom(...ENCODINGS),
        ({ secrets, text }, cuts, encoding) => {
          const whole = encoded(text, encoding);
          const masker = new ChunkedRedactor(secrets);
          const streamed =
            chunks(whole, cuts)
              .map((c) => masker.push(c))
              .join('') + masker.end();
          assert.equal(streamed, maskedWhole(secrets, whole));
          for (const form of secrets.flatMap(secretForms)) {
            for (const each of ENCODINGS) assert.ok(!streamed.includes(encoded(form, each)));
          }
        },
      ),
    );
  });

  it('masks a secret wherever two chunks meet, at every byte of it, in every encoding', () => {
    const secrets = ['s3cret-value', 's3cret'];
    for (const encoding of ENCODINGS) {
      const whole = encoded('ab s3cret-value; s3cret! s3cret-values', encoding);
      const expected = maskedWhole(secrets, whole);
      assert.equal(decoded(expected, encoding), 'ab ***; ***! ***s');
      for (let first = 0; first <= whole.length; first++) {
        for (const second of [first, first + 1, first + 7, whole.length]) {
          const masker = new ChunkedRedactor(secrets);
          const streamed =
            chunks(whole, [first, second])
              .map((c) => masker.push(c))
              .join('') + masker.end();
          assert.equal(streamed, expected, `${encoding} cut at ${first} and ${second}`);
        }
      }
    }
  });

  it('masks a long file fed in chunks of any size as it masks it whole, secrets at every chunk boundary', () => {
    const secrets = ['s3cret-value', 's3cret'];
    const text = `${'x'.repeat(90)} s3cret-value; s3cret!${'y'.repeat(40)}s3cret-values ${'z'.repeat(90)}s3cret`;
    for (const encoding of ENCODINGS) {
      const whole = encoded(text, encoding);
      const expected = maskedWhole(secrets, whole);
      for (let size = 1; size <= 80; size++) {
        const masker = new ChunkedRedactor(secrets);
        let streamed = '';
        for (let at = 0; at < whole.length; at += size) streamed += masker.push(whole.slice(at, at + size));
        assert.equal(streamed + masker.end(), expected, `${encoding} in chunks of ${size}`);
      }
    }
  });

  it('masks every form of a secret in UTF-16 at an odd byte of a binary, wherever two chunks meet', () => {
    const secrets = ['s3cret-value'];
    for (const form of maskableForms(secrets)) {
      for (const encoding of ['utf16le', 'utf16be'] as const) {
        const whole = `\x01${encoded(form, encoding)}\x01`;
        const expected = maskedWhole(secrets, whole);
        assert.equal(expected, `\x01${encoded('***', encoding)}\x01`, `${form} in ${encoding}`);
        for (let first = 1; first < whole.length; first++) {
          const masker = new ChunkedRedactor(secrets);
          const streamed =
            masker.push(whole.slice(0, first)) + masker.push(whole.slice(first)) + masker.end();
          assert.equal(streamed, expected, `${form} in ${encoding} cut at ${first}`);
        }
      }
    }
  });

  it('holds back no more than the longest form of a secret, whatever the length of the file', () => {
    const secrets = ['s3cret-value'];
    const longest = Math.max(...maskableForms(secrets).map((form) => encoded(form, 'utf16le').length));
    const masker = new ChunkedRedactor(secrets);
    for (const length of [1_000, 10_000]) {
      const out = masker.push('x'.repeat(length));
      assert.ok(out.length >= length - longest, `${out.length} of ${length} given out`);
    }
  });

  it('masks a text in UTF-8, or UTF-16 of either byte order, as redactor masks it, in the same encoding', () => {
    fc.assert(
      fc.property(secretsInText, fc.constantFrom(...ENCODINGS), ({ secrets, text }, encoding) => {
        const masked = maskedWhole(secrets, encoded(text, encoding));
        assert.equal(decoded(masked, encoding), redactor(secrets)(text));
      }),
    );
  });
});

describe('the masking stream', () => {
  const through = async (input: Buffer[], secrets: string[]): Promise<Buffer> =>
    Buffer.from(await text(Readable.from(input).pipe(maskingStream(secrets))), 'latin1');
  const bytes = async (input: Buffer[], secrets: string[]): Promise<Buffer> => {
    const out: Buffer[] = [];
    for await (const chunk of Readable.from(input).pipe(maskingStream(secrets))) out.push(chunk as Buffer);
    return Buffer.concat(out);
  };

  it('masks text split across chunks, in any encoding, byte for byte', async () => {
    const latin1 = Buffer.from([0xe9, 0x74, 0xe9, 0x20]);
    const masked = await bytes(
      [Buffer.concat([latin1, Buffer.from('token=s3cr')]), Buffer.from('et-value; done')],
      ['s3cret-value'],
    );
    assert.deepEqual(masked, Buffer.concat([latin1, Buffer.from('token=***; done')]));
    assert.equal(
      (await through([Buffer.from('clé s3cret-valüe')], ['s3cret-valüe'])).toString('latin1'),
      'clé ***',
    );
  });

  it('passes every byte value through unchanged where no secret stands, in chunks of any size', async () => {
    const all = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 256));
    for (const size of [1, 100, 4096]) {
      const input = Array.from({ length: Math.ceil(all.length / size) }, (_, i) =>
        all.subarray(i * size, (i + 1) * size),
      );
      assert.deepEqual(await bytes(input, ['s3cret-value']), all, `chunks of ${size}`);
    }
  });

  it('passes the tail it held back to the end byte for byte, bytes over 127 too', async () => {
    // The last bytes could begin a secret, so they wait for the end of the file before they go out.
    const tail = Buffer.from([0x73, 0x33, 0x63, 0xe9, 0xff, 0x00]);
    assert.deepEqual(
      await bytes([Buffer.from('x '), tail], ['s3cret-value']),
      Buffer.concat([Buffer.from('x '), tail]),
    );
  });

  it('masks a binary too: a secret after NUL bytes, and one written in UTF-16 of either byte order', async () => {
    const utf16le = Buffer.from('token=s3cret-value;', 'utf16le');
    const utf16be = Buffer.from('token=s3cret-value;', 'utf16le').swap16();
    const dump = [Buffer.from([0, 1, 2]), Buffer.from('s3cret-value'), Buffer.from([0]), utf16le, utf16be];
    assert.deepEqual(
      await bytes(dump, ['s3cret-value']),
      Buffer.concat([
        Buffer.from([0, 1, 2]),
        Buffer.from('***'),
        Buffer.from([0]),
        Buffer.from('token=***;', 'utf16le'),
        Buffer.from('token=***;', 'utf16le').swap16(),
      ]),
    );
  });

  it('masks a secret in UTF-16 that starts at an odd byte of a binary', async () => {
    // Right after a byte that is no NUL, it cannot be read as the other byte order one byte earlier.
    const odd = [Buffer.from([1]), Buffer.from('s3cret-value;', 'utf16le')];
    assert.deepEqual(
      await bytes(odd, ['s3cret-value']),
      Buffer.concat([Buffer.from([1]), Buffer.from('***;', 'utf16le')]),
    );
  });

  it('masks only the secrets long enough to be masked, in a file as in a text', async () => {
    const input = [Buffer.from('short s3c; long s3cret-value; '), Buffer.from('s3c', 'utf16le')];
    assert.deepEqual(
      await bytes(input, ['s3c', 's3cret-value']),
      Buffer.concat([Buffer.from('short s3c; long ***; '), Buffer.from('s3c', 'utf16le')]),
    );
  });

  it('without maskable secrets passes everything unchanged', async () => {
    const input = [Buffer.from('short s3c'), Buffer.from('ret')];
    assert.deepEqual(await bytes(input, ['s3c', '']), Buffer.concat(input));
  });
});
