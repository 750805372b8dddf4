import * as assert from 'node:assert/strict';
import { readRunContext, shortBranch } from '../../tasks/PipelineWorkItem/src/facts/context';
import { EnvironmentError } from '../../tasks/PipelineWorkItem/src/errors';
import { RELEASE_VARIABLES, runContext, YAML_VARIABLES } from './fixtures';

describe('run context', () => {
  it('reads a YAML run: pipeline, run link, branch, commit link, requestor, stage and job', () => {
    const context = runContext();
    assert.equal(context.hostType, 'build');
    assert.equal(context.pipeline, 'WebApp-CI');
    assert.equal(context.runName, '20261129.3');
    assert.equal(context.runUrl, 'https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812');
    assert.deepEqual(context.build, { id: 812, number: '20261129.3' });
    assert.equal(context.release, undefined);
    assert.equal(context.branch, 'main');
    assert.equal(
      context.commitUrl,
      'https://dev.azure.com/fabrikam/WebApp/_git/webapp/commit/4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39',
    );
    assert.deepEqual(context.requestedFor, { displayName: 'Alex Kim', email: 'alex@fabrikam.example' });
    assert.equal(context.stage, 'Build');
    assert.equal(context.job, 'Unit tests');
    assert.equal(context.jobStatus, 'Failed');
  });

  it('reads a classic release: release name and link, environment, the primary build', () => {
    const context = runContext(RELEASE_VARIABLES);
    assert.equal(context.hostType, 'release');
    assert.equal(context.pipeline, 'WebApp-CD');
    assert.equal(context.runName, 'Release-57');
    assert.equal(context.runUrl, 'https://dev.azure.com/fabrikam/WebApp/_release?releaseId=57');
    assert.deepEqual(context.release, {
      id: 57,
      name: 'Release-57',
      definitionName: 'WebApp-CD',
      environmentId: 3,
      attempt: 1,
    });
    assert.equal(context.environment, 'Production');
    assert.deepEqual(context.build, { id: 812, number: '20261129.3' });
    assert.equal(context.requestedFor?.displayName, 'Sam Rivera');
  });

  it('drops the implicit stage and job names of classic pipelines', () => {
    const context = runContext({
      ...YAML_VARIABLES,
      'System.StageName': '__default',
      'System.StageDisplayName': '__default',
      'System.JobDisplayName': 'Job',
    });
    assert.equal(context.stage, '');
    assert.equal(context.job, '');
  });

  it('links no commit on a repository host whose commit pages it does not know', () => {
    assert.equal(
      runContext({ ...YAML_VARIABLES, 'Build.Repository.Provider': 'Bitbucket' }).commitUrl,
      undefined,
    );
    assert.equal(
      runContext({
        ...YAML_VARIABLES,
        'Build.Repository.Provider': 'GitHub',
        'Build.Repository.Uri': 'https://github.com/f/w.git',
      }).commitUrl,
      'https://github.com/f/w/commit/4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39',
    );
  });

  it('reads the job status in any case, and a deployment job environment', () => {
    const context = runContext({
      ...YAML_VARIABLES,
      'Agent.JobStatus': 'succeededwithissues',
      'Environment.Name': 'staging',
    });
    assert.equal(context.jobStatus, 'SucceededWithIssues');
    assert.equal(context.environment, 'staging');
  });

  it('shortens branch refs', () => {
    assert.equal(shortBranch('refs/heads/feature/cart'), 'feature/cart');
    assert.equal(shortBranch('refs/tags/v1.2'), 'v1.2');
    assert.equal(shortBranch('refs/pull/7/merge'), 'pull/7/merge');
  });

  it('explains that it must run in a pipeline job when the collection is unknown', () => {
    assert.throws(() => readRunContext(() => undefined), EnvironmentError);
  });
});
