/**
 * The demodulators of the per-listener audio chain (sdr-phantomsdr.md §1.6).
 * Each takes the complex baseband of one frame from an `AudioSlice`
 * (interleaved `re, im`, centred on the carrier) and writes one real sample
 * per complex sample; state (PLL, discriminator history, filters) is kept
 * across frames, so consecutive frames join seamlessly. Nothing is allocated
 * per call.
 *
 * Every demodulator also says which bins the slice must keep (`sideband`) and
 * where the carrier sits relative to the dial (`carrierOffsetHz`): SSB and CW
 * are "take one side of the spectrum and the real part", which the slice does
 * in the frequency domain for free.
 *
 * | mode | how |
 * |---|---|
 * | USB, LSB | real part of the one-sided baseband (the slice keeps `d ≥ 0` or `d ≤ 0`) |
 * | CW-U, CW-L | USB/LSB with the carrier moved by the BFO offset, so a carrier on the dial sounds at `bfoHz` |
 * | AM | envelope `|z|` (PhantomSDR's `AM`, sv1btl's `AM-ENV`) |
 * | SAM | synchronous AM: second-order PLL (with a frequency-locked-loop assist while unlocked) on the full baseband, updated every few samples, output `Re(z·e^(−iφ))` |
 * | FM | polar discriminator `arg(z[n]·conj(z[n−1]))`, scaled so ±`deviationHz` is ±1, then optional de-emphasis (default 750 µs, the TIA-603 land-mobile curve) |
 * | WBFM | the same discriminator for ±75 kHz, optional 50/75 µs de-emphasis, 4th-order 15 kHz low-pass (−9 dB at the 19 kHz pilot, −36 dB at the 38 kHz stereo subcarrier; at 192 kS/s) |
 *
 * PhantomSDR's SAM (Steven v2) runs a second inverse FFT that keeps only
 * ±500 Hz around the carrier and locks liquid-dsp's NCO PLL to it; here the
 * PLL runs on the whole baseband with a narrow loop, which needs no second
 * transform. The FM discriminators use a polynomial `atan2` (error below
 * 1e-5 rad) instead of `Math.atan2`.
 *
 * @module
 */

import type { Sideband } from "./audio_slice.ts";

/** The demodulation modes of the audio chain. */
export type DemodulatorMode =
  | "USB"
  | "LSB"
  | "CW-U"
  | "CW-L"
  | "AM"
  | "SAM"
  | "FM"
  | "WBFM";

/** What every demodulator offers. */
export interface Demodulator {
  /** The mode it implements. */
  readonly mode: DemodulatorMode;
  /** Bins the slice must keep around the carrier. */
  readonly sideband: Sideband;
  /** Hz to add to the dial to get the slice's carrier (the CW BFO). */
  readonly carrierOffsetHz: number;
  /**
   * Demodulates `output.length` samples.
   *
   * @param input Complex baseband, interleaved, at least `2·output.length` floats.
   * @param output Real audio, overwritten.
   */
  process(input: Float32Array, output: Float32Array): void;
  /** Forgets the state kept across frames. */
  reset(): void;
}

const HALF_PI = Math.PI / 2;

/**
 * `atan2(y, x)` by a polynomial: absolute error below 1e-5 rad, 0 for (0, 0),
 * NaN in, NaN out.
 *
 * @param y Imaginary part.
 * @param x Real part.
 * @returns The angle in [−π, π].
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { fastAtan2 } from "./demodulators.ts";
 *
 * ok(Math.abs(fastAtan2(1, -1) - (3 * Math.PI) / 4) < 1e-5);
 * ```
 */
export function fastAtan2(y: number, x: number): number {
  const ax = x < 0 ? -x : x;
  const ay = y < 0 ? -y : y;
  const big = ax > ay ? ax : ay;
  if (big === 0) return 0;
  const small = ax > ay ? ay : ax;
  const t = small / big;
  const t2 = t * t;
  let r = t *
    (0.99997726 +
      t2 *
        (-0.33262347 +
          t2 *
            (0.19354346 +
              t2 * (-0.11643287 + t2 * (0.05265332 + t2 * -0.0117212)))));
  if (ay > ax) r = HALF_PI - r;
  if (x < 0) r = Math.PI - r;
  return y < 0 ? -r : r;
}

