import * as assert from 'node:assert/strict';
import {
  factsFromRelease,
  factsFromTimeline,
  jobKey,
  stepPath,
} from '../../tasks/PipelineWorkItem/src/facts/runFacts';
import { Issue, Outcome, ReleaseJob, TimelineRecord } from '../../tasks/PipelineWorkItem/src/facts/model';
import { releaseDeployment, timelineRecord } from '../../tasks/PipelineWorkItem/src/ado/wire';
import { timelineRecordOf } from './fixtures';

const record = timelineRecordOf;

// Stage Build › job Test (failed: "npm test" failed) and job Lint (succeeded); stage Report runs this task.
const timeline: TimelineRecord[] = [
  record({ id: 's1', type: 'Stage', name: 'Build', result: 'failed' }),
  record({ id: 'p1', parentId: 's1', type: 'Phase', name: 'Test' }),
  record({ id: 'j1', parentId: 'p1', type: 'Job', name: 'Unit tests', result: 'failed' }),
  record({ id: 't1', parentId: 'j1', type: 'Task', name: 'Checkout', order: 1 }),
  record({
    id: 't2',
    parentId: 'j1',
    type: 'Task',
    name: 'npm test',
    order: 2,
    result: 'failed',
    logId: 7,
    issues: [
      { type: 'warning', message: 'deprecated option' },
      { type: 'error', message: '3 tests failed' },
      { type: 'error', message: 'Process completed with exit code 1.' },
    ],
  }),
  record({ id: 'j2', parentId: 'p1', type: 'Job', name: 'Lint', order: 2 }),
  record({ id: 's2', type: 'Stage', name: 'Report', order: 2, completed: false, result: undefined }),
  record({ id: 'j3', parentId: 's2', type: 'Job', name: 'File bug', completed: false, result: undefined }),
];

