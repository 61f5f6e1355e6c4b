/**
 * PhantomSDR's waterfall (sdr-phantomsdr.md §1.4): power per bin, the signed
 * 8-bit quantiser, the zoom levels and the per-client level selection.
 *
 * - Level 0 holds `p = |X/N|²` of the `fft_result_size` usable bins in
 *   waterfall order (for IQ, index i is FFT bin `(i + N/2 + 1) mod N`).
 * - Level k+1 sums adjacent pairs of level k (float32 sums, as PhantomSDR
 *   keeps them), and is quantised with the offset lowered by one 6.02 dB
 *   step, which makes its value the **mean** of the 2^(k+1) level-0 powers.
 *   Levels exist while their size is at least `waterfall_size`; all are
 *   concatenated, level k starting at `Σ_{j<k} (fft_result_size >> j)`.
 * - Quantiser: `q = trunc(clamp(20·log10(p) + 20·log10(2)·powerOffset + 127,
 *   −128, 127))` with `powerOffset = round(log2 N) + brightness_offset − k`
 *   (20·log10 of power: 0.5 dB of true power per step). Values are truncated
 *   towards zero, as PhantomSDR's float-to-int8 conversion (and its OpenCL
 *   `convert_char_sat_rtz`) does; both ends are clamped (PhantomSDR's CPU path
 *   clamps only the lower end and overflows above 127; sv1btl and the OpenCL
 *   kernel clamp both). NaN gives −128 (as `std::max(−128.f, NaN)` does).
 *   PhantomSDR's CPU path uses a polynomial log2 approximation (error up to
 *   about 0.03 steps); this module gives the exact formula's result, read
 *   from a table indexed by the float's exponent and top 10 mantissa bits
 *   (one table serves every level, since halving the power is an exponent
 *   step); the ~1 % of table cells that straddle a step boundary fall back
 *   to `Math.log10`.
 *
 * @module
 */

import { checkFftSize, type SignalKind } from "./spectrum_layout.ts";

/** One power-of-two step in dB of the quantiser: 20·log10(2) ≈ 6.0206. */
export const POWER_STEP_DB: number = 20 * Math.log10(2);

/**
 * Quantises one power exactly as the reference formula says.
 *
 * @param power Linear power `|X/N|²` (or a level's sum of powers).
 * @param powerOffset `round(log2 N) + brightness_offset − level`.
 * @returns An integer from −128 to 127.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { quantizePower } from "./waterfall.ts";
 *
 * // N = 131072 (offset 17): 1e-12 → −240 + 102.35 + 127 = −10.65 → −10
 * equal(quantizePower(1e-12, 17), -10);
 * equal(quantizePower(0, 17), -128);
 * equal(quantizePower(1, 17), 127);
 * ```
 */
export function quantizePower(power: number, powerOffset: number): number {
  const x = 20 * Math.log10(power) + (POWER_STEP_DB * powerOffset + 127);
  return x >= 127 ? 127 : x > -128 ? Math.trunc(x) : -128;
}

/**
 * The quantiser offset of a level: `round(log2 fftSize) + brightnessOffset −
 * level`.
 *
 * @param fftSize N.
 * @param brightnessOffset `[input] brightness_offset`.
 * @param level Zoom level (0 = full resolution).
 * @returns The offset in 6.02 dB steps.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { waterfallPowerOffset } from "./waterfall.ts";
 *
 * equal(waterfallPowerOffset(131072, -2, 3), 12);
 * ```
 */
export function waterfallPowerOffset(
  fftSize: number,
  brightnessOffset: number,
  level: number,
): number {
  return Math.round(Math.log2(fftSize)) + brightnessOffset - level;
}

/**
 * Number of zoom levels: levels are made while their size is at least
 * `waterfallSize` (131072 → 1024: 8 levels).
 *
 * @param fftResultSize Level-0 size (usable bins).
 * @param waterfallSize `[input] waterfall_size`.
 * @returns The number of levels (at least 1).
 * @throws {RangeError} If `waterfallSize` is not a positive integer or
 * exceeds `fftResultSize`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { waterfallLevelCount } from "./waterfall.ts";
 *
 * equal(waterfallLevelCount(131072, 1024), 8);
 * equal(waterfallLevelCount(131072, 1000), 8);
 * ```
 */
export function waterfallLevelCount(
  fftResultSize: number,
  waterfallSize: number,
): number {
  if (
    !Number.isSafeInteger(waterfallSize) || waterfallSize < 1 ||
    waterfallSize > fftResultSize
  ) {
    throw new RangeError(
      `Expected a waterfall size from 1 to ${fftResultSize}, found ${waterfallSize}`,
    );
  }
  let levels = 0;
  for (let size = fftResultSize; size >= waterfallSize; size = size >>> 1) {
    levels++;
  }
  return levels;
}

