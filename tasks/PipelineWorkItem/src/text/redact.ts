import { escapeHtml } from './html';
import { hasUnpairedSurrogate } from './logText';
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
 * The forms in which `secret` can stand in a text: as is, trimmed, and with its white space runs made one space
 * (a key of several lines in a one-line text); each HTML-escaped (its quotes as the task, lodash, Python, XML and
 * Go write them), Markdown-escaped, URL-encoded (as each common encoder writes it, see `URL_ENCODERS`; either case
 * of hex digits), escaped inside a JSON string (also with `\/`, and as .NET's, Python's and Go's encoders escape
 * it), its quotes escaped as a quoted string in a script or a value in a CSV file writes them, Base64-encoded
 * (standard and URL-safe alphabets, of its UTF-8 and of its UTF-16 bytes, as PowerShell's `-EncodedCommand` takes
 * it) inside longer data, and hex-encoded in lower and upper case; and each of its lines, as it is, when it has
 * several. The encoded forms of a maskable secret have at least six characters (five bytes give six Base64
 * characters at any alignment, ten hex digits), too many to stand in ordinary text by chance.
 */
export function secretForms(secret: string): string[] {
  const reshaped = [secret.trim(), secret.replace(/\s+/g, ' ').trim()].filter(isMaskable);
  // A secret of several lines (a key, a certificate) also stands a line at a time: a log splits it into lines, a
  // file written on Windows ends them in CRLF, a tool quotes one. Each line is masked as it is, as the agent masks
  // them (its encodings are the whole secret's: a key of 60 lines would otherwise slow every file's mask 60-fold).
  const lines = secret.split(/\r\n|[\r\n]/);
  const each = lines.length > 1 ? lines.map((line) => line.trim()).filter(isMaskable) : [];
  return [...new Set([...[secret, ...reshaped].flatMap(formsOf), ...each])];
}

