import type { RunContext } from '../facts/context';

/**
 * Every write the task makes to an item carries a marker naming the run (and, for filings, the occurrence), so
 * a later run can count occurrences and a retried write can tell whether the first attempt landed.
 */
const MARKER = /Pipeline Work Items · occurrence (\d+) · run ([\w.-]+)/;

/** This job's run: the build (or release deployment) and the job attempt, e.g. `build-812.1`, `release-57.3.2`. */
export function runKey(context: Pick<RunContext, 'build' | 'release' | 'jobAttempt'>): string {
  const { release, build } = context;
  if (release) {
    return `release-${release.id}.${release.environmentId ?? 0}.${release.attempt ?? 1}`;
  }
  return `build-${build?.id ?? 0}.${context.jobAttempt}`;
}

/** The marker line, as HTML, of a filing (occurrence ≥ 1) or of another write (occurrence 0). */
export function markerHtml(key: string, occurrence: number): string {
  return `<p><small>Pipeline Work Items · occurrence ${occurrence} · run ${key}</small></p>`;
}

/** What the markers in an item's comments say: the highest occurrence recorded and the runs that wrote. */
export function readMarkers(comments: readonly { text: string }[]): {
  lastOccurrence: number;
  runs: ReadonlySet<string>;
} {
  let lastOccurrence = 0;
  const runs = new Set<string>();
  for (const comment of comments) {
    const match = MARKER.exec(comment.text.replace(/<[^>]*>/g, ''));
    if (!match) continue;
    lastOccurrence = Math.max(lastOccurrence, Number(match[1]));
    runs.add(match[2] ?? '');
  }
  return { lastOccurrence, runs };
}