function checkBuffers(input: Float32Array, output: Float32Array): void {
  if (input.length < 2 * output.length) {
    throw new RangeError(
      `Expected at least ${
        2 * output.length
      } input floats for ${output.length} output samples, found ${input.length}`,
    );
  }
}

function checkRate(sampleRate: number): void {
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) {
    throw new RangeError(
      `Expected a positive sample rate, found ${sampleRate}`,
    );
  }
}

function realPart(input: Float32Array, output: Float32Array): void {
  checkBuffers(input, output);
  const n = output.length;
  for (let i = 0; i < n; i++) output[i] = input[2 * i];
}

/** Options of {@linkcode SsbDemodulator}. */
export interface SsbDemodulatorOptions {
  /** `"upper"` (USB) or `"lower"` (LSB). */
  sideband: "upper" | "lower";
}

/**
 * USB or LSB: the real part of a one-sided baseband.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { SsbDemodulator } from "./demodulators.ts";
 *
 * const usb = new SsbDemodulator({ sideband: "upper" });
 * const out = new Float32Array(2);
 * usb.process(Float32Array.of(0.5, 1, -0.25, 2), out);
 * deepEqual([...out], [0.5, -0.25]);
 * ```
 */
export class SsbDemodulator implements Demodulator {
  /** `"USB"` or `"LSB"`. */
  readonly mode: DemodulatorMode;
  /** The sideband kept. */
  readonly sideband: Sideband;
  /** Always 0. */
  readonly carrierOffsetHz = 0;

  /**
   * @param options Sideband.
   * @throws {RangeError} For another sideband.
   */
  constructor(options: SsbDemodulatorOptions) {
    checkSideband(options.sideband);
    this.sideband = options.sideband;
    this.mode = options.sideband === "upper" ? "USB" : "LSB";
  }

  /** Writes `Re(input)`. */
  process(input: Float32Array, output: Float32Array): void {
    realPart(input, output);
  }

  /** Nothing to forget. */
  reset(): void {}
}

function checkSideband(sideband: string): void {
  if (sideband !== "upper" && sideband !== "lower") {
    throw new RangeError(
      `Expected a sideband "upper" or "lower", found "${String(sideband)}"`,
    );
  }
}

/** Options of {@linkcode CwDemodulator}. */
export interface CwDemodulatorOptions {
  /** `"upper"` (CW-U) or `"lower"` (CW-L). */
  sideband: "upper" | "lower";
  /** Pitch of a carrier on the dial in Hz (default 700). */
  bfoHz?: number;
}

/**
 * CW: USB or LSB with the slice's carrier `bfoHz` below (CW-U) or above
 * (CW-L) the dial, so a carrier on the dial sounds at `bfoHz`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { CwDemodulator } from "./demodulators.ts";
 *
 * const cw = new CwDemodulator({ sideband: "lower", bfoHz: 600 });
 * equal(cw.mode, "CW-L");
 * equal(cw.carrierOffsetHz, 600);
 * ```
 */
export class CwDemodulator implements Demodulator {
  /** `"CW-U"` or `"CW-L"`. */
  readonly mode: DemodulatorMode;
  /** The sideband kept. */
  readonly sideband: Sideband;
  /** `−bfoHz` (CW-U) or `+bfoHz` (CW-L). */
  readonly carrierOffsetHz: number;
  /** The BFO pitch in Hz. */
  readonly bfoHz: number;

  /**
   * @param options Sideband and BFO.
   * @throws {RangeError} For another sideband or a BFO that is not a finite
   * number from 0 to 10 kHz.
   */
  constructor(options: CwDemodulatorOptions) {
    checkSideband(options.sideband);
    const bfo = options.bfoHz ?? 700;
    if (!Number.isFinite(bfo) || bfo < 0 || bfo > 10_000) {
      throw new RangeError(`Expected a BFO from 0 to 10000 Hz, found ${bfo}`);
    }
    this.sideband = options.sideband;
    this.bfoHz = bfo;
    this.mode = options.sideband === "upper" ? "CW-U" : "CW-L";
    this.carrierOffsetHz = options.sideband === "upper" ? -bfo : bfo;
  }

