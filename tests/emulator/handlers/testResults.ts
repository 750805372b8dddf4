// Handlers for test runs and their results (Test area, on the collection's host on every server): Runs - List by
// build, Runs - Query (a release environment's runs, in a window of last-update dates), Results - List of a run.
// Results are seeded with the build (BuildSeed.testResults) or with a release environment
// (ReleaseEnvironmentSeed.testResults); results with the same runId form one run, whose attempt and job
// `testRuns` may name.
import { intParam, boolQuery, list, ok, requireProject, type Handler, type RequestContext } from '../context';
import { enumName, TEST_OUTCOME } from '../enums';
import { AdoError, badRequest, notFound } from '../errors';
import { buildFacts, projectRef } from '../buildView';
import { identityRef, seedPerson } from '../identities';
import { PEOPLE, type Project } from '../org';
import type { StoredBuild, StoredRelease, Store } from '../state';
import type { TestResultSeed, TestRunSeed } from '../types';

const TEST_NS = 'Microsoft.TeamFoundation.TestManagement.WebApi';
const DAY = 24 * 3_600_000;
/** Results - List answers at most 1,000 results without details (REST reference, `$top`). */
const MAX_RESULTS = 1000;
/** Runs - Query answers at most 100 runs (REST reference, `$top`: "Limit is 100"). */
const MAX_QUERIED_RUNS = 100;

interface Result {
  seed: TestResultSeed;
  id: number;
}

interface Run {
  id: number;
  project: Project;
  /** The build the run was published for; undefined for a run of a release. */
  build: StoredBuild | undefined;
  release: { stored: StoredRelease; environmentId: number; environmentName: string } | undefined;
  /** When its results were published: its seed's, else the build's start or when the release environment was seeded. */
  date: string;
  /** The attempt that published it, unless its seed names one: 1, or the release environment's latest. */
  attempt: number;
  /** Its seeded facts, when the build or environment names its id among `testRuns`. */
  runSeed: TestRunSeed | undefined;
  results: Result[];
}

export const defaultRunId = (buildId: number): number => 1000 + buildId;

function group(
  runs: Map<number, Run>,
  base: Omit<Run, 'id' | 'results' | 'runSeed'>,
  seeds: TestResultSeed[],
  ids: {
    result: (index: number) => number;
    run: number;
  },
  runSeeds: TestRunSeed[] = [],
): void {
  seeds.forEach((seed, index) => {
    const id = seed.runId ?? ids.run;
    const runSeed = runSeeds.find((r) => r.id === id);
    const run = runs.get(id) ?? {
      ...base,
      id,
      date: runSeed?.createdOn ?? base.date,
      runSeed,
      results: [],
    };
    run.results.push({ seed, id: seed.id ?? ids.result(index) });
    runs.set(id, run);
  });
}

/** Every test run of the organization, in the order of their ids. */
function allRuns(store: Store): Run[] {
  const runs = new Map<number, Run>();
  for (const b of store.builds.values()) {
    const base = {
      project: b.project,
      build: b,
      release: undefined,
      date: buildFacts('', b).start,
      attempt: 1,
    };
    group(
      runs,
      base,
      b.seed.testResults ?? [],
      { result: (i) => 100000 + i, run: defaultRunId(b.seed.id) },
      b.seed.testRuns,
    );
  }
  for (const r of store.releases.values()) {
    (r.seed.environments ?? []).forEach((e, i) => {
      // Environment ids as releaseView numbers them.
      const environmentId = e.id ?? r.seed.id * 10 + i + 1;
      const release = { stored: r, environmentId, environmentName: e.name };
      const base = {
        project: r.project,
        build: undefined,
        release,
        date: e.testRunsUpdatedOn ?? r.seed.createdOn ?? '',
        // Attempts as releaseView numbers them.
        attempt: Math.max(1, ...(e.attempts ?? []).map((a, n) => a.attempt ?? n + 1)),
      };
      group(
        runs,
        base,
        e.testResults ?? [],
        { result: (k) => 200000 + environmentId * 1000 + k, run: 5000 + environmentId },
        e.testRuns,
      );
    });
  }
  return [...runs.values()].sort((a, b) => a.id - b.id);
}

