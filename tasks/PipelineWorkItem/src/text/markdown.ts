import { randomBytes } from 'node:crypto';
import { fillHtmlSlots, misplacedSlots } from './htmlSlots';
import { loc } from './messages';
import { markdownIt } from './markdownIt';
import { Placeholder, PLACEHOLDERS, renderTemplate, Template, TemplateValues } from './templates';

// html: the description is the pipeline author's own text and may be HTML; breaks: YAML authors
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
  const slotted = slottedHtml(template, values);
  return fillHtmlSlots(
    slotted.html,
    slotted.slot,
    (key) => slotted.values[Number(key)] ?? '',
    (key) => slotted.links.has(Number(key)),
  );
}

/**
 * The placeholders of a `description` that stand where no value may go (any attribute but href and src, those
 * of an element that loads code, inside a tag, in a style or script element), each as a problem naming the placeholder and the place.
 */
export function descriptionProblems(template: Template): string[] {
  // Without a placeholder nothing can stand in the wrong place: no Markdown to render (a run that files nothing
  // never loads markdown-it for it).
  if (!template.parts.some((part) => 'placeholder' in part)) return [];
  const names = Object.fromEntries(PLACEHOLDERS.map((name) => [name, `{{${name}}}`])) as TemplateValues;
  const slotted = slottedHtml(template, names);
  const named = (text: string): string =>
    text.replace(slotted.slot, (_, key: string) => slotted.values[Number(key)] ?? '');
  return misplacedSlots(slotted.html, slotted.slot).map((place) => {
    const placeholder = slotted.values[Number(place.key)] ?? '';
    switch (place.kind) {
      case 'attribute':
        return loc('DescriptionPlaceholderInAttribute', placeholder, place.attribute, named(place.element));
      case 'tag':
        return loc('DescriptionPlaceholderInTag', placeholder, named(place.element));
      case 'rawText':
        return loc('DescriptionPlaceholderInCode', placeholder, place.element);
    }
  });
}

// The only placeholder whose value standing alone in text becomes a link: the task builds it. Any other value
// that looks like a web address (an error message, a branch) comes from whoever pushed, and stays text.
const LINKED: ReadonlySet<Placeholder> = new Set(['runUrl']);

// Placeholders are rendered as lower-case alphanumeric slots, which markdown-it leaves as they are in text, in
// link targets and in raw HTML; the values go in afterwards, so no value is ever read as Markdown or HTML.
// The random nonce keeps text in the description (which `$(Variable)` macros may have filled) from posing as a
// slot.
function slottedHtml(
  template: Template,
  values: TemplateValues,
): { html: string; slot: RegExp; values: readonly string[]; links: ReadonlySet<number> } {
  const nonce = randomBytes(8).toString('hex');
  const slotValues: string[] = [];
  const links = new Set<number>();
  const source = renderTemplate(template, values, (value, placeholder) => {
    const key = slotValues.push(value) - 1;
    if (LINKED.has(placeholder)) links.add(key);
    return `pwi${nonce}${key}z`;
  });
  const html = markdownIt(DESCRIPTION).render(source).trim();
  return { html, slot: new RegExp(`pwi${nonce}(\\d+)z`, 'g'), values: slotValues, links };
}
