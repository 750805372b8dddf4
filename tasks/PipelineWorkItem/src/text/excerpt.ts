const ELLIPSIS = '…';

/**
 * The first `maxLines` lines of `text` (line breaks normalised to `\n`, surrounding white space trimmed), cut
 * to at most `maxChars` characters (UTF-16 code units, as work item fields count them) in all; when anything was left out the result ends with `…`, counted in
 * `maxChars`. A surrogate pair is never split.
 */
export function firstLines(text: string, maxLines: number, maxChars: number): string {
  if (maxLines < 1 || maxChars < 1) return '';
  const lines = text.replace(/\r\n?/g, '\n').trim().split('\n');
  let kept = lines.slice(0, maxLines).join('\n').trimEnd();
  let cut = lines.length > maxLines;
  if (kept.length > maxChars || (cut && kept.length + ELLIPSIS.length > maxChars)) {
    kept = kept.slice(0, maxChars - ELLIPSIS.length);
    // A high surrogate at the end is half a character.
    if (/[\ud800-\udbff]$/.test(kept)) kept = kept.slice(0, -1);
    kept = kept.trimEnd();
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
