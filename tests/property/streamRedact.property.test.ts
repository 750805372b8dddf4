import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import * as fc from 'fast-check';
import { isMaskable, redactor, secretForms } from '../../tasks/PipelineWorkItem/src/text/redact';
import {
  ChunkedRedactor,
  maskingStream,
  SNIFF_BYTES,
} from '../../tasks/PipelineWorkItem/src/text/streamRedact';

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

// Streaming masks what masking the whole text masks, wherever the chunks end: the tail that could begin a
// secret is carried over into the next chunk.
describe('masking a text that arrives in chunks', () => {
  it('gives what redactor gives for the whole text, however it is cut', () => {
    fc.assert(
      fc.property(
        fc.array(secret, { minLength: 1, maxLength: 3 }),
        fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.constant('SECRET')), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (secrets, parts, cuts) => {
          // Latin1 in, latin1 out: the bytes of the UTF-8 text, one character each.
          const whole = Buffer.from(
            parts.map((p, i) => (p === 'SECRET' ? (secrets[i % secrets.length] as string) : p)).join(''),
            'utf8',
          ).toString('latin1');
          const masker = new ChunkedRedactor(secrets);
          const streamed =
            chunks(whole, cuts)
              .map((c) => masker.push(c))
              .join('') + masker.end();
          const bytewise = secrets.map((s) => Buffer.from(s, 'utf8').toString('latin1'));
          assert.equal(streamed, redactor(bytewise)(whole));
          for (const form of bytewise.flatMap(secretForms)) assert.ok(!streamed.includes(form));
        },
      ),
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

  it('passes a binary (a NUL byte in its first 8 KB) as it is, and masks one whose NUL comes later', async () => {
    const binary = [Buffer.from([0, 1, 2]), Buffer.from('s3cret-value')];
    assert.deepEqual(await bytes(binary, ['s3cret-value']), Buffer.concat(binary));
    const late = [Buffer.alloc(SNIFF_BYTES, 'a'), Buffer.from('s3cret-value'), Buffer.from([0])];
    assert.deepEqual(
      await bytes(late, ['s3cret-value']),
      Buffer.concat([Buffer.alloc(SNIFF_BYTES, 'a'), Buffer.from('***'), Buffer.from([0])]),
    );
  });

  it('without maskable secrets passes everything unchanged', async () => {
    const input = [Buffer.from('short s3c'), Buffer.from('ret')];
    assert.deepEqual(await bytes(input, ['s3c', '']), Buffer.concat(input));
  });
});
