import pRetry from 'p-retry';
import { loc } from '../text/messages';

/** How long the task keeps trying, and how long one request may take. */
export interface RetryLimits {
  /** One request's idle timeout; the client's own default is 3 minutes. */
  readonly requestTimeoutMs: number;
  /** All retries of the whole task run together stop once this much time has passed since the first call. */
  readonly budgetMs: number;
}

export const DEFAULT_LIMITS: RetryLimits = { requestTimeoutMs: 30_000, budgetMs: 120_000 };

/** What a failed attempt means for the next one. */
export type Verdict =
  /** Nothing was done (or doing it again is harmless): try again. */
  | 'retry'
  /** A write may or may not have landed: check before sending it again. */
  | 'unknownOutcome'
  | 'fail';

/** A failed attempt as the policy sees it. */
export interface Failure {
  readonly status?: number;
  /** Node's network error code, e.g. ECONNRESET. */
  readonly code?: string;
  /** The client gave up waiting for an answer. */
  readonly timedOut?: boolean;
  /** What the service asked us to wait (Retry-After), in milliseconds. */
  readonly retryAfterMs?: number;
  /** The service said why it refused, and trying again cannot change it (a 5xx that is not transient). */
  readonly final?: boolean;
  /** The answer carried Azure DevOps' own error body (JSON naming its `typeKey`), not a proxy's or gateway's page. */
  readonly fromService?: boolean;
  /**
   * A successful status without content, where Azure DevOps always answers with JSON: something answered in its
   * place, and whether the request reached the service is not known.
   */
  readonly noContent?: boolean;
}

// Azure DevOps Services refuses every change through the REST API to an item with 10,000 revisions, with a 500
// and this sentence (`Work item 12 has 10000 revisions, but currently, when updating via the API, only work
// items with up to 10,000 revisions are supported.`); people can still change it in the web portal.
const REVISION_LIMIT = /only work items with up to [\d.,\s]+ revisions are supported/i;

/** Whether the service's message says the item has reached the revisions the REST API may add to. */
export function atRevisionLimit(message: string): boolean {
  return REVISION_LIMIT.test(message);
}

const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);
// The request never reached the service.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
const CUT_OFF = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'ESOCKETTIMEDOUT']);

/** Whether an error's message is typed-rest-client's own idle timeout, or a socket closed without an answer. */
export function isTimeoutMessage(message: unknown): boolean {
  return typeof message === 'string' && /^Request timeout|socket hang up/i.test(message);
}

/** Whether Node's error `code` says the network failed (as opposed to the service answering). */
export function isNetworkCode(code: string | undefined): code is string {
  return code !== undefined && (NOT_SENT.has(code) || CUT_OFF.has(code));
}

/**
 * The one retry rule of the task. 429 is refused before anything happens, so it is always retried; a 5xx, a reset
 * or a timeout is retried for requests that are safe to repeat (reads, queries) and is an unknown outcome for
 * writes, as is a write answered without content (a read answered so fails where its answer is read, and is not
 * retried); other statuses (4xx: the request itself is wrong), and a refusal the service explains, are final.
 */
export function verdict(failure: Failure, safeToRepeat: boolean): Verdict {
  if (failure.final === true) return 'fail';
  if (failure.status === 429) return 'retry';
  if (failure.code !== undefined && NOT_SENT.has(failure.code)) return 'retry';
  const cutOff =
    (failure.status !== undefined && TRANSIENT_STATUS.has(failure.status)) ||
    failure.timedOut === true ||
    failure.noContent === true ||
    (failure.code !== undefined && CUT_OFF.has(failure.code));
  if (!cutOff) return 'fail';
  return safeToRepeat ? 'retry' : 'unknownOutcome';
}

/**
 * Whether the service itself answered a write whose outcome is unknown (a 500 or 503 with its own error body): it
 * is done with the request, so the write cannot land later. A gateway's 502 or 504, a 503 without that body (a
 * front door answers 503 when the server behind it is slow to answer), a timeout or a reset leaves it possibly
 * held, and landing.
 */
export function answeredByService(failure: Failure): boolean {
  return (failure.status === 500 || failure.status === 503) && failure.fromService === true;
}

/** Whether `body` (text, or JSON already parsed) is Azure DevOps' error body: an object naming its `typeKey`. */
export function isServiceErrorBody(body: unknown): boolean {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body) as unknown;
    } catch {
      return false;
    }
  }
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { typeKey?: unknown }).typeKey === 'string'
  );
}

// The obsolete asctime form of an HTTP date: `Sun Nov  6 08:49:37 1994`.
const ASCTIME = /^\s*[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}\s*$/;

/** `Retry-After` in seconds or as an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(
  value: string | string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\s*-?\d+(\.\d+)?\s*$/.test(text)) {
    const seconds = Number(text);
    return seconds >= 0 ? seconds * 1000 : undefined;
  }
  // An HTTP date is in GMT; its obsolete asctime form does not say so, and Date.parse would read it in the
  // agent's time zone.
  const date = Date.parse(ASCTIME.test(text) ? `${text} GMT` : text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Retries for one task run: every call shares one time budget, so a bad minute cannot hold the job for long. */
export class RetryPolicy {
  private readonly deadline: number;
  // No request goes out before this time: the service asked the client to slow down (a Retry-After).
  private notBefore = 0;

  constructor(
    readonly limits: RetryLimits,
    private readonly now: () => number = () => performance.now(),
    /** Told, as a line for the log, of each wait the service asks for: a throttled run does not sit silent. */
    private readonly told: (message: string) => void = () => undefined,
  ) {
    this.deadline = now() + limits.budgetMs;
  }

  private tell(waitMs: number): void {
    if (waitMs > 0) this.told(loc('RetryAfterWait', Math.ceil(waitMs / 1000)));
  }

  /**
   * Holds every request sent from now on until `waitMs` has passed: Azure DevOps sends Retry-After on answers that
   * succeed when a client nears its rate limit, and asks it to wait that long before its next request. The hold
   * ends with the budget, past which no request waits.
   */
  holdFor(waitMs: number): void {
    const until = Math.min(this.now() + waitMs, this.deadline);
    if (until <= this.notBefore) return;
    this.notBefore = until;
    this.tell(until - this.now());
  }

  /** Resolves once the service's last Retry-After has passed. */
  async ready(): Promise<void> {
    const wait = this.notBefore - this.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /**
   * Runs `attempt` until it succeeds, `retryable` says no, or the budget is spent. Exponential backoff with jitter
   * (0.5 s, 1 s, 2 s … up to 15 s); a Retry-After the service sent is waited first.
   */
  async run<T>(
    attempt: () => Promise<T>,
    retryable: (error: unknown) => boolean,
    waitHint: (error: unknown) => number | undefined = () => undefined,
  ): Promise<T> {
    const left = (): number => this.deadline - this.now();
    if (left() <= 0) return attempt();
    return pRetry(attempt, {
      retries: 8,
      minTimeout: 500,
      maxTimeout: 15_000,
      randomize: true,
      maxRetryTime: left(),
      shouldRetry: ({ error }) => retryable(error) && left() > 0,
      onFailedAttempt: async ({ error }) => {
        const wait = waitHint(error);
        if (!retryable(error) || wait === undefined) return;
        if (wait >= left()) throw error;
        this.tell(wait);
        await new Promise((resolve) => setTimeout(resolve, wait));
      },
    });
  }
}
