// Runs the builds against the emulator and records what each run cost: wall time, peak RSS, requests.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { agentEnvironment, type AgentJob } from '../e2e/agent';
import { JOB_TOKEN } from '../e2e/pipelines';
import type { Emulator, HostRole, RecordedRequest } from '../emulator/harness';
import type { BuildName, TaskBuild } from './builds';
import { runAgentTask, runNode, taskSaid, type NodeRun, type TimedTaskRun } from './processes';
import { COLD_START, seedFailedRun, type Job, type Scenario } from './scenarios';
import { mean } from './stats';

/** The attachments run: what it uploaded and its peak memory. */
export interface AttachmentsRun {
  readonly files: number;
  readonly fileBytes: number;
  readonly uploads: number;
  readonly uploadedBytes: number;
  readonly maxRssBytes: number;
  readonly wallMs: number;
}

const MB = 1024 * 1024;

/**
 * A new failure attaching six 100 MB files (sparse: cheap on disk) on an Azure DevOps Server whose collection
 * takes attachments up to 2 GB: each file is streamed from disk, so peak memory must not follow their size. The
 * item takes the first two (250 MB per item); the run's peak RSS is the figure.
 */
export async function measureAttachments(emulator: Emulator, target: string): Promise<AttachmentsRun> {
  const files = 6;
  await emulator.reset();
  await emulator.setTokens([JOB_TOKEN]);
  await emulator.setServerAttachmentLimit(2048 * MB);
  const { variables } = await seedFailedRun(emulator);
  const run = await runAgentTask(
    target,
    {
      collectionUrl: emulator.collectionUrl,
      jobToken: JOB_TOKEN,
      variables,
      inputs: { attachments: 'dumps/*.bin' },
      workspace: ({ sources }) => {
        fs.mkdirSync(path.join(sources, 'dumps'));
        for (let i = 1; i <= files; i++) {
          const file = path.join(sources, 'dumps', `dump-${i}.bin`);
          fs.closeSync(fs.openSync(file, 'w'));
          fs.truncateSync(file, 100 * MB);
        }
      },
    },
    { measureRss: true },
  );
  check(run, 'created', 'attachments (bundle)');
  const stored = await emulator.attachments();
  return {
    files,
    fileBytes: files * 100 * MB,
    uploads: stored.length,
    uploadedBytes: stored.reduce((sum, a) => sum + a.size, 0),
    maxRssBytes: run.maxRssBytes,
    wallMs: run.wallMs,
  };
}

