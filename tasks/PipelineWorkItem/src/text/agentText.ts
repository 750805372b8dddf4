/**
 * Text the agent reads as it runs the task. The agent ends a line at CR or LF and runs a logging command
 * (`##vso[area.action …]`) found anywhere in a line of stdout or stderr; `##[` starts a formatting command
 * (`##[error]`, `##[group]`, …). The task prints text that whoever can push a branch controls (commit messages,
 * step names, errors, test names, file names), so a line it prints must never hold either.
 */

// Line ends of every kind: those the agent splits on (CR, LF), and those other readers (and a future agent)
// could split on: NEL and the Unicode line and paragraph separators.
const LINE_END = /\r\n|[\r\n\u0085\u2028\u2029]/;

// Format characters (zero-width spaces, joiners, bidi controls, the soft hyphen) are invisible and ignorable
// under some string comparisons, and letters can fold to `vso` under case-insensitive ones (`ſ` folds to `s`),
// so they are allowed anywhere in a match: `#\u200B#VſO[` is made inert as well as `##vso[`.
const IGNORABLE = '[\\p{Cf}]*';
// The first `#` of each `##[` or `##vso[`, in any case. Built at the first line that holds a `#` with a `[` after
// it, which every match needs: V8 takes about a millisecond to build and first run a case-insensitive pattern
// over a Unicode property, which a run whose lines hold none (a run with nothing to do) need not pay.
let commandStart: RegExp | undefined;

/**
 * `text` as lines the agent runs no command from. Each `##vso[` and `##[` becomes `# #vso[` and `# #[`: a space
 * after the first `#` breaks the marker, and the text stays readable and says what was there.
 */
export function inertLines(text: string): string[] {
  return text.split(LINE_END).map((line) => {
    const hash = line.indexOf('#');
    if (hash < 0 || !line.includes('[', hash)) return line;
    commandStart ??= new RegExp(
      `#(?=${IGNORABLE}#${IGNORABLE}(?:v${IGNORABLE}s${IGNORABLE}o${IGNORABLE})?\\[)`,
      'giu',
    );
    return line.replace(commandStart, '# ');
  });
}

// The explicit bidirectional formatting characters (embeddings, overrides, isolates and their ends) and the
// implicit marks (LRM, RLM, ALM). An override makes text display in another order than it reads: a title or
// file name such as `invoice\u202Efdp.exe` shows as `invoiceexe.pdf`. Text from a pipeline has no need of them.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

/** `text` without bidirectional control characters, so that it displays in the order it reads. */
export function stripBidi(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}
