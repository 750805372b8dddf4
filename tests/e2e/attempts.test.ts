import * as assert from 'node:assert/strict';
import type {
  BuildSeed,
  ReleaseEnvironmentSeed,
  ReleaseSeed,
  TestResultSeed,
  TimelineRecordSeed,
} from '../emulator/harness';
import { buildVariables, classicRelease, failedYamlRun, greenYamlRun, releaseVariables } from './pipelines';
import { body, title, useSession } from './session';

const result = (name: string, outcome: 'Failed' | 'Passed', runId: number): TestResultSeed => ({
  testCaseTitle: name,
  automatedTestName: `WebApp.Tests.${name}`,
  outcome,
  runId,
  ...(outcome === 'Failed' && { errorMessage: `${name} broke` }),
});
/** The job `Test` of stage Build, as the agent names it in the runs it publishes. */
const TEST_JOB = { stage: 'Build', phase: 'Test', job: '__default' };

/**
 * Release `id` whose Production environment was deployed `deployments` times, all but the last failed, with
 * the test runs and results its deployments published.
 */
function redeployedRelease(
  id: number,
  deployments: number,
  tests: Pick<ReleaseEnvironmentSeed, 'testResults' | 'testRuns'>,
): ReleaseSeed {
  const release = classicRelease(id, 'failed');
  return {
    ...release,
    environments: release.environments?.map((environment) => {
      if (environment.name !== 'Production') return environment;
      const phases = environment.phases ?? [];
      const attempts = Array.from({ length: deployments }, (_, i) => ({
        attempt: i + 1,
        ...(i + 1 < deployments && { status: 'failed' as const }),
        phases,
      }));
      return { ...environment, phases: undefined, attempts, ...tests };
    }),
  };
}

