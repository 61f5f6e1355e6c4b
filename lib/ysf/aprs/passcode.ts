/**
 * The APRS-IS passcode: the 15-bit hash of a callsign that APRS-IS servers
 * check to let a client send packets (`# logresp CALL verified`). The same
 * algorithm as aprslib `passcode()`, which pYSFReflector3 uses for its login
 * `YSF<id>`.
 *
 * @module
 */

/**
 * Computes the APRS-IS passcode of a callsign: the SSID (from the first `-`)
 * is dropped and the rest upper-cased; starting from `0x73e2`, characters
 * at even positions are XORed into the high byte and those at odd positions
 * into the low byte; the result is masked to 15 bits.
 *
 * @param callsign The login callsign, with or without SSID.
 * @returns The passcode, 0..32767.
 *
 * @example The well-known value of N0CALL
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { aprsPasscode } from "./passcode.ts";
 *
 * equal(aprsPasscode("N0CALL"), 13023);
 * equal(aprsPasscode("n0call-10"), 13023);
 * ```
 */
export function aprsPasscode(callsign: string): number {
  const base = callsign.split("-", 1)[0].toUpperCase();
  let code = 0x73e2;
  let i = 0;
  for (const char of base) {
    code ^= char.codePointAt(0)! << (i % 2 === 0 ? 8 : 0);
    i++;
  }
  return code & 0x7fff;
}
