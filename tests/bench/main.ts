// `npm run bench`: what the packaged task weighs and costs, against an unbundled build of the same code.
//
//   npm run bench [-- --requests] [-- --runs N] [-- --rounds N]
//
// Packages first (npm run package), then: sizes of both builds (VSIX, task folder, bytes by package), the cold
// start against the floor (floor.ts, bundled as the task is) and `node -e 0` (run in turn), and each scenario
// against the emulator at 0 ms and at 100 ms injected latency per request (requests, sequential round trips,
// wall time and its ratio to the floor's, the same ratio for its requests alone and for the bundle with only the
// code the run ran, peak RSS). Prints one table, writes it with every request list to build/bench/bench.json,
// and with --requests prints the request lists. Figures are medians of --runs runs (default 5; the cold start:
// --rounds rounds, default 15). A missed target is reported, never an
// exit status: the bench exits non-zero only when something fails (a run that does not do what it is set up to).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startEmulator, type Emulator } from '../emulator/harness';
import { repoRoot } from '../helpers/repo';
import {
  buildFloor,
  bundleBuild,
  packageStaged,
  stageUnbundled,
  type BuildName,
  type TaskBuild,
} from './builds';
import {
  againstFloor,
  coldStartFigures,
  scenarioFigures,
  type ColdStartFigures,
  type ScenarioFigures,
  type ScenarioResult,
} from './figures';
import {
  measureAttachments,
  coldStartCoverage,
  measureColdStart,
  measureIoFloor,
  measureScenario,
  replayRounds,
  runFloor,
  type FloorRun,
  type AttachmentsRun,
  type ScenarioRun,
} from './measure';
import { SCENARIOS } from './scenarios';
import { mean } from './stats';
import { bundleCosts, folderSize, installedCosts, vsixSize } from './sizes';
import { scenarioCoverage, trimmedBundle } from './trimmed';
import {
  coldStartRows,
  formatRequests,
  formatTable,
  packageRows,
  scenarioRows,
  sizeRows,
  type Sizes,
} from './table';

const LATENCY_MS = 100;

interface Options {
  readonly requests: boolean;
  readonly runs: number;
  readonly rounds: number;
}

function parseOptions(argv: readonly string[]): Options {
  const options = { requests: false, runs: 5, rounds: 15 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--requests') options.requests = true;
    else if (arg === '--runs' || arg === '--rounds') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1 || value > 100)
        throw new Error(`${arg} needs a number 1-100`);
      options[arg === '--runs' ? 'runs' : 'rounds'] = value;
    } else throw new Error(`unknown argument: ${arg} (use --requests, --runs N, --rounds N)`);
  }
  return options;
}

const progress = (message: string): void => void process.stderr.write(`bench: ${message}\n`);

/** Both builds and their sizes; the unbundled one is staged and packaged in build/bench/. */
async function prepareBuilds(outDir: string) {
  progress('staging and packaging the unbundled build');
  const bundle = await bundleBuild();
  const stage = path.join(outDir, 'unbundled-extension');
  const unbundled = packageStaged(stageUnbundled(stage), stage, path.join(outDir, 'unbundled.vsix'));
  const sizes: Sizes = {
    vsix: { bundle: await vsixSize(bundle.vsix ?? ''), unbundled: await vsixSize(unbundled.vsix ?? '') },
    taskFolder: { bundle: folderSize(bundle.taskDir), unbundled: folderSize(unbundled.taskDir) },
  };
  return { bundle, unbundled, sizes, costs: bundleCosts(), installed: installedCosts(unbundled.taskDir) };
}

/**
 * Each scenario `runs` times with each build at zero and at the injected latency, its requests alone (the I/O
 * floor), the bundle with only the code one run of it ran (trimmed.ts, made in `trimmedDir`) and the floor
 * twice a round.
 */
async function measureScenarios(
  emulator: Emulator,
  builds: readonly TaskBuild[],
  floors: { floor: string; ioFloor: string; trimmedDir: string },
  runs: number,
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const scenario of SCENARIOS) {
    progress(`${scenario.title}: ${runs} runs of each build at 0 and ${LATENCY_MS} ms latency`);
    const trimmed = await trimmedBundle(
      builds[0],
      path.join(floors.trimmedDir, scenario.id),
      scenarioCoverage(emulator, builds[0].target, scenario),
    );
    const measured: ScenarioRun[] = [];
    const floorRuns: FloorRun[] = [];
    const ioFloorRuns: FloorRun[] = [];
    const trimmedRuns: FloorRun[] = [];
    // Each round: each build at the injected latency, then, in an order drawn anew, each build at zero latency,
    // the bundle's requests alone (as it sent them in this round), the trimmed bundle and the floor twice, so
    // that all a ratio compares ran close in time and none always follows the same run. The setup runs (an
    // open item to find) use the first build, the bundle.
    for (let i = 0; i < runs; i++) {
      for (const build of builds)
        measured.push(await measureScenario(emulator, builds[0].target, build, scenario, LATENCY_MS));
      const sent = measured.filter((run) => run.build === 'bundle' && run.latencyMs === LATENCY_MS).at(-1);
      const rounds = replayRounds(sent?.requests ?? [], emulator.hosts);
      const roundFloor: FloorRun[] = [];
      const zeroLatency: (() => Promise<void>)[] = [
        ...builds.map((build) => async () => {
          measured.push(await measureScenario(emulator, builds[0].target, build, scenario, 0));
        }),
        async () => {
          ioFloorRuns.push(
            await measureIoFloor(emulator, builds[0].target, floors.ioFloor, scenario, rounds),
          );
        },
        async () => {
          trimmedRuns.push(await measureScenario(emulator, builds[0].target, trimmed, scenario, 0));
        },
        // The floor twice: the round's floor is the mean of both, which halves the variance its spread adds.
        ...[0, 1].map(() => async () => {
          roundFloor.push(await runFloor(emulator, floors.floor));
        }),
      ];
      for (const run of shuffled(zeroLatency)) await run();
      floorRuns.push({
        wallMs: mean(roundFloor.map((run) => run.wallMs)),
        cpuMs: mean(roundFloor.map((run) => run.cpuMs)),
      });
    }
    const of = (name: BuildName): ScenarioFigures =>
      scenarioFigures(
        measured.filter((run) => run.build === name),
        LATENCY_MS,
        floorRuns,
      );
    const { id, title, action, targets } = scenario;
    results.push({
      id,
      title,
      action,
      targets,
      builds: { bundle: of('bundle'), unbundled: of('unbundled') },
      ioFloor: againstFloor('the I/O floor', ioFloorRuns, floorRuns),
      trimmed: againstFloor('the trimmed bundle', trimmedRuns, floorRuns),
    });
  }
  return results;
}

