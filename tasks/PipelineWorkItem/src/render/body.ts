import { FULL_DETAILS, detailsHtml, DetailsLimits } from './details';
import { count } from './evidence';
import { descriptionHtml } from '../text/markdown';
import type { RunFacts } from '../facts/model';
import type { Settings } from '../inputs/settings';
import type { RunView } from '../facts/values';

/** HTML and long-text fields hold at most 1,000,000 characters (Azure Boards documents "1M characters"). */
export const FIELD_LIMIT = 1_000_000;
// A margin for what changes the body after it is rendered: masking a secret shorter than `***`.
const MAX_BODY_LENGTH = FIELD_LIMIT - 4_096;
const MAX_FAILURES = 50;
const MAX_ERRORS_PER_STEP = 10;
/** Characters of each error the details keep at the least before they are left out. */
const MIN_ERROR_LENGTH = 200;
const SEPARATOR = '\n<hr>\n';

const CUT_NOTE = '<p><i>The details were cut to fit the work item field; see the run for everything.</i></p>';

/**
 * The item's HTML body: the description, then the generated details, within the field's limit. When the
 * details do not fit, the log excerpts are shortened first, then fewer failing tests are listed, then each error is
 * shortened (to MIN_ERROR_LENGTH characters at the least), and a note says what was trimmed; only when that is not
 * enough are the details left out.
 * `run` is the readable run (render/readable.ts): secrets already masked.
 */
export function workItemBody(
  settings: Pick<Settings, 'description' | 'includeDetails'>,
  run: RunView,
  maxLength: number = MAX_BODY_LENGTH,
): string {
  const description = settings.description ? descriptionHtml(settings.description, run.values) : '';
  const join = (details: string): string =>
    [description, details].filter((part) => part !== '').join(SEPARATOR);
  if (!settings.includeDetails) return fitDescription(description, maxLength);
  const view = { ...run, facts: boundFacts(run.facts) };
  const full = join(detailsHtml(view));
  if (full.length <= maxLength) return full;
  const fitted = fitDetails(view, maxLength - (description ? description.length + SEPARATOR.length : 0));
  if (fitted !== undefined) return join(fitted);
  const withNote = description ? `${description}\n${CUT_NOTE}` : CUT_NOTE;
  return withNote.length <= maxLength ? withNote : CUT_NOTE;
}

// Longest details within `budget`: the most log lines per step, then the most tests (failing and flaky), then the
// longest errors that fit with the note.
function fitDetails(view: RunView, budget: number): string | undefined {
  const longestTail = Math.max(0, ...view.evidence.logTails.map((tail) => tail.lines.length));
  const { tests: failing } = view.evidence;
  const listedTests = Math.min(
    FULL_DETAILS.tests,
    Math.max(failing?.tests.length ?? 0, failing?.flaky.length ?? 0),
  );
  const longestError = Math.max(
    0,
    ...view.facts.failures.flatMap((failure) =>
      [...failure.errors, ...failure.warnings].map((e) => e.length),
    ),
  );
  const render = (limits: DetailsLimits): string => {
    const note = trimNote(limits, { longestTail, listedTests, longestError });
    return `${detailsHtml(view, limits)}\n${note}`;
  };
  const fits = (limits: DetailsLimits): boolean => render(limits).length <= budget;
  if (fits({ ...FULL_DETAILS, tailLines: 0 })) {
    const tailLines = largest(longestTail, (n) => fits({ ...FULL_DETAILS, tailLines: n }));
    return render({ ...FULL_DETAILS, tailLines });
  }
  const bare = { ...FULL_DETAILS, tailLines: 0, tests: 0 };
  if (fits(bare)) {
    const tests = largest(listedTests, (n) => fits({ ...bare, tests: n }));
    return render({ ...bare, tests });
  }
  // Many steps with long errors: each error shortened, down to a compiler message's first line, before nothing.
  const errorLength = (n: number): DetailsLimits => ({ ...bare, errorLength: MIN_ERROR_LENGTH + n });
  if (!fits(errorLength(0))) return undefined;
  return render(
    errorLength(largest(FULL_DETAILS.errorLength - MIN_ERROR_LENGTH, (n) => fits(errorLength(n)))),
  );
}

// What the details held before they were trimmed: the longest log tail, the tests listed, the longest error.
interface Untrimmed {
  readonly longestTail: number;
  readonly listedTests: number;
  readonly longestError: number;
}

function trimNote(limits: DetailsLimits, { longestTail, listedTests, longestError }: Untrimmed): string {
  const trimmed: string[] = [];
  if (longestTail > 0 && limits.tailLines < longestTail) {
    trimmed.push(
      limits.tailLines === 0
        ? 'the log excerpts are left out'
        : `the log excerpts show only the last ${limits.tailLines} lines of each step`,
    );
  }
  if (listedTests > 0 && limits.tests < listedTests) {
    trimmed.push(
      limits.tests === 0
        ? 'the failing tests are not listed'
        : `only ${limits.tests} of the failing tests are listed`,
    );
  }
  if (longestError > limits.errorLength && limits.errorLength < FULL_DETAILS.errorLength) {
    trimmed.push(`the errors and warnings show only their first ${count(limits.errorLength)} characters`);
  }
  return `<p><i>Trimmed to fit the work item field (${count(FIELD_LIMIT)} characters): ${trimmed.join('; ')}. See the run for everything.</i></p>`;
}

// The largest n in 0..max with fits(n), for fits true at 0 and monotonic: a binary search, so a long log costs
// a few renderings, not one per line.
function largest(max: number, fits: (n: number) => boolean): number {
  let low = 0;
  let high = max;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

// Cutting HTML mid-tag would break it: a description too long for the field is replaced by the note.
function fitDescription(description: string, maxLength: number): string {
  return description.length <= maxLength ? description : CUT_NOTE;
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
