/**
 * Buffer checks shared by the FFT backends (private to lib/sdr/fft).
 *
 * @module
 */

/**
 * Throws a RangeError unless `array` has exactly `expected` elements; used by
 * the backends to check caller buffers.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkFftBufferLength } from "./_buffers.ts";
 *
 * checkFftBufferLength("input", new Float32Array(8), 8);
 * throws(() => checkFftBufferLength("input", new Float32Array(4), 8), RangeError);
 * ```
 */
export function checkFftBufferLength(
  what: string,
  array: Float32Array,
  expected: number,
): void {
  if (array.length !== expected) {
    throw new RangeError(
      `Expected an FFT ${what} of ${expected} floats, found ${array.length}`,
    );
  }
}
