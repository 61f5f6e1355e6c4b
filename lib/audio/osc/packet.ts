/**
 * The OSC 1.0 packet model: typed arguments ({@link OscArgument}), messages
 * ({@link OscMessage}) and bundles ({@link OscBundle}), plus the two
 * constructors {@link createMessage} and {@link createBundle}, which infer
 * argument types from plain values.
 *
 * @module
 */

/**
 * One OSC argument, tagged with its OSC type tag:
 *
 * | tag | value | wire |
 * |---|---|---|
 * | `i` | integer, −2³¹ … 2³¹−1 | int32 |
 * | `f` | number | float32 |
 * | `s` / `S` | string (no NUL) | OSC-string / symbol |
 * | `b` | `Uint8Array` | int32 size + bytes, padded |
 * | `h` | `bigint`, signed 64-bit | int64 |
 * | `d` | number | float64 |
 * | `t` | `bigint`, unsigned 64-bit NTP | timetag |
 * | `T` / `F` | `true` / `false` | no bytes |
 * | `N` | `null` | no bytes |
 * | `I` | `Infinity` | no bytes (Infinitum / Impulse) |
 * | `c` | a one-code-point string | int32 |
 * | `m` | `Uint8Array` of 4 bytes (port, status, data1, data2) | 4 bytes |
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { OscArgument } from "./packet.ts";
 *
 * const freq: OscArgument = { type: "f", value: 440 };
 * equal(freq.type, "f");
 * ```
 */
export type OscArgument =
  | { type: "i"; value: number }
  | { type: "f"; value: number }
  | { type: "s"; value: string }
  | { type: "S"; value: string }
  | { type: "b"; value: Uint8Array }
  | { type: "h"; value: bigint }
  | { type: "d"; value: number }
  | { type: "t"; value: bigint }
  | { type: "T"; value: true }
  | { type: "F"; value: false }
  | { type: "N"; value: null }
  | { type: "I"; value: number }
  | { type: "c"; value: string }
  | { type: "m"; value: Uint8Array };

/**
 * An OSC type tag this codec reads and writes.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { OscTypeTag } from "./packet.ts";
 *
 * const tag: OscTypeTag = "i";
 * equal(tag, "i");
 * ```
 */
export type OscTypeTag = OscArgument["type"];

/**
 * A value {@link createMessage} accepts for an argument: a tagged
 * {@link OscArgument}, or a plain value whose type is inferred (a safe
 * integer in the int32 range → `i`, another number → `f`, string → `s`,
 * boolean → `T`/`F`, `null` → `N`, `Uint8Array` → `b`, `bigint` → `h`).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { OscArgInput } from "./packet.ts";
 *
 * const args: OscArgInput[] = [1, 0.5, "freq", { type: "d", value: 440 }];
 * equal(args.length, 4);
 * ```
 */
export type OscArgInput =
  | OscArgument
  | number
  | string
  | boolean
  | null
  | bigint
  | Uint8Array;

/**
 * An OSC message: an address (or address pattern) starting with `/` and its
 * arguments.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { OscMessage } from "./packet.ts";
 *
 * const message: OscMessage = {
 *   kind: "message",
 *   address: "/mod/sine/freq",
 *   args: [{ type: "f", value: 440 }],
 * };
 * equal(message.args.length, 1);
 * ```
 */
export interface OscMessage {
  /** Tells a message from a bundle. */
  kind: "message";
  /** The OSC address or address pattern, starting with `/`. */
  address: string;
  /** The arguments, in order. */
  args: OscArgument[];
}

/**
 * An OSC bundle: a 64-bit NTP timetag (1 = immediately) and its elements,
 * messages or nested bundles.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { OscBundle } from "./packet.ts";
 *
 * const bundle: OscBundle = { kind: "bundle", timetag: 1n, elements: [] };
 * equal(bundle.timetag, 1n);
 * ```
 */
export interface OscBundle {
  /** Tells a bundle from a message. */
  kind: "bundle";
  /** When the elements apply: an unsigned 64-bit NTP time; `1n` = now. */
  timetag: bigint;
  /** The messages and nested bundles, in order. */
  elements: OscPacket[];
}