  /** Writes `Re(input)`. */
  process(input: Float32Array, output: Float32Array): void {
    realPart(input, output);
  }

  /** Nothing to forget. */
  reset(): void {}
}

/**
 * AM by envelope detection: `|z|` (the carrier's DC is left for the DC
 * blocker).
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { AmDemodulator } from "./demodulators.ts";
 *
 * const out = new Float32Array(1);
 * new AmDemodulator().process(Float32Array.of(3, 4), out);
 * deepEqual([...out], [5]);
 * ```
 */
export class AmDemodulator implements Demodulator {
  /** `"AM"`. */
  readonly mode: DemodulatorMode = "AM";
  /** Both sidebands. */
  readonly sideband: Sideband = "both";
  /** Always 0. */
  readonly carrierOffsetHz = 0;

  /** Writes `|input|`. */
  process(input: Float32Array, output: Float32Array): void {
    checkBuffers(input, output);
    const n = output.length;
    for (let i = 0; i < n; i++) {
      const re = input[2 * i];
      const im = input[2 * i + 1];
      output[i] = Math.sqrt(re * re + im * im);
    }
  }

  /** Nothing to forget. */
  reset(): void {}
}

/** Options of {@linkcode SamDemodulator}. */
export interface SamDemodulatorOptions {
  /** Baseband rate in samples per second. */
  sampleRate: number;
  /** PLL natural frequency in Hz (default 30; damping 0.707). */
  loopBandwidthHz?: number;
  /** Largest carrier offset the loop follows, in Hz (default 1000). */
  maxOffsetHz?: number;
}

/**
 * Synchronous AM: a second-order PLL locks a local oscillator to the carrier
 * and the output is the in-phase part `Re(z·e^(−iφ))`, which keeps the
 * sidebands coherent through selective fading (no envelope distortion).
 * The phase detector is the angle of the mixed samples summed over a few
 * samples (`updateSamples`, 3 at 12 kHz): symmetric AM sidebands cancel in
 * that sum, and the loop update runs once per block, which keeps the
 * per-sample cost to two complex multiplications. While unlocked a
 * frequency-locked loop on the phase-error slope pulls the oscillator in from
 * offsets far outside the PLL bandwidth (up to `maxOffsetHz`).
 *
 * @example Locks onto a carrier 50 Hz off
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { SamDemodulator } from "./demodulators.ts";
 *
 * const sam = new SamDemodulator({ sampleRate: 12000 });
 * const input = new Float32Array(2 * 12000);
 * for (let n = 0; n < 12000; n++) {
 *   input[2 * n] = Math.cos((2 * Math.PI * 50 * n) / 12000);
 *   input[2 * n + 1] = Math.sin((2 * Math.PI * 50 * n) / 12000);
 * }
 * const out = new Float32Array(12000);
 * sam.process(input, out);
 * ok(sam.locked);
 * ok(Math.abs(sam.offsetHz - 50) < 1);
 * ok(out[11999] > 0.99); // the carrier comes out as DC
 * ```
 */
export class SamDemodulator implements Demodulator {
  /** `"SAM"`. */
  readonly mode: DemodulatorMode = "SAM";
  /** Both sidebands. */
  readonly sideband: Sideband = "both";
  /** Always 0. */
  readonly carrierOffsetHz = 0;
  /** Baseband rate. */
  readonly sampleRate: number;
  /** Samples per loop update. */
  readonly updateSamples: number;
  #alpha: number;
  #beta: number;
  #fll: number;
  #maxStep: number;
  #lockCoef: number;
  /**
   * State kept across calls, in a Float64Array so that updating it never
   * boxes a number: oscillator phasor e^(iφ) (re, im), its per-sample step
   * (re, im), loop frequency (rad/sample), last block's phase error, lock
   * average, and the sums of the block in progress (re, im).
   */
  #state = new Float64Array(9);
  #count = 0;

