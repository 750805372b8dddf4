// A WIQL parser for what the task sends: SELECT [fields] FROM WorkItems [WHERE …] [ORDER BY …] with =, IN,
// CONTAINS and NOT CONTAINS, AND/OR and parentheses, '…' strings ('' escapes), numbers and @project. Anything
// else (other operators, a NOT before a condition, other macros, ASOF, MODE) fails loudly with 400, so a test
// notices the emulator would not answer like the service.
import { AdoError } from './errors';

export type Literal = { kind: 'str'; v: string } | { kind: 'num'; v: number } | { kind: 'macro'; v: string };
export type Expr =
  | { kind: 'eq'; field: string; value: Literal }
  | { kind: 'in'; field: string; values: Literal[] }
  | { kind: 'contains'; field: string; value: Literal; negated: boolean }
  | { kind: 'and'; left: Expr; right: Expr }
  | { kind: 'or'; left: Expr; right: Expr };

export interface Query {
  select: string[];
  where?: Expr;
  orderBy: Array<{ field: string; desc: boolean }>;
}

type Token = { t: 'field' | 'str' | 'num' | 'macro' | 'op' | 'punct' | 'word'; v: string };

const syntax = (what: string, near: string): AdoError =>
  new AdoError(400, `TF51006: Expecting ${what}. The error is caused by «${near}».`, 'QuerySyntaxException');

export const unsupported = (what: string): AdoError =>
  new AdoError(
    400,
    `Emulator: unsupported WIQL: ${what}. Extend tests/emulator/wiql.ts if the task needs it.`,
    'QuerySyntaxException',
  );

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const re =
    /\s+|\[([^\]]*)\]|'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?)\b|@([A-Za-z]+)|(<>|!=|>=|<=|=|<|>)|([(),])|([A-Za-z_][\w.]*)|(.)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text))) {
    if (m[1] !== undefined) out.push({ t: 'field', v: m[1].trim() });
    else if (m[2] !== undefined) out.push({ t: 'str', v: m[2].replace(/''/g, "'") });
    else if (m[3] !== undefined) out.push({ t: 'num', v: m[3] });
    else if (m[4] !== undefined) out.push({ t: 'macro', v: m[4].toLowerCase() });
    else if (m[5] !== undefined) out.push({ t: 'op', v: m[5] });
    else if (m[6] !== undefined) out.push({ t: 'punct', v: m[6] });
    else if (m[7] !== undefined) out.push({ t: 'word', v: m[7].toUpperCase() });
    else if (m[8] !== undefined) throw syntax('a valid token', m[8]);
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }
  private next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw syntax('more input', '<end of query>');
    return t;
  }
  private isWord(v: string): boolean {
    const t = this.peek();
    return !!t && t.t === 'word' && t.v === v;
  }
  private word(v: string): void {
    const t = this.next();
    if (t.t !== 'word' || t.v !== v) throw syntax(v, t.v);
  }
  private punct(v: string): void {
    const t = this.next();
    if (t.t !== 'punct' || t.v !== v) throw syntax(`'${v}'`, t.v);
  }
  private field(): string {
    const t = this.next();
    if (t.t !== 'field') throw syntax('a field name in [brackets]', t.v);
    return t.v;
  }
  private literal(): Literal {
    const t = this.next();
    if (t.t === 'str') return { kind: 'str', v: t.v };
    if (t.t === 'num') return { kind: 'num', v: Number(t.v) };
    if (t.t === 'macro') return { kind: 'macro', v: t.v };
    if (t.t === 'field') throw unsupported(`field-to-field comparison with [${t.v}]`);
    throw syntax('a value', t.v);
  }

  query(): Query {
    this.word('SELECT');
    const select = [this.field()];
    while (this.peek()?.v === ',') {
      this.next();
      select.push(this.field());
    }
    this.word('FROM');
    const source = this.next();
    if (source.t !== 'word' || source.v !== 'WORKITEMS')
      throw unsupported(`FROM ${source.v} (only WorkItems)`);
    const q: Query = { select, orderBy: [] };
    if (this.isWord('WHERE')) {
      this.next();
      q.where = this.or();
    }
    if (this.isWord('ORDER')) {
      this.next();
      this.word('BY');
      do {
        if (this.peek()?.v === ',') this.next();
        const field = this.field();
        const dir = this.isWord('ASC') || this.isWord('DESC') ? this.next().v : 'ASC';
        q.orderBy.push({ field, desc: dir === 'DESC' });
      } while (this.peek()?.v === ',');
    }
    const rest = this.peek();
    if (rest?.t === 'word' && (rest.v === 'ASOF' || rest.v === 'MODE')) throw unsupported(rest.v);
    if (rest) throw syntax('end of query', rest.v);
    return q;
  }

  private or(): Expr {
    let left = this.and();
    while (this.isWord('OR')) {
      this.next();
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }
  private and(): Expr {
    let left = this.factor();
    while (this.isWord('AND')) {
      this.next();
      left = { kind: 'and', left, right: this.factor() };
    }
    return left;
  }
  private factor(): Expr {
    if (this.peek()?.v === '(') {
      this.next();
      const e = this.or();
      this.punct(')');
      return e;
    }
    if (this.isWord('NOT')) throw unsupported('NOT');
    return this.condition();
  }
  private condition(): Expr {
    const field = this.field();
    const t = this.next();
    if (t.t === 'op') {
      if (t.v !== '=') throw unsupported(`operator ${t.v}`);
      return { kind: 'eq', field, value: this.literal() };
    }
    if (t.t === 'word' && t.v === 'IN') {
      this.punct('(');
      const values = [this.literal()];
      while (this.peek()?.v === ',') {
        this.next();
        values.push(this.literal());
      }
      this.punct(')');
      return { kind: 'in', field, values };
    }
    const negated = t.t === 'word' && t.v === 'NOT' && this.isWord('CONTAINS');
    const operator = negated ? this.next() : t;
    if (operator.t === 'word' && operator.v === 'CONTAINS') {
      if (this.isWord('WORDS')) throw unsupported('CONTAINS WORDS');
      return { kind: 'contains', field, value: this.literal(), negated };
    }
    if (t.t === 'word') throw unsupported(`operator ${t.v}`);
    throw syntax('an operator', t.v);
  }
}

// "Query length 32,000 characters" (Microsoft Learn, work tracking object limits). No answer of the service to a
// longer query is known: the wording and typeKey are emulator-chosen and carry no service code.
const MAX_WIQL = 32_000;

export function parseWiql(text: string): Query {
  if (text.length > MAX_WIQL) {
    throw new AdoError(
      400,
      `The WIQL query is ${text.length} characters long; a query holds at most ${MAX_WIQL}.`,
      'QueryTooLongException',
    );
  }
  return new Parser(tokenize(text)).query();
}
