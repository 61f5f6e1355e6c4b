// @ts-check
/**
 * Frequencies as the web client shows and reads them: the dial readout
 * (`7 074.000 kHz`), labels of the frequency scale, the text of the
 * frequency entry (Hz, kHz or MHz, with or without a unit), tuning steps
 * and the "nice" spacing of scale ticks. No DOM here: the page and Deno's
 * tests import the same file.
 *
 * @module
 */

/**
 * Tuning steps the page offers, Hz.
 *
 * @example Usage
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { TUNING_STEPS } from "./frequency.js";
 *
 * ok(TUNING_STEPS.includes(1000));
 * ```
 */
export const TUNING_STEPS = Object.freeze([
  1,
  10,
  50,
  100,
  500,
  1000,
  5000,
  9000,
  10000,
  12500,
  25000,
  100000,
]);

/**
 * Groups the integer part of a decimal string in threes with thin spaces.
 *
 * @param {string} digits Decimal digits, optionally with a fraction.
 * @returns {string} The grouped text.
 */
function group(digits) {
  const [whole, fraction] = digits.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, "\u2009");
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/**
 * The dial readout: kHz with three decimals (1 Hz resolution), thousands
 * grouped with thin spaces.
 *
 * @param {number} hz Frequency, Hz.
 * @returns {string} e.g. `"7 074.000 kHz"` (with U+2009 thin spaces).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { formatFrequency } from "./frequency.js";
 *
 * equal(formatFrequency(7_074_000), "7\u2009074.000 kHz");
 * equal(formatFrequency(999), "0.999 kHz");
 * ```
 */
export function formatFrequency(hz) {
  if (!Number.isFinite(hz)) return "—";
  const sign = hz < 0 ? "-" : "";
  return `${sign}${group((Math.abs(Math.round(hz)) / 1000).toFixed(3))} kHz`;
}

/**
 * A scale label for a tick at `hz` when ticks are `stepHz` apart: MHz for
 * frequencies from 1 MHz, kHz below, with just the decimals the step needs.
 *
 * @param {number} hz Tick frequency, Hz.
 * @param {number} stepHz Spacing of the ticks, Hz.
 * @returns {string} e.g. `"7.15"` (MHz) or `"530"` (kHz).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { formatScaleLabel } from "./frequency.js";
 *
 * equal(formatScaleLabel(7_150_000, 50_000), "7.15");
 * equal(formatScaleLabel(7_074_500, 500), "7.0745");
 * equal(formatScaleLabel(530_000, 10_000), "530");
 * ```
 */
export function formatScaleLabel(hz, stepHz) {
  const magnitude = Math.floor(Math.log10(Math.max(1, stepHz)) + 1e-9);
  if (Math.abs(hz) >= 1e6) {
    return (hz / 1e6).toFixed(Math.max(0, 6 - magnitude));
  }
  return (hz / 1e3).toFixed(Math.max(0, 3 - magnitude));
}

/**
 * The unit a scale labelled by {@link formatScaleLabel} uses.
 *
 * @param {number} hz A frequency in the view, Hz.
 * @returns {string} `"MHz"` or `"kHz"`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { scaleUnit } from "./frequency.js";
 *
 * equal(scaleUnit(7_100_000), "MHz");
 * ```
 */
export function scaleUnit(hz) {
  return Math.abs(hz) >= 1e6 ? "MHz" : "kHz";
}

/** @type {Record<string, number>} */
const UNITS = {
  "": 0,
  hz: 1,
  k: 1e3,
  khz: 1e3,
  m: 1e6,
  mhz: 1e6,
  g: 1e9,
  ghz: 1e9,
};

/**
 * Options of {@link parseFrequency}.
 *
 * @typedef {object} ParseFrequencyOptions
 * @property {number} [low] Lowest frequency of the band, Hz.
 * @property {number} [high] Highest frequency of the band, Hz.
 */

