import * as assert from 'assert';
import Ajv, { type ErrorObject } from 'ajv';
import { readJson, TASK_JSON, type TaskJson } from '../helpers/repo';

const SCHEMA = 'tests/schemas/task.schema.json';
/** The first agent with the Node20_1 handler. */
const NODE20_AGENT = '3.232.1';

function compileSchema(): (data: unknown) => ErrorObject[] {
  const ajv = new Ajv({ allErrors: true, strictTypes: true });
  const validate = ajv.compile(readJson<object>(SCHEMA));
  return (data) => (validate(data) ? [] : [...(validate.errors ?? [])]);
}

function describeErrors(errors: ErrorObject[]): string {
  return errors.map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`).join('\n');
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

describe('task.json', () => {
  const validate = compileSchema();
  const task = readJson<TaskJson>(TASK_JSON);

  it('matches tests/schemas/task.schema.json', () => {
    const errors = validate(task);
    assert.deepStrictEqual(errors, [], `${TASK_JSON} is invalid:\n${describeErrors(errors)}`);
  });

  it(`needs an agent with the Node20_1 handler (>= ${NODE20_AGENT})`, () => {
    const minimum = task.minimumAgentVersion ?? '0.0.0';
    assert.ok(
      compareVersions(minimum, NODE20_AGENT) >= 0,
      `minimumAgentVersion ${minimum} < ${NODE20_AGENT}`,
    );
  });

  it('runs the same file on the Node20_1 and Node24 handlers', () => {
    assert.strictEqual(task.execution.Node24?.target, task.execution.Node20_1?.target);
  });

  // The default condition runs a step only when every earlier one succeeded: added without one, it never files.
  it('says in its help to run it after a failed step too (Control Options, condition: always())', () => {
    assert.match(task.helpMarkDown ?? '', /\*\*Control Options › Run this task\*\*/);
    assert.match(task.helpMarkDown ?? '', /`condition: always\(\)`/);
  });

  it('has unique input and output variable names', () => {
    const names = (task.inputs ?? []).map((i) => i.name.toLowerCase());
    assert.deepStrictEqual(names, [...new Set(names)], 'input names (case-insensitive)');
    const outputs = (task.outputVariables ?? []).map((o) => o.name);
    assert.deepStrictEqual(outputs, [...new Set(outputs)], 'output variable names');
  });

  it('puts every input in a declared group', () => {
    const groups = new Set((task.groups ?? []).map((g) => g.name));
    const strays = (task.inputs ?? []).filter((i) => i.groupName !== undefined && !groups.has(i.groupName));
    assert.deepStrictEqual(
      strays.map((i) => `${i.name} → ${i.groupName}`),
      [],
    );
  });

  // Without the details no log is read: the editor must not offer a count that changes nothing.
  it('shows logLines only while includeDetails is true, and says so in its help', () => {
    const logLines = (task.inputs ?? []).find((i) => i.name === 'logLines');
    assert.strictEqual(logLines?.visibleRule, 'includeDetails = true');
    assert.match(logLines?.helpMarkDown ?? '', /`includeDetails`/);
  });

  it('defaults every pickList to one of its options', () => {
    const bad = (task.inputs ?? []).filter(
      (i) =>
        i.type === 'pickList' &&
        i.defaultValue !== undefined &&
        !(String(i.defaultValue) in (i.options ?? {})),
    );
    assert.deepStrictEqual(
      bad.map((i) => `${i.name}: ${String(i.defaultValue)}`),
      [],
    );
  });

  describe('the schema rejects', () => {
    const cases: { name: string; change: (t: TaskJson) => void; path: string; keyword: string }[] = [
      {
        name: 'a name with an underscore',
        change: (t) => (t.name = 'Pipeline_Work_Item'),
        path: '/name',
        keyword: 'pattern',
      },
      {
        name: 'a friendlyName of 41 characters',
        change: (t) => (t.friendlyName = 'x'.repeat(41)),
        path: '/friendlyName',
        keyword: 'maxLength',
      },
      {
        name: 'an id that is not a GUID',
        change: (t) => (t.id = '444cadde-5952-4bd7-9b8c'),
        path: '/id',
        keyword: 'pattern',
      },
      {
        name: 'a missing Node24 handler',
        change: (t) => delete t.execution.Node24,
        path: '/execution',
        keyword: 'required',
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const broken = structuredClone(task);
        c.change(broken);
        const errors = validate(broken);
        assert.ok(
          errors.some((e) => e.instancePath === c.path && e.keyword === c.keyword),
          `expected a "${c.keyword}" error at ${c.path}, got:\n${describeErrors(errors) || '(valid)'}`,
        );
      });
    }
  });
});
