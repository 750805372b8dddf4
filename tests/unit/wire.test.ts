import * as assert from 'node:assert/strict';
import {
  newestAttempts,
  ofDeployment,
  releaseDeployment,
  testResult,
  testRunCounts,
  timelineRecord,
  WireDeployPhase,
  WireRelease,
  WireTestRun,
} from '../../tasks/PipelineWorkItem/src/ado/wire';
import type { ReleaseRun } from '../../tasks/PipelineWorkItem/src/facts/context';

// The REST shapes of timelines and releases, as the service sends them, in the task's model.

// A timeline record the service sent without any of its fields, as the task's model holds it.
const EMPTY_RECORD = {
  id: '',
  parentId: undefined,
  type: '',
  name: '',
  order: 0,
  completed: false,
  result: undefined,
  issues: [],
  logId: undefined,
};
describe('wire: timeline records', () => {
  it('a completed failed task with its errors and warnings and its log', () => {
    assert.deepEqual(
      timelineRecord({
        id: 't1',
        parentId: 'j1',
        type: 'Task',
        name: 'Run tests',
        order: 3,
        state: 'completed',
        result: 'failed',
        issues: [
          { type: 'error', message: 'Tests failed' },
          { type: 'Warning', message: 'Slow' },
          { type: 'info', message: 'ignored' },
          { type: 'error' },
        ],
        log: { id: 12 },
      }),
      {
        id: 't1',
        parentId: 'j1',
        type: 'Task',
        name: 'Run tests',
        order: 3,
        completed: true,
        result: 'failed',
        issues: [
          { type: 'error', message: 'Tests failed' },
          { type: 'warning', message: 'Slow' },
          { type: 'error', message: '' },
        ],
        logId: 12,
      },
    );
  });

  it('a record still running, with nothing but its id', () => {
    assert.deepEqual(
      timelineRecord({ id: 'j2', parentId: null, state: 'inProgress', result: null, issues: null }),
      { ...EMPTY_RECORD, id: 'j2', running: true },
    );
    assert.deepEqual(timelineRecord({}), EMPTY_RECORD);
  });

  it('a record is running while in progress, in any case; not while pending, once completed or without a state', () => {
    const running = (state: string | undefined) => timelineRecord({ state }).running;
    assert.deepEqual(
      ['pending', 'inProgress', 'InProgress', 'completed', 'Completed', '', undefined, 'queued'].map(running),
      [undefined, true, true, undefined, undefined, undefined, undefined, undefined],
    );
  });

  it('a job keeps its identifier and attempt, in any case of its type; other records and a job without both do not', () => {
    const job = { id: 'j3', type: 'Job', identifier: 'Build.Test.linux', attempt: 2 };
    assert.deepEqual(timelineRecord(job), {
      ...EMPTY_RECORD,
      id: 'j3',
      type: 'Job',
      identifier: 'Build.Test.linux',
      attempt: 2,
    });
    assert.equal(timelineRecord({ ...job, type: 'job' }).attempt, 2);
    for (const other of [
      { ...job, type: 'Phase' },
      { ...job, identifier: null },
      { ...job, identifier: '' },
      { ...job, attempt: undefined },
    ]) {
      const decoded = timelineRecord(other);
      assert.ok(!('identifier' in decoded) && !('attempt' in decoded), JSON.stringify(other));
    }
  });

  const RESULTS: [string | null, string | undefined][] = [
    ['succeeded', 'succeeded'],
    ['Success', 'succeeded'],
    ['succeededWithIssues', 'succeededWithIssues'],
    ['partiallySucceeded', 'succeededWithIssues'],
    ['Failed', 'failed'],
    ['failure', 'failed'],
    ['canceled', 'canceled'],
    ['Cancelled', 'canceled'],
    ['abandoned', 'canceled'],
    ['skipped', 'skipped'],
    ['pending', undefined],
    ['', undefined],
    [null, undefined],
  ];
  for (const [wire, result] of RESULTS) {
    it(`result ${JSON.stringify(wire)} is ${String(result)}`, () => {
      assert.equal(timelineRecord({ result: wire }).result, result);
    });
  }
});

