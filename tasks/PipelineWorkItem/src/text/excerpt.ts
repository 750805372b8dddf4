const ELLIPSIS = '…';

/**
 * The first `maxLines` lines of `text` (line breaks normalised to `\n`, surrounding white space trimmed), cut
 * to at most `maxChars` characters (UTF-16 code units, as work item fields count them) in all; when anything was left out the result ends with `…`, counted in
 * `maxChars`. Cut between the characters a reader sees (`textStart`).
 */
export function firstLines(text: string, maxLines: number, maxChars: number): string {
  if (maxLines < 1 || maxChars < 1) return '';
  const lines = text.replace(/\r\n?/g, '\n').trim().split('\n');
  let kept = lines.slice(0, maxLines).join('\n').trimEnd();
  let cut = lines.length > maxLines;
  if (kept.length > maxChars || (cut && kept.length + ELLIPSIS.length > maxChars)) {
    kept = textStart(kept, maxChars - ELLIPSIS.length).trimEnd();
    cut = true;
  }
  return cut ? `${kept}${ELLIPSIS}` : kept;
}

/** The first line of `text` that is not blank, trimmed: the subject of a commit message. */
export function firstLine(text: string): string {
  return (
    text
      .split(/\r\n?|\n/)
      .map((line) => line.trim())
      .find((line) => line !== '') ?? ''
  );
}

let graphemes: Intl.Segmenter | undefined;

/**
 * The longest start of `text` within `maxChars` UTF-16 code units that ends between two characters a reader sees
 * (grapheme clusters): a letter keeps its accents, an emoji sequence or a flag stays whole, no surrogate pair is
 * split. Only a first character longer than `maxChars` (a letter under hundreds of marks) is cut inside, between
 * whole code points, rather than leave nothing.
 */
function textStart(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  graphemes ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  // Whether two characters meet at a position depends only on the text before it and the code point starting there
  // (two code units at most): the segmenter is given no more, as each of its steps costs the length of all it was
  // given (a 10 MB log line cut to 1,000 characters took about a minute).
  let end = graphemes.segment(text.slice(0, maxChars + 2)).containing(maxChars)?.index ?? 0;
  if (end > 0) return text.slice(0, end);
  for (const char of text) {
    if (end + char.length > maxChars) break;
    end += char.length;
  }
  return text.slice(0, end);
}

/**
 * `text` cut to `maxChars` UTF-16 code units (as Azure Boards counts them) between the characters a reader sees,
 * ending with `…` when cut.
 */
export function fitText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${textStart(text, maxChars - ELLIPSIS.length).trimEnd()}${ELLIPSIS}`;
}
