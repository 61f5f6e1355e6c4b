/**
 * Input sample formats of PhantomSDR (`[input.driver] format`,
 * sdr-phantomsdr.md §1.2): raw little-endian bytes from stdin, a file or
 * rtl_tcp become Float32 values, one per real sample or two (I then Q) per
 * IQ sample.
 *
 * Integers are scaled as PhantomSDR does: unsigned types are made signed by
 * flipping the top bit (offset binary to two's complement), then divided by
 * 2^(bits−1), giving [−1, 1) (u8 128 → 0, 0 → −1, 255 → 0.9921875). The
 * `unsignedZero: "midpoint"` option instead centres unsigned values on
 * (2^bits − 1)/2 (u8 127.5, as rtl_tcp clients such as GNU Radio do), which
 * removes the half-LSB DC offset but is not what PhantomSDR computes.
 * Floats pass through; non-finite floats (NaN, ±Infinity, f64 beyond the
 * Float32 range) become 0 and are counted, so one bad value cannot blank a
 * whole FFT frame.
 *
 * @module
 */

import type { SignalKind } from "./spectrum_layout.ts";

/** Sample formats (the canonical names). */
export type SampleFormat = "u8" | "s8" | "u16" | "s16" | "f32" | "f64";

/** Where unsigned integers have their zero (see the module doc). */
export type UnsignedZero = "flip" | "midpoint";

const FORMATS: Record<string, SampleFormat> = {
  u8: "u8",
  s8: "s8",
  u16: "u16",
  s16: "s16",
  f32: "f32",
  f64: "f64",
  cs16: "s16",
  cf32: "f32",
};

const BYTES: Record<SampleFormat, number> = {
  u8: 1,
  s8: 1,
  u16: 2,
  s16: 2,
  f32: 4,
  f64: 8,
};

/**
 * Parses a `[input.driver] format` value, case-insensitively, accepting
 * PhantomSDR+'s aliases `cs16` (= s16) and `cf32` (= f32).
 *
 * @param name The configured name.
 * @returns The canonical format.
 * @throws {RangeError} For an unknown name (u32/s32 are not accepted,
 * as in PhantomSDR's `main()`).
 *
 * @example
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { parseSampleFormat } from "./sample_format.ts";
 *
 * equal(parseSampleFormat("U8"), "u8");
 * equal(parseSampleFormat("cs16"), "s16");
 * throws(() => parseSampleFormat("s32"), RangeError);
 * ```
 */
export function parseSampleFormat(name: string): SampleFormat {
  const format = Object.hasOwn(FORMATS, String(name).toLowerCase())
    ? FORMATS[String(name).toLowerCase()]
    : undefined;
  if (format === undefined) {
    throw new RangeError(
      `Expected a sample format (u8, s8, u16, s16, f32, f64, cs16, cf32), found "${name}"`,
    );
  }
  return format;
}

/**
 * Bytes per value (per real sample, or per I or Q component).
 *
 * @param format The format.
 * @returns 1, 2, 4 or 8.
 * @throws {RangeError} For an unknown format.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { sampleFormatBytes } from "./sample_format.ts";
 *
 * equal(sampleFormatBytes("s16"), 2);
 * ```
 */
export function sampleFormatBytes(format: SampleFormat): number {
  const bytes = BYTES[format];
  if (bytes === undefined) {
    throw new RangeError(`Expected a sample format, found "${format}"`);
  }
  return bytes;
}

/** Options of {@linkcode convertSamples} and {@linkcode SampleStreamConverter}. */
export interface SampleFormatOptions {
  /** Zero of unsigned formats: `"flip"` (PhantomSDR, default) or `"midpoint"`. */
  unsignedZero?: UnsignedZero;
}

/**
 * Converts every complete value of `bytes` (trailing bytes of an incomplete
 * value are ignored) into `out` starting at `outOffset`.
 *
 * @param format The input format.
 * @param bytes Raw little-endian input.
 * @param out Destination; needs `floor(bytes.length / size)` floats from
 * `outOffset`.
 * @param outOffset First float of `out` to write (default 0).
 * @param options Unsigned zero.
 * @returns The number of floats written.
 * @throws {RangeError} If `out` is too short.
 *
 * @example u8 and s16
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { convertSamples } from "./sample_format.ts";
 *
 * const out = new Float32Array(3);
 * convertSamples("u8", new Uint8Array([0, 128, 255]), out);
 * deepEqual([...out], [-1, 0, 0.9921875]);
 * convertSamples("s16", new Uint8Array([0x00, 0x40, 0x00, 0x80]), out);
 * deepEqual([...out.subarray(0, 2)], [0.5, -1]);
 * ```
 */
