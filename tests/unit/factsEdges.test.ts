import * as assert from 'node:assert/strict';
import { EnvironmentError } from '../../tasks/PipelineWorkItem/src/errors';
import {
  isPullRequestRun,
  readRunContext,
  RunContext,
  shortBranch,
} from '../../tasks/PipelineWorkItem/src/facts/context';
import { NO_EVIDENCE, NO_FACTS, Outcome, TimelineRecord } from '../../tasks/PipelineWorkItem/src/facts/model';
import { visibleName } from '../../tasks/PipelineWorkItem/src/facts/context';
import { jobOutcome, outcomeText, worstOutcome } from '../../tasks/PipelineWorkItem/src/facts/outcome';
import { factsFromRelease, factsFromTimeline } from '../../tasks/PipelineWorkItem/src/facts/runFacts';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { RELEASE_VARIABLES, runContext, YAML_VARIABLES } from './fixtures';

const COMMIT = '4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39';

/** The YAML run's variables with some changed; `undefined` removes one. */
function yaml(changes: Record<string, string | undefined>): RunContext {
  return withVariables(YAML_VARIABLES, changes);
}

function release(changes: Record<string, string | undefined>): RunContext {
  return withVariables(RELEASE_VARIABLES, changes);
}

function withVariables(
  base: Readonly<Record<string, string>>,
  changes: Record<string, string | undefined>,
): RunContext {
  const variables: Record<string, string | undefined> = { ...base, ...changes };
  return readRunContext((name) => variables[name]);
}

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
      const context = yaml({ 'System.HostType': 'release' });
      assert.equal(context.hostType, 'build');
      assert.equal(context.release, undefined);
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

    it('reads System.HostType in any case', () => {
      assert.equal(release({ 'System.HostType': 'Release' }).hostType, 'release');
    });

    it('names and links a release without name and web URL by its id', () => {
      const context = release({ 'Release.ReleaseName': undefined, 'Release.ReleaseWebUrl': undefined });
      assert.equal(context.runName, 'Release 57');
      assert.equal(
        context.runUrl,
        'https://dev.azure.com/fabrikam/WebApp/_releaseProgress?_a=release-pipeline-progress&releaseId=57',
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
      ['release', 'PullRequest', false],
    ];
    for (const [hostType, reason, expected] of cases) {
      it(`a ${hostType} for reason ${reason} is ${expected ? '' : 'not '}one`, () => {
        assert.equal(isPullRequestRun({ hostType, reason }), expected);
      });
    }
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

describe('outcomes', () => {
  const texts: [Outcome, string][] = [
    ['succeeded', 'Succeeded'],
    ['succeededWithIssues', 'Succeeded with issues'],
    ['failed', 'Failed'],
    ['canceled', 'Canceled'],
  ];
  for (const [outcome, text] of texts) {
    it(`${outcome} reads '${text}'`, () => assert.equal(outcomeText(outcome), text));
  }

  it("a skipped job says nothing about the run; the others' own outcome", () => {
    assert.equal(jobOutcome('Skipped'), undefined);
    assert.equal(jobOutcome('Canceled'), 'canceled');
    assert.equal(jobOutcome('SucceededWithIssues'), 'succeededWithIssues');
  });

  it('takes the first of equally bad outcomes and ignores skipped parts wherever they stand', () => {
    assert.equal(worstOutcome(['skipped']), undefined);
    assert.equal(worstOutcome(['canceled', 'skipped', 'succeeded']), 'canceled');
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
          name: 'Agent job',
          result: 'failed',
          tasks: [{ name: 'Deploy', result: 'canceled', issues: [], log: undefined }],
        },
        { name: 'Smoke test', result: 'succeeded', tasks: [] },
      ],
    });
    assert.deepEqual(facts, {
      othersOutcome: 'failed',
      failures: [{ stage: 'Production', job: '', step: '', errors: [], warnings: [], log: undefined }],
      artifacts: [],
    });
  });
});

describe('placeholder values', () => {
  const failure = (stage: string, step: string, errors: string[]) => ({
    stage,
    job: 'Job A',
    step,
    errors,
    warnings: [],
    log: undefined,
  });

  it('lists every failed step and takes the first error of any of them', () => {
    const facts = {
      ...NO_FACTS,
      failures: [failure('Build', 'lint', []), failure('Test', 'npm test', ['3 failed'])],
    };
    const values = runView(runContext(), facts, 'failed').values;
    assert.equal(values.failedStep, 'Build › Job A › lint');
    assert.equal(values.failedSteps, 'Build › Job A › lint, Test › Job A › npm test');
    assert.equal(values.firstError, '3 failed');
    assert.equal(values.status, 'Failed');
  });

  it('gives empty values for what the run does not have', () => {
    const context = yaml({ 'Build.RequestedFor': undefined, 'Build.RequestedForEmail': undefined });
    const view = runView(context, NO_FACTS, 'succeeded');
    assert.equal(view.values.requestedFor, '');
    assert.equal(view.values.failedStep, '');
    assert.equal(view.values.failedSteps, '');
    assert.equal(view.values.firstError, '');
    assert.deepEqual(view.evidence, { logTails: [], tests: undefined, commits: [], workItems: [] });
    assert.deepEqual(NO_EVIDENCE, view.evidence);
    assert.deepEqual(NO_FACTS, { othersOutcome: undefined, failures: [], artifacts: [] });
  });
});
