// Evidence that requests went out together, from the emulator's request log: what was in flight at once while
// the task ran (polled), and, once the log records startMs/endMs, their overlap.
import * as assert from 'node:assert/strict';
import type { Emulator, RecordedRequest } from '../emulator/harness';

/** A recorded request, with the timing the request log is gaining (absent in older emulators). */
type Timed = RecordedRequest & { startMs?: number; endMs?: number | null };

export interface Watch {
  /** Stops polling; returns the snapshots in which a request matching `focus` was in flight. */
  stop(): Promise<RecordedRequest[][]>;
}

/**
 * Polls the request log while the task runs and keeps every snapshot taken while a request matching `focus` is
 * in flight (status still null): what else had been requested by then, and what was in flight with it.
 */
export function watchInFlight(emulator: Emulator, focus: (r: RecordedRequest) => boolean): Watch {
  const snapshots: RecordedRequest[][] = [];
  let running = true;
  const loop = (async (): Promise<void> => {
    while (running) {
      const requests = await emulator.requests();
      if (requests.some((r) => focus(r) && r.status === null)) snapshots.push(requests);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return snapshots;
    },
  };
}

/** The most requests matching `match` seen in flight at the same moment. */
export function mostInFlight(snapshots: RecordedRequest[][], match: (r: RecordedRequest) => boolean): number {
  return Math.max(0, ...snapshots.map((s) => s.filter((r) => match(r) && r.status === null).length));
}

/**
 * Asserts that `reads` went out together: each after `after` and before `before` in the log and, when the log
 * records times, all of them started before any of them ended (none can be a reaction to another).
 */
export function assertStartedTogether(
  reads: readonly RecordedRequest[],
  bounds: { after: RecordedRequest; before: RecordedRequest },
): void {
  assert.ok(reads.length > 1, `expected several reads, got ${reads.length}`);
  for (const read of reads) {
    assert.ok(
      read.seq > bounds.after.seq && read.seq < bounds.before.seq,
      `${read.method} ${read.path} (#${read.seq}) is not between ${bounds.after.path} (#${bounds.after.seq}) and ${bounds.before.path} (#${bounds.before.seq})`,
    );
  }
  const timed = reads as readonly Timed[];
  if (timed.every((r) => typeof r.startMs === 'number' && typeof r.endMs === 'number')) {
    const lastStart = Math.max(...timed.map((r) => r.startMs ?? 0));
    const firstEnd = Math.min(...timed.map((r) => r.endMs ?? 0));
    assert.ok(
      lastStart < firstEnd,
      `the last read started at ${lastStart} ms, after one ended at ${firstEnd} ms`,
    );
  }
}