/**
 * Waterfall rate: a line every `max(1, floor(sps/N/10)·2)` FFT frames.
 *
 * @param sps Input sample rate.
 * @param fftSize N.
 * @returns Frames between waterfall lines.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { waterfallSkip } from "./waterfall.ts";
 *
 * equal(waterfallSkip(2_048_000, 131072), 2);
 * equal(waterfallSkip(2_880_000, 131072), 4);
 * equal(waterfallSkip(60_000_000, 8388608), 1);
 * ```
 */
export function waterfallSkip(sps: number, fftSize: number): number {
  // PhantomSDR divides in float32; fround keeps the same floor().
  const rate = Math.fround(Math.fround(sps) / fftSize);
  return Math.max(1, Math.floor(Math.fround(rate / 10)) * 2);
}

/** A client's waterfall line: `[l, r)` at a zoom level. */
export interface WaterfallWindow {
  /** Zoom level. */
  level: number;
  /** First index at that level. */
  l: number;
  /** End index (exclusive) at that level. */
  r: number;
}

/** Options of {@linkcode selectWaterfallLevel}. */
export interface SelectWaterfallLevelOptions {
  /** Number of levels. */
  levels: number;
  /** `[input] waterfall_size`. */
  waterfallSize: number;
  /** Level-0 size; `r` is clamped to it. */
  fftResultSize: number;
}

/**
 * Picks the zoom level for a `window` command on `/waterfall` with
 * full-resolution `[l, r)`: walking the levels and halving l and r, the level
 * whose width is closest to `waterfallSize` (the first on a tie) wins, with l
 * and r rounded at that level. Unlike PhantomSDR, `r` is clamped to
 * `fftResultSize` (PhantomSDR has no upper bound check and can read out of
 * bounds).
 *
 * @param l First full-resolution bin.
 * @param r End full-resolution bin (exclusive).
 * @param options Levels, waterfall size and level-0 size.
 * @returns The window, or undefined when the command must be ignored
 * (non-finite, `l < 0`, `r < 0` or `l >= r` after clamping).
 *
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { selectWaterfallLevel } from "./waterfall.ts";
 *
 * const options = { levels: 8, waterfallSize: 1024, fftResultSize: 131072 };
 * deepEqual(selectWaterfallLevel(0, 131072, options), { level: 7, l: 0, r: 1024 });
 * deepEqual(selectWaterfallLevel(1000, 2000, options), { level: 0, l: 1000, r: 2000 });
 * deepEqual(selectWaterfallLevel(1001, 4001, options), { level: 2, l: 250, r: 1000 });
 * equal(selectWaterfallLevel(5, 5, options), undefined);
 * ```
 */
export function selectWaterfallLevel(
  l: number,
  r: number,
  options: SelectWaterfallLevelOptions,
): WaterfallWindow | undefined {
  const { levels, waterfallSize, fftResultSize } = options;
  if (!Number.isFinite(l) || !Number.isFinite(r)) return undefined;
  l = Math.trunc(l);
  r = Math.min(Math.trunc(r), fftResultSize);
  if (l < 0 || r < 0 || l >= r) return undefined;
  let lf = l;
  let rf = r;
  let best = waterfallSize * 2;
  let level = levels - 1;
  let outL = l;
  let outR = r;
  for (let i = 0; i < levels; i++) {
    const difference = Math.abs(rf - lf - waterfallSize);
    if (difference < best) {
      best = difference;
      level = i;
      outL = Math.round(lf);
      outR = Math.round(rf);
    }
    lf /= 2;
    rf /= 2;
  }
  if (outR <= outL) return undefined;
  return { level, l: outL, r: outR };
}

/**
 * The window a new `/waterfall` client starts with: the coarsest level,
 * `[0, waterfallSize)`.
 *
 * @param levels Number of levels.
 * @param waterfallSize `[input] waterfall_size`.
 * @returns The window.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { defaultWaterfallWindow } from "./waterfall.ts";
 *
 * deepEqual(defaultWaterfallWindow(8, 1024), { level: 7, l: 0, r: 1024 });
 * ```
 */
export function defaultWaterfallWindow(
  levels: number,
  waterfallSize: number,
): WaterfallWindow {
  return { level: levels - 1, l: 0, r: waterfallSize };
}

/** Options of {@linkcode Waterfall}. */
export interface WaterfallOptions {
  /** FFT size N, a power of two from 32 to 2^23. */
  fftSize: number;
  /** Real or IQ input. */
  signal: SignalKind;
  /** `[input] waterfall_size` (default 1024). */
  waterfallSize?: number;
  /** `[input] brightness_offset` in 6.02 dB steps (default 0). */
  brightnessOffset?: number;
}

