/**
 * Audio post-processing of the per-listener chain (sdr-phantomsdr.md §1.7):
 * DC blocker, a low-latency AGC, squelch, an impulse noise blanker and the
 * conversion to 16-bit PCM. Every stage works in place on preallocated
 * arrays, keeps its state across frames and allocates nothing per call.
 * Times are counted in samples, so no clock is involved.
 *
 * What differs from PhantomSDR, and why:
 * - **DC blocker**: a one-pole high-pass (corner 50 Hz, no delay)
 *   instead of PhantomSDR's two cascaded 32-sample moving averages, which
 *   delay the audio by 31 samples (2.6 ms at 12 kHz) and comb the response.
 * - **AGC**: PhantomSDR's AGC looks 200 ms (original) or 100 ms (Steven v2)
 *   ahead, which is that much added latency, and users report its pumping
 *   (§5). This one has no look-ahead by default: a peak detector with a short
 *   attack, a hang time that holds the gain after a peak, then an exponential
 *   decay; an instant limiter caps any overshoot at `ceiling`, which is what
 *   a look-ahead would otherwise have prevented. A steady tone keeps
 *   refreshing the hang, so the gain does not move (no pumping). An optional
 *   `lookAheadMs` delays the audio by that much and lets the gain come down
 *   before a peak arrives.
 * - **Squelch** is server-side here (PhantomSDR leaves it to the browser),
 *   on the S-meter value `pwr` or on the audio level before the AGC, with
 *   hysteresis, a close delay and a short fade instead of a hard cut.
 * - **Noise blanker**: an impulse blanker on the complex baseband, like
 *   sv1btl's: samples whose power jumps above `thresholdFactor²` times the
 *   running mean are replaced by the last good sample for `blankMs`.
 * - **PCM**: `round(x·scale)` clamped to int16 (scale 32767 by default:
 *   PhantomSDR uses 16384, Steven v2 32768), clipped samples counted; NaN
 *   becomes 0 and is counted apart.
 *
 * @module
 */

function checkRate(sampleRate: number): void {
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) {
    throw new RangeError(
      `Expected a positive sample rate, found ${sampleRate}`,
    );
  }
}

function checkNonNegative(name: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(`Expected ${name} of at least 0, found ${value}`);
  }
}

/** Options of {@linkcode DcBlocker}. */
export interface DcBlockerOptions {
  /** Audio rate in samples per second. */
  sampleRate: number;
  /** −3 dB corner in Hz (default 50). */
  cutoffHz?: number;
}

/**
 * One-pole DC blocker `y[n] = g·(x[n] − x[n−1]) + R·y[n−1]` with
 * `R = e^(−2π·fc/fs)` and `g = (1 + R)/2` (unity gain at Nyquist, −0.01 dB
 * at 1 kHz for a 50 Hz corner at 12 kHz).
 *
 * @example A constant decays away
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { DcBlocker } from "./post.ts";
 *
 * const dc = new DcBlocker({ sampleRate: 12000 });
 * const buffer = new Float32Array(12000).fill(1);
 * dc.process(buffer);
 * ok(Math.abs(buffer[11999]) < 1e-6);
 * ```
 */
export class DcBlocker {
  #r: number;
  #g: number;
  #x1 = 0;
  #y1 = 0;

  /**
   * @param options Rate and corner.
   * @throws {RangeError} For a rate that is not positive or a corner outside
   * (0, rate/4].
   */
  constructor(options: DcBlockerOptions) {
    checkRate(options.sampleRate);
    const cutoff = options.cutoffHz ?? 50;
    if (!(cutoff > 0) || cutoff > options.sampleRate / 4) {
      throw new RangeError(
        `Expected a DC blocker corner in (0, ${
          options.sampleRate / 4
        }] Hz, found ${cutoff}`,
      );
    }
    this.#r = Math.exp((-2 * Math.PI * cutoff) / options.sampleRate);
    this.#g = (1 + this.#r) / 2;
  }

