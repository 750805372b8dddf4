import { loc } from '../text/messages';
import { parseTemplate, Template } from '../text/templates';

/** One extra field from the `fields` input: a reference name and a value template. */
export interface FieldAssignment {
  readonly reference: string;
  readonly value: Template;
}

// Reference names are dotted names of letters, digits, `_` and `-` (System.Title, Custom.Team, a process's own
// Fabrikam.Release-Train), never with two hyphens in a row.
const REFERENCE_NAME = /^(?!.*--)[A-Za-z_][\w-]*(\.[\w-]+)+$/;

/** Bounds of the `fields` input: it may carry `$(…)` macros a pusher fills, so nothing in it is unbounded. */
export const FIELDS_LIMITS = { characters: 100_000, entries: 100, depth: 10 } as const;

/**
 * Fields the item's lifecycle depends on, with what to use instead: the first discussion entry carries the run's
 * marker that retries and recurrences read, the state is the task's to set, the rest are the service's.
 */
const LIFECYCLE_FIELDS = new Map<string, () => string>([
  ['system.history', () => loc('FieldsTaskSets', 'System.History', loc('FieldsUseDescription'))],
  ['system.state', () => loc('FieldsTaskSets', 'System.State', loc('FieldsStateByTask'))],
  ['system.reason', () => loc('FieldsTaskSets', 'System.Reason', loc('FieldsStateByTask'))],
  ['system.id', () => loc('FieldsServiceSets', 'System.Id')],
  ['system.rev', () => loc('FieldsServiceSets', 'System.Rev')],
  ['system.workitemtype', () => loc('FieldsUseInput', 'System.WorkItemType', 'workItemType')],
]);

/**
 * Parses the `fields` input: JSON object, or `Reference.Name=value` lines (blank lines and `#` comments skipped).
 * Returns the assignments and the problems found, each naming the input and the fix.
 */
export function parseFieldsInput(text: string): { fields: FieldAssignment[]; problems: string[] } {
  if (text.length > FIELDS_LIMITS.characters) {
    return { fields: [], problems: [loc('FieldsTooLong', text.length, FIELDS_LIMITS.characters)] };
  }
  const entries = text.trimStart().startsWith('{') ? jsonEntries(text) : lineEntries(text);
  if ('problem' in entries) return { fields: [], problems: [entries.problem] };
  if (entries.list.length > FIELDS_LIMITS.entries) {
    return { fields: [], problems: [loc('FieldsTooMany', entries.list.length, FIELDS_LIMITS.entries)] };
  }
  const fields: FieldAssignment[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [where, reference, value] of entries.list) {
    if (!REFERENCE_NAME.test(reference)) {
      problems.push(loc('FieldsNotReferenceName', where, reference));
      continue;
    }
    const lifecycle = LIFECYCLE_FIELDS.get(reference.toLowerCase());
    if (lifecycle) {
      problems.push(lifecycle());
      continue;
    }
    if (seen.has(reference.toLowerCase())) {
      problems.push(loc('FieldsSetTwice', reference));
      continue;
    }
    seen.add(reference.toLowerCase());
    const template = parseTemplate('fields', value);
    if (typeof template === 'string') problems.push(template);
    else fields.push({ reference, value: template });
  }
  return { fields, problems };
}

type Entries = { list: [where: string, reference: string, value: string][] } | { problem: string };

function jsonEntries(text: string): Entries {
  const { depth, keys } = shape(text);
  if (depth > FIELDS_LIMITS.depth) {
    return { problem: loc('FieldsTooDeep', depth, FIELDS_LIMITS.depth) };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { problem: loc('FieldsNotJson', (error as Error).message, loc('FieldsFormatHint')) };
  }
  // Text whose first character past white space is `{` is, once it parses, an object (JSON's white space is
  // some of what trimStart removes: text that starts with any other is no JSON).
  const values = parsed as Record<string, unknown>;
  for (const [reference, value] of Object.entries(values)) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      return { problem: loc('FieldsValueType', reference, JSON.stringify(value)) };
    }
  }
  // Every key as written, a repeated one too (the parsed object keeps its last value only), so that it is told
  // as a line given twice is.
  const list = keys
    .map((key) => JSON.parse(key) as string)
    .map((reference): [string, string, string] => [
      loc('FieldsWhereKey', reference),
      reference.trim(),
      String(values[reference]),
    ]);
  return { list };
}

/**
 * How deep brackets nest in JSON text, strings skipped, and the keys of its outer object as written (string
 * literals, repeats kept): read in one pass, because what reads a parsed value (JSON.stringify of a wrong value,
 * for one) recurses once per level and would run out of stack.
 */
function shape(text: string): { depth: number; keys: string[] } {
  const keys: string[] = [];
  const colon = /\s*:/y;
  let depth = 0;
  let deepest = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"') {
      let end = index + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      colon.lastIndex = end + 1;
      if (depth === 1 && colon.test(text)) keys.push(text.slice(index, end + 1));
      index = end;
    } else if (char === '{' || char === '[') deepest = Math.max(deepest, ++depth);
    else if (char === '}' || char === ']') depth -= 1;
  }
  return { depth: deepest, keys };
}

function lineEntries(text: string): Entries {
  const list: [string, string, string][] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const equals = line.indexOf('=');
    if (equals <= 0) {
      return { problem: loc('FieldsLineNoEquals', index + 1, line, loc('FieldsFormatHint')) };
    }
    list.push([
      loc('FieldsWhereLine', index + 1),
      line.slice(0, equals).trim(),
      line.slice(equals + 1).trim(),
    ]);
  }
  return { list };
}
