import type { Outcome } from '../facts/model';
import { stripBidi } from '../text/agentText';
import { fitText } from '../text/excerpt';
import { pairedSurrogates } from '../text/logText';
import { renderTemplate, Template } from '../text/templates';
import type { RunView } from '../facts/values';

/**
 * A single-line text field (System.Title among them) holds at most 255 characters; the draft cuts a title, and a
 * `fields` value for such a field, to fit once it is masked.
 */
export const MAX_STRING_LENGTH = 255;

const VERB: Record<Outcome, string> = {
  failed: 'failed',
  succeededWithIssues: 'succeeded with issues',
  succeeded: 'succeeded',
  canceled: 'was canceled',
};

/**
 * The item's title: the user's template, or one made from the run, e.g.
 * `CI failed on main: Build › Unit tests` or `Release-12 failed in Production`, without bidirectional controls.
 * The template's own text may hold a secret (a macro the agent filled): `mask` masks it before the characters a
 * title cannot hold go, which would leave the rest of a secret holding one unmasked. Not cut: the draft cuts once it
 * masked again (`fitTitle`).
 */
export function workItemTitle(
  template: Template | undefined,
  run: RunView,
  mask: (text: string) => string = (text) => text,
): string {
  const title = template ? mask(renderTemplate(template, run.values)) : defaultTitle(run);
  return plainTitle(title) || defaultTitle(run);
}

// Control characters but white space (which becomes a space), and the two noncharacters XML cannot hold: names in
// Azure DevOps may not hold control characters, and a title shows them as nothing or as boxes.
const TITLE_REFUSED = /(?!\s)[\p{Cc}\uFFFE\uFFFF]/gu;

/**
 * A title as one line of plain text: bidirectional and other control characters stripped, an unpaired surrogate
 * shown as the replacement character, white space runs made one space.
 */
export function plainTitle(text: string): string {
  // Halves replaced first: two halves with a control character between them are no character once it is gone.
  return stripBidi(pairedSurrogates(text)).replace(TITLE_REFUSED, '').replace(/\s+/g, ' ').trim();
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

/**
 * Cuts a title to 255 UTF-16 code units (as Azure Boards counts them), between the characters a reader sees, ending
 * with `…` when cut.
 */
export function fitTitle(title: string): string {
  return fitText(title, MAX_STRING_LENGTH);
}
