import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { connectBoards, connectPipelines, Transport } from '../../tasks/PipelineWorkItem/src/ado/connection';
import { DEFAULT_LIMITS, RetryPolicy } from '../../tasks/PipelineWorkItem/src/ado/retry';
import { SettingsError } from '../../tasks/PipelineWorkItem/src/errors';
import type { InputName } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import type { TaskHost, TaskResult, TokenCredentials } from '../../tasks/PipelineWorkItem/src/ports';
import { run } from '../../tasks/PipelineWorkItem/src/run';
import type {
  BuildSeed,
  Emulator,
  FaultSpec,
  RecordedRequest,
  ReleaseSeed,
  TestResultSeed,
  TimelineRecordSeed,
  WorkItemJson,
} from '../emulator/harness';
import { startEmulator } from '../emulator/harness';
import { recordId } from '../emulator/buildView';
import {
  buildVariables,
  classicRelease,
  failedYamlRun,
  greenYamlRun,
  releaseVariables,
  REPORT_STAGE,
  withTasks,
} from '../e2e/pipelines';
import { isWrite } from '../e2e/session';
import { holdsSecret } from '../helpers/secretSearch';
import { recordingHost } from '../unit/fixtures';

// The task as a whole, in this process over the real emulator (HTTP), through runs a generator combines: run
// shapes, this job's status, sequences of runs of one pipeline and branch, the inputs, and service faults. After
// each run and each sequence it checks what a user relies on (the promises are listed at `checkRun` and
// `checkSequence`).
//
// A fixed seed and a modest number of runs keep it under a minute. To search longer, with a new seed each time:
//   SYSTEM_FUZZ_RUNS=300 SYSTEM_FUZZ_SEED=random npx mocha --timeout 0 out/tests/property/system.property.test.js
// A failure prints its seed and path; replay it with SYSTEM_FUZZ_SEED=<seed> SYSTEM_FUZZ_PATH=<path>.

const JOB_TOKEN = 'job-token-fuzz-3b7e1d9c5a';
/** A secret variable's value, written into the failing step's errors, its log and the failing tests' messages. */
const SECRET = 'Sup3r-s3cret-v4lue-9d1f';
const PROJECT = 'WebApp';
/** The Agile Bug's open states (Proposed and InProgress categories). */
const OPEN_STATES = ['New', 'Active'];

/** This job's record result, and what the agent says of the job then. */
type StepResult = 'failed' | 'succeeded' | 'succeededWithIssues' | 'canceled' | 'skipped';

/** One run of the pipeline, as Azure DevOps would record it. */
interface RunShape {
  /** The failing step's result (in this job, or in the Build job when the task runs in a separate job). */
  readonly step: StepResult;
  /** Where the task runs: in the job of the step, or in a separate job of a later stage. */
  readonly where: 'own' | 'separate';
  /** A matrix leg beside the job, if any. */
  readonly leg?: {
    readonly state: 'completed' | 'inProgress' | 'pending';
    readonly result: StepResult | null;
  };
  /** The job's attempt: 2 is "Rerun failed jobs". */
  readonly attempt: 1 | 2;
  readonly log: 'none' | 'empty' | 'lines';
  readonly tests: 'none' | 'failing' | 'flakyOnly' | 'rerunPassed';
}

/** A classic release's Production deployment. */
interface ReleaseShape {
  readonly outcome: 'failed' | 'succeeded';
}

type Pipeline = 'yaml' | 'classicBuild' | 'release';

interface Fault {
  readonly call: keyof typeof CALLS;
  readonly kind:
    '500' | '503' | '429' | 'reset' | '500 after' | 'reset after' | 'cut body' | 'slow' | 'slow after';
  /** How many of the matching requests it hits. */
  readonly times: number;
}

interface Step {
  readonly run: RunShape | ReleaseShape;
  readonly faults: readonly Fault[];
  /** WIQL queries that will not yet list the items this run creates. */
  readonly wiqlLag: 0 | 1 | 2;
  /** What a person did, before the run, to the newest open item of the runs: moved it on, or fixed it. */
  readonly person?: 'Active' | 'Resolved';
}

interface Case {
  readonly pipeline: Pipeline;
  readonly inputs: Partial<Record<InputName, string>>;
  readonly steps: readonly Step[];
}