/** `items` in a random order (Fisher-Yates). */
function shuffled<T>(items: readonly T[]): T[] {
  const order = [...items];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const started = performance.now();
  const outDir = path.join(repoRoot(), 'build', 'bench');
  fs.mkdirSync(outDir, { recursive: true });
  const { bundle, unbundled, sizes, costs, installed } = await prepareBuilds(outDir);
  const builds = [bundle, unbundled];
  progress('bundling the floor (task-lib loaded, one input read, the result set) and the I/O floor');
  const floor = await buildFloor(path.join(outDir, 'floor'));
  const ioFloor = await buildFloor(path.join(outDir, 'ioFloor'), 'ioFloor.ts');

  const emulator = await startEmulator();
  let coldStart: ColdStartFigures;
  let scenarios: ScenarioResult[];
  let attachments: AttachmentsRun;
  try {
    const trimmedDir = path.join(outDir, 'trimmed');
    const coldTrimmed = await trimmedBundle(
      bundle,
      path.join(trimmedDir, 'coldStart'),
      coldStartCoverage(emulator, bundle.target),
    );
    progress(`cold start: ${options.rounds} rounds of node -e 0, floor, bundle, unbundled, trimmed bundle`);
    const samples = await measureColdStart(emulator, builds, floor, coldTrimmed.target, {
      rounds: options.rounds,
      warmup: 2,
      rssRuns: 9,
    });
    coldStart = coldStartFigures(samples);
    scenarios = await measureScenarios(emulator, builds, { floor, ioFloor, trimmedDir }, options.runs);
    progress('attachments: six 100 MB files on a Server with a 2 GB attachment limit (bundle)');
    attachments = await measureAttachments(emulator, bundle.target);
  } finally {
    await emulator.stop();
  }

  const rows = [
    ...sizeRows(sizes),
    ...packageRows(costs, installed),
    ...coldStartRows(coldStart),
    ...scenarioRows(scenarios, LATENCY_MS),
  ];
  const machine = {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '',
  };
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `Pipeline Work Items bench: node ${machine.node}, ${machine.platform} ${machine.arch}, ${machine.cpus} CPUs; ` +
      `medians of ${options.runs} runs (cold start: ${options.rounds} rounds); ${LATENCY_MS} ms latency injected ` +
      `per request for round trips; kB = 1,000 bytes.\n`,
  );
  console.log(formatTable(rows));
  for (const { title, builds: figures } of scenarios) {
    for (const [name, { requestsMin, requestsMax }] of Object.entries(figures)) {
      if (requestsMin !== requestsMax)
        console.log(`note: ${title} (${name}) made ${requestsMin} to ${requestsMax} requests across runs`);
    }
  }
  const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
  console.log(
    `\nattachments (bundle): ${attachments.files} files of ${mb(attachments.fileBytes / attachments.files)} MB matched, ` +
      `${attachments.uploads} uploaded (${mb(attachments.uploadedBytes)} MB streamed; 250 MB per item), ` +
      `peak RSS ${mb(attachments.maxRssBytes)} MB, ${(attachments.wallMs / 1000).toFixed(1)} s`,
  );
  if (options.requests) console.log(`\n${formatRequests(scenarios, 'bundle', LATENCY_MS)}`);
  const file = path.join(outDir, 'bench.json');
  const report = {
    date: new Date().toISOString(),
    machine,
    settings: { runs: options.runs, coldStartRounds: options.rounds, latencyMs: LATENCY_MS },
    seconds: Math.round(seconds),
    table: rows,
    sizes,
    bundle: costs,
    installed: Object.fromEntries(installed),
    coldStart,
    scenarios,
    attachments,
  };
  fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  console.log(
    `\n${path.relative(process.cwd(), file)} holds the table and every request list (${seconds.toFixed(0)} s).`,
  );
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
