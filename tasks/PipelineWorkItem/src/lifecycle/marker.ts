import type { RunContext } from '../facts/context';

/**
 * Every write the task makes to an item carries a marker naming the run (and, for filings, the occurrence), so
 * a later run can count occurrences and a retried write can tell whether the first attempt landed. Markers of
 * 1.0.0 name the run without the job (`build-812.1`); they still count.
 *
 * Only the task's own element counts: a paragraph holding nothing but a `small` element, outside any tag. The
 * notes quote what a pusher controls (error messages, test names, branches), but always escaped, so that text
 * never holds a raw `<` and cannot open an element: the words of a marker typed in an error message are not
 * read. The service may store the markup rewritten (attributes, white space, case, entities, elements around
 * words, and attribute values with `<` unescaped, as HTML serializers write them), which the element and its
 * words are read through.
 */
const MARKER_ELEMENT =
  /<p\b[^>]*>\s*<small\b[^>]*>((?:(?!<\/?(?:p|small)\b)[\s\S])*)<\/small\s*>\s*<\/p\s*>/gi;
const MARKER_WORDS = /^Pipeline Work Items · occurrence (\d+) · run ([\w.-]+)$/;
// A tag with its attributes, quoted values read whole (they may hold `>` and `<`).
const TAG = /<\/?[a-z][^\s/>]*(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
const QUOTED = /"[^"]*"|'[^']*'/g;

/** A discussion entry as the marker reading needs it: its id (newer entries have higher ids) and its HTML. */
export interface MarkedComment {
  readonly id: number;
  readonly text: string;
}

/**
 * This job's run: the build (or release deployment), the job attempt and the job, e.g. `build-812.1.Test`,
 * `release-57.3.2.Deploy`. Every job of a run has a key of its own, so one job never takes another's write for
 * its own.
 */
export function runKey(context: Pick<RunContext, 'build' | 'release' | 'jobAttempt' | 'jobId'>): string {
  const { release, build } = context;
  const run = release
    ? `release-${release.id}.${release.environmentId ?? 0}.${release.attempt ?? 1}`
    : `build-${build?.id ?? 0}.${context.jobAttempt}`;
  // The marker's own character set, so that the key reads back whole.
  const job = context.jobId?.replace(/[^\w.-]+/g, '_');
  return job ? `${run}.${job}` : run;
}

/** The marker line, as HTML, of a filing (occurrence ≥ 1) or of another write (occurrence 0). */
export function markerHtml(key: string, occurrence: number): string {
  return `<p><small>Pipeline Work Items · occurrence ${occurrence} · run ${key}</small></p>`;
}

// The words of an element's content, as written: tags gone, the entities a service may use for the middle dot
// and spaces decoded, white space runs made one space.
const wordsOf = (content: string): string =>
  content
    .replace(/<[^>]*>/g, '')
    .replace(/&(?:middot|#0*183|#x0*b7);/gi, '·')
    .replace(/&(?:nbsp|#0*160|#x0*a0);/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();

function markerOf(comment: { text: string }): { occurrence: number; run: string } | undefined {
  // Attribute values emptied first: an element spelled out in a value is no element.
  const markup = comment.text.replace(TAG, (tag) => tag.replace(QUOTED, '""'));
  const markers = [...markup.matchAll(MARKER_ELEMENT)].flatMap((element) => {
    const match = MARKER_WORDS.exec(wordsOf(element[1] ?? ''));
    return match ? [{ occurrence: Number(match[1]), run: match[2] ?? '' }] : [];
  });
  // The last one counts: the task writes one marker per comment, after the note, so the marker that ends the
  // comment is the one of the write, whatever the note before it holds.
  return markers.at(-1);
}

/** What the markers in an item's comments say: the highest occurrence recorded and the runs that wrote. */
export function readMarkers(comments: readonly { text: string }[]): {
  lastOccurrence: number;
  runs: ReadonlySet<string>;
} {
  let lastOccurrence = 0;
  const runs = new Set<string>();
  for (const comment of comments) {
    const marker = markerOf(comment);
    if (!marker) continue;
    lastOccurrence = Math.max(lastOccurrence, marker.occurrence);
    runs.add(marker.run);
  }
  return { lastOccurrence, runs };
}

/** What the markers of an item's comments, read newest first, tell the run writing `key` about a recurrence. */
export interface RecurrenceMarkers {
  /** The occurrence `key`'s newest marker records; undefined when `key` wrote none. */
  readonly recorded?: number;
  /** The highest occurrence recorded (0: none). */
  readonly lastOccurrence: number;
  /** The run of the newest marker holding the highest occurrence. */
  readonly recordedBy?: string;
}

/** Reads each comment's marker once for what a recurrence needs to know (`RecurrenceMarkers`). */
export function recurrenceMarkers(newestFirst: readonly { text: string }[], key: string): RecurrenceMarkers {
  let recorded: number | undefined;
  let last: { occurrence: number; run: string } | undefined;
  for (const comment of newestFirst) {
    const marker = markerOf(comment);
    if (!marker) continue;
    if (marker.run === key) recorded ??= marker.occurrence;
    if (marker.occurrence > (last?.occurrence ?? 0)) last = marker;
  }
  return { recorded, lastOccurrence: last?.occurrence ?? 0, recordedBy: last?.run };
}

// The run of a key, without the attempt and the job: `build-812` of `build-812.2.Test`, `release-57.3` (the
// release's deployment to environment 3) of `release-57.3.2.Deploy`. A rerun is an attempt of the same run.
const RUN_OF_KEY = /^(?:build-\d+|release-\d+\.\d+)(?=\.|$)/;

// The run and attempt of a key, without the job: `build-812.2` of `build-812.2.Test`, `release-57.3.2` of
// `release-57.3.2.Deploy`.
const ATTEMPT_OF_KEY = /^(?:build-\d+\.\d+|release-\d+\.\d+\.\d+)(?=\.|$)/;

// Whether two keys share the part `prefix` finds at their start.
const samePrefix =
  (prefix: RegExp) =>
  (key: string, other: string): boolean => {
    const part = prefix.exec(key)?.[0];
    return part !== undefined && part === prefix.exec(other)?.[0];
  };

/** Whether two keys are of one run (other jobs or attempts, or the same job). */
export const sameRun = samePrefix(RUN_OF_KEY);

/** Whether two keys are of one attempt of one run (other jobs of it, or the same job). */
export const sameAttempt = samePrefix(ATTEMPT_OF_KEY);

/**
 * Whether comments read newest first already settle a recurrence: once this run's marker or the newest filing
 * marker is among them, older comments change nothing. Each run numbers its occurrence one above the highest it
 * read, so the newest filing marker holds the highest number.
 */
export function recurrenceSettled(key: string): (newestFirst: readonly MarkedComment[]) => boolean {
  return (newestFirst) =>
    newestFirst.some((comment) => {
      const marker = markerOf(comment);
      return marker !== undefined && (marker.run === key || marker.occurrence >= 1);
    });
}

/**
 * Whether comments read newest first already settle if this run wrote on the item: its marker is among them,
 * or they reach back to comment `since`, the newest one before the write (a write cannot land before it).
 */
export function writeSettled(
  key: string,
  since: number | undefined,
): (newestFirst: readonly MarkedComment[]) => boolean {
  return (newestFirst) =>
    newestFirst.some(
      (comment) => markerOf(comment)?.run === key || (since !== undefined && comment.id <= since),
    );
}
