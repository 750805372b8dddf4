import type { RunContext } from './context';
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
  return { context, facts, outcome, evidence, values: templateValues(context, facts, outcome) };
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
