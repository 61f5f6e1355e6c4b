/**
 * Decoding `vcgencmd get_throttled` on a Raspberry Pi: bits 0–3 are
 * conditions now, bits 16–19 the same conditions since boot.
 *
 * @module
 */

/** The flags of `get_throttled`. */
export interface ThrottledState {
  /** The raw value (`0x50005`). */
  raw: number;
  /** Bit 0: the supply voltage is too low now. */
  underVoltage: boolean;
  /** Bit 1: the ARM frequency is capped now. */
  frequencyCapped: boolean;
  /** Bit 2: the CPU is throttled now. */
  throttled: boolean;
  /** Bit 3: the soft temperature limit is active now. */
  softTempLimit: boolean;
  /** Bit 16: under-voltage has occurred since boot. */
  underVoltageOccurred: boolean;
  /** Bit 17: frequency capping has occurred since boot. */
  frequencyCappedOccurred: boolean;
  /** Bit 18: throttling has occurred since boot. */
  throttledOccurred: boolean;
  /** Bit 19: the soft temperature limit has been reached since boot. */
  softTempLimitOccurred: boolean;
}

/**
 * Parses `throttled=0x50005` (the output of `vcgencmd get_throttled`).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseThrottled } from "./throttled.ts";
 * const state = parseThrottled("throttled=0x50005\n");
 * equal(state?.underVoltage, true);
 * equal(state?.throttled, true);
 * equal(state?.frequencyCapped, false);
 * equal(state?.underVoltageOccurred, true);
 * equal(parseThrottled("error=1"), undefined);
 * ```
 */
export function parseThrottled(text: string): ThrottledState | undefined {
  const m = /throttled=(0x[0-9a-fA-F]+|\d+)/.exec(text);
  if (!m) return undefined;
  const raw = Number(m[1]);
  const bit = (n: number) => (raw & (1 << n)) !== 0;
  return {
    raw,
    underVoltage: bit(0),
    frequencyCapped: bit(1),
    throttled: bit(2),
    softTempLimit: bit(3),
    underVoltageOccurred: bit(16),
    frequencyCappedOccurred: bit(17),
    throttledOccurred: bit(18),
    softTempLimitOccurred: bit(19),
  };
}