/** The request timeout of the runs, and a delay past it: wide apart, so that no run depends on timing. */
const REQUEST_TIMEOUT_MS = 1_000;
const SLOW_MS = 2_500;

// The calls a fault hits: each a request the task makes in some run.
const CALLS = {
  wiql: { method: 'POST', pathRegex: '/_apis/wit/wiql$' },
  create: { method: 'POST', pathRegex: '/_apis/wit/workitems/\\$[^/]+$' },
  update: { method: 'PATCH', pathRegex: '/_apis/wit/workitems/\\d+$' },
  comment: { method: 'POST', pathRegex: '/_apis/wit/workItems/\\d+/comments$' },
  timeline: { method: 'GET', pathRegex: '/_apis/build/builds/\\d+/timeline' },
  logs: { method: 'GET', pathRegex: '/_apis/build/builds/\\d+/logs' },
  testRuns: { method: 'GET', pathRegex: '/_apis/test/runs' },
  testResults: { method: 'GET', pathRegex: '/_apis/test/runs/\\d+/results' },
  types: { method: 'GET', pathRegex: '/_apis/wit/workitemtypes' },
  fields: { method: 'GET', pathRegex: '/_apis/wit/fields' },
  readItem: { method: 'GET', pathRegex: '/_apis/wit/workitems(/\\d+)?$' },
  readComments: { method: 'GET', pathRegex: '/_apis/wit/workItems/\\d+/comments$' },
  upload: { method: 'POST', pathRegex: '/_apis/wit/attachments' },
  release: { method: 'GET', pathRegex: '/_apis/release/releases/\\d+' },
  builds: { method: 'GET', pathRegex: '/_apis/build/builds$' },
} as const;

function faultSpec(fault: Fault): FaultSpec {
  const call = CALLS[fault.call];
  const times = fault.times;
  switch (fault.kind) {
    case 'reset':
      return { ...call, times, reset: true };
    case 'reset after':
      return { ...call, times, reset: true, after: true };
    // Past the request timeout: without `after` the request is handled once the client gave up (it lands late).
    case 'slow':
      return { ...call, times, delayMs: SLOW_MS };
    case 'slow after':
      return { ...call, times, delayMs: SLOW_MS, after: true };
    case 'cut body':
      return { ...call, times, cutBody: true };
    case '500 after':
      return { ...call, times, status: 500, after: true };
    case '429':
      return { ...call, times, status: 429, headers: { 'Retry-After': '1' } };
    default:
      return { ...call, times, status: Number(fault.kind) };
  }
}

const stepResult = fc.constantFrom<StepResult>(
  'failed',
  'failed',
  'succeeded',
  'succeeded',
  'succeededWithIssues',
  'canceled',
  'skipped',
);

const runShape: fc.Arbitrary<RunShape> = fc.record(
  {
    step: stepResult,
    where: fc.constantFrom<RunShape['where']>('own', 'own', 'separate'),
    leg: fc.oneof(
      fc.constant(undefined),
      fc.record({ state: fc.constant<'completed'>('completed'), result: stepResult }),
      fc.record({
        state: fc.constantFrom<'inProgress' | 'pending'>('inProgress', 'pending'),
        result: fc.constant(null),
      }),
    ),
    attempt: fc.constantFrom<1 | 2>(1, 1, 2),
    log: fc.constantFrom<RunShape['log']>('none', 'empty', 'lines', 'lines'),
    tests: fc.constantFrom<RunShape['tests']>('none', 'none', 'failing', 'flakyOnly', 'rerunPassed'),
  },
  { requiredKeys: ['step', 'where', 'attempt', 'log', 'tests'] },
);

const releaseShape: fc.Arbitrary<ReleaseShape> = fc.record({
  outcome: fc.constantFrom<ReleaseShape['outcome']>('failed', 'succeeded'),
});

const fault: fc.Arbitrary<Fault> = fc.record({
  call: fc.constantFrom(...(Object.keys(CALLS) as (keyof typeof CALLS)[])),
  kind: fc.constantFrom<Fault['kind']>(
    '500',
    '503',
    '429',
    'reset',
    '500 after',
    'reset after',
    'cut body',
    'slow',
    'slow after',
  ),
  times: fc.constantFrom(1, 1, 2, 3),
});

const boolean = fc.constantFrom('true', 'false');