  /**
   * @param options Rate and loop settings.
   * @throws {RangeError} For a rate, bandwidth or offset that is not
   * positive, or an offset above a quarter of the rate.
   */
  constructor(options: SamDemodulatorOptions) {
    const { sampleRate } = options;
    checkRate(sampleRate);
    const bandwidth = options.loopBandwidthHz ?? 30;
    const maxOffset = options.maxOffsetHz ?? 1000;
    if (
      !(bandwidth > 0) || !(maxOffset > 0) ||
      !Number.isFinite(bandwidth + maxOffset) || maxOffset > sampleRate / 4
    ) {
      throw new RangeError(
        `Expected a positive loop bandwidth and a maximum offset up to ${
          sampleRate / 4
        } Hz, found ${bandwidth} Hz and ${maxOffset} Hz`,
      );
    }
    this.sampleRate = sampleRate;
    // The loop runs once per block of K samples (the mixed samples are
    // summed, one atan2 per block): the per-sample recursion is then a
    // single complex multiplication. K keeps the phase advance at the
    // largest offset under π/2 per block.
    const k = Math.max(
      1,
      Math.min(64, Math.floor(sampleRate / (4 * maxOffset))),
    );
    this.updateSamples = k;
    const wn = (2 * Math.PI * bandwidth) / sampleRate;
    // Per-sample proportional and integral gains (damping 0.707); the
    // integral step is applied K samples at a time.
    this.#alpha = 2 * 0.707 * wn;
    this.#beta = k * wn * wn;
    // The frequency-locked loop settles in about 10 ms.
    this.#fll = 1 / (0.01 * sampleRate);
    this.#maxStep = (2 * Math.PI * maxOffset) / sampleRate;
    // Lock indicator: 50 ms average.
    this.#lockCoef = 1 - Math.exp(-k / (0.05 * sampleRate));
    this.reset();
  }

  /** Whether the loop is locked (phase error mostly within ±π/4 lately). */
  get locked(): boolean {
    return this.#state[6] > 0.6;
  }

