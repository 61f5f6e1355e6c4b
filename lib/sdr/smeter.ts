/**
 * The S-meter value `pwr` of PhantomSDR's audio packets (sdr-phantomsdr.md
 * §1.8): the **sum** (not the mean) of `|X/N|²` over the client's passband
 * bins `[l, r)`, per FFT frame. `l` and `r` are waterfall-order indices, so
 * for IQ input the bins start at FFT bin `(l + N/2 + 1) mod N` and may wrap.
 * PhantomSDR accumulates in float32; this sums in float64 (the difference is
 * below float32 rounding of the result for realistic passbands).
 *
 * @module
 */

/** Options of {@linkcode passbandPower}. */
export interface PassbandPowerOptions {
  /** Usable bins: N (IQ) or N/2 (real). */
  fftResultSize: number;
  /** FFT bin of waterfall index 0: N/2 + 1 (IQ) or 0 (real). */
  baseIndex: number;
}

/**
 * Sums `|X/N|²` over waterfall indices `[l, r)` of a big FFT spectrum.
 *
 * @param spectrum `X/N` in natural FFT order, interleaved, at least
 * `2·fftResultSize` floats (e.g. `BigFft.spectrum`).
 * @param l First waterfall index.
 * @param r End waterfall index (exclusive).
 * @param options Result size and base index (e.g. a `BigFft`).
 * @returns The summed power; 0 for an empty range.
 * @throws {RangeError} Unless `0 <= l <= r <= fftResultSize` (integers).
 *
 * @example IQ: waterfall index N/2 − 1 is DC
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { passbandPower } from "./smeter.ts";
 *
 * const spectrum = new Float32Array(2 * 16);
 * spectrum[0] = 0.5; // FFT bin 0 (DC): power 0.25
 * spectrum[2 * 9] = 0.25; // FFT bin 9 = waterfall index 0: power 0.0625
 * const options = { fftResultSize: 16, baseIndex: 9 };
 * equal(passbandPower(spectrum, 7, 8, options), 0.25);
 * equal(passbandPower(spectrum, 0, 16, options), 0.3125);
 * ```
 */
export function passbandPower(
  spectrum: Float32Array,
  l: number,
  r: number,
  options: PassbandPowerOptions,
): number {
  const { fftResultSize, baseIndex } = options;
  if (
    !Number.isSafeInteger(l) || !Number.isSafeInteger(r) || l < 0 || r < l ||
    r > fftResultSize
  ) {
    throw new RangeError(
      `Expected a passband with 0 <= l <= r <= ${fftResultSize}, found [${l}, ${r})`,
    );
  }
  if (spectrum.length < 2 * fftResultSize) {
    throw new RangeError(
      `Expected a spectrum of at least ${
        2 * fftResultSize
      } floats, found ${spectrum.length}`,
    );
  }
  let start = (l + baseIndex) % fftResultSize;
  let count = r - l;
  let sum = 0;
  while (count > 0) {
    const run = Math.min(count, fftResultSize - start);
    const end = 2 * (start + run);
    for (let i = 2 * start; i < end; i += 2) {
      const re = spectrum[i];
      const im = spectrum[i + 1];
      sum += re * re + im * im;
    }
    count -= run;
    start = 0;
  }
  return sum;
}