/** The inputs of one pipeline's task step: the same for every run of a sequence. */
const inputs: fc.Arbitrary<Partial<Record<InputName, string>>> = fc.record(
  {
    createOn: fc.constantFrom('failure', 'failure', 'failureOrIssues', 'success', 'always'),
    onRecurrence: fc.constantFrom('comment', 'comment', 'new', 'skip'),
    resolveOnRecovery: boolean,
    fingerprint: fc.constantFrom(
      '',
      '{{pipeline}} {{branch}}',
      '{{failedStep}}',
      '{{pipeline}}: {{firstError}}',
      '{{stage}}/{{job}}',
    ),
    trackTests: fc.constantFrom('off', 'perTest'),
    flakyTests: fc.constantFrom('separate', 'ignore', 'include'),
    includeDetails: boolean,
    logLines: fc.constantFrom('0', '1', '30'),
    attachLogs: boolean,
    tags: fc.constantFrom('', 'pipeline-failure', 'ci; {{branch}}'),
    title: fc.constantFrom('', '{{pipeline}} failed: {{failedStep}}', 'Broken {{branch}} ({{status}})'),
    description: fc.constantFrom('', 'Run {{runName}} by {{requestedFor}}: {{firstError}}'),
    fields: fc.constantFrom(
      '',
      'Microsoft.VSTS.Common.Priority=1',
      'Microsoft.VSTS.Common.ValueArea=Business',
    ),
    dryRun: fc.constantFrom('false', 'false', 'false', 'true'),
    failTaskOnError: boolean,
  },
  { requiredKeys: [] },
);

const step = (pipeline: Pipeline): fc.Arbitrary<Step> =>
  fc.record({
    run: pipeline === 'release' ? releaseShape : runShape,
    faults: fc.oneof(
      { weight: 3, arbitrary: fc.constant([]) },
      { weight: 2, arbitrary: fc.array(fault, { minLength: 1, maxLength: 2 }) },
    ),
    wiqlLag: fc.constantFrom<0 | 1 | 2>(0, 0, 1, 2),
    person: fc.constantFrom<Step['person']>(undefined, undefined, undefined, 'Active', 'Resolved'),
  });

const cases: fc.Arbitrary<Case> = fc
  .constantFrom<Pipeline>('yaml', 'yaml', 'classicBuild', 'release')
  .chain((pipeline) =>
    fc.record({
      pipeline: fc.constant(pipeline),
      inputs,
      steps: fc.array(step(pipeline), { minLength: 1, maxLength: 4 }),
    }),
  );

/** A timeline's own job result for `step` (the agent reports the worst of its steps). */
const jobStatus: Record<StepResult, string> = {
  failed: 'Failed',
  succeeded: 'Succeeded',
  succeededWithIssues: 'SucceededWithIssues',
  canceled: 'Canceled',
  skipped: 'Succeeded',
};

function testResults(shape: RunShape): TestResultSeed[] {
  const test = (name: string, extra: Partial<TestResultSeed>): TestResultSeed => ({
    testCaseTitle: name,
    automatedTestName: `WebApp.Tests.Cart.${name}`,
    outcome: 'Failed',
    errorMessage: `${name}: expected 4 but was 3 (key ${SECRET})`,
    ...extra,
  });
  switch (shape.tests) {
    case 'none':
      return [];
    case 'failing':
      return [test('adds_tax', {}), test('lists_items', { outcome: 'Passed' })];
    case 'flakyOnly':
      return [test('checks_out', { customFields: [{ fieldName: 'IsTestResultFlaky', value: true }] })];
    case 'rerunPassed':
      return [test('sends_receipt', { outcome: 'Passed', resultGroupType: 'rerun' })];
  }
}

/** A classic build's implicit stage, phase and job. */
const CLASSIC_NAMES: Readonly<Record<string, string>> = { stage: '__default', phase: 'Phase_1', job: 'Job' };

