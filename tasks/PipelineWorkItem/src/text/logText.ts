import { stripVTControlCharacters } from 'node:util';
import { stripBidi } from './agentText';

// The agent's prefix on every line of a build log, `2026-11-29T10:00:00.1234567Z `, and `##[error]` and its kind,
// which it writes after the timestamp: each read where the line's text starts (sticky).
const TIMESTAMP = /\d{4}-\d{2}-\d{2}T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z(?: |$)/y;
const MARKER = /##\[([A-Za-z]+)\]/y;

// What a marker becomes: a prefix to keep, or undefined to drop the whole line.
const MARKERS: ReadonlyMap<string, string | undefined> = new Map([
  ['error', 'Error: '],
  ['warning', 'Warning: '],
  ['notice', 'Notice: '],
  ['debug', 'Debug: '],
  ['command', '> '],
  ['section', ''],
  ['group', ''],
  ['endgroup', undefined],
]);

// C0 controls but tab, DEL and C1 controls; terminal escape sequences are stripped before these.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

// A logging command anywhere in a line makes the agent act on it; its text may hold a secret value
// (`##vso[task.setvariable variable=x;issecret=true]value`), so such a line never reaches an excerpt.
const LOGGING_COMMAND = /##vso\[/i;

/**
 * `line` without escape sequences, control and bidirectional characters and a byte order mark at its start;
 * undefined for a line with a logging command.
 */
function plainLine(line: string): string | undefined {
  // A carriage return inside a line is a progress bar redrawing itself: the last state is what remains.
  const drawn = line.replace(/\r+$/, '');
  const text = stripBidi(
    stripVTControlCharacters(drawn.slice(drawn.lastIndexOf('\r') + 1))
      .replace(CONTROL, '')
      .replace(/^\uFEFF/, ''),
  );
  return LOGGING_COMMAND.test(line) || LOGGING_COMMAND.test(text) ? undefined : text;
}

/**
 * One raw build-log line as readable text: terminal colours, bidirectional and other control characters removed,
 * the agent's timestamp shortened to `hh:mm:ss`, `##[error]`/`##[warning]` written as `Error: `/`Warning: `,
 * `##[command]` as `> `, group and section markers removed. Returns undefined for a line to leave out: a group
 * end, an empty group or section marker, and any line with a `##vso[` logging command.
 */
export function cleanLogLine(line: string): string | undefined {
  let text = plainLine(line);
  if (text === undefined) return undefined;
  // Read again at what starts the line once its start is gone, so that a cleaned line is clean (a timestamp after
  // a section marker). Only the start changes: an index walks it, and the line is copied once, not once for each
  // of a million markers.
  let at = 0;
  for (let pass = 1; ; pass += 1) {
    // A byte order mark the first pass uncovered (behind a bidirectional control) goes in the next.
    const bom = pass > 1 && text.charCodeAt(at) === 0xfeff;
    const start = bom ? at + 1 : at;
    TIMESTAMP.lastIndex = start;
    const stamp = TIMESTAMP.exec(text);
    const afterStamp = stamp ? start + stamp[0].length : start;
    MARKER.lastIndex = afterStamp;
    const marker = MARKER.exec(text);
    const prefix = marker ? markerPrefix(marker[1] ?? '') : '';
    if (prefix === undefined) return undefined;
    const rest = marker ? afterStamp + marker[0].length : afterStamp;
    // A group or section marker alone says nothing once its marker is gone.
    if (marker && prefix === '' && rest === text.length) return undefined;
    if (stamp || prefix !== '') return `${stamp ? `${stamp[1]} ` : ''}${prefix}${text.slice(rest)}`.trimEnd();
    if (pass > 1 && !marker && !bom) return text.slice(at);
    at = rest;
    if (pass === 1) text = text.trimEnd();
  }
}

// What a marker becomes: its prefix, '' for a kind the agent does not know, undefined to drop the line.
function markerPrefix(kind: string): string | undefined {
  const lower = kind.toLowerCase();
  return MARKERS.has(lower) ? MARKERS.get(lower) : '';
}

/** The lines of a build log, each cleaned by {@link cleanLogLine}, without those it leaves out. */
export function cleanLogLines(lines: readonly string[]): string[] {
  return lines.flatMap((line) => {
    const cleaned = cleanLogLine(line);
    return cleaned === undefined ? [] : [cleaned];
  });
}

// Control characters but tab and line feed: a message keeps its lines.
const MESSAGE_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * A message (an error, a test failure) as plain text: terminal escapes, control characters and bidirectional
 * controls removed, lines kept.
 */
export function plainText(text: string): string {
  return stripBidi(stripVTControlCharacters(text.replace(/\r\n?/g, '\n')).replace(MESSAGE_CONTROL, ''));
}

// What no text in Azure Boards may hold: the characters XML 1.0 refuses (the C0 controls but tab, line feed and
// carriage return, and the noncharacters U+FFFE and U+FFFF); the service can refuse a whole item for one.
const UNSTORABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\uFFFE\uFFFF]/g;
// Half of a surrogate pair (from a Windows agent's environment, or a cut elsewhere) is no character at all.
const UNPAIRED_SURROGATE = /\p{Cs}/gu;

/** Whether `text` holds half of a surrogate pair without its other half. */
export function hasUnpairedSurrogate(text: string): boolean {
  return text.search(UNPAIRED_SURROGATE) >= 0;
}

/** `text` with each half of a surrogate pair that has no other half shown as the replacement character. */
export function pairedSurrogates(text: string): string {
  return text.replace(UNPAIRED_SURROGATE, '\uFFFD');
}

/**
 * `text` as Azure Boards can store it: without the characters it refuses, and with half of a surrogate pair shown
 * as the replacement character. Pipeline text is cleaned at the source already; this is for what the inputs bring
 * (a macro the agent filled with a commit message, say).
 */
export function storableText(text: string): string {
  // Halves replaced first: two halves with a refused character between them are no character once it is gone.
  return pairedSurrogates(text).replace(UNSTORABLE, '');
}