describe('run facts', () => {
  it('finds the failed step with its stage, job, errors and first warnings', () => {
    const facts = factsFromTimeline(timeline);
    assert.deepEqual(facts.failures, [
      {
        stage: 'Build',
        job: 'Unit tests',
        step: 'npm test',
        errors: ['3 tests failed', 'Process completed with exit code 1.'],
        warnings: ['deprecated option'],
        log: { kind: 'build', logId: 7 },
      },
    ]);
    assert.equal(stepPath(facts.failures[0]!), 'Build › Unit tests › npm test');
  });

  it('counts a failed job elsewhere in the run, not this unfinished one', () => {
    assert.equal(factsFromTimeline(timeline).othersOutcome, 'failed');
    const green = timeline
      .filter((r) => r.id !== 't2')
      .map((r): TimelineRecord => ({ ...r, result: r.result && 'succeeded' }));
    assert.equal(factsFromTimeline(green).othersOutcome, 'succeeded');
  });

  describe('the other jobs still to finish', () => {
    // This task's job is a matrix leg (phase p9 of stage Test, record id a GUID the variable may spell in another
    // case); beside it: a job of the Build stage still running, another leg of its matrix waiting for an agent, a
    // job of another phase waiting (it may depend on this one), a later stage not started.
    const leg = (id: string, name: string, unfinished?: 'pending' | 'running'): TimelineRecord =>
      record({
        id,
        parentId: 'p9',
        type: 'Job',
        name,
        order: 1,
        completed: !unfinished,
        ...(unfinished && { result: undefined }),
        ...(unfinished === 'running' && { running: true }),
      });
    const running: TimelineRecord[] = [
      ...timeline,
      record({
        id: 'j4',
        parentId: 'p1',
        type: 'Job',
        name: 'Windows',
        order: 3,
        completed: false,
        running: true,
        result: undefined,
      }),
      record({
        id: 's9',
        type: 'Stage',
        name: 'Test',
        order: 3,
        completed: false,
        running: true,
        result: undefined,
      }),
      record({
        id: 'p9',
        parentId: 's9',
        type: 'Phase',
        name: 'Matrix',
        completed: false,
        running: true,
        result: undefined,
      }),
      leg('AB12-CD', 'Test linux', 'running'),
      leg('j6', 'Test windows', 'pending'),
      leg('j7', 'Test mac'),
      record({
        id: 'p8',
        parentId: 's9',
        type: 'Phase',
        name: 'Publish',
        completed: false,
        result: undefined,
      }),
      record({
        id: 'j8',
        parentId: 'p8',
        type: 'Job',
        name: 'Publish',
        completed: false,
        result: undefined,
      }),
      record({
        id: 's3',
        type: 'Stage',
        name: 'Deploy',
        order: 4,
        completed: false,
        result: undefined,
      }),
    ];

    it('names the jobs running beside it, not those that have not started (they may wait for it)', () => {
      assert.deepEqual(factsFromTimeline(running, 'ab12-cd').unfinishedJobs, ['Build › Windows']);
    });

    it('none when this job is not among the records: it could not be told from the others', () => {
      assert.equal(factsFromTimeline(running, 'elsewhere').unfinishedJobs, undefined);
      assert.equal(factsFromTimeline(running).unfinishedJobs, undefined);
    });

    it('none when the jobs beside it have finished, whatever has not started', () => {
      const done = running.filter((r) => r.id !== 'j4');
      assert.equal('unfinishedJobs' in factsFromTimeline(done, 'AB12-CD'), false);
    });

    it('in a classic build (no stages): the jobs running beside it, by their names', () => {
      const classic: TimelineRecord[] = [
        record({ id: 'p', type: 'Phase', name: 'Agent jobs', completed: false, result: undefined }),
        record({
          id: 'own',
          parentId: 'p',
          type: 'Job',
          name: 'File bug',
          completed: false,
          result: undefined,
        }),
        record({
          id: 'other',
          parentId: 'p',
          type: 'Job',
          name: 'Package',
          order: 2,
          completed: false,
          running: true,
          result: undefined,
        }),
      ];
      assert.deepEqual(factsFromTimeline(classic, 'own').unfinishedJobs, ['Package']);
    });

    it('in a release: the deployment group’s other targets running, not those still to start', () => {
      const target = (id: string, name: string, state?: 'running' | 'pending'): ReleaseJob => ({
        id,
        name,
        result: state ? undefined : 'succeeded',
        ...(state === 'running' && { running: true as const }),
        tasks: [],
      });
      const deployment = (...jobs: ReleaseJob[]) => ({ environment: 'Production', artifacts: [], jobs });
      const jobs = [
        target('0F1E-A', 'Deploy web (WEB01)', 'running'),
        target('0f1e-b', 'Deploy web (WEB02)', 'running'),
        target('0f1e-c', 'Deploy web (WEB03)', 'pending'),
        target('0f1e-d', 'Deploy web (WEB04)'),
      ];
      assert.deepEqual(factsFromRelease(deployment(...jobs), '0f1e-a').unfinishedJobs, [
        'Production › Deploy web (WEB02)',
      ]);
      assert.equal(factsFromRelease(deployment(...jobs), 'elsewhere').unfinishedJobs, undefined);
      assert.equal(factsFromRelease(deployment(...jobs)).unfinishedJobs, undefined);
      assert.equal('unfinishedJobs' in factsFromRelease(deployment(jobs[0]!, jobs[2]!), '0f1e-a'), false);
    });
  });

  it('a step the agent retried (retryCountOnTaskFailure): each error once, its attempts counted, the notices left out', () => {
    const retried = (...messages: [Issue['type'], string][]): TimelineRecord[] => [
      record({ id: 'j', type: 'Job', name: 'Deploy', order: 1, result: 'failed' }),
      record({
        id: 't',
        parentId: 'j',
        type: 'Task',
        name: 'Bash',
        order: 1,
        result: 'failed',
        issues: messages.map(([type, message]) => ({ type, message })),
      }),
    ];
    const notice = (n: number): [Issue['type'], string] => [
      'warning',
      `RetryHelper encountered task failure, will retry (attempt #: ${n} out of 2) after 1000 ms`,
    ];
    const [step] = factsFromTimeline(
      retried(
        ['error', "Bash exited with code '1'."],
        notice(1),
        ['error', "Bash exited with code '1'."],
        ['warning', 'disk almost full'],
        notice(2),
        ['error', "Bash exited with code '1'. "],
      ),
    ).failures;
    assert.deepEqual(step?.errors, ["Bash exited with code '1'."]);
    assert.deepEqual(step?.warnings, ['disk almost full']);
    assert.equal(step?.attempts, 3);
    const [once] = factsFromTimeline(retried(['error', 'boom'], ['warning', 'a RetryHelper note'])).failures;
    assert.equal('attempts' in once!, false);
    assert.deepEqual(once?.warnings, ['a RetryHelper note']);
    // The notice counts however the agent spaced it; an error in its words is the step's own, no retry.
    const [spaced] = factsFromTimeline(
      retried(['error', 'boom'], [notice(1)[0], ` ${notice(1)[1]}`]),
    ).failures;
    assert.equal(spaced?.attempts, 2);
    const [quoted] = factsFromTimeline(retried(['error', notice(1)[1]])).failures;
    assert.equal('attempts' in quoted!, false);
  });

  it('reports a stage a check or an approval failed before its jobs ran, with what the check said', () => {
    const refused: TimelineRecord[] = [
      ...timeline
        .filter((r) => r.id !== 't2')
        .map((r) => ({ ...r, result: r.result && ('succeeded' as const) })),
      record({ id: 's9', type: 'Stage', name: 'Deploy prod', order: 3, result: 'failed' }),
      record({
        id: 'c1',
        parentId: 's9',
        type: 'Checkpoint',
        name: 'Checkpoint',
        result: 'failed',
        issues: [{ type: 'error', message: 'Approval rejected by Sam Rivera.' }],
      }),
      record({
        id: 'c2',
        parentId: 'c1',
        type: 'Checkpoint.Approval',
        name: 'Approval',
        result: 'succeeded',
        issues: [{ type: 'error', message: 'not failed' }],
      }),
    ];
    assert.deepEqual(factsFromTimeline(refused).failures, [
      {
        kind: 'stage',
        stage: 'Deploy prod',
        job: '',
        step: '',
        errors: ['Approval rejected by Sam Rivera.'],
        warnings: [],
        log: undefined,
      },
    ]);
    // Beside a failed step of another stage: the stage says only what failed beneath it.
    const alsoFailing = [...refused, ...timeline.filter((r) => r.id === 't2')];
    assert.deepEqual(
      factsFromTimeline(alsoFailing).failures.map((f) => [f.stage, f.errors]),
      [
        ['Build', ['3 tests failed', 'Process completed with exit code 1.']],
        ['Deploy prod', ['Approval rejected by Sam Rivera.']],
      ],
    );
    // The stage of a pipeline without stages still names the failure.
    const implicit = refused.map((r) => (r.id === 's9' ? { ...r, name: '__default' } : r));
    assert.deepEqual(
      factsFromTimeline(implicit).failures.map((f) => f.stage),
      ['__default'],
    );
    // A stage whose job failed is told through the job, not again as a stage.
    assert.deepEqual(
      factsFromTimeline(timeline).failures.map((f) => stepPath(f)),
      ['Build › Unit tests › npm test'],
    );
  });

  it('a run without failures lists the steps that failed and let it go on (succeeded with issues), only then', () => {
    // The job and stage of such a step end with issues too: only the step is listed.
    const lenient = timeline.map((r) =>
      ['s1', 'j1', 't2'].includes(r.id)
        ? { ...r, result: 'succeededWithIssues' as const }
        : { ...r, result: r.result && ('succeeded' as const) },
    );
    assert.deepEqual(
      factsFromTimeline(lenient).failures.map((f) => [f.kind, stepPath(f), f.errors.length]),
      [['withIssues', 'Build › Unit tests › npm test', 2]],
    );
    const failing = [
      ...timeline,
      record({ id: 't3', parentId: 'j2', type: 'Task', name: 'lint', result: 'succeededWithIssues' }),
    ];
    assert.deepEqual(
      factsFromTimeline(failing).failures.map((f) => [f.kind, stepPath(f)]),
      [[undefined, 'Build › Unit tests › npm test']],
    );
    // A failed step and a job that failed without one: still failures, not a run with issues.
    const both = [
      ...failing,
      record({ id: 'j9', parentId: 'p1', type: 'Job', name: 'Agent lost', order: 5, result: 'failed' }),
    ];
    assert.deepEqual(
      factsFromTimeline(both).failures.map((f) => [f.kind, stepPath(f)]),
      [
        [undefined, 'Build › Unit tests › npm test'],
        [undefined, 'Build › Agent lost'],
      ],
    );
  });

  it('reports a job that failed without a failed step (agent lost)', () => {
    const lost = 'We stopped hearing from agent Hosted Agent.';
    const facts = factsFromTimeline([
      record({
        id: 'j',
        type: 'Job',
        name: 'Deploy',
        result: 'failed',
        issues: [{ type: 'error', message: lost }],
      }),
      record({ id: 't', parentId: 'j', type: 'Task', name: 'Deploy', result: 'canceled' }),
    ]);
    assert.deepEqual(
      facts.failures.map((f) => [stepPath(f), f.errors]),
      [['Deploy', [lost]]],
    );
  });

  it('a job canceled for running past its timeout is a failure, marked so; a job a person canceled is not', () => {
    const timedOut = (message: string): TimelineRecord[] => [
      record({ id: 'j', type: 'Job', name: 'E2E', result: 'canceled', issues: [{ type: 'error', message }] }),
      record({ id: 't', parentId: 'j', type: 'Task', name: 'npm run e2e', result: 'canceled' }),
    ];
    for (const message of [
      'The job running on agent Hosted Agent ran longer than the maximum time of 60 minutes. For more information, see https://go.microsoft.com/fwlink/?linkid=2077134',
      'Le travail a dépassé le délai. Pour plus d’informations, voir https://go.microsoft.com/fwlink/?linkid=2077134',
      'The job running on agent wtswin10 has exceeded the maximum execution time of 600.',
      'The job exceeded the maximum allowed time of 01:00:00 and was stopped.',
    ]) {
      const facts = factsFromTimeline(timedOut(message));
      assert.equal(facts.othersOutcome, 'failed', message);
      assert.deepEqual(
        facts.failures.map((f) => [f.kind, stepPath(f), f.errors]),
        [['timedOut', 'E2E', [message]]],
      );
    }
    const canceled = factsFromTimeline(timedOut('The operation was canceled.'));
    assert.equal(canceled.othersOutcome, 'canceled');
    assert.deepEqual(canceled.failures, []);
    const warned = timedOut('x').map((r) =>
      r.id === 'j'
        ? { ...r, issues: [{ type: 'warning' as const, message: 'ran longer than the maximum time' }] }
        : r,
    );
    assert.equal(factsFromTimeline(warned).othersOutcome, 'canceled', 'only an error says so');
    const alsoSaid = timedOut('ran longer than the maximum time').map((r) =>
      r.id === 'j'
        ? { ...r, issues: [...r.issues, { type: 'error' as const, message: 'Agent stopped.' }] }
        : r,
    );
    assert.deepEqual(
      factsFromTimeline(alsoSaid).failures.map((f) => f.kind),
      ['timedOut'],
      'whatever else the job says',
    );
    // Only a canceled job: the same words in a step's error, or in a finished job's, fail nothing.
    const stepSaid = timedOut('The operation was canceled.').map((r) =>
      r.id === 't'
        ? { ...r, issues: [{ type: 'error' as const, message: 'ran longer than the maximum time' }] }
        : r,
    );
    assert.deepEqual(factsFromTimeline(stepSaid).failures, []);
    const finished = timedOut('ran longer than the maximum time').map((r) => ({
      ...r,
      result: 'succeededWithIssues' as const,
    }));
    assert.equal(factsFromTimeline(finished).othersOutcome, 'succeededWithIssues');
  });

  it('leaves implicit stage and job names out of the step path', () => {
    const facts = factsFromTimeline([
      record({ id: 's', type: 'Stage', name: 'Job', result: 'failed' }),
      record({ id: 'j', parentId: 's', type: 'Job', name: 'Job', result: 'failed' }),
      record({ id: 't', parentId: 'j', type: 'Task', name: 'Build solution', result: 'failed' }),
    ]);
    assert.equal(stepPath(facts.failures[0]!), 'Build solution');
  });

  it('orders failures as the run shows them, not as the service lists them', () => {
    const facts = factsFromTimeline([
      record({ id: 'j', type: 'Job', name: 'A', result: 'failed' }),
      record({ id: 't2', parentId: 'j', type: 'Task', name: 'second', order: 2, result: 'failed' }),
      record({ id: 't1', parentId: 'j', type: 'Task', name: 'first', order: 1, result: 'failed' }),
    ]);
    assert.deepEqual(
      facts.failures.map((f) => f.step),
      ['first', 'second'],
    );
  });

  it('keeps the project of the build a release deploys, when the deployment names one', () => {
    const deployment = { environment: 'Production', artifacts: [], jobs: [] };
    assert.equal(factsFromRelease({ ...deployment, buildProject: 'WebApp' }).buildProject, 'WebApp');
    assert.equal('buildProject' in factsFromRelease(deployment), false);
  });

  it('keeps the service’s order of failures the run shows at one place', () => {
    const facts = factsFromTimeline([
      record({ id: 'j', type: 'Job', name: 'A', result: 'failed' }),
      record({ id: 't1', parentId: 'j', type: 'Task', name: 'first', result: 'failed' }),
      record({ id: 't2', parentId: 'j', type: 'Task', name: 'second', result: 'failed' }),
    ]);
    assert.deepEqual(
      facts.failures.map((f) => f.step),
      ['first', 'second'],
    );
  });

  it('reads a release deployment: failed tasks of other jobs make the run failed', () => {
    const facts = factsFromRelease({
      environment: 'Production',
      artifacts: ['_WebApp-CI 20261129.3'],
      jobs: [
        {
          id: 'job-deploy',
          name: 'Deploy web',
          result: 'failed',
          tasks: [
            { name: 'Download artifacts', result: 'succeeded', issues: [], log: undefined },
            {
              name: 'Azure App Service deploy',
              result: 'failed',
              issues: [{ type: 'error', message: 'Slot not found' }],
              log: undefined,
            },
          ],
        },
        { id: 'job-file', name: 'File bug', result: undefined, running: true, tasks: [] },
      ],
    });
    assert.equal(facts.othersOutcome, 'failed');
    assert.deepEqual(facts.artifacts, ['_WebApp-CI 20261129.3']);
    assert.deepEqual(
      facts.failures.map((f) => [stepPath(f), f.errors]),
      [['Production › Deploy web › Azure App Service deploy', ['Slot not found']]],
    );
  });
});