/** Build `id` of the YAML pipeline WebApp-CI on main, as `shape` says, and the variables of the task's job. */
function yamlRun(
  id: number,
  shape: RunShape,
  classic: boolean,
): { seed: BuildSeed; variables: Record<string, string> } {
  const failed = shape.step === 'failed';
  const base = failed
    ? failedYamlRun(id, [`npm test failed (key ${SECRET})`, 'Bash exited with code 1.'])
    : greenYamlRun(id);
  // A classic build's jobs share its one implicit stage: the task runs in the failing job there.
  const separate = shape.where === 'separate' && !classic;
  const done = { state: 'completed' as const, result: shape.step === 'skipped' ? 'succeeded' : shape.step };
  const records = (base.records ?? []).flatMap((record): TimelineRecordSeed[] => {
    if (record.id === 'test') {
      const logId = shape.log === 'none' ? {} : { logId: 4 };
      const issues =
        shape.step === 'succeededWithIssues'
          ? [{ type: 'warning' as const, message: `npm WARN flaky cache (key ${SECRET})` }]
          : (record.issues ?? []);
      const { id, parentId, type, name, order } = record;
      const step = { id, parentId, type, name, order, result: shape.step, state: 'completed' as const };
      return [{ ...step, ...logId, issues, attempt: shape.attempt }];
    }
    if (record.id === 'job') return [{ ...record, attempt: shape.attempt, ...(separate ? done : {}) }];
    if (separate && (record.id === 'stage' || record.id === 'phase')) return [{ ...record, ...done }];
    if (separate && record.id === 'file') return [];
    return [record];
  });
  const leg: TimelineRecordSeed[] = shape.leg
    ? [
        { id: 'windows', parentId: 'phase', type: 'Job', name: 'Windows', order: 2, ...shape.leg },
        ...(shape.leg.result === 'failed'
          ? [
              {
                id: 'windows-test',
                parentId: 'windows',
                type: 'Task' as const,
                name: 'npm test (Windows)',
                order: 1,
                state: 'completed' as const,
                result: 'failed' as const,
                issues: [{ type: 'error' as const, message: 'Windows leg failed' }],
              },
            ]
          : []),
      ]
    : [];
  const report: readonly TimelineRecordSeed[] = separate ? REPORT_STAGE : [];
  const logs: Record<string, string[]> =
    shape.log === 'none'
      ? {}
      : { '4': shape.log === 'empty' ? [] : ['> webapp@1.0.0 test', `token=${SECRET}`, '1 failing'] };
  const seed: BuildSeed = {
    ...base,
    ...(classic
      ? { buildNumber: `WebApp-Classic_${id}`, definition: { id: 13, name: 'WebApp-Classic' } }
      : {}),
    records: [...records, ...leg, ...report].map((record) => ({
      ...record,
      name: (classic ? CLASSIC_NAMES[record.id ?? ''] : undefined) ?? record.name,
    })),
    logs,
    testResults: testResults(shape),
  };
  const status = separate ? 'Succeeded' : jobStatus[shape.step];
  const variables = buildVariables(id, {
    'Agent.JobStatus': status,
    ...(shape.attempt === 2
      ? { 'System.JobAttempt': '2', 'System.PhaseAttempt': '2', 'System.StageAttempt': '2' }
      : {}),
    ...(separate
      ? {
          'System.JobId': recordId(id, 'report-job'),
          'System.StageName': 'Report',
          'System.StageDisplayName': 'Report',
          'System.JobDisplayName': 'File bug',
        }
      : {}),
    ...(classic
      ? {
          'Build.DefinitionName': 'WebApp-Classic',
          'System.DefinitionId': '13',
          'Build.BuildNumber': `WebApp-Classic_${id}`,
          'Build.Reason': 'Manual',
          'System.StageName': '__default',
          'System.StageDisplayName': '__default',
          'System.JobName': 'Job',
          'System.JobDisplayName': 'Job',
        }
      : {}),
  });
  return { seed, variables };
}

/** Release `id` of WebApp-CD, its Production deployment as `shape` says; the task runs in its Report job. */
function releaseRun(
  id: number,
  shape: ReleaseShape,
  webUrl: (id: number) => string,
): { seed: ReleaseSeed; variables: Record<string, string> } {
  const base = classicRelease(id, shape.outcome);
  const environments = (base.environments ?? []).map((environment) =>
    withTasks(environment, (task) =>
      task.status === 'failed'
        ? {
            ...task,
            issues: [{ issueType: 'Error' as const, message: `Slot not found (key ${SECRET})` }],
            logLines: ['Deploying', `password=${SECRET}`, 'Slot not found'],
          }
        : task,
    ),
  );
  return {
    seed: { ...base, environments },
    variables: releaseVariables(id, 'Succeeded', webUrl(id)),
  };
}

