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
    failedSteps: facts.failures.map(stepPath).join(', '),
    firstError: facts.failures.flatMap((failure) => failure.errors)[0] ?? '',
  };
}
