// @ts-check
/**
 * The receive modes of the web client and how each becomes a PhantomSDR
 * `/audio` request (sdr-phantomsdr.md §1.6, §2.4): the server demodulates
 * USB, LSB, AM, SAM and FM; WBFM is FM with the widest passband the audio
 * rate allows, and CW is USB with the carrier moved down by the BFO offset
 * so that a carrier on the dial frequency sounds at the BFO pitch.
 *
 * A passband is kept as two offsets from the dial frequency (`low`,
 * `high`, Hz); {@link passbandWindow} turns dial, mode and passband into
 * the `window` command's bins (`l`, `m`, `r`), never wider than the
 * server's `audio_max_fft`.
 *
 * @module
 */

/**
 * A receive mode.
 *
 * @typedef {object} ModeInfo
 * @property {string} name The name shown and put in URLs (`"CW"`).
 * @property {string} demodulation What the server is asked for (`"USB"`).
 * @property {number} low Default lower passband edge from the dial, Hz.
 * @property {number} high Default upper passband edge from the dial, Hz.
 * @property {number} step Default tuning step, Hz.
 * @property {ReadonlyArray<readonly [number, number]>} presets Bandwidth
 * presets as `[low, high]` offsets, Hz.
 * @property {"upper" | "lower" | "both"} sideband Which side of the carrier
 * the passband may take.
 */

/** @type {Readonly<Record<string, ModeInfo>>} */
const TABLE = {
  USB: {
    name: "USB",
    demodulation: "USB",
    low: 100,
    high: 2800,
    step: 100,
    presets: [[300, 2400], [100, 2800], [50, 3000], [50, 3600]],
    sideband: "upper",
  },
  LSB: {
    name: "LSB",
    demodulation: "LSB",
    low: -2800,
    high: -100,
    step: 100,
    presets: [[-2400, -300], [-2800, -100], [-3000, -50], [-3600, -50]],
    sideband: "lower",
  },
  AM: {
    name: "AM",
    demodulation: "AM",
    low: -4500,
    high: 4500,
    step: 1000,
    presets: [[-3000, 3000], [-4000, 4000], [-4500, 4500], [-5000, 5000], [
      -6000,
      6000,
    ]],
    sideband: "both",
  },
  SAM: {
    name: "SAM",
    demodulation: "SAM",
    low: -4500,
    high: 4500,
    step: 1000,
    presets: [[-3000, 3000], [-4000, 4000], [-4500, 4500], [-5000, 5000], [
      -6000,
      6000,
    ]],
    sideband: "both",
  },
  FM: {
    name: "FM",
    demodulation: "FM",
    low: -5000,
    high: 5000,
    step: 5000,
    presets: [[-3000, 3000], [-5000, 5000], [-6000, 6000], [-8000, 8000]],
    sideband: "both",
  },
  WBFM: {
    name: "WBFM",
    demodulation: "FM",
    low: -96000,
    high: 96000,
    step: 100000,
    presets: [[-50000, 50000], [-96000, 96000]],
    sideband: "both",
  },
  CW: {
    name: "CW",
    demodulation: "USB",
    low: -250,
    high: 250,
    step: 10,
    presets: [[-50, 50], [-125, 125], [-250, 250], [-500, 500], [-1000, 1000]],
    sideband: "both",
  },
};

/**
 * The modes, in the order the page lists them.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { MODE_NAMES } from "./modes.js";
 *
 * deepEqual(MODE_NAMES, ["USB", "LSB", "AM", "SAM", "FM", "WBFM", "CW"]);
 * ```
 */
export const MODE_NAMES = Object.freeze(Object.keys(TABLE));

/**
 * Default BFO offset of CW, Hz: a carrier on the dial sounds at 700 Hz.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DEFAULT_CW_BFO } from "./modes.js";
 *
 * equal(DEFAULT_CW_BFO, 700);
 * ```
 */
