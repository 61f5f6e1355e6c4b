/**
 * The synthetic band generator: a deterministic (seeded) band of AM, FM,
 * SSB and CW stations in white noise, written as Float32 IQ or real samples
 * into the caller's buffer. Pure: numbers in, numbers out, no clock.
 *
 * How it stays cheap at 2.048 MS/s: each station's content (voice, tones,
 * Morse) is computed once per control step of K samples (K = sps/64000,
 * rounded; 32 at 2.048 MS/s) as a complex envelope; per sample there is only
 * a linear interpolation of that envelope times a recursive complex
 * oscillator (4 multiplies), re-synchronised every 16 steps (and after a
 * silent one) from an exact 32-bit phase accumulator, so its frequency is
 * exact and it never drifts. The 64 kHz control rate puts the interpolation
 * images 60 dB or more below the station. Stations are mixed two at a time
 * per control step, so the output block stays in cache and two oscillator
 * recursions overlap; silent steps (CW key up, pauses) are skipped. The
 * noise is copied from a 1 MiB table of seeded Gaussian noise, one
 * 4096-float segment at a time from a pseudo-random offset chosen by hashing
 * the seed and the segment number. Nothing is allocated per call, and the
 * output does not depend on how the stream is cut into calls.
 *
 * @module
 */

import type { SignalKind } from "../spectrum_layout.ts";
import {
  type Content,
  createContent,
  mulberry32,
} from "./_synthetic_content.ts";
import {
  DEFAULT_SYNTHETIC_FREQUENCY,
  DEFAULT_SYNTHETIC_SPS,
  type SyntheticStation,
  syntheticStations,
  type SyntheticStationSpec,
} from "./synthetic_stations.ts";

/**
 * Options of {@linkcode SyntheticBand}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SyntheticBand, type SyntheticBandOptions } from "./synthetic_band.ts";
 *
 * const options: SyntheticBandOptions = { sps: 1_024_000, frequency: 14_200_000, snrDb: 30 };
 * equal(new SyntheticBand(options).stations.length, 7);
 * ```
 */
export interface SyntheticBandOptions {
  /** Sample rate (default 2 048 000). */
  sps?: number;
  /** `[input] frequency`: centre (IQ) or lower edge (real), Hz (default 7.1 MHz). */
  frequency?: number;
  /** IQ (default) or real samples. */
  signal?: SignalKind;
  /** Stations (default {@linkcode DEFAULT_SYNTHETIC_STATIONS}). */
  stations?: readonly SyntheticStationSpec[];
  /**
   * Signal-to-noise ratio of a 0 dB station's carrier against the band noise
   * in a 2400 Hz bandwidth, dB (default 40). `Infinity`: no noise.
   */
  snrDb?: number;
  /** Seed of the noise and of the voices (default 1). */
  seed?: number;
  /**
   * Sum of the stations' peak amplitudes, which sets the reference level
   * (default 0.7, leaving headroom for the noise before u8/s16 clip).
   */
  peakAmplitude?: number;
}

/** Control steps between exact re-synchronisations of an oscillator. */
const RESYNC_STEPS = 16;
/** Control steps per second the content is computed at (nominal). */
const CONTROL_RATE = 64_000;
const TWO_PI_OVER_2_32 = (2 * Math.PI) / 2 ** 32;
/** Floats of Gaussian noise computed once (1 MiB). */
const NOISE_TABLE_SIZE = 1 << 18;
/** Floats of noise copied from one random table offset. */
const NOISE_SEGMENT = 4096;

const MODE_AM = 0;
const MODE_SSB = 1;
const MODE_LSB = 2;
const MODE_FM = 3;

/** Per-station oscillator and envelope state. */
class StationState {
  readonly content: Content;
  readonly mode: number;
  readonly amplitude: number;
  readonly modulation: number;
  readonly fmStep: number;
  readonly cr: number;
  readonly sr: number;
  readonly blockIncrement: number;
  readonly sample = new Float64Array(2);
  phase = 0;
  c = 1;
  s = 0;
  er = 0;
  ei = 0;
  der = 0;
  dei = 0;
  endRe = 0;
  endIm = 0;
  silent = true;
  fmPhase = 0;
  #steps = 0;

