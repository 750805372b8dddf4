// Injected into the task's bundle for `performance.now()` (see taskBundleOptions): the first use of Node's
// global `performance` loads perf_hooks and its timing modules, about a millisecond at every run, for the one
// thing the bundle asks of it: p-retry's elapsed time. The same monotonic clock, from process.hrtime, in ms; its
// origin is arbitrary, which elapsed times do not see.
export function monotonicNow() {
  return Number(process.hrtime.bigint()) / 1e6;
}