function formsOf(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const forms = [
    secret,
    ...htmlForms(escapeHtml(secret)),
    escapeMarkdown(secret),
    json,
    json.replace(/\//g, '\\/'),
    ...jsonEscapes(json),
    ...quoteEscapes(secret),
    ...urlForms(secret),
  ];
  const bytes = Buffer.from(secret);
  const hex = bytes.toString('hex');
  forms.push(hex, hex.toUpperCase());
  for (const base64 of [...base64Forms(bytes), ...base64Forms(Buffer.from(secret, 'utf16le'))]) {
    forms.push(base64, base64.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

// The task's HTML escaping of a secret, and as other tools escape its quotes (a test report attached): `'` as
// lodash and Java, Python, or XML write it; both quotes as Go writes them.
function htmlForms(html: string): string[] {
  return [
    html,
    ...['&#39;', '&#x27;', '&apos;'].map((apostrophe) => html.replace(/'/g, apostrophe)),
    html.replace(/'/g, '&#39;').replace(/&quot;/g, '&#34;'),
  ];
}

// A quote inside a quoted string as scripts and data files escape it: `\'` (Python's repr, a JavaScript or PHP
// string), `'\''` (a POSIX shell's single quotes, as `set -x` prints them), `''` (PowerShell's and SQL's single
// quotes) and `""` (a CSV field, PowerShell's double quotes).
function quoteEscapes(secret: string): string[] {
  return [
    secret.replace(/'/g, "\\'"),
    secret.replace(/'/g, "'\\''"),
    secret.replace(/'/g, "''"),
    secret.replace(/"/g, '""'),
  ];
}

/**
 * The URL encoders whose output a log or a report commonly holds: each percent-encodes the UTF-8 bytes of every
 * character but letters, digits and those it `keeps`, and writes a space as `%20` or as `+`.
 */
const URL_ENCODERS: readonly { readonly keeps: string; readonly space: string }[] = [
  // JavaScript's encodeURIComponent.
  { keeps: "-_.!~*'()", space: '%20' },
  // JavaScript's encodeURI.
  { keeps: "-_.!~*'();/?:@&=+$,#", space: '%20' },
  // A form body: URLSearchParams, Java's URLEncoder.
  { keeps: '*-._', space: '+' },
  // RFC 3986's unreserved set: .NET's Uri.EscapeDataString, PHP's rawurlencode, curl's --data-urlencode.
  { keeps: '-_.~', space: '%20' },
  // Python's urllib.parse.quote, which keeps `/` unless told otherwise.
  { keeps: '-_.~/', space: '%20' },
  // Python's quote_plus, Go's url.QueryEscape.
  { keeps: '-_.~', space: '+' },
  // PHP's urlencode.
  { keeps: '-_.', space: '+' },
  // Go's url.PathEscape.
  { keeps: '-_.~$&+:=@', space: '%20' },
];

function percentEncoded(secret: string, { keeps, space }: (typeof URL_ENCODERS)[number]): string {
  let encoded = '';
  for (const c of secret) {
    if (/[A-Za-z0-9]/.test(c) || keeps.includes(c)) encoded += c;
    else if (c === ' ') encoded += space;
    else encoded += Buffer.from(c).toString('hex').toUpperCase().replace(/../g, '%$&');
  }
  return encoded;
}

// The URL-encoded forms, each in either case of hex digits: those of `URL_ENCODERS`, a password in a URL as the
// URL standard writes it (Node.js's URL, browsers), and JavaScript's `escape` (Latin-1 bytes as `%XX`, the rest as
// `%uXXXX`).
function urlForms(secret: string): string[] {
  // Half of a surrogate pair is no character that UTF-8, and so a URL, can hold.
  if (hasUnpairedSurrogate(secret)) return [];
  const userinfo = new URL('http://host/');
  userinfo.password = secret;
  const encoded = [
    ...URL_ENCODERS.map((encoder) => percentEncoded(secret, encoder)),
    userinfo.password,
    escape(secret),
  ];
  return [
    ...encoded,
    ...encoded.map((form) => form.replace(/%(u[0-9A-F]{4}|[0-9A-F]{2})/g, (escape) => escape.toLowerCase())),
  ];
}

// A JSON string's `\u` escapes as each encoder writes them: .NET's (`<>&'+` and backtick, and what is not ASCII, in
// upper-case hex), Python's json.dumps (what is not ASCII) and Go's encoding/json (`<>&`), both in lower case.
function jsonEscapes(json: string): string[] {
  const escaped = (chars: RegExp, hex: (code: string) => string): string =>
    json.replace(chars, (c) => `\\u${hex(c.charCodeAt(0).toString(16).padStart(4, '0'))}`);
  const dotnet = /[<>&'+`]|[^\x00-\x7f]/g;
  return [
    escaped(dotnet, (code) => code.toUpperCase()),
    escaped(dotnet, (code) => code),
    escaped(/[^\x00-\x7f]/g, (code) => code),
    escaped(/[<>&]/g, (code) => code),
  ];
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

/** Characters of each form the test for any form looks for. */
const PREFILTER_CHARS = 64;

function buildRedactor(secrets: readonly string[]): (text: string) => string {
  const forms = maskableForms(secrets);
  if (forms.length === 0) return (text) => text;
  const redact = formsRedactor(forms.map((form) => ({ form, mask: MASK })));
  // Most texts hold no form at all: one pass of one pattern says so, instead of a search for each form. (Not
  // for a file's bytes: on a zero-filled file the searches for each form are the faster.) The pattern holds
  // the start of each form only: a text that holds a form holds its start, and a long secret (a certificate)
  // would make a pattern larger than V8 compiles.
  const starts = [...new Set(forms.map((form) => form.slice(0, PREFILTER_CHARS)))];
  let anyForm: RegExp;
  try {
    anyForm = new RegExp(starts.map((start) => start.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')).join('|'));
    anyForm.test('');
  } catch {
    return redact;
  }
  return (text) => (anyForm.test(text) ? redact(text) : text);
}

/** Every form of every secret long enough to be masked, each once. */
export function maskableForms(secrets: readonly string[]): string[] {
  return [...new Set(secrets.filter(isMaskable).flatMap(secretForms))];
}

/**
 * A form of a secret, and what stands in its place: a mask in the same encoding. `width`: the bytes of one
 * character in that encoding, when more than one (UTF-16: 2).
 */
export interface MaskedForm {
  readonly form: string;
  readonly mask: string;
  readonly width?: number;
}

/**
 * A function that replaces each form in a text with its mask, as `redactor` does with a secret's forms. Every
 * form must be longer than its mask. Overlapping occurrences become one mask, the mask of the one that starts
 * first (at one start, the longest). A text of several bytes a character starts at a character's first byte:
 * a UTF-16 form of one byte order also stands one byte off across the characters of the other, and such a
 * shadow of an occurrence at a character's start is left out, so that the mask keeps the text's characters.
 */
export function formsRedactor(forms: readonly MaskedForm[]): (text: string) => string {
  const searched = forms.map(searchedForm);
  return (text) => {
    let result = text;
    let before: string;
    // Ends: every replacement shortens the text, as every form is longer than its mask.
    do {
      before = result;
      result = maskRanges(result, occurrences(result, searched));
    } while (result !== before);
    return result;
  };
}

interface Range {
  start: number;
  end: number;
  readonly mask: string;
  /** Where in a character of its encoding the occurrence starts: 0 at the first byte. */
  readonly offset: number;
}

/** A form with the part of it that is searched for: from its first character that is not a NUL. */
interface SearchedForm extends MaskedForm {
  /** The NULs it starts with. */
  readonly skip: number;
  readonly rest: string;
}

// A form in UTF-16 big-endian starts with a NUL, and V8 looks for a pattern's first character first, which
// stops at every byte of a zero-filled file: the search starts after the leading NULs.
function searchedForm(form: MaskedForm): SearchedForm {
  const skip = Math.max(0, form.form.search(/[^\0]/));
  return { ...form, skip, rest: form.form.slice(skip) };
}

/** Where the forms occur in `text`, overlapping ones included, by start and, at one start, longest first. */
function occurrences(text: string, forms: readonly SearchedForm[]): Range[] {
  const ranges: Range[] = [];
  for (const { form, mask, width = 1, skip, rest } of forms) {
    for (let at = text.indexOf(rest, skip); at >= 0; at = text.indexOf(rest, at + 1)) {
      const start = at - skip;
      if (text.startsWith(form, start)) {
        ranges.push({ start, end: start + form.length, mask, offset: start % width });
      }
    }
  }
  // The mask of the occurrence that starts a character at each position: a shadow stands one byte from one of
  // another encoding.
  const aligned = new Map(ranges.filter((r) => r.offset === 0).map((r) => [r.start, r.mask]));
  const shadow = (r: Range): boolean =>
    r.offset !== 0 &&
    [r.start - 1, r.start + 1].some((at) => {
      const mask = aligned.get(at);
      return mask !== undefined && mask !== r.mask;
    });
  return ranges.filter((r) => !shadow(r)).sort((a, b) => a.start - b.start || b.end - a.end);
}

/** `text` with each run of overlapping ranges (sorted by start) replaced by the mask of its first. */
function maskRanges(text: string, ranges: readonly Range[]): string {
  const parts: string[] = [];
  let copied = 0;
  let run: Range | undefined;
  const flush = (): void => {
    if (!run) return;
    parts.push(text.slice(copied, run.start), run.mask);
    copied = run.end;
  };
  for (const range of ranges) {
    if (run && range.start < run.end) {
      run.end = Math.max(run.end, range.end);
      continue;
    }
    flush();
    run = { ...range };
  }
  flush();
  parts.push(text.slice(copied));
  return parts.join('');
}
