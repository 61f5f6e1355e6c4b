/**
 * Just enough OSC 1.0 for doctor's `/status` round trip: encode a message
 * with int, float and string arguments, and decode a reply (a message or
 * the first message of a bundle). Kept here on purpose so doctor does not
 * depend on the audio engine's own OSC code.
 *
 * @module
 */

/** An OSC argument doctor can send or read (`i`, `f`/`d`, `s`, `h`, `T`/`F`, `N`, `b`). */
export type OscArgument =
  | number
  | bigint
  | string
  | boolean
  | null
  | Uint8Array;

/** A decoded OSC message. */
export interface OscMessage {
  /** The address pattern (`/status.reply`). */
  address: string;
  /** The type tags without the leading comma (`iiiiiffdd`). */
  types: string;
  /** The arguments in order. */
  args: OscArgument[];
}

function paddedString(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  const out = new Uint8Array((bytes.length + 4) & ~3);
  out.set(bytes);
  return out;
}

/**
 * Encodes an OSC message. Integers become `i` (int32), other numbers `f`
 * (float32), strings `s`.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { encodeOscMessage } from "./osc.ts";
 * const bytes = encodeOscMessage("/status");
 * deepEqual(new TextDecoder().decode(bytes), "/status\0,\0\0\0");
 * ```
 *
 * @throws {TypeError} When the address does not start with "/" or an
 * argument is not a number or string.
 */
export function encodeOscMessage(
  address: string,
  args: readonly (number | string)[] = [],
): Uint8Array {
  if (!address.startsWith("/")) {
    throw new TypeError(
      `Expected an OSC address starting with "/", found "${address}"`,
    );
  }
  const parts: Uint8Array[] = [paddedString(address)];
  let tags = ",";
  const data: Uint8Array[] = [];
  for (const arg of args) {
    if (typeof arg === "string") {
      tags += "s";
      data.push(paddedString(arg));
    } else if (typeof arg === "number") {
      const bytes = new Uint8Array(4);
      const view = new DataView(bytes.buffer);
      if (Number.isInteger(arg) && arg >= -(2 ** 31) && arg < 2 ** 31) {
        tags += "i";
        view.setInt32(0, arg);
      } else {
        tags += "f";
        view.setFloat32(0, arg);
      }
      data.push(bytes);
    } else {
      throw new TypeError(
        `Expected an OSC argument of type number or string, found ${typeof arg}`,
      );
    }
  }
  parts.push(paddedString(tags), ...data);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

class Reader {
  offset = 0;
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n: number): void {
    if (this.offset + n > this.bytes.length) {
      throw new RangeError(
        `Expected ${n} more bytes at offset ${this.offset}, found ${
          this.bytes.length - this.offset
        }`,
      );
    }
  }
  string(): string {
    const end = this.bytes.indexOf(0, this.offset);
    if (end < 0) {
      throw new RangeError(
        `Expected a NUL-terminated OSC string at offset ${this.offset}, found none`,
      );
    }
    const text = new TextDecoder().decode(
      this.bytes.subarray(this.offset, end),
    );
    this.offset = (end + 4) & ~3;
    return text;
  }
  int32(): number {
    this.need(4);
    const v = this.view.getInt32(this.offset);
    this.offset += 4;
    return v;
  }
}

function decodeMessage(bytes: Uint8Array): OscMessage {
  const r = new Reader(bytes);
  const address = r.string();
  if (!address.startsWith("/")) {
    throw new TypeError(
      `Expected an OSC address starting with "/", found "${address}"`,
    );
  }
  if (r.offset >= bytes.length) return { address, types: "", args: [] };
  const tagText = r.string();
  if (!tagText.startsWith(",")) {
    throw new TypeError(
      `Expected OSC type tags starting with ",", found "${tagText}"`,
    );
  }
  const types = tagText.slice(1);
  const args: OscArgument[] = [];
  for (const tag of types) {
    switch (tag) {
      case "i":
        args.push(r.int32());
        break;
      case "f":
        r.need(4);
        args.push(r.view.getFloat32(r.offset));
        r.offset += 4;
        break;
      case "d":
        r.need(8);
        args.push(r.view.getFloat64(r.offset));
        r.offset += 8;
        break;
      case "h":
        r.need(8);
        args.push(r.view.getBigInt64(r.offset));
        r.offset += 8;
        break;
      case "s":
      case "S":
        args.push(r.string());
        break;
      case "b": {
        const size = r.int32();
        if (size < 0) {
          throw new RangeError(
            `Expected a blob size of 0 or more, found ${size}`,
          );
        }
        r.need(size);
        args.push(bytes.slice(r.offset, r.offset + size));
        r.offset += (size + 3) & ~3;
        break;
      }
      case "T":
        args.push(true);
        break;
      case "F":
        args.push(false);
        break;
      case "N":
        args.push(null);
        break;
      default:
        throw new TypeError(
          `Expected an OSC type tag of i, f, d, h, s, S, b, T, F or N, found "${tag}"`,
        );
    }
  }
  return { address, types, args };
}

/**
 * Decodes an OSC packet: a message, or the first message inside a bundle
 * (nested bundles are searched depth-first, up to 8 levels).
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { decodeOscPacket, encodeOscMessage } from "./osc.ts";
 * const reply = decodeOscPacket(encodeOscMessage("/status.reply", [1, 0, 2.5, "primary"]));
 * deepEqual(reply, { address: "/status.reply", types: "iifs", args: [1, 0, 2.5, "primary"] });
 * ```
 *
 * @throws {TypeError} When the bytes are not an OSC message or bundle.
 * @throws {RangeError} When the packet is truncated.
 */
export function decodeOscPacket(bytes: Uint8Array): OscMessage {
  return decodePacket(bytes, 0);
}

function decodePacket(bytes: Uint8Array, depth: number): OscMessage {
  if (bytes.length >= 16 && bytes[0] === 0x23) {
    const r = new Reader(bytes);
    if (r.string() !== "#bundle") {
      throw new TypeError(`Expected an OSC message or "#bundle", found "#"`);
    }
    if (depth >= 8) {
      throw new RangeError(`Expected OSC bundles nested at most 8 deep`);
    }
    r.need(8);
    r.offset += 8;
    if (r.offset >= bytes.length) {
      throw new TypeError(
        "Expected an OSC bundle with one element at least, found none",
      );
    }
    const size = r.int32();
    if (size <= 0) {
      throw new RangeError(
        `Expected a bundle element size above 0, found ${size}`,
      );
    }
    r.need(size);
    return decodePacket(
      bytes.subarray(r.offset, r.offset + size),
      depth + 1,
    );
  }
  return decodeMessage(bytes);
}