/**
 * What one UDP datagram carries: a message or a bundle.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { OscPacket } from "./packet.ts";
 *
 * const packet: OscPacket = { kind: "message", address: "/status", args: [] };
 * equal(packet.kind, "message");
 * ```
 */
export type OscPacket = OscMessage | OscBundle;

const INT32_MIN = -0x8000_0000;
const INT32_MAX = 0x7fff_ffff;

/**
 * Turns a plain value into a tagged {@link OscArgument} (see
 * {@link OscArgInput} for the rules); a tagged argument is returned as it
 * is.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { toOscArgument } from "./packet.ts";
 *
 * deepEqual(toOscArgument(3), { type: "i", value: 3 });
 * deepEqual(toOscArgument(0.25), { type: "f", value: 0.25 });
 * deepEqual(toOscArgument(true), { type: "T", value: true });
 * ```
 *
 * @param value A plain value or a tagged argument.
 * @returns The tagged argument.
 * @throws {TypeError} If the value has no OSC type (an object, `undefined`).
 */
export function toOscArgument(value: OscArgInput): OscArgument {
  switch (typeof value) {
    case "number":
      return Number.isInteger(value) && value >= INT32_MIN &&
          value <= INT32_MAX
        ? { type: "i", value }
        : { type: "f", value };
    case "string":
      return { type: "s", value };
    case "boolean":
      return value ? { type: "T", value: true } : { type: "F", value: false };
    case "bigint":
      return { type: "h", value };
  }
  if (value === null) return { type: "N", value: null };
  if (value instanceof Uint8Array) return { type: "b", value };
  if (
    typeof value === "object" && value !== null && "type" in value &&
    typeof value.type === "string"
  ) {
    return value;
  }
  throw new TypeError(
    `Expected an OSC argument (number, string, boolean, null, bigint, Uint8Array or a tagged argument), found ${
      describe(value)
    }`,
  );
}

/**
 * Creates a message, inferring the type of plain arguments (see
 * {@link OscArgInput}).
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { createMessage } from "./packet.ts";
 *
 * deepEqual(createMessage("/n_set", [1000, "freq", 440.5]), {
 *   kind: "message",
 *   address: "/n_set",
 *   args: [
 *     { type: "i", value: 1000 },
 *     { type: "s", value: "freq" },
 *     { type: "f", value: 440.5 },
 *   ],
 * });
 * ```
 *
 * @param address The address, starting with `/`.
 * @param args The arguments.
 * @returns The message.
 * @throws {TypeError} If the address does not start with `/` or an argument
 * has no OSC type.
 */
export function createMessage(
  address: string,
  args: readonly OscArgInput[] = [],
): OscMessage {
  if (typeof address !== "string" || !address.startsWith("/")) {
    throw new TypeError(
      `Expected an OSC address starting with "/", found ${describe(address)}`,
    );
  }
  return { kind: "message", address, args: args.map(toOscArgument) };
}

/**
 * Creates a bundle.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { createBundle, createMessage } from "./packet.ts";
 *
 * const bundle = createBundle(1n, [createMessage("/status")]);
 * equal(bundle.elements.length, 1);
 * ```
 *
 * @param timetag The NTP timetag (`1n` = immediately).
 * @param elements Messages and nested bundles.
 * @returns The bundle.
 * @throws {RangeError} If the timetag is not an unsigned 64-bit integer.
 */
export function createBundle(
  timetag: bigint,
  elements: readonly OscPacket[] = [],
): OscBundle {
  if (typeof timetag !== "bigint" || timetag < 0n || timetag > 2n ** 64n - 1n) {
    throw new RangeError(
      `Expected a timetag from 0 to 2^64-1, found ${describe(timetag)}`,
    );
  }
  return { kind: "bundle", timetag, elements: [...elements] };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  if (typeof value === "bigint") return `bigint ${value}`;
  if (typeof value === "object") {
    return Array.isArray(value) ? "an array" : "an object";
  }
  return `${typeof value} ${String(value)}`;
}
