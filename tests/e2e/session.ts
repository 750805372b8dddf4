// One emulator and the unpacked VSIX for a describe block of end-to-end tests, reset before each test.
import * as assert from 'node:assert/strict';
import { Emulator, startEmulator, WorkItemJson } from '../emulator/harness';
import { unpackVsix } from '../helpers/vsix';
import { AgentJob, runTask, TaskRun } from './agent';
import { JOB_TOKEN } from './pipelines';

export interface Session {
  emulator(): Emulator;
  /** Runs the packaged task with the job token; asserts it exited, printed no token, and made only REST calls. */
  runJob(job: Omit<AgentJob, 'collectionUrl' | 'jobToken'>): Promise<TaskRun>;
  /** The one work item filed. */
  onlyItem(run: TaskRun): Promise<WorkItemJson>;
}

/** Registers the mocha hooks of a session; call inside `describe`. */
export function emulatorSession(): Session {
  let emulator: Emulator | undefined;
  let target = '';
  before(async () => {
    [emulator, { target }] = await Promise.all([startEmulator(), unpackVsix()]);
  });
  after(async () => emulator?.stop());
  beforeEach(async () => {
    await current().reset();
    await current().setTokens([JOB_TOKEN]);
  });
  const current = (): Emulator => {
    if (!emulator) throw new Error('the emulator did not start');
    return emulator;
  };
  return {
    emulator: current,
    async runJob(job) {
      const run = await runTask(target, {
        collectionUrl: current().collectionUrl,
        jobToken: JOB_TOKEN,
        ...job,
      });
      const output = run.stdout + run.stderr;
      assert.ok(!output.includes(JOB_TOKEN), `the token was printed:\n${output}`);
      assert.equal(run.exitCode, 0, output);
      const outside = (await current().requests()).filter((r) => r.kind !== 'rest' && r.kind !== 'discovery');
      assert.deepEqual(outside, [], 'every request must be a REST call of the specs or location discovery');
      return run;
    },
    async onlyItem(run) {
      const items = await current().workItems();
      assert.equal(
        items.length,
        1,
        `expected one work item, found ${items.length}; the task said:\n${run.stdout}`,
      );
      return items[0]!;
    },
  };
}
