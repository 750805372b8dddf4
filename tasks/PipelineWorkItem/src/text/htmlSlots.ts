import { escapeHtml, linkHtml, textHtml } from './html';
import { markdownIt } from './markdownIt';

// HTML's own white space: JavaScript's \s also matches e.g. U+00A0, which a browser keeps inside names and
// unquoted values; judging by \s would misplace the end of an attribute.
const SPACE = '\\t\\n\\f\\r ';

// A start or end tag as a browser reads it: quotes delimit a value only right after `=`, an unclosed quote runs
// to the end, and the first `>` outside a quoted value ends the tag.
const TAG = new RegExp(
  `<(/?)([A-Za-z][^${SPACE}/>]*)((?:[^>=]|=[${SPACE}]*(?:"[^"]*"?|'[^']*'?|[^${SPACE}>]*))*)(>?)`,
  'g',
);

// Inside a tag: an attribute with a value, or any other run (a name without value, spaces, slashes). The
// lookahead-and-backreference makes the name atomic, so a long name without `=` is not rescanned per character.
const ATTRIBUTE = new RegExp(
  `(?=(?<name>[^${SPACE}/>=]+))\\k<name>(?<equals>[${SPACE}]*=[${SPACE}]*)` +
    `(?:(?<quote>["'])(?<quoted>[^]*?)(?<close>\\k<quote>|$)|(?<bare>[^${SPACE}>]*))` +
    `|[^${SPACE}/>=]+|[^]`,
  'g',
);

// Attributes a browser follows or loads as a URL.
const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'srcset',
  'action',
  'formaction',
  'cite',
  'poster',
  'background',
  'longdesc',
  'usemap',
  'data',
  'xlink:href',
]);

// The schemes markdown-it refuses in links, and the data it allows in them: an image's.
const SCRIPT_URL = /^(javascript|vbscript|file|data):/;
const DATA_IMAGE = /^data:image\/(gif|png|jpeg|webp);/;

const ELEMENTS_WITHOUT_LINKS = new Set(['a', 'code', 'pre']);

// Attributes a placeholder may fill: a link's target and a loaded resource, both normalised and checked below.
// Any other attribute is read by the browser as style, markup, script or metadata (`style`, `srcdoc`, `on*`,
// `<meta content>`), where no escaping makes a value harmless.
const PLACEHOLDER_ATTRIBUTES = new Set(['href', 'src']);

// Elements whose href or src loads code, a page or a style, or changes where every other link points: even a
// well-formed https URL there is the pusher's choice of what runs.
const ACTIVE_ELEMENTS = new Set([
  'script',
  'style',
  'iframe',
  'frame',
  'embed',
  'object',
  'base',
  'link',
  'meta',
]);

// Elements whose content a browser reads as code, not as text.
const RAW_TEXT_ELEMENTS = new Set(['script', 'style']);

const LONE_URL = /^https?:\/\/\S+$/i;

