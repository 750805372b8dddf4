import { loc } from './messages';

/** The `{{name}}` placeholders, shared by title, description, fingerprint and fields. */
export const PLACEHOLDERS = [
  'pipeline',
  'runName',
  'runUrl',
  'project',
  'branch',
  'commit',
  'requestedFor',
  'reason',
  'stage',
  'job',
  'environment',
  'status',
  'failedStep',
  'failedSteps',
  'firstError',
] as const;

export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Readonly<Record<Placeholder, string>>;

type Part = { text: string } | { placeholder: Placeholder };

/** A parsed template: literal text and placeholders, in order. */
export interface Template {
  readonly source: string;
  readonly parts: readonly Part[];
}

const PLACEHOLDER_PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

function isPlaceholder(name: string): name is Placeholder {
  return (PLACEHOLDERS as readonly string[]).includes(name);
}

/**
 * Parses `source`; returns the template, or a problem sentence naming `inputName` and the valid placeholders.
 */
export function parseTemplate(inputName: string, source: string): Template | string {
  const parts: Part[] = [];
  const unknown: string[] = [];
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER_PATTERN)) {
    const name = match[1] ?? '';
    if (match.index > last) parts.push({ text: source.slice(last, match.index) });
    if (isPlaceholder(name)) parts.push({ placeholder: name });
    else unknown.push(`{{${name}}}`);
    last = match.index + match[0].length;
  }
  if (last < source.length) parts.push({ text: source.slice(last) });
  if (unknown.length > 0) {
    const valid = PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ');
    return unknown.length > 1
      ? loc('UnknownPlaceholders', inputName, unknown.join(', '), valid)
      : loc('UnknownPlaceholder', inputName, unknown.join(', '), valid);
  }
  return { source, parts };
}

/** Fills a template; `escape` is applied to each value (not to the template's own text). */
export function renderTemplate(
  template: Template,
  values: TemplateValues,
  escape: (value: string, placeholder: Placeholder) => string = (value) => value,
): string {
  return template.parts
    .map((part) => ('text' in part ? part.text : escape(values[part.placeholder], part.placeholder)))
    .join('');
}

/**
 * `template` with `mask` applied to its own text, before anything renders it: a macro the agent filled may have put
 * a secret there, which Markdown (`p*ss*word` as emphasis) or a line made plain would change past masking.
 */
export function maskedTemplate(template: Template, mask: (text: string) => string): Template {
  const parts = template.parts.map((part) => ('text' in part ? { text: mask(part.text) } : part));
  return { source: mask(template.source), parts };
}

// `$(Name)`: the agent replaces it with the variable's value before the task starts, and leaves it as written when
// the run has no such variable. Returns the first macro `value` still holds, and the variable it names.
function macroIn(value: string): { macro: string; variable: string } | undefined {
  const macro = /\$\(([\w.-]+)\)/.exec(value);
  return macro?.[1] === undefined ? undefined : { macro: macro[0], variable: macro[1] };
}

/**
 * The problem of an input whose value still holds a `$(…)` macro, naming the missing variable; undefined when it
 * holds none. For inputs no macro can be a meaningful value of (a boolean, an option, a number, a URL).
 */
export function macroProblem(inputName: string, value: string): string | undefined {
  const found = macroIn(value);
  return found && loc('InputMacroUnexpanded', inputName, found.macro, found.variable, inputName);
}

/**
 * A sentence naming the `$(…)` macro `value` still holds and the variable the run lacks, for a value Azure DevOps
 * refused; '' when it holds none.
 */
export function macroNote(value: string): string {
  const found = macroIn(value);
  return found ? loc('MacroLeftAsWritten', found.macro, found.variable) : '';
}
