import { escapeHtml } from './html';

const MASK = '***';

/**
 * Replaces every known secret value in `text` with `***`, also where it stands HTML-escaped or URL-encoded,
 * so a secret that reached an error message or a log line never lands in a work item.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.trim() === '') continue;
    for (const form of new Set([secret, escapeHtml(secret), encodeURIComponent(secret)])) {
      result = result.split(form).join(MASK);
    }
  }
  return result;
}