/** Value text for an attribute value within `quote`; unquoted, every character that could end it is encoded. */
function attributeText(value: string, quote: string): string {
  const escaped = escapeHtml(value).replace(/'/g, '&#39;');
  return quote ? escaped : escaped.replace(/[\t\n\f\r =`]/g, (char) => `&#${char.charCodeAt(0)};`);
}

function isScriptUrl(attributeValue: string, dataImages = false): boolean {
  // A browser drops ASCII white space and controls from a URL before reading its scheme.
  const url = markdownIt()
    .utils.unescapeAll(attributeValue)
    .replace(/[\u0000-\u0020]/g, '')
    .toLowerCase();
  return SCRIPT_URL.test(url) && !(dataImages && DATA_IMAGE.test(url));
}

/** Where a slot stands that no value may fill: an attribute's name, or a tag or element outside the text. */
export type Misplaced =
  | { readonly key: string; readonly kind: 'attribute'; readonly attribute: string; readonly element: string }
  | { readonly key: string; readonly kind: 'tag' | 'rawText'; readonly element: string };

/**
 * Every match of `slot` in rendered `html` that stands anywhere but in element text or an href or src value (of an
 * element that loads no code), in order, read the way fillHtmlSlots reads tags (a Markdown autolink `<slot>` is
 * text).
 */
export function misplacedSlots(html: string, slot: RegExp): Misplaced[] {
  const keys = (text: string): string[] => [...text.matchAll(slot)].map((match) => match[1] ?? '');
  const autolink = new RegExp(`^<${slot.source}>$`);
  const misplaced: Misplaced[] = [];
  let rawText: string | undefined;
  let last = 0;
  const text = (end: number): void => {
    const element = rawText;
    if (element)
      misplaced.push(
        ...keys(html.slice(last, end)).map((key) => ({ key, kind: 'rawText' as const, element })),
      );
  };
  for (const match of html.matchAll(TAG)) {
    text(match.index);
    last = match.index + match[0].length;
    const [whole, slash = '', name = '', rest = ''] = match;
    const element = name.toLowerCase();
    if (RAW_TEXT_ELEMENTS.has(element)) rawText = slash ? undefined : element;
    if (autolink.test(whole)) continue;
    const inTag = (part: string): Misplaced[] =>
      keys(part).map((key) => ({ key, kind: 'tag' as const, element }));
    misplaced.push(...inTag(name));
    for (const token of rest.matchAll(ATTRIBUTE)) {
      const groups = token.groups ?? {};
      const value = groups.quoted ?? groups.bare;
      const attribute = groups.name;
      if (attribute === undefined || groups.equals === undefined || value === undefined) {
        misplaced.push(...inTag(token[0]));
        continue;
      }
      misplaced.push(...inTag(attribute));
      if (!PLACEHOLDER_ATTRIBUTES.has(attribute.toLowerCase()) || ACTIVE_ELEMENTS.has(element)) {
        misplaced.push(
          ...keys(value).map((key) => ({ key, kind: 'attribute' as const, attribute, element })),
        );
      }
    }
  }
  text(html.length);
  return misplaced;
}

/**
 * Replaces every match of `slot` (a global pattern whose first group is the key) in rendered `html` with
 * `valueOf(key)` escaped for where it stands: element text (line breaks kept, a lone http(s) URL linked when
 * `linkable(key)`),
 * a quoted or unquoted attribute value (URL attributes normalised, and never a script URL), or elsewhere in a
 * tag. A value can never open or close an element, and inserted values are never scanned again. A script URL in
 * the author's own HTML, which `$(Variable)` macros fill before the task starts (a commit message, a branch), is
 * refused too, as markdown-it refuses it in a Markdown link.
 */
export function fillHtmlSlots(
  html: string,
  slot: RegExp,
  valueOf: (key: string) => string,
  linkable: (key: string) => boolean,
): string {
  const hasSlot = (text: string): boolean => text.search(slot) >= 0;
  const inTag = (text: string): string =>
    text.replace(slot, (_, key: string) => attributeText(valueOf(key), ''));
  let linkless = 0;
  // Markdown's linkify would have linked a URL standing alone; never inside a link or code.
  const textValue = (key: string): string => {
    const value = valueOf(key);
    return linkless === 0 && linkable(key) && LONE_URL.test(value) ? linkHtml(value, value) : textHtml(value);
  };
  const inText = (text: string): string => text.replace(slot, (_, key: string) => textValue(key));
  // `<{{runUrl}}>` is Markdown's autolink syntax; the slot in it made markdown-it see a tag instead.
  const autolink = new RegExp(`^<${slot.source}>$`);

  const attributes = (text: string): string =>
    text.replace(ATTRIBUTE, (token: string, ...args: unknown[]) => {
      const groups = args[args.length - 1] as Record<string, string | undefined>;
      const { name, equals, quote = '', close = '' } = groups;
      const value = groups.quoted ?? groups.bare;
      if (name === undefined || equals === undefined || value === undefined) return inTag(token);
      const isUrl = URL_ATTRIBUTES.has(name.toLowerCase());
      if (!hasSlot(token))
        return isUrl && isScriptUrl(value, true) ? `${name}${equals}${quote}#${close}` : token;
      let filled = value.replace(slot, (_, key: string) => {
        const text = valueOf(key);
        return attributeText(isUrl ? markdownIt().normalizeLink(text) : text, quote);
      });
      if (isUrl && isScriptUrl(filled)) filled = '#';
      // An empty unquoted value would make the browser take what follows as the value.
      if (!quote && filled === '') return `${inTag(name)}${equals}""`;
      return `${inTag(name)}${equals}${quote}${filled}${close}`;
    });

  const tag = (match: RegExpMatchArray): string => {
    const [whole, slash = '', name = '', rest = '', end = ''] = match;
    const bracketed = hasSlot(whole) && autolink.exec(whole);
    if (bracketed) {
      const key = bracketed[1] ?? '';
      return LONE_URL.test(valueOf(key)) ? textValue(key) : textHtml(`<${valueOf(key)}>`);
    }
    return `<${slash}${inTag(name)}${attributes(rest)}${end}`;
  };

  const out: string[] = [];
  let last = 0;
  for (const match of html.matchAll(TAG)) {
    out.push(inText(html.slice(last, match.index)), tag(match));
    const element = (match[2] ?? '').toLowerCase();
    if (ELEMENTS_WITHOUT_LINKS.has(element)) linkless = Math.max(0, linkless + (match[1] ? -1 : 1));
    last = match.index + match[0].length;
  }
  out.push(inText(html.slice(last)));
  return out.join('');
}
