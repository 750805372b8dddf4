import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JOB_TOKEN } from '../e2e/pipelines';
import { isWrite } from '../e2e/session';
import { startEmulator, type Emulator, type RecordedRequest } from '../emulator/harness';
import { buildFloor, bundleBuild, packageName, stageUnbundled, type TaskBuild } from './builds';
import { againstFloor, coldStartFigures, requestLines, scenarioFigures } from './figures';
import {
  coldStartCoverage,
  measureColdStart,
  measureIoFloor,
  measureScenario,
  replayRounds,
} from './measure';
import { spawnSync } from 'node:child_process';
import { runAgentTask } from './processes';
import { COLD_START, SCENARIOS, seedFailedRun } from './scenarios';
import { bundleCosts, installedCosts, TASK_SOURCE, vsixSize, WRAPPERS } from './sizes';
import { mean, median, sequentialChain } from './stats';
import { neverCalled, scenarioCoverage, trimmedBundle, withoutIdle } from './trimmed';
import { coldStartRows, formatTable, packageRows, sizeRows } from './table';

// `npm run bench` measures time; this keeps its code from rotting with the figures that do not depend on time:
// sizes, request counts, and the arithmetic. No timing is asserted here.
describe('bench (npm run bench): sizes, request counts and the arithmetic', function () {
  this.timeout(120_000);
  let emulator: Emulator | undefined;
  let bundle: TaskBuild;
  let unbundled: TaskBuild;
  let floor: string;
  let ioFloor: string;
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-bench-test-'));

  before(async () => {
    [emulator, bundle, floor, ioFloor] = await Promise.all([
      startEmulator(),
      bundleBuild(),
      buildFloor(path.join(stage, 'floor')),
      buildFloor(path.join(stage, 'ioFloor'), 'ioFloor.ts'),
    ]);
    unbundled = stageUnbundled(path.join(stage, 'extension'));
  });
  after(async () => {
    await emulator?.stop();
    fs.rmSync(stage, { recursive: true, force: true });
  });

  it('the VSIX stays within a loose bound; the bundle by package adds up to the bundle', async () => {
    const vsix = await vsixSize(bundle.vsix ?? '');
    assert.ok(vsix.bytes <= 400_000, `the VSIX is ${vsix.bytes} bytes`);
    const costs = bundleCosts();
    assert.equal(costs.outputBytes, fs.statSync(bundle.target).size);
    const names = costs.packages.map((p) => p.name);
    for (const name of ['azure-pipelines-task-lib', 'typed-rest-client', TASK_SOURCE, WRAPPERS]) {
      assert.ok(names.includes(name), `${name} is not in ${names.join(', ')}`);
    }
    const installed = installedCosts(unbundled.taskDir);
    const missing = names.filter((name) => !installed.has(name) && name !== WRAPPERS);
    assert.deepEqual(missing, [], 'every bundled package is a production package of the unbundled build');
    const rows = packageRows(costs, installed);
    assert.equal(
      rows.reduce((sum, row) => sum + (row.bundle ?? 0), 0),
      costs.outputBytes,
    );
    const sizes = { bytes: vsix.bytes, files: vsix.files };
    const table = formatTable(
      sizeRows({
        vsix: { bundle: sizes, unbundled: sizes },
        taskFolder: { bundle: sizes, unbundled: sizes },
      }),
    );
    assert.match(table, /^VSIX .* <= 150 kB\s+(ok|MISSED)$/m);
  });

  // The round trips docs/performance.md lists for each scenario.
  const ROUND_TRIPS: Readonly<Record<string, number>> = {
    newFailure: 4,
    recurrence: 3,
    recovery: 4,
    successNothingOpen: 2,
    dryRun: 3,
  };

  it('counts the requests and round trips of each scenario, the same requests for both builds', async () => {
    const em = emulator as Emulator;
    for (const scenario of SCENARIOS) {
      // The bundle at 100 ms a request, so that the requests of one round trip overlap in the log.
      const [packaged, plain] = [
        await measureScenario(em, bundle.target, bundle, scenario, 100),
        await measureScenario(em, bundle.target, unbundled, scenario, 0),
      ];
      const lines = (requests: typeof packaged.requests): string[] =>
        requestLines(requests)
          .map((r) => `${r.method} ${r.path}`)
          .sort();
      assert.ok(packaged.requests.length > 0, scenario.title);
      // The HTTP client is compiled at the run's first request, once; the unbundled build has no chunks.
      assert.equal(packaged.chunks.filter((c) => c === 'http-client').length, 1, scenario.title);
      assert.deepEqual(plain.chunks, [], scenario.title);
      assert.deepEqual(lines(plain.requests), lines(packaged.requests), scenario.title);
      assert.equal(
        sequentialChain(packaged.requests).length,
        ROUND_TRIPS[scenario.id],
        `${scenario.title}: round trips`,
      );
      if (scenario.id === 'dryRun' || scenario.id === 'successNothingOpen') {
        // A dry run's create goes out with validateOnly=true: the service checks it and saves nothing.
        const saving = packaged.requests.filter((r) => isWrite(r) && r.query['validateOnly'] !== 'true');
        assert.deepEqual(saving, [], `${scenario.title} writes nothing`);
      }
    }
  });

  it('the I/O floor sends a new failure’s requests in its round trips and gets the answers the task got', async () => {
    const em = emulator as Emulator;
    const scenario = SCENARIOS.find((s) => s.id === 'newFailure');
    assert.ok(scenario);
    const filed = await measureScenario(em, bundle.target, bundle, scenario, 100);
    const rounds = replayRounds(filed.requests, em.hosts);
    assert.equal(rounds.length, sequentialChain(filed.requests).length, 'one round per round trip');
    const run = await measureIoFloor(em, bundle.target, ioFloor, scenario, rounds);
    assert.ok(run.cpuMs > 0 && run.wallMs > 0);
    const lines = (requests: typeof filed.requests): string[] =>
      requestLines(requests)
        .map((r) => `${r.method} ${r.path} ${r.status}`)
        .sort();
    assert.deepEqual(lines(await em.requests()), lines(filed.requests));
    await assert.rejects(
      measureIoFloor(em, bundle.target, ioFloor, scenario, [[{ ...rounds[0][0], status: 418 }]]),
      /I\/O floor\): 1 of 1 requests, result Failed/,
    );
  });

  it('the replay’s rounds: a request follows the last one that ended before it started', () => {
    const hosts = {
      main: 'http://127.0.0.1:1/fabrikam/',
      release: 'http://127.0.0.1:2/fabrikam/',
      testResults: '',
    };
    const request = (seq: number, startMs: number, endMs: number, extra: object = {}) =>
      ({
        seq,
        method: 'GET',
        path: `/fabrikam/Web App/_apis/r${seq}`,
        query: { 'api-version': '6.0' },
        body: null,
        contentType: null,
        status: 200,
        host: 'main',
        startMs,
        endMs,
        ...extra,
      }) as unknown as Parameters<typeof replayRounds>[0][number];
    const rounds = replayRounds(
      [
        request(3, 105, 205, { method: 'POST', body: { query: 'SELECT' }, contentType: 'application/json' }),
        request(1, 0, 100),
        request(2, 1, 150, { host: 'release', status: 404 }),
        request(4, 151, 251),
      ],
      hosts,
    );
    assert.deepEqual(
      rounds.map((round) => round.map((r) => [r.method, r.url, r.status])),
      [
        [
          ['GET', 'http://127.0.0.1:1/fabrikam/Web%20App/_apis/r1?api-version=6.0', 200],
          ['GET', 'http://127.0.0.1:2/fabrikam/Web%20App/_apis/r2?api-version=6.0', 404],
        ],
        [
          ['POST', 'http://127.0.0.1:1/fabrikam/Web%20App/_apis/r3?api-version=6.0', 200],
          ['GET', 'http://127.0.0.1:1/fabrikam/Web%20App/_apis/r4?api-version=6.0', 200],
        ],
      ],
    );
    assert.equal(rounds[1][0].body, '{"query":"SELECT"}');
    assert.equal(rounds[1][0].contentType, 'application/json');
    assert.equal(rounds[0][0].body, undefined);
    assert.deepEqual(
      againstFloor(
        'the I/O floor',
        [
          { wallMs: 90, cpuMs: 60 },
          { wallMs: 120, cpuMs: 90 },
          { wallMs: 100, cpuMs: 50 },
        ],
        [
          { wallMs: 60, cpuMs: 40 },
          { wallMs: 100, cpuMs: 60 },
          { wallMs: 50, cpuMs: 40 },
        ],
      ),
      { wallMs: 100, timesFloor: 1.5, cpuTimesFloor: 1.5 },
    );
    assert.throws(
      () => againstFloor('the I/O floor', [], []),
      /each run of the I\/O floor needs a run of the floor/,
    );
  });

  it('trims a script to what one run of it ran, from V8 coverage, and it still runs the same', () => {
    const dir = fs.mkdtempSync(path.join(stage, 'trim-'));
    const script = path.join(dir, 'script.js');
    const code = [
      'function used(x) { return x > 0 ? x * 2 : (() => -x)(); }',
      'function unused() { const inner = () => 1; return inner() + 41; }',
      'const later = (a) => a.map((v) => v + 1);',
      'const table = { show(v) { return `v=${v}`; }, hide(v) { return v; } };',
      // V8 may report the `.map(…)` after the awaits as a block never run: only calls count.
      'async function listed(c) { return (c ? await g([1]) : await g([2])).map((v) => v * 21); }',
      'async function g(v) { return v; }',
      'listed(true).then(([n]) => console.log(table.show(used(n))));',
    ].join('\n');
    fs.writeFileSync(script, code);
    const coverage = path.join(dir, 'coverage');
    const run = (file: string) =>
      spawnSync(process.execPath, [file], {
        encoding: 'utf8',
        env: { ...process.env, NODE_V8_COVERAGE: coverage },
      });
    assert.equal(run(script).stdout, 'v=42\n');
    const trimmed = withoutIdle(code, neverCalled(coverage, script));
    assert.equal(
      trimmed,
      [
        'function used(x) { return x > 0 ? x * 2 : (() => 0)(); }',
        'function unused() {}',
        'const later = (a) => 0;',
        'const table = { show(v) { return `v=${v}`; }, hide(v) {} };',
        'async function listed(c) { return (c ? await g([1]) : await g([2])).map((v) => v * 21); }',
        'async function g(v) { return v; }',
        'listed(true).then(([n]) => console.log(table.show(used(n))));',
      ].join('\n'),
    );
    const trimmedScript = path.join(dir, 'trimmed.js');
    fs.writeFileSync(trimmedScript, trimmed);
    assert.equal(run(trimmedScript).stdout, 'v=42\n');
    assert.throws(() => neverCalled(coverage, path.join(dir, 'other.js')), /no coverage of .*other\.js/);
  });

  it('the trimmed bundle of a new failure files it with the same requests, and is smaller', async () => {
    const em = emulator as Emulator;
    const scenario = SCENARIOS.find((s) => s.id === 'newFailure');
    assert.ok(scenario);
    const trimmed = await trimmedBundle(
      bundle,
      path.join(stage, 'trimmed'),
      scenarioCoverage(em, bundle.target, scenario),
    );
    assert.ok(
      fs.statSync(trimmed.target).size < fs.statSync(bundle.target).size * 0.75,
      `the trimmed bundle is ${fs.statSync(trimmed.target).size} bytes`,
    );
    assert.doesNotMatch(fs.readFileSync(trimmed.target, 'utf8'), /markdown-it/, 'the chunk no run required');
    const lines = (requests: readonly RecordedRequest[]): string[] =>
      requests.map((r) => `${r.method} ${r.path} ${r.status}`).sort();
    const whole = await measureScenario(em, bundle.target, bundle, scenario, 0);
    const part = await measureScenario(em, bundle.target, trimmed, scenario, 0);
    assert.deepEqual(lines(part.requests), lines(whole.requests));
  });

  it('the cold-start run, whole and trimmed, goes through the entry point, files nothing and sends no request', async () => {
    const em = emulator as Emulator;
    const trimmed = await trimmedBundle(
      bundle,
      path.join(stage, 'cold'),
      coldStartCoverage(em, bundle.target),
    );
    const size = fs.statSync(trimmed.target).size;
    assert.ok(size < fs.statSync(bundle.target).size / 3, `the trimmed bundle is ${size} bytes`);
    assert.doesNotMatch(
      fs.readFileSync(trimmed.target, 'utf8'),
      /typed-rest-client/,
      'no request: no client',
    );
    const samples = await measureColdStart(em, [bundle, unbundled], floor, trimmed.target, {
      rounds: 1,
      warmup: 0,
      rssRuns: 1,
    });
    for (const times of Object.values(samples.wall)) assert.equal(times.length, 1);
    // The floor's two runs of a round count as one figure, their mean.
    assert.equal(samples.cpu.floor.length, 1);
    for (const cpu of Object.values(samples.cpu).flat()) assert.ok(cpu > 0, `CPU time ${cpu}`);
    for (const rss of Object.values(samples.rss).flat()) {
      assert.ok(Number.isFinite(rss) && rss > 1_000_000, `peak RSS ${rss}`);
    }
  });

  it('compiles an embedded chunk only in a run that requires it, once: none at cold start; no perf_hooks', async () => {
    const em = emulator as Emulator;
    const job = { collectionUrl: em.collectionUrl, jobToken: JOB_TOKEN };
    const coldStart = await runAgentTask(bundle.target, { ...job, ...COLD_START.job }, { measureRss: true });
    assert.equal(coldStart.action, COLD_START.action, coldStart.stdout);
    assert.deepEqual(coldStart.chunks, []);
    const loaded = (run: typeof coldStart, names: readonly string[]): string[] =>
      names.filter((name) => run.builtins.includes(name));
    // Node.js's HTTP stack comes with the HTTP client; its timing modules with a first `performance.now()`.
    assert.deepEqual(loaded(coldStart, ['http', 'https', 'tls', 'perf_hooks']), []);
    assert.ok(coldStart.builtins.includes('crypto'), 'task-lib loads crypto at import');
    // A description without placeholders is checked without rendering it: a run that files nothing renders none.
    const described = { ...COLD_START.job, inputs: { description: 'See **the runbook**.' } };
    const quiet = await runAgentTask(bundle.target, { ...job, ...described }, { measureRss: true });
    assert.equal(quiet.action, COLD_START.action, quiet.stdout);
    assert.deepEqual(quiet.chunks, []);
    await em.reset();
    await em.setTokens([JOB_TOKEN]);
    const failed = await seedFailedRun(em);
    const inputs = { description: 'See **the runbook**.' };
    const filed = await runAgentTask(bundle.target, { ...job, ...failed, inputs }, { measureRss: true });
    assert.equal(filed.action, 'created', filed.stdout);
    for (const chunk of ['http-client', 'markdown-it']) {
      assert.ok(filed.chunks.includes(chunk), `${chunk} is not in ${filed.chunks.join(', ')}`);
    }
    assert.equal(new Set(filed.chunks).size, filed.chunks.length, filed.chunks.join(', '));
    assert.deepEqual(loaded(filed, ['http', 'https', 'tls', 'perf_hooks']), ['http', 'https', 'tls']);
  });

  it('the floor is task-lib bundled as the task is, without the task', () => {
    const code = fs.readFileSync(floor, 'utf8');
    assert.match(code, /##vso\[/, "task-lib's logging commands are in it");
    assert.doesNotMatch(code, /Pipeline Work Items|markdown-it/i);
    assert.ok(code.length < fs.statSync(bundle.target).size / 2, `the floor is ${code.length} bytes`);
  });

  it('the cold start is marked against the floor, each ratio the median of the rounds', () => {
    const cold = coldStartFigures({
      wall: {
        node: [20, 40, 20],
        floor: [40, 80, 40],
        bundle: [50, 120, 50],
        unbundled: [60, 120, 80],
        trimmed: [44, 100, 48],
      },
      rss: { node: [1], floor: [2], bundle: [3], unbundled: [4], trimmed: [5] },
      cpu: {
        node: [10, 10, 10],
        floor: [20, 40, 20],
        bundle: [30, 40, 26],
        unbundled: [30, 60, 30],
        trimmed: [22, 60, 24],
      },
    });
    assert.equal(cold.builds.bundle.timesFloor, 1.25);
    assert.equal(cold.builds.unbundled.timesFloor, 1.5);
    assert.equal(cold.builds.bundle.timesNode, 2.5);
    assert.equal(cold.floorTimesNode, 2);
    assert.equal(cold.builds.bundle.cpuTimesFloor, 1.3);
    assert.equal(cold.floorCpuMs, 20);
    assert.deepEqual(cold.trimmed, { timesFloor: 1.2, cpuTimesFloor: 1.2 });
    const table = formatTable(coldStartRows(cold));
    assert.match(table, /^ {2}only the code it ran \(lazy-load bound\) \/ floor +1\.20x +- *$/m);
    assert.match(table, /^ {2}\/ floor +1\.25x +1\.50x +0\.83 +<= 1\.35x +ok$/m);
    assert.match(table, /^ {2}floor itself .* 40 ms +40 ms/m);
  });

  it('a scenario at zero latency is set against the floor run with it, wall and CPU time', () => {
    const run = (latencyMs: number, wallMs: number, cpuMs: number) =>
      ({ build: 'bundle', latencyMs, wallMs, cpuMs, maxRssBytes: 1, chunks: [], requests: [] }) as const;
    const runs = [run(0, 90, 60), run(100, 590, 61), run(0, 200, 80), run(100, 700, 82), run(0, 100, 50)];
    const figures = scenarioFigures([...runs, run(100, 600, 50)], 100, [
      { wallMs: 60, cpuMs: 40 },
      { wallMs: 100, cpuMs: 40 },
      { wallMs: 50, cpuMs: 40 },
    ]);
    assert.equal(figures.timesFloor, 2);
    assert.equal(figures.cpuTimesFloor, 1.5);
    assert.equal(figures.roundTripsWall, 5);
    assert.throws(() => scenarioFigures(runs, 100, []), /pairs of runs/);
  });

  it('the sequential chain is the longest run of requests that do not overlap; medians', () => {
    const at = (startMs: number, endMs: number | null) => ({ startMs, endMs });
    // Two waves of three reads, a write after them, one slow read across both waves.
    const log = [at(0, 100), at(1, 101), at(1, 150), at(105, 205), at(106, 206), at(2, 230), at(210, 310)];
    assert.deepEqual(sequentialChain(log), [at(0, 100), at(105, 205), at(210, 310)]);
    assert.deepEqual(sequentialChain([at(0, 100), at(100, 200)]).length, 2, 'touching is not overlapping');
    assert.deepEqual(sequentialChain([at(0, null), at(5, 10)]), [at(5, 10)]);
    assert.deepEqual(sequentialChain([]), []);
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
    assert.equal(mean([1, 2, 6]), 3);
    assert.ok(Number.isNaN(mean([])));
    assert.equal(packageName('node_modules/a/node_modules/@s/b/lib/x.js'), '@s/b');
    assert.equal(packageName('node_modules/q/q.js'), 'q');
  });
});