/** What the task did in one run, as the agent would see it. */
interface Outcome {
  readonly result: TaskResult;
  readonly message: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly printed: string;
}

/**
 * The host an agent gives the task, in this process: inputs, variables and the job token from the job, the
 * emulator's Boards and records through the task's own REST clients: one retry policy for the run, with the
 * default budget (a shorter one ends the looks for a create whose answer was lost before they can end) and a
 * short request timeout, which the slow faults pass.
 */
function inProcessHost(
  collectionUrl: string,
  inputs: Partial<Record<InputName, string>>,
  variables: Record<string, string>,
): { host: TaskHost; outcome: () => Outcome } {
  const { host: recorded, logged: printed, outputs } = recordingHost();
  let ended: { result: TaskResult; message: string } | undefined;
  const tokens: string[] = [];
  const secrets = (): string[] => [...tokens, SECRET];
  let transport: Transport | undefined;
  const connect = (): Transport =>
    (transport ??= {
      network: {},
      policy: new RetryPolicy(
        { requestTimeoutMs: REQUEST_TIMEOUT_MS, budgetMs: DEFAULT_LIMITS.budgetMs },
        undefined,
        (m) => printed.push(m),
      ),
      secrets,
      secret: (value) => void tokens.push(value),
    });
  const all: Record<string, string> = {
    ...variables,
    'System.TeamFoundationCollectionUri': collectionUrl,
    'Agent.TempDirectory': '/nonexistent',
  };
  const host: TaskHost = {
    ...recorded,
    input: (name) => inputs[name] ?? '',
    variable: (name) => all[name],
    secrets,
    jobCredentials: (): TokenCredentials => {
      tokens.push(JOB_TOKEN);
      return { url: collectionUrl, scheme: 'bearer', token: JOB_TOKEN };
    },
    connectionCredentials: (connection) => {
      throw new SettingsError([`no service connection ${connection} in this test`]);
    },
    federatedCredentials: (connection) => {
      throw new SettingsError([`no federated connection ${connection.connection} in this test`]);
    },
    connectBoards: (credentials) => connectBoards(credentials, connect()),
    connectPipelines: (credentials) => connectPipelines(credentials, connect()),
    setResult: (result, message) => {
      assert.equal(ended, undefined, 'the task set its result twice');
      ended = { result, message };
    },
  };
  return {
    host,
    outcome: () => {
      assert.ok(ended, 'the task never set its result');
      // Debug lines (a failure's stack among them) show only in a run with system.debug set.
      const shown = printed.filter((entry) => !entry.startsWith('debug: '));
      return { ...ended, outputs, printed: shown.join('\n') };
    },
  };
}

/** The store as a run leaves it: each item's revision, state, tags and comment count. */
interface ItemState {
  readonly rev: number;
  readonly state: string;
  readonly tags: readonly string[];
  readonly comments: number;
}

async function snapshot(emulator: Emulator): Promise<Map<number, ItemState>> {
  const items = await emulator.workItems();
  const states = await Promise.all(
    items.map(async (item): Promise<[number, ItemState]> => [
      item.id,
      {
        rev: item.rev,
        state: String(item.fields['System.State']),
        tags: tagsOf(item),
        comments: (await emulator.comments(item.id)).length,
      },
    ]),
  );
  return new Map(states);
}

function tagsOf(item: WorkItemJson): string[] {
  return String(item.fields['System.Tags'] ?? '')
    .split(';')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
}

/** An item of the run itself (a failure's or a success's), not a failing test's nor the flaky tests' item. */
const runItem = (item: ItemState): boolean => !item.tags.some((tag) => /^pwi:(test|tests|flaky)-/i.test(tag));

/** The tags that name one series of items: a fingerprint, a test's, the flaky tests', a success's. */
const seriesTags = (item: ItemState): string[] =>
  item.tags.filter((tag) => /^pwi:/i.test(tag) && !/^pwi:(scope|tests)-/i.test(tag));

const open = (item: ItemState): boolean => OPEN_STATES.includes(item.state);

const isSuccess = (item: ItemState): boolean => item.tags.some((tag) => /^pwi:success-/i.test(tag));

const STACK_LINE = /^\s*at .+(:\d+:\d+\)?|\(native\))$/m;

