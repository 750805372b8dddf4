import { escapeMarkdown } from '../text/markdown';
import type { Outcome } from '../facts/model';
import { outcomeText } from '../facts/outcome';

/** What the task did, for the run summary (Markdown attached to the run) and the log. */
export type Report =
  | {
      readonly kind: 'created';
      readonly type: string;
      readonly id: number;
      readonly url: string;
      readonly title: string;
    }
  | { readonly kind: 'dryRun'; readonly type: string; readonly project: string; readonly title: string }
  | { readonly kind: 'notFiled'; readonly outcome: Outcome; readonly createOn: string }
  | { readonly kind: 'failed'; readonly message: string };

/** The run summary's Markdown. */
export function summaryMarkdown(report: Report, warnings: readonly string[]): string {
  const lines = ['### Pipeline Work Items', ''];
  switch (report.kind) {
    case 'created':
      lines.push(
        `Created [${escapeMarkdown(report.type)} ${report.id}](${report.url}): ${escapeMarkdown(report.title)}`,
      );
      break;
    case 'dryRun':
      lines.push(
        `Dry run: would create a ${escapeMarkdown(report.type)} in project ${escapeMarkdown(report.project)}: ${escapeMarkdown(report.title)}`,
      );
      lines.push('', 'Nothing was written; the request is in the task log.');
      break;
    case 'notFiled':
      lines.push(
        `Nothing filed: the run's outcome is ${outcomeText(report.outcome)} and createOn is ${report.createOn}.`,
      );
      break;
    case 'failed':
      lines.push(`Could not file a work item: ${escapeMarkdown(report.message)}`);
      break;
  }
  if (warnings.length > 0) lines.push('', ...warnings.map((warning) => `- ⚠ ${escapeMarkdown(warning)}`));
  return `${lines.join('\n')}\n`;
}

/** One line saying what the task did: the task result's message. */
export function reportLine(report: Report): string {
  switch (report.kind) {
    case 'created':
      return `Created ${report.type} ${report.id}: ${report.url}`;
    case 'dryRun':
      return `Dry run: would create a ${report.type} in project '${report.project}'.`;
    case 'notFiled':
      return `Nothing filed: the run's outcome is ${report.outcome} and createOn is ${report.createOn}.`;
    case 'failed':
      return report.message;
  }
}
