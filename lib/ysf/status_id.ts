/**
 * The 5-digit reflector id of the YSFS status reply: a configured id, or
 * Bob Jenkins' one-at-a-time hash of the name padded to 16 characters
 * (reference ysf.md §1.4; G4KLX YSFReflector, pYSFReflector3 `CalcID`).
 *
 * @module
 */

/** Length the name is padded / truncated to before hashing. */
const NAME_LENGTH = 16;

/**
 * Hashes a reflector name into its numeric id: the name is truncated /
 * padded with spaces to 16 characters, then hashed with the one-at-a-time
 * hash in 32-bit unsigned arithmetic, modulo 100000. Characters are added
 * by code point (as pYSFReflector3; G4KLX adds signed bytes, so names with
 * non-ASCII characters hash differently there — keep names ASCII).
 *
 * @param name The reflector name.
 * @returns The id, 0..99999.
 *
 * @example Known answers
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { statusIdHash } from "./status_id.ts";
 *
 * equal(statusIdHash("PEER G4KLX"), 94296);
 * equal(statusIdHash("DE Germany"), 62829);
 * ```
 */
export function statusIdHash(name: string): number {
  let h = 0;
  let count = 0;
  for (const ch of name) {
    if (count === NAME_LENGTH) break;
    h = (h + ch.codePointAt(0)!) >>> 0;
    h = (h + (h << 10)) >>> 0;
    h = (h ^ (h >>> 6)) >>> 0;
    count++;
  }
  for (; count < NAME_LENGTH; count++) {
    h = (h + 0x20) >>> 0;
    h = (h + (h << 10)) >>> 0;
    h = (h ^ (h >>> 6)) >>> 0;
  }
  h = (h + (h << 3)) >>> 0;
  h = (h ^ (h >>> 11)) >>> 0;
  h = (h + (h << 15)) >>> 0;
  return h % 100000;
}

/**
 * The reflector id as the status reply shows it: 5 decimal digits with
 * leading zeros. A configured id > 0 is used modulo 100000 (G4KLX prints
 * `Id % 100000`); 0 or no id means the hash of the name
 * ({@link statusIdHash}).
 *
 * @param name The reflector name.
 * @param configuredId The configured `Id`, default 0 (none).
 * @returns The 5-digit id.
 * @throws {RangeError} If `configuredId` is not a non-negative integer.
 *
 * @example Configured and hashed ids
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { statusId } from "./status_id.ts";
 *
 * equal(statusId("X", 12345), "12345");
 * equal(statusId("Reflector_name"), "16282");
 * equal(statusId("X", 7), "00007");
 * ```
 */
export function statusId(name: string, configuredId = 0): string {
  if (!Number.isSafeInteger(configuredId) || configuredId < 0) {
    throw new RangeError(
      `Expected the configured id to be an integer >= 0, found ${configuredId}`,
    );
  }
  const id = configuredId > 0 ? configuredId % 100000 : statusIdHash(name);
  return String(id).padStart(5, "0");
}
