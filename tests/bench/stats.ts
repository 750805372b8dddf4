// Pure helpers of the benchmark: medians and means, and the chain of requests that ran one after the other.

/** The median of `values` (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The mean of `values`; NaN for none. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** A request as the emulator's log times it: arrival and answer, in ms (`endMs` null while in flight). */
export interface Timed {
  readonly startMs: number;
  readonly endMs: number | null;
}

/**
 * The longest chain of requests that do not overlap: each starts after the one before it ended, so with an
 * injected latency each one is a round trip the task waited for before it could send the next. Taking the
 * request that ends first, again and again, gives the longest such chain (interval scheduling). A request
 * without an end never ends.
 */
export function sequentialChain<T extends Timed>(requests: readonly T[]): T[] {
  const byEnd = [...requests].sort((a, b) => (a.endMs ?? Infinity) - (b.endMs ?? Infinity));
  const chain: T[] = [];
  let free = -Infinity;
  for (const request of byEnd) {
    if (request.startMs < free) continue;
    chain.push(request);
    free = request.endMs ?? Infinity;
  }
  return chain;
}
