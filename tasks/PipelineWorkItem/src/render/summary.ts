import { escapeMarkdown } from '../text/markdown';
import { loc } from '../text/messages';
import type { Outcome } from '../facts/model';

/** What the task did, for the run summary (Markdown attached to the run), the log and the result message. */
export type Report =
  | {
      readonly kind: 'created';
      readonly type: string;
      readonly id: number;
      readonly url: string;
      readonly title: string;
    }
  | {
      readonly kind: 'commented';
      readonly type: string;
      readonly id: number;
      readonly url: string;
      /** undefined when this run had already written on the item (nothing added). */
      readonly occurrence: number | undefined;
      /** The item this run filed and closed as a duplicate of `id` (a race with another run). */
      readonly duplicate?: number;
    }
  | { readonly kind: 'skipped'; readonly type: string; readonly id: number; readonly url: string }
  | {
      readonly kind: 'resolved';
      readonly type: string;
      readonly items: readonly { readonly id: number; readonly url: string }[];
    }
  | { readonly kind: 'nothingOpen'; readonly fingerprint: string }
  | { readonly kind: 'dryRun'; readonly plan: string; readonly title?: string }
  | { readonly kind: 'notFiled'; readonly outcome: Outcome; readonly createOn: string }
  | { readonly kind: 'pullRequest' }
  | { readonly kind: 'undetermined'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string };

const md = escapeMarkdown;
const link = (type: string, id: number, url: string): string => `[${md(type)} ${id}](${url})`;

// How an outcome reads in the summary, in the agent's language (the item says it in English: facts/outcome.ts).
const OUTCOME: Record<Outcome, () => string> = {
  succeeded: () => loc('OutcomeSucceeded'),
  succeededWithIssues: () => loc('OutcomeSucceededWithIssues'),
  failed: () => loc('OutcomeFailed'),
  canceled: () => loc('OutcomeCanceled'),
};

/** The run summary's Markdown. */
export function summaryMarkdown(report: Report, warnings: readonly string[]): string {
  const lines = [`### ${loc('SummaryHeading')}`, '', summaryLine(report)];
  if (report.kind === 'dryRun') lines.push('', loc('SummaryDryRunNote'));
  if (warnings.length > 0) lines.push('', ...warnings.map((warning) => `- ⚠ ${md(warning)}`));
  return `${lines.join('\n')}\n`;
}

function summaryLine(report: Report): string {
  switch (report.kind) {
    case 'created':
      return loc('SummaryCreated', link(report.type, report.id, report.url), md(report.title));
    case 'commented': {
      const item = link(report.type, report.id, report.url);
      if (report.duplicate !== undefined) return loc('SummaryRaced', item, md(report.type), report.duplicate);
      return report.occurrence === undefined
        ? loc('SummaryAlreadyRecorded', item)
        : loc('SummaryRecurred', item, report.occurrence);
    }
    case 'skipped':
      return loc('SummarySkipped', link(report.type, report.id, report.url));
    case 'resolved':
      return loc(
        'SummaryResolved',
        report.items.map((item) => link(report.type, item.id, item.url)).join(', '),
      );
    case 'nothingOpen':
      return loc('SummaryNothingOpen', md(report.fingerprint));
    case 'dryRun':
      return report.title
        ? loc('SummaryDryRunTitle', md(report.plan), md(report.title))
        : loc('DryRunPlan', md(report.plan));
    case 'notFiled':
      return loc('NotFiled', OUTCOME[report.outcome](), report.createOn);
    case 'pullRequest':
      return loc('SummaryPullRequest');
    case 'undetermined':
      return md(report.message);
    case 'failed':
      return loc('SummaryFailed', md(report.message));
  }
}

/** One line saying what the task did: the task result's message. */
export function reportLine(report: Report): string {
  switch (report.kind) {
    case 'created':
      return loc('ReportCreated', report.type, report.id, report.url);
    case 'commented':
      if (report.duplicate !== undefined) {
        return loc('ReportRaced', report.type, report.id, report.duplicate, report.url);
      }
      return report.occurrence === undefined
        ? loc('ReportAlreadyRecorded', report.type, report.id, report.url)
        : loc('ReportRecurred', report.type, report.id, report.occurrence, report.url);
    case 'skipped':
      return loc('ReportSkipped', report.type, report.id, report.url);
    case 'resolved':
      return loc('ReportResolved', report.items.map((item) => `${report.type} ${item.id}`).join(', '));
    case 'nothingOpen':
      return loc('ReportNothingOpen', report.fingerprint);
    case 'dryRun':
      return loc('DryRunPlan', report.plan);
    case 'notFiled':
      return loc('NotFiled', report.outcome, report.createOn);
    case 'pullRequest':
      return loc('ReportPullRequest');
    case 'undetermined':
    case 'failed':
      return report.message;
  }
}
