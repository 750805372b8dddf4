import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Emulator, FaultSpec, startEmulator } from '../emulator/harness';
import { repoRoot } from '../helpers/repo';
import { unpackVsix } from '../helpers/vsix';
import { runTask, TaskRun } from './agent';
import { buildVariables, failedYamlRun, greenYamlRun, JOB_TOKEN } from './pipelines';

// The fault matrix: every call the task makes × the faults a busy service produces, each cell the packaged task
// against a fresh organization (one emulator, reset before each cell). The outcome must be the item filed once
// (details intact or degraded) or a clear failure, never two items and never a silent loss.

type Operation = 'create' | 'comment' | 'state change' | 'query' | 'timeline' | 'logs' | 'tests' | 'upload';
type Fault =
  | '429 Retry-After: 1'
  | '503 twice'
  | 'connection reset'
  | 'slower than the timeout'
  | 'held past the timeout, then applied'
  | '500 after the write'
  | '500 after the write, WIQL 2 s behind';

const OPERATIONS: Record<
  Operation,
  { method: string; path: string; scenario: 'failure' | 'recurrence' | 'recovery' }
> = {
  create: { method: 'POST', path: '/_apis/wit/workitems/\\$Bug$', scenario: 'failure' },
  comment: { method: 'POST', path: '/_apis/wit/workItems/\\d+/comments$', scenario: 'recurrence' },
  'state change': { method: 'PATCH', path: '/_apis/wit/workitems/\\d+$', scenario: 'recovery' },
  query: { method: 'POST', path: '/_apis/wit/wiql$', scenario: 'failure' },
  timeline: { method: 'GET', path: '/_apis/build/builds/\\d+/timeline', scenario: 'failure' },
  logs: { method: 'GET', path: '/_apis/build/builds/\\d+/logs/\\d+$', scenario: 'failure' },
  tests: { method: 'GET', path: '/_apis/test/runs$', scenario: 'failure' },
  upload: { method: 'POST', path: '/_apis/wit/attachments$', scenario: 'failure' },
};

// The task's per-request timeout in these runs: 1 s (PipelineWorkItem.RequestTimeout). `wiqlLagMs`: how long
// WIQL takes to list a new item in that cell.
const FAULTS: Record<Fault, Omit<FaultSpec, 'pathRegex' | 'method'> & { wiqlLagMs?: number }> = {
  '429 Retry-After: 1': { status: 429, headers: { 'Retry-After': '1' } },
  '503 twice': { status: 503, times: 2 },
  'connection reset': { reset: true },
  'slower than the timeout': { after: true, delayMs: 2500 },
  // Azure DevOps delays a throttled user's requests (up to 30 s) before it handles them: a write held past the
  // client's timeout still lands, after the task gave up waiting for its answer.
  'held past the timeout, then applied': { delayMs: 2500 },
  '500 after the write': { after: true, status: 500 },
  '500 after the write, WIQL 2 s behind': { after: true, status: 500, wiqlLagMs: 2000 },
};

// Every operation meets the faults of a busy service; the cells that add a condition of the service name theirs.
const CROSSED: readonly Fault[] = [
  '429 Retry-After: 1',
  '503 twice',
  'connection reset',
  'slower than the timeout',
  'held past the timeout, then applied',
  '500 after the write',
];
const CONDITIONED: readonly { operation: Operation; fault: Fault }[] = [
  // The create's answer is lost and the query does not list the new item yet: looked for again, not re-sent.
  { operation: 'create', fault: '500 after the write, WIQL 2 s behind' },
];

interface Cell {
  readonly operation: Operation;
  readonly fault: Fault;
  readonly items: number;
  readonly open: number;
  readonly action: string;
  readonly result: string;
  readonly details: 'full' | 'degraded';
  readonly warnings: number;
  /** Requests the fault answered: a cell whose fault never matched would prove nothing. */
  readonly hits: number;
  /** The discussion entries of the item the outputs name: the task's notes on it. */
  readonly notes: number;
}

/** Runs one cell against the emulator, reset first: its own organization, requests, faults and WIQL lag. */
async function runCell(
  emulator: Emulator,
  target: string,
  operation: Operation,
  fault: Fault,
): Promise<Cell & { run: TaskRun }> {
  await emulator.reset();
  await emulator.setTokens([JOB_TOKEN]);
  const op = OPERATIONS[operation];
  const job = (id: number, status: string): Promise<TaskRun> =>
    runTask(target, {
      collectionUrl: emulator.collectionUrl,
      jobToken: JOB_TOKEN,
      variables: buildVariables(id, {
        'Agent.JobStatus': status,
        'PipelineWorkItem.RequestTimeout': '1',
        'PipelineWorkItem.RetryBudget': '30',
      }),
      inputs: { attachLogs: 'true' },
    });
  const seed = async (id: number, outcome: 'failed' | 'green'): Promise<void> => {
    const run = outcome === 'failed' ? failedYamlRun(id) : greenYamlRun(id);
    await emulator.seedBuild({
      ...run,
      testResults: [{ testCaseTitle: 'Cart total', outcome: 'Failed', errorMessage: 'expected 4, got 3' }],
    });
  };
  if (op.scenario !== 'failure') {
    await seed(100, 'failed');
    await job(100, 'Failed');
  }
  const id = 101;
  await seed(id, op.scenario === 'recovery' ? 'green' : 'failed');
  const { wiqlLagMs, ...spec } = FAULTS[fault];
  if (wiqlLagMs !== undefined) await emulator.setWiqlLag(wiqlLagMs);
  await emulator.injectFaults([{ method: op.method, pathRegex: op.path, times: 1, ...spec }]);
  const run = await job(id, op.scenario === 'recovery' ? 'Succeeded' : 'Failed');
  return { operation, fault, run, ...(await outcome(emulator, run)) };
}