export function convertSamples(
  format: SampleFormat,
  bytes: Uint8Array,
  out: Float32Array,
  outOffset = 0,
  options: SampleFormatOptions = {},
): number {
  const size = sampleFormatBytes(format);
  const count = Math.floor(bytes.length / size);
  checkRoom(out, outOffset, count);
  decode(
    format,
    options.unsignedZero ?? "flip",
    bytes,
    viewOf(bytes),
    0,
    count,
    out,
    outOffset,
  );
  return count;
}

/** Options of {@linkcode SampleStreamConverter}. */
export interface SampleStreamConverterOptions extends SampleFormatOptions {
  /** Real samples or interleaved I,Q pairs (default `"real"`). */
  signal?: SignalKind;
}

/**
 * Converts a byte stream chunk by chunk, emitting only whole samples (one
 * value for real input, an I,Q pair for IQ) and keeping the bytes of a
 * sample split across chunks (at most 15 bytes) for the next chunk.
 *
 * @example An s16 IQ sample split across two chunks
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { SampleStreamConverter } from "./sample_format.ts";
 *
 * const converter = new SampleStreamConverter("s16", { signal: "iq" });
 * const out = new Float32Array(4);
 * equal(converter.push(new Uint8Array([0x00, 0x40, 0x00]), out), 0);
 * equal(converter.pendingBytes, 3);
 * equal(converter.push(new Uint8Array([0xc0]), out), 2);
 * deepEqual([...out.subarray(0, 2)], [0.5, -0.5]);
 * ```
 */
export class SampleStreamConverter {
  /** The input format. */
  readonly format: SampleFormat;
  /** Real or IQ. */
  readonly signal: SignalKind;
  /** Bytes per whole sample (value size, doubled for IQ). */
  readonly sampleBytes: number;
  #valueBytes: number;
  #zero: UnsignedZero;
  #pending: Uint8Array;
  #pendingView: DataView;
  #pendingLength = 0;
  #view: DataView | undefined;
  #nonFinite = 0;

  /**
   * @param format The input format.
   * @param options Signal kind and unsigned zero.
   */
  constructor(
    format: SampleFormat,
    options: SampleStreamConverterOptions = {},
  ) {
    this.format = format;
    this.signal = options.signal ?? "real";
    if (this.signal !== "real" && this.signal !== "iq") {
      throw new RangeError(
        `Expected a signal "iq" or "real", found "${String(this.signal)}"`,
      );
    }
    this.#valueBytes = sampleFormatBytes(format);
    this.sampleBytes = this.#valueBytes * (this.signal === "iq" ? 2 : 1);
    this.#zero = options.unsignedZero ?? "flip";
    this.#pending = new Uint8Array(this.sampleBytes);
    this.#pendingView = new DataView(this.#pending.buffer);
  }

  /** Bytes of an incomplete sample held for the next chunk. */
  get pendingBytes(): number {
    return this.#pendingLength;
  }

  /** Non-finite float values replaced by 0 so far. */
  get nonFiniteCount(): number {
    return this.#nonFinite;
  }

