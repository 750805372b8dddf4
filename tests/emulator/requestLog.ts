// The request log tests assert on: every request the emulator answered (except the control API),
// with its classification, spec template, api-version, auth scheme (never the credential) and body.
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

export type NewRecord = Omit<RecordedRequest, 'seq' | 'status' | 'fault'>;

export class RequestLog {
  private entries: RecordedRequest[] = [];
  private seq = 0;

  add(r: NewRecord): RecordedRequest {
    const entry: RecordedRequest = { seq: ++this.seq, ...r, status: null, fault: false };
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.shift();
    return entry;
  }

  all(): RecordedRequest[] {
    return this.entries.map((e) => ({ ...e }));
  }

  clear(): void {
    this.entries = [];
  }
}
