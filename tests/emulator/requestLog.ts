// The request log tests assert on: every request the emulator answered (except the control API),
// with its classification, host, spec template, api-version, auth scheme (never the credential), body
// and timing. Timing uses performance.now() (monotonic: a wall-clock step cannot reorder requests),
// counted from the log's creation, i.e. emulator start; `reset` clears entries, not the clock.
import { performance } from 'node:perf_hooks';
import type { RecordedRequest } from './types';

const MAX_TEXT = 64 * 1024;
const MAX_JSON = 1024 * 1024;
const MAX_ENTRIES = 10_000;

export function recordBody(body: Buffer, contentType: string | null): unknown {
  if (body.length === 0) return null;
  if (/json/i.test(contentType ?? '') && body.length <= MAX_JSON) {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      // Not JSON after all: fall through to text so the test can see what was sent.
    }
  }
  const text = body.subarray(0, MAX_TEXT).toString('utf8');
  return body.length > MAX_TEXT ? `${text}…[${body.length - MAX_TEXT} more bytes]` : text;
}

export type NewRecord = Omit<RecordedRequest, 'seq' | 'status' | 'fault' | 'endMs'>;

export class RequestLog {
  private entries: RecordedRequest[] = [];
  private seq = 0;
  private readonly origin = performance.now();

  /** Milliseconds since emulator start (fractional, monotonic). */
  now(): number {
    return performance.now() - this.origin;
  }

  add(r: NewRecord): RecordedRequest {
    const entry: RecordedRequest = { seq: ++this.seq, ...r, status: null, fault: false, endMs: null };
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.shift();
    return entry;
  }

  /** The answer went out (status) or the socket was destroyed (0). */
  finish(entry: RecordedRequest, status: number): void {
    entry.status = status;
    entry.endMs = this.now();
  }

  all(): RecordedRequest[] {
    return this.entries.map((e) => ({ ...e }));
  }

  clear(): void {
    this.entries = [];
  }
}