  /** The oscillator's frequency: the carrier's offset from 0 Hz, in Hz. */
  get offsetHz(): number {
    return (this.#state[4] * this.sampleRate) / (2 * Math.PI);
  }

  /** Writes the in-phase part of the carrier-locked baseband. */
  process(input: Float32Array, output: Float32Array): void {
    checkBuffers(input, output);
    const n = output.length;
    const k = this.updateSamples;
    const alpha = this.#alpha;
    const beta = this.#beta;
    const fll = this.#fll;
    const maxStep = this.#maxStep;
    const lockCoef = this.#lockCoef;
    const state = this.#state;
    let pRe = state[0];
    let pIm = state[1];
    let stepRe = state[2];
    let stepIm = state[3];
    let freq = state[4];
    let lastError = state[5];
    let lock = state[6];
    let sumRe = state[7];
    let sumIm = state[8];
    let count = this.#count;
    for (let i = 0; i < n; i++) {
      const zr = input[2 * i];
      const zi = input[2 * i + 1];
      // z·e^(−iφ)
      const re = zr * pRe + zi * pIm;
      const im = zi * pRe - zr * pIm;
      output[i] = re;
      sumRe += re;
      sumIm += im;
      const t = pRe * stepRe - pIm * stepIm;
      pIm = pRe * stepIm + pIm * stepRe;
      pRe = t;
      if (++count < k) continue;
      // Loop update from the block's summed mixed samples.
      const error = fastAtan2(sumIm, sumRe);
      const power = sumRe * sumRe + sumIm * sumIm;
      // A NaN sample leaves the loop as it was.
      if (error === error && power === power) {
        if (power > 0) {
          lock += lockCoef * ((sumRe * sumRe - sumIm * sumIm) / power - lock);
        }
        if (lock < 0.6) {
          let slope = error - lastError;
          if (slope > Math.PI) slope -= 2 * Math.PI;
          else if (slope < -Math.PI) slope += 2 * Math.PI;
          freq += fll * slope;
        }
        lastError = error;
        freq += beta * error;
        // Math.min/max rather than `freq = maxStep`, which makes V8 box the
        // loop variables (measured: ~25 bytes of garbage per call).
        freq = Math.min(maxStep, Math.max(-maxStep, freq));
        const step = Math.min(
          maxStep,
          Math.max(-maxStep, freq + alpha * error),
        );
        // |step| <= π/2 (maxOffset <= rate/4): Taylor series to the 9th/8th
        // power, off by < 3e-5 there and < 1e-9 at 1000 Hz and 12 kHz (the
        // loop absorbs the rest).
        const s2 = step * step;
        stepRe = 1 - s2 / 2 * (1 - s2 / 12 * (1 - s2 / 30 * (1 - s2 / 56)));
        stepIm = step *
          (1 - s2 / 6 * (1 - s2 / 20 * (1 - s2 / 42 * (1 - s2 / 72))));
      }
      // First-order renormalisation keeps |p| = 1.
      const g = 1.5 - 0.5 * (pRe * pRe + pIm * pIm);
      pRe *= g;
      pIm *= g;
      sumRe = 0;
      sumIm = 0;
      count = 0;
    }
    state[0] = pRe;
    state[1] = pIm;
    state[2] = stepRe;
    state[3] = stepIm;
    state[4] = freq;
    state[5] = lastError;
    state[6] = lock;
    state[7] = sumRe;
    state[8] = sumIm;
    this.#count = count;
  }

  /** Unlocks: oscillator back to 0 Hz and phase 0. */
  reset(): void {
    this.#state.fill(0);
    this.#state[0] = 1; // phasor
    this.#state[2] = 1; // step
    this.#count = 0;
  }
}

/**
 * The first-order de-emphasis of FM, `H(s) = 1/(1 + sτ)` by the bilinear
 * transform with a pre-warped corner (the design GNU Radio and the PhantomSDR
 * frontend use); unity gain at DC.
 */
class Deemphasis {
  #b0 = 1;
  #p1 = 0;
  #x1 = 0;
  #y1 = 0;
  readonly enabled: boolean;

  constructor(tauUs: number, sampleRate: number) {
    if (!Number.isFinite(tauUs) || tauUs < 0) {
      throw new RangeError(
        `Expected a de-emphasis time constant of at least 0 µs, found ${tauUs}`,
      );
    }
    this.enabled = tauUs > 0;
    if (!this.enabled) return;
    const wc = 1 / (tauUs * 1e-6);
    const wca = 2 * sampleRate * Math.tan(wc / (2 * sampleRate));
    const k = -wca / (2 * sampleRate);
    this.#p1 = (1 + k) / (1 - k);
    this.#b0 = -k / (1 - k);
  }

  run(buffer: Float32Array): void {
    if (!this.enabled) return;
    const b0 = this.#b0;
    const p1 = this.#p1;
    let x1 = this.#x1;
    let y1 = this.#y1;
    for (let i = 0; i < buffer.length; i++) {
      const x = buffer[i];
      y1 = b0 * (x + x1) + p1 * y1;
      x1 = x;
      buffer[i] = y1;
    }
    this.#x1 = x1;
    this.#y1 = y1;
  }

  reset(): void {
    this.#x1 = 0;
    this.#y1 = 0;
  }
}

/**
 * A fourth-order Butterworth low-pass (two RBJ biquads with Q 0.5412 and
 * 1.3066), or a pass-through: −9 dB at 19 kHz and −36 dB at 38 kHz for a
 * 15 kHz cutoff at 192 kS/s.
 */
class Lowpass {
  #coefs = new Float64Array(10);
  #state = new Float64Array(8);
  readonly enabled: boolean;

