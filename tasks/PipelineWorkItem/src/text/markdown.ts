import MarkdownIt from 'markdown-it';
import { renderTemplate, Template, TemplateValues } from './templates';

// html: the description is the pipeline author's own text and may be HTML (brief §2); breaks: YAML authors
// expect their line breaks kept.
const markdown = new MarkdownIt({ html: true, linkify: true, breaks: true });

// Every ASCII punctuation character can be backslash-escaped in CommonMark, which makes a value literal text:
// no emphasis, no link, no raw HTML (`\<` renders as `&lt;`).
const MARKDOWN_PUNCTUATION = /[!-/:-@[-`{-~]/g;

/** A pipeline value as literal Markdown text. */
export function escapeMarkdown(value: string): string {
  return value.replace(MARKDOWN_PUNCTUATION, (char) => `\\${char}`);
}

/** The `description` input rendered to HTML; placeholder values appear as text, never as markup. */
export function descriptionHtml(template: Template, values: TemplateValues): string {
  return markdown.render(renderTemplate(template, values, escapeMarkdown)).trim();
}