export const DEFAULT_CW_BFO = 700;

/**
 * Narrowest passband, Hz.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MIN_PASSBAND_HZ } from "./modes.js";
 *
 * equal(MIN_PASSBAND_HZ, 50);
 * ```
 */
export const MIN_PASSBAND_HZ = 50;

/**
 * A mode by name (any case); unknown names (and the server's `AM-ENV`) map
 * to the closest mode, or undefined.
 *
 * @param {unknown} name A mode name from a URL, a marker or the server.
 * @returns {ModeInfo | undefined} The mode.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { modeInfo } from "./modes.js";
 *
 * equal(modeInfo("cw")?.demodulation, "USB");
 * equal(modeInfo("AM-ENV")?.name, "AM");
 * equal(modeInfo("NFM")?.name, "FM");
 * equal(modeInfo("RTTY"), undefined);
 * ```
 */
export function modeInfo(name) {
  if (typeof name !== "string") return undefined;
  const upper = name.trim().toUpperCase();
  if (Object.hasOwn(TABLE, upper)) return TABLE[upper];
  if (upper === "AM-ENV" || upper === "AM-S") return TABLE.AM;
  if (upper === "NFM") return TABLE.FM;
  if (upper === "WFM") return TABLE.WBFM;
  if (upper === "CWU" || upper === "CW-U") return TABLE.CW;
  return undefined;
}

/**
 * The receiver as the page keeps it.
 *
 * @typedef {object} Tuning
 * @property {number} frequency Dial frequency, Hz.
 * @property {string} mode A name of {@link MODE_NAMES}.
 * @property {number} low Lower passband edge from the dial, Hz.
 * @property {number} high Upper passband edge from the dial, Hz.
 * @property {number} [bfo] CW BFO offset, Hz (default {@link DEFAULT_CW_BFO}).
 */

/**
 * The band as the settings JSON describes it.
 *
 * @typedef {object} BandLayout
 * @property {number} basefreq Hz of bin 0.
 * @property {number} totalBandwidth Hz across all bins.
 * @property {number} fftResultSize Number of bins.
 * @property {number} audioMaxFft Widest audio window, bins.
 */

/**
 * Clamps a passband to what the mode and the server allow: within
 * `maxWidth / 2` of the dial (the server's audio FFT carries `maxWidth` Hz
 * of spectrum, half on each side of its carrier), on the mode's side of it
 * (USB above, LSB below) and at least {@link MIN_PASSBAND_HZ} wide.
 *
 * @param {string} mode A mode name.
 * @param {number} low Lower edge from the dial, Hz.
 * @param {number} high Upper edge from the dial, Hz.
 * @param {number} maxWidth The server's audio bandwidth, Hz
 * ({@link maxPassbandHz}).
 * @param {"low" | "high"} [keep] The edge that stays where it is when the
 * passband must widen (the one not being dragged); default: the carrier's
 * edge for USB and LSB, the centre for the others.
 * @returns {[number, number]} The clamped `[low, high]`.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { clampPassband } from "./modes.js";
 *
 * deepEqual(clampPassband("USB", -500, 2800, 12000), [0, 2800]);
 * deepEqual(clampPassband("USB", 100, 9000, 12000), [100, 6000]);
 * deepEqual(clampPassband("AM", -9000, 9000, 12000), [-6000, 6000]);
 * deepEqual(clampPassband("LSB", -2000, -1990, 12000), [-2040, -1990]);
 * deepEqual(clampPassband("AM", -4500, -4490, 12000, "low"), [-4500, -4450]);
 * ```
 */
