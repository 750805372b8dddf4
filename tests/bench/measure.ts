// Runs the builds against the emulator and records what each run cost: wall time, peak RSS, requests.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { agentEnvironment } from '../e2e/agent';
import { JOB_TOKEN } from '../e2e/pipelines';
import type { Emulator, RecordedRequest } from '../emulator/harness';
import type { BuildName, TaskBuild } from './builds';
import { runAgentTask, runNode, taskSaid, type NodeRun, type TimedTaskRun } from './processes';
import { COLD_START, type Job, type Scenario } from './scenarios';

/** One measured run of a scenario. */
export interface ScenarioRun {
  readonly build: BuildName;
  readonly latencyMs: number;
  readonly wallMs: number;
  readonly maxRssBytes: number;
  readonly requests: readonly RecordedRequest[];
}

/** Fails the benchmark when a run did not do what it was set up to do. */
function check(run: NodeRun & { result?: string; action: string }, action: string, what: string): void {
  if (run.exitCode === 0 && run.result === 'Succeeded' && run.action === action) return;
  throw new Error(
    `${what}: expected WorkItemAction '${action}' and result Succeeded, got '${run.action}', ` +
      `${run.result ?? 'no result'} (exit ${run.exitCode}):\n${run.stdout.slice(-4000)}${run.stderr}`,
  );
}

/**
 * Measures one run of `scenario` with `build` at `latencyMs` injected per request: a fresh organization, the
 * scenario's setup (at zero latency, with `setupTarget`), then the measured run alone in the request log.
 */
export async function measureScenario(
  emulator: Emulator,
  setupTarget: string,
  build: TaskBuild,
  scenario: Scenario,
  latencyMs: number,
): Promise<ScenarioRun> {
  const agentJob = (job: Job) => ({ collectionUrl: emulator.collectionUrl, jobToken: JOB_TOKEN, ...job });
  await emulator.reset();
  await emulator.setTokens([JOB_TOKEN]);
  const job = await scenario.prepare({
    emulator,
    runTask: async (setupJob) => (await runAgentTask(setupTarget, agentJob(setupJob))).action,
  });
  await emulator.clearRequests();
  await emulator.setLatency(latencyMs);
  let run: TimedTaskRun;
  try {
    run = await runAgentTask(build.target, agentJob(job), { measureRss: true });
  } finally {
    await emulator.setLatency(0);
  }
  check(run, scenario.action, `${scenario.title} (${build.name}, ${latencyMs} ms)`);
  const requests = await emulator.requests();
  return { build: build.name, latencyMs, wallMs: run.wallMs, maxRssBytes: run.maxRssBytes, requests };
}

/** Wall times of the cold-start run and of `node -e 0`, run in turn. */
export interface ColdStartSamples {
  /** `node -e 0` with the same environment. */
  readonly node: number[];
  readonly builds: Record<BuildName, number[]>;
  /** Peak RSS of the cold-start run (and of `node -e 0`), measured in separate runs. */
  readonly rss: Record<BuildName | 'node', number[]>;
}

/**
 * Runs `node -e 0` and each build's cold-start run in turn (A B C A B C …), `warmup` rounds uncounted, then
 * `rounds` counted, so that a machine getting slower or faster affects all of them alike; then `rssRuns` runs of
 * each with the RSS preload (kept out of the timed runs). Fails when the cold-start run sent a request.
 */
export async function measureColdStart(
  emulator: Emulator,
  builds: readonly TaskBuild[],
  options: { rounds: number; warmup: number; rssRuns: number },
): Promise<ColdStartSamples> {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-bench-cold-'));
  try {
    const env = agentEnvironment(
      { collectionUrl: emulator.collectionUrl, jobToken: JOB_TOKEN, ...COLD_START.job },
      temp,
    );
    const commands: { name: BuildName | 'node'; args: string[] }[] = [
      { name: 'node', args: ['-e', '0'] },
      ...builds.map((build) => ({ name: build.name, args: [build.target] })),
    ];
    const samples: ColdStartSamples = {
      node: [],
      builds: { bundle: [], unbundled: [] },
      rss: { node: [], bundle: [], unbundled: [] },
    };
    await emulator.reset();
    const once = async (command: (typeof commands)[number], measureRss: boolean): Promise<NodeRun> => {
      const run = await runNode(command.args, { env, cwd: temp, measureRss });
      if (command.name !== 'node')
        check({ ...run, ...taskSaid(run.stdout) }, COLD_START.action, 'cold start');
      return run;
    };
    for (let round = 0; round < options.warmup + options.rounds; round++) {
      for (const command of commands) {
        const { wallMs } = await once(command, false);
        if (round < options.warmup) continue;
        if (command.name === 'node') samples.node.push(wallMs);
        else samples.builds[command.name].push(wallMs);
      }
    }
    for (let i = 0; i < options.rssRuns; i++) {
      for (const command of commands) samples.rss[command.name].push((await once(command, true)).maxRssBytes);
    }
    const requests = await emulator.requests();
    if (requests.length > 0) {
      throw new Error(`the cold-start run sent ${requests.length} request(s): ${requests[0]?.path}`);
    }
    return samples;
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}
