import { loc } from '../text/messages';
import { parseTemplate, Template } from '../text/templates';

/** One extra field from the `fields` input: a reference name and a value template. */
export interface FieldAssignment {
  readonly reference: string;
  readonly value: Template;
}

// Reference names are dotted identifiers (System.Title, Microsoft.VSTS.Common.Priority, Custom.Team).
const REFERENCE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$/;

/**
 * Parses the `fields` input: JSON object, or `Reference.Name=value` lines (blank lines and `#` comments skipped).
 * Returns the assignments and the problems found, each naming the input and the fix.
 */
export function parseFieldsInput(text: string): { fields: FieldAssignment[]; problems: string[] } {
  const entries = text.trimStart().startsWith('{') ? jsonEntries(text) : lineEntries(text);
  if ('problem' in entries) return { fields: [], problems: [entries.problem] };
  const fields: FieldAssignment[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [where, reference, value] of entries.list) {
    if (!REFERENCE_NAME.test(reference)) {
      problems.push(loc('FieldsNotReferenceName', where, reference));
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
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { problem: loc('FieldsNotJson', (error as Error).message, loc('FieldsFormatHint')) };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { problem: loc('FieldsNotObject', loc('FieldsFormatHint')) };
  }
  const list: [string, string, string][] = [];
  for (const [reference, value] of Object.entries(parsed)) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      return { problem: loc('FieldsValueType', reference, JSON.stringify(value)) };
    }
    list.push([loc('FieldsWhereKey', reference), reference.trim(), String(value)]);
  }
  return { list };
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