  constructor(
    station: SyntheticStation,
    offsetHz: number,
    amplitude: number,
    sps: number,
    block: number,
    controlRate: number,
    seed: number,
  ) {
    this.content = createContent(station.content, controlRate, seed);
    this.mode = station.mode === "AM"
      ? MODE_AM
      : station.mode === "FM"
      ? MODE_FM
      : station.mode === "LSB"
      ? MODE_LSB
      : MODE_SSB;
    this.amplitude = amplitude;
    this.modulation = station.modulationIndex ?? 0.8;
    this.fmStep = (2 * Math.PI * (station.deviationHz ?? 2500)) / controlRate;
    const increment = Math.round((offsetHz / sps) * 2 ** 32) >>> 0;
    this.cr = Math.cos(increment * TWO_PI_OVER_2_32);
    this.sr = Math.sin(increment * TWO_PI_OVER_2_32);
    this.blockIncrement = Math.imul(increment, block) >>> 0;
    this.#target();
  }

  /** Computes the envelope at the end of the next control step. */
  #target(): void {
    const z = this.sample;
    this.content.next(z);
    const a = this.amplitude;
    switch (this.mode) {
      case MODE_AM:
        this.endRe = a * (1 + this.modulation * z[0]);
        this.endIm = 0;
        break;
      case MODE_SSB:
        this.endRe = a * z[0];
        this.endIm = a * z[1];
        break;
      case MODE_LSB:
        this.endRe = a * z[0];
        this.endIm = -a * z[1];
        break;
      default: {
        const phase = this.fmPhase + this.fmStep * z[0];
        this.fmPhase = phase > Math.PI
          ? phase - 2 * Math.PI
          : phase < -Math.PI
          ? phase + 2 * Math.PI
          : phase;
        this.endRe = a * Math.cos(this.fmPhase);
        this.endIm = a * Math.sin(this.fmPhase);
      }
    }
  }

  /** Starts a control step of `block` samples. */
  begin(block: number): void {
    const startRe = this.endRe;
    const startIm = this.endIm;
    this.#target();
    this.er = startRe;
    this.ei = startIm;
    this.der = (this.endRe - startRe) / block;
    this.dei = (this.endIm - startIm) / block;
    const wasSilent = this.silent;
    this.silent = startRe === 0 && startIm === 0 && this.endRe === 0 &&
      this.endIm === 0;
    // Re-synchronise the oscillator from the exact phase every few steps
    // and after skipped (silent) steps; in between the recursion carries on.
    if (wasSilent || this.#steps % RESYNC_STEPS === 0) {
      const angle = this.phase * TWO_PI_OVER_2_32;
      this.c = Math.cos(angle);
      this.s = Math.sin(angle);
    }
    this.#steps++;
    this.phase = (this.phase + this.blockIncrement) >>> 0;
  }
}

/**
 * A deterministic synthetic band.
 *
 * @example One millisecond of the default band
 * ```ts
 * import { equal, notDeepEqual } from "node:assert/strict";
 * import { SyntheticBand } from "./synthetic_band.ts";
 *
 * const band = new SyntheticBand({ seed: 7 });
 * equal(band.stations.length, 7);
 * const out = new Float32Array(2 * 2048);
 * equal(band.generate(out), 2048);
 * notDeepEqual(out, new Float32Array(2 * 2048));
 * ```
 */
