/**
 * Polls `read` until `accept` holds, for work that completes asynchronously
 * (an activity finishing). Bounded: fails with the last value it saw.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  { attempts = 200, intervalMs = 50 } = {},
): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < attempts; i += 1) {
    last = await read();
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(
    `condition not met after ${String(attempts)} attempts; last value: ${JSON.stringify(last)}`,
  );
}
