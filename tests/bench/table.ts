// The one table the benchmark prints (and writes as JSON): each figure for the bundle and the unbundled build,
// their ratio, and the target with a mark. Targets apply to the bundle, the build that ships.
import type { BuildName } from './builds';
import type { ColdStartFigures, ScenarioFigures, ScenarioResult } from './figures';
import { TASK_SOURCE, WRAPPERS, type BundleCosts, type Size } from './sizes';

export type Unit = 'bytes' | 'count' | 'ms' | 'times' | 'roundTrips';

export interface Row {
  readonly figure: string;
  readonly unit: Unit;
  readonly bundle: number | null;
  readonly unbundled: number | null;
  /** bundle / unbundled. */
  readonly ratio: number | null;
  /** The target for the bundle, as text ('' = none). */
  readonly target: string;
  /** Whether the bundle meets it; null when there is no target. */
  readonly met: boolean | null;
}

interface Target {
  readonly max: number;
  readonly text: string;
  /** Compare the value rounded to a whole number (round trips measured from wall time). */
  readonly round?: boolean;
}

function row(figure: string, unit: Unit, values: Record<BuildName, number | null>, target?: Target): Row {
  const { bundle, unbundled } = values;
  const ratio = bundle !== null && unbundled !== null && unbundled !== 0 ? bundle / unbundled : null;
  const compared = bundle !== null && target?.round ? Math.round(bundle) : bundle;
  return {
    figure,
    unit,
    bundle,
    unbundled,
    ratio,
    target: target?.text ?? '',
    met: target && compared !== null ? compared <= target.max : null,
  };
}

// A figure only the bundle has (what it weighs in wrappers, its requests alone, its trimmed copy).
const bundleOnly = (value: number | null): Record<BuildName, number | null> => ({
  bundle: value,
  unbundled: null,
});

export interface Sizes {
  readonly vsix: Record<BuildName, Size>;
  readonly taskFolder: Record<BuildName, Size>;
}

/** The size rows: the VSIX and the task folder, in bytes and files. */
export function sizeRows(sizes: Sizes): Row[] {
  const of = (what: keyof Sizes, key: keyof Size): Record<BuildName, number> => ({
    bundle: sizes[what].bundle[key],
    unbundled: sizes[what].unbundled[key],
  });
  return [
    row('VSIX', 'bytes', of('vsix', 'bytes'), { max: 150_000, text: '<= 150 kB' }),
    row('VSIX files', 'count', of('vsix', 'files')),
    row('task folder', 'bytes', of('taskFolder', 'bytes')),
    // A handful: the bundle, task.json, task.loc.json and its English resources (the official tasks'
    // localization), the icon, the bundled packages' licences.
    row('task folder files', 'count', of('taskFolder', 'files'), { max: 6, text: '<= 6 (a handful)' }),
  ];
}

/**
 * What each package costs: bytes in the bundle against bytes installed in the unbundled task folder, the `top`
 * largest in the bundle one by one, then the rest, the task's own code and esbuild's wrappers.
 */
export function packageRows(bundle: BundleCosts, installed: ReadonlyMap<string, Size>, top = 10): Row[] {
  const own = [TASK_SOURCE, WRAPPERS];
  const packages = bundle.packages.filter((p) => !own.includes(p.name));
  const shown = packages.slice(0, top);
  const installedBytes = (name: string): number | null => installed.get(name)?.bytes ?? null;
  const otherInstalled = [...installed]
    .filter(([name]) => name !== TASK_SOURCE && !shown.some((p) => p.name === name))
    .reduce((sum, [, size]) => sum + size.bytes, 0);
  const otherBundled = packages.slice(top).reduce((sum, p) => sum + p.bundleBytes, 0);
  const ownBytes = (name: string): number | null =>
    bundle.packages.find((p) => p.name === name)?.bundleBytes ?? null;
  const installedCount = [...installed.keys()].filter((name) => name !== TASK_SOURCE).length;
  return [
    ...shown.map((p) =>
      row(`  ${p.name}`, 'bytes', { bundle: p.bundleBytes, unbundled: installedBytes(p.name) }),
    ),
    row(
      `  other packages (${packages.length - shown.length} bundled, ${installedCount - shown.length} installed)`,
      'bytes',
      { bundle: otherBundled, unbundled: otherInstalled },
    ),
    row(`  ${TASK_SOURCE}`, 'bytes', {
      bundle: ownBytes(TASK_SOURCE),
      unbundled: installedBytes(TASK_SOURCE),
    }),
    row(`  ${WRAPPERS}`, 'bytes', bundleOnly(ownBytes(WRAPPERS))),
  ];
}

/**
 * The cold-start rows: wall time, its ratio to the floor (task-lib loaded, one input read, the result set) and
 * to `node -e 0`, peak RSS, and the floor's and node's own figures for reference.
 */