  /** Filters `buffer` in place. */
  process(buffer: Float32Array): void {
    const r = this.#r;
    const g = this.#g;
    let x1 = this.#x1;
    let y1 = this.#y1;
    for (let i = 0; i < buffer.length; i++) {
      const x = buffer[i];
      y1 = g * (x - x1) + r * y1;
      x1 = x;
      buffer[i] = y1;
    }
    this.#x1 = x1;
    this.#y1 = y1;
  }

  /** Forgets the filter state. */
  reset(): void {
    this.#x1 = 0;
    this.#y1 = 0;
  }
}

/** Settings of {@linkcode Agc} (all optional in `configure()`). */
export interface AgcSettings {
  /** false: a fixed gain of `manualGainDb` (default true). */
  enabled: boolean;
  /** Peak output level the gain aims at, 0 … 1 (default 0.2, −14 dBFS). */
  targetLevel: number;
  /** Attack time constant in ms (default 2). */
  attackMs: number;
  /** Hold time after a peak before the gain may rise, in ms (default 200). */
  hangMs: number;
  /** Decay (gain rise) time constant in ms after the hang (default 250). */
  decayMs: number;
  /** Largest gain in dB (default 100). */
  maxGainDb: number;
  /** Gain when disabled, in dB (default 0). */
  manualGainDb: number;
  /** The limiter's ceiling: no output peak exceeds it (default 0.95). */
  ceiling: number;
  /**
   * Look-ahead in ms (default 0). Adds exactly that latency; PhantomSDR used
   * 100–200 ms. At most 500.
   */
  lookAheadMs: number;
}

/** Options of {@linkcode Agc}. */
export interface AgcOptions extends Partial<AgcSettings> {
  /** Audio rate in samples per second. */
  sampleRate: number;
}

/**
 * AGC speeds by name, as the Plus frontends' `agc` command sends them
 * (`off`, `fast`, `medium`, `slow`, `default`): PhantomSDR+ gives attack and
 * release only; without look-ahead the attack stays short here and the
 * speeds differ in hang and decay.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { AGC_PRESETS } from "./post.ts";
 *
 * equal(AGC_PRESETS.slow.decayMs, 500);
 * equal(AGC_PRESETS.off.enabled, false);
 * ```
 */
export const AGC_PRESETS: Readonly<
  Record<"off" | "fast" | "medium" | "slow" | "default", Partial<AgcSettings>>
> = Object.freeze({
  off: Object.freeze({ enabled: false }),
  fast: Object.freeze({ enabled: true, attackMs: 1, hangMs: 20, decayMs: 50 }),
  medium: Object.freeze({
    enabled: true,
    attackMs: 2,
    hangMs: 100,
    decayMs: 150,
  }),
  slow: Object.freeze({
    enabled: true,
    attackMs: 3,
    hangMs: 300,
    decayMs: 500,
  }),
  default: Object.freeze({
    enabled: true,
    attackMs: 2,
    hangMs: 200,
    decayMs: 250,
  }),
});

const DEFAULT_AGC: AgcSettings = Object.freeze({
  enabled: true,
  targetLevel: 0.2,
  attackMs: 2,
  hangMs: 200,
  decayMs: 250,
  maxGainDb: 100,
  manualGainDb: 0,
  ceiling: 0.95,
  lookAheadMs: 0,
});

/**
 * Peak AGC with attack, hang and decay, an instant limiter and optional
 * look-ahead.
 *
 * Per sample: when `|x|` exceeds the envelope the envelope moves towards it
 * with the attack constant and the hang restarts; otherwise after the hang it
 * decays exponentially. The gain is `targetLevel / envelope` (at most
 * `maxGainDb`); if that would put the sample above `ceiling`, the envelope
 * jumps so that it does not.
 *
 * @example A tone at −40 dBFS comes out at the target level
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { Agc } from "./post.ts";
 *
 * const agc = new Agc({ sampleRate: 12000 });
 * const buffer = new Float32Array(12000);
 * for (let n = 0; n < buffer.length; n++) buffer[n] = 0.01 * Math.sin(n / 3);
 * agc.process(buffer);
 * let peak = 0;
 * for (let n = 6000; n < 12000; n++) peak = Math.max(peak, Math.abs(buffer[n]));
 * ok(Math.abs(peak - 0.2) < 0.01);
 * ```
 */
