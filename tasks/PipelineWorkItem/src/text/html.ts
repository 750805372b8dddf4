import { markdownIt } from './markdownIt';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return markdownIt().utils.escapeHtml(text);
}

/** Text as HTML, line breaks kept. */
export function textHtml(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>');
}

/** A link when `url` is http(s), otherwise the text alone: pipeline values never become script URLs. */
export function linkHtml(text: string, url: string | undefined): string {
  if (!url || !/^https?:\/\//i.test(url)) return escapeHtml(text);
  return `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>`;
}
