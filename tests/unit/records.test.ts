import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { readFacts } from '../../tasks/PipelineWorkItem/src/evidence/records';
import { NO_FACTS, ReleaseDeployment, TimelineRecord } from '../../tasks/PipelineWorkItem/src/facts/model';
import { factsFromRelease, factsFromTimeline } from '../../tasks/PipelineWorkItem/src/facts/runFacts';
import type { Pipelines } from '../../tasks/PipelineWorkItem/src/ports';
import { RELEASE_VARIABLES, runContext, timelineRecordOf, withVariables, YAML_VARIABLES } from './fixtures';

// The run's records, read through the pipelines port: a build's timeline or a release's deployment.

const TIMELINE: TimelineRecord[] = [
  {
    id: 'j1',
    parentId: undefined,
    type: 'Job',
    name: 'Unit tests',
    order: 1,
    completed: true,
    result: 'failed',
    issues: [],
    logId: undefined,
  },
  {
    id: 't1',
    parentId: 'j1',
    type: 'Task',
    name: 'npm test',
    order: 1,
    completed: true,
    result: 'failed',
    issues: [{ type: 'error', message: 'Tests failed' }],
    logId: 4,
  },
];

const DEPLOYMENT: ReleaseDeployment = {
  environment: 'Production',
  jobs: [
    {
      id: 'job-deploy',
      name: 'Deploy web',
      result: 'failed',
      tasks: [{ name: 'Deploy', result: 'failed', issues: [], log: undefined }],
    },
  ],
  artifacts: ['_WebApp-CI 20261129.3'],
};

function pipelines(): { port: Pipelines; timeline: sinon.SinonStub; releaseDeployment: sinon.SinonStub } {
  const timeline = sinon.stub().resolves(TIMELINE);
  const releaseDeployment = sinon.stub().resolves(DEPLOYMENT);
  return { port: { timeline, releaseDeployment } as unknown as Pipelines, timeline, releaseDeployment };
}

describe('the run’s records', () => {
  it('a build: its timeline', async () => {
    const { port, timeline, releaseDeployment } = pipelines();
    const warn = sinon.stub();
    assert.deepEqual(await readFacts(port, runContext(YAML_VARIABLES), warn), {
      facts: factsFromTimeline(TIMELINE),
      readable: true,
    });
    sinon.assert.calledOnceWithExactly(timeline, 'WebApp', 812);
    sinon.assert.notCalled(releaseDeployment);
    sinon.assert.notCalled(warn);
  });

  it('a deployment job: the records of its own stage, its environment’s; another stage’s failure is not its', async () => {
    const record = timelineRecordOf;
    const staged: TimelineRecord[] = [
      record({ id: 'lint', type: 'Stage', name: 'Lint', result: 'failed' }),
      record({ id: 'lint-job', parentId: 'lint', type: 'Job', name: 'Lint', result: 'failed' }),
      record({ id: 'eslint', parentId: 'lint-job', type: 'Task', name: 'eslint', result: 'failed' }),
      record({
        id: 'deploy',
        type: 'Stage',
        name: 'Deploy_staging',
        order: 2,
        completed: false,
        result: undefined,
      }),
      record({
        id: 'OWN',
        parentId: 'deploy',
        type: 'Job',
        name: 'Deploy',
        completed: false,
        result: undefined,
      }),
      record({ id: 'web', parentId: 'OWN', type: 'Task', name: 'Deploy web' }),
      record({ id: 'hook', parentId: 'deploy', type: 'Job', name: 'on success', order: 2, result: 'failed' }),
      record({ id: 'notify', parentId: 'hook', type: 'Task', name: 'Notify', result: 'failed' }),
    ];
    const { port, timeline } = pipelines();
    timeline.resolves(staged);
    const deployment = { ...YAML_VARIABLES, 'Environment.Name': 'staging', 'System.JobId': 'own' };
    const { facts } = await readFacts(port, runContext(deployment), sinon.stub());
    assert.deepEqual(
      facts.failures.map((failure) => [failure.stage, failure.step]),
      [['Deploy_staging', 'Notify']],
      'its own stage’s failure, not the Lint stage’s',
    );
    assert.equal(facts.othersOutcome, 'failed');
    // A job of no environment keeps the whole run's, and so does one that is not among the records.
    for (const variables of [
      { ...deployment, 'Environment.Name': '' },
      { ...deployment, 'System.JobId': 'gone' },
    ]) {
      const whole = await readFacts(port, runContext(variables), sinon.stub());
      assert.deepEqual(
        whole.facts.failures.map((failure) => failure.step),
        ['eslint', 'Notify'],
      );
    }
  });

  it('a release: the deployment of its environment, not the timeline of the build it deploys', async () => {
    const { port, timeline, releaseDeployment } = pipelines();
    const context = runContext(RELEASE_VARIABLES);
    assert.deepEqual(await readFacts(port, context, sinon.stub()), {
      facts: factsFromRelease(DEPLOYMENT),
      readable: true,
    });
    sinon.assert.calledOnceWithExactly(releaseDeployment, 'WebApp', context.release, 'Production');
    sinon.assert.notCalled(timeline);
  });

  it('a release without that environment, and a run that is neither: no facts, but nothing unreadable', async () => {
    const { port, releaseDeployment } = pipelines();
    releaseDeployment.resolves(undefined);
    assert.deepEqual(await readFacts(port, runContext(RELEASE_VARIABLES), sinon.stub()), {
      facts: NO_FACTS,
      readable: true,
    });
    const neither = withVariables(YAML_VARIABLES, { 'Build.BuildId': undefined });
    assert.equal(neither.build, undefined);
    assert.deepEqual(await readFacts(port, neither, sinon.stub()), { facts: NO_FACTS, readable: true });
  });

  it('records that cannot be read: a warning, and the job’s status decides alone', async () => {
    const { port, timeline } = pipelines();
    timeline.rejects(new Error('Could not read the timeline of build 812 (HTTP 503): busy'));
    const warn = sinon.stub();
    assert.deepEqual(await readFacts(port, runContext(YAML_VARIABLES), warn), {
      facts: NO_FACTS,
      readable: false,
    });
    sinon.assert.calledOnceWithExactly(
      warn,
      "Could not read the timeline of build 812 (HTTP 503): busy Deciding from this job's status alone; the item will have fewer details.",
    );
  });
});
