/**
 * Encoding OSC 1.0 packets: {@link encodeMessage}, {@link encodeBundle} and
 * {@link encodePacket}. The size is computed first and the packet written
 * in one buffer; values are checked (int32 range, no NUL in strings, 4-byte
 * MIDI) so that what is encoded always decodes back to the same values.
 *
 * @module
 */

import {
  createMessage,
  type OscArgInput,
  type OscArgument,
  type OscPacket,
} from "./packet.ts";

const encoder = new TextEncoder();
const BUNDLE_TAG = encoder.encode("#bundle\0");
const UINT64_MAX = 2n ** 64n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Encodes a message.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { encodeMessage } from "./encode.ts";
 *
 * // "/sync" + NUL padding, ",i" + padding, int32 7
 * const bytes = encodeMessage("/sync", [7]);
 * equal(bytes.length, 16);
 * equal(bytes[15], 7);
 * ```
 *
 * @param address The address, starting with `/`.
 * @param args The arguments (types inferred for plain values, see
 * `OscArgInput`).
 * @returns The packet bytes.
 * @throws {TypeError} If the address does not start with `/`, a string
 * contains NUL, or an argument has no OSC type.
 * @throws {RangeError} If a number is out of its type's range.
 */
export function encodeMessage(
  address: string,
  args: readonly OscArgInput[] = [],
): Uint8Array {
  return encodePacket(createMessage(address, args));
}

/**
 * Encodes a bundle of messages and bundles.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodePacket } from "./decode.ts";
 * import { encodeBundle } from "./encode.ts";
 * import { createMessage } from "./packet.ts";
 *
 * const bytes = encodeBundle(0x83aa7e80_00000000n, [createMessage("/gate/adsr", [1])]);
 * const packet = decodePacket(bytes);
 * equal(packet.kind === "bundle" && packet.timetag, 0x83aa7e80_00000000n);
 * ```
 *
 * @param timetag The NTP timetag (`1n` = immediately).
 * @param elements The messages and nested bundles.
 * @returns The packet bytes.
 * @throws {RangeError} If a timetag is not an unsigned 64-bit integer, or a
 * value is out of range.
 * @throws {TypeError} If an address or string is invalid.
 */
export function encodeBundle(
  timetag: bigint,
  elements: readonly OscPacket[],
): Uint8Array {
  return encodePacket({ kind: "bundle", timetag, elements: [...elements] });
}

/**
 * Encodes a message or a bundle.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { decodePacket } from "./decode.ts";
 * import { encodePacket } from "./encode.ts";
 * import { createMessage } from "./packet.ts";
 *
 * const message = createMessage("/n_set", [1000, "freq", { type: "d", value: 220 }]);
 * deepEqual(decodePacket(encodePacket(message)), message);
 * ```
 *
 * @param packet The packet.
 * @returns The packet bytes.
 * @throws {TypeError} If an address, string or argument is invalid.
 * @throws {RangeError} If a value or timetag is out of range.
 */
export function encodePacket(packet: OscPacket): Uint8Array {
  const size = sizeOf(packet);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  const end = write(packet, out, view, 0);
  if (end !== size) {
    throw new Error(`Expected to write ${size} bytes, wrote ${end}`);
  }
  return out;
}

function padded(length: number): number {
  return (length + 3) & ~3;
}

/** Bytes of an OSC string: UTF-8 length + NUL, padded to 4. */
function stringSize(text: string, what: string): number {
  if (typeof text !== "string") {
    throw new TypeError(
      `Expected ${what} to be a string, found ${typeof text}`,
    );
  }
  if (text.includes("\0")) {
    throw new TypeError(`Expected ${what} without NUL characters, found one`);
  }
  return padded(encoder.encode(text).length + 1);
}

function sizeOf(packet: OscPacket): number {
  if (packet.kind === "bundle") {
    checkTimetag(packet.timetag, "bundle timetag");
    let size = 16;
    for (const element of packet.elements) size += 4 + sizeOf(element);
    return size;
  }
  if (typeof packet.address !== "string" || !packet.address.startsWith("/")) {
    throw new TypeError(
      `Expected an OSC address starting with "/", found ${
        JSON.stringify(packet.address)
      }`,
    );
  }
  let size = stringSize(packet.address, "the address");
  size += padded(packet.args.length + 2);
  for (const arg of packet.args) size += argSize(arg);
  return size;
}

