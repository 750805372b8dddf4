import type { IncomingHttpHeaders } from 'node:http';
import { firstLines } from '../text/excerpt';
import { loc } from '../text/messages';
import { redactor } from '../text/redact';
import { textTail } from '../text/tail';

/** An answer's head, and the stream of its body (typed-rest-client's IncomingMessage). */
export interface ResponseHead extends AsyncIterable<Buffer> {
  readonly statusCode?: number;
  readonly headers: IncomingHttpHeaders;
  destroy(): void;
}

/** The part of typed-rest-client's HttpClient the task sends through (proxy, certificates, credentials). */
export interface HttpClientLike {
  request(
    verb: string,
    requestUrl: string,
    data: string | NodeJS.ReadableStream | null,
    headers: Record<string, string>,
  ): Promise<{ message: ResponseHead; readBody(): Promise<string> }>;
}

/**
 * A request of a documented REST operation. The API versions are those of Azure DevOps Server 2020 (REST 6.0),
 * which Server 2022 and Services also serve: the task needs no location discovery round trip first.
 */
export interface Request {
  readonly method: 'GET' | 'POST' | 'PATCH';
  /** Path below the host's collection URL, e.g. `WebApp/_apis/wit/wiql`; each segment already encoded. */
  readonly path: string;
  readonly apiVersion: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** A JSON value. */
  readonly body?: unknown;
  /** A streamed body (uploads), opened anew for each attempt. */
  readonly stream?: () => NodeJS.ReadableStream;
  readonly contentType?: string;
  /** `text` for logs served as plain text. */
  readonly accept?: 'json' | 'text';
}

/** A failed request, in the shape the retry policy and the error messages read (typed-rest-client's). */
export interface ServiceFailure extends Error {
  readonly statusCode: number;
  readonly result: unknown;
  readonly responseHeaders: IncomingHttpHeaders;
}

/**
 * The start of an answer that is not the service's JSON (a proxy's or a gateway's page), for an error message to
 * quote: masked whole before it is cut, so that no cut leaves part of a secret the log's mask would no longer find.
 */
export function answerExcerpt(body: string, secrets: readonly string[], maxChars: number): string {
  // Masked as answered, then again once line ends are made one: a secret holding a CR LF is found before they are
  // made one, one echoed with other line ends than its own after.
  const redact = redactor(secrets);
  return firstLines(redact(redact(body).replace(/\r\n?/g, '\n')), 10, maxChars);
}

function failure(
  status: number,
  body: string,
  headers: IncomingHttpHeaders,
  secrets: readonly string[],
): ServiceFailure {
  let result: unknown;
  try {
    result = body ? JSON.parse(body) : undefined;
  } catch {
    result = undefined;
  }
  const message = (result as { message?: unknown } | undefined)?.message;
  const error = new Error(
    typeof message === 'string' ? message : answerExcerpt(body, secrets, 500) || `HTTP ${status}`,
  );
  return Object.assign(error, { statusCode: status, result, responseHeaders: headers });
}

/**
 * A successful status whose body is no JSON: not the service's answer but a page in its place, such as a proxy's
 * block page, or the sign-in page a redirect of refused credentials leads to (the client follows redirects).
 */
export interface NotJsonAnswer extends ServiceFailure {
  /** The page's start, masked; '' for an answer without content. */
  readonly page: string;
}

function notJson(status: number, body: string, secrets: readonly string[]): NotJsonAnswer {
  const page = answerExcerpt(body, secrets, 300);
  return Object.assign(new Error(page), { statusCode: status, result: undefined, responseHeaders: {}, page });
}

/**
 * The header that asks Azure DevOps to refuse credentials it does not accept with a 401: without it, a GET or
 * POST with an expired token or a revoked PAT gets the sign-in page with status 203.
 */
export const PLAIN_REFUSAL = 'X-TFS-FedAuthRedirect';

