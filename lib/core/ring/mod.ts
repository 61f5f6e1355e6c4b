/**
 * @module Lock-free single-producer single-consumer ring buffers over
 * `SharedArrayBuffer` + `Atomics`, for passing data between Workers without
 * allocation in the hot path: {@linkcode SampleRing} for Float32 sample
 * streams and {@linkcode SlotRing} for fixed-size messages. Only the consumer
 * moves the read index; overflow is counted, never "fixed" by the writer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SampleRing, SlotRing } from "./mod.ts";
 *
 * const samples = SampleRing.create(1024);
 * assert.equal(samples.write(new Float32Array(256)), 256);
 * const messages = SlotRing.create(16, 64);
 * assert.equal(messages.push(new Uint8Array([1, 2, 3])), true);
 * ```
 */

export { SampleRing, type SampleRingOptions } from "./sample_ring.ts";
export { SlotRing, type SlotRingOptions } from "./slot_ring.ts";
export type { WaitResult } from "./wait_result.ts";
