import type MarkdownItModule from 'markdown-it';

type Renderer = ReturnType<typeof MarkdownItModule>;
type Options = { readonly html?: boolean; readonly linkify?: boolean; readonly breaks?: boolean };

const made = new Map<string, Renderer>();

/**
 * A markdown-it instance, loaded on first use: a run that files nothing renders no HTML and should not pay
 * for loading it (about a fifth of a bare Node.js start).
 */
export function markdownIt(options: Options = {}): Renderer {
  const key = JSON.stringify(options);
  let instance = made.get(key);
  if (!instance) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a require at first use keeps it lazy in the bundle
    const create = require('markdown-it') as typeof MarkdownItModule;
    instance = create({ ...options });
    made.set(key, instance);
  }
  return instance;
}
