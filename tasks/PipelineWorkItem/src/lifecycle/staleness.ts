import { isTagRef, RunContext } from '../facts/context';
import type { QueuedBuild } from '../facts/model';

/** The newest builds of one pipeline, on one branch (every branch when `branchRef` is undefined). */
export interface NewestBuilds {
  readonly definitionId: number;
  /** The full ref, e.g. `refs/heads/main`: only that branch's builds. */
  readonly branchRef?: string;
  /** How many of the newest, by the time they were queued. */
  readonly top: number;
}

/**
 * Builds asked for on one branch. The newest is enough while a rerun keeps the place in the queue its build had;
 * the second still shows the newer build should the service count the rerun as queued anew, and list it first.
 */
const BRANCH_BUILDS = 2;

/**
 * Builds asked for in the lane of every tag. No filter names every tag, so the pipeline's newest builds of any
 * branch are read and its tags' picked out: a newer tag's build further back than these goes unseen, and the
 * rerun then acts as any run does.
 */
const TAG_BUILDS = 20;

/** A rerun: this job, or its stage, was run again (`System.JobAttempt` or `System.StageAttempt` above 1). */
export function isRerun(context: Pick<RunContext, 'jobAttempt' | 'stageAttempt'>): boolean {
  return context.jobAttempt > 1 || context.stageAttempt > 1;
}

/**
 * What tells whether a rerun of a build is stale: the newest builds of its pipeline in its lane (its branch; every
 * tag for a tag's build; a pull request's builds share its merge ref). undefined, and nothing to ask, for a first
 * attempt, for a classic release or a deployment job (a redeploy of an older run is the newest deployment of its
 * environment: how a release is rolled back, and a newer build may never have deployed there) and when the agent
 * did not say which pipeline or branch the build is of.
 */
export function newerBuildsQuery(context: RunContext): NewestBuilds | undefined {
  if (!isRerun(context) || context.hostType !== 'build' || context.environment || !context.build)
    return undefined;
  if (!context.branchRef) return undefined;
  const definitionId = Number(context.pipelineId);
  if (!Number.isSafeInteger(definitionId) || definitionId <= 0) return undefined;
  return isTagRef(context.branchRef)
    ? { definitionId, top: TAG_BUILDS }
    : { definitionId, branchRef: context.branchRef, top: BRANCH_BUILDS };
}

/**
 * The newest build of the run's lane queued after the run's own, among `builds`: one with a higher id, as builds
 * are numbered when they are queued. undefined when there is none: the rerun is the newest of its lane, and its
 * outcome is the lane's.
 */
export function newerBuild(
  context: Pick<RunContext, 'build' | 'branchRef'>,
  builds: readonly QueuedBuild[],
): QueuedBuild | undefined {
  const own = context.build?.id;
  if (own === undefined) return undefined;
  const tag = isTagRef(context.branchRef);
  // Git and Azure Repos keep two branches whose names differ only in case apart (`refs/heads/Main` is not main),
  // as the lanes do.
  const inLane = (build: QueuedBuild): boolean =>
    tag ? isTagRef(build.branchRef) : build.branchRef === context.branchRef;
  return builds
    .filter((build) => build.id > own && inLane(build))
    .reduce<QueuedBuild | undefined>(
      (newest, build) => (newest && newest.id > build.id ? newest : build),
      undefined,
    );
}
