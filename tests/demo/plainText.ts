// The filed item's HTML body as plain text for the terminal: headings underlined, table rows as
// "label  value", lists indented, preformatted log lines indented, links as their text.

const ENTITIES: Record<string, string> = {
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&amp;': '&',
};
const TAG = /<(\/?)([a-z0-9]+)[^>]*>/gi;

function decode(text: string): string {
  return text.replace(/&(lt|gt|quot|#39|amp);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** Plain text of the HTML the task writes (headings, paragraphs, tables, lists, pre, links). */
export function htmlToText(html: string): string {
  let out = '';
  let depth = 0;
  let inPre = false;
  let heading = '';
  let cell = 0;
  let at = 0;
  const text = (raw: string): void => {
    const value = decode(raw);
    if (inPre) out += value.replace(/^/gm, '    ');
    else if (heading !== '') heading += value;
    else out += value.replace(/\n/g, '');
  };
  for (const match of html.matchAll(TAG)) {
    text(html.slice(at, match.index));
    at = match.index + match[0].length;
    const closing = match[1] === '/';
    const tag = (match[2] ?? '').toLowerCase();
    // Sections underlined with dashes, their parts with dots.
    if ((tag === 'h3' || tag === 'h4') && !closing) heading = ' ';
    else if (tag === 'h3' || tag === 'h4') {
      const title = heading.trim();
      out += `\n\n${title}\n${(tag === 'h3' ? '-' : '.').repeat(title.length)}\n`;
      heading = '';
    } else if (tag === 'pre') {
      inPre = !closing;
      out += '\n';
    } else if (tag === 'ul') depth += closing ? -1 : 1;
    else if (tag === 'li' && !closing) out += `\n${'  '.repeat(Math.max(0, depth - 1))}- `;
    else if (tag === 'br') out += `\n${'  '.repeat(depth)}`;
    else if (tag === 'p' || tag === 'hr') out += closing ? '' : '\n';
    else if (tag === 'tr' && !closing) {
      out += '\n';
      cell = 0;
    } else if (tag === 'td' && closing && cell++ === 0) {
      // Labels in one column.
      out += ' '.repeat(Math.max(2, 16 - (out.length - out.lastIndexOf('\n') - 1)));
    }
  }
  text(html.slice(at));
  return out
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
