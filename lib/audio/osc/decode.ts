/**
 * Decoding OSC 1.0 packets ({@link decodePacket}): messages with the type
 * tags `i f s S b h d t T F N I c m`, and bundles nested up to a depth
 * limit. Every length is checked before it is read, every field must be
 * 4-byte aligned, and anything malformed is an {@link OscDecodeError} (and
 * nothing else: arbitrary bytes never make it throw another error).
 *
 * @module
 */

import { OscDecodeError } from "./decode_error.ts";
import type {
  OscArgument,
  OscBundle,
  OscMessage,
  OscPacket,
} from "./packet.ts";

/**
 * The default largest packet {@link decodePacket} accepts, in bytes: the
 * largest UDP payload over IPv4.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { OSC_MAX_PACKET_BYTES } from "./decode.ts";
 *
 * equal(OSC_MAX_PACKET_BYTES, 65507);
 * ```
 */
export const OSC_MAX_PACKET_BYTES = 65507;

/**
 * The default deepest bundle nesting {@link decodePacket} accepts (a
 * top-level bundle is depth 1).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { OSC_MAX_BUNDLE_DEPTH } from "./decode.ts";
 *
 * equal(OSC_MAX_BUNDLE_DEPTH, 8);
 * ```
 */
export const OSC_MAX_BUNDLE_DEPTH = 8;

/**
 * Options of {@link decodePacket}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DecodeOptions } from "./decode.ts";
 *
 * const options: DecodeOptions = { maxBytes: 1500, maxDepth: 2 };
 * equal(options.maxDepth, 2);
 * ```
 */
export interface DecodeOptions {
  /** The largest packet accepted, in bytes. Default {@link OSC_MAX_PACKET_BYTES}. */
  maxBytes?: number;
  /** The deepest bundle nesting accepted. Default {@link OSC_MAX_BUNDLE_DEPTH}. */
  maxDepth?: number;
}

