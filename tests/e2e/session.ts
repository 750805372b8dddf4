import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Emulator, RecordedRequest, startEmulator, WorkItemJson } from '../emulator/harness';
import { repoRoot } from '../helpers/repo';
import { unpackVsix } from '../helpers/vsix';
import { AgentJob, runTask, TaskRun } from './agent';
import { holdsSecret, SHORTEST_MASKED } from '../helpers/secretSearch';
import { buildVariables, failedYamlRun, greenYamlRun, JOB_TOKEN, PAT } from './pipelines';

/** A job as a test gives it: the collection URL and the job token are the session's. */
export type Job = Omit<AgentJob, 'collectionUrl' | 'jobToken'>;

/** A run of `Session.runBuild`: its project (WebApp unless given), variables over the build's, and inputs. */
export interface BuildRun {
  readonly project?: string;
  readonly variables?: Record<string, string>;
  readonly inputs?: Job['inputs'];
}

/** Which build of the task runs: the packaged bundle, or the tsc output with node_modules (no bundling). */
export type Entry = 'bundle' | 'unbundled';

/** The emulator and the packaged task of one e2e suite, with the checks every run must pass. */
export interface Session {
  readonly emulator: Emulator;
  /**
   * Runs the packaged task as the agent runs it (which checks the commands the agent would see); asserts it
   * printed no token, exited cleanly, called only the REST API, and left no form of a secret anywhere.
   */
  run(job: Job, entry?: Entry): Promise<TaskRun>;
  /**
   * The requests that changed something (reads, WIQL queries included, left out), as `METHOD path`; a create
   * the service only checks (a dry run's) ends in ` (validateOnly)`.
   */
  writes(): Promise<string[]>;
  /** Every work item, asserting how many there are. */
  items(count: number, run?: TaskRun): Promise<WorkItemJson[]>;
  /** Seeds a failed YAML run (`errors`: its failed step's) and runs the task in it with `inputs`. */
  runFailed(id: number, inputs?: Job['inputs'], errors?: readonly string[]): Promise<TaskRun>;
  /** Seeds YAML build `id`, failed or green, and runs the task in it with the job status to match. */
  runBuild(id: number, outcome: 'failed' | 'green', options?: BuildRun): Promise<TaskRun>;
  /** The state of work item `id` ('undefined' when there is no such item). */
  state(id: number | string | undefined): Promise<string>;
  /** The texts of work item `id`'s comments, oldest first. */
  comments(id: number | string): Promise<string[]>;
}

// The tsc output of the task's entry point, run with the repository's node_modules.
const UNBUNDLED = path.join(repoRoot(), 'out', 'tasks', 'PipelineWorkItem', 'src', 'index.js');

/**
 * Starts the emulator and unpacks the VSIX once for the suite (mocha `before`), resets the organization before
 * each test, and stops the emulator after the suite.
 */
export function useSession(): Session {
  let emulator: Emulator | undefined;
  let target = '';
  before(async () => {
    [emulator, { target }] = await Promise.all([startEmulator(), unpackVsix()]);
  });
  after(async () => emulator?.stop());
  beforeEach(async () => {
    await session.emulator.reset();
    await session.emulator.setTokens([
      JOB_TOKEN,
      { token: PAT, scheme: 'Basic', identity: 'sam@fabrikam.example' },
    ]);
  });
  const session: Session = {
    get emulator(): Emulator {
      if (!emulator) throw new Error('the e2e session has not started (use it inside a mocha suite)');
      return emulator;
    },
    async run(job, entry = 'bundle') {
      const run = await runTask(entry === 'bundle' ? target : UNBUNDLED, {
        collectionUrl: session.emulator.collectionUrl,
        jobToken: JOB_TOKEN,
        ...job,
      });
      const output = run.stdout + run.stderr;
      assert.ok(!output.includes(JOB_TOKEN) && !output.includes(PAT), `a token was printed:\n${output}`);
      assert.equal(run.exitCode, 0, output);
      const outside = (await session.emulator.requests()).filter(
        (r) => r.kind !== 'rest' && r.kind !== 'discovery' && r.kind !== 'federation',
      );
      assert.deepEqual(outside, [], 'every request must be a REST call of the specs or location discovery');
      await assertNoSecrets(session.emulator, run, [
        JOB_TOKEN,
        PAT,
        ...Object.values(job.secretVariables ?? {}),
      ]);
      return run;
    },
    async writes() {
      return (await session.emulator.requests())
        .filter(isWrite)
        .map((r) => `${r.method} ${r.path}${r.query['validateOnly'] === 'true' ? ' (validateOnly)' : ''}`);
    },
    async runFailed(id, inputs, errors) {
      await session.emulator.seedBuild(failedYamlRun(id, errors));
      return session.run({ variables: buildVariables(id), ...(inputs ? { inputs } : {}) });
    },
    async runBuild(id, outcome, options = {}) {
      const project = options.project ?? 'WebApp';
      const seed = outcome === 'failed' ? failedYamlRun(id) : greenYamlRun(id);
      await session.emulator.seedBuild({ ...seed, project });
      return session.run({
        variables: buildVariables(id, {
          'System.TeamProject': project,
          'Agent.JobStatus': outcome === 'failed' ? 'Failed' : 'Succeeded',
          ...options.variables,
        }),
        inputs: options.inputs,
      });
    },
    async state(id) {
      return String((await session.emulator.workItem(Number(id)))?.fields['System.State']);
    },
    async comments(id) {
      return (await session.emulator.comments(Number(id))).map((comment) => comment.text);
    },
    async items(count, run) {
      const items = await session.emulator.workItems();
      assert.equal(
        items.length,
        count,
        `expected ${count} work item(s), found ${items.length}; the task said:\n${run?.stdout ?? ''}`,
      );
      return items;
    },
  };
  return session;
}