describe('wire: a release’s deployment', () => {
  const task = (id: number | undefined, name: string, status: string, lineCount?: number) => ({
    id,
    name,
    status,
    lineCount,
    issues: [{ issueType: 'Error', message: `${name} broke` }],
  });

  const RELEASE: WireRelease = {
    environments: [
      { id: 2, name: 'Staging', deploySteps: [{ attempt: 1, releaseDeployPhases: [] }] },
      {
        id: 3,
        name: 'Production',
        deploySteps: [
          {
            attempt: 1,
            releaseDeployPhases: [
              {
                id: 7,
                name: 'Agent job',
                deploymentJobs: [
                  { job: { name: 'Deploy web', status: 'failed' }, tasks: [task(1, 'Old', 'failed')] },
                ],
              },
            ],
          },
          {
            attempt: 2,
            releaseDeployPhases: [
              {
                id: 8,
                name: 'Agent job',
                deploymentJobs: [
                  {
                    job: { name: 'Deploy web', status: 'InProgress', timelineRecordId: '5e1c-77' },
                    tasks: [
                      task(4, 'Download', 'succeeded', 12),
                      task(5, 'Deploy', 'failed', 300),
                      task(undefined, 'Odd', 'failed'),
                    ],
                  },
                  { tasks: [] },
                ],
              },
              { name: 'Gate' },
            ],
          },
        ],
      },
    ],
    artifacts: [
      { alias: '_WebApp-CI', definitionReference: { version: { name: '20261129.3' } } },
      { alias: 'tools' },
      { definitionReference: { version: { name: '7' } } },
    ],
  };

  const run = (environmentId: number | undefined, attempt: number | undefined): ReleaseRun => ({
    id: 57,
    name: 'Release-57',
    definitionName: 'WebApp-CD',
    environmentId,
    attempt,
  });

  it('the attempt this run deploys, by the environment’s id: jobs, tasks with their logs, artifacts', () => {
    assert.deepEqual(releaseDeployment(RELEASE, run(3, 2), 'ignored'), {
      environment: 'Production',
      jobs: [
        {
          id: '5e1c-77',
          name: 'Deploy web',
          running: true,
          result: undefined,
          tasks: [
            {
              name: 'Download',
              result: 'succeeded',
              issues: [{ type: 'error', message: 'Download broke' }],
              log: { kind: 'release', environmentId: 3, deployPhaseId: 8, taskId: 4, lineCount: 12 },
            },
            {
              name: 'Deploy',
              result: 'failed',
              issues: [{ type: 'error', message: 'Deploy broke' }],
              log: { kind: 'release', environmentId: 3, deployPhaseId: 8, taskId: 5, lineCount: 300 },
            },
            {
              name: 'Odd',
              result: 'failed',
              issues: [{ type: 'error', message: 'Odd broke' }],
              log: undefined,
            },
          ],
        },
        { id: '', name: 'Agent job', result: undefined, tasks: [] },
      ],
      artifacts: ['_WebApp-CI 20261129.3', 'tools', '7'],
    });
  });

  it('the phases that failed or were canceled with no job of theirs that did, with their error log', () => {
    const phases = (...releaseDeployPhases: WireDeployPhase[]): WireRelease => ({
      environments: [{ id: 3, name: 'Production', deploySteps: [{ attempt: 1, releaseDeployPhases }] }],
    });
    const deployment = releaseDeployment(
      phases(
        { name: 'Deploy web', status: 'failed', errorLog: ' No agent found in pool Default.\n' },
        { name: 'Approval', status: 'Canceled', errorLog: '' },
        {
          name: 'Smoke test',
          status: 'failed',
          deploymentJobs: [{ job: { name: 'Smoke test', status: 'failed' }, tasks: [] }],
        },
        { name: 'Report', status: 'inProgress' },
        { name: 'Gate', status: 'skipped' },
        { status: 'failed', deploymentJobs: [{ tasks: [] }] },
      ),
      run(3, 1),
      'Production',
    );
    assert.deepEqual(deployment?.phasesEnded, [
      { name: 'Deploy web', result: 'failed', error: 'No agent found in pool Default.' },
      { name: 'Approval', result: 'canceled' },
      { name: '', result: 'failed' },
    ]);
    assert.equal(
      releaseDeployment(phases({ name: 'Deploy', status: 'succeeded' }), run(3, 1), 'x')?.phasesEnded,
      undefined,
    );
  });

  it('an earlier attempt when the run names it; the latest when the run names none', () => {
    const first = releaseDeployment(RELEASE, run(3, 1), 'Production');
    assert.deepEqual(
      first?.jobs.map((job) => [job.name, job.result, job.tasks.map((t) => t.log?.deployPhaseId)]),
      [['Deploy web', 'failed', [7]]],
    );
    const latest = releaseDeployment(RELEASE, run(3, undefined), 'Production');
    assert.deepEqual(
      latest?.jobs[0]?.tasks.map((t) => t.name),
      ['Download', 'Deploy', 'Odd'],
    );
    const unknownAttempt = releaseDeployment(RELEASE, run(3, 9), 'Production');
    assert.deepEqual(
      unknownAttempt?.jobs[0]?.tasks.map((t) => t.name),
      ['Download', 'Deploy', 'Odd'],
    );
    // The latest is the highest attempt, in whatever order the steps are listed.
    const production = RELEASE.environments?.[1];
    const newestListedFirst: WireRelease = {
      environments: [{ ...production, deploySteps: [...(production?.deploySteps ?? [])].reverse() }],
    };
    assert.deepEqual(
      releaseDeployment(newestListedFirst, run(3, undefined), 'Production')?.jobs[0]?.tasks.map(
        (t) => t.name,
      ),
      ['Download', 'Deploy', 'Odd'],
    );
  });

  it('the environment by name when the run has no environment id; undefined when it is not there', () => {
    assert.equal(releaseDeployment(RELEASE, run(undefined, undefined), 'Staging')?.environment, 'Staging');
    assert.deepEqual(releaseDeployment(RELEASE, run(undefined, undefined), 'Staging')?.jobs, []);
    assert.equal(releaseDeployment(RELEASE, run(9, 1), 'Production'), undefined);
    assert.equal(releaseDeployment(RELEASE, run(undefined, 1), 'QA'), undefined);
    assert.equal(releaseDeployment({}, run(3, 1), 'Production'), undefined);
  });

  it('an environment without a name, steps or artifacts: the name the run knows, no jobs', () => {
    assert.deepEqual(releaseDeployment({ environments: [{ id: 4 }] }, run(4, 1), 'QA'), {
      environment: 'QA',
      jobs: [],
      artifacts: [],
    });
    // A job listed without its tasks has none.
    const notStarted: WireRelease = {
      environments: [
        { id: 4, deploySteps: [{ releaseDeployPhases: [{ deploymentJobs: [{ job: { name: 'Web' } }] }] }] },
      ],
    };
    assert.deepEqual(
      releaseDeployment(notStarted, run(4, undefined), 'QA')?.jobs.map((job) => [job.name, job.tasks]),
      [['Web', []]],
    );
    // A task without an id, or a phase without one, has no log address.
    const noPhaseId: WireRelease = {
      environments: [
        { id: 4, deploySteps: [{ releaseDeployPhases: [{ deploymentJobs: [{ tasks: [{ id: 1 }] }] }] }] },
      ],
    };
    assert.deepEqual(releaseDeployment(noPhaseId, run(4, undefined), 'QA')?.jobs, [
      {
        id: '',
        name: '',
        result: undefined,
        tasks: [{ name: '', result: undefined, issues: [], log: undefined }],
      },
    ]);
    const noEnvironmentId: WireRelease = {
      environments: [
        {
          name: 'QA',
          deploySteps: [
            { releaseDeployPhases: [{ id: 2, deploymentJobs: [{ tasks: [{ id: 1, lineCount: 5 }] }] }] },
          ],
        },
      ],
    };
    assert.equal(
      releaseDeployment(noEnvironmentId, run(undefined, undefined), 'QA')?.jobs[0]?.tasks[0]?.log,
      undefined,
    );
    const withIds: WireRelease = {
      environments: [
        {
          id: 4,
          deploySteps: [{ releaseDeployPhases: [{ id: 2, deploymentJobs: [{ tasks: [{ id: 1 }] }] }] }],
        },
      ],
    };
    // A task without a line count, as Releases - Get Release gives them: its length is unknown, not 0.
    assert.deepEqual(releaseDeployment(withIds, run(4, undefined), 'QA')?.jobs[0]?.tasks[0]?.log, {
      kind: 'release',
      environmentId: 4,
      deployPhaseId: 2,
      taskId: 1,
      lineCount: undefined,
    });
  });
});

