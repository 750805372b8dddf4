import { escapeMarkdown } from '../text/markdown';
import type { Outcome } from '../facts/model';
import { outcomeText } from '../facts/outcome';

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

/** The run summary's Markdown. */
export function summaryMarkdown(report: Report, warnings: readonly string[]): string {
  const lines = ['### Pipeline Work Items', '', summaryLine(report)];
  if (report.kind === 'dryRun') lines.push('', 'Nothing was written; the request is in the task log.');
  if (warnings.length > 0) lines.push('', ...warnings.map((warning) => `- ⚠ ${md(warning)}`));
  return `${lines.join('\n')}\n`;
}

function summaryLine(report: Report): string {
  switch (report.kind) {
    case 'created':
      return `Created ${link(report.type, report.id, report.url)}: ${md(report.title)}`;
    case 'commented':
      if (report.duplicate !== undefined) {
        return `Another run filed the same failure at the same moment: commented on ${link(report.type, report.id, report.url)} and closed ${md(report.type)} ${report.duplicate} as its duplicate.`;
      }
      return report.occurrence === undefined
        ? `This run is already recorded on ${link(report.type, report.id, report.url)}; nothing added.`
        : `The failure happened again: commented on ${link(report.type, report.id, report.url)} (occurrence ${report.occurrence}).`;
    case 'skipped':
      return `The failure is already tracked by ${link(report.type, report.id, report.url)}; onRecurrence is skip, so nothing was written.`;
    case 'resolved':
      return `The pipeline recovered: resolved ${report.items.map((item) => link(report.type, item.id, item.url)).join(', ')}.`;
    case 'nothingOpen':
      return `The run succeeded and nothing is open for ${md(report.fingerprint)}.`;
    case 'dryRun':
      return `Dry run: would ${md(report.plan)}${report.title ? `: ${md(report.title)}` : ''}.`;
    case 'notFiled':
      return `Nothing filed: the run's outcome is ${outcomeText(report.outcome)} and createOn is ${report.createOn}.`;
    case 'pullRequest':
      return 'Nothing filed: this is a pull-request validation run (set includePullRequests to file for them).';
    case 'undetermined':
      return md(report.message);
    case 'failed':
      return `Could not file a work item: ${md(report.message)}`;
  }
}

/** One line saying what the task did: the task result's message. */
export function reportLine(report: Report): string {
  switch (report.kind) {
    case 'created':
      return `Created ${report.type} ${report.id}: ${report.url}`;
    case 'commented':
      if (report.duplicate !== undefined) {
        return `Commented on ${report.type} ${report.id} (filed at the same moment by another run; ${report.duplicate} closed as its duplicate): ${report.url}`;
      }
      return report.occurrence === undefined
        ? `This run is already recorded on ${report.type} ${report.id}: ${report.url}`
        : `Commented on ${report.type} ${report.id} (occurrence ${report.occurrence}): ${report.url}`;
    case 'skipped':
      return `Already tracked by ${report.type} ${report.id} (onRecurrence skip): ${report.url}`;
    case 'resolved':
      return `Resolved ${report.items.map((item) => `${report.type} ${item.id}`).join(', ')}: the pipeline recovered.`;
    case 'nothingOpen':
      return `Nothing to resolve: no open item for ${report.fingerprint}.`;
    case 'dryRun':
      return `Dry run: would ${report.plan}.`;
    case 'notFiled':
      return `Nothing filed: the run's outcome is ${report.outcome} and createOn is ${report.createOn}.`;
    case 'pullRequest':
      return 'Nothing filed for a pull-request validation run (includePullRequests is false).';
    case 'undetermined':
    case 'failed':
      return report.message;
  }
}
