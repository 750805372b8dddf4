import type { RunContext } from './context';
import type { Outcome, RunFacts } from './model';
import { outcomeText } from './outcome';
import { stepPath } from './runFacts';
import type { TemplateValues } from './templates';

/** The values of every `{{placeholder}}` for this run. */
export function templateValues(context: RunContext, facts: RunFacts, outcome: Outcome): TemplateValues {
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