function argSize(arg: OscArgument): number {
  switch (arg.type) {
    case "i":
      if (
        !Number.isInteger(arg.value) || arg.value < -0x8000_0000 ||
        arg.value > 0x7fff_ffff
      ) {
        throw new RangeError(
          `Expected an int32 argument from -2147483648 to 2147483647, found ${arg.value}`,
        );
      }
      return 4;
    case "f":
    case "d":
      if (typeof (arg.value as unknown) !== "number") {
        throw new TypeError(
          `Expected a number for a "${arg.type}" argument, found ${typeof (arg
            .value as unknown)}`,
        );
      }
      return arg.type === "f" ? 4 : 8;
    case "s":
    case "S":
      return stringSize(arg.value, "a string argument");
    case "b":
      if (!(arg.value instanceof Uint8Array)) {
        throw new TypeError(
          `Expected a Uint8Array for a blob argument, found ${typeof arg
            .value}`,
        );
      }
      return 4 + padded(arg.value.length);
    case "h":
      if (
        typeof arg.value !== "bigint" || arg.value < INT64_MIN ||
        arg.value > INT64_MAX
      ) {
        throw new RangeError(
          `Expected an int64 bigint argument, found ${String(arg.value)}`,
        );
      }
      return 8;
    case "t":
      checkTimetag(arg.value, "a timetag argument");
      return 8;
    case "T":
    case "F":
    case "N":
    case "I":
      return 0;
    case "c": {
      const code = typeof arg.value === "string"
        ? arg.value.codePointAt(0)
        : undefined;
      if (
        code === undefined || String.fromCodePoint(code).length !==
          arg.value.length
      ) {
        throw new TypeError(
          `Expected a char argument of one character, found ${
            JSON.stringify(arg.value)
          }`,
        );
      }
      return 4;
    }
    case "m":
      if (!(arg.value instanceof Uint8Array) || arg.value.length !== 4) {
        throw new TypeError(
          `Expected a MIDI argument of 4 bytes, found ${
            arg.value instanceof Uint8Array
              ? `${arg.value.length} bytes`
              : typeof arg.value
          }`,
        );
      }
      return 4;
    default:
      throw new TypeError(
        `Expected an OSC type tag (i f s S b h d t T F N I c m), found ${
          JSON.stringify((arg as { type: unknown }).type)
        }`,
      );
  }
}

function checkTimetag(value: bigint, what: string): void {
  if (typeof value !== "bigint" || value < 0n || value > UINT64_MAX) {
    throw new RangeError(
      `Expected ${what} from 0 to 2^64-1, found ${String(value)}`,
    );
  }
}

function writeString(out: Uint8Array, offset: number, text: string): number {
  const { written } = encoder.encodeInto(text, out.subarray(offset));
  // The rest is already zero: NUL terminator and padding.
  return offset + padded(written + 1);
}

function write(
  packet: OscPacket,
  out: Uint8Array,
  view: DataView,
  start: number,
): number {
  let offset = start;
  if (packet.kind === "bundle") {
    out.set(BUNDLE_TAG, offset);
    view.setBigUint64(offset + 8, packet.timetag, false);
    offset += 16;
    for (const element of packet.elements) {
      const at = offset;
      offset = write(element, out, view, at + 4);
      view.setInt32(at, offset - at - 4, false);
    }
    return offset;
  }
  offset = writeString(out, offset, packet.address);
  out[offset] = 0x2c; // ","
  for (let i = 0; i < packet.args.length; i++) {
    out[offset + 1 + i] = packet.args[i].type.charCodeAt(0);
  }
  offset += padded(packet.args.length + 2);
  for (const arg of packet.args) {
    switch (arg.type) {
      case "i":
        view.setInt32(offset, arg.value, false);
        offset += 4;
        break;
      case "f":
        view.setFloat32(offset, arg.value, false);
        offset += 4;
        break;
      case "s":
      case "S":
        offset = writeString(out, offset, arg.value);
        break;
      case "b":
        view.setInt32(offset, arg.value.length, false);
        out.set(arg.value, offset + 4);
        offset += 4 + padded(arg.value.length);
        break;
      case "h":
        view.setBigInt64(offset, arg.value, false);
        offset += 8;
        break;
      case "d":
        view.setFloat64(offset, arg.value, false);
        offset += 8;
        break;
      case "t":
        view.setBigUint64(offset, arg.value, false);
        offset += 8;
        break;
      case "c":
        view.setUint32(offset, arg.value.codePointAt(0)!, false);
        offset += 4;
        break;
      case "m":
        out.set(arg.value, offset);
        offset += 4;
        break;
      default:
        // T F N I carry no bytes.
        break;
    }
  }
  return offset;
}
