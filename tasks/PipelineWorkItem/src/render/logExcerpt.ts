// Pipeline text made readable as plain text, before it is escaped for HTML: log lines of a failed step, and
// messages (errors, test failures, commits) cut to their first lines.

/** A log line or message longer than this is cut: one minified bundle must not fill the item. */
export const MAX_LINE_LENGTH = 1_000;

// CSI sequences (colours, cursor moves), OSC sequences (titles, hyperlinks) and lone escapes.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]?/g;
// C0 controls other than tab and line breaks, and DEL: they would show as boxes, or not at all.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
// The agent's timestamp prefix: `2026-11-29T10:00:00.1234567Z `.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z ?/;
// `##[error]`, `##[section]`, …: how the web UI colours a line; shown here as words, or dropped.
const MARKER = /^##\[([a-z]+)\]/i;
const MARKER_WORDS: Record<string, string | undefined> = {
  error: 'Error: ',
  warning: 'Warning: ',
  debug: 'Debug: ',
  command: '> ',
  section: '',
  group: '',
  info: '',
  notice: '',
};

/** Text without ANSI escape sequences and control characters (line breaks and tabs kept). */
export function plainText(text: string): string {
  return text.replace(ANSI, '').replace(CONTROL, '');
}

/** Cuts `text` to `max` characters, ending with `…` when cut; never splits a surrogate pair. */
export function cut(text: string, max: number = MAX_LINE_LENGTH): string {
  if (text.length <= max) return text;
  let end = max - 1;
  if (/[\ud800-\udbff]/.test(text.charAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}…`;
}

/**
 * One line of a step's log as a person reads it in the web UI: the timestamp shortened to the time of day,
 * colours gone, `##[error]`-style markers as words (not cut: see `cut`). Returns undefined for lines the web
 * UI does not show: logging commands (`##vso[…]`) and group ends.
 */
export function excerptLine(raw: string): string | undefined {
  const clean = plainText(raw).replace(/\r$/, '');
  const time = TIMESTAMP.exec(clean);
  let text = time ? clean.slice(time[0].length) : clean;
  // A carriage return inside a line is a progress bar redrawing itself: the last state is what remains.
  text = text.slice(text.lastIndexOf('\r') + 1);
  if (/^##vso\[/i.test(text) || /^##\[endgroup\]/i.test(text)) return undefined;
  const marker = MARKER.exec(text);
  if (marker) {
    const word = MARKER_WORDS[(marker[1] ?? '').toLowerCase()];
    if (word !== undefined) text = `${word}${text.slice(marker[0].length)}`;
  }
  return time ? `${time[1]} ${text}` : text;
}

/** The first `maxLines` non-empty lines of a message, plain text, each cut; `…` says that lines were left out. */
export function firstLines(message: string, maxLines: number): string {
  const lines = plainText(message)
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
  const shown = lines.slice(0, maxLines).map((line) => cut(line));
  return lines.length > maxLines ? [...shown, '…'].join('\n') : shown.join('\n');
}