export class SyntheticBand {
  /** Sample rate. */
  readonly sps: number;
  /** Centre (IQ) or lower edge (real), Hz. */
  readonly frequency: number;
  /** IQ or real. */
  readonly signal: SignalKind;
  /** The stations in the band (those that fit). */
  readonly stations: readonly SyntheticStation[];
  /** SNR of a 0 dB station in 2400 Hz, dB. */
  readonly snrDb: number;
  /** The seed. */
  readonly seed: number;
  /** Peak amplitude of a 0 dB station's carrier. */
  readonly referenceAmplitude: number;
  /** Standard deviation of the noise per value (per I or Q), full scale 1. */
  readonly noiseRms: number;
  /** Samples per control step. */
  readonly block: number;
  /** Control steps per second (`sps / block`). */
  readonly controlRate: number;
  #states: StationState[];
  #iq: boolean;
  #noiseTable: Float32Array | undefined;
  #noisePosition = 0;
  #blockPos = 0;
  #position = 0;

  /**
   * @param options Rate, frequency, signal, stations, SNR, seed, level.
   * @throws {RangeError} For a rate below 8000, an invalid station, or an
   * SNR or peak amplitude out of range.
   */
  constructor(options: SyntheticBandOptions = {}) {
    const sps = options.sps ?? DEFAULT_SYNTHETIC_SPS;
    if (!(sps >= 8000) || !Number.isFinite(sps)) {
      throw new RangeError(
        `Expected a synthetic sample rate of at least 8000, found ${sps}`,
      );
    }
    const snrDb = options.snrDb ?? 40;
    if (Number.isNaN(snrDb) || snrDb === -Infinity) {
      throw new RangeError(`Expected an SNR in dB, found ${snrDb}`);
    }
    const peak = options.peakAmplitude ?? 0.7;
    if (!(peak > 0) || !Number.isFinite(peak)) {
      throw new RangeError(
        `Expected a positive peak amplitude, found ${peak}`,
      );
    }
    this.sps = sps;
    this.frequency = options.frequency ?? DEFAULT_SYNTHETIC_FREQUENCY;
    this.signal = options.signal ?? "iq";
    this.#iq = this.signal === "iq";
    this.snrDb = snrDb;
    this.seed = (options.seed ?? 1) >>> 0;
    this.stations = Object.freeze(syntheticStations({
      sps,
      frequency: this.frequency,
      signal: this.signal,
      ...(options.stations ? { stations: options.stations } : {}),
    }));
    this.block = Math.max(1, Math.round(sps / CONTROL_RATE));
    this.controlRate = sps / this.block;
    let peakSum = 0;
    for (const station of this.stations) {
      const level = 10 ** (station.levelDb / 20);
      peakSum += station.mode === "AM"
        ? level * (1 + (station.modulationIndex ?? 0.8))
        : level;
    }
    const reference = peakSum > 0 ? peak / peakSum : peak;
    this.referenceAmplitude = reference;
    const snr = 10 ** (snrDb / 10);
    // IQ: carrier power A² against noise 2σ²·2400/sps.
    // Real: carrier power A²/2 against noise σ²·2400/(sps/2).
    this.noiseRms = snr === Infinity ? 0 : Math.sqrt(
      (reference * reference * sps) / ((this.#iq ? 4800 : 9600) * snr),
    );
    this.#noiseTable = this.noiseRms > 0
      ? noiseTable(this.seed, this.noiseRms)
      : undefined;
    this.#states = this.stations.map((station, i) =>
      new StationState(
        station,
        station.frequency - this.frequency,
        reference * 10 ** (station.levelDb / 20),
        sps,
        this.block,
        this.controlRate,
        (Math.imul(this.seed, 0x9e3779b1) +
          (station.content.kind === "voice"
            ? station.content.seed ?? i
            : i)) >>>
          0,
      )
    );
  }

  /** Samples generated so far. */
  get position(): number {
    return this.#position;
  }

  /**
   * Writes the next samples into `out` from `offset`: `samples` IQ pairs
   * (2 floats each) or real values.
   *
   * @param out Destination.
   * @param samples How many samples (default: as many whole samples as fit
   * from `offset`).
   * @param offset First float of `out` to write (default 0).
   * @returns The number of samples written.
   * @throws {RangeError} If `out` has no room for them.
   */
  generate(out: Float32Array, samples?: number, offset = 0): number {
    const values = this.#iq ? 2 : 1;
    const count = samples ?? Math.floor((out.length - offset) / values);
    if (
      !Number.isSafeInteger(count) || count < 0 ||
      !Number.isSafeInteger(offset) || offset < 0 ||
      offset + count * values > out.length
    ) {
      throw new RangeError(
        `Expected room for ${samples} samples from float ${offset}, found an output of ${out.length} floats`,
      );
    }
    if (count === 0) return 0;
    this.#noise(out, offset, count * values);
    const block = this.block;
    const states = this.#states;
    const iq = this.#iq;
    let i = 0;
    let pos = this.#blockPos;
    while (i < count) {
      if (pos === 0) {
        for (let j = 0; j < states.length; j++) states[j].begin(block);
      }
      const n = Math.min(block - pos, count - i);
      const start = offset + i * values;
      // Stations two at a time: half the passes over `out`, and two
      // independent oscillator recursions for the CPU to overlap.
      let pending: StationState | undefined;
      for (let j = 0; j < states.length; j++) {
        const state = states[j];
        if (state.silent) continue;
        if (pending === undefined) {
          pending = state;
          continue;
        }
        if (iq) mixIqPair(pending, state, out, start, n);
        else mixRealPair(pending, state, out, start, n);
        pending = undefined;
      }
      if (pending !== undefined) {
        if (iq) mixIq(pending, out, start, n);
        else mixReal(pending, out, start, n);
      }
      i += n;
      pos += n;
      if (pos === block) pos = 0;
    }
    this.#blockPos = pos;
    this.#position += count;
    return count;
  }

  /**
   * Copies the noise for floats [p, p + length) of the stream: segment
   * `p / NOISE_SEGMENT` of the stream is read from a seeded pseudo-random
   * offset of the noise table, so the noise depends only on the position.
   */
  #noise(out: Float32Array, offset: number, length: number): void {
    const end = offset + length;
    const table = this.#noiseTable;
    if (table === undefined) {
      out.fill(0, offset, end);
      this.#noisePosition += length;
      return;
    }
    let p = this.#noisePosition;
    let k = offset;
    while (k < end) {
      const segment = Math.floor(p / NOISE_SEGMENT);
      const within = p - segment * NOISE_SEGMENT;
      const n = Math.min(NOISE_SEGMENT - within, end - k);
      const from = segmentOffset(this.seed, segment) + within;
      for (let j = 0; j < n; j++) out[k + j] = table[from + j];
      k += n;
      p += n;
    }
    this.#noisePosition = p;
  }
}

