// @ts-check
/**
 * A small CBOR (RFC 8949) decoder for the packets of `/audio` and
 * `/waterfall` (sdr-phantomsdr.md §2.5, §2.6): maps with text keys,
 * integers, floats (16, 32 and 64 bit), byte and text strings, arrays,
 * booleans and null. Byte strings are returned as views into the input
 * (no copy). Tags are skipped (their content is returned); indefinite
 * lengths, keys that are not text and nesting deeper than 16 are refused.
 *
 * @module
 */

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Thrown for bytes that are not the CBOR this client reads.
 *
 * @example Usage
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { CborError, decodeCbor } from "./cbor.js";
 *
 * throws(() => decodeCbor(Uint8Array.of(0xff)), CborError);
 * ```
 */
export class CborError extends Error {
  /**
   * @param {string} message What was expected and found.
   */
  constructor(message) {
    super(message);
    this.name = "CborError";
  }
}

/**
 * A half-precision float's value.
 *
 * @param {number} bits The 16 bits.
 * @returns {number} The value.
 */
function half(bits) {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

class Reader {
  /**
   * @param {Uint8Array} bytes The input.
   */
  constructor(bytes) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
  }

  /**
   * @param {number} n Bytes needed.
   */
  need(n) {
    if (this.pos + n > this.bytes.length) {
      throw new CborError(
        `Expected ${n} more bytes at offset ${this.pos}, found the end of the data`,
      );
    }
  }

  /**
   * Reads the argument of an initial byte.
   *
   * @param {number} info The low 5 bits.
   * @returns {number} The argument.
   */
  argument(info) {
    if (info < 24) return info;
    const view = this.view;
    let value;
    if (info === 24) {
      this.need(1);
      value = view.getUint8(this.pos);
      this.pos += 1;
    } else if (info === 25) {
      this.need(2);
      value = view.getUint16(this.pos);
      this.pos += 2;
    } else if (info === 26) {
      this.need(4);
      value = view.getUint32(this.pos);
      this.pos += 4;
    } else if (info === 27) {
      this.need(8);
      value = view.getUint32(this.pos) * 2 ** 32 + view.getUint32(this.pos + 4);
      this.pos += 8;
    } else {
      throw new CborError(
        `Expected a definite length or value, found additional information ${info} at offset ${
          this.pos - 1
        }`,
      );
    }
    return value;
  }

  /**
   * Reads one item.
   *
   * @param {number} depth Nesting so far.
   * @returns {unknown} The item.
   */
  item(depth) {
    if (depth > 16) {
      throw new CborError("Expected at most 16 nested items, found more");
    }
    this.need(1);
    const initial = this.bytes[this.pos++];
    const major = initial >> 5;
    const info = initial & 0x1f;
    switch (major) {
      case 0:
        return this.argument(info);
      case 1:
        return -1 - this.argument(info);
      case 2: {
        const n = this.argument(info);
        this.need(n);
        const out = this.bytes.subarray(this.pos, this.pos + n);
        this.pos += n;
        return out;
      }
      case 3: {
        const n = this.argument(info);
        this.need(n);
        let text;
        try {
          text = decoder.decode(this.bytes.subarray(this.pos, this.pos + n));
        } catch {
          throw new CborError(
            `Expected UTF-8 text at offset ${this.pos}, found invalid bytes`,
          );
        }
        this.pos += n;
        return text;
      }
      case 4: {
        const n = this.argument(info);
        this.need(n); // every item takes at least one byte
        const out = new Array(n);
        for (let i = 0; i < n; i++) out[i] = this.item(depth + 1);
        return out;
      }
      case 5: {
        const n = this.argument(info);
        this.need(2 * n);
        /** @type {Record<string, unknown>} */
        const out = Object.create(null);
        for (let i = 0; i < n; i++) {
          const key = this.item(depth + 1);
          if (typeof key !== "string") {
            throw new CborError(
              `Expected text map keys, found ${typeof key} at offset ${this.pos}`,
            );
          }
          out[key] = this.item(depth + 1);
        }
        return out;
      }
      case 6:
        this.argument(info);
        return this.item(depth + 1);
      default: {
        if (info === 20) return false;
        if (info === 21) return true;
        if (info === 22 || info === 23) return null;
        if (info === 25) {
          this.need(2);
          const value = half(this.view.getUint16(this.pos));
          this.pos += 2;
          return value;
        }
        if (info === 26) {
          this.need(4);
          const value = this.view.getFloat32(this.pos);
          this.pos += 4;
          return value;
        }
        if (info === 27) {
          this.need(8);
          const value = this.view.getFloat64(this.pos);
          this.pos += 8;
          return value;
        }
        throw new CborError(
          `Expected a simple value or float, found additional information ${info} at offset ${
            this.pos - 1
          }`,
        );
      }
    }
  }
}

/**
 * Decodes one CBOR item that fills `bytes` exactly.
 *
 * @param {Uint8Array} bytes The encoded item.
 * @returns {unknown} The value (maps as null-prototype objects, byte
 * strings as `Uint8Array` views of `bytes`).
 * @throws {CborError} For truncated, trailing or unsupported data.
 *
 * @example A waterfall line
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { decodeCbor } from "./cbor.js";
 *
 * // {"l": 1, "r": 3, "data": h'ff80'}
 * const bytes = Uint8Array.of(0xa3, 0x61, 0x6c, 0x01, 0x61, 0x72, 0x03, 0x64, 0x64, 0x61, 0x74, 0x61, 0x42, 0xff, 0x80);
 * deepEqual({ ...decodeCbor(bytes) as object }, { l: 1, r: 3, data: Uint8Array.of(0xff, 0x80) });
 * ```
 */
export function decodeCbor(bytes) {
  const reader = new Reader(bytes);
  const value = reader.item(0);
  if (reader.pos !== bytes.length) {
    throw new CborError(
      `Expected one item of ${bytes.length} bytes, found ${
        bytes.length - reader.pos
      } bytes after it`,
    );
  }
  return value;
}
