import { Transform, type TransformCallback } from 'node:stream';
import { isMaskable, redactor, secretForms } from './redact';

/** How much of a file decides whether it is text: no NUL byte in its first 8 KB. */
export const SNIFF_BYTES = 8 * 1024;

/**
 * Masks secrets in a text that arrives in chunks, as `redactor` masks it whole. Text is handled as latin1 (one
 * character per byte), and so are the secrets' UTF-8 bytes, so any encoding passes through byte for byte.
 * The tail of each chunk that could be the start of a secret is held back and masked with the next one.
 */
export class ChunkedRedactor {
  private readonly redact: (text: string) => string;
  private readonly forms: readonly string[];
  private readonly keep: number;
  private pending = '';

  constructor(secrets: readonly string[]) {
    const bytewise = secrets.filter(isMaskable).map((s) => Buffer.from(s, 'utf8').toString('latin1'));
    this.redact = redactor(bytewise);
    this.forms = [...new Set(bytewise.flatMap(secretForms))];
    this.keep = Math.max(0, ...this.forms.map((form) => form.length - 1));
  }

  /** Masked text that is final, for the next `chunk` (latin1). */
  push(chunk: string): string {
    this.pending += chunk;
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

  /** `cut`, moved back before any occurrence of a form that runs across it. */
  private safeCut(cut: number): number {
    let at = cut;
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
            at = i;
            moved = true;
          }
        }
      }
    }
    return at;
  }
}

/**
 * A stream that masks secrets in text and passes binaries as they are: the first 8 KB decide (a NUL byte means
 * binary). Memory stays bounded by the chunk size and the longest secret, whatever the file's size.
 */
export function maskingStream(secrets: readonly string[]): Transform {
  const masker = secrets.some(isMaskable) ? new ChunkedRedactor(secrets) : undefined;
  let head: Buffer[] = [];
  let headBytes = 0;
  let mode: 'sniffing' | 'text' | 'binary' = masker ? 'sniffing' : 'binary';
  const forward = (stream: Transform, data: Buffer): void => {
    if (mode === 'binary' || !masker) stream.push(data);
    else {
      const out = masker.push(data.toString('latin1'));
      if (out) stream.push(Buffer.from(out, 'latin1'));
    }
  };
  const decide = (stream: Transform): void => {
    const sniffed = Buffer.concat(head);
    head = [];
    mode = sniffed.subarray(0, SNIFF_BYTES).includes(0) ? 'binary' : 'text';
    forward(stream, sniffed);
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (mode === 'sniffing') {
        head.push(chunk);
        headBytes += chunk.length;
        if (headBytes >= SNIFF_BYTES) decide(this);
      } else forward(this, chunk);
      done();
    },
    flush(done: TransformCallback) {
      if (mode === 'sniffing') decide(this);
      if (mode === 'text' && masker) {
        const rest = masker.end();
        if (rest) this.push(Buffer.from(rest, 'latin1'));
      }
      done();
    },
  });
}