/**
 * Reads what a listener typed into the frequency entry. A unit (`Hz`,
 * `k`/`kHz`, `M`/`MHz`, `G`/`GHz`, any case) is obeyed; a bare number is
 * kHz, unless a band is given and the number fits it only as MHz or as Hz.
 * Spaces, thin spaces and `_` are ignored; one `,` is a decimal point.
 *
 * @param {string} text The entry.
 * @param {ParseFrequencyOptions} [options] The band, for bare numbers.
 * @returns {number | undefined} The frequency in whole Hz, or undefined if
 * the text is not a non-negative frequency.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseFrequency } from "./frequency.js";
 *
 * equal(parseFrequency("7074"), 7_074_000);
 * equal(parseFrequency("7.074 MHz"), 7_074_000);
 * equal(parseFrequency("14074.5k"), 14_074_500);
 * equal(parseFrequency("7,1", { low: 6e6, high: 8e6 }), 7_100_000);
 * equal(parseFrequency("abc"), undefined);
 * ```
 */
export function parseFrequency(text, options = {}) {
  if (typeof text !== "string" || text.length > 64) return undefined;
  let s = text.replace(/[\s\u2009_]/g, "").toLowerCase();
  if (!s.includes(".") && (s.match(/,/g) ?? []).length === 1) {
    s = s.replace(",", ".");
  }
  const match = /^(\d+(?:\.\d*)?|\.\d+)([a-z]*)$/.exec(s);
  if (match === null || !Object.hasOwn(UNITS, match[2])) return undefined;
  const value = Number(match[1]);
  if (!Number.isFinite(value)) return undefined;
  const unit = UNITS[match[2]];
  if (unit !== 0) return Math.round(value * unit);
  const { low, high } = options;
  const fits = (/** @type {number} */ hz) =>
    low !== undefined && high !== undefined && hz >= low && hz <= high;
  const khz = Math.round(value * 1e3);
  if (!fits(khz)) {
    const mhz = Math.round(value * 1e6);
    if (fits(mhz)) return mhz;
    const hz = Math.round(value);
    if (fits(hz)) return hz;
  }
  return khz;
}

/**
 * Rounds a frequency to the nearest multiple of a step.
 *
 * @param {number} hz Frequency, Hz.
 * @param {number} stepHz Step, Hz (≤ 0 or not finite: 1 Hz).
 * @returns {number} The snapped frequency.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { snapToStep } from "./frequency.js";
 *
 * equal(snapToStep(7_074_420, 1000), 7_074_000);
 * equal(snapToStep(7_074_500, 1000), 7_075_000);
 * ```
 */
export function snapToStep(hz, stepHz) {
  const step = stepHz > 0 && Number.isFinite(stepHz) ? stepHz : 1;
  return Math.round(hz / step) * step;
}

/**
 * Moves a frequency by whole steps, landing on the step grid: one step up
 * from 7 074 300 Hz with a 1 kHz step is 7 075 000 Hz.
 *
 * @param {number} hz Frequency, Hz.
 * @param {number} stepHz Step, Hz.
 * @param {number} count Steps to move (negative: down).
 * @returns {number} The new frequency.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { stepFrequency } from "./frequency.js";
 *
 * equal(stepFrequency(7_074_300, 1000, 1), 7_075_000);
 * equal(stepFrequency(7_074_300, 1000, -1), 7_074_000);
 * equal(stepFrequency(7_074_000, 1000, -2), 7_072_000);
 * ```
 */
export function stepFrequency(hz, stepHz, count) {
  const step = stepHz > 0 && Number.isFinite(stepHz) ? stepHz : 1;
  const onGrid = Math.abs(hz / step - Math.round(hz / step)) < 1e-9;
  if (onGrid || count === 0) {
    return Math.round(hz / step + count) * step;
  }
  const base = count > 0 ? Math.floor(hz / step) : Math.ceil(hz / step);
  return (base + count) * step;
}

/**
 * The spacing of scale ticks: the smallest 1-2-5 × 10ⁿ Hz step that puts
 * labels at least `minPixels` apart.
 *
 * @param {number} spanHz Frequency span of the scale, Hz.
 * @param {number} widthPixels Width of the scale, CSS pixels.
 * @param {number} [minPixels] Least distance between labels (default 80).
 * @returns {number} The tick spacing, Hz.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { tickStep } from "./frequency.js";
 *
 * equal(tickStep(2_048_000, 1024), 200_000);
 * equal(tickStep(12_000, 1024), 1000);
 * ```
 */
export function tickStep(spanHz, widthPixels, minPixels = 80) {
  const least = (spanHz * minPixels) / Math.max(1, widthPixels);
  let step = 1;
  while (step < least) {
    const base = step;
    for (const factor of [2, 5, 10]) {
      step = base * factor;
      if (step >= least) break;
    }
  }
  return step;
}
