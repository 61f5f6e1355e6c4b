// @ts-check
/**
 * The band plan overlay: amateur allocations (IARU; where the regions
 * differ, the widest common edges), short-wave broadcast bands, a few
 * utility bands and the FT8 calling frequencies, drawn under the frequency
 * scale. Built in: the page makes no network request for it.
 *
 * @module
 */

/**
 * One band of the plan.
 *
 * @typedef {object} Band
 * @property {string} name Short label ("40m", "41m BC", "FT8").
 * @property {number} low Lower edge, Hz.
 * @property {number} high Upper edge, Hz.
 * @property {"ham" | "broadcast" | "utility" | "digital"} kind What it is.
 * @property {string} [mode] The usual mode there (tuning from the overlay).
 */

/** @type {Array<[string, number, number, Band["kind"], string?]>} */
const ROWS = [
  ["2200m", 135_700, 137_800, "ham", "CW"],
  ["630m", 472_000, 479_000, "ham", "CW"],
  ["160m", 1_810_000, 2_000_000, "ham", "LSB"],
  ["80m", 3_500_000, 4_000_000, "ham", "LSB"],
  ["60m", 5_351_500, 5_366_500, "ham", "USB"],
  ["40m", 7_000_000, 7_200_000, "ham", "LSB"],
  ["30m", 10_100_000, 10_150_000, "ham", "CW"],
  ["20m", 14_000_000, 14_350_000, "ham", "USB"],
  ["17m", 18_068_000, 18_168_000, "ham", "USB"],
  ["15m", 21_000_000, 21_450_000, "ham", "USB"],
  ["12m", 24_890_000, 24_990_000, "ham", "USB"],
  ["10m", 28_000_000, 29_700_000, "ham", "USB"],
  ["6m", 50_000_000, 54_000_000, "ham", "USB"],
  ["4m", 70_000_000, 70_500_000, "ham", "FM"],
  ["2m", 144_000_000, 148_000_000, "ham", "FM"],
  ["70cm", 430_000_000, 440_000_000, "ham", "FM"],
  ["23cm", 1_240_000_000, 1_300_000_000, "ham", "FM"],
  ["LW BC", 148_500, 283_500, "broadcast", "AM"],
  ["MW BC", 526_500, 1_705_000, "broadcast", "AM"],
  ["120m BC", 2_300_000, 2_495_000, "broadcast", "AM"],
  ["90m BC", 3_200_000, 3_400_000, "broadcast", "AM"],
  ["75m BC", 3_900_000, 4_000_000, "broadcast", "AM"],
  ["60m BC", 4_750_000, 5_060_000, "broadcast", "AM"],
  ["49m BC", 5_900_000, 6_200_000, "broadcast", "AM"],
  ["41m BC", 7_200_000, 7_450_000, "broadcast", "AM"],
  ["31m BC", 9_400_000, 9_900_000, "broadcast", "AM"],
  ["25m BC", 11_600_000, 12_100_000, "broadcast", "AM"],
  ["22m BC", 13_570_000, 13_870_000, "broadcast", "AM"],
  ["19m BC", 15_100_000, 15_800_000, "broadcast", "AM"],
  ["16m BC", 17_480_000, 17_900_000, "broadcast", "AM"],
  ["15m BC", 18_900_000, 19_020_000, "broadcast", "AM"],
  ["13m BC", 21_450_000, 21_850_000, "broadcast", "AM"],
  ["11m BC", 25_670_000, 26_100_000, "broadcast", "AM"],
  ["FM BC", 87_500_000, 108_000_000, "broadcast", "WBFM"],
  ["CB", 26_965_000, 27_405_000, "utility", "AM"],
  ["Air", 118_000_000, 137_000_000, "utility", "AM"],
  ["Marine", 156_000_000, 162_025_000, "utility", "FM"],
  ["ISM", 433_050_000, 434_790_000, "utility", "FM"],
  ["PMR446", 446_000_000, 446_200_000, "utility", "FM"],
];

/** FT8 dial frequencies (USB), Hz; each occupies the 3 kHz above. */
const FT8 = [
  1_840_000,
  3_573_000,
  5_357_000,
  7_074_000,
  10_136_000,
  14_074_000,
  18_100_000,
  21_074_000,
  24_915_000,
  28_074_000,
  50_313_000,
];

/**
 * The built-in band plan, sorted by lower edge.
 *
 * @example Usage
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { BAND_PLAN } from "./band_plan.js";
 *
 * ok(BAND_PLAN.some((b) => b.name === "40m" && b.low === 7_000_000));
 * ok(BAND_PLAN.every((b, i) => i === 0 || BAND_PLAN[i - 1].low <= b.low));
 * ```
 */
export const BAND_PLAN = Object.freeze(
  [
    ...ROWS.map(([name, low, high, kind, mode]) =>
      Object.freeze(
        /** @type {Band} */ ({
          name,
          low,
          high,
          kind,
          ...(mode ? { mode } : {}),
        }),
      )
    ),
    ...FT8.map((f) =>
      Object.freeze(
        /** @type {Band} */ ({
          name: "FT8",
          low: f,
          high: f + 3000,
          kind: "digital",
          mode: "USB",
        }),
      )
    ),
  ].sort((a, b) => a.low - b.low),
);

/**
 * The bands that overlap `[low, high]`.
 *
 * @param {number} low Lower edge of the view, Hz.
 * @param {number} high Upper edge of the view, Hz.
 * @param {ReadonlyArray<Band>} [plan] The plan (default {@link BAND_PLAN}).
 * @returns {Band[]} The bands, by lower edge.
 *
 * @example The default synthetic band (6.076 to 8.124 MHz)
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { bandsInRange } from "./band_plan.js";
 *
 * deepEqual(bandsInRange(6_076_000, 8_124_000).map((b) => b.name), ["49m BC", "40m", "FT8", "41m BC"]);
 * ```
 */
export function bandsInRange(low, high, plan = BAND_PLAN) {
  return plan.filter((band) => band.high >= low && band.low <= high);
}

/**
 * The narrowest band containing a frequency.
 *
 * @param {number} hz Frequency, Hz.
 * @param {ReadonlyArray<Band>} [plan] The plan (default {@link BAND_PLAN}).
 * @returns {Band | undefined} The band.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { bandAt } from "./band_plan.js";
 *
 * equal(bandAt(7_075_000)?.name, "FT8");
 * equal(bandAt(7_150_000)?.name, "40m");
 * equal(bandAt(100), undefined);
 * ```
 */
export function bandAt(hz, plan = BAND_PLAN) {
  /** @type {Band | undefined} */
  let best;
  for (const band of plan) {
    if (hz < band.low || hz > band.high) continue;
    if (best === undefined || band.high - band.low < best.high - best.low) {
      best = band;
    }
  }
  return best;
}
