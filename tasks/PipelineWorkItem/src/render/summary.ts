import { escapeMarkdown } from '../text/markdown';
import { loc } from '../text/messages';
import type { Outcome, TestFailures, TestStanding } from '../facts/model';
import { count, shownName } from './evidence';

/** What became of one open item a recovered run tried to resolve. */
export type ResolvedItem = { readonly id: number; readonly url: string } & (
  | { readonly outcome: 'resolved'; readonly state: string; readonly reason?: string }
  /** The service refused the change; the note went in as a comment. */
  | { readonly outcome: 'commented'; readonly why: string }
  /**
   * No longer open when the task came to it (a person closed or removed it), or `reopened` by a person after the
   * task moved it: left as it is.
   */
  | { readonly outcome: 'left'; readonly state?: string; readonly reopened?: true }
  /** Refused again; an earlier run's note is on it already, so nothing was added. */
  | { readonly outcome: 'noted'; readonly why: string }
  | { readonly outcome: 'failed'; readonly why: string }
);

/** An item the task wrote on, and the test it is for when it is a test's own item. */
export interface Linked {
  readonly id: number;
  readonly url: string;
  readonly name?: string;
}

/** What `trackTests: perTest` did with the failing tests' own items. */
export interface TestItems {
  readonly type: string;
  readonly created: readonly Linked[];
  readonly commented: readonly Linked[];
  readonly resolved: readonly Linked[];
  /** Failing tests left without an item of their own: over the cap of new items per run. */
  readonly overCap: number;
  /** Failed results past those read, whose tests got no item of their own. */
  readonly unread: number;
  /** Writes that failed (each warned about). */
  readonly failed: number;
}

/** What became of the pipeline's flaky-tests item in this run. */
export interface FlakyItem {
  readonly type: string;
  readonly id: number;
  readonly url: string;
  readonly action: 'created' | 'commented' | 'none';
}

/** What the task did beyond the run's own item, and the run's failing tests it counted. */
export interface SideItems {
  readonly failing?: TestFailures;
  readonly tests?: TestItems;
  readonly flaky?: FlakyItem;
  /** The failures' open items a green run resolved beside the item it filed for its success. */
  readonly recovered?: { readonly type: string; readonly items: readonly ResolvedItem[] };
  /** In a dry run, what resolving them would be. */
  readonly recoveryPlan?: string;
}

/** Whether the service validated a dry run's create (validateOnly), and what it refused. */
export type Validation =
  | { readonly accepted: true }
  /** Accepted once the optional values the service refused are dropped or cut, as the real run does. */
  | { readonly accepted: true; readonly without: readonly string[]; readonly refusal: string }
  | { readonly accepted: false; readonly refusal: string };

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
      /** Another job or attempt of this run had recorded the occurrence: this one's note has the same number. */
      readonly sameRun?: boolean;
      /** The item this run filed and closed as a duplicate of `id` (a race with another run). */
      readonly duplicate?: number;
      /** Why that duplicate could not be closed and stays open (the note is on it as a comment when it could be). */
      readonly duplicateOpen?: string;
      /** The item was filed for a success, which happened again. */
      readonly success?: true;
    }
  | {
      readonly kind: 'skipped';
      readonly type: string;
      readonly id: number;
      readonly url: string;
      /** The item was filed for a success, which happened again. */
      readonly success?: true;
    }
  | {
      readonly kind: 'resolved';
      readonly type: string;
      readonly items: readonly ResolvedItem[];
    }
  | { readonly kind: 'nothingOpen'; readonly fingerprint: string }
  | {
      readonly kind: 'dryRun';
      readonly plan: string;
      readonly title?: string;
      /** The service's check of the create, when the plan is one. */
      readonly validation?: Validation;
    }
  | { readonly kind: 'notFiled'; readonly outcome: Outcome; readonly createOn: string }
  | { readonly kind: 'pullRequest' }
  /** Every failure of the run was a flaky test result: no item of the run's own. */
  | { readonly kind: 'flakyOnly'; readonly count: number }
  | { readonly kind: 'undetermined'; readonly message: string }
  /** Jobs still ran beside this one: nothing resolved, or (`filing`) no item filed for a run that has not failed. */
  | { readonly kind: 'unfinished'; readonly jobs: readonly string[]; readonly filing?: true }
  /** A rerun older than the newest run of its lane, which was queued since (its number, results page, branch). */
  | { readonly kind: 'stale'; readonly number: string; readonly url: string; readonly branch: string }
  | { readonly kind: 'failed'; readonly message: string };

