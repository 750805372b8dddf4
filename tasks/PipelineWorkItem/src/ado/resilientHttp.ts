import type { HttpClientLike } from './rest';
import {
  atRevisionLimit,
  Failure,
  isServiceErrorBody,
  isTimeoutMessage,
  retryAfterMs,
  RetryPolicy,
  verdict,
} from './retry';

type Response = Awaited<ReturnType<HttpClientLike['request']>>;

// Answered before the attempt's body is read: the policy may want another attempt.
class RetryableResponse extends Error {
  constructor(
    readonly response: Response,
    readonly body: string,
  ) {
    super(`HTTP ${response.message.statusCode}`);
  }
}

const RETRIED_STATUS = new Set([429, 500, 502, 503, 504]);

// POSTs that only read: a WIQL query and a batch read of work items.
const READ_POSTS = /\/_apis\/wit\/(wiql|workitemsbatch)(\/|\?|$)/i;

/** Whether sending the request again can change nothing: reads, and queries sent as POST. */
export function safeToRepeat(verb: string, url: string): boolean {
  const method = verb.toUpperCase();
  return (
    method === 'GET' ||
    method === 'HEAD' ||
    method === 'OPTIONS' ||
    (method === 'POST' && READ_POSTS.test(url))
  );
}

function asksJson(headers: Record<string, string>): boolean {
  const accept = Object.entries(headers).find(([name]) => name.toLowerCase() === 'accept')?.[1] ?? '';
  return accept.startsWith('application/json');
}

/** What typed-rest-client's error or response says, for the retry policy. */
export function failureOf(error: unknown): Failure {
  if (error instanceof RetryableResponse) {
    return {
      status: error.response.message.statusCode,
      retryAfterMs: retryAfterMs(error.response.message.headers['retry-after']),
      final: atRevisionLimit(error.body),
      fromService: isServiceErrorBody(error.body),
    };
  }
  const e = (error ?? {}) as {
    statusCode?: unknown;
    code?: unknown;
    message?: unknown;
    responseHeaders?: unknown;
    result?: unknown;
    page?: unknown;
  };
  const headers = (e.responseHeaders ?? {}) as Record<string, string | string[] | undefined>;
  return {
    status: typeof e.statusCode === 'number' ? e.statusCode : undefined,
    code: typeof e.code === 'string' ? e.code : undefined,
    timedOut: isTimeoutMessage(e.message),
    retryAfterMs: retryAfterMs(headers['retry-after']),
    final: typeof e.message === 'string' && atRevisionLimit(e.message),
    fromService: isServiceErrorBody(e.result),
    noContent: e.page === '',
  };
}

/**
 * `request` waiting out the service's last Retry-After: one on an answer that is no failure holds the requests
 * after it (a failure's is waited for before its own next attempt).
 */
function heeding(request: HttpClientLike['request'], policy: RetryPolicy): HttpClientLike['request'] {
  return async (verb, url, data, headers) => {
    await policy.ready();
    const response = await request(verb, url, data, headers);
    const wait = retryAfterMs(response.message.headers['retry-after']);
    if (wait !== undefined && !RETRIED_STATUS.has(response.message.statusCode ?? 0)) policy.holdFor(wait);
    return response;
  };
}

/**
 * Puts every request of `client` under the retry policy. Requests safe to repeat
 * are retried on 429, 5xx, resets and timeouts; writes only on 429 and when the request never left (their other
 * failures have an unknown outcome: the Boards adapter checks whether the write landed before sending it again).
 * A stream body cannot be sent twice, so uploads are left to their adapter.
 */
export function makeResilient(client: HttpClientLike, policy: RetryPolicy): void {
  const send = heeding(client.request.bind(client), policy);
  client.request = async (verb, url, data, headers) => {
    if (data !== null && data !== undefined && typeof data !== 'string')
      return send(verb, url, data, headers);
    const repeatable = safeToRepeat(verb, url);
    const retryable = (error: unknown): boolean => verdict(failureOf(error), repeatable) === 'retry';
    try {
      return await policy.run(
        async () => {
          const response = await send(verb, url, data, headers);
          if (!RETRIED_STATUS.has(response.message.statusCode ?? 0)) {
            if (!repeatable || !asksJson(headers)) return response;
            // Its caller reads a JSON answer whole: read here, an answer cut off mid-way (a reset) is tried again
            // like one cut off before it. Text (logs) streams to a caller that may stop early.
            const body = await response.readBody();
            return { message: response.message, readBody: () => Promise.resolve(body) };
          }
          // The body must be read to free the socket; it is kept for the caller if this is the last attempt.
          const body = await response.readBody();
          const failed = new RetryableResponse(response, body);
          if (!retryable(failed)) return { message: response.message, readBody: () => Promise.resolve(body) };
          throw failed;
        },
        retryable,
        (error) => failureOf(error).retryAfterMs,
      );
    } catch (error) {
      // Out of attempts: hand the last answer to the client, whose own error handling reads it.
      if (error instanceof RetryableResponse) {
        return { message: error.response.message, readBody: () => Promise.resolve(error.body) };
      }
      throw error;
    }
  };
}