/** Table index: exponent and top mantissa bits of a positive float32. */
const INDEX_SHIFT = 13;
/** Table entries per octave (2^10 mantissa cells). */
const CELLS_PER_OCTAVE = 1 << (23 - INDEX_SHIFT);
/** Table value of a cell that straddles a step: compute it exactly. */
const EXACT = 0x7fff;
/** A cell end this close to a step counts as straddling it. */
const STEP_GUARD = 1e-9;

/**
 * `table[bits >>> 13]` = the quantised value of every float32 power in that
 * cell at `powerOffset`, or {@linkcode EXACT} when the cell contains (or
 * comes within {@linkcode STEP_GUARD} of) a step boundary, or is subnormal,
 * infinite or NaN.
 */
function buildQuantizerTable(powerOffset: number): Int16Array {
  const table = new Int16Array(1 << (31 - INDEX_SHIFT)).fill(EXACT);
  const word = new Int32Array(1);
  const float = new Float32Array(word.buffer);
  const constant = POWER_STEP_DB * powerOffset + 127;
  for (let cell = CELLS_PER_OCTAVE; cell < 255 * CELLS_PER_OCTAVE; cell++) {
    word[0] = cell << INDEX_SHIFT;
    const low = 20 * Math.log10(float[0]) + constant;
    word[0] = (cell << INDEX_SHIFT) | ((1 << INDEX_SHIFT) - 1);
    const high = 20 * Math.log10(float[0]) + constant;
    const q = clampTruncate(low);
    if (
      q === clampTruncate(high) &&
      Math.abs(low - Math.round(low)) > STEP_GUARD &&
      Math.abs(high - Math.round(high)) > STEP_GUARD
    ) {
      table[cell] = q;
    }
  }
  return table;
}

function clampTruncate(x: number): number {
  return x >= 127 ? 127 : x > -128 ? Math.trunc(x) : -128;
}

/**
 * The waterfall levels of one receiver, recomputed from the big FFT's
 * spectrum by `update()`. Buffers are allocated once.
 *
 * @example A tone's bin at every level
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Waterfall } from "./waterfall.ts";
 *
 * const waterfall = new Waterfall({ fftSize: 64, signal: "real", waterfallSize: 8 });
 * equal(waterfall.levels, 3); // 32, 16, 8 bins
 * const spectrum = new Float32Array(64);
 * spectrum[2 * 10] = 0.001; // bin 10: power 1e-6, −120 dB
 * waterfall.update(spectrum);
 * equal(waterfall.levelData(0)[10], 43); // −120 + 6.02·6 + 127 = 43.1
 * equal(waterfall.levelData(1)[5], 37); // mean of 2 bins: 6.02 lower
 * equal(waterfall.levelData(2)[2], 31); // mean of 4 bins
 * ```
 */
export class Waterfall {
  /** FFT size N. */
  readonly fftSize: number;
  /** Real or IQ input. */
  readonly signal: SignalKind;
  /** Level-0 size: N (IQ) or N/2 (real). */
  readonly fftResultSize: number;
  /** FFT bin of waterfall index 0: N/2 + 1 (IQ) or 0 (real). */
  readonly baseIndex: number;
  /** `[input] waterfall_size`. */
  readonly waterfallSize: number;
  /** `[input] brightness_offset`. */
  readonly brightnessOffset: number;
  /** Number of zoom levels. */
  readonly levels: number;
  /**
   * Power of every level, concatenated: level 0 is `|X/N|²`, level k the
   * float32 sum of 2^k level-0 powers.
   */
  readonly power: Float32Array;
  /** Quantised values of every level, concatenated. */
  readonly quantized: Int8Array;
  #bits: Int32Array;
  #table: Int16Array;
  #offsets: number[];
  #levelViews: Int8Array[];

