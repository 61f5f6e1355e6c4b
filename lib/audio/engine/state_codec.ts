/**
 * Little-endian byte writer and reader for engine snapshots: integers,
 * float64s, strings, byte blobs and typed arrays written with their
 * element kind and length, so restoring checks that each array has the
 * shape the module expects. The reader throws a RangeError on truncated or
 * malformed input.
 *
 * @module
 */

import type { StateArray } from "./module.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

const KIND_F64 = 1;
const KIND_F32 = 2;
const KIND_U32 = 3;

function arrayKind(array: StateArray): number {
  if (array instanceof Float64Array) return KIND_F64;
  if (array instanceof Float32Array) return KIND_F32;
  return KIND_U32;
}

/**
 * Appends values to a growing byte buffer.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { StateReader, StateWriter } from "./state_codec.ts";
 *
 * const w = new StateWriter();
 * w.u32(7);
 * w.str("lead");
 * const r = new StateReader(w.finish());
 * equal(r.u32(), 7);
 * equal(r.str(), "lead");
 * ```
 */
export class StateWriter {
  #bytes = new Uint8Array(4096);
  #view = new DataView(this.#bytes.buffer);
  #length = 0;

  #reserve(n: number): void {
    if (this.#length + n <= this.#bytes.length) return;
    let size = this.#bytes.length * 2;
    while (size < this.#length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = next;
    this.#view = new DataView(next.buffer);
  }

  /**
   * Writes an unsigned 32-bit integer.
   *
   * @param value The value.
   *
   * @example See {@linkcode StateWriter}.
   * ```ts
   * import { StateWriter } from "./state_codec.ts";
   *
   * new StateWriter().u32(1);
   * ```
   */
  u32(value: number): void {
    this.#reserve(4);
    this.#view.setUint32(this.#length, value, true);
    this.#length += 4;
  }

  /**
   * Writes a float64.
   *
   * @param value The value.
   *
   * @example Usage
   * ```ts
   * import { StateWriter } from "./state_codec.ts";
   *
   * new StateWriter().f64(0.5);
   * ```
   */
  f64(value: number): void {
    this.#reserve(8);
    this.#view.setFloat64(this.#length, value, true);
    this.#length += 8;
  }

  /**
   * Writes a string (u32 byte length + UTF-8).
   *
   * @param value The string.
   *
   * @example Usage
   * ```ts
   * import { StateWriter } from "./state_codec.ts";
   *
   * new StateWriter().str("filter1");
   * ```
   */
  str(value: string): void {
    this.bytes(encoder.encode(value));
  }

  /**
   * Writes a byte blob (u32 length + bytes).
   *
   * @param value The bytes.
   *
   * @example Usage
   * ```ts
   * import { StateWriter } from "./state_codec.ts";
   *
   * new StateWriter().bytes(new Uint8Array([1, 2]));
   * ```
   */
  bytes(value: Uint8Array): void {
    this.u32(value.length);
    this.#reserve(value.length);
    this.#bytes.set(value, this.#length);
    this.#length += value.length;
  }

  /**
   * Writes a typed array (kind, length, elements).
   *
   * @param array The array.
   *
   * @example Usage
   * ```ts
   * import { StateWriter } from "./state_codec.ts";
   *
   * new StateWriter().array(new Float64Array([1, 2]));
   * ```
   */
  array(array: StateArray): void {
    this.u32(arrayKind(array));
    this.u32(array.length);
    const bytes = new Uint8Array(
      array.buffer,
      array.byteOffset,
      array.byteLength,
    );
    this.#reserve(bytes.length);
    // Typed arrays are in platform byte order; every supported target
    // (x86_64, aarch64) is little-endian, like the rest of the format.
    this.#bytes.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  /**
   * The bytes written so far.
   *
   * @returns A copy of exactly the written bytes.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { StateWriter } from "./state_codec.ts";
   *
   * const w = new StateWriter();
   * w.u32(1);
   * equal(w.finish().length, 4);
   * ```
   */
  finish(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }
}

/**
 * Reads what a {@linkcode StateWriter} wrote.
 *
 * @example Truncated input
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { StateReader } from "./state_codec.ts";
 *
 * throws(() => new StateReader(new Uint8Array(2)).u32(), RangeError);
 * ```
 */
export class StateReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #offset = 0;

  /**
   * Starts reading at the first byte.
   *
   * @param bytes The snapshot.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { StateReader } from "./state_codec.ts";
   *
   * equal(new StateReader(new Uint8Array(0)).remaining, 0);
   * ```
   */
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /**
   * Bytes not read yet.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { StateReader } from "./state_codec.ts";
   *
   * equal(new StateReader(new Uint8Array(3)).remaining, 3);
   * ```
   */
  get remaining(): number {
    return this.#bytes.length - this.#offset;
  }

  #need(n: number): void {
    if (this.remaining < n) {
      throw new RangeError(
        `Expected ${n} more snapshot bytes at offset ${this.#offset} but found ${this.remaining}`,
      );
    }
  }

  /**
   * Reads an unsigned 32-bit integer.
   *
   * @returns The value.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { StateReader } from "./state_codec.ts";
   *
   * equal(new StateReader(new Uint8Array([1, 0, 0, 0])).u32(), 1);
   * ```
   */
  u32(): number {
    this.#need(4);
    const v = this.#view.getUint32(this.#offset, true);
    this.#offset += 4;
    return v;
  }

  /**
   * Reads a float64.
   *
   * @returns The value.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { StateReader } from "./state_codec.ts";
   *
   * equal(new StateReader(new Uint8Array(8)).f64(), 0);
   * ```
   */
  f64(): number {
    this.#need(8);
    const v = this.#view.getFloat64(this.#offset, true);
    this.#offset += 8;
    return v;
  }

  /**
   * Reads a byte blob (a view into the snapshot).
   *
   * @returns The bytes.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { StateReader } from "./state_codec.ts";
   *
   * equal(new StateReader(new Uint8Array([1, 0, 0, 0, 9])).bytes()[0], 9);
   * ```
   */
  bytes(): Uint8Array {
    const n = this.u32();
    this.#need(n);
    const out = this.#bytes.subarray(this.#offset, this.#offset + n);
    this.#offset += n;
    return out;
  }

  /**
   * Reads a string.
   *
   * @returns The string.
   * @throws {RangeError} For invalid UTF-8.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { StateReader } from "./state_codec.ts";
   *
   * equal(new StateReader(new Uint8Array([1, 0, 0, 0, 65])).str(), "A");
   * ```
   */
  str(): string {
    const bytes = this.bytes();
    try {
      return decoder.decode(bytes);
    } catch (cause) {
      throw new RangeError(
        "Expected a UTF-8 string in the snapshot but found invalid bytes",
        { cause },
      );
    }
  }

  /**
   * Reads a typed array into `target`, which must have the same kind and
   * length.
   *
   * @param target The live array to fill.
   * @param what What the array is, for the message.
   * @throws {RangeError} On a kind or length mismatch.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { StateReader, StateWriter } from "./state_codec.ts";
   *
   * const w = new StateWriter();
   * w.array(new Float32Array([0.5]));
   * const target = new Float32Array(1);
   * new StateReader(w.finish()).arrayInto(target, "line");
   * equal(target[0], 0.5);
   * ```
   */
  arrayInto(target: StateArray, what: string): void {
    const kind = this.u32();
    const length = this.u32();
    if (kind !== arrayKind(target) || length !== target.length) {
      throw new RangeError(
        `Expected ${what} of kind ${
          arrayKind(target)
        } and length ${target.length} but found kind ${kind} and length ${length}`,
      );
    }
    const n = target.byteLength;
    this.#need(n);
    new Uint8Array(target.buffer, target.byteOffset, n).set(
      this.#bytes.subarray(this.#offset, this.#offset + n),
    );
    this.#offset += n;
  }
}