describe('run facts: a release deployment’s phases and issues', () => {
  const reporting: ReleaseJob = {
    id: 'job-file',
    name: 'File bug',
    result: undefined,
    running: true,
    tasks: [],
  };
  const deployed = (status: ReleaseJob['result'], issues: Issue[] = []): ReleaseJob => ({
    id: 'job-deploy',
    name: 'Deploy web',
    result: status,
    tasks: [
      { name: 'Download artifacts', result: 'succeeded', issues: [], log: undefined },
      { name: 'Azure App Service deploy', result: status, issues, log: undefined },
    ],
  });

  it('a phase that failed before its jobs ran (no agent matched its demands) is the failure, with its error log', () => {
    const facts = factsFromRelease({
      environment: 'Production',
      artifacts: [],
      jobs: [reporting],
      phasesEnded: [{ name: 'Deploy web', result: 'failed', error: 'No agent found in pool Default.' }],
    });
    assert.equal(facts.othersOutcome, 'failed');
    assert.deepEqual(facts.failures, [
      {
        stage: 'Production',
        job: 'Deploy web',
        step: '',
        errors: ['No agent found in pool Default.'],
        warnings: [],
        log: undefined,
      },
    ]);
  });

  it('a canceled phase makes the deployment canceled, and is no failure of its own', () => {
    const facts = factsFromRelease({
      environment: 'Production',
      artifacts: [],
      jobs: [reporting],
      phasesEnded: [{ name: 'Approval', result: 'canceled' }],
    });
    assert.equal(facts.othersOutcome, 'canceled');
    assert.deepEqual(facts.failures, []);
  });

  it('a deployment without failures lists the tasks that failed and let it go on, only then', () => {
    const warned = [{ type: 'warning' as const, message: "Slot 'staging' was not found." }];
    const issues = factsFromRelease({
      environment: 'Production',
      artifacts: [],
      jobs: [deployed('succeededWithIssues', warned), reporting],
    });
    assert.equal(issues.othersOutcome, 'succeededWithIssues');
    assert.deepEqual(
      issues.failures.map((f) => [f.kind, stepPath(f), f.warnings]),
      [
        [
          'withIssues',
          'Production › Deploy web › Azure App Service deploy',
          ["Slot 'staging' was not found."],
        ],
      ],
    );
    const failed = factsFromRelease({
      environment: 'Production',
      artifacts: [],
      jobs: [deployed('succeededWithIssues', warned), reporting],
      phasesEnded: [{ name: 'Smoke test', result: 'failed' }],
    });
    assert.deepEqual(
      failed.failures.map((f) => [f.kind, stepPath(f)]),
      [[undefined, 'Production › Smoke test']],
    );
  });
});

