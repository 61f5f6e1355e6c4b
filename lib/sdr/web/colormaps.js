// @ts-check
/**
 * Waterfall colours: colormaps as 256-entry RGBA tables, the mapping of a
 * waterfall value (signed 8-bit, 0.5 dB per step; sdr-phantomsdr.md §1.4)
 * to an entry, and automatic brightness/contrast ({@link AutoLevels}) that
 * follows the noise floor and the strongest signals of recent lines.
 *
 * @module
 */

/**
 * Control points of each colormap: `[position 0…1, r, g, b]`.
 *
 * @type {Readonly<Record<string, ReadonlyArray<readonly [number, number, number, number]>>>}
 */
const POINTS = {
  // Black through blue, cyan, yellow and red to white, as classic SDR
  // programs draw it.
  classic: [
    [0, 0, 0, 0],
    [0.15, 0, 0, 110],
    [0.35, 0, 110, 220],
    [0.55, 40, 220, 140],
    [0.7, 250, 230, 0],
    [0.85, 255, 70, 0],
    [1, 255, 255, 255],
  ],
  turbo: [
    [0, 48, 18, 59],
    [0.1, 65, 69, 171],
    [0.2, 70, 117, 237],
    [0.3, 57, 162, 252],
    [0.4, 27, 207, 212],
    [0.5, 36, 236, 166],
    [0.6, 97, 252, 108],
    [0.7, 164, 252, 59],
    [0.8, 209, 232, 52],
    [0.9, 243, 198, 58],
    [1, 122, 4, 3],
  ],
  viridis: [
    [0, 68, 1, 84],
    [0.125, 71, 44, 122],
    [0.25, 59, 81, 139],
    [0.375, 44, 113, 142],
    [0.5, 33, 144, 141],
    [0.625, 39, 173, 129],
    [0.75, 92, 200, 99],
    [0.875, 170, 220, 50],
    [1, 253, 231, 37],
  ],
  inferno: [
    [0, 0, 0, 4],
    [0.125, 31, 12, 72],
    [0.25, 85, 15, 109],
    [0.375, 136, 34, 106],
    [0.5, 186, 54, 85],
    [0.625, 227, 89, 51],
    [0.75, 249, 140, 10],
    [0.875, 249, 201, 50],
    [1, 252, 255, 164],
  ],
  gray: [
    [0, 0, 0, 0],
    [1, 255, 255, 255],
  ],
};

/**
 * Names of the colormaps, the default first.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { COLORMAP_NAMES } from "./colormaps.js";
 *
 * equal(COLORMAP_NAMES[0], "classic");
 * equal(COLORMAP_NAMES.includes("viridis"), true);
 * ```
 */
export const COLORMAP_NAMES = Object.freeze(Object.keys(POINTS));

/**
 * A colormap as 256 RGBA entries (1024 bytes, alpha 255), interpolated
 * linearly between its control points. Unknown names give the default.
 *
 * @param {string} name A name of {@link COLORMAP_NAMES}.
 * @returns {Uint8ClampedArray} The table.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { colormapTable } from "./colormaps.js";
 *
 * const gray = colormapTable("gray");
 * deepEqual([...gray.subarray(0, 4)], [0, 0, 0, 255]);
 * deepEqual([...gray.subarray(1020, 1024)], [255, 255, 255, 255]);
 * ```
 */
export function colormapTable(name) {
  const points = Object.hasOwn(POINTS, name) ? POINTS[name] : POINTS.classic;
  const table = new Uint8ClampedArray(256 * 4);
  let k = 0;
  for (let i = 0; i < 256; i++) {
    const x = i / 255;
    while (k < points.length - 2 && x > points[k + 1][0]) k++;
    const [x0, r0, g0, b0] = points[k];
    const [x1, r1, g1, b1] = points[k + 1];
    const t = x1 > x0 ? Math.min(1, Math.max(0, (x - x0) / (x1 - x0))) : 0;
    table[4 * i] = Math.round(r0 + (r1 - r0) * t);
    table[4 * i + 1] = Math.round(g0 + (g1 - g0) * t);
    table[4 * i + 2] = Math.round(b0 + (b1 - b0) * t);
    table[4 * i + 3] = 255;
  }
  return table;
}

/**
 * Maps waterfall values to colormap entries: `min` → 0, `max` → 255,
 * clamped. Writes one 32-bit RGBA pixel per value (the table viewed as
 * `Uint32Array`, so the byte order matches the platform's, as `ImageData`
 * expects).
 *
 * @param {Int8Array} values Waterfall values.
 * @param {Uint32Array} table The colormap as 256 packed pixels.
 * @param {number} min Value shown as entry 0.
 * @param {number} max Value shown as entry 255.
 * @param {Uint32Array} out Pixels (at least `values.length`).
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { colormapTable, paintLine } from "./colormaps.js";
 *
 * const table = new Uint32Array(colormapTable("gray").buffer);
 * const out = new Uint32Array(3);
 * paintLine(Int8Array.of(-128, -50, 100), table, -100, 155, out);
 * deepEqual([...new Uint8Array(out.buffer)].filter((_, i) => i % 4 === 0), [0, 50, 200]);
 * ```
 */
