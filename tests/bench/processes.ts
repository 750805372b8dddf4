// Runs node processes for the benchmark and times them from the outside: spawn to exit, output read.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AgentJob, agentEnvironment, buildDirectories, parseCommands } from '../e2e/agent';

/** Compiled beside this file; see rssPreload.ts. */
const RSS_PRELOAD = path.join(__dirname, 'rssPreload.js');
const TIMEOUT_MS = 60_000;

export interface NodeRun {
  readonly exitCode: number;
  /** From spawning the process to its exit with all its output read, in ms. */
  readonly wallMs: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak resident set size in bytes; NaN when not measured. */
  readonly maxRssBytes: number;
  /** CPU time (user and system) in ms; NaN when not measured. */
  readonly cpuMs: number;
  /** The embedded chunks of the bundle the process compiled, in order; empty when not measured. */
  readonly chunks: readonly string[];
  /** The Node.js built-in modules the process loaded (`http`, `internal/…`); empty when not measured. */
  readonly builtins: readonly string[];
}

export interface NodeOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /**
   * Preload rssPreload.js to record the peak RSS, the CPU time, the chunks compiled and the built-in modules
   * loaded (adds one small require to the start).
   */
  readonly measureRss?: boolean;
}

/** Runs `node <args>` with this Node.js, no shell, and measures its wall time. */
export function runNode(args: readonly string[], options: NodeOptions): Promise<NodeRun> {
  const rssFile = path.join(options.cwd, `max-rss-${process.pid}.txt`);
  fs.rmSync(rssFile, { force: true });
  const argv = options.measureRss ? ['--require', RSS_PRELOAD, ...args] : [...args];
  const env = options.measureRss ? { ...options.env, PWI_BENCH_RSS_FILE: rssFile } : options.env;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, argv, { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      const wallMs = performance.now() - started;
      clearTimeout(timer);
      const usage = (
        options.measureRss && fs.existsSync(rssFile) ? JSON.parse(fs.readFileSync(rssFile, 'utf8')) : {}
      ) as { maxRssBytes?: number; cpuMs?: number; chunks?: string[]; builtins?: string[] };
      resolve({
        exitCode: code ?? 1,
        wallMs,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        maxRssBytes: usage.maxRssBytes ?? NaN,
        cpuMs: usage.cpuMs ?? NaN,
        chunks: usage.chunks ?? [],
        builtins: usage.builtins ?? [],
      });
    });
  });
}

/** A task run as the agent runs it, timed, with what the task said. */
export interface TimedTaskRun extends NodeRun {
  /** `task.complete` result, undefined if the task never said. */
  readonly result: string | undefined;
  /** The WorkItemAction output; '' if not set. */
  readonly action: string;
}

/**
 * Runs `node <target>` with the environment the agent gives the task (tests/e2e/agent.ts) in a fresh
 * temporary working directory, removed afterwards.
 */
export async function runAgentTask(
  target: string,
  job: AgentJob,
  options: { measureRss?: boolean } = {},
): Promise<TimedTaskRun> {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-bench-'));
  try {
    const { build, sources } = buildDirectories(temp);
    fs.mkdirSync(sources, { recursive: true });
    job.workspace?.({ build, sources, temp });
    const run = await runNode([target], { env: agentEnvironment(job, temp), cwd: temp, ...options });
    return { ...run, ...taskSaid(run.stdout) };
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

/** The result and the WorkItemAction output from a task's logging commands. */
export function taskSaid(stdout: string): { result: string | undefined; action: string } {
  const commands = parseCommands(stdout);
  const result = commands.filter((c) => c.command === 'task.complete').at(-1)?.properties['result'];
  const action = commands.find(
    (c) => c.command === 'task.setvariable' && c.properties['variable'] === 'WorkItemAction',
  )?.message;
  return { result, action: action ?? '' };
}
