// The bundle without the code a run never ran: a copy of the task folder whose index.js has the body of every
// function that one run (of a scenario, or the cold start) did not call emptied, found with V8's coverage of
// that run. Run in that run's place, it costs what the run would cost if code it does not use were free to
// load (no parse, no set-up): the bound of loading code lazily. What stays above it is the code that runs and
// the requests. Embedded chunks the run never required go with their stand-in module's body.
import { parse, type Node } from 'acorn';
import { full } from 'acorn-walk';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Emulator } from '../emulator/harness';
import type { TaskBuild } from './builds';
import { preparedScenario } from './measure';
import { runAgentTask } from './processes';
import type { Scenario } from './scenarios';

/** A range of a script's source that V8's block coverage counted (offsets in UTF-16 code units). */
export interface CoveredRange {
  readonly startOffset: number;
  readonly endOffset: number;
  readonly count: number;
}

interface CoverageFile {
  readonly result: readonly {
    readonly url: string;
    readonly functions: readonly { readonly ranges: readonly CoveredRange[] }[];
  }[];
}

/**
 * The functions of `script` that were never called, as ranges, from the NODE_V8_COVERAGE files in `dir`. Only
 * whole functions: V8 counts each call of a function exactly, but the blocks inside one it may report as never
 * run when they ran (an expression after an `await` in one branch of a conditional, for one). Fails when no
 * file covers the script.
 */
export function neverCalled(dir: string, script: string): CoveredRange[] {
  const url = pathToFileURL(script).href;
  const entries = fs
    .readdirSync(dir)
    .flatMap((file) => (JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CoverageFile).result)
    .filter((entry) => entry.url === url);
  if (entries.length === 0) throw new Error(`no coverage of ${script} in ${dir}`);
  // A function's first range is the whole function, counted by its calls.
  return entries
    .flatMap((entry) => entry.functions.flatMap((f) => f.ranges.slice(0, 1)))
    .filter((r) => r.count === 0);
}

/**
 * `code` with the body of each function inside one of the `idle` ranges replaced by an empty one (`{}`, or `0`
 * for an arrow function's expression); a function inside another one emptied goes with it.
 */
export function withoutIdle(code: string, idle: readonly CoveredRange[]): string {
  const inIdle = (node: Node): boolean =>
    idle.some((range) => range.startOffset <= node.start && node.end <= range.endOffset);
  const bodies: Node[] = [];
  full(parse(code, { ecmaVersion: 'latest', allowReturnOutsideFunction: true }), (node) => {
    const body = (node as Node & { body?: Node }).body;
    if (/Function/.test(node.type) && body && inIdle(body)) bodies.push(body);
  });
  bodies.sort((a, b) => a.start - b.start || b.end - a.end);
  let trimmed = '';
  let at = 0;
  for (const body of bodies) {
    if (body.start < at) continue;
    trimmed += code.slice(at, body.start) + (body.type === 'BlockStatement' ? '{}' : '0');
    at = body.end;
  }
  return trimmed + code.slice(at);
}

/**
 * The bundle of `build` trimmed to what one run of it ran, as a task folder in `dir`: `run` runs it once with
 * NODE_V8_COVERAGE set to the folder it is given.
 */
export async function trimmedBundle(
  build: TaskBuild,
  dir: string,
  run: (coverage: string) => Promise<void>,
): Promise<TaskBuild> {
  const coverage = fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-bench-coverage-'));
  try {
    await run(coverage);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.cpSync(build.taskDir, dir, { recursive: true });
    const target = path.join(dir, path.relative(build.taskDir, build.target));
    const code = fs.readFileSync(build.target, 'utf8');
    fs.writeFileSync(target, withoutIdle(code, neverCalled(coverage, build.target)));
    return { name: build.name, target, taskDir: dir };
  } finally {
    fs.rmSync(coverage, { recursive: true, force: true });
  }
}

/** A run of `scenario` with `target` (set up as the bench sets it up, at zero latency) for trimmedBundle. */
export function scenarioCoverage(
  emulator: Emulator,
  target: string,
  scenario: Scenario,
): (coverage: string) => Promise<void> {
  return async (coverage) => {
    const job = await preparedScenario(emulator, target, scenario);
    // The agent gives a task each variable as an environment variable of the same name.
    const run = await runAgentTask(target, {
      ...job,
      variables: { ...job.variables, NODE_V8_COVERAGE: coverage },
    });
    if (run.action !== scenario.action) {
      throw new Error(`${scenario.title} (coverage run): '${run.action}':\n${run.stdout.slice(-4000)}`);
    }
  };
}