/** Where segment `segment` of the noise starts in the table. */
function segmentOffset(seed: number, segment: number): number {
  let h = Math.imul((segment >>> 0) ^ seed, 0x9e3779b1) ^
    Math.imul(Math.floor(segment / 2 ** 32) + 0x632be5ab, 0x85ebca6b);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) % (NOISE_TABLE_SIZE - NOISE_SEGMENT);
}

/** Gaussian noise of standard deviation `rms` (Box–Muller, seeded). */
function noiseTable(seed: number, rms: number): Float32Array {
  const random = mulberry32(seed ^ 0x2545f491);
  const table = new Float32Array(NOISE_TABLE_SIZE);
  for (let i = 0; i < NOISE_TABLE_SIZE; i += 2) {
    const r = rms * Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    table[i] = r * Math.cos(angle);
    table[i + 1] = r * Math.sin(angle);
  }
  return table;
}

/** Adds `n` IQ samples of a station from `start` (a float index). */
function mixIq(
  state: StationState,
  out: Float32Array,
  start: number,
  n: number,
): void {
  let c = state.c;
  let s = state.s;
  let er = state.er;
  let ei = state.ei;
  const cr = state.cr;
  const sr = state.sr;
  const der = state.der;
  const dei = state.dei;
  const end = start + 2 * n;
  for (let k = start; k < end; k += 2) {
    out[k] += er * c - ei * s;
    out[k + 1] += er * s + ei * c;
    const next = c * cr - s * sr;
    s = c * sr + s * cr;
    c = next;
    er += der;
    ei += dei;
  }
  state.c = c;
  state.s = s;
  state.er = er;
  state.ei = ei;
}

