import { EnvironmentError } from '../errors';
import { ofJobOrganization } from '../inputs/connectionEndpoint';
import { loc } from '../text/messages';
import { withTrailingSlash } from '../text/html';

/** Returns a pipeline variable's value (e.g. `Build.BuildId`), undefined when unset. */
export type VariableReader = (name: string) => string | undefined;

/** `Agent.JobStatus` of the job this task runs in. */
export type JobStatus = 'Succeeded' | 'SucceededWithIssues' | 'Failed' | 'Canceled' | 'Skipped';

export interface Person {
  readonly displayName: string;
  readonly email: string | undefined;
}

export interface BuildRun {
  readonly id: number;
  readonly number: string;
}

export interface ReleaseRun {
  readonly id: number;
  readonly name: string;
  readonly definitionName: string;
  readonly environmentId: number | undefined;
  readonly attempt: number | undefined;
}

/** What the pipeline tells the task about the run it is part of, read once from its variables. */
export interface RunContext {
  readonly hostType: 'build' | 'release';
  /** Collection URL with a trailing slash, e.g. https://dev.azure.com/fabrikam/ */
  readonly collectionUri: string;
  readonly project: string;
  readonly projectId: string | undefined;
  /** Pipeline (build definition) name, or the release definition name. */
  readonly pipeline: string;
  /**
   * The definition's id (`System.DefinitionId`, `Release.DefinitionId`): it tells apart pipelines of one name in
   * different folders, and stays when a pipeline is renamed. undefined when the agent did not set it.
   */
  readonly pipelineId?: string;
  /** Build number, or the release name. */
  readonly runName: string;
  readonly runUrl: string;
  /** The build: the run itself, or in a release the primary build artifact. */
  readonly build: BuildRun | undefined;
  readonly release: ReleaseRun | undefined;
  readonly branch: string;
  readonly branchRef: string;
  readonly commit: string;
  readonly commitUrl: string | undefined;
  readonly requestedFor: Person | undefined;
  readonly reason: string;
  /** The stage's display name; a classic release's environment, which is its stage. */
  readonly stage: string;
  /** `System.StageName`: the stage's name in the YAML, as the test runs it published name it; '' when unset. */
  readonly stageName: string;
  readonly job: string;
  readonly environment: string;
  readonly jobStatus: JobStatus;
  /** `System.JobAttempt`: 2 and up when the job was re-run. */
  readonly jobAttempt: number;
  /** `System.StageAttempt`: 2 and up when the stage was re-run (its failed jobs, or all of them). */
  readonly stageAttempt: number;
  /** Names this job among the run's jobs: `System.JobId`, else the job's name; undefined when neither is set. */
  readonly jobId: string | undefined;
  /** A pull-request run from a fork (`System.PullRequest.IsFork`): its token cannot write. */
  readonly pullRequestFromFork: boolean;
  /** The pull request a pull-request validation run checks (its id or number); undefined for other runs. */
  readonly pullRequest?: string;
}

/**
 * What places a run in its lane: pipeline, branch, environment and pull request, in its project. Fingerprints
 * are taken from these values as the pipeline gave them, never as an item shows them.
 */
export type Lane = Pick<
  RunContext,
  'hostType' | 'project' | 'pipeline' | 'pipelineId' | 'branch' | 'environment' | 'pullRequest'
>;

// No branch takes this lane's place: a Git branch's name holds no ASCII space (other spaces are written as their
// code points in a lane, below), a TFVC path starts with `$/`.
const EVERY_TAG = 'every tag';

// The white space JavaScript knows beyond ASCII's (\x0B: the vertical tab), which Git allows in a branch's name.
const UNICODE_SPACE = /(?![\t\n\x0B\f\r ])\s/gu;

/**
 * A branch's name as a lane and a fingerprint take it: each space beyond ASCII's written as its code point. The
 * fingerprints fold and trim white space, which would make `main\uFEFF` (shown as main) main, and `every\u00A0tag`
 * the lane of the tags: a pusher's branch would comment on and resolve their items.
 */
export function laneBranch(branch: string): string {
  return branch.replace(UNICODE_SPACE, (space) => `<U+${space.codePointAt(0)?.toString(16).toUpperCase()}>`);
}

// Build.SourceBranch trimmed of ASCII white space only: any other space is part of the branch's name.
function refOf(value: string | undefined): string {
  return (value ?? '').replace(/^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g, '');
}

/**
 * The run's lane. The run of a tag (`refs/tags/…`) shares one with every tag of its pipeline: each tag runs once,
 * so a lane per tag would leave each item open for good, neither commented on by the next tag's failure nor
 * resolved by its success; and a tag is never in the lane of a branch of the same name.
 */
export function laneOf(context: RunContext): Lane {
  if (isTagRef(context.branchRef)) return { ...context, branch: EVERY_TAG };
  const branch = laneBranch(context.branch);
  return branch === context.branch ? context : { ...context, branch };
}

/** A tag's ref (`refs/tags/…`): the runs of every tag of a pipeline share one lane. */
export function isTagRef(ref: string): boolean {
  return ref.startsWith('refs/tags/');
}