export function coldStartRows(cold: ColdStartFigures): Row[] {
  const of = (key: keyof ColdStartFigures['builds'][BuildName]): Record<BuildName, number> => ({
    bundle: cold.builds.bundle[key],
    unbundled: cold.builds.unbundled[key],
  });
  const both = (value: number): Record<BuildName, number> => ({ bundle: value, unbundled: value });
  return [
    row('cold start (pull-request run, no request)', 'ms', of('wallMs')),
    row('  / floor', 'times', of('timesFloor'), { max: 1.35, text: '<= 1.35x' }),
    // The bundle with only the code the run called: what loading code lazily could at most save.
    row('  only the code it ran (lazy-load bound) / floor', 'times', bundleOnly(cold.trimmed.timesFloor)),
    row('  / node -e 0', 'times', of('timesNode')),
    row('  floor itself (task-lib, an input, the result)', 'ms', both(cold.floorMs)),
    row('  floor / node -e 0', 'times', both(cold.floorTimesNode)),
    row('  node -e 0 itself', 'ms', both(cold.nodeMs)),
    // CPU time is what the process itself costs: a busy machine stretches wall times, hardly this.
    row('  CPU time', 'ms', of('cpuMs')),
    row('  CPU time / floor', 'times', of('cpuTimesFloor')),
    row('  only the code it ran, CPU time / floor', 'times', bundleOnly(cold.trimmed.cpuTimesFloor)),
    row('  CPU time of the floor', 'ms', both(cold.floorCpuMs)),
    row('  peak RSS', 'bytes', of('maxRssBytes')),
    row('  peak RSS of the floor', 'bytes', both(cold.floorRssBytes)),
    row('  peak RSS of node -e 0', 'bytes', both(cold.nodeRssBytes)),
  ];
}

/** Per scenario: requests, sequential round trips (from the log and from wall time), wall times, peak RSS. */
export function scenarioRows(scenarios: readonly ScenarioResult[], latencyMs: number): Row[] {
  return scenarios.flatMap((scenario) => {
    const { roundTrips, requests, timesFloor } = scenario.targets;
    const of = (key: Exclude<keyof ScenarioFigures, 'requestList'>): Record<BuildName, number> => ({
      bundle: scenario.builds.bundle[key],
      unbundled: scenario.builds.unbundled[key],
    });
    const trips = (round: boolean): Target | undefined =>
      roundTrips === undefined ? undefined : { max: roundTrips, text: `<= ${roundTrips}`, round };
    return [
      row(
        `${scenario.title}: requests`,
        'count',
        of('requests'),
        requests === undefined ? undefined : { max: requests, text: `<= ${requests}` },
      ),
      row('  round trips, request log', 'roundTrips', of('roundTripsLog'), trips(false)),
      row(
        `  round trips, (t${latencyMs} - t0) / ${latencyMs} ms`,
        'roundTrips',
        of('roundTripsWall'),
        trips(true),
      ),
      row('  wall, 0 ms latency', 'ms', of('wallZeroMs')),
      row(
        '  wall, 0 ms latency / floor',
        'times',
        of('timesFloor'),
        timesFloor === undefined ? undefined : { max: timesFloor, text: `<= ${timesFloor}x` },
      ),
      row('  CPU time, 0 ms latency / floor', 'times', of('cpuTimesFloor')),
      // The same requests without the task: one set, whichever build sent them.
      row('  its requests alone (I/O floor), wall / floor', 'times', bundleOnly(scenario.ioFloor.timesFloor)),
      row('  its requests alone, CPU time / floor', 'times', bundleOnly(scenario.ioFloor.cpuTimesFloor)),
      // The bundle with only the code the run ran: what loading code lazily could at most save.
      row(
        '  only the code it ran (lazy-load bound), wall / floor',
        'times',
        bundleOnly(scenario.trimmed.timesFloor),
      ),
      row('  only the code it ran, CPU time / floor', 'times', bundleOnly(scenario.trimmed.cpuTimesFloor)),
      row(`  wall, ${latencyMs} ms latency`, 'ms', of('wallLatencyMs')),
      row('  peak RSS', 'bytes', of('maxRssBytes')),
    ];
  });
}

function show(value: number | null, unit: Unit): string {
  if (value === null || Number.isNaN(value)) return '-';
  switch (unit) {
    case 'bytes':
      return value >= 1e6 ? `${(value / 1e6).toFixed(2)} MB` : `${(value / 1e3).toFixed(1)} kB`;
    case 'count':
      return Math.round(value).toLocaleString('en-US');
    case 'ms':
      return `${value.toFixed(0)} ms`;
    case 'times':
      return `${value.toFixed(2)}x`;
    case 'roundTrips':
      return value.toFixed(1);
  }
}

const HEADERS = ['figure', 'bundle', 'unbundled', 'bundle/unbundled', 'target', ''];

/** The rows as aligned plain text (ASCII, so any console shows it). */
export function formatTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => [
    r.figure,
    show(r.bundle, r.unit),
    show(r.unbundled, r.unit),
    r.ratio === null ? '' : String(Number(r.ratio.toPrecision(2))),
    r.target,
    r.met === null ? '' : r.met ? 'ok' : 'MISSED',
  ]);
  const widths = HEADERS.map((header, i) => Math.max(header.length, ...cells.map((c) => c[i].length)));
  const line = (c: readonly string[]): string =>
    c
      .map((cell, i) => (i === 0 || i >= 4 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(HEADERS), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Each scenario's requests in order, for `--requests`: start and end (ms from the first), sequential ones marked. */
export function formatRequests(
  scenarios: readonly ScenarioResult[],
  build: BuildName,
  latencyMs: number,
): string {
  const ms = (value: number | null): string =>
    value === null ? '(in flight)' : `${value.toFixed(1).padStart(7)} ms`;
  return scenarios
    .map((scenario) => {
      const list = scenario.builds[build].requestList;
      const lines = list.map(
        (r) =>
          `  ${r.sequential ? '*' : ' '} +${ms(r.startMs)} .. +${ms(r.endMs)}  ${r.method.padEnd(7)} ${r.path}  ${r.status ?? ''}`,
      );
      return [
        `${scenario.title}: ${list.length} requests (${build}, ${latencyMs} ms latency; * = the sequential chain)`,
        ...lines,
      ].join('\n');
    })
    .join('\n\n');
}