// Escapes a value for the summary's Markdown, masked first: a mask of the rendered text would miss a secret's
// encoded forms, which the escapes split (`%3F` becomes `\%3F`, a Base64 `+` becomes `\+`).
type Md = (text: string) => string;
const link = (md: Md, type: string, id: number, url: string): string => `[${md(type)} ${id}](${url})`;

// How an outcome reads in the summary, in the agent's language (the item says it in English: facts/outcome.ts).
const OUTCOME: Record<Outcome, () => string> = {
  succeeded: () => loc('OutcomeSucceeded'),
  succeededWithIssues: () => loc('OutcomeSucceededWithIssues'),
  failed: () => loc('OutcomeFailed'),
  canceled: () => loc('OutcomeCanceled'),
};

/**
 * The run summary's Markdown: what the task did, the counts of the run's failing tests, its side items; each value
 * masked with `mask` before it is escaped.
 */
export function summaryMarkdown(
  report: Report,
  warnings: readonly string[],
  side: SideItems = {},
  mask: (text: string) => string = (text) => text,
): string {
  const md: Md = (text) => escapeMarkdown(mask(text));
  return renderedSummary(md, report, warnings, side);
}

function renderedSummary(md: Md, report: Report, warnings: readonly string[], side: SideItems): string {
  const lines = [`### ${loc('SummaryHeading')}`, '', summaryLine(md, report)];
  const counts = side.failing && testsLine(side.failing);
  if (counts) lines.push('', counts);
  lines.push(...sideLines(md, side));
  if (report.kind === 'dryRun') {
    if (report.validation) lines.push('', validationLine(md, report.validation));
    lines.push('', loc('SummaryDryRunNote'));
  }
  if (warnings.length > 0) lines.push('', ...warnings.map((warning) => `- ⚠ ${md(warning)}`));
  return `${lines.join('\n')}\n`;
}

// How many tests failed, new in this run or failing since an earlier one, and the flaky results not counted;
// '' when none did and none was flaky.
function testsLine(tests: TestFailures): string {
  const flaky = Math.max(tests.flakyCount ?? 0, tests.flaky.length, tests.flakyFailed ?? 0);
  if (tests.total === 0 && flaky === 0) return '';
  const of = (standing: TestStanding): string =>
    count(tests.tests.filter((test) => test.standing === standing).length);
  const total = count(tests.total);
  return flaky > 0
    ? loc('SummaryTestsFlaky', total, of('new'), of('failingSince'), count(flaky))
    : loc('SummaryTests', total, of('new'), of('failingSince'));
}

function summaryLine(md: Md, report: Report): string {
  switch (report.kind) {
    case 'created':
      return loc('SummaryCreated', link(md, report.type, report.id, report.url), md(report.title));
    case 'commented':
      return commentedSummary(md, report);
    case 'skipped':
      return report.success
        ? loc('SummarySkippedSuccess', link(md, report.type, report.id, report.url))
        : loc('SummarySkipped', link(md, report.type, report.id, report.url));
    case 'resolved':
      return resolvedSummary(md, report.type, report.items);
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
    case 'flakyOnly':
      return loc('SummaryFlakyOnly', report.count);
    case 'undetermined':
      return md(report.message);
    case 'unfinished':
      return unfinishedLine(report.jobs.map(md), report.filing);
    case 'stale':
      return loc('SummaryStaleRerun', md(report.number), report.url, md(report.branch));
    case 'failed':
      return loc('SummaryFailed', md(report.message));
  }
}

