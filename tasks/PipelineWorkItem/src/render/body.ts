import { detailsHtml } from './details';
import { descriptionHtml } from '../text/markdown';
import type { RunFacts } from '../facts/model';
import type { Settings } from '../inputs/settings';
import type { RunView } from '../facts/values';

/** HTML and long-text fields hold at most 1,000,000 characters; keep a margin for the service's own markup. */
const MAX_BODY_LENGTH = 1_000_000 - 1_000;
const MAX_FAILURES = 50;
const MAX_ERRORS_PER_STEP = 10;

const CUT_NOTE = '<p><i>The details were cut to fit the work item field; see the run for everything.</i></p>';

/** The item's HTML body: the description, then the generated details, within the field's limit. */
export function workItemBody(
  settings: Pick<Settings, 'description' | 'includeDetails'>,
  run: RunView,
): string {
  const description = settings.description ? descriptionHtml(settings.description, run.values) : '';
  const details = settings.includeDetails ? detailsHtml({ ...run, facts: boundFacts(run.facts) }) : '';
  const body = [description, details].filter((part) => part !== '').join('\n<hr>\n');
  if (body.length <= MAX_BODY_LENGTH) return body;
  // Cutting HTML mid-tag would break it: drop the generated details first, then the description.
  const withoutDetails = description ? `${description}\n${CUT_NOTE}` : CUT_NOTE;
  return withoutDetails.length <= MAX_BODY_LENGTH ? withoutDetails : CUT_NOTE;
}

// A run with thousands of failing steps or errors must not make an unreadable item.
function boundFacts(facts: RunFacts): RunFacts {
  const failures = facts.failures.slice(0, MAX_FAILURES).map((failure) => {
    const extra = failure.errors.length - MAX_ERRORS_PER_STEP;
    if (extra <= 0) return failure;
    return {
      ...failure,
      errors: [...failure.errors.slice(0, MAX_ERRORS_PER_STEP), `… and ${extra} more errors`],
    };
  });
  return { ...facts, failures };
}
