// From measured runs to the figures the benchmark reports: medians, round trips and request lists.
import type { RecordedRequest } from '../emulator/harness';
import type { BuildName } from './builds';
import type { ColdStartSamples, FloorRun, ScenarioRun } from './measure';
import type { Scenario } from './scenarios';
import { median, sequentialChain } from './stats';

/** One request of a run, times relative to the run's first request. */
export interface RequestLine {
  readonly method: string;
  /** Path with its query string. */
  readonly path: string;
  readonly startMs: number;
  readonly endMs: number | null;
  readonly status: number | null;
  readonly host: string;
  /** Part of the longest chain of requests that ran one after the other. */
  readonly sequential: boolean;
}

export interface ScenarioFigures {
  /** Requests of one run (the median; min and max show whether it varied). */
  readonly requests: number;
  readonly requestsMin: number;
  readonly requestsMax: number;
  /**
   * Round trips waited for, from wall time: the median over pairs of runs (one at zero latency, one at the
   * injected latency, in the same round) of (wall at the latency − wall at zero) / latency. Start-up and CPU
   * time cancel out.
   */
  readonly roundTripsWall: number;
  /** Length of the longest chain of non-overlapping requests in the request log, at the injected latency. */
  readonly roundTripsLog: number;
  readonly wallZeroMs: number;
  /**
   * The wall time at zero latency against the floor's: the median over the runs at zero latency of each one's
   * wall time divided by the floor's in the same round.
   */
  readonly timesFloor: number;
  /** The same for the CPU time (user and system) of the runs at zero latency. */
  readonly cpuTimesFloor: number;
  readonly wallLatencyMs: number;
  readonly maxRssBytes: number;
  /** The requests of the run at the injected latency whose wall time was the median. */
  readonly requestList: readonly RequestLine[];
}

/**
 * A stand-in run in a scenario's place against the floor: the scenario's requests sent alone (ioFloor.ts, what
 * the I/O costs without the task) or the bundle with only the code the run ran (trimmed.ts, the bound of loading
 * code lazily).
 */
export interface AgainstFloor {
  readonly wallMs: number;
  /** Median over the runs of each one's wall time divided by the floor's in the same round. */
  readonly timesFloor: number;
  readonly cpuTimesFloor: number;
}

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly action: string;
  readonly targets: Scenario['targets'];
  readonly builds: Record<BuildName, ScenarioFigures>;
  readonly ioFloor: AgainstFloor;
  readonly trimmed: AgainstFloor;
}

/** Stand-in runs (`what`), each against the floor of the same round (the mean of its runs there). */
export function againstFloor(
  what: string,
  runs: readonly FloorRun[],
  floor: readonly FloorRun[],
): AgainstFloor {
  if (runs.length === 0 || runs.length !== floor.length)
    throw new Error(`each run of ${what} needs a run of the floor`);
  return {
    wallMs: median(runs.map((run) => run.wallMs)),
    timesFloor: median(runs.map((run, i) => run.wallMs / floor[i].wallMs)),
    cpuTimesFloor: median(runs.map((run, i) => run.cpuMs / floor[i].cpuMs)),
  };
}

/** The request log as lines, in order of arrival, the sequential chain marked. */
export function requestLines(requests: readonly RecordedRequest[]): RequestLine[] {
  const sorted = [...requests].sort((a, b) => a.startMs - b.startMs);
  const chain = new Set(sequentialChain(sorted));
  const t0 = sorted[0]?.startMs ?? 0;
  const relative = (ms: number): number => Math.round((ms - t0) * 10) / 10;
  return sorted.map((request) => {
    const query = new URLSearchParams(request.query).toString();
    return {
      method: request.method,
      path: query ? `${request.path}?${query}` : request.path,
      startMs: relative(request.startMs),
      endMs: request.endMs === null ? null : relative(request.endMs),
      status: request.status,
      host: request.host,
      sequential: chain.has(request),
    };
  });
}

/**
 * The figures of one build's runs of a scenario: pairs of runs at zero and at `latencyMs`, in order, and the
 * floor of each pair's round (the mean of its runs there).
 */
export function scenarioFigures(
  runs: readonly ScenarioRun[],
  latencyMs: number,
  floor: readonly FloorRun[],
): ScenarioFigures {
  const zero = runs.filter((run) => run.latencyMs === 0);
  const slow = runs.filter((run) => run.latencyMs === latencyMs);
  if (zero.length === 0 || zero.length !== slow.length || zero.length !== floor.length)
    throw new Error('pairs of runs at both latencies, each with a run of the floor, are needed');
  const counts = runs.map((run) => run.requests.length);
  const wallZeroMs = median(zero.map((run) => run.wallMs));
  const wallLatencyMs = median(slow.map((run) => run.wallMs));
  const typical = [...slow].sort(
    (a, b) => Math.abs(a.wallMs - wallLatencyMs) - Math.abs(b.wallMs - wallLatencyMs),
  )[0];
  return {
    requests: median(counts),
    requestsMin: Math.min(...counts),
    requestsMax: Math.max(...counts),
    roundTripsWall: median(slow.map((run, i) => (run.wallMs - zero[i].wallMs) / latencyMs)),
    roundTripsLog: median(slow.map((run) => sequentialChain(run.requests).length)),
    wallZeroMs,
    timesFloor: median(zero.map((run, i) => run.wallMs / floor[i].wallMs)),
    cpuTimesFloor: median(zero.map((run, i) => run.cpuMs / floor[i].cpuMs)),
    wallLatencyMs,
    maxRssBytes: median(runs.map((run) => run.maxRssBytes)),
    requestList: requestLines(typical.requests),
  };
}

export interface ColdStartFigures {
  readonly nodeMs: number;
  readonly nodeRssBytes: number;
  readonly floorMs: number;
  readonly floorTimesNode: number;
  readonly floorRssBytes: number;
  readonly floorCpuMs: number;
  readonly builds: Record<
    BuildName,
    {
      wallMs: number;
      timesFloor: number;
      timesNode: number;
      maxRssBytes: number;
      cpuMs: number;
      cpuTimesFloor: number;
    }
  >;
  /** The bundle with only the code a cold-start run called (trimmed.ts), against the floor. */
  readonly trimmed: { readonly timesFloor: number; readonly cpuTimesFloor: number };
}

/**
 * Medians of the cold-start samples; each ratio (to the floor, to `node -e 0`) is the median of the ratios of
 * each round, so that a machine getting slower or faster during the rounds does not tilt it.
 */
export function coldStartFigures({ wall, rss, cpu }: ColdStartSamples): ColdStartFigures {
  const ratio = (times: readonly number[], to: readonly number[]): number =>
    median(times.map((ms, round) => ms / to[round]));
  const of = (name: BuildName): ColdStartFigures['builds'][BuildName] => ({
    wallMs: median(wall[name]),
    timesFloor: ratio(wall[name], wall.floor),
    timesNode: ratio(wall[name], wall.node),
    maxRssBytes: median(rss[name]),
    cpuMs: median(cpu[name]),
    cpuTimesFloor: ratio(cpu[name], cpu.floor),
  });
  return {
    nodeMs: median(wall.node),
    nodeRssBytes: median(rss.node),
    floorMs: median(wall.floor),
    floorTimesNode: ratio(wall.floor, wall.node),
    floorRssBytes: median(rss.floor),
    floorCpuMs: median(cpu.floor),
    builds: { bundle: of('bundle'), unbundled: of('unbundled') },
    trimmed: {
      timesFloor: ratio(wall.trimmed, wall.floor),
      cpuTimesFloor: ratio(cpu.trimmed, cpu.floor),
    },
  };
}
