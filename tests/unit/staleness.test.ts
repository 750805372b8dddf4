import * as assert from 'node:assert/strict';
import type { QueuedBuild } from '../../tasks/PipelineWorkItem/src/facts/model';
import { isRerun, newerBuild, newerBuildsQuery } from '../../tasks/PipelineWorkItem/src/lifecycle/staleness';
import { RELEASE_VARIABLES, withVariables, YAML_VARIABLES } from './fixtures';

// Build 812 of WebApp-CI (definition 12) on main, as the YAML job's variables say.
const rerun = (changes: Record<string, string | undefined> = {}) =>
  withVariables(YAML_VARIABLES, { 'System.JobAttempt': '2', ...changes });

const build = (id: number, branchRef = 'refs/heads/main'): QueuedBuild => ({
  id,
  number: `20261201.${id}`,
  branchRef,
  url: `https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=${id}`,
});

describe('a rerun older than the newest run of its lane', () => {
  it('is a rerun when its job or its stage runs again', () => {
    assert.equal(isRerun(withVariables(YAML_VARIABLES, {})), false);
    assert.equal(isRerun(rerun()), true);
    assert.equal(isRerun(withVariables(YAML_VARIABLES, { 'System.StageAttempt': '2' })), true);
    assert.equal(isRerun(withVariables(YAML_VARIABLES, { 'System.JobAttempt': '1' })), false);
  });

  it("asks for the two newest builds of the pipeline on the rerun's branch, a pull request's on its merge ref", () => {
    const query = { definitionId: 12, branchRef: 'refs/heads/main', top: 2 };
    assert.deepEqual(newerBuildsQuery(rerun()), query);
    assert.deepEqual(newerBuildsQuery(withVariables(YAML_VARIABLES, { 'System.StageAttempt': '3' })), query);
    const pullRequest = rerun({
      'Build.Reason': 'PullRequest',
      'Build.SourceBranch': 'refs/pull/7/merge',
      'System.PullRequest.PullRequestId': '7',
    });
    assert.deepEqual(newerBuildsQuery(pullRequest), { ...query, branchRef: 'refs/pull/7/merge' });
  });

  it("asks for the pipeline's newest builds of any branch for a tag's rerun: every tag is one lane", () => {
    assert.deepEqual(newerBuildsQuery(rerun({ 'Build.SourceBranch': 'refs/tags/v1.0' })), {
      definitionId: 12,
      top: 20,
    });
  });

  it('asks nothing of a deployment job: a stage rerun of an older run is how it rolls back its environment', () => {
    assert.equal(newerBuildsQuery(rerun({ 'Environment.Name': 'Production' })), undefined);
    assert.ok(newerBuildsQuery(rerun({ 'Environment.Name': '' })));
  });

  it('asks nothing of a first attempt, a classic release, or a build whose pipeline or branch is not known', () => {
    assert.equal(newerBuildsQuery(withVariables(YAML_VARIABLES, {})), undefined);
    assert.equal(
      newerBuildsQuery(withVariables(RELEASE_VARIABLES, { 'Release.AttemptNumber': '2' })),
      undefined,
    );
    assert.equal(
      newerBuildsQuery(withVariables(RELEASE_VARIABLES, { 'System.JobAttempt': '2' })),
      undefined,
      "a redeploy's job attempt does not make a release a build's rerun",
    );
    assert.equal(
      newerBuildsQuery(
        withVariables(RELEASE_VARIABLES, { 'System.JobAttempt': '2', 'Release.EnvironmentName': undefined }),
      ),
      undefined,
      'nor does a release job that names no environment',
    );
    assert.equal(newerBuildsQuery(rerun({ 'System.DefinitionId': undefined })), undefined);
    assert.equal(newerBuildsQuery(rerun({ 'System.DefinitionId': 'WebApp-CI' })), undefined);
    assert.equal(newerBuildsQuery(rerun({ 'System.DefinitionId': '0' })), undefined);
    assert.equal(newerBuildsQuery(rerun({ 'Build.SourceBranch': undefined })), undefined);
    assert.equal(newerBuildsQuery(rerun({ 'Build.BuildId': undefined })), undefined);
  });

  it('is stale when a build of its branch was queued after its own; the newest such names the run that counts', () => {
    const context = rerun();
    assert.equal(newerBuild(context, []), undefined);
    assert.equal(newerBuild(context, [build(812), build(790)]), undefined, 'it is the newest itself');
    assert.deepEqual(newerBuild(context, [build(813), build(812)]), build(813));
    // The rerun counted as queued anew lists first; the newer build still shows.
    assert.deepEqual(newerBuild(context, [build(812), build(813)]), build(813));
    assert.deepEqual(newerBuild(context, [build(813), build(820), build(815)]), build(820));
    assert.equal(newerBuild(context, [build(813, 'refs/heads/feature/x')]), undefined);
    assert.equal(
      newerBuild(context, [build(813, 'refs/heads/Main')]),
      undefined,
      'Main is another branch than main, as the lanes have it',
    );
  });

  it("is stale when any tag's build was queued after its own tag's; a branch's build is not of its lane", () => {
    const context = rerun({ 'Build.SourceBranch': 'refs/tags/v1.0' });
    assert.deepEqual(
      newerBuild(context, [build(830), build(825, 'refs/tags/v1.1'), build(812, 'refs/tags/v1.0')]),
      build(825, 'refs/tags/v1.1'),
    );
    assert.equal(newerBuild(context, [build(830), build(812, 'refs/tags/v1.0')]), undefined);
    assert.equal(newerBuild(context, [build(790, 'refs/tags/v0.9')]), undefined);
  });

  it('is never stale without a build of its own to compare with', () => {
    const context = rerun({ 'Build.BuildId': undefined });
    assert.equal(newerBuild(context, [build(813)]), undefined);
  });
});
