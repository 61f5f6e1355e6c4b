// @ts-check
/**
 * The S-meter and the squelch (both client-side, as in every PhantomSDR
 * frontend; sdr-phantomsdr.md §1.7, §1.8).
 *
 * `pwr` in each audio packet is the sum of `|X/N|²` over the passband. As
 * the original frontend does, it is smoothed (`P = 0.5·P + 0.5·pwr`) and
 * shown as `10·log10(P) − 6` dB; PhantomSDR+ adds the server's
 * `smeter_offset` to calibrate that to dBm. S-units follow the IARU HF
 * convention: S9 is −73 dBm and one S-unit is 6 dB.
 *
 * @module
 */

/**
 * dBm of S9 (IARU, below 30 MHz).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { S9_DBM } from "./smeter.js";
 *
 * equal(S9_DBM, -73);
 * ```
 */
export const S9_DBM = -73;

/**
 * dB per S-unit.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DB_PER_S_UNIT } from "./smeter.js";
 *
 * equal(DB_PER_S_UNIT, 6);
 * ```
 */
export const DB_PER_S_UNIT = 6;

/**
 * The level the meter shows for a smoothed `pwr`: `10·log10(pwr) − 6 +
 * offset` (the original frontend's dB plus PhantomSDR+'s `smeter_offset`),
 * floored at −200 for silence.
 *
 * @param {number} pwr Smoothed passband power.
 * @param {number} [offset] `smeter_offset`, dB (default 0).
 * @returns {number} dBm.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { pwrToDbm } from "./smeter.js";
 *
 * equal(pwrToDbm(1e-3), -36);
 * equal(pwrToDbm(1e-3, -40), -76);
 * equal(pwrToDbm(0), -200);
 * ```
 */
export function pwrToDbm(pwr, offset = 0) {
  if (!(pwr > 0) || !Number.isFinite(pwr)) return -200;
  return Math.max(-200, 10 * Math.log10(pwr) - 6 + offset);
}

/**
 * S-units of a level: `S0`…`S9`, then `S9+N` dB.
 *
 * @param {number} dbm Level, dBm.
 * @returns {{ units: number, over: number, text: string }} Whole S-units
 * (0…9), dB over S9 (0 below it) and the label.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { sUnits } from "./smeter.js";
 *
 * deepEqual(sUnits(-73), { units: 9, over: 0, text: "S9" });
 * deepEqual(sUnits(-93), { units: 5, over: 0, text: "S5" });
 * deepEqual(sUnits(-52.4), { units: 9, over: 21, text: "S9+21" });
 * deepEqual(sUnits(-140), { units: 0, over: 0, text: "S0" });
 * ```
 */
export function sUnits(dbm) {
  if (dbm > S9_DBM) {
    const over = Math.round(dbm - S9_DBM);
    return { units: 9, over, text: over > 0 ? `S9+${over}` : "S9" };
  }
  const units = Math.max(
    0,
    Math.min(9, 9 - Math.ceil((S9_DBM - dbm) / DB_PER_S_UNIT - 1e-9)),
  );
  return { units, over: 0, text: `S${units}` };
}

/**
 * Where a level sits on a meter scale from S0 (0) to S9+60 (1).
 *
 * @param {number} dbm Level, dBm.
 * @returns {number} 0…1.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { meterFraction, S9_DBM } from "./smeter.js";
 *
 * equal(meterFraction(S9_DBM - 54), 0);
 * equal(meterFraction(S9_DBM + 60), 1);
 * ```
 */
export function meterFraction(dbm) {
  const low = S9_DBM - 9 * DB_PER_S_UNIT;
  const high = S9_DBM + 60;
  return Math.max(0, Math.min(1, (dbm - low) / (high - low)));
}

/**
 * The original frontend's smoothing of `pwr`: `P = 0.5·P + 0.5·pwr`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { PowerSmoother } from "./smeter.js";
 *
 * const smoother = new PowerSmoother();
 * equal(smoother.push(4), 4);
 * equal(smoother.push(0), 2);
 * ```
 */
export class PowerSmoother {
  /** @type {number | undefined} */
  #value;

  /**
   * Adds one packet's `pwr` (non-finite or negative values are ignored).
   *
   * @param {number} pwr The packet's power.
   * @returns {number} The smoothed power.
   */
  push(pwr) {
    if (!(pwr >= 0) || !Number.isFinite(pwr)) return this.#value ?? 0;
    this.#value = this.#value === undefined
      ? pwr
      : 0.5 * this.#value + 0.5 * pwr;
    return this.#value;
  }

  /** Forgets the history. */
  reset() {
    this.#value = undefined;
  }
}

/**
 * Options of {@link Squelch}.
 *
 * @typedef {object} SquelchOptions
 * @property {number} [hysteresisDb] The level must fall this far under the
 * threshold to close (default 3).
 * @property {number} [hangMs] Stays open this long after the level fell
 * (default 300).
 * @property {() => number} [now] Clock, ms (default `performance.now`).
 */

/**
 * A level squelch with hysteresis and hang time: opens at once when the
 * level reaches the threshold, closes when it stays `hysteresisDb` below
 * it for `hangMs`. A threshold of `-Infinity` (or undefined) is "off".
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Squelch } from "./smeter.js";
 *
 * let t = 0;
 * const squelch = new Squelch({ now: () => t });
 * equal(squelch.update(-100, -90), false);
 * equal(squelch.update(-85, -90), true);
 * t = 100;
 * equal(squelch.update(-100, -90), true); // hang time
 * t = 500;
 * equal(squelch.update(-100, -90), false);
 * equal(squelch.update(-100, -Infinity), true); // off
 * ```
 */
export class Squelch {
  #open = false;
  #below = 0;
  #hysteresis;
  #hang;
  #now;

  /**
   * @param {SquelchOptions} [options] Hysteresis, hang time, clock.
   */
  constructor(options = {}) {
    this.#hysteresis = options.hysteresisDb ?? 3;
    this.#hang = options.hangMs ?? 300;
    this.#now = options.now ?? (() => performance.now());
  }

  /**
   * Whether audio passes now.
   *
   * @returns {boolean} Open.
   */
  get open() {
    return this.#open;
  }

  /**
   * Feeds a level and a threshold.
   *
   * @param {number} dbm The current level.
   * @param {number | undefined} threshold The threshold, dBm (-Infinity or
   * undefined: squelch off).
   * @returns {boolean} Whether audio passes.
   */
  update(dbm, threshold) {
    if (threshold === undefined || threshold === -Infinity) {
      this.#open = true;
      this.#below = 0;
      return true;
    }
    const now = this.#now();
    if (dbm >= threshold) {
      this.#open = true;
      this.#below = 0;
    } else if (this.#open && dbm < threshold - this.#hysteresis) {
      if (this.#below === 0) this.#below = now || Number.MIN_VALUE;
      if (now - this.#below >= this.#hang) this.#open = false;
    } else if (this.#open) {
      this.#below = 0;
    }
    return this.#open;
  }
}