  /**
   * Floats the next `push()` of `byteLength` bytes will write.
   *
   * @param byteLength Length of the next chunk.
   * @returns Floats (whole samples × values per sample).
   */
  outputLength(byteLength: number): number {
    const samples = Math.floor(
      (this.#pendingLength + byteLength) / this.sampleBytes,
    );
    return samples * (this.signal === "iq" ? 2 : 1);
  }

  /**
   * Converts a chunk into `out` from `outOffset`.
   *
   * @param chunk The next bytes of the stream.
   * @param out Destination with room for `outputLength(chunk.length)` floats.
   * @param outOffset First float of `out` to write (default 0).
   * @returns The number of floats written (always whole samples).
   * @throws {RangeError} If `out` is too short; nothing is consumed then.
   */
  push(chunk: Uint8Array, out: Float32Array, outOffset = 0): number {
    const total = this.outputLength(chunk.length);
    checkRoom(out, outOffset, total);
    const size = this.#valueBytes;
    const values = this.sampleBytes / size;
    let offset = outOffset;
    let start = 0;
    if (this.#pendingLength > 0) {
      const need = this.sampleBytes - this.#pendingLength;
      if (chunk.length < need) {
        this.#hold(chunk, 0, chunk.length);
        return 0;
      }
      this.#hold(chunk, 0, need);
      this.#nonFinite += decode(
        this.format,
        this.#zero,
        this.#pending,
        this.#pendingView,
        0,
        values,
        out,
        offset,
      );
      offset += values;
      start = need;
      this.#pendingLength = 0;
    }
    const whole = Math.floor((chunk.length - start) / this.sampleBytes);
    if (whole > 0) {
      if (
        this.#view === undefined || this.#view.buffer !== chunk.buffer ||
        this.#view.byteOffset !== chunk.byteOffset ||
        this.#view.byteLength !== chunk.byteLength
      ) {
        this.#view = new DataView(
          chunk.buffer,
          chunk.byteOffset,
          chunk.byteLength,
        );
      }
      this.#nonFinite += decode(
        this.format,
        this.#zero,
        chunk,
        this.#view,
        start,
        whole * values,
        out,
        offset,
      );
      offset += whole * values;
      start += whole * this.sampleBytes;
    }
    if (start < chunk.length) this.#hold(chunk, start, chunk.length);
    return offset - outOffset;
  }

  /** Drops any held partial sample (e.g. after the source reconnects). */
  reset(): void {
    this.#pendingLength = 0;
  }

  #hold(chunk: Uint8Array, from: number, to: number): void {
    const pending = this.#pending;
    let length = this.#pendingLength;
    for (let i = from; i < to; i++) pending[length++] = chunk[i];
    this.#pendingLength = length;
  }
}

const U8_FLIP = buildTable((b) => (b - 128) / 128);
const U8_MIDPOINT = buildTable((b) => (b - 127.5) / 127.5);
const S8 = buildTable((b) => ((b << 24) >> 24) / 128);
const FLOAT32_MAX = 3.4028234663852886e38;

function buildTable(f: (byte: number) => number): Float32Array {
  const table = new Float32Array(256);
  for (let b = 0; b < 256; b++) table[b] = f(b);
  return table;
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function checkRoom(out: Float32Array, outOffset: number, count: number): void {
  if (
    !Number.isSafeInteger(outOffset) || outOffset < 0 ||
    outOffset + count > out.length
  ) {
    throw new RangeError(
      `Expected room for ${count} floats from offset ${outOffset}, found an output of ${out.length}`,
    );
  }
}

/** Decodes `count` values; returns how many non-finite floats became 0. */
function decode(
  format: SampleFormat,
  zero: UnsignedZero,
  bytes: Uint8Array,
  view: DataView,
  byteOffset: number,
  count: number,
  out: Float32Array,
  outOffset: number,
): number {
  switch (format) {
    case "u8":
    case "s8": {
      const table = format === "s8"
        ? S8
        : zero === "midpoint"
        ? U8_MIDPOINT
        : U8_FLIP;
      for (let i = 0; i < count; i++) {
        out[outOffset + i] = table[bytes[byteOffset + i]];
      }
      return 0;
    }
    case "u16": {
      const centre = zero === "midpoint" ? 32767.5 : 32768;
      const scale = zero === "midpoint" ? 1 / 32767.5 : 1 / 32768;
      for (let i = 0; i < count; i++) {
        out[outOffset + i] =
          (view.getUint16(byteOffset + 2 * i, true) - centre) * scale;
      }
      return 0;
    }
    case "s16":
      for (let i = 0; i < count; i++) {
        out[outOffset + i] = view.getInt16(byteOffset + 2 * i, true) / 32768;
      }
      return 0;
    case "f32":
    case "f64": {
      let bad = 0;
      const wide = format === "f64";
      for (let i = 0; i < count; i++) {
        const v = wide
          ? view.getFloat64(byteOffset + 8 * i, true)
          : view.getFloat32(byteOffset + 4 * i, true);
        if (v >= -FLOAT32_MAX && v <= FLOAT32_MAX) {
          out[outOffset + i] = v;
        } else {
          out[outOffset + i] = 0;
          bad++;
        }
      }
      return bad;
    }
  }
}
