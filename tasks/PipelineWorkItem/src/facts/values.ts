import { laneOf, type Lane, type RunContext } from './context';
import { NO_EVIDENCE, type Evidence, type Outcome, type RunFacts } from './model';
import { outcomeText } from './outcome';
import { stepPath } from './runFacts';
import type { TemplateValues } from '../text/templates';

/**
 * The run as the renderers see it: context, facts, outcome, the evidence gathered for the details and the
 * placeholder values derived from them.
 */
export interface RunView {
  readonly context: RunContext;
  /**
   * The run's lane as the pipeline gave it, which fingerprints are taken from: `context` as an item shows it
   * (render/readable.ts) is masked and cleaned, and a fingerprint must not change with how a value is shown.
   */
  readonly lane: Lane;
  readonly facts: RunFacts;
  readonly outcome: Outcome;
  readonly evidence: Evidence;
  readonly values: TemplateValues;
}

/** Builds the run view, deriving the `{{placeholder}}` values once. */
export function runView(
  context: RunContext,
  facts: RunFacts,
  outcome: Outcome,
  evidence: Evidence = NO_EVIDENCE,
): RunView {
  return {
    context,
    lane: laneOf(context),
    facts,
    outcome,
    evidence,
    values: templateValues(context, facts, outcome),
  };
}

function templateValues(context: RunContext, facts: RunFacts, outcome: Outcome): TemplateValues {
  const first = facts.failures[0];
  return {
    pipeline: context.pipeline,
    runName: context.runName,
    runUrl: context.runUrl,
    project: context.project,
    branch: context.branch,
    commit: context.commit,
    requestedFor: context.requestedFor?.displayName ?? '',
    reason: context.reason,
    stage: context.stage,
    job: context.job,
    environment: context.environment,
    status: outcomeText(outcome),
    failedStep: first ? stepPath(first) : '',
    failedSteps: listedSteps(facts.failures.map(stepPath)),
    firstError: facts.failures.flatMap((failure) => failure.errors)[0] ?? '',
  };
}

/** `{{failedSteps}}` names at most this many steps, as the run summary names unfinished jobs; the rest are counted. */
const LISTED_STEPS = 5;
/** A String field, such as the title, holds 255 characters: the list names fewer steps rather than pass them. */
const LISTED_STEPS_LENGTH = 255;

/**
 * `{{failedSteps}}`: the steps' paths, the first five at most (fewer when they would pass 255 characters, but
 * always the first), then `and N more`. Every path of a run with hundreds of failed steps would make kilobytes of a
 * title, and of a String field in `fields` a value the service refuses.
 */
export function listedSteps(paths: readonly string[]): string {
  const all = paths.join(', ');
  if (paths.length <= 1 || (paths.length <= LISTED_STEPS && all.length <= LISTED_STEPS_LENGTH)) return all;
  const listing = (count: number): string =>
    `${paths.slice(0, count).join(', ')} and ${paths.length - count} more`;
  let count = Math.min(paths.length - 1, LISTED_STEPS);
  while (count > 1 && listing(count).length > LISTED_STEPS_LENGTH) count -= 1;
  return listing(count);
}

/**
 * The values a fingerprint is made of: every failed step in `{{failedSteps}}`. Its cap keeps a title short, but
 * would give runs that fail in different steps past the fifth one fingerprint, and so one item.
 */
export function fingerprintValues(view: Pick<RunView, 'values' | 'facts'>): TemplateValues {
  return { ...view.values, failedSteps: view.facts.failures.map(stepPath).join(', ') };
}