const JOB_STATUSES: readonly JobStatus[] = [
  'Succeeded',
  'SucceededWithIssues',
  'Failed',
  'Canceled',
  'Skipped',
];

/**
 * Builds the run context from pipeline variables (YAML, classic build or classic release).
 * @throws EnvironmentError when the variables every pipeline job has are missing.
 */
export function readRunContext(variable: VariableReader): RunContext {
  const get = (name: string): string => variable(name)?.trim() ?? '';
  const collection = get('System.TeamFoundationCollectionUri') || get('System.CollectionUri');
  const project = get('System.TeamProject');
  if (!collection || !project) throw new EnvironmentError(loc('NotInPipelineJob'));
  const collectionUri = withTrailingSlash(collection);
  const { build, release } = runOf(get);
  const branchRef = refOf(variable('Build.SourceBranch'));
  const commit = get('Build.SourceVersion');
  const runUrl = runUrlOf(get, { collectionUri, project }, build, release);
  const reason = release ? get('Release.Reason') : get('Build.Reason');
  const pullRequest = isPullRequestRun({ reason }) ? pullRequestId(get, branchRef) : undefined;
  return {
    hostType: release ? 'release' : 'build',
    collectionUri,
    project,
    projectId: get('System.TeamProjectId') || undefined,
    pipeline: release ? release.definitionName || release.name : get('Build.DefinitionName') || project,
    ...pipelineIdOf(get, release !== undefined),
    runName: release ? release.name : (build?.number ?? ''),
    runUrl: runUrl ?? collectionUri,
    build,
    release,
    branch: shortBranch(branchRef) || get('Build.SourceBranchName'),
    branchRef,
    commit,
    commitUrl: commitUrl(get, commit, collectionUri),
    requestedFor: requester(get, release !== undefined),
    reason,
    stage: stageOf(get, release !== undefined),
    stageName: get('System.StageName'),
    job: visibleName(get('System.JobDisplayName') || get('System.JobName') || get('Agent.JobName')),
    environment: release ? get('Release.EnvironmentName') : get('Environment.Name'),
    jobStatus: jobStatus(get('Agent.JobStatus')),
    ...attemptsOf(get),
    jobId: get('System.JobId') || get('System.JobName') || get('Agent.JobName') || undefined,
    pullRequestFromFork: get('System.PullRequest.IsFork').toLowerCase() === 'true',
    ...(pullRequest === undefined ? {} : { pullRequest }),
  };
}

// Which attempt of its job and of its stage this is: 1 unless the agent says it was re-run.
function attemptsOf(get: (name: string) => string): Pick<RunContext, 'jobAttempt' | 'stageAttempt'> {
  return {
    jobAttempt: positive(get('System.JobAttempt')) ?? 1,
    stageAttempt: positive(get('System.StageAttempt')) ?? 1,
  };
}

// The definition's id, when the agent sets it.
function pipelineIdOf(get: (name: string) => string, release: boolean): Pick<RunContext, 'pipelineId'> {
  const pipelineId = get(release ? 'Release.DefinitionId' : 'System.DefinitionId');
  return pipelineId ? { pipelineId } : {};
}

// The stage a person sees the job in: a classic release's stages are its environments, and the agent names them
// only as such there.
function stageOf(get: (name: string) => string, release: boolean): string {
  const stage = get('System.StageDisplayName') || get('System.StageName');
  return visibleName(stage || (release ? get('Release.EnvironmentName') : ''));
}

// Who started the run: the release's or the build's requester.
// In a release, who started this deployment (a redeploy, a manual deployment to a later stage), else who created
// the release.
function requester(get: (name: string) => string, release: boolean): Person | undefined {
  return release
    ? (person(get('Release.Deployment.RequestedFor'), get('Release.Deployment.RequestedForEmail')) ??
        person(get('Release.RequestedFor'), get('Release.RequestedForEmail')))
    : person(get('Build.RequestedFor'), get('Build.RequestedForEmail'));
}

// The build or release the job belongs to.
const RELEASE_HOSTS = new Set(['release', 'deployment']);

function runOf(get: (name: string) => string): { build?: BuildRun; release?: ReleaseRun } {
  const releaseId = positive(get('Release.ReleaseId'));
  // A classic release's agent job says `release`; its deployment group job, `deployment`.
  const isRelease = RELEASE_HOSTS.has(get('System.HostType').toLowerCase()) && releaseId !== undefined;
  // A release's primary artifact is a build of Azure Pipelines only when its type says so: a Jenkins or TeamCity
  // build's number would name an unrelated build of the project.
  const buildType = get('Build.Type').toLowerCase();
  const buildId =
    isRelease && buildType !== '' && buildType !== 'build' ? undefined : positive(get('Build.BuildId'));
  const build =
    buildId === undefined ? undefined : { id: buildId, number: get('Build.BuildNumber') || String(buildId) };
  const release: ReleaseRun | undefined =
    isRelease && releaseId !== undefined
      ? {
          id: releaseId,
          name: get('Release.ReleaseName') || `Release ${releaseId}`,
          definitionName: get('Release.DefinitionName'),
          environmentId: positive(get('Release.EnvironmentId')),
          attempt: positive(get('Release.AttemptNumber')),
        }
      : undefined;
  return { build, release };
}