  constructor(cutoffHz: number, sampleRate: number) {
    if (!Number.isFinite(cutoffHz) || cutoffHz < 0) {
      throw new RangeError(
        `Expected a low-pass cutoff of at least 0 Hz, found ${cutoffHz}`,
      );
    }
    // Off when asked, or when the cutoff is too close to Nyquist to matter.
    this.enabled = cutoffHz > 0 && cutoffHz < 0.45 * sampleRate;
    if (!this.enabled) return;
    const w0 = (2 * Math.PI * cutoffHz) / sampleRate;
    const cos = Math.cos(w0);
    const sin = Math.sin(w0);
    [0.54119610, 1.30656296].forEach((q, stage) => {
      const alpha = sin / (2 * q);
      const a0 = 1 + alpha;
      const c = this.#coefs;
      c[5 * stage] = (1 - cos) / 2 / a0; // b0
      c[5 * stage + 1] = (1 - cos) / a0; // b1
      c[5 * stage + 2] = (1 - cos) / 2 / a0; // b2
      c[5 * stage + 3] = (-2 * cos) / a0; // a1
      c[5 * stage + 4] = (1 - alpha) / a0; // a2
    });
  }

  run(buffer: Float32Array): void {
    if (!this.enabled) return;
    const c = this.#coefs;
    const z = this.#state;
    for (let stage = 0; stage < 2; stage++) {
      const b0 = c[5 * stage], b1 = c[5 * stage + 1], b2 = c[5 * stage + 2];
      const a1 = c[5 * stage + 3], a2 = c[5 * stage + 4];
      let x1 = z[4 * stage], x2 = z[4 * stage + 1];
      let y1 = z[4 * stage + 2], y2 = z[4 * stage + 3];
      for (let i = 0; i < buffer.length; i++) {
        const x = buffer[i];
        const y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
        x2 = x1;
        x1 = x;
        y2 = y1;
        y1 = y;
        buffer[i] = y;
      }
      z[4 * stage] = x1;
      z[4 * stage + 1] = x2;
      z[4 * stage + 2] = y1;
      z[4 * stage + 3] = y2;
    }
  }

  reset(): void {
    this.#state.fill(0);
  }
}

/** The polar discriminator shared by FM and WBFM. */
class Discriminator {
  #prevRe = 0;
  #prevIm = 0;
  readonly scale: number;

  constructor(deviationHz: number, sampleRate: number) {
    checkRate(sampleRate);
    if (!(deviationHz > 0) || !Number.isFinite(deviationHz)) {
      throw new RangeError(
        `Expected a positive FM deviation, found ${deviationHz}`,
      );
    }
    this.scale = sampleRate / (2 * Math.PI * deviationHz);
  }

  run(input: Float32Array, output: Float32Array): void {
    checkBuffers(input, output);
    const scale = this.scale;
    let pr = this.#prevRe;
    let pi = this.#prevIm;
    const n = output.length;
    for (let i = 0; i < n; i++) {
      const zr = input[2 * i];
      const zi = input[2 * i + 1];
      // arg(z·conj(prev))
      output[i] = scale * fastAtan2(zi * pr - zr * pi, zr * pr + zi * pi);
      pr = zr;
      pi = zi;
    }
    this.#prevRe = pr;
    this.#prevIm = pi;
  }

  reset(): void {
    this.#prevRe = 0;
    this.#prevIm = 0;
  }
}

/** Options of {@linkcode FmDemodulator}. */
export interface FmDemodulatorOptions {
  /** Baseband rate in samples per second. */
  sampleRate: number;
  /** Deviation that maps to ±1 (default 5000 Hz). */
  deviationHz?: number;
  /**
   * De-emphasis time constant in µs, 0 for none (default 750: the 6 dB/octave
   * TIA-603 curve land-mobile and amateur NFM transmitters pre-emphasise
   * with).
   */
  deemphasisUs?: number;
}

/**
 * Narrow FM: polar discriminator and de-emphasis.
 *
 * @example A carrier 1 kHz above the dial reads as +1 kHz/deviation
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { FmDemodulator } from "./demodulators.ts";
 *
 * const fm = new FmDemodulator({ sampleRate: 12000, deemphasisUs: 0 });
 * const input = new Float32Array(2 * 64);
 * for (let n = 0; n < 64; n++) {
 *   input[2 * n] = Math.cos((2 * Math.PI * 1000 * n) / 12000);
 *   input[2 * n + 1] = Math.sin((2 * Math.PI * 1000 * n) / 12000);
 * }
 * const out = new Float32Array(64);
 * fm.process(input, out);
 * ok(Math.abs(out[63] - 0.2) < 1e-4); // 1000 Hz / 5000 Hz
 * ```
 */
export class FmDemodulator implements Demodulator {
  /** `"FM"`. */
  readonly mode: DemodulatorMode = "FM";
  /** Both sidebands. */
  readonly sideband: Sideband = "both";
  /** Always 0. */
  readonly carrierOffsetHz = 0;
  #discriminator: Discriminator;
  #deemphasis: Deemphasis;