/**
 * The promises of one run:
 * - the task ends with a result, never with the UnexpectedError message or a stack trace in it;
 * - WorkItemAction is one of the four, and WorkItemId names an item in Boards when set: `created` a new item
 *   (one new item of the run), `commented` an existing one that got a comment, `resolved` one no longer open,
 *   `none` no write to the run's items;
 * - a dry run writes nothing;
 * - the secret variable's value is in no output, log line, field, comment or attachment;
 * - an input error fails the task, names the input and writes nothing.
 */
async function checkRun(
  emulator: Emulator,
  ctx: { inputs: Case['inputs']; badInput?: InputName },
  before: Map<number, ItemState>,
  done: Outcome,
  requests: readonly RecordedRequest[],
): Promise<Map<number, ItemState>> {
  const after = await snapshot(emulator);
  const said = `${done.result}: ${done.message}\n${done.printed}`;
  assert.doesNotMatch(done.message, /Unexpected error/, said);
  assert.doesNotMatch(done.message, STACK_LINE, said);
  assert.doesNotMatch(done.printed, STACK_LINE, said);
  const action = done.outputs['WorkItemAction'];
  assert.ok(['created', 'commented', 'resolved', 'none'].includes(action ?? ''), `action ${action}\n${said}`);
  const id = Number(done.outputs['WorkItemId'] || NaN);
  const writes = requests.filter((r) => isWrite(r) && r.query['validateOnly'] !== 'true');
  if (done.outputs['WorkItemId']) assert.ok(after.has(id), `WorkItemId ${id} is not in Boards\n${said}`);
  const newRunItems = [...after].filter(([i, item]) => !before.has(i) && runItem(item)).map(([i]) => i);
  const changedRunItems = [...after]
    .filter(([i, item]) => {
      const was = before.get(i);
      // The outputs name the item of the run's own series: a success's (createOn always) leaves out the
      // failures' items its recovery resolved, which the summary lists.
      const recoveredBeside =
        ctx.inputs.createOn === 'always' && open(was ?? item) && !open(item) && !isSuccess(item);
      const changed = was !== undefined && (was.rev !== item.rev || was.comments !== item.comments);
      return changed && runItem(item) && !recoveredBeside;
    })
    .map(([i]) => i);
  for (const [i, item] of after) {
    // One note per item and run; a copy the run filed and closed as a duplicate has its filing note too.
    const added = item.comments - (before.get(i)?.comments ?? 0);
    const copy = !before.has(i) && !open(item);
    assert.ok(added <= (copy ? 2 : 1), `${added} comments on ${i} in one run\n${said}`);
  }
  switch (action) {
    case 'created':
      assert.ok(!before.has(id), `created ${id}, which was there before\n${said}`);
      assert.equal(
        newRunItems.filter((i) => after.get(i)?.state !== 'Closed').length,
        1,
        `created: new items ${newRunItems}\n${said}`,
      );
      break;
    case 'commented':
      assert.ok(before.has(id), `commented on ${id}, which was not there before\n${said}`);
      assert.ok(
        (after.get(id)?.comments ?? 0) > (before.get(id)?.comments ?? 0),
        `no comment on ${id}\n${said}`,
      );
      break;
    case 'resolved':
      assert.ok(before.has(id) && !open(after.get(id)!), `resolved ${id}, still open or new\n${said}`);
      break;
    default:
      assert.deepEqual(
        [newRunItems, changedRunItems],
        [[], []],
        `action none, yet the run's items changed\n${said}`,
      );
  }
  if (ctx.inputs.dryRun === 'true' || ctx.badInput !== undefined) {
    assert.deepEqual(
      writes.map((r) => `${r.method} ${r.path}`),
      [],
      `a dry run or an input error wrote\n${said}`,
    );
  }
  if (ctx.badInput !== undefined) {
    assert.equal(done.result, 'Failed', said);
    assert.match(done.message, new RegExp(`'${ctx.badInput}'`), said);
  }
  const items = await emulator.workItems();
  const comments = await Promise.all(items.map((item) => emulator.comments(item.id)));
  const attachments = await Promise.all((await emulator.attachments()).map((a) => emulator.attachment(a.id)));
  const places: [string, string][] = [
    ['the result', done.message],
    ['the outputs', JSON.stringify(done.outputs)],
    ['the log and summary', done.printed],
    ['the organization', JSON.stringify({ items, comments })],
    ...attachments.map((bytes, i): [string, string] => [
      `attachment ${i + 1}`,
      bytes?.toString('utf8') ?? '',
    ]),
  ];
  for (const [where, text] of places)
    assert.ok(!holdsSecret(text, SECRET), `the secret is in ${where}\n${said}`);
  return after;
}