describe('wire: test runs and results', () => {
  const WEB = { collection: 'https://dev.azure.com/fabrikam/', project: 'Web App' };
  const flagged = (customFields: { fieldName?: string; value?: unknown }[]): boolean | undefined =>
    testResult({ id: 1, customFields }, 7, WEB)?.flagged;

  it('a result is flaky when flaky detection flags it or gives it an outcome confidence of 0, and only then', () => {
    assert.equal(flagged([{ fieldName: 'IsTestResultFlaky', value: true }]), true);
    assert.equal(flagged([{ fieldName: 'IsTestResultFlaky', value: 'True' }]), true);
    assert.equal(flagged([{ fieldName: 'OutcomeConfidence', value: 0 }]), true);
    assert.equal(flagged([{ fieldName: 'OutcomeConfidence', value: '0' }]), true);
    // One field that flags it is enough, whatever the others say.
    assert.equal(
      flagged([
        { fieldName: 'Owner', value: 'true' },
        { fieldName: 'IsTestResultFlaky', value: 'true' },
      ]),
      true,
    );
    assert.equal(flagged([{ fieldName: 'IsTestResultFlaky', value: false }]), false);
    assert.equal(flagged([{ fieldName: 'OutcomeConfidence', value: 1 }]), false);
    assert.equal(flagged([{ fieldName: 'OutcomeConfidence', value: '' }]), false);
    assert.equal(flagged([{ fieldName: 'Owner', value: 'true' }]), false);
    assert.equal(flagged([{ fieldName: 'Priority', value: 0 }]), false);
    assert.equal(flagged([]), false);
  });

  it('failing since: a release with a usable id, else the build, else nothing', () => {
    const since = (failingSince: object) => testResult({ id: 1, failingSince }, 7, WEB)?.failingSince;
    assert.deepEqual(since({ release: { id: 0 }, build: { id: 812, number: '20261206.3' }, date: 'd' }), {
      run: {
        kind: 'build',
        id: 812,
        name: '20261206.3',
        url: 'https://dev.azure.com/fabrikam/Web%20App/_build/results?buildId=812',
      },
      date: 'd',
    });
    assert.deepEqual(since({ release: { id: 57 } })?.run, {
      kind: 'release',
      id: 57,
      name: '57',
      url: 'https://dev.azure.com/fabrikam/Web%20App/_releaseProgress?releaseId=57&_a=release-pipeline-progress',
    });
    assert.equal(since({ build: { id: 0 } }), undefined);
    assert.equal(since({ date: 'd' }), undefined);
    assert.equal(since({ build: { id: 1.5 } }), undefined);
  });

  it('failed counts every outcome of a failure; warnings, inconclusive and tests not run are none', () => {
    const runStatistics = [
      { outcome: 'Failed', count: 1 },
      { outcome: 'Failed', count: 2, resultMetadata: 'flaky' },
      { outcome: 'aborted', count: 3 },
      { outcome: 'Timeout', count: 4 },
      { outcome: 'Error', count: 5, resultMetadata: 'Flaky' },
      { outcome: 'Warning', count: 10 },
      { outcome: 'Inconclusive', count: 20 },
      { outcome: 'NotExecuted', count: 40 },
      { outcome: 'Passed', count: 80 },
      { outcome: 'Passed', count: 160, resultMetadata: 'rerun' },
    ];
    assert.deepEqual(testRunCounts({ id: 4, runStatistics }), {
      id: 4,
      failed: 15,
      passed: 240,
      passedOnRerun: 160,
      flaky: 7,
    });
  });

  it('a run keeps its title, when it has one', () => {
    assert.equal(testRunCounts({ id: 5, name: 'VSTest_TestResults_812' })?.name, 'VSTest_TestResults_812');
    assert.equal('name' in (testRunCounts({ id: 5, name: '' }) ?? {}), false);
  });

  it('a run without statistics: failed is what is neither passed, incomplete nor not applicable', () => {
    assert.deepEqual(
      testRunCounts({ id: 3, totalTests: 10, passedTests: 5, incompleteTests: 2, notApplicableTests: 1 }),
      { id: 3, failed: 2, passed: 5, passedOnRerun: 0, flaky: 0 },
    );
  });

  it('an artifact without a version is named by its alias alone', () => {
    const release: WireRelease = {
      environments: [{ id: 1, name: 'QA' }],
      artifacts: [{ alias: 'drop', definitionReference: {} }],
    };
    const run = { id: 5, name: 'Release-5', definitionName: 'CD', environmentId: 1, attempt: 1 };
    assert.deepEqual(releaseDeployment(release, run, 'QA')?.artifacts, ['drop']);
  });

  it('the project of the build the release deploys: its primary artifact’s, when that is a build', () => {
    const run = { id: 5, name: 'Release-5', definitionName: 'CD', environmentId: 1, attempt: 1 };
    const at = (artifacts: WireRelease['artifacts']) =>
      releaseDeployment({ environments: [{ id: 1, name: 'QA' }], artifacts }, run, 'QA')?.buildProject;
    const mobile = { project: { id: 'p-mobile' } };
    assert.equal(
      at([
        { alias: 'tools', type: 'Build', definitionReference: { project: { id: 'p-tools' } } },
        { alias: 'app', type: 'Build', isPrimary: true, definitionReference: mobile },
      ]),
      'p-mobile',
    );
    assert.equal(
      at([{ alias: 'src', type: 'GitHub', isPrimary: true, definitionReference: mobile }]),
      undefined,
    );
    assert.equal(at([{ alias: 'app', type: 'Build', definitionReference: mobile }]), undefined, 'no primary');
    assert.equal(at([{ alias: 'app', type: 'Build', isPrimary: true }]), undefined);
    assert.equal(at([{ alias: 'app', isPrimary: true, definitionReference: mobile }]), undefined, 'no type');
    // Named as the project's settings name it, which a request takes as well as its id.
    const named = { project: { id: 'p-mobile', name: 'Mobile' } };
    assert.equal(
      at([{ alias: 'app', type: 'Build', isPrimary: true, definitionReference: named }]),
      'Mobile',
    );
  });
});

