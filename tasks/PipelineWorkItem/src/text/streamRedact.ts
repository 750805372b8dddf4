import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { formsRedactor, isMaskable, maskableForms, MaskedForm } from './redact';

/** `bytes` as a string of one character per byte. */
const latin1 = (bytes: Buffer): string => bytes.toString('latin1');

/** The bytes of `text` in UTF-16 big-endian. */
const utf16be = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16();

/**
 * How each secret can stand in a file's bytes, with the mask written in the same encoding: every form `redactor`
 * masks in a text (the secret, its escapes and its encodings), in UTF-8 and in UTF-16 of either byte order, the
 * encodings a tool on Windows writes its text in (PowerShell's `>`, for one). In UTF-16 the mask keeps the text's
 * two bytes per character, so the rest of the file still reads as it did.
 */
function byteForms(secrets: readonly string[]): MaskedForm[] {
  const forms = maskableForms(secrets);
  const in16le = latin1(Buffer.from('***', 'utf16le'));
  const in16be = latin1(utf16be('***'));
  return forms.flatMap((form) => [
    { form: latin1(Buffer.from(form, 'utf8')), mask: '***' },
    { form: latin1(Buffer.from(form, 'utf16le')), mask: in16le, width: 2 },
    { form: latin1(utf16be(form)), mask: in16be, width: 2 },
  ]);
}

/**
 * Masks secrets in a file's bytes that arrive in chunks, as a whole text is masked. The bytes are handled as
 * latin1 (one character per byte), and so are the secrets' forms in each encoding, so any file passes through
 * byte for byte but where a secret stood. The tail of each chunk that could be the start of a secret is held
 * back and masked with the next one.
 */
export class ChunkedRedactor {
  private readonly redact: (text: string) => string;
  private readonly forms: readonly string[];
  private readonly keep: number;
  private pending = '';

  constructor(secrets: readonly string[]) {
    const forms = byteForms(secrets);
    this.redact = formsRedactor(forms);
    this.forms = [...new Set(forms.map(({ form }) => form))];
    this.keep = Math.max(0, ...this.forms.map((form) => form.length - 1));
  }

  /** Masked text that is final, for the next `chunk` (latin1). */
  push(chunk: string): string {
    this.pending += chunk;
    // An even cut: the text held back starts where a character of UTF-16 starts, as the file does.
    const cut = this.safeCut(this.pending.length - this.keep);
    if (cut <= 0) return '';
    const ready = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut);
    return this.redact(ready);
  }

  /** The rest, masked, once the text has ended. */
  end(): string {
    const rest = this.redact(this.pending);
    this.pending = '';
    return rest;
  }

  /** `cut`, moved back before any occurrence of a form that runs across it, and to an even byte. */
  private safeCut(cut: number): number {
    let at = cut - (cut % 2);
    for (let moved = true; moved && at > 0;) {
      moved = false;
      for (const form of this.forms) {
        const from = Math.max(0, at - form.length + 1);
        for (
          let i = this.pending.indexOf(form, from);
          i >= 0 && i < at;
          i = this.pending.indexOf(form, i + 1)
        ) {
          if (i + form.length > at) {
            at = i - (i % 2);
            moved = true;
          }
        }
      }
    }
    return at;
  }
}

/**
 * A stream that masks secrets in a file, text or binary alike: a binary that holds a secret's bytes (a process
 * dump, a log in an archive stored uncompressed) must not carry it to the item, and is changed where it did.
 * Memory stays bounded by the chunk size and the longest form of a secret, whatever the file's size.
 */
export function maskingStream(secrets: readonly string[]): Transform {
  if (!secrets.some(isMaskable)) return new PassThrough();
  const masker = new ChunkedRedactor(secrets);
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      const out = masker.push(latin1(chunk));
      done(null, out ? Buffer.from(out, 'latin1') : undefined);
    },
    flush(done: TransformCallback) {
      const rest = masker.end();
      done(null, rest ? Buffer.from(rest, 'latin1') : undefined);
    },
  });
}