/**
 * The promises of a sequence of runs of one pipeline and branch:
 * - at most one open item per series (fingerprint, test, flaky tests, success), unless onRecurrence is `new`;
 * - after a green run that succeeded, with resolveOnRecovery, no failure's item of the pipeline is open.
 */
function checkSequence(store: Map<number, ItemState>, ctx: Case, said: string): void {
  if (ctx.inputs.onRecurrence === 'new') return;
  const openBySeries = new Map<string, number[]>();
  for (const [id, item] of store) {
    if (!open(item)) continue;
    for (const tag of seriesTags(item)) openBySeries.set(tag, [...(openBySeries.get(tag) ?? []), id]);
  }
  for (const [tag, ids] of openBySeries) assert.ok(ids.length <= 1, `open items ${ids} of ${tag}\n${said}`);
}

/**
 * Never a silent green: a run that failed, with createOn asking for its failure, ends with an item created or
 * commented on, or one left as it is (`skip`, which names it), unless the task says it did not finish.
 */
function filedFailure(ctx: Case, s: Step, done: Outcome, said: string): void {
  const { createOn = 'failure', dryRun = 'false', flakyTests = 'separate' } = ctx.inputs;
  const flakyOnly = 'tests' in s.run && s.run.tests === 'flakyOnly' && flakyTests !== 'include';
  if (modelOutcome(s.run) !== 'failed' || createOn === 'success' || dryRun === 'true' || flakyOnly) return;
  if (done.result !== 'Succeeded') return;
  const action = done.outputs['WorkItemAction'];
  const skipped =
    action === 'none' && ctx.inputs.onRecurrence === 'skip' && done.outputs['WorkItemId'] !== '';
  assert.ok(
    action === 'created' || action === 'commented' || skipped,
    `a failed run ended green with ${action}\n${said}`,
  );
}

function recovered(store: Map<number, ItemState>, said: string): void {
  const failures = [...store].filter(([, item]) => open(item) && runItem(item) && !isSuccess(item));
  assert.deepEqual(
    failures.map(([id]) => id),
    [],
    `a green run left failures' items open\n${said}`,
  );
}

/** A person moves the newest open item of the runs to `state` in the web portal (through the REST API). */
async function personMoves(
  emulator: Emulator,
  store: Map<number, ItemState>,
  state: 'Active' | 'Resolved',
): Promise<Map<number, ItemState>> {
  const id = [...store].filter(([, item]) => open(item) && item.state !== state).at(-1)?.[0];
  if (id === undefined) return store;
  const response = await fetch(
    `${emulator.collectionUrl}${PROJECT}/_apis/wit/workitems/${id}?api-version=7.1`,
    {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json-patch+json', Authorization: `Bearer ${JOB_TOKEN}` },
      body: JSON.stringify([{ op: 'add', path: '/fields/System.State', value: state }]),
    },
  );
  assert.ok(response.ok, `a person could not move ${id} to ${state}: ${await response.text()}`);
  return snapshot(emulator);
}

/** Inputs a pipeline author gets wrong, and the input the error must name. */
const BAD_INPUTS: readonly [InputName, string][] = [
  ['logLines', 'many'],
  ['createOn', 'sometimes'],
  ['title', 'Broken {{oops}}'],
  ['fields', 'Custom.Team Web'],
  ['onRecurrence', 'reopen'],
];

/** The run's outcome as its records say (undefined: another job still runs), per the model of the shapes. */
function modelOutcome(shape: RunShape | ReleaseShape): StepResult | undefined {
  if ('outcome' in shape) return shape.outcome;
  if (shape.leg && shape.leg.state !== 'completed') return undefined;
  const order: StepResult[] = ['succeeded', 'skipped', 'succeededWithIssues', 'canceled', 'failed'];
  const results = [shape.step, shape.leg?.result ?? 'succeeded'];
  return results.reduce((worst, r) =>
    order.indexOf(r ?? 'succeeded') > order.indexOf(worst) ? (r ?? worst) : worst,
  );
}