// A 203 is the sign-in page, whatever a client asked for: the credentials were refused.
const succeeded = (status: number): boolean => status >= 200 && status <= 299 && status !== 203;

/**
 * `value` encoded as one segment of a URL path (project, team and type names may hold spaces and other characters).
 * A segment of `.` or `..` would address another resource: a URL resolves it (`WebApp/../_apis` is the collection's
 * `_apis`), and so does typed-rest-client's parser when its dots are escaped as `%2E`. No such name is ever sent.
 * @throws Error naming the value, before any request.
 */
export function segment(value: string | number): string {
  const encoded = encodeURIComponent(String(value));
  if (encoded === '.' || encoded === '..') throw new Error(loc('UrlDotSegment', encoded));
  return encoded;
}

// Members of a JSON Patch operation that address the document (`/fields/System.Title`, `/relations/-`): the task
// writes them from names, and masking one would send a request the service cannot apply.
const PATCH_ADDRESSES: ReadonlySet<string> = new Set(['op', 'path', 'from']);

/** `value` with `mask` applied to every string in it (object keys and JSON Patch addresses aside). */
function maskStrings(value: unknown, mask: (text: string) => string): unknown {
  if (typeof value === 'string') return mask(value);
  if (Array.isArray(value)) return value.map((item) => maskStrings(item, mask));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, item]) => [
      name,
      PATCH_ADDRESSES.has(name) && typeof item === 'string' ? item : maskStrings(item, mask),
    ]),
  );
}

/** JSON and text calls to one host of an organization. */
export class Rest {
  constructor(
    private readonly http: HttpClientLike,
    /** The host's collection URL, with a trailing slash. */
    readonly baseUrl: string,
    /** Values no text may carry, asked at each use: an error quoting an answer masks them first. */
    private readonly secrets: () => readonly string[],
    /** Applied to every string of a JSON body and to every query value before they are sent. */
    private readonly outgoing: (text: string) => string = (text) => text,
  ) {}

  /**
   * Calls to the same host that pass every string they send (each JSON body's, each query value) through `mask`:
   * one place that no write path can go around.
   */
  masking(mask: (text: string) => string): Rest {
    return new Rest(this.http, this.baseUrl, this.secrets, mask);
  }

  /** Sends the request; resolves the answer's body, or undefined on 404 when `notFound` allows it. */
  async send(request: Request, notFound: 'undefined' | 'throw' = 'throw'): Promise<string | undefined> {
    return (await this.answer(request, notFound))?.body;
  }

  private async answer(request: Request, notFound: 'throw'): Promise<Answer>;
  private async answer(request: Request, notFound: 'undefined' | 'throw'): Promise<Answer | undefined>;
  private async answer(request: Request, notFound: 'undefined' | 'throw'): Promise<Answer | undefined> {
    const response = await this.request(request);
    const status = response.message.statusCode ?? 0;
    const body = await response.readBody();
    if (status === 404 && notFound === 'undefined') return undefined;
    if (!succeeded(status)) throw failure(status, body, response.message.headers, this.secrets());
    return { status, body, headers: response.message.headers };
  }

