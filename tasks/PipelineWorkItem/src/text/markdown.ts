import { randomBytes } from 'node:crypto';
import { fillHtmlSlots } from './htmlSlots';
import { markdownIt } from './markdownIt';
import { renderTemplate, Template, TemplateValues } from './templates';

// html: the description is the pipeline author's own text and may be HTML (brief §2); breaks: YAML authors
// expect their line breaks kept.
const DESCRIPTION = { html: true, linkify: true, breaks: true };

// Every ASCII punctuation character can be backslash-escaped in CommonMark, which makes a value literal text:
// no emphasis, no link, no raw HTML (`\<` renders as `&lt;`).
const MARKDOWN_PUNCTUATION = /[!-/:-@[-`{-~]/g;

/** A pipeline value as literal Markdown text. */
export function escapeMarkdown(value: string): string {
  return value.replace(MARKDOWN_PUNCTUATION, (char) => `\\${char}`);
}

/**
 * The `description` input rendered to HTML. Each placeholder value appears exactly as written, escaped for
 * where it lands: text (even in bold or code), a link target, or an attribute of the author's own HTML.
 */
export function descriptionHtml(template: Template, values: TemplateValues): string {
  // Placeholders are rendered as lower-case alphanumeric slots, which markdown-it leaves as they are in text,
  // in link targets and in raw HTML; the values go in afterwards, so no value is ever read as Markdown or HTML.
  // The random nonce keeps text in the description (which `$(Variable)` macros may have filled) from posing
  // as a slot.
  const nonce = randomBytes(8).toString('hex');
  const slotValues: string[] = [];
  const source = renderTemplate(template, values, (value) => `pwi${nonce}${slotValues.push(value) - 1}z`);
  const html = markdownIt(DESCRIPTION).render(source).trim();
  return fillHtmlSlots(html, new RegExp(`pwi${nonce}(\\d+)z`, 'g'), (key) => slotValues[Number(key)] ?? '');
}