/** Adds `n` real samples of a station (the real part) from `start`. */
function mixReal(
  state: StationState,
  out: Float32Array,
  start: number,
  n: number,
): void {
  let c = state.c;
  let s = state.s;
  let er = state.er;
  let ei = state.ei;
  const cr = state.cr;
  const sr = state.sr;
  const der = state.der;
  const dei = state.dei;
  const end = start + n;
  for (let k = start; k < end; k++) {
    out[k] += er * c - ei * s;
    const next = c * cr - s * sr;
    s = c * sr + s * cr;
    c = next;
    er += der;
    ei += dei;
  }
  state.c = c;
  state.s = s;
  state.er = er;
  state.ei = ei;
}

/** Adds `n` IQ samples of two stations from `start` (a float index). */
function mixIqPair(
  a: StationState,
  b: StationState,
  out: Float32Array,
  start: number,
  n: number,
): void {
  let c1 = a.c;
  let s1 = a.s;
  let er1 = a.er;
  let ei1 = a.ei;
  const cr1 = a.cr;
  const sr1 = a.sr;
  const der1 = a.der;
  const dei1 = a.dei;
  let c2 = b.c;
  let s2 = b.s;
  let er2 = b.er;
  let ei2 = b.ei;
  const cr2 = b.cr;
  const sr2 = b.sr;
  const der2 = b.der;
  const dei2 = b.dei;
  const end = start + 2 * n;
  for (let k = start; k < end; k += 2) {
    out[k] += er1 * c1 - ei1 * s1 + (er2 * c2 - ei2 * s2);
    out[k + 1] += er1 * s1 + ei1 * c1 + (er2 * s2 + ei2 * c2);
    const next1 = c1 * cr1 - s1 * sr1;
    s1 = c1 * sr1 + s1 * cr1;
    c1 = next1;
    const next2 = c2 * cr2 - s2 * sr2;
    s2 = c2 * sr2 + s2 * cr2;
    c2 = next2;
    er1 += der1;
    ei1 += dei1;
    er2 += der2;
    ei2 += dei2;
  }
  a.c = c1;
  a.s = s1;
  a.er = er1;
  a.ei = ei1;
  b.c = c2;
  b.s = s2;
  b.er = er2;
  b.ei = ei2;
}

/** Adds `n` real samples of two stations from `start`. */
function mixRealPair(
  a: StationState,
  b: StationState,
  out: Float32Array,
  start: number,
  n: number,
): void {
  let c1 = a.c;
  let s1 = a.s;
  let er1 = a.er;
  let ei1 = a.ei;
  const cr1 = a.cr;
  const sr1 = a.sr;
  const der1 = a.der;
  const dei1 = a.dei;
  let c2 = b.c;
  let s2 = b.s;
  let er2 = b.er;
  let ei2 = b.ei;
  const cr2 = b.cr;
  const sr2 = b.sr;
  const der2 = b.der;
  const dei2 = b.dei;
  const end = start + n;
  for (let k = start; k < end; k++) {
    out[k] += er1 * c1 - ei1 * s1 + (er2 * c2 - ei2 * s2);
    const next1 = c1 * cr1 - s1 * sr1;
    s1 = c1 * sr1 + s1 * cr1;
    c1 = next1;
    const next2 = c2 * cr2 - s2 * sr2;
    s2 = c2 * sr2 + s2 * cr2;
    c2 = next2;
    er1 += der1;
    ei1 += dei1;
    er2 += der2;
    ei2 += dei2;
  }
  a.c = c1;
  a.s = s1;
  a.er = er1;
  a.ei = ei1;
  b.c = c2;
  b.s = s2;
  b.er = er2;
  b.ei = ei2;
}