export function paintLine(values, table, min, max, out) {
  const scale = 255 / Math.max(1e-6, max - min);
  for (let i = 0; i < values.length; i++) {
    let index = Math.round((values[i] - min) * scale);
    index = index < 0 ? 0 : index > 255 ? 255 : index;
    out[i] = table[index];
  }
}

/**
 * A value's percentile in a 256-bin histogram of `value + 128`.
 *
 * @param {Uint32Array} histogram Counts per value.
 * @param {number} total Sum of the counts.
 * @param {number} fraction 0…1.
 * @returns {number} The value (−128…127).
 */
function percentile(histogram, total, fraction) {
  const target = fraction * total;
  let sum = 0;
  for (let i = 0; i < 256; i++) {
    sum += histogram[i];
    if (sum >= target) return i - 128;
  }
  return 127;
}

/**
 * Options of {@link AutoLevels}.
 *
 * @typedef {object} AutoLevelsOptions
 * @property {number} [floorPercentile] Fraction of values below the
 * noise-floor estimate (default 0.2).
 * @property {number} [peakPercentile] Fraction of values below the peak
 * estimate (default 0.995).
 * @property {number} [minRange] Smallest `max − min`, values (default 30,
 * 15 dB), so plain noise is not stretched into a snowstorm.
 * @property {number} [below] Values of headroom under the floor (default 6).
 * @property {number} [above] Values of headroom over the peak (default 4).
 * @property {number} [smoothing] Weight of each new line, 0…1 (default 0.1).
 */

/**
 * Automatic brightness and contrast: from each line, the noise floor (a
 * low percentile) and the peak (a high percentile), smoothed over lines,
 * give the `min` and `max` of {@link paintLine}.
 *
 * @example Noise at −60 with a carrier at 0
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { AutoLevels } from "./colormaps.js";
 *
 * const levels = new AutoLevels({ smoothing: 1 });
 * const line = new Int8Array(1000).fill(-60);
 * line.fill(0, 500, 510);
 * const { min, max } = levels.update(line);
 * ok(min < -60 && min > -70);
 * ok(max >= 0 && max < 10);
 * ```
 */
export class AutoLevels {
  /** @type {Uint32Array} */
  #histogram = new Uint32Array(256);
  /** @type {number | undefined} */
  #min;
  /** @type {number | undefined} */
  #max;
  #floor;
  #peak;
  #minRange;
  #below;
  #above;
  #smoothing;

  /**
   * @param {AutoLevelsOptions} [options] Percentiles, headroom, smoothing.
   */
  constructor(options = {}) {
    this.#floor = options.floorPercentile ?? 0.2;
    this.#peak = options.peakPercentile ?? 0.995;
    this.#minRange = options.minRange ?? 30;
    this.#below = options.below ?? 6;
    this.#above = options.above ?? 4;
    this.#smoothing = Math.min(1, Math.max(0.001, options.smoothing ?? 0.1));
  }

  /**
   * The current levels (a neutral −100…0 before the first line).
   *
   * @returns {{ min: number, max: number }} The levels.
   */
  get levels() {
    return { min: this.#min ?? -100, max: this.#max ?? 0 };
  }

  /** Forgets the history (after a zoom, the next line sets the levels). */
  reset() {
    this.#min = undefined;
    this.#max = undefined;
  }

  /**
   * Takes one line into account.
   *
   * @param {Int8Array} values The line.
   * @returns {{ min: number, max: number }} The new levels.
   */
  update(values) {
    if (values.length === 0) return this.levels;
    const histogram = this.#histogram;
    histogram.fill(0);
    for (let i = 0; i < values.length; i++) histogram[values[i] + 128]++;
    const floor = percentile(histogram, values.length, this.#floor) -
      this.#below;
    let peak = percentile(histogram, values.length, this.#peak) + this.#above;
    if (peak - floor < this.#minRange) peak = floor + this.#minRange;
    const a = this.#smoothing;
    this.#min = this.#min === undefined
      ? floor
      : this.#min + a * (floor - this.#min);
    this.#max = this.#max === undefined
      ? peak
      : this.#max + a * (peak - this.#max);
    return this.levels;
  }
}

/**
 * The power a waterfall value stands for, in dB relative to a full-scale
 * sine in one bin: the quantiser of sdr-phantomsdr.md §1.4 inverted,
 * assuming `brightness_offset` 0, `(value − 127 − 6.02·log2 N) / 2`. The
 * same at every zoom level, whose values are means of bins' powers.
 *
 * @param {number} value A waterfall value (−128…127).
 * @param {number} fftSize N.
 * @returns {number} dBFS per bin.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { waterfallValueToDb } from "./colormaps.js";
 *
 * equal(Math.round(waterfallValueToDb(127, 1024)), -30);
 * equal(Math.round(waterfallValueToDb(-128, 131072)), -179);
 * ```
 */
export function waterfallValueToDb(value, fftSize) {
  const step = 20 * Math.log10(2);
  return (value - 127 - step * Math.round(Math.log2(fftSize))) / 2;
}
