// Runs a parsed WIQL query over the store: field checks (TF51005), @project, equality and order per field kind
// (numbers, text; tags matched whole), ordering, $top, and the index lag (state.ts) of new items.
import { AdoError } from './errors';
import { findField, type FieldDef } from './fields';
import type { Project } from './org';
import type { Store, StoredWorkItem } from './state';
import { unsupported, type Expr, type Literal, type Query } from './wiql';

export interface EvalContext {
  store: Store;
  project: Project | undefined;
}

const noField = (name: string): AdoError =>
  new AdoError(
    400,
    `TF51005: The query references a field that does not exist. The error is caused by «${name}».`,
    'QueryException',
  );

function fieldOf(name: string): FieldDef {
  const def = findField(name);
  if (!def) throw noField(name);
  if (def.kind === 'identity' || def.kind === 'dateTime')
    throw unsupported(`a condition or order on ${def.kind} field ${def.ref}`);
  return def;
}

type Scalar = string | number | undefined;

function valueOf(item: StoredWorkItem, def: FieldDef): Scalar {
  if (def.ref === 'System.Id') return item.id;
  if (def.ref === 'System.Rev') return item.rev;
  const v = item.fields[def.ref];
  return typeof v === 'object' ? v.uniqueName : v;
}

function literal(lit: Literal, ctx: EvalContext): Scalar {
  if (lit.kind !== 'macro') return lit.v;
  if (lit.v !== 'project') throw unsupported(`macro @${lit.v}`);
  if (!ctx.project)
    throw new AdoError(
      400,
      'TF51011: The @project macro requires a project in the request.',
      'QueryException',
    );
  return ctx.project.name;
}

const text = (v: Scalar): string => (v === undefined ? '' : String(v)).toLowerCase();

/** Numbers by value, everything else as case-insensitive text (WIQL compares strings without case). */
function compare(a: Scalar, b: Scalar, def: FieldDef): number {
  if (def.kind === 'integer' || def.kind === 'double') return Math.sign(Number(a ?? 0) - Number(b ?? 0));
  return text(a).localeCompare(text(b));
}

function contains(a: Scalar, b: Scalar, def: FieldDef): boolean {
  const needle = text(b);
  // Tags are matched whole: CONTAINS 'ci' does not match the tag 'ci-nightly'.
  if (def.ref === 'System.Tags')
    return text(a)
      .split(';')
      .some((t) => t.trim() === needle);
  return text(a).includes(needle);
}

function matches(e: Expr, item: StoredWorkItem, ctx: EvalContext): boolean {
  switch (e.kind) {
    case 'and':
      return matches(e.left, item, ctx) && matches(e.right, item, ctx);
    case 'or':
      return matches(e.left, item, ctx) || matches(e.right, item, ctx);
    case 'eq': {
      const def = fieldOf(e.field);
      return compare(valueOf(item, def), literal(e.value, ctx), def) === 0;
    }
    case 'in': {
      const def = fieldOf(e.field);
      return e.values.some((l) => compare(valueOf(item, def), literal(l, ctx), def) === 0);
    }
    case 'contains': {
      const def = fieldOf(e.field);
      return contains(valueOf(item, def), literal(e.value, ctx), def) !== e.negated;
    }
  }
}

/** Checks every field and macro up front, so errors surface even when no item is evaluated. */
function validate(e: Expr, ctx: EvalContext): void {
  if (e.kind === 'and' || e.kind === 'or') {
    validate(e.left, ctx);
    validate(e.right, ctx);
    return;
  }
  fieldOf(e.field);
  for (const l of e.kind === 'in' ? e.values : [e.value]) literal(l, ctx);
}

// "Query results 20,000 items" (Microsoft Learn, work tracking object limits).
const MAX_RESULTS = 20_000;

export function runQuery(q: Query, ctx: EvalContext, top: number | undefined): StoredWorkItem[] {
  for (const f of [...q.select, ...q.orderBy.map((o) => o.field)]) {
    if (!findField(f)) throw noField(f);
  }
  for (const o of q.orderBy) fieldOf(o.field);
  if (q.where) validate(q.where, ctx);
  const where = q.where;
  const listed = ctx.store.queryIndex();
  const hits = [...ctx.store.workItems.values()].filter(
    (item) => listed(item.id) && (!where || matches(where, item, ctx)),
  );
  const order = q.orderBy.length > 0 ? q.orderBy : [{ field: 'System.Id', desc: false }];
  hits.sort((x, y) => {
    for (const o of order) {
      const def = fieldOf(o.field);
      const n = compare(valueOf(x, def), valueOf(y, def), def);
      if (n !== 0) return o.desc ? -n : n;
    }
    return x.id - y.id;
  });
  // The message is the service's as public reports quote it; the typeKey is emulator-chosen.
  const limit = top ?? MAX_RESULTS;
  if (top === undefined && hits.length > limit) {
    throw new AdoError(
      400,
      `VS402337: The number of work items returned exceeds the size limit of ${limit}. Change the query to return fewer items.`,
      'QueryResultSizeLimitExceededException',
    );
  }
  return hits.slice(0, limit);
}