function commentedSummary(md: Md, report: Extract<Report, { kind: 'commented' }>): string {
  const item = link(md, report.type, report.id, report.url);
  if (report.duplicate !== undefined) return racedSummary(md, item, report, report.duplicate);
  if (report.occurrence === undefined) return loc('SummaryAlreadyRecorded', item);
  if (report.sameRun) return loc('SummarySameRun', item, report.occurrence);
  return report.success
    ? loc('SummarySucceededAgain', item, report.occurrence)
    : loc('SummaryRecurred', item, report.occurrence);
}

// Another run filed the same failure (or success) at the same moment: this run commented on its item.
function racedSummary(
  md: Md,
  item: string,
  { type, duplicateOpen, success }: Extract<Report, { kind: 'commented' }>,
  duplicate: number,
): string {
  if (duplicateOpen !== undefined) {
    return success
      ? loc('SummaryRacedOpenSuccess', item, md(type), duplicate, md(duplicateOpen))
      : loc('SummaryRacedOpen', item, md(type), duplicate, md(duplicateOpen));
  }
  return success
    ? loc('SummaryRacedSuccess', item, md(type), duplicate)
    : loc('SummaryRaced', item, md(type), duplicate);
}

/** One line saying what the task did: the task result's message. */
export function reportLine(report: Report): string {
  switch (report.kind) {
    case 'created':
      return loc('ReportCreated', report.type, report.id, report.url);
    case 'commented':
      return commentedLine(report);
    case 'skipped':
      return loc('ReportSkipped', report.type, report.id, report.url);
    case 'resolved': {
      const { type, items } = report;
      if (items.every((item) => item.outcome === 'resolved')) {
        return loc('ReportResolved', items.map((item) => `${type} ${item.id}`).join(', '));
      }
      return loc('ReportRecovered', items.map((item) => reportPart(type, item)).join('; '));
    }
    case 'nothingOpen':
      return loc('ReportNothingOpen', report.fingerprint);
    case 'dryRun':
      return loc('DryRunPlan', report.plan);
    case 'notFiled':
      return loc('NotFiled', report.outcome, report.createOn);
    case 'pullRequest':
      return loc('ReportPullRequest');
    case 'flakyOnly':
      return loc('ReportFlakyOnly', report.count);
    case 'unfinished':
      return unfinishedLine(report.jobs, report.filing);
    case 'stale':
      return loc('StaleRerun', report.number, report.branch, report.url);
    case 'undetermined':
    case 'failed':
      return report.message;
  }
}

/** Why nothing was resolved (or filed) while other jobs of the run are running: the first five by name, as given. */
function unfinishedLine(jobs: readonly string[], filing?: true): string {
  const named = jobs.slice(0, 5).join(', ');
  const listed = jobs.length > 5 ? loc('AndMore', named, jobs.length - 5) : named;
  return filing ? loc('NotFiledUnfinished', listed) : loc('NotResolvedUnfinished', listed);
}

function commentedLine(report: Extract<Report, { kind: 'commented' }>): string {
  const { type, id, url, duplicate, occurrence } = report;
  if (report.duplicateOpen !== undefined && duplicate !== undefined) {
    return loc('ReportRacedOpen', type, id, duplicate, url);
  }
  if (duplicate !== undefined) return loc('ReportRaced', type, id, duplicate, url);
  if (occurrence === undefined) return loc('ReportAlreadyRecorded', type, id, url);
  if (report.sameRun) return loc('ReportSameRun', type, id, occurrence, url);
  return loc('ReportRecurred', type, id, occurrence, url);
}