// The page that shows the run: the release's, or the build's results page.
function runUrlOf(
  get: (name: string) => string,
  { collectionUri, project }: { collectionUri: string; project: string },
  build: BuildRun | undefined,
  release: ReleaseRun | undefined,
): string | undefined {
  if (release)
    return (
      releaseWebUrl(get('Release.ReleaseWebUrl'), collectionUri) ??
      releaseUrl(collectionUri, project, release.id)
    );
  return build && `${collectionUri}${encodeURIComponent(project)}/_build/results?buildId=${build.id}`;
}

/**
 * The pull request of a validation run: `System.PullRequest.PullRequestId`, else `…PullRequestNumber` (GitHub),
 * else the number in `refs/pull/<n>/merge` (in a release, its primary artifact's branch: the pull request's build);
 * else the source branch, so the run still has a lane of its own.
 */
function pullRequestId(get: (name: string) => string, branchRef: string): string {
  const numbers = [
    get('System.PullRequest.PullRequestId'),
    get('System.PullRequest.PullRequestNumber'),
    /^refs\/pull\/(\d+)\//.exec(branchRef)?.[1] ?? '',
  ];
  return numbers.find((value) => /^\d+$/.test(value)) ?? branchRef;
}

/**
 * A pull-request validation run: a build for a pull request (`Build.Reason` PullRequest) or a release a pull
 * request's build triggered (`Release.Reason` PullRequest). Its author's feedback loop, not a Bug.
 */
export function isPullRequestRun(context: Pick<RunContext, 'reason'>): boolean {
  return context.reason.toLowerCase() === 'pullrequest';
}

function positive(value: string): number | undefined {
  const number = Number(value);
  return value !== '' && Number.isSafeInteger(number) && number > 0 ? number : undefined;
}

function jobStatus(value: string): JobStatus {
  return JOB_STATUSES.find((status) => status.toLowerCase() === value.toLowerCase()) ?? 'Succeeded';
}

/** `refs/heads/feature/x` → `feature/x`; `refs/pull/7/merge` → `pull/7/merge`. */
export function shortBranch(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, '').replace(/^refs\//, '');
}

function person(displayName: string, email: string): Person | undefined {
  if (!displayName && !email) return undefined;
  return { displayName: displayName || email, email: email || undefined };
}

// Release.ReleaseWebUrl, only under the collection: a step can set it (a test printing a pusher's
// `##vso[task.setvariable]`), and the item would link the run to any site. Both are compared as a browser reads
// them (dot segments, backslashes and their escapes resolved): `…/fabrikam/../other/` starts with the collection
// but leads to another organization.
function releaseWebUrl(url: string, collectionUri: string): string | undefined {
  const href = urlOf(url)?.href;
  const collection = urlOf(collectionUri)?.href;
  if (href === undefined || collection === undefined) return undefined;
  return href.toLowerCase().startsWith(collection.toLowerCase()) ? href : undefined;
}

// The URL `text` spells; undefined for text that is no URL.
function urlOf(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function releaseUrl(collectionUri: string, project: string, id: number): string {
  return `${collectionUri}${encodeURIComponent(project)}/_releaseProgress?_a=release-pipeline-progress&releaseId=${id}`;
}

// Azure Repos and GitHub both serve a commit at <repository>/commit/<sha>; other hosts differ, so no link. A step
// can set Build.Repository.Uri (as Release.ReleaseWebUrl, above), and the item would link the commit to any site:
// an Azure Repos repository is linked only within the collection's organization (its clone URL may name the
// organization as user info, which the link leaves out), a GitHub one only on github.com. GitHub Enterprise's
// host is the organization's own choice, which nothing here can check.
function commitUrl(get: (name: string) => string, commit: string, collectionUri: string): string | undefined {
  const url = urlOf(get('Build.Repository.Uri'));
  if (!commit || url === undefined) return undefined;
  url.username = '';
  url.password = '';
  const repository = url.href.replace(/\/+$/, '').replace(/\.git$/, '');
  const trusted: Record<string, () => boolean> = {
    tfsgit: () => ofJobOrganization(collectionUri, repository),
    github: () => url.protocol === 'https:' && url.host === 'github.com',
    githubenterprise: () => ['https:', 'http:'].includes(url.protocol),
  };
  return trusted[get('Build.Repository.Provider').toLowerCase()]?.()
    ? `${repository}/commit/${commit}`
    : undefined;
}

// Names the agent gives to the implicit stage/job of single-job pipelines; they add nothing where a person reads.
const IMPLICIT_NAMES = new Set(['__default', 'job', 'phase_1', 'agent job']);

/** The name as a person should see it: '' for the implicit stage/job names. */
export function visibleName(name: string | undefined): string {
  return name === undefined || IMPLICIT_NAMES.has(name.trim().toLowerCase()) ? '' : name.trim();
}
