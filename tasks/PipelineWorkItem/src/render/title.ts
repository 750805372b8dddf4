import type { Outcome } from '../facts/model';
import { stripBidi } from '../text/agentText';
import { renderTemplate, Template } from '../text/templates';
import type { RunView } from '../facts/values';

/** System.Title holds at most 255 characters; the draft cuts a title to fit, once it is masked. */
const MAX_TITLE_LENGTH = 255;

const VERB: Record<Outcome, string> = {
  failed: 'failed',
  succeededWithIssues: 'succeeded with issues',
  succeeded: 'succeeded',
  canceled: 'was canceled',
};

/**
 * The item's title: the user's template, or one made from the run, e.g.
 * `CI failed on main: Build › Unit tests` or `Release-12 failed in Production`, without bidirectional controls.
 * Not cut: the template's own text may hold a secret, which the draft masks before it cuts (`fitTitle`).
 */
export function workItemTitle(template: Template | undefined, run: RunView): string {
  const title = template ? renderTemplate(template, run.values) : defaultTitle(run);
  return plainTitle(title) || defaultTitle(run);
}

/** A title as one line of plain text: bidirectional controls stripped, white space runs made one space. */
export function plainTitle(text: string): string {
  return stripBidi(text).replace(/\s+/g, ' ').trim();
}

function defaultTitle({ context, values, outcome }: RunView): string {
  if (context.release) {
    const where = context.environment ? ` in ${context.environment}` : '';
    return `${context.release.name} ${VERB[outcome]}${where}`;
  }
  const branch = values.branch ? ` on ${values.branch}` : '';
  if (outcome === 'failed' && values.failedStep)
    return `${values.pipeline} failed${branch}: ${values.failedStep}`;
  const run = values.runName && outcome !== 'failed' ? ` (${values.runName})` : '';
  return `${values.pipeline} ${VERB[outcome]}${branch}${run}`;
}

/** Cuts a title to 255 characters (whole code points), ending with `…` when cut. */
export function fitTitle(title: string): string {
  if (title.length <= MAX_TITLE_LENGTH) return title;
  let cut = '';
  for (const char of title) {
    if (cut.length + char.length > MAX_TITLE_LENGTH - 1) break;
    cut += char;
  }
  return `${cut.trimEnd()}…`;
}
