// Work in flight at once, bounded: a big run has hundreds of pages, lists or runs to read, and sending them all
// together floods the service (and the agent's sockets) for no gain in time past a handful.

/**
 * How many reads of one kind the task has in flight at once (result pages, id lists, runs read on their own):
 * enough to overlap their round trips, few enough to stay a polite client.
 */
export const PARALLEL_READS = 6;

/** `work` over `items`, at most `width` at a time; the results in the items' order. */
export async function inParallel<T, R>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) {
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  return results;
}
