import type { RunContext } from '../facts/context';
import { escapeHtml, linkHtml, textHtml } from '../text/html';
import type { FailedStep, Outcome, RunFacts } from '../facts/model';
import { outcomeText } from '../facts/outcome';
import { stepPath } from '../facts/runFacts';
import type { RunView } from '../facts/values';
import {
  changesHtml,
  failingTestsHtml,
  LISTED_TESTS,
  logExcerptHtml,
  MAX_ERROR_LENGTH,
  shownError,
} from './evidence';

// Build.Reason and Release.Reason values in words.
const REASONS: Record<string, string> = {
  manual: 'Manual',
  individualci: 'Continuous integration',
  continuousintegration: 'Continuous integration',
  none: 'Not specified',
  batchedci: 'Continuous integration (batched)',
  schedule: 'Scheduled',
  pullrequest: 'Pull request',
  buildcompletion: 'Build completion',
  resourcetrigger: 'Resource trigger',
  validateshelveset: 'Gated check-in',
  checkinshelveset: 'Gated check-in',
};

/** How much of the evidence the details show; body.ts lowers these to fit the field. */
export interface DetailsLimits {
  /** Log lines per failed step. */
  readonly tailLines: number;
  /** Failing tests listed, and flaky results. */
  readonly tests: number;
  /** Characters of each error and warning of a failed step. */
  readonly errorLength: number;
}

/**
 * The most the details show: every log line gathered, LISTED_TESTS failing tests and flaky results each, and
 * MAX_ERROR_LENGTH characters of each error.
 */
export const FULL_DETAILS: DetailsLimits = {
  tailLines: Number.MAX_SAFE_INTEGER,
  tests: LISTED_TESTS,
  errorLength: MAX_ERROR_LENGTH,
};

/**
 * The generated details: the run table, what failed, the log excerpt, the failing tests and the
 * changes, each only when there is something to say. HTML, every pipeline value escaped as text.
 */
export function detailsHtml(
  { context, facts, outcome, evidence }: Pick<RunView, 'context' | 'facts' | 'outcome' | 'evidence'>,
  limits: DetailsLimits = FULL_DETAILS,
): string {
  return [
    runTableHtml(context, facts, outcome),
    failuresHtml(facts.failures, limits.errorLength),
    logExcerptHtml(facts.failures, evidence.logTails, limits.tailLines),
    failingTestsHtml(evidence.tests, limits.tests),
    changesHtml(evidence.commits),
  ]
    .filter((part) => part !== '')
    .join('\n');
}

export function runTableHtml(context: RunContext, facts: RunFacts, outcome: Outcome): string {
  const rows: [string, string][] = [];
  const add = (label: string, html: string): void => {
    if (html !== '') rows.push([label, html]);
  };
  if (context.release) {
    add('Release pipeline', escapeHtml(context.pipeline));
    add('Release', linkHtml(context.release.name, context.runUrl));
    add('Environment', escapeHtml(context.environment));
    add('Artifacts', facts.artifacts.map(escapeHtml).join('<br>'));
  } else {
    add('Pipeline', escapeHtml(context.pipeline));
    add('Run', linkHtml(context.runName, context.runUrl));
    add('Environment', escapeHtml(context.environment));
  }
  add('Status', `<b>${escapeHtml(outcomeText(outcome))}</b>`);
  add('Branch', escapeHtml(context.branch));
  add('Commit', context.commit ? linkHtml(context.commit.slice(0, 8), context.commitUrl) : '');
  add('Triggered by', escapeHtml(context.requestedFor?.displayName ?? ''));
  // A release's reason is why the release was created; a redeploy's requester may have started this deployment.
  add(
    context.release ? 'Release reason' : 'Reason',
    escapeHtml(REASONS[context.reason.toLowerCase()] ?? context.reason),
  );
  const body = rows.map(([label, html]) => `<tr><td><b>${label}</b></td><td>${html}</td></tr>`).join('\n');
  return `<h3>Pipeline run</h3>\n<table>\n${body}\n</table>`;
}

// What a failure's name is followed by: nothing for a failed step.
const NOTED: Record<NonNullable<FailedStep['kind']> | 'step' | 'job', string> = {
  step: '',
  job: ' (the job failed)',
  stage: ' (the stage failed)',
  withIssues: ' (failed, and the run went on: succeeded with issues)',
  timedOut: ' (timed out)',
};

function failuresHtml(failures: readonly FailedStep[], errorLength: number): string {
  if (failures.length === 0) return '';
  const items = failures.map((failure) => {
    const attempts = failure.attempts ? ` (in each of its ${failure.attempts} attempts)` : '';
    const title = `<b>${escapeHtml(stepPath(failure) || 'A job')}</b>${NOTED[failure.kind ?? (failure.step ? 'step' : 'job')]}${attempts}`;
    const messages = [
      ...failure.errors.map((error) => `<li>${textHtml(shownError(error, errorLength))}</li>`),
      ...failure.warnings.map(
        (warning) => `<li><i>Warning:</i> ${textHtml(shownError(warning, errorLength))}</li>`,
      ),
    ];
    return `<li>${title}${messages.length > 0 ? `\n<ul>\n${messages.join('\n')}\n</ul>` : ''}</li>`;
  });
  return `<h3>What failed</h3>\n<ul>\n${items.join('\n')}\n</ul>`;
}
