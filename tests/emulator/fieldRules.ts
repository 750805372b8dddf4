// Field rules the service enforces on save: types, lengths, allowed values, identities, tree paths,
// read-only system fields (TF401326), required Title, and defaults for new items. Collects TF401320
// violations for all fields (as the service does); tree path (TF401347), too long (TF401324) and read-only errors
// stop at the first.
import {
  fieldTooLong,
  ruleError,
  invalidTreePath,
  readOnlyField,
  type RuleCode,
  type RuleViolation,
} from './errors';
import { FIELDS, type FieldDef } from './fields';
import { resolveIdentity } from './identities';
import { canonicalPath, type Person, type Project } from './org';
import { findState, initialState } from './processes';
import type { Draft } from './patch';

const MAX_STRING = 255;
// Long text and HTML fields: "1M characters" (Microsoft Learn, work tracking object limits).
export const MAX_HTML = 1_000_000;

export interface RuleContext {
  project: Project;
  identity: Person;
  now: string;
  bypassRules: boolean;
  /** The project's tags by lower-cased name, each in the casing it is defined in. */
  tags: ReadonlyMap<string, string>;
}

// A one-line String field (a title names the item) refuses what Microsoft Learn's "Naming restrictions and
// conventions" (general considerations) refuses in names: control characters and surrogates that make no pair. No
// reference says how the service answers a title holding one; the refusal is the stricter choice, and its code is
// emulator-chosen.
const STRING_REFUSED_CHARACTERS = /[\p{Cc}\p{Cs}]/u;

/**
 * What a long-text, HTML or history value may not hold: the characters XML 1.0 refuses (the C0 controls but tab,
 * line feed and carriage return, U+FFFE, U+FFFF) and half a surrogate pair. Public reports show the service
 * refusing such a value ("'\uFFFF', hexadecimal value 0xFFFF, is an invalid character", a vertical tab) through
 * its older client; no reference says what the REST API does, so the emulator refuses it, the stricter choice.
 */
export const UNSTORABLE_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\uFFFE\uFFFF\p{Cs}]/u;

type Normalized = { value: unknown } | { codes: RuleCode[] };

// Tags (Microsoft Learn, "Naming restrictions and conventions", work item tags): `,` and `;` separate them; a tag
// holds at most 400 characters and no Unicode control or format character, nor a lone surrogate; an item holds at
// most 100 ("Work tracking, process, and project limits"). The refusal's codes are emulator-chosen.
const MAX_TAG = 400;
const MAX_TAGS = 100;
const TAG_REFUSED_CHARACTERS = /[\p{Cc}\p{Cf}\p{Cs}]/u;

// Tags are case-insensitive and a tag the project already has keeps its casing: a save cannot change it
// (MicrosoftDocs/azure-devops-docs#5055, "I cannot change a mis-cased tag to the correct case").
function normalizeTags(raw: string, defined: ReadonlyMap<string, string>): Normalized {
  const seen = new Map<string, string>();
  for (const tag of raw
    .split(/[;,]/)
    .map((t) => t.trim())
    .filter(Boolean)) {
    if (TAG_REFUSED_CHARACTERS.test(tag)) return { codes: ['InvalidCharacters'] };
    if (tag.length > MAX_TAG) return { codes: ['InvalidTooLong'] };
    const key = tag.toLowerCase();
    if (!seen.has(key)) seen.set(key, defined.get(key) ?? tag);
  }
  if (seen.size > MAX_TAGS) return { codes: ['InvalidTooLong'] };
  return {
    value: [...seen.values()].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())).join('; '),
  };
}

function allowedValue(def: FieldDef, value: string | number): Normalized {
  if (!def.allowed) return { value };
  const hit = def.allowed.find((a) => String(a).toLowerCase() === String(value).toLowerCase());
  return hit === undefined ? { codes: ['LimitedToValues', 'InvalidListValue'] } : { value: hit };
}

