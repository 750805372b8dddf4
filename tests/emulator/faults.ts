// Scripted failures: tests queue FaultSpecs; each matching request consumes one use. A fault either
// answers with its own status/body/headers, destroys the socket, or only delays normal handling; with
// `after` it does so once the request was handled normally (the write is stored, the answer is lost).
import type { FaultSpec } from './types';

interface Armed {
  spec: FaultSpec;
  regex: RegExp;
  left: number;
}

/** Default bodies in the service's shape for the statuses tests usually inject. */
export function defaultFaultBody(status: number): Record<string, unknown> {
  const message =
    status === 429
      ? "TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource 'ATCPU' in namespace 'User'."
      : status === 401
        ? "TF400813: The user '' is not authorized to access this resource."
        : `Emulator: injected fault (HTTP ${status}).`;
  return {
    $id: '1',
    innerException: null,
    message,
    typeName:
      'Microsoft.VisualStudio.Services.Common.VssServiceException, Microsoft.VisualStudio.Services.Common',
    typeKey: status === 429 ? 'RequestBlockedException' : 'VssServiceException',
    errorCode: 0,
    eventId: 3000,
  };
}

/**
 * Rate-limit headers a 429 carries by default, with the meanings Microsoft Learn ("Rate and usage
 * limits") gives them: Retry-After (seconds to wait), X-RateLimit-Resource (service and threshold
 * reached, for humans), X-RateLimit-Delay (seconds the request was delayed, up to 3 decimals),
 * X-RateLimit-Limit (TSTUs allowed before delays; 200 per the page), X-RateLimit-Remaining (0 once
 * delayed or blocked), X-RateLimit-Reset (Unix epoch seconds when usage would be back to 0).
 * The values (10 s wait, resource 'ATCPU' as in the TF400733 message, 0 s delay) are emulator-chosen.
 */
export function rateLimitHeaders(retryAfterSeconds: number, nowMs = Date.now()): Record<string, string> {
  return {
    'Retry-After': String(retryAfterSeconds),
    'X-RateLimit-Resource': 'ATCPU',
    'X-RateLimit-Delay': '0.000',
    'X-RateLimit-Limit': '200',
    'X-RateLimit-Remaining': '0',
    'X-RateLimit-Reset': String(Math.ceil(nowMs / 1000) + retryAfterSeconds),
  };
}

const DEFAULT_RETRY_AFTER_S = 10;

const headerValue = (headers: Record<string, string>, name: string): string | undefined =>
  Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

/**
 * The headers a fault answer carries: for 429 the rate-limit defaults (Reset follows the fault's own
 * Retry-After when it sets one), then the fault's headers, which win whatever their case. A header the
 * fault sets to '' is left out, so a test can send a 429 without Retry-After.
 */
export function faultHeaders(fault: FaultSpec, status: number): Record<string, string> {
  const own = fault.headers ?? {};
  const retryAfter = Number(headerValue(own, 'Retry-After'));
  const defaults =
    status === 429
      ? rateLimitHeaders(Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : DEFAULT_RETRY_AFTER_S)
      : {};
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries(defaults)) if (headerValue(own, k) === undefined) merged[k] = v;
  for (const [k, v] of Object.entries(own)) if (v !== '') merged[k] = v;
  return merged;
}

export class FaultQueue {
  private armed: Armed[] = [];

  add(specs: FaultSpec[]): void {
    for (const spec of specs) {
      if (typeof spec.pathRegex !== 'string') throw new Error('fault needs pathRegex (string)');
      if (spec.after !== undefined && typeof spec.after !== 'boolean')
        throw new Error('after must be a boolean');
      if (spec.cutBody !== undefined && typeof spec.cutBody !== 'boolean')
        throw new Error('cutBody must be a boolean');
      if (spec.delayMs !== undefined && !(Number.isFinite(spec.delayMs) && spec.delayMs >= 0))
        throw new Error('delayMs must be a non-negative number');
      this.armed.push({ spec, regex: new RegExp(spec.pathRegex, 'i'), left: spec.times ?? 1 });
    }
  }

  /** The first armed fault matching the request, consuming one use of it. */
  take(method: string, path: string): FaultSpec | undefined {
    const hit = this.armed.find(
      (a) =>
        a.left > 0 &&
        (!a.spec.method || a.spec.method.toUpperCase() === method.toUpperCase()) &&
        a.regex.test(path),
    );
    if (!hit) return undefined;
    hit.left -= 1;
    this.armed = this.armed.filter((a) => a.left > 0);
    return hit.spec;
  }

  clear(): void {
    this.armed = [];
  }
}
