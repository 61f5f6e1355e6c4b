/**
 * Waiting for something with a deadline: whether a promise settles
 * (fulfils or rejects) within some milliseconds, without rejecting and
 * without leaving a timer behind. Closers use it to give handshakes and
 * child processes a bounded time before the next, harder step.
 *
 * @module
 */

/**
 * Resolves `true` when `promise` settles (fulfils or rejects) within `ms`
 * milliseconds, `false` when the time passes first. Never rejects; clears
 * its timer either way. A negative `ms` counts as 0.
 *
 * @param promise What to wait for.
 * @param ms The most to wait, in milliseconds.
 * @returns Whether it settled in time.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { settlesWithin } from "./settles_within.ts";
 *
 * equal(await settlesWithin(Promise.resolve("done"), 100), true);
 * equal(await settlesWithin(Promise.reject(new Error("failed")), 100), true);
 * equal(await settlesWithin(new Promise(() => {}), 10), false);
 * ```
 */
export async function settlesWithin(
  promise: Promise<unknown>,
  ms: number,
): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise.then(() => true, () => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), Math.max(0, ms));
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