/** Whether the run must leave no failure's item open: it recovered, and nothing got in the way. */
function recovers(ctx: Case, s: Step, done: Outcome): boolean {
  const outcome = modelOutcome(s.run);
  const { createOn = 'failure', resolveOnRecovery = 'true', dryRun = 'false' } = ctx.inputs;
  const green = outcome === 'succeeded' || outcome === 'skipped';
  // failureOrIssues and always file a run with issues as a problem; success files every green run apart.
  const filesIt = createOn === 'success' || (createOn !== 'failure' && !green);
  return (
    (green || outcome === 'succeededWithIssues') &&
    !filesIt &&
    resolveOnRecovery === 'true' &&
    dryRun === 'false' &&
    s.faults.length === 0 &&
    done.result === 'Succeeded'
  );
}

describe('the task against the emulator (system properties)', function () {
  this.timeout(0);
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => emulator?.stop());

  const numRuns = Number(process.env['SYSTEM_FUZZ_RUNS'] ?? 25);
  const seedVar = process.env['SYSTEM_FUZZ_SEED'];
  const seed = seedVar === 'random' ? Date.now() : Number(seedVar ?? 20261207);
  const path = process.env['SYSTEM_FUZZ_PATH'];

  async function runCase(ctx: Case, badInput?: [InputName, string]): Promise<void> {
    await emulator.reset();
    await emulator.setTokens([JOB_TOKEN]);
    const inputs = badInput ? { ...ctx.inputs, [badInput[0]]: badInput[1] } : ctx.inputs;
    let webUrl = (id: number): string => `${emulator.url}/release/${id}`;
    if (ctx.pipeline === 'release') await emulator.seedBuild({ ...greenYamlRun(812), project: PROJECT });
    let store = await snapshot(emulator);
    const history: string[] = [];
    for (const [index, s] of ctx.steps.entries()) {
      const id = 900 + index;
      let variables: Record<string, string>;
      if ('outcome' in s.run) {
        const release = releaseRun(id, s.run, webUrl);
        const seeded = await emulator.seedRelease(release.seed);
        webUrl = () => seeded.webUrl;
        variables = { ...release.variables, 'Release.ReleaseWebUrl': seeded.webUrl };
      } else {
        const build = yamlRun(id, s.run, ctx.pipeline === 'classicBuild');
        await emulator.seedBuild(build.seed);
        variables = build.variables;
      }
      if (s.person) store = await personMoves(emulator, store, s.person);
      await emulator.setWiqlQueryLag(s.wiqlLag);
      if (s.faults.length > 0) await emulator.injectFaults(s.faults.map(faultSpec));
      await emulator.clearRequests();
      const { host, outcome } = inProcessHost(emulator.collectionUrl, inputs, variables);
      await run(host);
      const done = outcome();
      // Runs of a pipeline are minutes apart: the query index has caught up by the next one.
      await emulator.clearFaults();
      await emulator.setWiqlQueryLag(0);
      history.push(
        `run ${index + 1}: ${JSON.stringify(s)} → ${done.result} ${JSON.stringify(done.outputs)} ${done.message}`,
      );
      const said = history.join('\n');
      const requests = await emulator.requests();
      store = await checkRun(
        emulator,
        { inputs, ...(badInput ? { badInput: badInput[0] } : {}) },
        store,
        done,
        requests,
      ).catch((error: Error) => {
        error.message += `\n${said}`;
        throw error;
      });
      checkSequence(store, ctx, said);
      if (recovers(ctx, s, done)) recovered(store, said);
      filedFailure(ctx, s, done, said);
    }
  }

  it('keeps its promises through generated runs, inputs and faults', async () => {
    await fc.assert(
      fc.asyncProperty(cases, (ctx) => runCase(ctx)),
      { numRuns, seed, ...(path ? { path } : {}) },
    );
  });

  it('writes nothing and names the input when an input is wrong', async () => {
    await fc.assert(
      fc.asyncProperty(cases, fc.constantFrom(...BAD_INPUTS), (ctx, bad) =>
        runCase({ ...ctx, steps: ctx.steps.slice(0, 1) }, bad),
      ),
      { numRuns: Math.max(5, Math.round(numRuns / 5)), seed },
    );
  });
});