function normalize(def: FieldDef, raw: unknown, d: Draft, ctx: RuleContext): Normalized {
  switch (def.kind) {
    case 'integer':
    case 'double': {
      const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
      if (!Number.isFinite(n) || (def.kind === 'integer' && !Number.isInteger(n)))
        return { codes: ['InvalidType'] };
      return allowedValue(def, n);
    }
    case 'dateTime': {
      const t = new Date(String(raw));
      return Number.isNaN(t.getTime()) ? { codes: ['InvalidType'] } : { value: t.toISOString() };
    }
    case 'identity': {
      const p = resolveIdentity(raw);
      return p ? { value: p } : { codes: ['ValidIdentity', 'InvalidIdentity'] };
    }
    case 'treePath': {
      const paths = def.ref === 'System.AreaPath' ? ctx.project.areas : ctx.project.iterations;
      const hit = typeof raw === 'string' ? canonicalPath(paths, raw.trim()) : undefined;
      if (!hit) throw invalidTreePath(d.id, def.ref);
      return { value: hit };
    }
    default: {
      if (typeof raw === 'object') return { codes: ['InvalidType'] };
      const text = String(raw);
      if (def.ref === 'System.Tags') return normalizeTags(text, ctx.tags);
      if (def.ref === 'System.State') {
        const st = findState(d.type, text.trim());
        return st ? { value: st.name } : { codes: ['LimitedToValues', 'InvalidListValue'] };
      }
      if (def.kind === 'string' && STRING_REFUSED_CHARACTERS.test(text))
        return { codes: ['InvalidCharacters'] };
      if (def.kind !== 'string' && UNSTORABLE_CHARACTERS.test(text)) return { codes: ['InvalidCharacters'] };
      const max = def.kind === 'string' ? MAX_STRING : MAX_HTML;
      if (text.length > max) throw fieldTooLong(def.ref);
      return allowedValue(def, def.kind === 'string' ? text.trim() : text);
    }
  }
}

function applyDefaults(d: Draft, ctx: RuleContext): void {
  const set = (ref: string, value: unknown): void => {
    if (d.fields[ref] === undefined) d.fields[ref] = value;
  };
  for (const [ref, value] of Object.entries(d.type.defaults)) set(ref, value);
  set('System.State', initialState(d.type).name);
  set('System.AreaPath', ctx.project.name);
  set('System.IterationPath', ctx.project.name);
  set('System.CreatedBy', ctx.identity);
  set('System.CreatedDate', ctx.now);
  d.fields['System.TeamProject'] = ctx.project.name;
  d.fields['System.WorkItemType'] = d.type.name;
  d.fields['System.CommentCount'] = d.fields['System.CommentCount'] ?? 0;
}

/** Normalizes the changed fields in place; throws TF401347 / TF401320 like the service. */
export function applyFieldRules(d: Draft, ctx: RuleContext): void {
  const violations: RuleViolation[] = [];
  const isNew = d.id < 0;
  const previousState = d.original['System.State'];
  for (const ref of d.changed) {
    const def = FIELDS.get(ref.toLowerCase());
    if (!def) continue;
    const raw = d.fields[ref];
    if (def.readOnly && !ctx.bypassRules) {
      // Sending the current value back is fine ("InvalidNotOldValue" means: only the old value).
      const old = d.original[ref];
      const oldText = old && typeof old === 'object' ? old.uniqueName : old;
      if (oldText !== undefined && String(oldText) === String(raw)) {
        d.fields[ref] = old;
        continue;
      }
      throw readOnlyField(ref);
    }
    if (raw === undefined || raw === null || raw === '') {
      delete d.fields[ref];
      continue;
    }
    const result = normalize(def, raw, d, ctx);
    if ('codes' in result) violations.push({ field: ref, fieldName: def.name, codes: result.codes });
    else d.fields[ref] = result.value;
  }
  if (isNew) applyDefaults(d, ctx);
  const title = d.fields['System.Title'];
  if (typeof title !== 'string' || title.trim() === '') {
    violations.unshift({ field: 'System.Title', fieldName: 'Title', codes: ['Required', 'InvalidEmpty'] });
  }
  if (!d.fields['System.State']) {
    violations.push({ field: 'System.State', fieldName: 'State', codes: ['Required', 'InvalidEmpty'] });
  }
  if (violations.length > 0 && !ctx.bypassRules) throw ruleError(violations);
  const state = d.fields['System.State'];
  if (isNew || state !== previousState || d.changed.has('System.State')) {
    if (!d.changed.has('System.Reason') || !d.fields['System.Reason']) {
      d.fields['System.Reason'] = findState(d.type, String(state))?.reason ?? 'New';
    }
    if (isNew || state !== previousState) d.fields['Microsoft.VSTS.Common.StateChangeDate'] = ctx.now;
  }
  d.fields['System.ChangedBy'] = ctx.identity;
  d.fields['System.ChangedDate'] = ctx.now;
}
