import * as assert from 'node:assert/strict';
import {
  readRunContext,
  shortBranch,
  isPullRequestRun,
  RunContext,
} from '../../tasks/PipelineWorkItem/src/facts/context';
import { EnvironmentError } from '../../tasks/PipelineWorkItem/src/errors';
import { PR_VARIABLES, RELEASE_VARIABLES, runContext, withVariables, yaml, YAML_VARIABLES } from './fixtures';
import { visibleName } from '../../tasks/PipelineWorkItem/src/facts/context';

const COMMIT = '4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39';

function release(changes: Record<string, string | undefined>): RunContext {
  return withVariables(RELEASE_VARIABLES, changes);
}

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
    // A classic release's stage is its environment: the agent sets no System.StageName there.
    assert.equal(context.stage, 'Production');
    assert.equal(context.stageName, '');
    assert.equal(runContext({ ...YAML_VARIABLES, 'Release.EnvironmentName': 'Production' }).stage, 'Build');
    assert.equal(
      runContext({
        ...YAML_VARIABLES,
        'System.StageDisplayName': '',
        'System.StageName': '',
        'Release.EnvironmentName': 'QA',
      }).stage,
      '',
    );
  });

  it('reads the definition’s id of a build and of a release, and none the agent did not set', () => {
    assert.equal(runContext(YAML_VARIABLES).pipelineId, '12');
    assert.equal(runContext(RELEASE_VARIABLES).pipelineId, '4');
    assert.equal('pipelineId' in yaml({ 'System.DefinitionId': undefined }), false);
    // A release's own definition, never the id of the build it deploys.
    assert.equal(runContext({ ...RELEASE_VARIABLES, 'System.DefinitionId': '12' }).pipelineId, '4');
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

describe('run context from pipeline variables', () => {
  describe('the job status', () => {
    const cases: [raw: string | undefined, expected: RunContext['jobStatus']][] = [
      ['Succeeded', 'Succeeded'],
      ['canceled', 'Canceled'],
      ['SKIPPED', 'Skipped'],
      ['Failed', 'Failed'],
      // Unknown or unset: the job is running this task, so it has not failed.
      ['Abandoned', 'Succeeded'],
      [undefined, 'Succeeded'],
    ];
    for (const [raw, expected] of cases) {
      it(`Agent.JobStatus '${raw ?? ''}' is ${expected}`, () => {
        assert.equal(yaml({ 'Agent.JobStatus': raw }).jobStatus, expected);
      });
    }
  });

  describe('needs the collection and the project', () => {
    const message =
      'System.TeamFoundationCollectionUri and System.TeamProject are not set: this task runs as a step of an Azure Pipelines job.';
    const missing: [name: string, changes: Record<string, string | undefined>][] = [
      ['the project', { 'System.TeamProject': undefined }],
      ['the collection', { 'System.TeamFoundationCollectionUri': undefined }],
      ['both, blank', { 'System.TeamProject': '  ', 'System.TeamFoundationCollectionUri': ' ' }],
    ];
    for (const [name, changes] of missing) {
      it(`fails without ${name}`, () => {
        assert.throws(
          () => yaml(changes),
          (error: unknown) => {
            assert.ok(error instanceof EnvironmentError);
            assert.equal(error.message, message);
            return true;
          },
        );
      });
    }

    it('takes System.CollectionUri when the older name is unset, and adds the trailing slash', () => {
      const context = yaml({
        'System.TeamFoundationCollectionUri': undefined,
        'System.CollectionUri': 'https://tfs.fabrikam.example/DefaultCollection',
      });
      assert.equal(context.collectionUri, 'https://tfs.fabrikam.example/DefaultCollection/');
      assert.equal(
        context.runUrl,
        'https://tfs.fabrikam.example/DefaultCollection/WebApp/_build/results?buildId=812',
      );
    });

    it('trims every variable', () => {
      const context = yaml({ 'System.TeamProject': ' WebApp ', 'Build.DefinitionName': ' WebApp-CI\n' });
      assert.equal(context.project, 'WebApp');
      assert.equal(context.pipeline, 'WebApp-CI');
    });
  });

  describe('a build run', () => {
    it('keeps the project id, or leaves it unset', () => {
      assert.equal(yaml({}).projectId, '0f4b6a7e-1111-4c1e-9d6e-6a3b2c1d0e0f');
      assert.equal(yaml({ 'System.TeamProjectId': '' }).projectId, undefined);
    });

    it('is a build when System.HostType says release but no release id is set', () => {
      const context = yaml({ 'System.HostType': 'release', 'Build.Type': 'Jenkins' });
      assert.equal(context.hostType, 'build');
      assert.equal(context.release, undefined);
      assert.deepEqual(context.build, { id: 812, number: '20261129.3' });
    });

    it('is not a release when only the release id is set', () => {
      const context = yaml({ 'Release.ReleaseId': '57' });
      assert.equal(context.hostType, 'build');
      assert.equal(context.release, undefined);
    });

    it('without a build id has no build, no run name, and the collection as its link', () => {
      const context = yaml({ 'Build.BuildId': undefined, 'Build.BuildNumber': undefined });
      assert.equal(context.build, undefined);
      assert.equal(context.runName, '');
      assert.equal(context.runUrl, 'https://dev.azure.com/fabrikam/');
    });

    it('names the run by its id when it has no build number', () => {
      assert.deepEqual(yaml({ 'Build.BuildNumber': '' }).build, { id: 812, number: '812' });
    });

    it('trims ASCII white space around Build.SourceBranch, and nothing of the name', () => {
      const context = yaml({ 'Build.SourceBranch': '\v\v refs/heads/DEV\t\v\n' });
      assert.equal(context.branchRef, 'refs/heads/DEV');
      assert.equal(context.branch, 'DEV');
    });

    it('takes the branch name when the branch ref is unset', () => {
      const context = yaml({ 'Build.SourceBranch': undefined, 'Build.SourceBranchName': 'main' });
      assert.equal(context.branch, 'main');
      assert.equal(context.branchRef, '');
    });

    it('prefers display names for stage and job, then the names', () => {
      const context = yaml({ 'System.StageDisplayName': 'Build and test', 'System.StageName': 'build' });
      assert.equal(context.stage, 'Build and test');
      assert.equal(
        yaml({ 'System.StageDisplayName': undefined, 'System.StageName': 'build' }).stage,
        'build',
      );
      assert.equal(yaml({ 'System.JobDisplayName': undefined }).job, 'Test');
      assert.equal(
        yaml({
          'System.JobDisplayName': undefined,
          'System.JobName': undefined,
          'Agent.JobName': 'Agent job 2',
        }).job,
        'Agent job 2',
      );
    });

    it('counts the job attempt from System.JobAttempt, 1 when unset', () => {
      assert.equal(yaml({ 'System.JobAttempt': '3' }).jobAttempt, 3);
      assert.equal(yaml({}).jobAttempt, 1);
    });

    it('counts the stage attempt from System.StageAttempt, 1 when unset or not a positive number', () => {
      assert.equal(yaml({ 'System.StageAttempt': '2' }).stageAttempt, 2);
      assert.equal(yaml({ 'System.StageAttempt': '2' }).jobAttempt, 1);
      assert.equal(yaml({}).stageAttempt, 1);
      assert.equal(yaml({ 'System.StageAttempt': '0' }).stageAttempt, 1);
    });

    it('knows a pull request from a fork in any case', () => {
      assert.equal(yaml({ 'System.PullRequest.IsFork': 'True' }).pullRequestFromFork, true);
      assert.equal(yaml({ 'System.PullRequest.IsFork': 'False' }).pullRequestFromFork, false);
      assert.equal(yaml({}).pullRequestFromFork, false);
    });

    const requestors: [
      name: string,
      changes: Record<string, string | undefined>,
      expected: RunContext['requestedFor'],
    ][] = [
      ['nobody', { 'Build.RequestedFor': undefined, 'Build.RequestedForEmail': undefined }, undefined],
      [
        'a service identity without email',
        { 'Build.RequestedForEmail': undefined, 'Build.RequestedFor': 'Project Collection Build Service' },
        { displayName: 'Project Collection Build Service', email: undefined },
      ],
      [
        'an email without name',
        { 'Build.RequestedFor': undefined },
        { displayName: 'alex@fabrikam.example', email: 'alex@fabrikam.example' },
      ],
    ];
    for (const [name, changes, expected] of requestors) {
      it(`is requested for ${name}`, () => assert.deepEqual(yaml(changes).requestedFor, expected));
    }
  });

  describe('commit links', () => {
    const cases: [name: string, changes: Record<string, string | undefined>, expected: string | undefined][] =
      [
        [
          'GitHub Enterprise',
          {
            'Build.Repository.Provider': 'GitHubEnterprise',
            'Build.Repository.Uri': 'https://git.fabrikam.example/f/w',
          },
          `https://git.fabrikam.example/f/w/commit/${COMMIT}`,
        ],
        [
          'a repository URL with trailing slashes',
          { 'Build.Repository.Uri': 'https://dev.azure.com/fabrikam/WebApp/_git/webapp//' },
          `https://dev.azure.com/fabrikam/WebApp/_git/webapp/commit/${COMMIT}`,
        ],
        [
          'a repository whose name only contains .git',
          {
            'Build.Repository.Provider': 'GitHub',
            'Build.Repository.Uri': 'https://github.com/f/f.github.io',
          },
          `https://github.com/f/f.github.io/commit/${COMMIT}`,
        ],
        [
          'an Azure Repos clone URL naming the organization as user info',
          { 'Build.Repository.Uri': 'https://fabrikam@dev.azure.com/fabrikam/WebApp/_git/webapp' },
          `https://dev.azure.com/fabrikam/WebApp/_git/webapp/commit/${COMMIT}`,
        ],
        [
          'an Azure Repos repository in the organization’s other host name',
          { 'Build.Repository.Uri': 'https://fabrikam.visualstudio.com/WebApp/_git/webapp' },
          `https://fabrikam.visualstudio.com/WebApp/_git/webapp/commit/${COMMIT}`,
        ],
        // A step can set the variable: the item would link the commit to any site.
        [
          'an Azure Repos repository of another organization',
          { 'Build.Repository.Uri': 'https://dev.azure.com/fabrikam-login/WebApp/_git/webapp' },
          undefined,
        ],
        [
          'an Azure Repos repository on another site',
          { 'Build.Repository.Uri': 'https://fabrikam-devops.example/login?next=' },
          undefined,
        ],
        [
          'a GitHub repository URL ending in .git and slashes',
          { 'Build.Repository.Provider': 'GitHub', 'Build.Repository.Uri': 'https://github.com/f/w.git//' },
          `https://github.com/f/w/commit/${COMMIT}`,
        ],
        [
          'a GitHub Enterprise server on plain HTTP',
          {
            'Build.Repository.Provider': 'GitHubEnterprise',
            'Build.Repository.Uri': 'http://git.fabrikam.example/f/w',
          },
          `http://git.fabrikam.example/f/w/commit/${COMMIT}`,
        ],
        [
          'a GitHub repository on plain HTTP',
          { 'Build.Repository.Provider': 'GitHub', 'Build.Repository.Uri': 'http://github.com/f/w' },
          undefined,
        ],
        [
          'a GitHub repository off github.com',
          {
            'Build.Repository.Provider': 'GitHub',
            'Build.Repository.Uri': 'https://github.com.fabrikam-login.example/f/w',
          },
          undefined,
        ],
        [
          'a GitHub Enterprise repository URL of another scheme',
          {
            'Build.Repository.Provider': 'GitHubEnterprise',
            'Build.Repository.Uri': 'javascript:alert(1)//',
          },
          undefined,
        ],
        ['a repository URL that is no URL', { 'Build.Repository.Uri': 'webapp' }, undefined],
        ['no commit', { 'Build.SourceVersion': undefined }, undefined],
        ['no repository URL', { 'Build.Repository.Uri': undefined }, undefined],
      ];
    for (const [name, changes, expected] of cases) {
      it(`${name}: ${expected ?? 'no link'}`, () => assert.equal(yaml(changes).commitUrl, expected));
    }
  });

  describe('a classic release', () => {
    it('reads its requestor and reason from the release', () => {
      const context = release({});
      assert.deepEqual(context.requestedFor, { displayName: 'Sam Rivera', email: 'sam@fabrikam.example' });
      assert.equal(context.reason, 'ContinuousIntegration');
      assert.equal(context.jobStatus, 'Failed');
    });

    it('the requestor is whoever started this deployment (a redeploy), else whoever created the release', () => {
      const redeployed = release({
        'Release.Deployment.RequestedFor': 'Alex Kim',
        'Release.Deployment.RequestedForEmail': 'alex@fabrikam.example',
      });
      assert.deepEqual(redeployed.requestedFor, { displayName: 'Alex Kim', email: 'alex@fabrikam.example' });
      assert.deepEqual(release({}).requestedFor, {
        displayName: 'Sam Rivera',
        email: 'sam@fabrikam.example',
      });
    });

    it('its primary artifact is a build only when it is one of Azure Pipelines (Build.Type Build, or unset)', () => {
      assert.deepEqual(release({ 'Build.Type': 'Build' }).build, { id: 812, number: '20261129.3' });
      assert.deepEqual(release({}).build, { id: 812, number: '20261129.3' });
      assert.equal(release({ 'Build.Type': 'Jenkins', 'Build.BuildId': '130' }).build, undefined);
      assert.equal(release({ 'Build.Type': 'TeamCity' }).build, undefined);
      // A build's own variables never say Build.Type otherwise; a build is always its own run.
      assert.deepEqual(yaml({ 'Build.Type': 'Jenkins' }).build, { id: 812, number: '20261129.3' });
    });

    it('reads System.HostType in any case', () => {
      assert.equal(release({ 'System.HostType': 'Release' }).hostType, 'release');
    });

    it('a deployment group job (System.HostType deployment) is the release’s too, keyed by its definition', () => {
      const context = release({ 'System.HostType': 'deployment', 'System.DefinitionId': '4' });
      assert.equal(context.hostType, 'release');
      assert.equal(context.release?.id, 57);
      assert.equal(context.pipeline, 'WebApp-CD');
      assert.equal(context.pipelineId, '4');
    });

    it('names and links a release without name and web URL by its id', () => {
      const context = release({ 'Release.ReleaseName': undefined, 'Release.ReleaseWebUrl': undefined });
      assert.equal(context.runName, 'Release 57');
      assert.equal(
        context.runUrl,
        'https://dev.azure.com/fabrikam/WebApp/_releaseProgress?_a=release-pipeline-progress&releaseId=57',
      );
    });

    it('links Release.ReleaseWebUrl only where it leads under the collection, dot segments resolved', () => {
      const fallback =
        'https://dev.azure.com/fabrikam/WebApp/_releaseProgress?_a=release-pipeline-progress&releaseId=57';
      const own = 'https://dev.azure.com/fabrikam/WebApp/_release?releaseId=57&_a=release-summary';
      assert.equal(release({ 'Release.ReleaseWebUrl': own }).runUrl, own);
      // A step rewrote it: it starts with the collection but a browser goes to another organization.
      for (const rewritten of [
        'https://dev.azure.com/fabrikam/../contoso-phish/_wiki',
        'https://dev.azure.com/fabrikam/%2e%2e/contoso-phish/_wiki',
        'https://dev.azure.com/fabrikam/WebApp/..\\..\\contoso-phish/_wiki',
        'https://fabrikam-devops.example/_release?releaseId=57',
      ]) {
        assert.equal(release({ 'Release.ReleaseWebUrl': rewritten }).runUrl, fallback, rewritten);
      }
    });

    it('links the release by its id when the collection is no URL', () => {
      const context = release({ 'System.TeamFoundationCollectionUri': 'fabrikam' });
      assert.equal(
        context.runUrl,
        'fabrikam/WebApp/_releaseProgress?_a=release-pipeline-progress&releaseId=57',
      );
    });

    it('has no build when no build artifact is set', () => {
      assert.equal(release({ 'Build.BuildId': undefined }).build, undefined);
    });

    const ids: [raw: string, expected: number | undefined][] = [
      ['3', 3],
      ['0', undefined],
      ['-3', undefined],
      ['1.5', undefined],
      ['three', undefined],
      ['', undefined],
    ];
    for (const [raw, expected] of ids) {
      it(`Release.EnvironmentId '${raw}' is ${expected}`, () => {
        assert.equal(release({ 'Release.EnvironmentId': raw }).release?.environmentId, expected);
      });
    }
  });

  describe('pull-request runs', () => {
    const cases: [RunContext['hostType'], string, boolean][] = [
      ['build', 'PullRequest', true],
      ['build', 'pullrequest', true],
      ['build', 'IndividualCI', false],
      ['release', 'PullRequest', true],
      ['release', 'ContinuousIntegration', false],
    ];
    for (const [hostType, reason, expected] of cases) {
      it(`a ${hostType} for reason ${reason} is ${expected ? '' : 'not '}one`, () => {
        const variables =
          hostType === 'build'
            ? { ...YAML_VARIABLES, 'Build.Reason': reason }
            : { ...RELEASE_VARIABLES, 'Release.Reason': reason };
        assert.equal(isPullRequestRun(runContext(variables)), expected);
      });
    }

    it('a release a pull request triggered is in the lane of the pull request its primary artifact built', () => {
      const context = release({
        'Release.Reason': 'PullRequest',
        'Build.SourceBranch': 'refs/pull/31/merge',
        'Build.Reason': 'IndividualCI',
      });
      assert.equal(context.pullRequest, '31');
      assert.equal(context.hostType, 'release');
    });

    it('a release is read by its own reason, never by the build it deploys', () => {
      const context = release({ 'Build.Reason': 'PullRequest', 'Build.SourceBranch': 'refs/pull/31/merge' });
      assert.equal(isPullRequestRun(context), false);
      assert.equal(context.pullRequest, undefined);
    });
  });

  describe('branch refs', () => {
    const cases: [string, string][] = [
      ['refs/heads/main', 'main'],
      ['main', 'main'],
      ['users/refs/heads/x', 'users/refs/heads/x'],
      ['refs/heads/team/refs/x', 'team/refs/x'],
      ['refs/heads/team/refs/heads/x', 'team/refs/heads/x'],
    ];
    for (const [ref, expected] of cases) {
      it(`'${ref}' is '${expected}'`, () => assert.equal(shortBranch(ref), expected));
    }
  });

  describe('implicit stage and job names', () => {
    const cases: [string | undefined, string][] = [
      ['__default', ''],
      [' Job ', ''],
      ['Phase_1', ''],
      ['Agent job', ''],
      ['AGENT JOB', ''],
      [undefined, ''],
      ['  Build  ', 'Build'],
      ['Agent job 2', 'Agent job 2'],
    ];
    for (const [name, expected] of cases) {
      it(`'${name}' shows as '${expected}'`, () => assert.equal(visibleName(name), expected));
    }
  });
});

describe('reads the pull request of a validation run', () => {
  const cases: [name: string, variables: Record<string, string>, expected: string | undefined][] = [
    ['its id', PR_VARIABLES, '7'],
    [
      'its number when there is no id (GitHub)',
      {
        ...PR_VARIABLES,
        'System.PullRequest.PullRequestId': '',
        'System.PullRequest.PullRequestNumber': '12',
      },
      '12',
    ],
    [
      'the number in refs/pull/<n>/merge when neither is set',
      {
        ...PR_VARIABLES,
        'System.PullRequest.PullRequestId': '',
        'Build.SourceBranch': 'refs/pull/31/merge',
      },
      '31',
    ],
    ['the id before the number', { ...PR_VARIABLES, 'System.PullRequest.PullRequestNumber': '12' }, '7'],
    [
      'a number, never other text the variable holds',
      {
        ...PR_VARIABLES,
        'System.PullRequest.PullRequestId': '7 OR 1=1',
        'Build.SourceBranch': 'refs/pull/8/merge',
      },
      '8',
    ],
    [
      'the source branch when nothing names a number',
      { ...PR_VARIABLES, 'System.PullRequest.PullRequestId': '', 'Build.SourceBranch': 'refs/heads/topic' },
      'refs/heads/topic',
    ],
    [
      'the source branch when only a folder of its name reads refs/pull/<n>/',
      {
        ...PR_VARIABLES,
        'System.PullRequest.PullRequestId': '',
        'Build.SourceBranch': 'refs/heads/refs/pull/9/merge',
      },
      'refs/heads/refs/pull/9/merge',
    ],
    ['nothing for a run that is not a pull request', YAML_VARIABLES, undefined],
    [
      'nothing for a CI run of a pull-request branch',
      {
        ...YAML_VARIABLES,
        'Build.SourceBranch': 'refs/pull/7/merge',
        'System.PullRequest.PullRequestId': '7',
      },
      undefined,
    ],
  ];
  for (const [name, variables, expected] of cases) {
    it(name, () => assert.equal(runContext(variables).pullRequest, expected));
  }
});
