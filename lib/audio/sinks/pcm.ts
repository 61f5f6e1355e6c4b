/**
 * Float → PCM bytes: {@link encodePcm} writes interleaved float samples as
 * little-endian signed 16-bit (clipped, rounded) or 32-bit float into a
 * caller's buffer, so sinks encode without allocating.
 *
 * @module
 */

import type { SampleEncoding } from "./sink.ts";

/**
 * Bytes per sample of an encoding.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { bytesPerSample } from "./pcm.ts";
 *
 * equal(bytesPerSample("s16le"), 2);
 * equal(bytesPerSample("f32le"), 4);
 * ```
 *
 * @param encoding The encoding.
 * @returns 2 or 4.
 */
export function bytesPerSample(encoding: SampleEncoding): 2 | 4 {
  return encoding === "s16le" ? 2 : 4;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Encodes samples into `out`: `s16le` maps −1…1 to −32767…32767 (rounded
 * half away from zero;
 * beyond ±1 clipped; NaN → 0); `f32le` copies the floats (NaN → 0, other
 * values as they are). `out` must hold `samples.length × bytesPerSample`
 * bytes.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { encodePcm } from "./pcm.ts";
 *
 * const out = new Uint8Array(8);
 * equal(encodePcm(new Float32Array([0, 1, -1, 2]), "s16le", out), 8);
 * deepEqual([...out], [0, 0, 0xff, 0x7f, 0x01, 0x80, 0xff, 0x7f]);
 * ```
 *
 * @param samples The float samples.
 * @param encoding The output encoding.
 * @param out Where to write.
 * @returns The number of bytes written.
 * @throws {RangeError} If `out` is too small.
 */
export function encodePcm(
  samples: Float32Array,
  encoding: SampleEncoding,
  out: Uint8Array,
): number {
  const size = samples.length * bytesPerSample(encoding);
  if (out.length < size) {
    throw new RangeError(
      `Expected an output buffer of at least ${size} bytes, found ${out.length}`,
    );
  }
  const view = new DataView(out.buffer, out.byteOffset, size);
  if (encoding === "s16le") {
    for (let i = 0; i < samples.length; i++) {
      const x = samples[i];
      // NaN fails both comparisons and the multiplication gives NaN → 0.
      const clipped = x > 1 ? 1 : x < -1 ? -1 : x;
      const scaled = clipped * 32767;
      // round half away from zero (symmetric); NaN | 0 is 0
      const value = (scaled < 0 ? scaled - 0.5 : scaled + 0.5) | 0;
      view.setInt16(i * 2, value, true);
    }
  } else if (LITTLE_ENDIAN && out.byteOffset % 4 === 0) {
    const floats = new Float32Array(out.buffer, out.byteOffset, samples.length);
    floats.set(samples);
    for (let i = 0; i < floats.length; i++) {
      if (floats[i] !== floats[i]) floats[i] = 0;
    }
  } else {
    for (let i = 0; i < samples.length; i++) {
      const x = samples[i];
      view.setFloat32(i * 4, x === x ? x : 0, true);
    }
  }
  return size;
}