export function clampPassband(mode, low, high, maxWidth, keep) {
  const info = modeInfo(mode) ?? TABLE.USB;
  const reach = Math.max(MIN_PASSBAND_HZ, maxWidth / 2);
  const min = info.sideband === "upper" ? 0 : -reach;
  const max = info.sideband === "lower" ? 0 : reach;
  let lo = Math.max(min, Math.min(max, Math.min(low, high)));
  let hi = Math.max(min, Math.min(max, Math.max(low, high)));
  if (hi - lo < MIN_PASSBAND_HZ) {
    const anchor = keep ??
      (info.sideband === "upper"
        ? "low"
        : info.sideband === "lower"
        ? "high"
        : undefined);
    if (anchor === "low") hi = lo + MIN_PASSBAND_HZ;
    else if (anchor === "high") lo = hi - MIN_PASSBAND_HZ;
    else {
      const centre = (lo + hi) / 2;
      lo = centre - MIN_PASSBAND_HZ / 2;
      hi = centre + MIN_PASSBAND_HZ / 2;
    }
    if (lo < min) [lo, hi] = [min, min + MIN_PASSBAND_HZ];
    if (hi > max) [lo, hi] = [max - MIN_PASSBAND_HZ, max];
  }
  return [Math.round(lo), Math.round(hi)];
}

/**
 * Widest passband the server takes, Hz: `audio_max_fft` bins.
 *
 * @param {BandLayout} band The band.
 * @returns {number} The width, Hz.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { maxPassbandHz } from "./modes.js";
 *
 * const band = { basefreq: 6_076_000, totalBandwidth: 2_048_000, fftResultSize: 131072, audioMaxFft: 768 };
 * equal(maxPassbandHz(band), 12000);
 * ```
 */
export function maxPassbandHz(band) {
  return (band.audioMaxFft * band.totalBandwidth) / band.fftResultSize;
}

/**
 * The `/audio` request for a tuning: the server's demodulation and the
 * `window` bins. `l` and `r` are whole bins inside the band and at most
 * `audio_max_fft` apart; `m` is the (fractional) carrier bin, which for CW
 * is the BFO offset below the dial.
 *
 * @param {Tuning} tuning Dial, mode and passband.
 * @param {BandLayout} band The band.
 * @returns {{ demodulation: string, l: number, m: number, r: number }} The request.
 *
 * @example USB at 7.074 MHz on the default synthetic band
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { passbandWindow } from "./modes.js";
 *
 * const band = { basefreq: 6_076_000, totalBandwidth: 2_048_000, fftResultSize: 131072, audioMaxFft: 768 };
 * // 15.625 Hz per bin: 7.074 MHz is bin 63872.
 * deepEqual(
 *   passbandWindow({ frequency: 7_074_000, mode: "USB", low: 0, high: 3000 }, band),
 *   { demodulation: "USB", l: 63872, m: 63872, r: 64064 },
 * );
 * deepEqual(
 *   passbandWindow({ frequency: 7_074_000, mode: "CW", low: -250, high: 250 }, band),
 *   { demodulation: "USB", l: 63856, m: 63827.2, r: 63888 },
 * );
 * ```
 */
export function passbandWindow(tuning, band) {
  const info = modeInfo(tuning.mode) ?? TABLE.USB;
  const toBin = (/** @type {number} */ hz) =>
    ((hz - band.basefreq) * band.fftResultSize) / band.totalBandwidth;
  const carrier = tuning.frequency -
    (info.name === "CW" ? tuning.bfo ?? DEFAULT_CW_BFO : 0);
  let l = Math.round(toBin(tuning.frequency + tuning.low));
  let r = Math.round(toBin(tuning.frequency + tuning.high));
  if (r < l) [l, r] = [r, l];
  const widest = Math.max(1, Math.floor(band.audioMaxFft));
  if (r - l > widest) {
    const excess = r - l - widest;
    l += Math.ceil(excess / 2);
    r -= Math.floor(excess / 2);
  }
  const last = band.fftResultSize - 1;
  l = Math.max(0, Math.min(l, last));
  r = Math.max(l, Math.min(r, last));
  const m = Math.max(0, Math.min(toBin(carrier), last));
  return { demodulation: info.demodulation, l, m, r };
}