const BUNDLE_TAG = [0x23, 0x62, 0x75, 0x6e, 0x64, 0x6c, 0x65, 0x00]; // "#bundle\0"
const SLASH = 0x2f;
const COMMA = 0x2c;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Decodes one OSC packet (the payload of one datagram). Blobs and MIDI
 * arguments are copied, so the result never aliases `bytes` (a receive
 * buffer can be reused at once).
 *
 * - A message is an address starting with `/`, then a type tag string
 *   starting with `,`, then the arguments; a message that ends right after
 *   its address has no arguments (OSC 1.0's "missing type tag" case).
 *   Bytes left over after the last argument are an error.
 * - Strings must be NUL-terminated within the packet and valid UTF-8; the
 *   padding after them must fit in the packet.
 * - A bundle is `#bundle`, a timetag, and elements each prefixed with a
 *   positive size that is a multiple of 4 and fits in the bundle.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, throws } from "node:assert/strict";
 * import { decodePacket } from "./decode.ts";
 * import { encodeMessage } from "./encode.ts";
 *
 * const bytes = encodeMessage("/mod/sine/freq", [{ type: "f", value: 440 }]);
 * deepEqual(decodePacket(bytes), {
 *   kind: "message",
 *   address: "/mod/sine/freq",
 *   args: [{ type: "f", value: 440 }],
 * });
 * throws(() => decodePacket(bytes.subarray(0, 18)), { name: "OscDecodeError" });
 * ```
 *
 * @param bytes The packet.
 * @param options Size and nesting limits.
 * @returns The message or bundle.
 * @throws {OscDecodeError} If the bytes are not a well-formed packet within
 * the limits.
 */
export function decodePacket(
  bytes: Uint8Array,
  options: DecodeOptions = {},
): OscPacket {
  const maxBytes = options.maxBytes ?? OSC_MAX_PACKET_BYTES;
  const maxDepth = options.maxDepth ?? OSC_MAX_BUNDLE_DEPTH;
  if (bytes.length > maxBytes) {
    throw new OscDecodeError(
      `Expected a packet of at most ${maxBytes} bytes, found ${bytes.length}`,
      0,
    );
  }
  const reader = new Reader(bytes, maxDepth);
  return reader.packet(0, bytes.length, 0);
}

class Reader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #maxDepth: number;

  constructor(bytes: Uint8Array, maxDepth: number) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#maxDepth = maxDepth;
  }

  packet(start: number, end: number, depth: number): OscPacket {
    const size = end - start;
    if (size === 0) {
      throw new OscDecodeError("Expected an OSC packet, found 0 bytes", start);
    }
    if (size % 4 !== 0) {
      throw new OscDecodeError(
        `Expected a packet size that is a multiple of 4, found ${size} bytes`,
        start,
      );
    }
    const first = this.#bytes[start];
    if (first === SLASH) return this.#message(start, end);
    if (first === 0x23 && this.#isBundle(start, end)) {
      return this.#bundle(start, end, depth + 1);
    }
    throw new OscDecodeError(
      `Expected an address starting with "/" or "#bundle", found byte 0x${
        first.toString(16).padStart(2, "0")
      }`,
      start,
    );
  }

  #isBundle(start: number, end: number): boolean {
    if (end - start < 8) return false;
    for (let i = 0; i < 8; i++) {
      if (this.#bytes[start + i] !== BUNDLE_TAG[i]) return false;
    }
    return true;
  }

  #bundle(start: number, end: number, depth: number): OscBundle {
    if (depth > this.#maxDepth) {
      throw new OscDecodeError(
        `Expected bundles nested at most ${this.#maxDepth} deep, found deeper`,
        start,
      );
    }
    if (end - start < 16) {
      throw new OscDecodeError(
        `Expected a 16-byte bundle header, found ${end - start} bytes`,
        start,
      );
    }
    const timetag = this.#view.getBigUint64(start + 8, false);
    const elements: OscPacket[] = [];
    let offset = start + 16;
    while (offset < end) {
      if (end - offset < 4) {
        throw new OscDecodeError(
          `Expected a 4-byte element size, found ${end - offset} bytes`,
          offset,
        );
      }
      const size = this.#view.getInt32(offset, false);
      offset += 4;
      if (size <= 0 || size % 4 !== 0 || size > end - offset) {
        throw new OscDecodeError(
          `Expected an element size that is a positive multiple of 4 of at most ${
            end - offset
          } bytes, found ${size}`,
          offset - 4,
        );
      }
      elements.push(this.packet(offset, offset + size, depth));
      offset += size;
    }
    return { kind: "bundle", timetag, elements };
  }

  #message(start: number, end: number): OscMessage {
    const [address, afterAddress] = this.#string(start, end, "address");
    if (afterAddress === end) return { kind: "message", address, args: [] };
    if (this.#bytes[afterAddress] !== COMMA) {
      throw new OscDecodeError(
        `Expected a type tag string starting with ",", found byte 0x${
          this.#bytes[afterAddress].toString(16).padStart(2, "0")
        }`,
        afterAddress,
      );
    }
    const [tags, afterTags] = this.#string(
      afterAddress,
      end,
      "type tag string",
    );
    const args: OscArgument[] = [];
    let offset = afterTags;
    for (let i = 1; i < tags.length; i++) {
      const tag = tags[i];
      switch (tag) {
        case "i":
          this.#need(offset, 4, end, "an int32");
          args.push({ type: "i", value: this.#view.getInt32(offset, false) });
          offset += 4;
          break;
        case "f":
          this.#need(offset, 4, end, "a float32");
          args.push({ type: "f", value: this.#view.getFloat32(offset, false) });
          offset += 4;
          break;
        case "s":
        case "S": {
          const [value, next] = this.#string(offset, end, "string argument");
          args.push({ type: tag, value });
          offset = next;
          break;
        }
        case "b": {
          this.#need(offset, 4, end, "a blob size");
          const size = this.#view.getInt32(offset, false);
          offset += 4;
          const padded = size + ((4 - (size % 4)) % 4);
          if (size < 0 || padded > end - offset) {
            throw new OscDecodeError(
              `Expected a blob size from 0 to ${end - offset}, found ${size}`,
              offset - 4,
            );
          }
          args.push({
            type: "b",
            value: this.#bytes.slice(offset, offset + size),
          });
          offset += padded;
          break;
        }
        case "h":
          this.#need(offset, 8, end, "an int64");
          args.push({
            type: "h",
            value: this.#view.getBigInt64(offset, false),
          });
          offset += 8;
          break;
        case "d":
          this.#need(offset, 8, end, "a float64");
          args.push({ type: "d", value: this.#view.getFloat64(offset, false) });
          offset += 8;
          break;
        case "t":
          this.#need(offset, 8, end, "a timetag");
          args.push({
            type: "t",
            value: this.#view.getBigUint64(offset, false),
          });
          offset += 8;
          break;
        case "T":
          args.push({ type: "T", value: true });
          break;
        case "F":
          args.push({ type: "F", value: false });
          break;
        case "N":
          args.push({ type: "N", value: null });
          break;
        case "I":
          args.push({ type: "I", value: Infinity });
          break;
        case "c": {
          this.#need(offset, 4, end, "a char");
          const code = this.#view.getUint32(offset, false);
          if (code > 0x10ffff) {
            throw new OscDecodeError(
              `Expected a char code point up to 0x10ffff, found 0x${
                code.toString(16)
              }`,
              offset,
            );
          }
          args.push({ type: "c", value: String.fromCodePoint(code) });
          offset += 4;
          break;
        }
        case "m":
          this.#need(offset, 4, end, "a MIDI message");
          args.push({
            type: "m",
            value: this.#bytes.slice(offset, offset + 4),
          });
          offset += 4;
          break;
        default:
          throw new OscDecodeError(
            `Expected an OSC 1.0 type tag (i f s S b h d t T F N I c m), found ${
              JSON.stringify(tag)
            }`,
            afterAddress + i,
          );
      }
    }
    if (offset !== end) {
      throw new OscDecodeError(
        `Expected the message to end after its arguments, found ${
          end - offset
        } more bytes`,
        offset,
      );
    }
    return { kind: "message", address, args };
  }

  #need(offset: number, size: number, end: number, what: string): void {
    if (end - offset < size) {
      throw new OscDecodeError(
        `Expected ${what} (${size} bytes), found ${end - offset} bytes`,
        offset,
      );
    }
  }

  /** Reads a NUL-terminated, 4-byte padded string; returns it and the next offset. */
  #string(start: number, end: number, what: string): [string, number] {
    const nul = this.#bytes.subarray(start, end).indexOf(0);
    if (nul < 0) {
      throw new OscDecodeError(
        `Expected a NUL-terminated ${what}, found no NUL before the end`,
        start,
      );
    }
    const next = start + ((nul + 4) & ~3);
    if (next > end) {
      throw new OscDecodeError(
        `Expected the padding of the ${what} to fit in the packet, found ${
          end - start - nul - 1
        } bytes after its NUL`,
        start,
      );
    }
    let text: string;
    try {
      text = utf8.decode(this.#bytes.subarray(start, start + nul));
    } catch {
      throw new OscDecodeError(
        `Expected the ${what} to be valid UTF-8, found invalid bytes`,
        start,
      );
    }
    return [text, next];
  }
}