const WINDOW = 4 * 1024 * 1024;
const OVERLAP = 64 * 1024;
const ZEROS = Buffer.alloc(WINDOW + OVERLAP);

/**
 * A file's bytes read as UTF-8 and as UTF-16 of either byte order, in overlapping windows (a large attachment
 * would not fit in one string); windows of zeros (a sparse file) hold nothing to find.
 */
function* textsOf(bytes: Buffer): Generator<string> {
  for (let at = 0; at < bytes.length; at += WINDOW) {
    const window = bytes.subarray(Math.max(0, at - OVERLAP), at + WINDOW);
    if (window.equals(ZEROS.subarray(0, window.length))) continue;
    const even = window.subarray(0, window.length - (window.length % 2));
    yield window.toString('utf8');
    yield even.toString('utf16le');
    yield Buffer.from(even).swap16().toString('utf16le');
  }
}

/** An item's title. */
export const title = (item: WorkItemJson): string => String(item.fields['System.Title']);

/** The HTML the task wrote into an item's description: the Bug's repro steps. */
export const body = (item: WorkItemJson): string => String(item.fields['Microsoft.VSTS.TCM.ReproSteps']);

/** A read of one build log (its tail): not the list of a build's logs. */
export function isLogRead(request: RecordedRequest): boolean {
  return /\/_apis\/build\/builds\/\d+\/logs\/\d+$/.test(request.path);
}

/** A request that changes something: not a read, not a WIQL query. */
export function isWrite(request: RecordedRequest): boolean {
  return (
    request.method !== 'GET' && request.method !== 'OPTIONS' && !request.path.endsWith('/_apis/wit/wiql')
  );
}

/**
 * Scans everything the task printed and uploaded, and everything the organization now stores (items, comments,
 * attachments), for the tokens and secret values in every form they could take: raw, HTML-, Markdown-, JSON- or
 * URL-escaped.
 */
export async function assertNoSecrets(
  emulator: Emulator,
  run: TaskRun,
  secrets: readonly string[],
): Promise<void> {
  const items = await emulator.workItems();
  const comments = await Promise.all(items.map((item) => emulator.comments(item.id)));
  // Attachments are scanned one by one, as bytes: together they can be larger than a string may be.
  const attachments = await Promise.all(
    (await emulator.attachments()).map(async (a) => (await emulator.attachment(a.id)) ?? Buffer.alloc(0)),
  );
  const stored = JSON.stringify({ items, comments });
  const places: [string, string | Buffer][] = [
    ['the task output', run.stdout + run.stderr],
    ['the run summary', run.summary],
    ['the organization (items, comments)', stored],
    ...attachments.map((bytes, index): [string, Buffer] => [`attachment ${index + 1}`, bytes]),
  ];
  for (const secret of secrets) {
    // Every secret of the e2e runs is long enough to be masked: none may slip past this check.
    assert.ok(
      secret.trim().length >= SHORTEST_MASKED,
      `the test's secret '${secret.slice(0, 2)}…' is too short`,
    );
    for (const [where, content] of places) {
      const texts = typeof content === 'string' ? [content] : [...textsOf(content)];
      assert.ok(
        !texts.some((text) => holdsSecret(text, secret)),
        `a secret ('${secret.slice(0, 3)}…') is in ${where}`,
      );
    }
  }
}
