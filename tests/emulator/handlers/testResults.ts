// Handlers for test results (testresults area): shallow results by build or by release, full
// results by run. Results are seeded with the build (BuildSeed.testResults) or with a release environment
// (ReleaseEnvironmentSeed.testResults).
import { intParam, list, requireProject, type Handler, type RequestContext } from '../context';
import { enumName, TEST_OUTCOME } from '../enums';
import { badRequest, notFound } from '../errors';
import { buildFacts, projectRef } from '../buildView';
import type { Project } from '../org';
import type { StoredBuild, StoredRelease } from '../state';
import type { TestResultSeed } from '../types';

const TEST_NS = 'Microsoft.TeamFoundation.TestManagement.WebApi';

interface Result {
  project: Project;
  /** The build the results were published for; undefined for results of a release. */
  build: StoredBuild | undefined;
  release: { id: number; environmentId: number } | undefined;
  date: string;
  seed: TestResultSeed;
  id: number;
  runId: number;
}

export const defaultRunId = (buildId: number): number => 1000 + buildId;

function resultsOf(b: StoredBuild): Result[] {
  return (b.seed.testResults ?? []).map((seed, i) => ({
    project: b.project,
    build: b,
    release: undefined,
    date: buildFacts('', b).start,
    seed,
    id: seed.id ?? 100000 + i,
    runId: seed.runId ?? defaultRunId(b.seed.id),
  }));
}

function releaseResultsOf(r: StoredRelease): Result[] {
  const date = r.seed.createdOn ?? new Date().toISOString();
  return (r.seed.environments ?? []).flatMap((e, i) => {
    // Environment ids as releaseView numbers them.
    const environmentId = e.id ?? r.seed.id * 10 + i + 1;
    return (e.testResults ?? []).map((seed, k) => ({
      project: r.project,
      build: undefined,
      release: { id: r.seed.id, environmentId },
      date,
      seed,
      id: seed.id ?? 200000 + environmentId * 1000 + k,
      runId: seed.runId ?? 5000 + environmentId,
    }));
  });
}

function outcomeFilter(ctx: RequestContext): (r: Result) => boolean {
  const wanted = (ctx.query.outcomes ?? '')
    .split(',')
    .filter((o) => o.trim())
    .map((o) => enumName(o, TEST_OUTCOME));
  return (r) => wanted.length === 0 || wanted.includes(r.seed.outcome.toLowerCase());
}

const shallow = (r: Result): Record<string, unknown> => ({
  id: r.id,
  runId: r.runId,
  refId: r.id,
  outcome: r.seed.outcome,
  priority: 0,
  automatedTestName: r.seed.automatedTestName ?? r.seed.testCaseTitle,
  automatedTestStorage: r.seed.automatedTestStorage ?? 'tests.dll',
  owner: null,
  testCaseTitle: r.seed.testCaseTitle,
  durationInMs: r.seed.durationInMs ?? 12,
  isReRun: false,
});

function full(ctx: RequestContext, r: Result): Record<string, unknown> {
  const p = r.project;
  const runUrl = `${ctx.collectionUrl}${p.id}/_apis/test/Runs/${r.runId}`;
  const date = r.date;
  const origin = r.build
    ? {
        build: {
          id: String(r.build.seed.id),
          name: buildFacts(ctx.collectionUrl, r.build).number,
          url: `${ctx.collectionUrl}${p.id}/_apis/build/Builds/${r.build.seed.id}`,
        },
      }
    : { release: { id: r.release?.id, environmentId: r.release?.environmentId } };
  return {
    ...shallow(r),
    project: projectRef(ctx.collectionUrl, p),
    startedDate: date,
    completedDate: date,
    revision: 1,
    state: 'Completed',
    testCase: { name: r.seed.testCaseTitle },
    testRun: { id: String(r.runId), name: `${r.build?.seed.id ?? r.release?.id} test run`, url: runUrl },
    lastUpdatedDate: date,
    computerName: 'Hosted Agent',
    ...origin,
    ...(r.seed.errorMessage !== undefined ? { errorMessage: r.seed.errorMessage } : {}),
    ...(r.seed.stackTrace !== undefined ? { stackTrace: r.seed.stackTrace } : {}),
    createdDate: date,
    url: `${runUrl}/Results/${r.id}`,
    failureType: r.seed.outcome.toLowerCase() === 'failed' ? 'New Issue' : 'None',
    automatedTestType: 'UnitTest',
  };
}

export const resultsByBuild: Handler = (ctx) => {
  const project = requireProject(ctx);
  if (!ctx.query.buildId) throw badRequest('The buildId parameter is required.', 'ArgumentNullException');
  const b = ctx.store.builds.get(intParam(ctx.query.buildId, 'buildId'));
  const results = b && b.project.id === project.id ? resultsOf(b) : [];
  const top = Number(ctx.query.$top ?? 0) || undefined;
  return list(results.filter(outcomeFilter(ctx)).slice(0, top).map(shallow));
};

export const resultsByRelease: Handler = (ctx) => {
  const project = requireProject(ctx);
  if (!ctx.query.releaseId) throw badRequest('The releaseId parameter is required.', 'ArgumentNullException');
  const r = ctx.store.releases.get(intParam(ctx.query.releaseId, 'releaseId'));
  const environment = ctx.query.releaseEnvid ? intParam(ctx.query.releaseEnvid, 'releaseEnvid') : undefined;
  const results = (r && r.project.id === project.id ? releaseResultsOf(r) : []).filter(
    (x) => environment === undefined || x.release?.environmentId === environment,
  );
  const top = Number(ctx.query.$top ?? 0) || undefined;
  return list(results.filter(outcomeFilter(ctx)).slice(0, top).map(shallow));
};

function runResults(ctx: RequestContext): Result[] {
  const project = requireProject(ctx);
  const runId = intParam(ctx.params.runId, 'runId');
  const all = [
    ...[...ctx.store.builds.values()].flatMap(resultsOf),
    ...[...ctx.store.releases.values()].flatMap(releaseResultsOf),
  ].filter((r) => r.project.id === project.id);
  const mine = all.filter((r) => r.runId === runId);
  if (mine.length === 0)
    throw notFound(`Test run with Id ${runId} does not exist.`, 'TestObjectNotFoundException', TEST_NS);
  return mine;
}

export const resultsOfRun: Handler = (ctx) => {
  const skip = Number(ctx.query.$skip ?? 0) || 0;
  const top = Math.min(Number(ctx.query.$top ?? 1000) || 1000, 1000);
  return list(
    runResults(ctx)
      .filter(outcomeFilter(ctx))
      .slice(skip, skip + top)
      .map((r) => full(ctx, r)),
  );
};
