/**
 * Reading the CBOR maps of the wire packets with cborg's strict decoder:
 * exactly one item, a map with text keys, typed field access with errors
 * that say what was expected and what was found.
 *
 * @module
 */

import { decode } from "cborg";
import { WireFormatError } from "./wire_format_error.ts";

/**
 * Decodes bytes that must hold exactly one CBOR map with text keys.
 *
 * @param bytes The CBOR bytes.
 * @param what Packet name for error messages.
 * @returns The map as a null-prototype record.
 * @throws {WireFormatError} If decoding fails or the item is not a map.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeCborMap } from "./cbor_reader.ts";
 *
 * equal(decodeCborMap(Uint8Array.of(0xa1, 0x61, 0x6c, 0x01), "test").l, 1);
 * ```
 */
export function decodeCborMap(
  bytes: Uint8Array,
  what: string,
): Record<string, unknown> {
  let item: unknown;
  try {
    item = decode(bytes);
  } catch (error) {
    throw new WireFormatError(
      `Expected one CBOR item in the ${what} packet, found undecodable bytes (${
        (error as Error).message
      })`,
      { cause: error },
    );
  }
  if (
    typeof item !== "object" || item === null || Array.isArray(item) ||
    item instanceof Uint8Array || item instanceof Map
  ) {
    throw new WireFormatError(
      `Expected a CBOR map as the ${what} packet, found ${
        describeCborValue(item)
      }`,
    );
  }
  const record: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(item)) record[key] = value;
  return record;
}

/**
 * Reads a safe-integer field of a decoded CBOR map.
 *
 * @param map The decoded map.
 * @param key Field name.
 * @param what Packet name for error messages.
 * @returns The integer.
 * @throws {WireFormatError} If the field is missing or not a safe integer.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { cborIntegerField } from "./cbor_reader.ts";
 *
 * equal(cborIntegerField({ l: 3 }, "l", "test"), 3);
 * ```
 */
export function cborIntegerField(
  map: Record<string, unknown>,
  key: string,
  what: string,
): number {
  let value = map[key];
  if (
    typeof value === "bigint" && value >= BigInt(Number.MIN_SAFE_INTEGER) &&
    value <= BigInt(Number.MAX_SAFE_INTEGER)
  ) {
    value = Number(value);
  }
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw new WireFormatError(
      `Expected an integer "${key}" in the ${what} packet, found ${
        describeCborValue(value)
      }`,
    );
  }
  return value;
}

/**
 * Reads a number field (integer or float, NaN and ±Infinity included) of a
 * decoded CBOR map.
 *
 * @param map The decoded map.
 * @param key Field name.
 * @param what Packet name for error messages.
 * @returns The number.
 * @throws {WireFormatError} If the field is missing or not a number.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { cborNumberField } from "./cbor_reader.ts";
 *
 * equal(cborNumberField({ m: 0.5 }, "m", "test"), 0.5);
 * ```
 */
export function cborNumberField(
  map: Record<string, unknown>,
  key: string,
  what: string,
): number {
  const value = map[key];
  if (typeof value === "bigint") return Number(value);
  if (typeof value !== "number") {
    throw new WireFormatError(
      `Expected a number "${key}" in the ${what} packet, found ${
        describeCborValue(value)
      }`,
    );
  }
  return value;
}

/**
 * A short description of a decoded value for error messages.
 *
 * @param value Anything.
 * @returns E.g. `string "x"`, `Uint8Array(3)`, `undefined`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { describeCborValue } from "./cbor_reader.ts";
 *
 * equal(describeCborValue(1.5), "number 1.5");
 * ```
 */
export function describeCborValue(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  if (Array.isArray(value)) return `array(${value.length})`;
  if (typeof value === "string") {
    return `string ${JSON.stringify(value.slice(0, 40))}`;
  }
  if (typeof value === "object") return "map";
  return `${typeof value} ${String(value)}`;
}