  /**
   * @param options FFT size, signal kind, waterfall size, brightness offset.
   * @throws {RangeError} For an unsupported FFT size, waterfall size or
   * brightness offset.
   */
  constructor(options: WaterfallOptions) {
    const { fftSize, signal } = options;
    checkFftSize(fftSize);
    if (signal !== "iq" && signal !== "real") {
      throw new RangeError(
        `Expected a signal "iq" or "real", found "${String(signal)}"`,
      );
    }
    const brightnessOffset = options.brightnessOffset ?? 0;
    if (!Number.isFinite(brightnessOffset)) {
      throw new RangeError(
        `Expected a finite brightness offset, found ${brightnessOffset}`,
      );
    }
    this.fftSize = fftSize;
    this.signal = signal;
    this.fftResultSize = signal === "iq" ? fftSize : fftSize / 2;
    this.baseIndex = signal === "iq" ? fftSize / 2 + 1 : 0;
    this.waterfallSize = options.waterfallSize ?? 1024;
    this.brightnessOffset = brightnessOffset;
    this.levels = waterfallLevelCount(this.fftResultSize, this.waterfallSize);
    this.#offsets = [];
    let total = 0;
    for (let level = 0; level < this.levels; level++) {
      this.#offsets.push(total);
      total += this.fftResultSize >>> level;
    }
    this.power = new Float32Array(total);
    this.#bits = new Int32Array(this.power.buffer);
    this.quantized = new Int8Array(total);
    this.#table = buildQuantizerTable(
      waterfallPowerOffset(fftSize, brightnessOffset, 0),
    );
    this.#levelViews = this.#offsets.map((offset, level) =>
      this.quantized.subarray(offset, offset + (this.fftResultSize >>> level))
    );
  }

  /**
   * Index of the first value of `level` in `power` and `quantized`.
   *
   * @param level Zoom level.
   * @returns `Σ_{k<level} (fftResultSize >> k)`.
   */
  levelOffset(level: number): number {
    this.#checkLevel(level);
    return this.#offsets[level];
  }

  /**
   * Number of values of `level`: `fftResultSize >> level`.
   *
   * @param level Zoom level.
   * @returns The size.
   */
  levelSize(level: number): number {
    this.#checkLevel(level);
    return this.fftResultSize >>> level;
  }

  /**
   * The quantised values of one level (a view, allocated once).
   *
   * @param level Zoom level.
   * @returns The view.
   */
  levelData(level: number): Int8Array {
    this.#checkLevel(level);
    return this.#levelViews[level];
  }

  /**
   * Recomputes every level from a big FFT spectrum.
   *
   * @param spectrum `X/N` in natural FFT order, interleaved, at least
   * `2·fftResultSize` floats (e.g. `BigFft.spectrum`).
   * @throws {RangeError} If `spectrum` is too short.
   */
  update(spectrum: Float32Array): void {
    const size = this.fftResultSize;
    if (spectrum.length < 2 * size) {
      throw new RangeError(
        `Expected a spectrum of at least ${
          2 * size
        } floats, found ${spectrum.length}`,
      );
    }
    const power = this.power;
    const base = this.baseIndex;
    const firstPart = size - base;
    for (let i = 0; i < firstPart; i++) {
      const re = spectrum[2 * (base + i)];
      const im = spectrum[2 * (base + i) + 1];
      power[i] = re * re + im * im;
    }
    for (let i = firstPart; i < size; i++) {
      const re = spectrum[2 * (i - firstPart)];
      const im = spectrum[2 * (i - firstPart) + 1];
      power[i] = re * re + im * im;
    }
    const topOffset = waterfallPowerOffset(
      this.fftSize,
      this.brightnessOffset,
      0,
    );
    this.#quantize(0, size, 0, topOffset);
    for (let level = 1; level < this.levels; level++) {
      const from = this.#offsets[level - 1];
      const to = this.#offsets[level];
      const count = size >>> level;
      for (let i = 0; i < count; i++) {
        power[to + i] = power[from + 2 * i] + power[from + 2 * i + 1];
      }
      this.#quantize(to, to + count, level, topOffset - level);
    }
  }

  /**
   * Quantises `power[from, to)` of `level` into `quantized[from, to)`:
   * exactly `quantizePower(p, powerOffset)`. A level-k power p is looked up
   * as p/2^k at level 0 (an exact exponent step; the table's step guard
   * covers the rounding difference of the two formulas).
   */
  #quantize(from: number, to: number, level: number, powerOffset: number) {
    const power = this.power;
    const bits = this.#bits;
    const table = this.#table;
    const out = this.quantized;
    const shift = level * CELLS_PER_OCTAVE;
    for (let i = from; i < to; i++) {
      const b = bits[i];
      let q: number;
      if (b <= 0) {
        q = -128; // +0, or a negative power (impossible but harmless)
      } else {
        const cell = (b >>> INDEX_SHIFT) - shift;
        q = cell >= CELLS_PER_OCTAVE ? table[cell] : EXACT;
        if (q === EXACT) q = quantizePower(power[i], powerOffset);
      }
      out[i] = q;
    }
  }

  #checkLevel(level: number): void {
    if (!Number.isInteger(level) || level < 0 || level >= this.levels) {
      throw new RangeError(
        `Expected a level from 0 to ${this.levels - 1}, found ${level}`,
      );
    }
  }
}