// A rerun (of a build's failed jobs, or a release's deployment) publishes new test runs beside those of the attempt
// it reran: the task reads the failures of the newest attempt only.
describe('packaged task: the tests of the newest attempt after a rerun', function () {
  const session = useSession();

  /** Build `id`'s attempt 1 (runs `id * 10 + 1`) and, when given, attempt 2 (runs `id * 10 + 2`) of job Test. */
  function rerun(id: number, first: TestResultSeed[], second: TestResultSeed[], green: boolean): BuildSeed {
    const run = green ? greenYamlRun(id) : failedYamlRun(id);
    const runIds = [...new Set([...first, ...second].map((r) => r.runId ?? 0))];
    return {
      ...run,
      records: run.records?.map((record) => (record.id === 'test' ? { ...record, task: 'VSTest' } : record)),
      testResults: [...first, ...second],
      testRuns: runIds.map((runId) => ({ id: runId, attempt: runId % 10, job: TEST_JOB })),
    };
  }

  it('perTest: a test that failed in attempt 1 and passed on the rerun has its item resolved with the run’s', async () => {
    const perTest = { trackTests: 'perTest' };
    const attempt1 = [result('checks_out', 'Failed', 9851), result('lists_items', 'Passed', 9851)];
    await session.emulator.seedBuild(rerun(985, attempt1, [], false));
    const failed = await session.run({ variables: buildVariables(985), inputs: perTest });
    const items = await session.items(2, failed);
    const checksOut = items.find((item) => title(item).startsWith('WebApp.Tests.checks_out fails'));
    const runItem = items.find((item) => item !== checksOut);
    assert.ok(checksOut && runItem, items.map(title).join('\n'));

    // Rerun failed jobs: job Test runs again as attempt 2, checks_out passes and the run is green.
    const attempt2 = [result('checks_out', 'Passed', 9852), result('lists_items', 'Passed', 9852)];
    await session.emulator.seedBuild(rerun(985, attempt1, attempt2, true));
    const green = await session.run({
      variables: buildVariables(985, {
        'Agent.JobStatus': 'Succeeded',
        'System.JobAttempt': '2',
        'System.PhaseAttempt': '2',
        'System.StageAttempt': '2',
      }),
      inputs: perTest,
    });
    await session.items(2, green);
    assert.equal((await session.emulator.workItem(runItem.id))?.fields['System.State'], 'Resolved');
    assert.equal((await session.emulator.workItem(checksOut.id))?.fields['System.State'], 'Resolved');
    const comments = (await session.emulator.comments(checksOut.id)).map((comment) => comment.text);
    assert.ok(!comments.some((text) => /Failed again/.test(text)), comments.join('\n'));
  });

  it('a rerun that fails again lists only its own failures, not those of the attempt it reran', async () => {
    const attempt1 = [result('checks_out', 'Failed', 9861), result('adds_tax', 'Failed', 9861)];
    const attempt2 = [result('checks_out', 'Passed', 9862), result('adds_tax', 'Failed', 9862)];
    await session.emulator.seedBuild(rerun(986, attempt1, attempt2, false));
    const run = await session.run({ variables: buildVariables(986, { 'System.JobAttempt': '2' }) });
    const html = body((await session.items(1, run))[0]!);
    assert.match(html, /<p>1 test failed: /);
    assert.ok(html.includes('<b>WebApp.Tests.adds_tax</b>'), html);
    assert.ok(!html.includes('checks_out'), html);
  });

  /**
   * Build `id` after *Rerun failed jobs*: job Test (as the timeline names it, with its attempt) runs again as
   * attempt 2, where `failed` failed before any test published, while runs `id * 10 + 1` hold attempt 1's results.
   */
  function rerunFailedBeforeTests(
    id: number,
    first: TestResultSeed[],
    failed: TimelineRecordSeed,
  ): BuildSeed {
    const run = failedYamlRun(id);
    const records = (run.records ?? []).flatMap((record): TimelineRecordSeed[] => {
      if (record.id === 'job') return [{ ...record, identifier: 'Build.Test.__default', attempt: 2 }];
      return record.id === 'test' ? [{ ...failed, id: 'failed', parentId: 'job', order: 2 }] : [record];
    });
    return {
      ...run,
      records,
      testResults: first,
      testRuns: [{ id: id * 10 + 1, attempt: 1, job: TEST_JOB }],
    };
  }

  const ATTEMPT_2 = { 'System.JobAttempt': '2', 'System.PhaseAttempt': '2', 'System.StageAttempt': '2' };

  it('a rerun that failed before its tests published lists none of the attempt it reran, and says what failed', async () => {
    const attempt1 = [result('checks_out', 'Failed', 9871), result('adds_tax', 'Failed', 9871)];
    const restore: TimelineRecordSeed = {
      type: 'Task',
      name: 'Restore packages',
      task: 'DotNetCoreCLI',
      result: 'failed',
      logId: 4,
      issues: [
        { type: 'error', message: 'error NU1301: Unable to load the service index for source nuget.org' },
      ],
    };
    await session.emulator.seedBuild(rerunFailedBeforeTests(987, attempt1, restore));
    const run = await session.run({ variables: buildVariables(987, ATTEMPT_2) });
    const html = body((await session.items(1, run))[0]!);
    assert.ok(html.includes('Restore packages'), html);
    assert.ok(html.includes('NU1301'), html);
    assert.ok(!html.includes('checks_out') && !html.includes('adds_tax'), html);
    assert.doesNotMatch(html, /tests? failed/, html);
  });

  it('files for a rerun whose test step found no results, though attempt 1 failed only through flaky tests', async () => {
    const flaky = {
      ...result('checks_out', 'Failed', 9881),
      customFields: [{ fieldName: 'IsTestResultFlaky', value: true }],
    };
    const vstest: TimelineRecordSeed = {
      type: 'Task',
      name: 'VsTest - unit tests',
      task: 'VSTest',
      result: 'failed',
      issues: [{ type: 'error', message: 'No test result files matching **/*.trx were found.' }],
    };
    await session.emulator.seedBuild(rerunFailedBeforeTests(988, [flaky], vstest));
    const run = await session.run({
      variables: buildVariables(988, ATTEMPT_2),
      inputs: { flakyTests: 'ignore' },
    });
    const html = body((await session.items(1, run))[0]!);
    assert.ok(html.includes('No test result files'), html);
    assert.ok(!html.includes('checks_out'), html);
  });

  it('a redeployed release environment lists only the failures of the deployment it runs in', async () => {
    const seed = redeployedRelease(63, 2, {
      testResults: [
        result('checks_out', 'Failed', 6301),
        result('adds_tax', 'Failed', 6302),
        { ...result('sends_receipt', 'Passed', 6302), resultGroupType: 'rerun' },
      ],
      testRuns: [
        { id: 6301, attempt: 1 },
        { id: 6302, attempt: 2 },
      ],
    });
    const { webUrl } = await session.emulator.seedRelease(seed);
    const run = await session.run({
      variables: { ...releaseVariables(63, 'Failed', webUrl), 'Release.AttemptNumber': '2' },
    });
    const html = body((await session.items(1, run))[0]!);
    assert.match(html, /<p>1 test failed: /);
    assert.ok(html.includes('<b>WebApp.Tests.adds_tax</b>'), html);
    assert.ok(!html.includes('checks_out'), html);
    // What passed only on a rerun within the deployment is flaky, as the run's own statistics say.
    const flaky = html.indexOf('<h4>Flaky tests</h4>');
    assert.ok(flaky > 0 && html.indexOf('WebApp.Tests.sends_receipt') > flaky, html);
    // The query sums up each run without its attempt: each one is read on its own.
    const reads = (await session.emulator.requests())
      .filter((r) => /\/_apis\/test\/runs\/\d+$/i.test(r.path))
      .map((r) => `${r.path.replace(/^.*\/_apis\//, '')} ${r.status}`)
      .sort();
    assert.deepEqual(reads, ['test/runs/6301 200', 'test/runs/6302 200']);
  });

  it('a release environment with more runs than one page of Runs - Query holds: the redeployment’s are read too', async () => {
    // Attempt 1 published 100 runs (one per machine of a deployment group, say); attempt 2 its own run after them.
    const firstRuns = Array.from({ length: 100 }, (_, i) => 64001 + i);
    const seed = redeployedRelease(64, 2, {
      testResults: [
        ...firstRuns.map((runId) => result(`machine_${runId}`, 'Passed', runId)),
        result('adds_tax', 'Failed', 64200),
      ],
      testRuns: [...firstRuns.map((id) => ({ id, attempt: 1 })), { id: 64200, attempt: 2 }],
    });
    const { webUrl } = await session.emulator.seedRelease(seed);
    const run = await session.run({
      variables: { ...releaseVariables(64, 'Failed', webUrl), 'Release.AttemptNumber': '2' },
    });
    const html = body((await session.items(1, run))[0]!);
    assert.match(html, /<p>1 test failed: /);
    assert.ok(html.includes('<b>WebApp.Tests.adds_tax</b>'), html);
    const queries = (await session.emulator.requests()).filter((r) => /\/_apis\/test\/runs$/i.test(r.path));
    assert.deepEqual(
      queries.map((r) => [r.query['$top'], r.query['continuationToken'] !== undefined, r.status]),
      [
        ['100', false, 200],
        ['100', true, 200],
      ],
    );
  });

  /**
   * A deployment group of `machines` targets deployed `deployments` times, an hour apart, each target publishing a
   * run a second after the one before; the last deployment's runs are the newest, one test failing (run 70000 +
   * its first target). Runs the task then: it runs in the last deployment.
   */
  async function redeployedGroup(
    machines: number,
    deployments: number,
  ): Promise<{ html: string; reads: number[] }> {
    const hour = 60 * 60 * 1000;
    const attempts = Array.from({ length: deployments }, (_, i) => i + 1);
    const failing = 65000 + deployments * 1000;
    const runs = attempts.flatMap((attempt) =>
      Array.from({ length: machines }, (_, m) => ({
        id: 65000 + attempt * 1000 + m,
        attempt,
        createdOn: new Date(Date.now() - (deployments - attempt) * hour + m * 1000).toISOString(),
      })),
    );
    const seed = redeployedRelease(65, deployments, {
      testResults: runs.map(({ id, attempt }) =>
        result(
          id === failing ? 'adds_tax' : `machine_${id}`,
          attempt === deployments && id !== failing ? 'Passed' : 'Failed',
          id,
        ),
      ),
      testRuns: runs,
    });
    const { webUrl } = await session.emulator.seedRelease(seed);
    const run = await session.run({
      variables: { ...releaseVariables(65, 'Failed', webUrl), 'Release.AttemptNumber': String(deployments) },
    });
    const html = body((await session.items(1, run))[0]!);
    const reads = (await session.emulator.requests())
      .filter((r) => /\/_apis\/test\/runs\/\d+$/i.test(r.path))
      .map((r) => Number(r.path.replace(/^.*\//, '')));
    return { html, reads };
  }

  it('a deployment group redeployed: the runs of the earlier deployments are not each read on their own', async () => {
    const { html, reads } = await redeployedGroup(50, 5);
    assert.match(html, /<p>1 test failed: /);
    assert.ok(html.includes('<b>WebApp.Tests.adds_tax</b>'), html);
    // Every run of the fifth deployment is read whole; of the earlier ones, at most those read beside the first
    // older run found (six at a time), not all 200.
    const current = reads.filter((id) => id >= 70000);
    assert.equal(current.length, 50);
    assert.ok(reads.length <= 50 + 6, `${reads.length} runs read on their own`);
  });

  it('a deployment group of 200 targets redeployed: the sixth deployment’s runs, past 1,000, are read', async () => {
    const { html, reads } = await redeployedGroup(200, 6);
    assert.match(html, /<p>1 test failed: /);
    assert.ok(html.includes('<b>WebApp.Tests.adds_tax</b>'), html);
    assert.equal(reads.filter((id) => id >= 71000).length, 200);
  });
});

// A matrix runs one job per leg, each publishing its own test run: a test that fails in two legs has a result in
// each, and the item tells them apart by the job that ran them.
describe('packaged task: one test failing in two legs of a matrix', function () {
  const session = useSession();

  /** Build `id` whose legs linux and windows each publish a test run (`id * 10 + 1`, `+ 2`) failing checks_out. */
  async function seedMatrix(id: number): Promise<void> {
    const run = failedYamlRun(id);
    const leg = (name: string, order: number): TimelineRecordSeed[] => [
      {
        id: `job-${name}`,
        parentId: 'phase',
        type: 'Job',
        name: `Test ${name}`,
        state: 'completed',
        result: 'failed',
        order,
        identifier: `Build.Test.${name}`,
        attempt: 1,
      },
      {
        id: `test-${name}`,
        parentId: `job-${name}`,
        type: 'Task',
        name: 'Run tests',
        task: 'VSTest',
        order: 1,
        result: 'failed',
      },
    ];
    const [linux, windows] = [id * 10 + 1, id * 10 + 2];
    await session.emulator.seedBuild({
      ...run,
      records: [...(run.records ?? []), ...leg('linux', 2), ...leg('windows', 3)],
      testResults: [
        result('checks_out', 'Failed', linux),
        result('checks_out', 'Failed', windows),
        result('adds_tax', 'Failed', windows),
      ],
      testRuns: [
        { id: linux, job: { stage: 'Build', phase: 'Test', job: 'linux' } },
        { id: windows, job: { stage: 'Build', phase: 'Test', job: 'windows' } },
      ],
    });
  }

  it('lists each result with the job it failed in; a test that failed in one leg is listed plainly', async () => {
    await seedMatrix(988);
    const html = body((await session.items(1, await session.run({ variables: buildVariables(988) })))[0]!);
    assert.match(html, /<p>3 tests failed: /);
    assert.ok(
      html.includes('<li><b>WebApp.Tests.checks_out</b> in job <i>Test linux</i>: new in this run'),
      html,
    );
    assert.ok(
      html.includes('<li><b>WebApp.Tests.checks_out</b> in job <i>Test windows</i>: new in this run'),
      html,
    );
    assert.ok(html.includes('<li><b>WebApp.Tests.adds_tax</b>: new in this run'), html);
  });

  it('perTest: one item for the test, saying each job it failed in', async () => {
    await seedMatrix(989);
    const run = await session.run({ variables: buildVariables(989), inputs: { trackTests: 'perTest' } });
    const items = await session.items(3, run);
    const checksOut = items.find((item) => title(item).startsWith('WebApp.Tests.checks_out fails'));
    const addsTax = items.find((item) => title(item).startsWith('WebApp.Tests.adds_tax fails'));
    assert.ok(checksOut && addsTax, items.map(title).join('\n'));
    assert.ok(
      body(checksOut).includes('<p>Failed in job <i>Test linux</i>, job <i>Test windows</i>.</p>'),
      body(checksOut),
    );
    assert.ok(body(addsTax).includes('<p>Failed in job <i>Test windows</i>.</p>'), body(addsTax));
  });
});