describe('run facts at their edges', () => {
  const base = {
    parentId: undefined,
    order: 1,
    completed: true,
    result: 'succeeded' as const,
    issues: [],
    logId: undefined,
  };
  const record = (fields: Partial<TimelineRecord> & Pick<TimelineRecord, 'id' | 'type' | 'name'>) =>
    ({ ...base, ...fields }) as TimelineRecord;

  it('gives a failed step whose job record is missing, without job or log', () => {
    const facts = factsFromTimeline([
      record({
        id: 't',
        parentId: 'gone',
        type: 'Task',
        name: 'npm test',
        result: 'failed',
        issues: [{ type: 'error', message: '  exit code 1 \n' }],
      }),
    ]);
    assert.deepEqual(facts, {
      othersOutcome: undefined,
      failures: [
        { stage: '', job: '', step: 'npm test', errors: ['exit code 1'], warnings: [], log: undefined },
      ],
      artifacts: [],
    });
  });

  it('keeps the first three warnings of a step, trimmed', () => {
    const warning = (message: string) => ({ type: 'warning' as const, message });
    const facts = factsFromTimeline([
      record({
        id: 't',
        type: 'Task',
        name: 'build',
        result: 'failed',
        issues: [warning(' one '), warning('two'), warning('three'), warning('four')],
      }),
    ]);
    assert.deepEqual(facts.failures[0]?.warnings, ['one', 'two', 'three']);
  });

  const outcomes: [name: string, records: TimelineRecord[], expected: Outcome | undefined][] = [
    [
      'only completed stages and jobs count',
      [
        record({ id: 'p', type: 'Phase', name: 'p', result: 'failed' }),
        record({ id: 'c', type: 'Checkpoint', name: 'c', result: 'canceled' }),
        record({ id: 't', type: 'Task', name: 't', result: 'succeededWithIssues' }),
        record({ id: 'j', type: 'Job', name: 'j', result: 'succeeded' }),
      ],
      'succeeded',
    ],
    ['a failed stage', [record({ id: 's', type: 'Stage', name: 's', result: 'failed' })], 'failed'],
    ['a failed job', [record({ id: 'j', type: 'Job', name: 'j', result: 'failed' })], 'failed'],
    [
      'not a job that is still running',
      [record({ id: 'j', type: 'Job', name: 'j', result: 'failed', completed: false })],
      undefined,
    ],
  ];
  for (const [name, records, expected] of outcomes) {
    it(`the others' outcome: ${name}`, () =>
      assert.equal(factsFromTimeline(records).othersOutcome, expected));
  }

  it('orders steps by their order as numbers', () => {
    const facts = factsFromTimeline([
      record({ id: 'j', type: 'Job', name: 'A', result: 'failed' }),
      record({ id: 't10', parentId: 'j', type: 'Task', name: 'tenth', order: 10, result: 'failed' }),
      record({ id: 't2', parentId: 'j', type: 'Task', name: 'second', order: 2, result: 'failed' }),
    ]);
    assert.deepEqual(
      facts.failures.map((failure) => failure.step),
      ['second', 'tenth'],
    );
  });

  it('reports a release job that failed without a failed task', () => {
    const facts = factsFromRelease({
      environment: 'Production',
      artifacts: [],
      jobs: [
        {
          id: 'job-1',
          name: 'Agent job',
          result: 'failed',
          tasks: [{ name: 'Deploy', result: 'canceled', issues: [], log: undefined }],
        },
        { id: 'job-2', name: 'Smoke test', result: 'succeeded', tasks: [] },
      ],
    });
    assert.deepEqual(facts, {
      othersOutcome: 'failed',
      failures: [{ stage: 'Production', job: '', step: '', errors: [], warnings: [], log: undefined }],
      artifacts: [],
    });
  });

  it("names the task a failed step runs, as the timeline's record or the release's task says", () => {
    const build = factsFromTimeline(
      [
        { id: 'j', type: 'Job', name: 'Test', state: 'completed', result: 'failed' },
        {
          id: 'v',
          parentId: 'j',
          type: 'Task',
          name: 'Run tests',
          order: 1,
          result: 'failed',
          task: { name: 'VSTest' },
        },
        { id: 's', parentId: 'j', type: 'Task', name: 'npm test', order: 2, result: 'failed', task: null },
        { id: 'k', type: 'Job', name: 'Lint', order: 2, result: 'failed' },
      ].map(timelineRecord),
    );
    assert.deepEqual(
      build.failures.map((failure) => [failure.step, failure.task]),
      [
        ['Run tests', 'VSTest'],
        ['npm test', undefined],
        ['', undefined],
      ],
    );
    assert.ok(!('task' in build.failures[1]!), 'no task, no property');
    const deployment = releaseDeployment(
      {
        environments: [
          {
            id: 3,
            name: 'Production',
            deploySteps: [
              {
                attempt: 1,
                releaseDeployPhases: [
                  {
                    id: 4,
                    deploymentJobs: [
                      {
                        job: { name: 'Agent job', status: 'failed' },
                        tasks: [
                          {
                            id: 5,
                            name: 'Publish results',
                            status: 'failed',
                            task: { name: 'PublishTestResults' },
                          },
                          { id: 6, name: 'Smoke', status: 'failed' },
                        ],
                      },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
      { id: 57, name: 'Release-57', definitionName: 'WebApp-CD', environmentId: 3, attempt: 1 },
      'Production',
    );
    assert.deepEqual(
      factsFromRelease(deployment!).failures.map((failure) => [failure.step, failure.task]),
      [
        ['Publish results', 'PublishTestResults'],
        ['Smoke', undefined],
      ],
    );
  });
});

describe('run facts: the attempt each job is in', () => {
  const job = (id: string, identifier: string | undefined, attempt: number | undefined): TimelineRecord =>
    record({ id, parentId: 'p1', type: 'Job', name: id, ...(identifier && { identifier }), attempt });

  it('names each job of the timeline by its identifier, in one case, with its attempt', () => {
    const facts = factsFromTimeline([
      ...timeline,
      job('rerun', 'Build.Test.__default', 2),
      job('leg', 'Build.Test.Linux', 1),
      job('no stages', '__default.Job.__default', 3),
    ]);
    assert.deepEqual(
      [...(facts.jobAttempts ?? [])],
      [
        ['build.test.__default', 2],
        ['build.test.linux', 1],
        ['job.__default', 3],
      ],
    );
  });

  it('names each job of the timeline by its display name, under the same key', () => {
    const facts = factsFromTimeline([
      ...timeline,
      record({
        id: 'l',
        parentId: 'p1',
        type: 'Job',
        name: 'Test linux',
        identifier: 'Build.Test.linux',
        attempt: 1,
      }),
      record({
        id: 'w',
        parentId: 'p1',
        type: 'job',
        name: 'Test windows',
        identifier: 'Build.Test.windows',
      }),
      record({ id: 's', parentId: 'l', type: 'Task', name: 'A step', identifier: 'Build.Test.linux.step' }),
      record({ id: 'u', parentId: 'p1', type: 'Job', name: '', identifier: 'Build.Test.unnamed' }),
    ]);
    assert.deepEqual(
      [...(facts.jobNames ?? [])],
      [
        ['build.test.linux', 'Test linux'],
        ['build.test.windows', 'Test windows'],
      ],
    );
    assert.equal('jobNames' in factsFromTimeline(timeline), false);
  });

  it('keeps the newest attempt of a job the timeline holds twice', () => {
    const facts = factsFromTimeline([
      job('a1', 'Build.Test.__default', 1),
      job('a2', 'build.test.__default', 2),
    ]);
    assert.deepEqual([...(facts.jobAttempts ?? [])], [['build.test.__default', 2]]);
    const reversed = factsFromTimeline([
      job('a2', 'Build.Test.__default', 2),
      job('a1', 'Build.Test.__default', 1),
    ]);
    assert.deepEqual([...(reversed.jobAttempts ?? [])], [['build.test.__default', 2]]);
  });

  it('has none when no job names its identifier and attempt (a classic build’s timeline)', () => {
    assert.equal('jobAttempts' in factsFromTimeline(timeline), false);
    assert.equal('jobAttempts' in factsFromTimeline([job('j', undefined, 2)]), false);
    assert.equal('jobAttempts' in factsFromTimeline([job('j', 'Build.Test.__default', undefined)]), false);
  });

  it('a job’s key: in lower case, the stage of a pipeline without stages left out', () => {
    assert.equal(jobKey('Build.Test.Linux'), 'build.test.linux');
    assert.equal(jobKey('__DEFAULT.Job.__default'), 'job.__default');
    assert.equal(jobKey('Job.__default'), 'job.__default');
    assert.equal(jobKey('Build.__default.x'), 'build.__default.x');
  });
});
