// Runs a parsed WIQL query over the store: field checks (TF51005), macro resolution (@project, @me),
// comparison semantics per field kind (identities, numbers, dates, tags, tree paths), ordering, $top.
import { AdoError } from './errors';
import { findField, type FieldDef } from './fields';
import { resolveIdentity } from './identities';
import type { Person, Project } from './org';
import type { FieldValue, Store, StoredWorkItem } from './state';
import { unsupported, type Expr, type Literal, type Query } from './wiql';

export interface EvalContext {
  store: Store;
  project: Project | undefined;
  identity: Person;
}

const noField = (name: string): AdoError =>
  new AdoError(
    400,
    `TF51005: The query references a field that does not exist. The error is caused by «${name}».`,
    'QueryException',
  );

export function fieldOf(name: string): FieldDef {
  const def = findField(name);
  if (!def) throw noField(name);
  return def;
}

type Scalar = string | number | Person | undefined;

function valueOf(item: StoredWorkItem, def: FieldDef): Scalar {
  if (def.ref === 'System.Id') return item.id;
  if (def.ref === 'System.Rev') return item.rev;
  const v: FieldValue | undefined = item.fields[def.ref];
  return v;
}

function literal(lit: Literal, def: FieldDef, ctx: EvalContext): Scalar {
  if (lit.kind !== 'macro') return lit.v;
  if (lit.v === 'project') {
    if (!ctx.project)
      throw new AdoError(
        400,
        'TF51011: The @project macro requires a project in the request.',
        'QueryException',
      );
    return ctx.project.name;
  }
  if (lit.v === 'me') return ctx.identity;
  throw unsupported(`macro @${lit.v} (field ${def.ref})`);
}

const text = (v: Scalar): string =>
  (v === undefined ? '' : typeof v === 'object' ? v.uniqueName : String(v)).toLowerCase();

/** -1/0/1, or NaN when the values cannot be ordered. */
function compare(a: Scalar, b: Scalar, def: FieldDef): number {
  if (def.kind === 'identity') {
    const right = typeof b === 'object' ? b : resolveIdentity(b);
    const l = typeof a === 'object' ? a.uniqueName : '';
    const r = right ? right.uniqueName : String(b ?? '');
    return l.toLowerCase() === r.toLowerCase() ? 0 : NaN;
  }
  if (a === undefined || a === '') return b === undefined || b === '' ? 0 : NaN;
  if (def.kind === 'integer' || def.kind === 'double') return Math.sign(Number(a) - Number(b));
  if (def.kind === 'dateTime')
    return Math.sign(new Date(String(a)).getTime() - new Date(String(b)).getTime());
  return text(a).localeCompare(text(b));
}

function contains(a: Scalar, b: Scalar, def: FieldDef, words: boolean): boolean {
  const needle = text(b);
  if (def.ref === 'System.Tags')
    return text(a)
      .split(';')
      .some((t) => t.trim() === needle);
  if (!words) return text(a).includes(needle);
  const esc = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|\\W)${esc}(\\W|$)`).test(text(a));
}

export function matches(e: Expr, item: StoredWorkItem, ctx: EvalContext): boolean {
  switch (e.kind) {
    case 'and':
      return matches(e.left, item, ctx) && matches(e.right, item, ctx);
    case 'or':
      return matches(e.left, item, ctx) || matches(e.right, item, ctx);
    case 'not':
      return !matches(e.expr, item, ctx);
    default:
      break;
  }
  const def = fieldOf(e.field);
  const value = valueOf(item, def);
  switch (e.kind) {
    case 'cmp': {
      const c = compare(value, literal(e.value, def, ctx), def);
      const table: Record<typeof e.op, boolean> = {
        '=': c === 0,
        '<>': c !== 0,
        '<': c < 0,
        '>': c > 0,
        '<=': c <= 0,
        '>=': c >= 0,
      };
      return table[e.op];
    }
    case 'in':
      return e.values.some((l) => compare(value, literal(l, def, ctx), def) === 0) !== e.negate;
    case 'contains':
      return contains(value, literal(e.value, def, ctx), def, e.words) !== e.negate;
    case 'under': {
      const root = text(literal(e.value, def, ctx));
      const v = text(value);
      return (v === root || v.startsWith(`${root}\\`)) !== e.negate;
    }
    case 'empty':
      return (value === undefined || value === '') !== e.negate;
  }
}

/** Checks every field and macro up front, so errors surface even when no item is evaluated. */
function validate(e: Expr, ctx: EvalContext): void {
  if (e.kind === 'and' || e.kind === 'or') {
    validate(e.left, ctx);
    validate(e.right, ctx);
  } else if (e.kind === 'not') validate(e.expr, ctx);
  else {
    const def = fieldOf(e.field);
    const lits = e.kind === 'in' ? e.values : e.kind === 'empty' ? [] : [e.value];
    for (const l of lits) literal(l, def, ctx);
  }
}

export function runQuery(q: Query, ctx: EvalContext, top: number | undefined): StoredWorkItem[] {
  for (const f of [...q.select, ...q.orderBy.map((o) => o.field)]) fieldOf(f);
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
      const c = compare(valueOf(x, def), valueOf(y, def), def);
      const n = Number.isNaN(c) ? text(valueOf(x, def)).localeCompare(text(valueOf(y, def))) : c;
      if (n !== 0) return o.desc ? -n : n;
    }
    return x.id - y.id;
  });
  const limit = top ?? 20_000;
  if (top === undefined && hits.length > limit) {
    throw new AdoError(
      400,
      `VS402337: The number of work items returned exceeds the size limit of ${limit}.`,
      'QueryResultSizeLimitExceededException',
    );
  }
  return hits.slice(0, limit);
}
