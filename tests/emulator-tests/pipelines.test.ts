// Build records, test results, release and work (team iterations) through the real clients.
import * as assert from 'node:assert/strict';
import type { BuildSeed } from '../emulator/harness';
import { assertOnlyKnownRequests, clients, useEmulator } from './helpers';

const readAll = async (stream: NodeJS.ReadableStream): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8');
};

const BUILD: BuildSeed = {
  project: 'WebApp',
  id: 42,
  buildNumber: '20240501.7',
  definition: { id: 5, name: 'WebApp-CI' },
  sourceBranch: 'refs/heads/main',
  requestedFor: { displayName: 'Sam Rivera', uniqueName: 'sam@fabrikam.example' },
  records: [
    { id: 'stage', type: 'Stage', name: 'Build', result: 'failed', identifier: 'Build' },
    { id: 'job', parentId: 'stage', type: 'Job', name: 'Linux', result: 'failed' },
    {
      id: 'step',
      parentId: 'job',
      type: 'Task',
      name: 'npm test',
      result: 'failed',
      logId: 7,
      issues: [{ type: 'error', message: 'Process completed with exit code 1.' }],
    },
  ],
  logs: { '7': ['one', 'two', 'three', '##[error]boom'] },
  changes: [
    {
      id: 'abc123',
      message: 'Break the build',
      author: { displayName: 'Alex Kim', uniqueName: 'alex@fabrikam.example' },
    },
  ],
  workItemRefs: [12, 13],
  testResults: [
    { testCaseTitle: 'adds', outcome: 'Passed' },
    {
      testCaseTitle: 'divides',
      automatedTestName: 'calc.divides',
      outcome: 'Failed',
      errorMessage: 'expected 2',
      stackTrace: 'at x',
    },
  ],
};

describe('emulator: build records, tests, releases, iterations', function () {
  this.timeout(20_000);
  const em = useEmulator();
  const api = () => clients(em());

  before(async () => {
    await em().seedBuild(BUILD);
    await em().seedRelease({
      project: 'WebApp',
      id: 9,
      name: 'Release-9',
      artifacts: [
        {
          alias: '_WebApp-CI',
          buildId: 42,
          buildNumber: '20240501.7',
          definition: { id: 5, name: 'WebApp-CI' },
        },
      ],
      environments: [
        {
          name: 'Production',
          status: 'rejected',
          phases: [
            {
              name: 'Deploy',
              status: 'failed',
              jobs: [
                {
                  tasks: [
                    {
                      name: 'Deploy app',
                      status: 'failed',
                      issues: [{ issueType: 'Error', message: 'denied' }],
                      logLines: ['a', 'b'],
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it('serves the timeline with parent links, issues and log references', async () => {
    const t = await api().build.getBuildTimeline('WebApp', 42);
    const step = t.records?.find((r) => r.name === 'npm test');
    const job = t.records?.find((r) => r.name === 'Linux');
    assert.equal(step?.parentId, job?.id);
    assert.match(step?.id ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(step?.issues?.[0]?.message, 'Process completed with exit code 1.');
    assert.equal(step?.errorCount, 1);
    assert.equal(step?.log?.id, 7);
    const again = await api().build.getBuildTimeline('WebApp', 42, t.id);
    assert.equal(again.records?.length, 3);
  });

  it('serves logs as text (with agent timestamps) and as lines', async () => {
    const logs = await api().build.getBuildLogs('WebApp', 42);
    assert.deepEqual(
      logs.map((l) => [l.id, l.lineCount]),
      [[7, 4]],
    );
    const text = await readAll(await api().build.getBuildLog('WebApp', 42, 7));
    assert.match(text.split('\n')[3], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z ##\[error\]boom$/);
    const tail = await api().build.getBuildLogLines('WebApp', 42, 7, 3, 4);
    assert.equal(tail.length, 2);
    assert.match(tail[0], / three$/);
  });

  it('serves changes and associated work item refs', async () => {
    const changes = await api().build.getBuildChanges('WebApp', 42);
    assert.equal(changes[0].id, 'abc123');
    assert.equal(changes[0].author?.displayName, 'Alex Kim');
    const refs = await api().build.getBuildWorkItemsRefs('WebApp', 42);
    assert.deepEqual(
      refs.map((r) => r.id),
      ['12', '13'],
    );
  });

  it('serves test results by build, with a filter on the outcome, and full results by run', async () => {
    const failed = await api().testResults.getTestResultsByBuild('WebApp', 42, undefined, [3 /* Failed */]);
    assert.deepEqual(
      failed.map((r) => r.testCaseTitle),
      ['divides'],
    );
    assert.equal((await api().testResults.getTestResultsByBuild('WebApp', 42)).length, 2);
    const byRun = await api().testResults.getTestResults('WebApp', failed[0].runId ?? 0);
    const full = byRun.find((r) => r.outcome === 'Failed');
    assert.deepEqual([full?.errorMessage, full?.stackTrace], ['expected 2', 'at x']);
  });

  it('serves a release with environments, deploy steps, phases, jobs, tasks and task logs', async () => {
    const r = await api().release.getRelease('WebApp', 9);
    assert.equal(r.name, 'Release-9');
    assert.equal(r._links.web.href, `${em().collectionUrl}WebApp/_release?releaseId=9&_a=release-summary`);
    const env = r.environments?.[0];
    assert.equal(env?.name, 'Production');
    const phase = env?.deploySteps?.[0]?.releaseDeployPhases?.[0];
    const task = phase?.deploymentJobs?.[0]?.tasks?.[0];
    assert.equal(task?.name, 'Deploy app');
    assert.equal(task?.issues?.[0]?.message, 'denied');
    const log = await readAll(
      await api().release.getTaskLog('WebApp', 9, env?.id ?? 0, phase?.id ?? 0, task?.id ?? 0),
    );
    assert.equal(log, 'a\nb');
    assert.equal(r.artifacts?.[0]?.definitionReference?.version?.name, '20240501.7');
  });

  it("serves the teams' current iterations", async () => {
    const current = await api().work.getTeamIterations({ project: 'WebApp' }, 'current');
    assert.deepEqual(
      current.map((i) => i.path),
      ['WebApp\\Sprint 2'],
    );
    const platform = await api().work.getTeamIterations({ project: 'WebApp', team: 'Platform' }, 'current');
    assert.deepEqual(
      platform.map((i) => i.path),
      ['WebApp\\Sprint 3'],
    );
    assert.deepEqual(await api().work.getTeamIterations({ project: 'Starter' }, 'current'), []);
    assert.equal(await api().work.getTeamIterations({ project: 'WebApp', team: 'Nobody' }, 'current'), null);
  });

  it('made only REST and discovery requests', async () => {
    await assertOnlyKnownRequests(em());
  });
});