export class Agc {
  /** Audio rate. */
  readonly sampleRate: number;
  #settings: AgcSettings = DEFAULT_AGC;
  #attack = 0;
  #decay = 1;
  #hangSamples = 0;
  #floor = 0;
  #manualGain = 1;
  #env = 0;
  #hang = 0;
  #lastGain = 1;
  #delay: Float32Array = new Float32Array(0);
  #delayLength = 0;
  #delayPos = 0;

  /**
   * @param options Rate and settings.
   * @throws {RangeError} For a bad rate or setting.
   */
  constructor(options: AgcOptions) {
    checkRate(options.sampleRate);
    this.sampleRate = options.sampleRate;
    this.configure(options);
  }

  /** The settings in force. */
  get settings(): Readonly<AgcSettings> {
    return this.#settings;
  }

  /** The gain applied to the last sample, in dB. */
  get gainDb(): number {
    return 20 * Math.log10(this.#lastGain);
  }

  /**
   * Changes some settings (the others stay), keeping the envelope.
   *
   * @param settings The settings to change.
   * @throws {RangeError} For a setting out of range; nothing changes then.
   */
  configure(settings: Partial<AgcSettings>): void {
    const next: AgcSettings = { ...this.#settings };
    for (const key of Object.keys(DEFAULT_AGC) as (keyof AgcSettings)[]) {
      const value = settings[key];
      if (value !== undefined) {
        (next as unknown as Record<string, unknown>)[key] = value;
      }
    }
    if (typeof next.enabled !== "boolean") {
      throw new RangeError(
        `Expected AGC enabled to be a boolean, found ${String(next.enabled)}`,
      );
    }
    if (!(next.targetLevel > 0 && next.targetLevel <= 1)) {
      throw new RangeError(
        `Expected an AGC target level in (0, 1], found ${next.targetLevel}`,
      );
    }
    if (!(next.ceiling >= next.targetLevel && next.ceiling <= 1)) {
      throw new RangeError(
        `Expected an AGC ceiling from the target level to 1, found ${next.ceiling}`,
      );
    }
    checkNonNegative("an AGC attack in ms", next.attackMs);
    checkNonNegative("an AGC hang in ms", next.hangMs);
    checkNonNegative("an AGC decay in ms", next.decayMs);
    checkNonNegative("an AGC maximum gain in dB", next.maxGainDb);
    if (
      !Number.isFinite(next.manualGainDb) || Math.abs(next.manualGainDb) > 200
    ) {
      throw new RangeError(
        `Expected a manual gain from -200 to 200 dB, found ${next.manualGainDb}`,
      );
    }
    if (!(next.lookAheadMs >= 0 && next.lookAheadMs <= 500)) {
      throw new RangeError(
        `Expected an AGC look-ahead from 0 to 500 ms, found ${next.lookAheadMs}`,
      );
    }
    const fs = this.sampleRate;
    const perSample = (ms: number) => ms * 1e-3 * fs;
    this.#attack = next.attackMs > 0
      ? 1 - Math.exp(-1 / perSample(next.attackMs))
      : 1;
    this.#decay = next.decayMs > 0 ? Math.exp(-1 / perSample(next.decayMs)) : 0;
    this.#hangSamples = Math.round(perSample(next.hangMs));
    this.#floor = next.targetLevel / 10 ** (next.maxGainDb / 20);
    this.#manualGain = 10 ** (next.manualGainDb / 20);
    const delay = Math.round(perSample(next.lookAheadMs));
    if (delay !== this.#delayLength) {
      if (delay > this.#delay.length) this.#delay = new Float32Array(delay);
      this.#delay.fill(0);
      this.#delayLength = delay;
      this.#delayPos = 0;
    }
    if (this.#env < this.#floor) this.#env = this.#floor;
    this.#settings = Object.freeze(next);
  }

  /** Applies the gain to `buffer` in place. */
  process(buffer: Float32Array): void {
    const n = buffer.length;
    if (!this.#settings.enabled) {
      const g = this.#manualGain;
      for (let i = 0; i < n; i++) buffer[i] *= g;
      this.#lastGain = g;
      return;
    }
    const target = this.#settings.targetLevel;
    const ceiling = this.#settings.ceiling;
    const limit = target / ceiling;
    const attack = this.#attack;
    const decay = this.#decay;
    const hangSamples = this.#hangSamples;
    const floor = this.#floor;
    const delay = this.#delay;
    const delayLength = this.#delayLength;
    let pos = this.#delayPos;
    let env = this.#env;
    let hang = this.#hang;
    let gain = this.#lastGain;
    for (let i = 0; i < n; i++) {
      const x = buffer[i];
      const a = x < 0 ? -x : x;
      if (a > env) {
        env += attack * (a - env);
        hang = hangSamples;
      } else if (hang > 0) {
        hang--;
      } else {
        env *= decay;
        if (env < floor) env = floor;
      }
      let out = x;
      if (delayLength > 0) {
        out = delay[pos];
        delay[pos] = x;
        if (++pos === delayLength) pos = 0;
      }
      const ao = out < 0 ? -out : out;
      // The limiter: never put a sample above the ceiling.
      if (ao * limit > env) env = ao * limit;
      gain = target / env;
      buffer[i] = out * gain;
    }
    this.#env = env;
    this.#hang = hang;
    this.#delayPos = pos;
    this.#lastGain = gain;
  }

  /** Back to the maximum gain with an empty look-ahead. */
  reset(): void {
    this.#env = this.#floor;
    this.#hang = 0;
    this.#lastGain = this.#settings.targetLevel / this.#floor;
    this.#delay.fill(0);
    this.#delayPos = 0;
  }
}

/** What a {@linkcode Squelch} compares with its threshold. */
export type SquelchSource = "power" | "level";

/** Settings of {@linkcode Squelch}. */
export interface SquelchSettings {
  /** Off: always open (default false). */
  enabled: boolean;
  /**
   * `"power"` (default): `10·log10(pwr)`, the S-meter sum of `|X/N|²` over
   * the passband; `"level"`: `20·log10(rms)` of the demodulated audio before
   * the AGC.
   */
  source: SquelchSource;
  /** Opens at or above this many dB (default −60). */
  thresholdDb: number;
  /** Closes below `thresholdDb − hysteresisDb` (default 3). */
  hysteresisDb: number;
  /** Stays open this long after the level drops, in ms (default 150). */
  closeDelayMs: number;
  /** Fade in/out time in ms (default 5). */
  rampMs: number;
}

/** Options of {@linkcode Squelch}. */
export interface SquelchOptions extends Partial<SquelchSettings> {
  /** Audio rate in samples per second. */
  sampleRate: number;
}

const DEFAULT_SQUELCH: SquelchSettings = Object.freeze({
  enabled: false,
  source: "power",
  thresholdDb: -60,
  hysteresisDb: 3,
  closeDelayMs: 150,
  rampMs: 5,
});

/**
 * A squelch gate decided once per frame from a level in dB, applied with a
 * short fade.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Squelch } from "./post.ts";
 *
 * const squelch = new Squelch({ sampleRate: 12000, enabled: true, thresholdDb: -50 });
 * equal(squelch.update(-70, 384), false);
 * equal(squelch.update(-40, 384), true);
 * ```
 */
export class Squelch {
  /** Audio rate. */
  readonly sampleRate: number;
  #settings: SquelchSettings = DEFAULT_SQUELCH;
  #open = false;
  #quiet = 0;
  #gain = 0;
  #step = 1;
  #closeSamples = 0;

  /**
   * @param options Rate and settings.
   * @throws {RangeError} For a bad rate or setting.
   */
  constructor(options: SquelchOptions) {
    checkRate(options.sampleRate);
    this.sampleRate = options.sampleRate;
    this.configure(options);
    this.#gain = this.#settings.enabled ? 0 : 1;
  }

  /** The settings in force. */
  get settings(): Readonly<SquelchSettings> {
    return this.#settings;
  }

  /** Whether the gate is open (always true when disabled). */
  get open(): boolean {
    return !this.#settings.enabled || this.#open;
  }

  /**
   * Changes some settings (the others stay).
   *
   * @param settings The settings to change.
   * @throws {RangeError} For a setting out of range; nothing changes then.
   */
  configure(settings: Partial<SquelchSettings>): void {
    const next: SquelchSettings = { ...this.#settings };
    for (
      const key of Object.keys(DEFAULT_SQUELCH) as (keyof SquelchSettings)[]
    ) {
      const value = settings[key];
      if (value !== undefined) {
        (next as unknown as Record<string, unknown>)[
          key
        ] = value;
      }
    }
    if (typeof next.enabled !== "boolean") {
      throw new RangeError(
        `Expected squelch enabled to be a boolean, found ${
          String(next.enabled)
        }`,
      );
    }
    if (next.source !== "power" && next.source !== "level") {
      throw new RangeError(
        `Expected a squelch source "power" or "level", found "${
          String(next.source)
        }"`,
      );
    }
    if (!Number.isFinite(next.thresholdDb)) {
      throw new RangeError(
        `Expected a finite squelch threshold, found ${next.thresholdDb}`,
      );
    }
    checkNonNegative("a squelch hysteresis in dB", next.hysteresisDb);
    checkNonNegative("a squelch close delay in ms", next.closeDelayMs);
    checkNonNegative("a squelch ramp in ms", next.rampMs);
    const ramp = Math.max(1, Math.round(next.rampMs * 1e-3 * this.sampleRate));
    this.#step = 1 / ramp;
    this.#closeSamples = Math.round(next.closeDelayMs * 1e-3 * this.sampleRate);
    this.#settings = Object.freeze(next);
  }

  /**
   * Decides the gate for the next `samples` samples from this frame's level.
   *
   * @param levelDb The frame's level in dB (see `source`); NaN counts as
   * quiet.
   * @param samples Samples in the frame (for the close delay).
   * @returns Whether the gate is open.
   */
  update(levelDb: number, samples: number): boolean {
    const s = this.#settings;
    if (!s.enabled) return true;
    if (levelDb >= s.thresholdDb) {
      this.#open = true;
      this.#quiet = 0;
    } else if (this.#open && !(levelDb >= s.thresholdDb - s.hysteresisDb)) {
      this.#quiet += samples;
      if (this.#quiet > this.#closeSamples) {
        this.#open = false;
        this.#quiet = 0;
      }
    } else if (this.#open) {
      this.#quiet = 0;
    }
    return this.#open;
  }

  /** Fades `buffer` in place towards the gate state. */
  process(buffer: Float32Array): void {
    const enabled = this.#settings.enabled;
    const target = !enabled || this.#open ? 1 : 0;
    let gain = this.#gain;
    if (gain === target) {
      if (target === 0) buffer.fill(0);
      return;
    }
    const step = target > gain ? this.#step : -this.#step;
    for (let i = 0; i < buffer.length; i++) {
      if (gain !== target) {
        gain += step;
        if ((step > 0 && gain > target) || (step < 0 && gain < target)) {
          gain = target;
        }
      }
      buffer[i] *= gain;
    }
    this.#gain = gain;
  }

  /** Closes the gate (open at once when disabled). */
  reset(): void {
    this.#open = false;
    this.#quiet = 0;
    this.#gain = this.#settings.enabled ? 0 : 1;
  }
}

/** Settings of {@linkcode NoiseBlanker}. */
export interface NoiseBlankerSettings {
  /** Off: pass through (default false). */
  enabled: boolean;
  /** Blank samples whose magnitude exceeds this many times the RMS (default 6). */
  thresholdFactor: number;
  /** Blank this long after the impulse, in ms (default 1). */
  blankMs: number;
  /** Time constant of the running mean power in ms (default 20). */
  averageMs: number;
}

/** Options of {@linkcode NoiseBlanker}. */
export interface NoiseBlankerOptions extends Partial<NoiseBlankerSettings> {
  /** Baseband rate in samples per second. */
  sampleRate: number;
}

const DEFAULT_NOISE_BLANKER: NoiseBlankerSettings = Object.freeze({
  enabled: false,
  thresholdFactor: 6,
  blankMs: 1,
  averageMs: 20,
});

/**
 * Impulse noise blanker on the complex baseband: a sample whose power is
 * above `thresholdFactor²` times the running mean starts (or extends) a
 * blanking window in which samples are replaced by the last good one. Such a
 * sample enters the mean as if it were at the threshold, so impulses cannot
 * lift the mean but a signal that starts (a lasting rise) stops being
 * blanked after a few ms (about 4 ms for a 40 dB step, 10 ms for 80 dB)
 * instead of latching the blanker on.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { NoiseBlanker } from "./post.ts";
 *
 * const nb = new NoiseBlanker({ sampleRate: 12000, enabled: true });
 * const baseband = new Float32Array(2 * 1000).fill(0.25);
 * baseband[1000] = 5; // an impulse on sample 500
 * nb.process(baseband);
 * equal(baseband[1000], 0.25); // held at the last good sample
 * equal(nb.blanked, 12); // 1 ms at 12 kHz
 * ```
 */
export class NoiseBlanker {
  /** Baseband rate. */
  readonly sampleRate: number;
  #settings: NoiseBlankerSettings = DEFAULT_NOISE_BLANKER;
  #threshold = 36;
  #blankSamples = 12;
  #coef = 0;
  #mean = 0;
  #remaining = 0;
  #lastRe = 0;
  #lastIm = 0;
  #blanked = 0;

  /**
   * @param options Rate and settings.
   * @throws {RangeError} For a bad rate or setting.
   */
  constructor(options: NoiseBlankerOptions) {
    checkRate(options.sampleRate);
    this.sampleRate = options.sampleRate;
    this.configure(options);
  }

  /** The settings in force. */
  get settings(): Readonly<NoiseBlankerSettings> {
    return this.#settings;
  }

  /** Samples blanked so far. */
  get blanked(): number {
    return this.#blanked;
  }

  /**
   * Changes some settings (the others stay).
   *
   * @param settings The settings to change.
   * @throws {RangeError} For a setting out of range; nothing changes then.
   */
  configure(settings: Partial<NoiseBlankerSettings>): void {
    const next: NoiseBlankerSettings = { ...this.#settings };
    for (
      const key of Object.keys(
        DEFAULT_NOISE_BLANKER,
      ) as (keyof NoiseBlankerSettings)[]
    ) {
      const value = settings[key];
      if (value !== undefined) {
        (next as unknown as Record<string, unknown>)[key] = value;
      }
    }
    if (typeof next.enabled !== "boolean") {
      throw new RangeError(
        `Expected noise blanker enabled to be a boolean, found ${
          String(next.enabled)
        }`,
      );
    }
    if (!(next.thresholdFactor > 1) || !Number.isFinite(next.thresholdFactor)) {
      throw new RangeError(
        `Expected a noise blanker threshold factor above 1, found ${next.thresholdFactor}`,
      );
    }
    checkNonNegative("a blanking time in ms", next.blankMs);
    if (!(next.averageMs > 0) || !Number.isFinite(next.averageMs)) {
      throw new RangeError(
        `Expected a positive averaging time in ms, found ${next.averageMs}`,
      );
    }
    const fs = this.sampleRate;
    this.#threshold = next.thresholdFactor * next.thresholdFactor;
    this.#blankSamples = Math.max(1, Math.round(next.blankMs * 1e-3 * fs));
    this.#coef = 1 - Math.exp(-1 / (next.averageMs * 1e-3 * fs));
    this.#settings = Object.freeze(next);
  }

  /** Blanks impulses in `baseband` (interleaved complex) in place. */
  process(baseband: Float32Array): void {
    if (!this.#settings.enabled) return;
    const threshold = this.#threshold;
    const coef = this.#coef;
    const blankSamples = this.#blankSamples;
    let mean = this.#mean;
    let remaining = this.#remaining;
    let lastRe = this.#lastRe;
    let lastIm = this.#lastIm;
    let blanked = 0;
    for (let i = 0; i + 1 < baseband.length; i += 2) {
      const re = baseband[i];
      const im = baseband[i + 1];
      const p = re * re + im * im;
      const limit = threshold * mean;
      if (mean > 0 && p > limit) {
        remaining = blankSamples;
        // An impulse moves the mean as much as a sample at the threshold
        // would: it cannot lift the mean, but a lasting rise in level (a
        // signal starting) still catches up within a few ms.
        mean += coef * (limit - mean);
      } else {
        mean = mean > 0 ? mean + coef * (p - mean) : p;
      }
      if (remaining > 0) {
        remaining--;
        blanked++;
        baseband[i] = lastRe;
        baseband[i + 1] = lastIm;
        continue;
      }
      lastRe = re;
      lastIm = im;
    }
    this.#mean = Number.isFinite(mean) ? mean : 0;
    this.#remaining = remaining;
    this.#lastRe = lastRe;
    this.#lastIm = lastIm;
    this.#blanked += blanked;
  }

  /** Forgets the running mean. */
  reset(): void {
    this.#mean = 0;
    this.#remaining = 0;
    this.#lastRe = 0;
    this.#lastIm = 0;
  }
}

/** Options of {@linkcode PcmConverter}. */
export interface PcmConverterOptions {
  /** Multiplier from float to int16 (default 32767: ±1.0 is full scale). */
  scale?: number;
}

/**
 * Float to 16-bit PCM: `round(x·scale)` clamped to −32768 … 32767, counting
 * clipped samples; NaN becomes 0 and is counted apart.
 *
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { PcmConverter } from "./post.ts";
 *
 * const pcm = new PcmConverter();
 * const out = new Int16Array(4);
 * equal(pcm.convert(Float32Array.of(0.5, -2, 1.5, NaN), out), 2);
 * deepEqual([...out], [16384, -32768, 32767, 0]);
 * equal(pcm.clipped, 2);
 * equal(pcm.nonFinite, 1);
 * ```
 */
export class PcmConverter {
  /** The float-to-int16 multiplier. */
  readonly scale: number;
  #clipped = 0;
  #nonFinite = 0;

  /**
   * @param options Scale.
   * @throws {RangeError} For a scale that is not positive.
   */
  constructor(options: PcmConverterOptions = {}) {
    const scale = options.scale ?? 32767;
    if (!(scale > 0) || !Number.isFinite(scale)) {
      throw new RangeError(`Expected a positive PCM scale, found ${scale}`);
    }
    this.scale = scale;
  }

  /** Samples clipped so far. */
  get clipped(): number {
    return this.#clipped;
  }

  /** NaN samples replaced by 0 so far. */
  get nonFinite(): number {
    return this.#nonFinite;
  }

  /**
   * Converts `input` into the start of `output`.
   *
   * @param input Float samples.
   * @param output At least `input.length` int16 samples.
   * @returns Samples clipped in this call.
   * @throws {RangeError} If `output` is shorter than `input`.
   */
  convert(input: Float32Array, output: Int16Array): number {
    const n = input.length;
    if (output.length < n) {
      throw new RangeError(
        `Expected an output of at least ${n} samples, found ${output.length}`,
      );
    }
    const scale = this.scale;
    let clipped = 0;
    let nonFinite = 0;
    for (let i = 0; i < n; i++) {
      const v = Math.round(input[i] * scale);
      if (v > 32767) {
        output[i] = 32767;
        clipped++;
      } else if (v < -32768) {
        output[i] = -32768;
        clipped++;
      } else if (v === v) {
        output[i] = v;
      } else {
        output[i] = 0;
        nonFinite++;
      }
    }
    this.#clipped += clipped;
    this.#nonFinite += nonFinite;
    return clipped;
  }
}