const isFlaky = (seed: TestResultSeed): boolean =>
  (seed.customFields ?? []).some(
    (f) =>
      (f.fieldName === 'IsTestResultFlaky' && String(f.value).toLowerCase() === 'true') ||
      (f.fieldName === 'OutcomeConfidence' && Number(f.value) === 0),
  );

// Counts per outcome; a result that passed on a rerun, or a failure flagged flaky, is counted apart with its
// `resultMetadata`, as the service's run statistics are.
function runStatistics(run: Run): Record<string, unknown>[] {
  const counts = new Map<string, { outcome: string; resultMetadata?: string; count: number }>();
  for (const { seed } of run.results) {
    const outcome = seed.outcome;
    const rerun =
      outcome.toLowerCase() === 'passed' && (seed.resultGroupType ?? '').toLowerCase() === 'rerun';
    const flaky = outcome.toLowerCase() === 'failed' && isFlaky(seed);
    const resultMetadata = rerun ? 'rerun' : flaky ? 'flaky' : undefined;
    const key = `${outcome}|${resultMetadata ?? ''}`;
    const entry = counts.get(key) ?? { outcome, ...(resultMetadata ? { resultMetadata } : {}), count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()].map((entry) => ({ state: 'Completed', resolutionState: { id: 0 }, ...entry }));
}

function runName(run: Run): string {
  return run.build
    ? `${buildFacts('', run.build).number} test run`
    : `Release-${run.release?.stored.seed.id} ${run.release?.environmentName} test run`;
}

function releaseRef(run: Run): Record<string, unknown> {
  const r = run.release;
  return {
    id: r?.stored.seed.id,
    name: r?.stored.seed.name ?? `Release-${r?.stored.seed.id}`,
    environmentId: r?.environmentId,
    environmentName: r?.environmentName,
  };
}

function runRefs(ctx: RequestContext, run: Run): Record<string, unknown> {
  const c = ctx.collectionUrl;
  if (run.build) {
    const id = run.build.seed.id;
    return {
      build: {
        id: String(id),
        name: buildFacts(c, run.build).number,
        url: `${c}${run.project.id}/_apis/build/Builds/${id}`,
      },
      buildConfiguration: { id, number: buildFacts(c, run.build).number, uri: `vstfs:///Build/Build/${id}` },
    };
  }
  const r = run.release;
  return {
    release: releaseRef(run),
    releaseUri: `vstfs:///ReleaseManagement/Release/${r?.stored.seed.id}`,
    releaseEnvironmentUri: `vstfs:///ReleaseManagement/Environment/${r?.environmentId}`,
  };
}

// The job that published a build's run (`PipelineReference`: each level's name and attempt), as the agent gives
// it when it creates the run; a release's run names its deployment attempt in `release` (`ReleaseReference`).
function publishedBy(run: Run): Record<string, unknown> {
  const attempt = run.runSeed?.attempt ?? run.attempt;
  if (run.release) return { release: { ...releaseRef(run), attempt } };
  const job = run.runSeed?.job === undefined ? {} : run.runSeed.job;
  if (job === null) return {};
  return {
    pipelineReference: {
      pipelineId: run.build?.seed.id,
      stageReference: { stageName: job.stage ?? '__default', attempt },
      phaseReference: { phaseName: job.phase ?? 'Job', attempt },
      jobReference: { jobName: job.job ?? '__default', attempt },
    },
  };
}

function runJson(ctx: RequestContext, run: Run, details: boolean): Record<string, unknown> {
  const url = `${ctx.collectionUrl}${run.project.id}/_apis/test/Runs/${run.id}`;
  const shallow = { id: run.id, name: runName(run), url };
  if (!details) return shallow;
  const outcome = (o: string) => run.results.filter((r) => r.seed.outcome.toLowerCase() === o).length;
  return {
    ...shallow,
    isAutomated: true,
    state: 'Completed',
    totalTests: run.results.length,
    passedTests: outcome('passed'),
    incompleteTests: 0,
    notApplicableTests: outcome('notexecuted'),
    unanalyzedTests: outcome('failed'),
    startedDate: run.date,
    completedDate: run.date,
    lastUpdatedDate: run.date,
    createdDate: run.date,
    revision: 1,
    project: projectRef(ctx.collectionUrl, run.project),
    webAccessUrl: `${ctx.collectionUrl}${run.project.id}/_TestManagement/Runs?runId=${run.id}&_a=runCharts`,
    ...runRefs(ctx, run),
    ...publishedBy(run),
    ...(ctx.store.runStatisticsListed ? { runStatistics: runStatistics(run) } : {}),
  };
}

function findRun(ctx: RequestContext): Run {
  const project = requireProject(ctx);
  const runId = intParam(ctx.params.runId, 'runId');
  const run = allRuns(ctx.store).find((r) => r.id === runId && r.project.id === project.id);
  if (!run)
    throw notFound(`Test run with Id ${runId} does not exist.`, 'TestObjectNotFoundException', TEST_NS);
  return run;
}

/**
 * Runs - Get Test Run By Id: the run with every property (`includeDetails`, true unless `false`), its statistics
 * (with their result metadata) and the deployment attempt of a release's run among them.
 */
export const getRun: Handler = (ctx) => {
  const run = findRun(ctx);
  const details = (ctx.query.includeDetails ?? 'true').toLowerCase() !== 'false';
  return ok({ ...runJson(ctx, run, details), ...(details ? { runStatistics: runStatistics(run) } : {}) });
};

// Runs - Query answers a summary of each run: its counts and dates, the job that published it, its release as
// `{id, environmentId}` alone (no deployment attempt) and its statistics without `resultMetadata`.
function queriedRunJson(ctx: RequestContext, run: Run): Record<string, unknown> {
  const full = runJson(ctx, run, true);
  const kept = [
    'id',
    'name',
    'url',
    'isAutomated',
    'state',
    'totalTests',
    'incompleteTests',
    'notApplicableTests',
    'passedTests',
    'unanalyzedTests',
    'startedDate',
    'completedDate',
    'createdDate',
    'lastUpdatedDate',
    'project',
    'webAccessUrl',
    'buildConfiguration',
    'pipelineReference',
  ];
  return {
    ...Object.fromEntries(kept.filter((key) => key in full).map((key) => [key, full[key]])),
    ...(run.release
      ? { release: { id: run.release.stored.seed.id, environmentId: run.release.environmentId } }
      : {}),
    runStatistics: runStatistics(run).map(({ outcome, count }) => ({ outcome, count, state: 'Unspecified' })),
  };
}

/** Runs - Get Test Run Statistics: the run's counts per outcome (and result metadata). */
export const getRunStatistics: Handler = (ctx) => {
  const run = findRun(ctx);
  const url = `${ctx.collectionUrl}${run.project.id}/_apis/test/Runs/${run.id}`;
  return ok({ run: { id: String(run.id), name: runName(run), url }, runStatistics: runStatistics(run) });
};

/** Runs - List: the runs of the build `buildUri` names (every run without one); `$skip`, `$top`. */
export const listRuns: Handler = (ctx) => {
  const project = requireProject(ctx);
  if (ctx.query.minLastUpdatedDate !== undefined || ctx.query.maxLastUpdatedDate !== undefined) {
    return queryRuns(ctx, project);
  }
  const buildUri = ctx.query.buildUri;
  const buildId = buildUri ? /^vstfs:\/\/\/Build\/Build\/(\d+)$/i.exec(buildUri)?.[1] : undefined;
  if (buildUri !== undefined && buildId === undefined) {
    throw badRequest(`The build URI '${buildUri}' is not valid.`, 'ArgumentException');
  }
  const runs = allRuns(ctx.store).filter(
    (run) =>
      run.project.id === project.id && (buildId === undefined || run.build?.seed.id === Number(buildId)),
  );
  const skip = ctx.query.$skip === undefined ? 0 : intParam(ctx.query.$skip, '$skip');
  const top = ctx.query.$top === undefined ? runs.length : intParam(ctx.query.$top, '$top');
  const details = boolQuery(ctx, 'includeRunDetails');
  return list(runs.slice(skip, skip + top).map((run) => runJson(ctx, run, details)));
};

function dateParam(ctx: RequestContext, name: string): number {
  const raw = ctx.query[name];
  if (!raw)
    throw new AdoError(
      400,
      `Value cannot be null.\r\nParameter name: ${name}`,
      'ArgumentNullException',
      TEST_NS,
    );
  const time = Date.parse(raw);
  if (Number.isNaN(time))
    throw badRequest(`The value '${raw}' is not valid for ${name}.`, 'ArgumentException');
  return time;
}

const ids = (raw: string | undefined, name: string): number[] | undefined =>
  raw === undefined ? undefined : raw.split(',').map((id) => intParam(id.trim(), name));

// Runs - Query: both dates are mandatory and at most 7 days apart (REST reference). The refusals' wording and
// type keys are emulator-chosen.
function queryRuns(ctx: RequestContext, project: Project): ReturnType<Handler> {
  const min = dateParam(ctx, 'minLastUpdatedDate');
  const max = dateParam(ctx, 'maxLastUpdatedDate');
  if (max < min || max - min > 7 * DAY) {
    throw new AdoError(
      400,
      'The difference between minLastUpdatedDate and maxLastUpdatedDate must be between 0 and 7 days.',
      'InvalidPropertyException',
      TEST_NS,
    );
  }
  const releases = ids(ctx.query.releaseIds, 'releaseIds');
  const environments = ids(ctx.query.releaseEnvIds, 'releaseEnvIds');
  const builds = ids(ctx.query.buildIds, 'buildIds');
  const top = Math.min(
    ctx.query.$top === undefined ? MAX_QUERIED_RUNS : intParam(ctx.query.$top, '$top'),
    MAX_QUERIED_RUNS,
  );
  const runs = allRuns(ctx.store).filter((run) => {
    const updated = Date.parse(run.date);
    return (
      run.project.id === project.id &&
      updated >= min &&
      updated <= max &&
      (!releases || releases.includes(run.release?.stored.seed.id ?? -1)) &&
      (!environments || environments.includes(run.release?.environmentId ?? -1)) &&
      (!builds || builds.includes(run.build?.seed.id ?? -1))
    );
  });
  const from =
    ctx.query.continuationToken === undefined ? 0 : queryPageStart(ctx.query.continuationToken, runs);
  const page = runs.slice(from, from + top).map((run) => queriedRunJson(ctx, run));
  const next = runs[from + top];
  // More runs than the page holds: the rest are named by a token in the answer's head, where Microsoft's clients
  // read it (`X-MS-ContinuationToken`), to be sent back as `continuationToken`.
  const headers = next
    ? { 'x-ms-continuationtoken': Buffer.from(`runs:${next.id}`).toString('base64url') }
    : undefined;
  return { status: 200, json: { count: page.length, value: page }, ...(headers && { headers }) };
}

// The token is opaque to clients ("not supposed to be created (or altered)"); here it names the first run of the
// next page. One the emulator did not hand out is refused (wording and type key emulator-chosen).
function queryPageStart(token: string, runs: readonly Run[]): number {
  const [kind, id] = Buffer.from(token, 'base64url').toString().split(':');
  const at = runs.findIndex((run) => String(run.id) === id);
  if (kind !== 'runs' || at < 0) {
    throw new AdoError(
      400,
      `The continuation token '${token}' is not valid.`,
      'InvalidPropertyException',
      TEST_NS,
    );
  }
  return at;
}

function outcomeFilter(ctx: RequestContext): (r: Result) => boolean {
  const wanted = (ctx.query.outcomes ?? '')
    .split(',')
    .filter((o) => o.trim())
    .map((o) => enumName(o, TEST_OUTCOME));
  return (r) => wanted.length === 0 || wanted.includes(r.seed.outcome.toLowerCase());
}

// Where the test's current run of failures began: the seed's earlier build or release, else (a new failure)
// this run itself, as the service records it; passed results carry none.
function failingSince(ctx: RequestContext, run: Run, r: Result): Record<string, unknown> | undefined {
  if (r.seed.outcome.toLowerCase() !== 'failed') return undefined;
  const since = r.seed.failingSince;
  const c = ctx.collectionUrl;
  const buildId = since?.buildId ?? (since?.releaseId === undefined ? run.build?.seed.id : undefined);
  if (buildId !== undefined) {
    const build = ctx.store.builds.get(buildId);
    const number = build ? buildFacts(c, build).number : String(buildId);
    return {
      build: {
        id: buildId,
        number,
        uri: `vstfs:///Build/Build/${buildId}`,
        definitionId: 0,
        branchName: build?.seed.sourceBranch,
      },
      date: since?.date ?? (build ? buildFacts(c, build).start : run.date),
    };
  }
  const releaseId = since?.releaseId ?? run.release?.stored.seed.id;
  const release = releaseId === undefined ? undefined : ctx.store.releases.get(releaseId);
  return {
    release: {
      id: releaseId,
      name: release?.seed.name ?? `Release-${releaseId}`,
      environmentId: run.release?.environmentId,
    },
    date: since?.date ?? release?.seed.createdOn ?? run.date,
  };
}

function resultJson(ctx: RequestContext, run: Run, r: Result): Record<string, unknown> {
  const p = run.project;
  const runUrl = `${ctx.collectionUrl}${p.id}/_apis/test/Runs/${run.id}`;
  const seed = r.seed;
  const failed = seed.outcome.toLowerCase() === 'failed';
  const since = failingSince(ctx, run, r);
  return {
    id: r.id,
    project: projectRef(ctx.collectionUrl, p),
    startedDate: run.date,
    completedDate: run.date,
    durationInMs: seed.durationInMs ?? 12,
    outcome: seed.outcome,
    revision: 1,
    state: 'Completed',
    testCase: { name: seed.testCaseTitle },
    testRun: { id: String(run.id), name: runName(run), url: runUrl },
    lastUpdatedDate: run.date,
    priority: 0,
    computerName: 'Hosted Agent',
    ...runRefs(ctx, run),
    ...(seed.errorMessage !== undefined ? { errorMessage: seed.errorMessage } : {}),
    ...(seed.stackTrace !== undefined ? { stackTrace: seed.stackTrace } : {}),
    createdDate: run.date,
    url: `${runUrl}/Results/${r.id}`,
    failureType: failed ? 'New Issue' : 'None',
    owner: identityRef(seedPerson(seed.owner, PEOPLE.alex), ctx.collectionUrl),
    automatedTestName: seed.automatedTestName ?? seed.testCaseTitle,
    automatedTestStorage: seed.automatedTestStorage ?? 'tests.dll',
    automatedTestType: 'UnitTest',
    testCaseTitle: seed.testCaseTitle,
    customFields: seed.customFields ?? [],
    resultGroupType: seed.resultGroupType ?? 'none',
    ...(since ? { failingSince: since } : {}),
  };
}

/** Results - List: a run's results, filtered by `outcomes`, `$skip` then `$top` (at most 1,000). */
export const listResults: Handler = (ctx) => {
  const run = findRun(ctx);
  const skip = ctx.query.$skip === undefined ? 0 : intParam(ctx.query.$skip, '$skip');
  const top = ctx.query.$top === undefined ? MAX_RESULTS : intParam(ctx.query.$top, '$top');
  if (top > MAX_RESULTS) {
    // The service's wording for a page over its limit, as public reports quote it for the limit with details
    // (100); the status and type key are emulator-chosen.
    throw new AdoError(
      400,
      `Maximum ${MAX_RESULTS} test results can be processed in a single call.`,
      'InvalidPropertyException',
      TEST_NS,
    );
  }
  return list(
    run.results
      .filter(outcomeFilter(ctx))
      .slice(skip, skip + top)
      .map((r) => resultJson(ctx, run, r)),
  );
};