  /**
   * Sends the request and reads at most `maxBytes` of a successful answer: a longer one is cut off (its
   * connection closed) and `over` is true.
   */
  async sendCapped(request: Request, maxBytes: number): Promise<{ body: string; over: boolean }> {
    const response = await this.streamed(request);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.message) {
      size += chunk.length;
      if (size > maxBytes) {
        response.message.destroy();
        return { body: '', over: true };
      }
      chunks.push(chunk);
    }
    return { body: Buffer.concat(chunks).toString('utf8'), over: false };
  }

  /**
   * Sends the request and keeps only the end of a successful text answer, however long it is (`textTail`): its
   * last `maxBytes` from the first line that starts in them, and the number of lines of the whole answer.
   */
  async sendTail(request: Request, maxBytes: number): Promise<{ tail: string; lineCount: number }> {
    const response = await this.streamed(request);
    const tail = textTail(maxBytes);
    for await (const chunk of response.message) tail.push(chunk);
    return tail.end();
  }

  // The answer to `request` with its body still to read, once its status says it succeeded.
  private async streamed(request: Request): ReturnType<HttpClientLike['request']> {
    const response = await this.request(request);
    const status = response.message.statusCode ?? 0;
    if (!succeeded(status)) {
      throw failure(status, await response.readBody(), response.message.headers, this.secrets());
    }
    return response;
  }

  private request(request: Request): ReturnType<HttpClientLike['request']> {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) query.set(name, this.outgoing(String(value)));
    }
    query.set('api-version', request.apiVersion);
    const url = `${this.baseUrl}${request.path}?${query.toString()}`;
    const accept = request.accept === 'text' ? 'text/plain' : 'application/json';
    const headers: Record<string, string> = {
      Accept: `${accept};api-version=${request.apiVersion}`,
      [PLAIN_REFUSAL]: 'Suppress',
    };
    let data: string | NodeJS.ReadableStream | null = null;
    if (request.stream) {
      // Sent chunked: a masked text's length is known only once it has been sent.
      data = request.stream();
      headers['Content-Type'] = request.contentType ?? 'application/octet-stream';
    } else if (request.body !== undefined) {
      data = JSON.stringify(maskStrings(request.body, this.outgoing));
      headers['Content-Type'] = request.contentType ?? 'application/json';
    }
    return this.http.request(request.method, url, data, headers);
  }

  /**
   * The answer's JSON; undefined on 404 when `notFound` allows it, and for an answer without content, which some
   * reads get from the service itself (a build's timeline, for a build without one, is answered 204). Where
   * reading nothing would decide a write, `answered` refuses such an answer instead.
   * @throws NotJsonAnswer when a successful answer is no JSON: a page that is not the service's
   */
  async json<T>(request: Request, notFound: 'undefined' | 'throw' = 'throw'): Promise<T | undefined> {
    return (await this.jsonPage<T>(request, notFound)).json;
  }

  /**
   * The answer's JSON (undefined on 404 when `notFound` allows it), for a call Azure DevOps always answers with
   * some: an empty answer with a successful status is not the service's (a proxy or gateway answered in its
   * place), and reading it as an empty result would be wrong where that result decides a write (no item found:
   * file a new one; no marker among the comments: post it again).
   * @throws NotJsonAnswer when the answer is no JSON, an empty one included
   */
  async answered<T>(request: Request, notFound?: 'throw'): Promise<T>;
  async answered<T>(request: Request, notFound: 'undefined'): Promise<T | undefined>;
  async answered<T>(request: Request, notFound: 'undefined' | 'throw' = 'throw'): Promise<T | undefined> {
    const answer = await this.answer(request, notFound);
    return answer && this.parsed<T>(answer);
  }

  /**
   * The answer's JSON and the continuation token of a paged list: operations that page with a token (Runs -
   * Query) send it in the answer's head, not its body.
   */
  async jsonPage<T>(
    request: Request,
    notFound: 'undefined' | 'throw' = 'throw',
  ): Promise<{ json: T | undefined; continuationToken: string | undefined }> {
    const answer = await this.answer(request, notFound);
    const token = answer?.headers[CONTINUATION_TOKEN];
    const continuationToken = (Array.isArray(token) ? token[0] : token) || undefined;
    if (answer === undefined || answer.body === '') return { json: undefined, continuationToken };
    return { json: this.parsed<T>(answer), continuationToken };
  }

  private parsed<T>(answer: Answer): T {
    try {
      return JSON.parse(answer.body) as T;
    } catch {
      throw notJson(answer.status, answer.body, this.secrets());
    }
  }
}

/** A successful answer, its body read. */
interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
}

/** The head that names the next page of a list paged with a token (Node reads head names in lower case). */
const CONTINUATION_TOKEN = 'x-ms-continuationtoken';