  /**
   * @param options Rate, deviation and de-emphasis.
   * @throws {RangeError} For a rate or deviation that is not positive or a
   * negative time constant.
   */
  constructor(options: FmDemodulatorOptions) {
    this.#discriminator = new Discriminator(
      options.deviationHz ?? 5000,
      options.sampleRate,
    );
    this.#deemphasis = new Deemphasis(
      options.deemphasisUs ?? 750,
      options.sampleRate,
    );
  }

  /** Writes the instantaneous frequency over the deviation, de-emphasised. */
  process(input: Float32Array, output: Float32Array): void {
    this.#discriminator.run(input, output);
    this.#deemphasis.run(output);
  }

  /** Forgets the previous sample and the filter state. */
  reset(): void {
    this.#discriminator.reset();
    this.#deemphasis.reset();
  }
}

/** Options of {@linkcode WbfmDemodulator}. */
export interface WbfmDemodulatorOptions {
  /** Baseband rate in samples per second (≥ ~150 kHz for broadcast FM). */
  sampleRate: number;
  /** Deviation that maps to ±1 (default 75 kHz). */
  deviationHz?: number;
  /**
   * De-emphasis in µs: 50 (Europe, default), 75 (Americas, Korea) or 0. The
   * PhantomSDR frontends apply it in the browser, so a server feeding them
   * sets 0.
   */
  deemphasisUs?: number;
  /** Audio low-pass in Hz, 0 for none (default 15000). */
  lowpassHz?: number;
}

/**
 * Broadcast (wide) FM, mono: discriminator, de-emphasis and a 15 kHz
 * low-pass.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { WbfmDemodulator } from "./demodulators.ts";
 *
 * const wbfm = new WbfmDemodulator({ sampleRate: 192000 });
 * equal(wbfm.mode, "WBFM");
 * ```
 */
export class WbfmDemodulator implements Demodulator {
  /** `"WBFM"`. */
  readonly mode: DemodulatorMode = "WBFM";
  /** Both sidebands. */
  readonly sideband: Sideband = "both";
  /** Always 0. */
  readonly carrierOffsetHz = 0;
  #discriminator: Discriminator;
  #deemphasis: Deemphasis;
  #lowpass: Lowpass;

  /**
   * @param options Rate, deviation, de-emphasis and low-pass.
   * @throws {RangeError} For a rate or deviation that is not positive or a
   * negative time constant or cutoff.
   */
  constructor(options: WbfmDemodulatorOptions) {
    this.#discriminator = new Discriminator(
      options.deviationHz ?? 75_000,
      options.sampleRate,
    );
    this.#deemphasis = new Deemphasis(
      options.deemphasisUs ?? 50,
      options.sampleRate,
    );
    this.#lowpass = new Lowpass(
      options.lowpassHz ?? 15_000,
      options.sampleRate,
    );
  }

  /** Writes the de-emphasised, low-passed instantaneous frequency. */
  process(input: Float32Array, output: Float32Array): void {
    this.#discriminator.run(input, output);
    this.#deemphasis.run(output);
    this.#lowpass.run(output);
  }

  /** Forgets the previous sample and the filter states. */
  reset(): void {
    this.#discriminator.reset();
    this.#deemphasis.reset();
    this.#lowpass.reset();
  }
}
