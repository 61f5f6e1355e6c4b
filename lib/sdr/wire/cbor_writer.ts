/**
 * A minimal CBOR (RFC 8949) writer for the fixed-shape packets PhantomSDR
 * sends, producing the same bytes as nlohmann::json's `to_cbor`: shortest
 * integer heads, definite-length byte and text strings, and floats written
 * as float32 when that is exact, else float64 (NaN and ±Infinity as the
 * half-precision `f9 7e00`, `f9 7c00`, `f9 fc00`). Map keys are written in the
 * order the caller gives (nlohmann's `std::map` order is sorted; the packet
 * builders pass their keys sorted).
 *
 * @module
 */

const TEXT_ENCODER = new TextEncoder();

/**
 * Writes CBOR items into a fixed-capacity buffer.
 *
 * @example A map with one unsigned integer
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { CborWriter } from "./cbor_writer.ts";
 *
 * const writer = new CborWriter(16);
 * writer.mapHeader(1);
 * writer.text("l");
 * writer.int(500);
 * deepEqual([...writer.finish()], [0xa1, 0x61, 0x6c, 0x19, 0x01, 0xf4]);
 * ```
 */
export class CborWriter {
  #buffer: Uint8Array;
  #view: DataView;
  #position = 0;

  /**
   * @param capacity Bytes available; writing past it throws RangeError.
   */
  constructor(capacity: number) {
    this.#buffer = new Uint8Array(capacity);
    this.#view = new DataView(this.#buffer.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#position;
  }

  /**
   * Writes a map header with `count` pairs.
   *
   * @param count Number of key/value pairs that follow.
   */
  mapHeader(count: number): void {
    this.#head(5, count);
  }

  /**
   * Writes an integer: major type 0 when non-negative, 1 when negative.
   *
   * @param value A safe integer.
   * @throws {RangeError} If `value` is not a safe integer.
   */
  int(value: number): void {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`Expected a safe integer, found ${value}`);
    }
    if (value >= 0) this.#head(0, value);
    else this.#head(1, -1 - value);
  }

  /**
   * Writes a float the way nlohmann::json does: float32 (`fa`) when the value
   * survives a round trip through float32, else float64 (`fb`); NaN and
   * ±Infinity as half-precision.
   *
   * @param value Any number.
   */
  float(value: number): void {
    const p = this.#position;
    if (Number.isNaN(value)) {
      this.#reserve(3);
      this.#buffer[p] = 0xf9;
      this.#buffer[p + 1] = 0x7e;
      this.#buffer[p + 2] = 0x00;
      this.#position += 3;
    } else if (!Number.isFinite(value)) {
      this.#reserve(3);
      this.#buffer[p] = 0xf9;
      this.#buffer[p + 1] = value > 0 ? 0x7c : 0xfc;
      this.#buffer[p + 2] = 0x00;
      this.#position += 3;
    } else if (Math.fround(value) === value) {
      this.#reserve(5);
      this.#buffer[p] = 0xfa;
      this.#view.setFloat32(p + 1, value);
      this.#position += 5;
    } else {
      this.#reserve(9);
      this.#buffer[p] = 0xfb;
      this.#view.setFloat64(p + 1, value);
      this.#position += 9;
    }
  }

  /**
   * Writes a boolean (`f4` false, `f5` true).
   *
   * @param value The boolean.
   */
  bool(value: boolean): void {
    this.#reserve(1);
    this.#buffer[this.#position++] = value ? 0xf5 : 0xf4;
  }

  /**
   * Writes a definite-length byte string (major type 2). Typed arrays of any
   * element type are written as their raw bytes, never tagged.
   *
   * @param data The bytes.
   */
  bytes(data: ArrayBufferView): void {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.#head(2, bytes.length);
    this.#reserve(bytes.length);
    this.#buffer.set(bytes, this.#position);
    this.#position += bytes.length;
  }

  /**
   * Writes a UTF-8 text string (major type 3).
   *
   * @param value The string.
   */
  text(value: string): void {
    const bytes = TEXT_ENCODER.encode(value);
    this.#head(3, bytes.length);
    this.#reserve(bytes.length);
    this.#buffer.set(bytes, this.#position);
    this.#position += bytes.length;
  }

  /**
   * Copies pre-encoded CBOR bytes (e.g. a constant key).
   *
   * @param encoded Bytes that are already valid CBOR.
   */
  raw(encoded: Uint8Array): void {
    this.#reserve(encoded.length);
    this.#buffer.set(encoded, this.#position);
    this.#position += encoded.length;
  }

  /**
   * The bytes written, as a view of the writer's buffer.
   *
   * @returns A `Uint8Array` of `length` bytes.
   */
  finish(): Uint8Array {
    return this.#buffer.subarray(0, this.#position);
  }

  #head(major: number, value: number): void {
    this.#reserve(
      value < 24
        ? 1
        : value < 0x100
        ? 2
        : value < 0x10000
        ? 3
        : value < 0x100000000
        ? 5
        : 9,
    );
    const b = this.#buffer;
    const p = this.#position;
    const type = major << 5;
    if (value < 24) {
      b[p] = type | value;
      this.#position += 1;
    } else if (value < 0x100) {
      b[p] = type | 24;
      b[p + 1] = value;
      this.#position += 2;
    } else if (value < 0x10000) {
      b[p] = type | 25;
      this.#view.setUint16(p + 1, value);
      this.#position += 3;
    } else if (value < 0x100000000) {
      b[p] = type | 26;
      this.#view.setUint32(p + 1, value);
      this.#position += 5;
    } else {
      b[p] = type | 27;
      this.#view.setUint32(p + 1, Math.floor(value / 0x100000000));
      this.#view.setUint32(p + 5, value >>> 0);
      this.#position += 9;
    }
  }

  #reserve(bytes: number): void {
    if (this.#position + bytes > this.#buffer.length) {
      throw new RangeError(
        `Expected CBOR output within ${this.#buffer.length} bytes, found at least ${
          this.#position + bytes
        }`,
      );
    }
  }
}

/**
 * Encodes a text string as a standalone CBOR item (for constant map keys).
 *
 * @param value The string.
 * @returns Its CBOR encoding.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { cborText } from "./cbor_writer.ts";
 *
 * deepEqual([...cborText("r")], [0x61, 0x72]);
 * ```
 */
export function cborText(value: string): Uint8Array {
  const writer = new CborWriter(9 + value.length * 3);
  writer.text(value);
  return writer.finish().slice();
}
