/**
 * A large result read a batch at a time by keyset: `next(after)` returns the rows following
 * `after` (the last row of the previous batch; undefined for the first), at most `size` of
 * them, in a stable order. Exports hold one batch in memory however many rows there are,
 * without a cursor package, and each batch is a quick indexed query.
 */
export async function* inBatches<T>(
  next: (after: T | undefined) => Promise<T[]>,
  size: number,
): AsyncGenerator<T> {
  let after: T | undefined;
  for (;;) {
    const batch = await next(after);
    yield* batch;
    if (batch.length < size) return;
    after = batch[batch.length - 1];
  }
}