describe('wire: the test runs of the newest attempt', () => {
  /** A run published by `job` (stage/phase/job names) in `attempts` (of the stage, the phase, the job). */
  const run = (id: number, job: string, ...attempts: (number | undefined)[]): WireTestRun => {
    const [stageName, phaseName, jobName] = job.split('/');
    const [stage, phase, jobAttempt] = attempts;
    return {
      id,
      pipelineReference: {
        stageReference: { stageName, attempt: stage },
        phaseReference: { phaseName, attempt: phase },
        jobReference: { jobName, attempt: jobAttempt },
      },
    };
  };
  const ids = (runs: readonly WireTestRun[]): (number | undefined)[] => runs.map((r) => r.id);

  it('a rerun job keeps only its newest attempt’s runs, every one of them; a job not run again keeps its own', () => {
    const runs = [
      run(1, 'Build/Test/__default', 1, 1, 1),
      run(2, 'Build/Test/__default', 1, 1, 1),
      run(3, 'Build/Lint/__default', 1, 1, 1),
      run(4, 'Build/Test/__default', 2, 2, 2),
      run(5, 'Build/Test/__default', 2, 2, 2),
    ];
    assert.deepEqual(ids(newestAttempts(runs)), [3, 4, 5]);
  });

  it('the newest attempt whatever the order the runs are listed in, of each matrix leg and stage apart', () => {
    const runs = [
      run(7, 'Build/Test/linux', 3, 3, 3),
      run(8, 'Build/Test/windows', 1, 1, 1),
      run(9, 'Build/Test/linux', 1, 1, 1),
      run(10, 'Build/Test/linux', 2, 2, 2),
      // The same phase and job names in another stage are another job.
      run(11, 'Deploy/Test/linux', 1, 1, 1),
    ];
    assert.deepEqual(ids(newestAttempts(runs)), [7, 8, 11]);
  });

  it('a later stage attempt is newer first, then a later phase attempt, then a later job attempt', () => {
    const of = (...runs: WireTestRun[]) => ids(newestAttempts(runs));
    assert.deepEqual(of(run(1, 'S/P/J', 2, 1, 1), run(2, 'S/P/J', 1, 5, 5)), [1]);
    assert.deepEqual(of(run(1, 'S/P/J', 1, 1, 4), run(2, 'S/P/J', 1, 2, 1)), [2]);
    assert.deepEqual(of(run(1, 'S/P/J', 1, 1, 2), run(2, 'S/P/J', 1, 1, 1)), [1]);
    // A level without an attempt counts as before the first.
    assert.deepEqual(of(run(1, 'S/P/J', undefined, 1, 1), run(2, 'S/P/J', 1, 1, 1)), [2]);
  });

  it('a run that names no attempt is kept, as an older server lists it', () => {
    const runs = [
      { id: 1 },
      { id: 2, pipelineReference: null },
      { id: 3, pipelineReference: { stageReference: { stageName: 'Build' } } },
      run(4, 'Build/Test/__default', 1, 1, 1),
      run(5, 'Build/Test/__default', 2, 2, 2),
    ];
    assert.deepEqual(ids(newestAttempts(runs)), [1, 2, 3, 5]);
  });

  it('a release environment’s runs of the deployment’s attempt; all of them when either attempt is unknown', () => {
    const runs: WireTestRun[] = [
      { id: 1, release: { attempt: 1 } },
      { id: 2, release: { attempt: 2 } },
      { id: 3, release: {} },
      { id: 4, release: null },
      { id: 5 },
    ];
    assert.deepEqual(ids(ofDeployment(runs, 2)), [2, 3, 4, 5]);
    assert.deepEqual(ids(ofDeployment(runs, 1)), [1, 3, 4, 5]);
    assert.deepEqual(ids(ofDeployment(runs, undefined)), [1, 2, 3, 4, 5]);
  });
});