// The failures' items resolved beside a success's, a paragraph for the failing tests' own items and one for the
// flaky-tests item, when the run wrote on them.
function sideLines(md: Md, { tests, flaky, recovered, recoveryPlan }: SideItems): string[] {
  const lines: string[] = [];
  if (recovered) lines.push('', resolvedSummary(md, recovered.type, recovered.items));
  if (recoveryPlan) lines.push('', loc('DryRunPlan', md(recoveryPlan)));
  const items = (linked: readonly Linked[], type: string): string =>
    linked
      .map(
        (item) => `${link(md, type, item.id, item.url)}${item.name ? ` (${md(shownName(item.name))})` : ''}`,
      )
      .join(', ');
  if (tests) {
    const parts = [
      tests.created.length > 0 ? loc('SummaryTestItemsCreated', items(tests.created, tests.type)) : '',
      tests.commented.length > 0 ? loc('SummaryTestItemsCommented', items(tests.commented, tests.type)) : '',
      tests.resolved.length > 0 ? loc('SummaryTestItemsResolved', items(tests.resolved, tests.type)) : '',
      tests.overCap > 0 ? loc('SummaryTestItemsOverCap', tests.overCap) : '',
      tests.unread > 0 ? loc('SummaryTestItemsUnread', tests.unread) : '',
    ].filter((part) => part !== '');
    if (parts.length > 0) lines.push('', ...parts);
  }
  if (flaky && flaky.action !== 'none') {
    const shown = link(md, flaky.type, flaky.id, flaky.url);
    lines.push(
      '',
      flaky.action === 'created' ? loc('SummaryFlakyCreated', shown) : loc('SummaryFlakyCommented', shown),
    );
  }
  return lines;
}

// One paragraph for the items resolved, then one for each item that was not.
function resolvedSummary(md: Md, type: string, items: readonly ResolvedItem[]): string {
  const resolved = items.filter((item) => item.outcome === 'resolved');
  const lines =
    resolved.length > 0
      ? [loc('SummaryResolved', resolved.map((item) => link(md, type, item.id, item.url)).join(', '))]
      : [];
  for (const item of items) {
    const shown = link(md, type, item.id, item.url);
    if (item.outcome === 'commented') lines.push(loc('SummaryResolveRefused', shown, md(item.why)));
    if (item.outcome === 'noted') lines.push(loc('SummaryResolveNoted', shown, md(item.why)));
    if (item.outcome === 'left') lines.push(leftLine(md, shown, item));
    if (item.outcome === 'failed') lines.push(loc('SummaryResolveFailed', shown, md(item.why)));
  }
  return lines.join('\n\n');
}

function leftLine(md: Md, shown: string, item: Extract<ResolvedItem, { outcome: 'left' }>): string {
  return item.reopened
    ? loc('SummaryResolveReopened', shown, md(item.state ?? ''))
    : loc('SummaryResolveLeft', shown, md(item.state ?? loc('ItemDeleted')));
}

function reportPart(type: string, item: ResolvedItem): string {
  switch (item.outcome) {
    case 'resolved':
      return loc('ReportPartResolved', type, item.id);
    case 'commented':
      return loc('ReportPartRefused', type, item.id);
    case 'noted':
      return loc('ReportPartNoted', type, item.id);
    case 'left':
      return item.reopened
        ? loc('ReportPartReopened', type, item.id, item.state ?? '')
        : loc('ReportPartLeft', type, item.id, item.state ?? loc('ItemDeleted'));
    case 'failed':
      return loc('ReportPartFailed', type, item.id, item.why);
  }
}

function validationLine(md: Md, validation: Validation): string {
  if (!validation.accepted) return loc('SummaryDryRunRefused', md(validation.refusal));
  return 'without' in validation
    ? loc('SummaryDryRunAcceptedWithout', md(validation.without.join(', ')), md(validation.refusal))
    : loc('SummaryDryRunAccepted');
}
