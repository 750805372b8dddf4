/**
 * Where a secret stands in a text, in any form the task could write it: worked out here, by decoding the text,
 * rather than with the task's own list of forms, so that a weaker mask cannot weaken the check with it.
 */

/** Secrets shorter than this (trimmed) are documented as left unmasked. */
export const SHORTEST_MASKED = 5;

const decodeEntities = (text: string): string =>
  text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (entity, name: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    const lower = name.toLowerCase();
    if (lower in named) return named[lower] ?? entity;
    const code = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });

// A backslash before ASCII punctuation: Markdown's escapes, and JSON's \" \\ \/.
const unescapePunctuation = (text: string): string => text.replace(/\\([!-/:-@[-`{-~])/g, '$1');

const decodeJsonUnicode = (text: string): string =>
  text.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

const decodePercent = (text: string): string =>
  text.replace(/(%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });

// A form body's `+` for a space, and JavaScript's `escape`: `%uXXXX`, and `%XX` as one Latin-1 character.
const decodeForm = (text: string): string => decodePercent(text.replace(/\+/g, ' '));
const decodeEscape = (text: string): string =>
  text.replace(/%u([0-9a-fA-F]{4})|%([0-9a-fA-F]{2})/g, (_, wide?: string, byte?: string) =>
    String.fromCharCode(parseInt(wide ?? byte ?? '', 16)),
  );

// A quote escaped by doubling it (PowerShell, SQL, CSV) or as a POSIX shell closes and reopens its quotes.
const unescapeQuotes = (text: string): string =>
  text.replace(/'\\''/g, "'").replace(/''/g, "'").replace(/""/g, '"');

/**
 * The text as written and as read back from each encoding the task or another tool writes in, white space runs
 * as one space.
 */
function views(text: string): string[] {
  const decoded = [
    text,
    decodeEntities(text),
    unescapePunctuation(text),
    unescapePunctuation(decodeJsonUnicode(text)),
    decodePercent(text),
    decodeForm(text),
    decodeEscape(text),
    unescapeQuotes(text),
  ];
  return [...decoded, ...decoded.map((view) => view.replace(/\s+/g, ' '))];
}

/**
 * The Base64 characters that only the secret's bytes decide, at each of the three places its first byte can
 * fall in a group of three, and its bytes in hex.
 */
function encodedForms(secret: string): string[] {
  const forms: string[] = [];
  for (const bytes of [Buffer.from(secret, 'utf8'), Buffer.from(secret, 'utf16le')]) {
    for (let before = 0; before < 3; before++) {
      const encoded = Buffer.concat([Buffer.alloc(before), bytes]).toString('base64');
      const first = Math.ceil((before * 8) / 6);
      const last = Math.floor(((before + bytes.length) * 8) / 6);
      const core = encoded.slice(first, last);
      forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  const hex = Buffer.from(secret, 'utf8').toString('hex');
  return [...forms, hex, hex.toUpperCase()];
}

/** Whether `text` holds `secret` in any form: decoded from an escape, or encoded in Base64 or hex. */
export function holdsSecret(text: string, secret: string): boolean {
  const wanted = [secret, secret.trim(), secret.replace(/\s+/g, ' ').trim()];
  if (views(text).some((view) => wanted.some((form) => view.includes(form)))) return true;
  return encodedForms(secret).some((form) => text.includes(form));
}