// A request the service held goes on after the task stopped waiting for it: the cell ends when it has been handled,
// so that what it wrote is counted in its own cell and never lands in the next one.
async function handled(emulator: Emulator): Promise<void> {
  while ((await emulator.requests()).some((request) => request.status === null)) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function outcome(emulator: Emulator, run: TaskRun): Promise<Omit<Cell, 'operation' | 'fault'>> {
  await handled(emulator);
  const items = await emulator.workItems();
  const open = items.filter((item) => ['New', 'Active'].includes(String(item.fields['System.State'])));
  const newest = items.at(-1);
  const body = String(newest?.fields['Microsoft.VSTS.TCM.ReproSteps'] ?? '');
  const attached = (newest?.relations ?? []).some((relation) => relation.rel === 'AttachedFile');
  const full = body.includes('Cart total') && body.includes('1 failing') && attached;
  const hits = (await emulator.requests()).filter((request) => request.fault).length;
  const named = Number(run.outputs['WorkItemId']);
  const notes = Number.isInteger(named) ? (await emulator.comments(named)).length : 0;
  return {
    hits,
    notes,
    items: items.length,
    open: open.length,
    action: run.outputs['WorkItemAction'] ?? '',
    result: run.result ?? '',
    details: full ? 'full' : 'degraded',
    warnings: run.warnings.length,
  };
}

function table(cells: readonly Cell[]): string {
  const rows = cells.map((c) =>
    [
      c.operation,
      c.fault,
      `${c.items} (${c.open} open)`,
      c.action,
      c.result,
      c.details,
      String(c.warnings),
    ].join(' | '),
  );
  return [
    '| operation | fault | items at the end | WorkItemAction | result | details | warnings |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}

const PLAN: readonly { operation: Operation; fault: Fault }[] = [
  ...(Object.keys(OPERATIONS) as Operation[]).flatMap((operation) =>
    CROSSED.map((fault) => ({ operation, fault })),
  ),
  ...CONDITIONED,
];

// What each scenario ends with whatever the fault: the one item created, commented on, or resolved.
const EXPECTED: Record<(typeof OPERATIONS)[Operation]['scenario'], string> = {
  failure: 'created once',
  recurrence: 'commented once',
  recovery: 'resolved once',
};

// The task's notes on that item at the end: the filing note, and one note of the recurrence or the recovery.
const NOTES: Record<(typeof OPERATIONS)[Operation]['scenario'], number> = {
  failure: 1,
  recurrence: 2,
  recovery: 2,
};

describe('packaged task under faults: the fault matrix', function () {
  this.timeout(60_000);
  let emulator: Emulator | undefined;
  let target = '';
  const cells: Cell[] = [];
  before(async () => {
    [emulator, { target }] = await Promise.all([startEmulator(), unpackVsix()]);
  });
  // The table docs/reliability.md shows, one row per cell that ran, in the order of the plan.
  after(async () => {
    if (cells.length > 0) console.log(`\n${table(cells)}\n`);
    await emulator?.stop();
  });

  for (const { operation, fault } of PLAN) {
    const expected = OPERATIONS[operation].scenario;
    it(`${operation} × ${fault}: ${EXPECTED[expected]}`, async () => {
      assert.ok(emulator, 'the emulator did not start');
      const cell = await runCell(emulator, target, operation, fault);
      cells.push(cell);
      const where = `${cell.operation} × ${cell.fault}:\n${cell.run.stdout}`;
      assert.equal(cell.run.exitCode, 0, where);
      assert.ok(cell.hits >= 1, `the fault never matched: ${where}`);
      if (expected === 'recovery') {
        assert.equal(cell.items, 1, where);
        assert.equal(cell.open, 0, where);
        assert.equal(cell.action, 'resolved', where);
      } else if (expected === 'recurrence') {
        assert.equal(cell.items, 1, where);
        assert.equal(cell.action, 'commented', where);
      } else {
        assert.equal(cell.items, 1, `exactly one item: ${where}`);
        assert.equal(cell.action, 'created', where);
      }
      assert.equal(cell.notes, NOTES[expected], `each note once: ${where}`);
      assert.equal(cell.result, 'Succeeded', where);
      // One fault, retried, costs nothing: the log tail, the failing test and the attached log are all there.
      assert.equal(cell.details, 'full', where);
    });
  }

  it('ends with the table docs/reliability.md shows', () => {
    const rowsOf = (text: string): string[] => text.split(/\r?\n/).filter((line) => line.startsWith('| '));
    const documented = rowsOf(fs.readFileSync(path.join(repoRoot(), 'docs', 'reliability.md'), 'utf8'));
    const ran = rowsOf(table(cells));
    assert.ok(ran.length > 0, 'no cell ran: run this test with the cells it checks');
    const stale = 'docs/reliability.md differs: paste the table this run printed';
    // Run whole, the two are the same; run in part (--grep), each row that ran is as documented.
    if (cells.length === PLAN.length) assert.deepEqual(ran, documented, stale);
    for (const row of ran) assert.ok(documented.includes(row), `${stale}: ${row}`);
  });
});
