/**
 * @module Result type of the blocking and async waits of `SampleRing` and
 * `SlotRing`.
 */

/**
 * Result of a ring wait: `"ok"` when the awaited data or space is there,
 * `"timed-out"` when the timeout passed first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SampleRing, type WaitResult } from "./mod.ts";
 *
 * const result: WaitResult = SampleRing.create(8).waitForData(1, 0);
 * assert.equal(result, "timed-out");
 * ```
 */
export type WaitResult = "ok" | "timed-out";
