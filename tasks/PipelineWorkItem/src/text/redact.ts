import { escapeHtml } from './html';
import { escapeMarkdown } from './markdown';

/**
 * Secret values with fewer characters than this, not counting surrounding white space, are not masked.
 * Values such as `1`, `true`, `main` or `prod` stand everywhere in titles, branch names, paths and URLs:
 * masking them would wreck the item while hiding nothing, as a value that short is guessed in moments.
 * The credentials that matter (the job token, a PAT) are far longer.
 */
export const MIN_SECRET_LENGTH = 5;

const MASK = '***';

/** Whether `secret` is long enough to be masked (see {@link MIN_SECRET_LENGTH}). */
export function isMaskable(secret: string): boolean {
  return [...secret.trim()].length >= MIN_SECRET_LENGTH;
}

/**
 * The forms in which `secret` can stand in a text: as is, HTML-escaped, Markdown-escaped, URL-encoded, escaped
 * inside a JSON string, Base64-encoded (standard and URL-safe alphabets) inside longer data, and hex-encoded in
 * lower and upper case. The encoded forms of a maskable secret have at least six characters (five bytes give
 * six Base64 characters at any alignment, ten hex digits), too many to stand in ordinary text by chance.
 */
export function secretForms(secret: string): string[] {
  const forms = [secret, escapeHtml(secret), escapeMarkdown(secret), JSON.stringify(secret).slice(1, -1)];
  try {
    forms.push(encodeURIComponent(secret));
  } catch {
    // A lone surrogate has no URL-encoded form.
  }
  const bytes = Buffer.from(secret);
  const hex = bytes.toString('hex');
  forms.push(hex, hex.toUpperCase());
  for (const base64 of base64Forms(bytes)) {
    forms.push(base64, base64.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...new Set(forms)];
}

/**
 * The Base64 characters that `bytes` alone determine wherever they stand in encoded data: Base64 writes each
 * three bytes as four characters, so the secret's first byte falls at one of three positions in its group, and
 * the characters that also hold bits of the bytes before or after it differ from one text to the next. These
 * three forms cover, for instance, an `Authorization: Basic` header, `base64(user + ":" + password)`.
 */
function base64Forms(bytes: Buffer): string[] {
  // Characters whose bits are partly the bytes before, for 0, 1 and 2 bytes before in the group.
  const leading = [0, 2, 3];
  return leading.map((skip, before) => {
    const length = before + bytes.length;
    // Each character holds six bits: the last partial one also holds bits of the bytes after.
    const whole = Math.floor((length * 8) / 6);
    return Buffer.concat([Buffer.alloc(before), bytes])
      .toString('base64')
      .slice(skip, whole);
  });
}

/**
 * A function that replaces each maskable secret in `secrets`, in any of its forms, with `***`.
 * Every character of every occurrence is masked, also where occurrences overlap (a secret containing another,
 * or one form running into another), so no part of a secret is left beside a mask. The replacement repeats
 * until no form is left, since a mask next to the remaining text could otherwise complete a secret again.
 */
export function redactor(secrets: readonly string[]): (text: string) => string {
  // Callers ask with the current secrets at every write (tokens join as credentials are read); their forms
  // (escapes, three Base64 alignments, hex) are made again only when the secrets change.
  const key = JSON.stringify(secrets);
  if (key !== last.key) last = { key, redact: buildRedactor(secrets) };
  return last.redact;
}

let last: { key: string; redact: (text: string) => string } = { key: '[]', redact: (text) => text };

function buildRedactor(secrets: readonly string[]): (text: string) => string {
  return formsRedactor([...new Set(secrets.filter(isMaskable).flatMap(secretForms))], MASK);
}

/**
 * A function that replaces each of `forms` in a text with `mask`, as `redactor` does with a secret's forms. Every
 * form must be longer than the mask.
 */
export function formsRedactor(forms: readonly string[], mask: string): (text: string) => string {
  if (forms.length === 0) return (text) => text;
  return (text) => {
    let result = text;
    let before: string;
    // Ends: every replacement shortens the text, as every form is longer than the mask.
    do {
      before = result;
      result = maskRanges(result, occurrences(result, forms), mask);
    } while (result !== before);
    return result;
  };
}

/** Where the forms occur in `text`, as [start, end) ranges, overlapping ones included. */
function occurrences(text: string, forms: readonly string[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (const form of forms) {
    // Searched from its first character that is not a NUL (a form in UTF-16 big-endian starts with one): V8
    // looks for a pattern's first character first, which stops at every byte of a zero-filled file.
    const skip = Math.max(0, form.search(/[^\0]/));
    const rest = form.slice(skip);
    for (let at = text.indexOf(rest, skip); at >= 0; at = text.indexOf(rest, at + 1)) {
      if (text.startsWith(form, at - skip)) ranges.push([at - skip, at - skip + form.length]);
    }
  }
  return ranges.sort((a, b) => a[0] - b[0]);
}

/** `text` with each run of overlapping ranges (sorted by start) replaced by one `mask`. */
function maskRanges(text: string, ranges: readonly [number, number][], mask: string): string {
  const parts: string[] = [];
  let copied = 0;
  let run: [number, number] | undefined;
  const flush = (): void => {
    if (!run) return;
    parts.push(text.slice(copied, run[0]), mask);
    copied = run[1];
  };
  for (const [start, end] of ranges) {
    if (run && start < run[1]) {
      run[1] = Math.max(run[1], end);
      continue;
    }
    flush();
    run = [start, end];
  }
  flush();
  parts.push(text.slice(copied));
  return parts.join('');
}