/** One measured run of a scenario. */
export interface ScenarioRun {
  readonly build: BuildName;
  readonly latencyMs: number;
  readonly wallMs: number;
  readonly maxRssBytes: number;
  readonly cpuMs: number;
  /** The bundle's embedded chunks the run compiled. */
  readonly chunks: readonly string[];
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
 * A fresh organization on the Services topology (where a read that went to another host, Release or test
 * results, would show as one) with the scenario's setup done at zero latency with `setupTarget`, and an empty
 * request log; the job to run.
 */
export async function preparedScenario(
  emulator: Emulator,
  setupTarget: string,
  scenario: Scenario,
): Promise<AgentJob> {
  const agentJob = (job: Job): AgentJob => ({
    collectionUrl: emulator.collectionUrl,
    jobToken: JOB_TOKEN,
    ...job,
  });
  await emulator.reset();
  await emulator.setTokens([JOB_TOKEN]);
  await emulator.setTopology('services');
  const job = await scenario.prepare({
    emulator,
    runTask: async (setupJob) => (await runAgentTask(setupTarget, agentJob(setupJob))).action,
  });
  await emulator.clearRequests();
  return agentJob(job);
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
  const job = await preparedScenario(emulator, setupTarget, scenario);
  await emulator.setLatency(latencyMs);
  let run: TimedTaskRun;
  try {
    run = await runAgentTask(build.target, job, { measureRss: true });
  } finally {
    await emulator.setLatency(0);
  }
  check(run, scenario.action, `${scenario.title} (${build.name}, ${latencyMs} ms)`);
  const requests = await emulator.requests();
  const { wallMs, maxRssBytes, cpuMs, chunks } = run;
  return { build: build.name, latencyMs, wallMs, maxRssBytes, cpuMs, chunks, requests };
}

/** A request of a task run as the I/O floor (ioFloor.ts) sends it again, with the status the task got. */
export interface Replayed {
  readonly method: string;
  readonly url: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly status: number;
}

/**
 * The requests of a run in its round trips, each with the URL of the host it reached: a request joins the round
 * after the last one whose answer it followed (one that started after a request ended may have waited for it).
 * Made from a run at the injected latency, where a round trip is a clear step in time.
 */
export function replayRounds(
  requests: readonly RecordedRequest[],
  hosts: Readonly<Record<HostRole, string>>,
): Replayed[][] {
  const sorted = [...requests].sort((a, b) => a.startMs - b.startMs);
  const rounds: Replayed[][] = [];
  const roundOf = new Map<RecordedRequest, number>();
  for (const request of sorted) {
    const before = sorted.filter((other) => other.endMs !== null && other.endMs <= request.startMs);
    const round = Math.max(-1, ...before.map((other) => roundOf.get(other) ?? -1)) + 1;
    roundOf.set(request, round);
    const query = new URLSearchParams(request.query).toString();
    const url = new URL(`${encodeURI(request.path)}${query ? `?${query}` : ''}`, hosts[request.host]).href;
    const body =
      request.body === null
        ? undefined
        : typeof request.body === 'string'
          ? request.body
          : JSON.stringify(request.body);
    (rounds[round] ??= []).push({
      method: request.method,
      url,
      ...(body === undefined ? {} : { body }),
      ...(request.contentType ? { contentType: request.contentType } : {}),
      status: request.status ?? 0,
    });
  }
  return rounds;
}

/**
 * One run of a scenario's I/O floor (`ioFloor`, the bundled ioFloor.ts) at zero latency: the scenario's setup,
 * then `rounds` sent as the task sent them. Fails when the replay did not get the task's answers or sent other
 * requests.
 */
export async function measureIoFloor(
  emulator: Emulator,
  setupTarget: string,
  ioFloor: string,
  scenario: Scenario,
  rounds: readonly (readonly Replayed[])[],
): Promise<FloorRun> {
  const job = await preparedScenario(emulator, setupTarget, scenario);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-bench-replay-')), 'rounds.json');
  try {
    fs.writeFileSync(file, JSON.stringify(rounds));
    const variables = { ...job.variables, PWI_BENCH_REPLAY: file };
    const run = await runAgentTask(ioFloor, { ...job, variables }, { measureRss: true });
    const sent = (await emulator.requests()).length;
    const expected = rounds.flat().length;
    if (run.exitCode !== 0 || run.result !== 'Succeeded' || sent !== expected) {
      throw new Error(
        `${scenario.title} (I/O floor): ${sent} of ${expected} requests, result ${run.result ?? 'none'} ` +
          `(exit ${run.exitCode}):\n${run.stdout.slice(-4000)}${run.stderr}`,
      );
    }
    return { wallMs: run.wallMs, cpuMs: run.cpuMs };
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

/** What the cold start runs in turn. */
export type ColdStartRun = BuildName | 'node' | 'floor' | 'trimmed';

/** One figure of a run. */
type Figure = (run: NodeRun) => number;

/**
 * The cold start's runs in turn, by what ran, one figure a round: the floor's is the mean of its two runs in the
 * round.
 */
export interface ColdStartSamples {
  readonly wall: Record<ColdStartRun, number[]>;
  /** Peak RSS, measured in separate rounds with the preload that records it. */
  readonly rss: Record<ColdStartRun, number[]>;
  /** CPU time (user and system) of the same runs as `rss`. */
  readonly cpu: Record<ColdStartRun, number[]>;
}

/**
 * `use` with the cold-start run's environment (the agent's, for a pull-request run) and a fresh temporary
 * working directory, removed afterwards.
 */
async function inColdStart<T>(
  emulator: Emulator,
  use: (env: Record<string, string>, cwd: string) => Promise<T>,
): Promise<T> {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-bench-cold-'));
  try {
    const job = { collectionUrl: emulator.collectionUrl, jobToken: JOB_TOKEN, ...COLD_START.job };
    return await use(agentEnvironment(job, temp), temp);
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

/** The cold-start run of `target` with NODE_V8_COVERAGE set to the folder it is given (trimmed.ts). */
export function coldStartCoverage(emulator: Emulator, target: string): (coverage: string) => Promise<void> {
  return (coverage) =>
    inColdStart(emulator, async (env, cwd) => {
      const run = await runNode([target], { env: { ...env, NODE_V8_COVERAGE: coverage }, cwd });
      check({ ...run, ...taskSaid(run.stdout) }, COLD_START.action, 'cold start (coverage run)');
    });
}

/** Fails the benchmark when the floor did not end the normal way. */
function checkFloor(run: NodeRun): void {
  if (run.exitCode === 0 && taskSaid(run.stdout).result === 'Succeeded') return;
  throw new Error(
    `the floor did not succeed (exit ${run.exitCode}):\n${run.stdout.slice(-4000)}${run.stderr}`,
  );
}

/** A run of the floor: wall time and CPU time in ms. */
export interface FloorRun {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/**
 * One run of the floor (`node <floor>`) with the cold-start run's environment and, like the scenario runs, the
 * preload that records its CPU time.
 */
export function runFloor(emulator: Emulator, floor: string): Promise<FloorRun> {
  return inColdStart(emulator, async (env, cwd) => {
    const run = await runNode([floor], { env, cwd, measureRss: true });
    checkFloor(run);
    return { wallMs: run.wallMs, cpuMs: run.cpuMs };
  });
}

/**
 * Runs `node -e 0`, the floor, each build's cold-start run, `trimmed` (the bundle with only the code such a
 * run called) and the floor again in turn (A F B C D F A F B C D F …; a round's floor is the mean of its two
 * runs, which halves the variance the floor's spread adds to the ratios), `warmup` rounds
 * uncounted, then `rounds` counted, so that a machine getting slower or faster affects all of them alike; then
 * `rssRuns` rounds of each with the preload that records peak RSS and CPU time (kept out of the timed runs).
 * Fails when the cold-start run sent a request.
 */
export async function measureColdStart(
  emulator: Emulator,
  builds: readonly TaskBuild[],
  floor: string,
  trimmed: string,
  options: { rounds: number; warmup: number; rssRuns: number },
): Promise<ColdStartSamples> {
  const commands: { name: ColdStartRun; args: string[] }[] = [
    { name: 'node', args: ['-e', '0'] },
    { name: 'floor', args: [floor] },
    ...builds.map((build) => ({ name: build.name, args: [build.target] })),
    { name: 'trimmed', args: [trimmed] },
    { name: 'floor', args: [floor] },
  ];
  const byRun = (): Record<ColdStartRun, number[]> => ({
    node: [],
    floor: [],
    bundle: [],
    unbundled: [],
    trimmed: [],
  });
  const samples: ColdStartSamples = { wall: byRun(), rss: byRun(), cpu: byRun() };
  // Adds to `into`, for each command, the mean of `figure` over its runs of one round.
  const keep = (into: Record<ColdStartRun, number[]>, ran: Map<ColdStartRun, NodeRun[]>, figure: Figure) => {
    for (const [name, runs] of ran) into[name].push(mean(runs.map(figure)));
  };
  await emulator.reset();
  await inColdStart(emulator, async (env, cwd) => {
    // Every command once, in turn.
    const round = async (measureRss: boolean): Promise<Map<ColdStartRun, NodeRun[]>> => {
      const ran = new Map<ColdStartRun, NodeRun[]>();
      for (const command of commands) {
        const run = await runNode(command.args, { env, cwd, measureRss });
        if (command.name === 'floor') checkFloor(run);
        else if (command.name !== 'node')
          check({ ...run, ...taskSaid(run.stdout) }, COLD_START.action, 'cold start');
        ran.set(command.name, [...(ran.get(command.name) ?? []), run]);
      }
      return ran;
    };
    for (let i = 0; i < options.warmup; i++) await round(false);
    for (let i = 0; i < options.rounds; i++) keep(samples.wall, await round(false), (run) => run.wallMs);
    for (let i = 0; i < options.rssRuns; i++) {
      const ran = await round(true);
      keep(samples.rss, ran, (run) => run.maxRssBytes);
      keep(samples.cpu, ran, (run) => run.cpuMs);
    }
  });
  const requests = await emulator.requests();
  if (requests.length > 0) {
    throw new Error(`the cold-start run sent ${requests.length} request(s): ${requests[0]?.path}`);
  }
  return samples;
}
