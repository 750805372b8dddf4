// JSON Patch (application/json-patch+json) documents as the work item endpoints accept them: parse,
// then apply to a draft of fields and relations. Validation of values happens later (fieldRules.ts,
// relations.ts); here only the shape of the document and the paths are checked.
import { AdoError, ModelStateError, badRequest, unknownField } from './errors';
import { findField } from './fields';
import { hasField, type TypeDef } from './processes';
import type { FieldValue, StoredRelation } from './state';

export interface PatchOp {
  op: 'add' | 'replace' | 'remove' | 'test';
  path: string;
  value?: unknown;
}

export interface DraftRelation extends StoredRelation {
  /** True when added or replaced by this patch (only those are validated). */
  changed: boolean;
}

export interface Draft {
  /** -1 while the work item is new (the service uses -1 in messages too). */
  id: number;
  rev: number;
  type: TypeDef;
  fields: Record<string, unknown>;
  /** Field values before the patch (empty for a new item). */
  original: Readonly<Record<string, FieldValue>>;
  changed: Set<string>;
  relations: DraftRelation[];
  removedRelations: StoredRelation[];
}

const OP_NUMBERS: Record<number, string> = {
  0: 'add',
  1: 'remove',
  2: 'replace',
  3: 'move',
  4: 'copy',
  5: 'test',
};

const INVALID_DOC = 'You must pass a valid patch document in the body of the request.';

export function parsePatch(body: unknown): PatchOp[] {
  if (!Array.isArray(body) || body.length === 0) throw badRequest(INVALID_DOC);
  return body.map((raw: unknown): PatchOp => {
    if (!raw || typeof raw !== 'object') throw badRequest(INVALID_DOC);
    const o = raw as Record<string, unknown>;
    // The service's JSON reader also takes the Operation enum's numbers (what the typed client's enum holds).
    const op =
      typeof o.op === 'string'
        ? o.op.toLowerCase()
        : typeof o.op === 'number'
          ? (OP_NUMBERS[o.op] ?? '')
          : '';
    if (typeof o.path !== 'string') throw badRequest(INVALID_DOC);
    if (op === 'copy' || op === 'move') {
      throw badRequest(`Emulator: JSON Patch operation '${op}' is not supported by the emulator.`);
    }
    if (op !== 'add' && op !== 'replace' && op !== 'remove' && op !== 'test') {
      throw badRequest(`The operation '${String(o.op)}' is not a valid JSON Patch operation.`);
    }
    if (op === 'remove' && o.value !== undefined && o.value !== null) {
      throw new ModelStateError('Remove requires Value to be null.');
    }
    return { op, path: o.path, value: o.value };
  });
}

const sameValue = (current: unknown, expected: unknown): boolean => {
  const plain = (v: unknown): unknown =>
    v && typeof v === 'object' && 'uniqueName' in v ? (v as { uniqueName: string }).uniqueName : v;
  return String(plain(current) ?? '') === String(plain(expected) ?? '');
};

function applyField(d: Draft, op: PatchOp, name: string): void {
  const def = findField(name);
  if (!def || !hasField(d.type, def.ref)) throw unknownField(name);
  if (op.op === 'test') {
    if (!sameValue(d.fields[def.ref], op.value)) throw testFailed(op.path);
    return;
  }
  d.changed.add(def.ref);
  if (op.op === 'remove') delete d.fields[def.ref];
  else d.fields[def.ref] = op.value;
}

function relationValue(value: unknown): DraftRelation {
  const o = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const attributes =
    o.attributes && typeof o.attributes === 'object' ? { ...(o.attributes as Record<string, unknown>) } : {};
  return {
    rel: typeof o.rel === 'string' ? o.rel : '',
    url: typeof o.url === 'string' ? o.url : '',
    attributes,
    changed: true,
  };
}

function applyRelation(d: Draft, op: PatchOp, rest: string[]): void {
  if (rest[0] === '-' && rest.length === 1 && op.op === 'add') {
    d.relations.push(relationValue(op.value));
    return;
  }
  const index = Number(rest[0]);
  const target = Number.isInteger(index) ? d.relations[index] : undefined;
  if (!target) throw badRequest(`The relation index '${rest[0]}' in path '${op.path}' is out of range.`);
  if (rest.length === 1) {
    if (op.op === 'remove') d.removedRelations.push(...d.relations.splice(index, 1));
    else if (op.op === 'replace' || op.op === 'add') {
      d.removedRelations.push(target);
      d.relations[index] = relationValue(op.value);
    } else if (!sameValue(target.url, (op.value as { url?: unknown } | undefined)?.url))
      throw testFailed(op.path);
    return;
  }
  if (rest[1] === 'attributes' && rest.length === 3) {
    if (op.op === 'remove') delete target.attributes[rest[2]];
    else if (op.op !== 'test') target.attributes[rest[2]] = op.value;
    return;
  }
  throw badRequest(`The path '${op.path}' is not valid for a work item.`);
}

export function applyPatch(d: Draft, ops: PatchOp[]): void {
  for (const op of ops) {
    const parts = op.path.split('/').slice(1);
    const head = (parts[0] ?? '').toLowerCase();
    if (head === 'fields' && parts.length === 2) applyField(d, op, parts[1]);
    else if (head === 'relations' && parts.length >= 2) applyRelation(d, op, parts.slice(1));
    else if ((head === 'rev' || head === 'id') && parts.length === 1 && op.op === 'test') {
      // Compared as JSON values (RFC 6902): the string "1" is not the number 1. How the service compares them is
      // not documented; the strict comparison is the stricter choice.
      if (op.value !== (head === 'rev' ? d.rev : d.id)) throw testFailed(op.path);
    } else {
      throw badRequest(`The path '${op.path}' is not valid for a work item.`);
    }
  }
}

// A failed test of /rev is the service's optimistic-concurrency refusal: TF26071, the message Azure Boards
// gives whenever a save is based on an old revision (status 412, Precondition Failed). A failed test of any
// other path keeps an emulator-chosen wording.
function testFailed(path: string): AdoError {
  if (path.toLowerCase() === '/rev') {
    return new AdoError(
      412,
      'TF26071: This work item has been changed by someone else since you opened it. You will need to refresh it and discard your changes.',
      'WorkItemRevisionMismatchException',
    );
  }
  return new AdoError(
    400,
    `The test operation for path '${path}' failed: the value is not the expected one.`,
    'WorkItemTestOperationFailedException',
  );
}

export function newDraft(
  type: TypeDef,
  id: number,
  rev: number,
  fields: Record<string, FieldValue>,
  relations: StoredRelation[],
): Draft {
  return {
    id,
    rev,
    type,
    fields: { ...fields },
    original: { ...fields },
    changed: new Set(),
    relations: relations.map((r) => ({ ...r, attributes: { ...r.attributes }, changed: false })),
    removedRelations: [],
  };
}
