import type * as StringifyEntities from 'stringify-entities';

// The characters markdown-it escapes in the HTML it renders, so that text escaped here and there reads the same
// (and a secret has one HTML form to mask). A library of its own: masking escapes every secret at start-up, and a
// run that renders nothing should not load markdown-it for that.
const ESCAPED = { subset: ['&', '<', '>', '"'], useNamedReferences: true };
const ESCAPABLE = /[&<>"]/;

let stringify: typeof StringifyEntities.stringifyEntities | undefined;

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  // Text without those characters is its own HTML (a token always is): the library and its tables of entity
  // names are loaded at the first text that needs them.
  if (!ESCAPABLE.test(text)) return text;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a require at first use keeps it lazy in the bundle
  stringify ??= (require('stringify-entities') as typeof StringifyEntities).stringifyEntities;
  return stringify(text, ESCAPED);
}

/**
 * Text as HTML, its line breaks and spacing kept: HTML collapses runs of spaces and drops a line's leading ones, so
 * a stack trace would lose its indentation and a compiler's `^` the column it points at. Each space before another
 * space or at a line's start becomes a no-break space, a tab four (the last space of a run still lets a long line
 * wrap).
 */
export function textHtml(text: string): string {
  return escapeHtml(text)
    .replace(/\t/g, '    ')
    .replace(/^ | (?= )/gm, '&nbsp;')
    .replace(/\r?\n/g, '<br>');
}

/** A link when `url` is http(s), otherwise the text alone: pipeline values never become script URLs. */
export function linkHtml(text: string, url: string | undefined): string {
  if (!url || !/^https?:\/\//i.test(url)) return escapeHtml(text);
  return `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>`;
}

/** Azure DevOps URLs are joined as `<collection>/<project>/…`: keep exactly one slash between. */
export function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
