// @ts-check
/**
 * The part of the band the waterfall shows (a *view*: `[l, r)` in
 * full-resolution bins, fractional) and the arithmetic of zoom and pan.
 *
 * Zoom follows the server's levels (sdr-phantomsdr.md §1.4): zoom `z` shows
 * `fft_result_size / 2^z` bins, so each step halves the span and the server
 * answers with the level whose width is closest to `waterfall_size`. Past
 * the coarsest-to-finest levels the client may zoom until 128 bins fill the
 * width (PhantomSDR's limit), where the server sends level 0 stretched.
 *
 * @module
 */

/**
 * Fewest full-resolution bins a view may span (PhantomSDR's frontend limit).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MIN_VIEW_BINS } from "./view.js";
 *
 * equal(MIN_VIEW_BINS, 128);
 * ```
 */
export const MIN_VIEW_BINS = 128;

/**
 * A view: `[l, r)` in full-resolution bins.
 *
 * @typedef {{ l: number, r: number }} View
 */

/**
 * The band's geometry from the settings JSON.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BandGeometry } from "./view.js";
 *
 * const band = new BandGeometry({ basefreq: 6_076_000, totalBandwidth: 2_048_000, fftResultSize: 131072 });
 * equal(band.binToHz(65536), 7_100_000);
 * equal(band.hzToBin(7_100_000), 65536);
 * equal(band.maxZoom, 10);
 * ```
 */
export class BandGeometry {
  /**
   * @param {{ basefreq: number, totalBandwidth: number, fftResultSize: number }} settings
   *   The settings JSON fields (camelCase).
   * @throws {RangeError} If the size or bandwidth is not positive.
   */
  constructor(settings) {
    const { basefreq, totalBandwidth, fftResultSize } = settings;
    if (
      !(fftResultSize >= 1) || !(totalBandwidth > 0) ||
      !Number.isFinite(basefreq)
    ) {
      throw new RangeError(
        `Expected a positive band size and bandwidth, found ${fftResultSize} bins over ${totalBandwidth} Hz`,
      );
    }
    /** Hz of bin 0. */
    this.basefreq = basefreq;
    /** Hz across all bins. */
    this.totalBandwidth = totalBandwidth;
    /** Number of full-resolution bins. */
    this.fftResultSize = fftResultSize;
    /** Hz per bin. */
    this.binHz = totalBandwidth / fftResultSize;
    /** Largest zoom step (at least 0). */
    this.maxZoom = Math.max(
      0,
      Math.floor(
        Math.log2(fftResultSize / Math.min(MIN_VIEW_BINS, fftResultSize)),
      ),
    );
  }

  /**
   * Lowest frequency of the band, Hz.
   *
   * @returns {number} The frequency.
   */
  get low() {
    return this.basefreq;
  }

  /**
   * Highest frequency of the band, Hz.
   *
   * @returns {number} The frequency.
   */
  get high() {
    return this.basefreq + this.totalBandwidth;
  }

  /**
   * Frequency of a (fractional) bin.
   *
   * @param {number} bin The bin.
   * @returns {number} Hz.
   */
  binToHz(bin) {
    return this.basefreq + (bin * this.totalBandwidth) / this.fftResultSize;
  }

  /**
   * The (fractional) bin of a frequency.
   *
   * @param {number} hz Hz.
   * @returns {number} The bin.
   */
  hzToBin(hz) {
    return ((hz - this.basefreq) * this.fftResultSize) / this.totalBandwidth;
  }

  /**
   * Bins a view spans at a zoom step.
   *
   * @param {number} zoom The step (clamped to 0…maxZoom).
   * @returns {number} The span, bins.
   */
  spanAt(zoom) {
    return this.fftResultSize / 2 ** this.clampZoom(zoom);
  }

  /**
   * A zoom step clamped to 0…maxZoom and rounded.
   *
   * @param {number} zoom The step.
   * @returns {number} The clamped step.
   */
  clampZoom(zoom) {
    if (!Number.isFinite(zoom)) return 0;
    return Math.max(0, Math.min(this.maxZoom, Math.round(zoom)));
  }

  /**
   * The zoom step of a view (its span rounded to a power of two).
   *
   * @param {View} view The view.
   * @returns {number} The step.
   */
  zoomOf(view) {
    return this.clampZoom(Math.log2(this.fftResultSize / (view.r - view.l)));
  }

  /**
   * Moves a view inside the band, keeping its span (shrunk to the band if
   * wider; a view with a non-finite edge becomes the whole band).
   *
   * @param {View} view The view.
   * @returns {View} The clamped view.
   */
  clampView(view) {
    if (!Number.isFinite(view.l) || !Number.isFinite(view.r)) {
      return { l: 0, r: this.fftResultSize };
    }
    const span = Math.min(this.fftResultSize, Math.max(1, view.r - view.l));
    const l = Math.max(0, Math.min(view.l, this.fftResultSize - span));
    return { l, r: l + span };
  }

  /**
   * The view of a zoom step centred on a bin (clamped to the band).
   *
   * @param {number} zoom The step.
   * @param {number} centre The centre bin.
   * @returns {View} The view.
   */
  viewAt(zoom, centre) {
    const span = this.spanAt(zoom);
    return this.clampView({ l: centre - span / 2, r: centre + span / 2 });
  }

  /**
   * Zooms to another step keeping `anchor` (a bin) at the same place on
   * screen, as a mouse wheel or a pinch should.
   *
   * @param {View} view The current view.
   * @param {number} zoom The new step.
   * @param {number} anchor The bin that stays put.
   * @returns {View} The new view.
   */
  zoomAround(view, zoom, anchor) {
    const span = this.spanAt(zoom);
    const fraction = (anchor - view.l) / (view.r - view.l);
    const l = anchor - fraction * span;
    return this.clampView({ l, r: l + span });
  }

  /**
   * Pans a view by a number of bins (clamped to the band).
   *
   * @param {View} view The view.
   * @param {number} bins Bins to move (positive: higher frequencies).
   * @returns {View} The new view.
   */
  pan(view, bins) {
    return this.clampView({ l: view.l + bins, r: view.r + bins });
  }

  /**
   * The `/waterfall` `window` command's whole bins for a view.
   *
   * @param {View} view The view.
   * @returns {View} Integer `l < r` inside the band.
   */
  waterfallWindow(view) {
    const l = Math.max(0, Math.min(this.fftResultSize - 1, Math.floor(view.l)));
    const r = Math.max(l + 1, Math.min(this.fftResultSize, Math.ceil(view.r)));
    return { l, r };
  }
}

/**
 * The x position (CSS pixels from the left) of a bin in a view.
 *
 * @param {View} view The view.
 * @param {number} bin The bin.
 * @param {number} width Width of the display, pixels.
 * @returns {number} x.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { binToX, xToBin } from "./view.js";
 *
 * equal(binToX({ l: 100, r: 200 }, 150, 1000), 500);
 * equal(xToBin({ l: 100, r: 200 }, 500, 1000), 150);
 * ```
 */
export function binToX(view, bin, width) {
  return ((bin - view.l) / (view.r - view.l)) * width;
}

/**
 * The bin under an x position (CSS pixels from the left) in a view.
 *
 * @param {View} view The view.
 * @param {number} x x.
 * @param {number} width Width of the display, pixels.
 * @returns {number} The (fractional) bin.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { xToBin } from "./view.js";
 *
 * equal(xToBin({ l: 0, r: 1024 }, 256, 512), 512);
 * ```
 */
export function xToBin(view, x, width) {
  return view.l + (x / Math.max(1, width)) * (view.r - view.l);
}
