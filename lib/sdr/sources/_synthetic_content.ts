/**
 * Content generators of the synthetic band: each yields, once per control
 * step (about 64 kHz), one analytic audio sample `z = re + j·im` with
 * |z| ≤ 1 (the real part is the audio, the complex form gives SSB directly).
 * Phases are unsigned 32-bit accumulators read through one cosine table, so
 * the output depends only on the step count, never on chunking.
 *
 * @module
 */

import { morseDitSeconds, morseUnits } from "./morse.ts";
import { type SyntheticContent, VOICE_MAX_HZ } from "./synthetic_stations.ts";

const TABLE_BITS = 13;
const TABLE_SIZE = 1 << TABLE_BITS;
const TABLE_MASK = TABLE_SIZE - 1;
const SHIFT = 32 - TABLE_BITS;
/** Index offset that turns the cosine table into a sine: sin x = cos(x − π/2). */
const SINE_OFFSET = (3 * TABLE_SIZE) / 4;
const TWO_32 = 2 ** 32;

const COS: Float64Array = (() => {
  const table = new Float64Array(TABLE_SIZE);
  for (let i = 0; i < TABLE_SIZE; i++) {
    table[i] = Math.cos((2 * Math.PI * i) / TABLE_SIZE);
  }
  return table;
})();

/** One analytic audio sample per control step. */
export interface Content {
  /** Writes the next sample: `out[0]` = re, `out[1]` = im. */
  next(out: Float64Array): void;
}

/** Phase increment per step for `hz` at `rate`, as an unsigned 32-bit value. */
function phaseIncrement(hz: number, rate: number): number {
  return Math.round((hz / rate) * TWO_32) >>> 0;
}

/** Raised-cosine ramp of a segment `length` steps long at position `pos`. */
function segmentRamp(pos: number, length: number, ramp: number): number {
  const r = Math.min(ramp, length / 2);
  if (r < 1) return 1;
  if (pos < r) return 0.5 - 0.5 * Math.cos((Math.PI * pos) / r);
  const tail = length - pos;
  if (tail < r) return 0.5 - 0.5 * Math.cos((Math.PI * tail) / r);
  return 1;
}

/** mulberry32: a small seeded PRNG giving floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Steady tones, summed, optionally gated on/off. */
class Tones implements Content {
  #incs: number[];
  #phases: number[];
  #gain: number;
  #period: number;
  #on: number;
  #ramp: number;
  #step = 0;

  constructor(
    tonesHz: number[],
    onMs: number | undefined,
    offMs: number | undefined,
    rate: number,
  ) {
    this.#incs = tonesHz.map((f) => phaseIncrement(f, rate));
    this.#phases = tonesHz.map(() => 0);
    this.#gain = 1 / tonesHz.length;
    const gated = onMs !== undefined && offMs !== undefined && offMs > 0;
    this.#on = gated ? Math.max(1, Math.round((onMs * rate) / 1000)) : 0;
    this.#period = gated
      ? this.#on + Math.max(1, Math.round((offMs * rate) / 1000))
      : 0;
    this.#ramp = (10 * rate) / 1000;
  }

  next(out: Float64Array): void {
    let gain = this.#gain;
    if (this.#period > 0) {
      const pos = this.#step % this.#period;
      gain *= pos < this.#on ? segmentRamp(pos, this.#on, this.#ramp) : 0;
    }
    this.#step++;
    let re = 0;
    let im = 0;
    const phases = this.#phases;
    const incs = this.#incs;
    for (let i = 0; i < phases.length; i++) {
      const index = phases[i] >>> SHIFT;
      re += COS[index];
      im += COS[(index + SINE_OFFSET) & TABLE_MASK];
      phases[i] = (phases[i] + incs[i]) >>> 0;
    }
    out[0] = re * gain;
    out[1] = im * gain;
  }
}

/** One tone at a time, then a pause. */
class ToneSteps implements Content {
  #incs: number[];
  #step = 0;
  #stepSteps: number;
  #sounding: number;
  #cycle: number;
  #ramp: number;
  #phase = 0;

  constructor(
    tonesHz: number[],
    stepMs: number,
    pauseMs: number,
    rate: number,
  ) {
    this.#incs = tonesHz.map((f) => phaseIncrement(f, rate));
    this.#stepSteps = Math.max(1, Math.round((stepMs * rate) / 1000));
    this.#sounding = this.#stepSteps * tonesHz.length;
    this.#cycle = this.#sounding + Math.round((pauseMs * rate) / 1000);
    this.#ramp = this.#cycle > this.#sounding ? (5 * rate) / 1000 : 0;
  }

  next(out: Float64Array): void {
    const pos = this.#step % this.#cycle;
    this.#step++;
    if (pos >= this.#sounding) {
      out[0] = 0;
      out[1] = 0;
      return;
    }
    const gain = segmentRamp(pos, this.#sounding, this.#ramp);
    const index = this.#phase >>> SHIFT;
    out[0] = gain * COS[index];
    out[1] = gain * COS[(index + SINE_OFFSET) & TABLE_MASK];
    const inc = this.#incs[Math.floor(pos / this.#stepSteps)];
    this.#phase = (this.#phase + inc) >>> 0;
  }
}

/** Morse keying of the carrier (tone 0) or of a tone, then a pause. */
class Morse implements Content {
  #units: Uint8Array;
  #unitSteps: number;
  #cycle: number;
  #rise: number;
  #inc: number;
  #phase = 0;
  #step = 0;

  constructor(
    text: string,
    wpm: number,
    pauseMs: number,
    toneHz: number,
    rate: number,
  ) {
    this.#units = morseUnits(text);
    this.#unitSteps = morseDitSeconds(wpm) * rate;
    this.#cycle = Math.max(
      1,
      Math.round(
        this.#units.length * this.#unitSteps + (pauseMs * rate) / 1000,
      ),
    );
    this.#rise = Math.min((5 * rate) / 1000, this.#unitSteps / 2);
    this.#inc = phaseIncrement(toneHz, rate);
  }

  #key(unit: number): number {
    return unit >= 0 && unit < this.#units.length ? this.#units[unit] : 0;
  }

  next(out: Float64Array): void {
    const pos = this.#step % this.#cycle;
    this.#step++;
    const unit = Math.floor(pos / this.#unitSteps);
    const key = this.#key(unit);
    const previous = this.#key(unit - 1);
    let gain = key;
    const within = pos - unit * this.#unitSteps;
    if (key !== previous && within < this.#rise) {
      const x = 0.5 - 0.5 * Math.cos((Math.PI * within) / this.#rise);
      gain = key === 1 ? x : 1 - x;
    }
    if (this.#inc === 0) {
      out[0] = gain;
      out[1] = 0;
      return;
    }
    const index = this.#phase >>> SHIFT;
    out[0] = gain * COS[index];
    out[1] = gain * COS[(index + SINE_OFFSET) & TABLE_MASK];
    this.#phase = (this.#phase + this.#inc) >>> 0;
  }
}

/** Formants (F1, F2, F3 in Hz) of a few vowels of an adult male voice. */
const VOWELS: readonly (readonly [number, number, number])[] = [
  [730, 1090, 2440], // a
  [530, 1840, 2480], // e
  [270, 2290, 3010], // i
  [570, 840, 2410], // o
  [300, 870, 2240], // u
  [660, 1720, 2410], // ae
];
const FORMANT_GAIN = [1, 0.7, 0.35];
const FORMANT_WIDTH = [80, 100, 140];

/**
 * Speech-like sound: harmonics of a gliding pitch, weighted by the
 * formants of a vowel that changes every syllable, in words and phrases with
 * a falling intonation and pauses.
 */
class Voice implements Content {
  #random: () => number;
  #pitch: number;
  #formantScale: number;
  #rate: number;
  #amps: Float64Array;
  #active = 0;
  #phase = 0;
  #inc = 0;
  #updateEvery: number;
  #countdown = 0;
  // Current segment.
  #segLength = 1;
  #segPos = 1;
  #sounding = false;
  #level = 0;
  #f0Start = 0;
  #f0End = 0;
  #from: [number, number, number] = [500, 1500, 2500];
  #to: [number, number, number] = [500, 1500, 2500];
  #formants: [number, number, number] = [500, 1500, 2500];
  // Phrase state.
  #syllablesLeft = 0;
  #wordLeft = 0;
  #phraseSyllables = 1;

  constructor(pitchHz: number, seed: number, rate: number) {
    this.#random = mulberry32(seed);
    this.#pitch = pitchHz;
    this.#formantScale = pitchHz > 170 ? 1.17 : 1;
    this.#rate = rate;
    this.#amps = new Float64Array(
      Math.max(1, Math.floor(VOICE_MAX_HZ / (0.75 * pitchHz))),
    );
    this.#updateEvery = Math.max(1, Math.round(rate / 1000));
  }

  #between(low: number, high: number): number {
    return low + (high - low) * this.#random();
  }

  #steps(ms: number): number {
    return Math.max(1, Math.round((ms * this.#rate) / 1000));
  }

  #nextSegment(): void {
    this.#segPos = 0;
    if (this.#sounding && this.#wordLeft === 0) {
      // A word ended: a short gap, or the pause after a phrase.
      this.#sounding = false;
      this.#segLength = this.#steps(
        this.#syllablesLeft === 0
          ? this.#between(450, 1000)
          : this.#between(40, 120),
      );
      return;
    }
    if (this.#syllablesLeft === 0) {
      this.#phraseSyllables = 5 + Math.floor(this.#random() * 6);
      this.#syllablesLeft = this.#phraseSyllables;
      this.#wordLeft = 0;
    }
    if (this.#wordLeft === 0) {
      this.#wordLeft = Math.min(
        this.#syllablesLeft,
        1 + Math.floor(this.#random() * 3),
      );
    }
    const index = this.#phraseSyllables - this.#syllablesLeft;
    this.#syllablesLeft--;
    this.#wordLeft--;
    this.#sounding = true;
    this.#segLength = this.#steps(this.#between(130, 260));
    this.#level = this.#between(0.6, 1);
    const progress = index / Math.max(1, this.#phraseSyllables - 1);
    const declination = 1.12 - 0.24 * progress;
    const accent = 1 + this.#between(-0.08, 0.08);
    this.#f0Start = this.#pitch * declination * accent;
    this.#f0End = this.#f0Start * this.#between(0.94, 1.04);
    this.#from = [...this.#formants];
    const vowel = VOWELS[Math.floor(this.#random() * VOWELS.length)];
    const s = this.#formantScale;
    this.#to = [vowel[0] * s, vowel[1] * s, vowel[2] * s];
    this.#countdown = 0;
  }

  #update(progress: number): void {
    const f0 = this.#f0Start + (this.#f0End - this.#f0Start) * progress;
    this.#inc = phaseIncrement(f0, this.#rate);
    const glide = Math.min(1, progress / 0.3);
    const formants = this.#formants;
    for (let i = 0; i < 3; i++) {
      formants[i] = this.#from[i] + (this.#to[i] - this.#from[i]) * glide;
    }
    const amps = this.#amps;
    let sum = 0;
    let active = 0;
    for (let h = 1; h <= amps.length; h++) {
      const f = h * f0;
      let a = 0;
      if (f < VOICE_MAX_HZ) {
        for (let i = 0; i < 3; i++) {
          const x = (f - formants[i]) / FORMANT_WIDTH[i];
          a += FORMANT_GAIN[i] / (1 + x * x);
        }
        a /= h;
        // Fade the top 400 Hz so harmonics do not pop in and out.
        if (f > VOICE_MAX_HZ - 400) a *= (VOICE_MAX_HZ - f) / 400;
        active = h;
      }
      amps[h - 1] = a;
      sum += a;
    }
    this.#active = active;
    if (sum > 0) { for (let h = 0; h < active; h++) amps[h] /= sum; }
  }

  next(out: Float64Array): void {
    if (this.#segPos >= this.#segLength) this.#nextSegment();
    const pos = this.#segPos++;
    if (!this.#sounding) {
      out[0] = 0;
      out[1] = 0;
      return;
    }
    const progress = pos / this.#segLength;
    if (--this.#countdown <= 0) {
      this.#update(progress);
      this.#countdown = this.#updateEvery;
    }
    // Syllable envelope: quick rise, sustain, long fall.
    const envelope = this.#level *
      (progress < 0.15
        ? 0.5 - 0.5 * Math.cos((Math.PI * progress) / 0.15)
        : progress > 0.6
        ? 0.5 + 0.5 * Math.cos((Math.PI * (progress - 0.6)) / 0.4)
        : 1);
    const phase = this.#phase;
    const amps = this.#amps;
    let re = 0;
    let im = 0;
    for (let h = 1; h <= this.#active; h++) {
      const index = Math.imul(h, phase) >>> SHIFT;
      const a = amps[h - 1];
      re += a * COS[index];
      im += a * COS[(index + SINE_OFFSET) & TABLE_MASK];
    }
    this.#phase = (phase + this.#inc) >>> 0;
    out[0] = envelope * re;
    out[1] = envelope * im;
  }
}

/**
 * Builds the generator of `content` at `rate` control steps per second.
 *
 * @param content What the station carries.
 * @param rate Control steps per second.
 * @param seed Seed of random content (voice).
 * @returns The generator.
 */
export function createContent(
  content: SyntheticContent,
  rate: number,
  seed: number,
): Content {
  switch (content.kind) {
    case "tones":
      return new Tones(content.tonesHz, content.onMs, content.offMs, rate);
    case "tone-steps":
      return new ToneSteps(
        content.tonesHz,
        content.stepMs,
        content.pauseMs,
        rate,
      );
    case "voice":
      return new Voice(content.pitchHz, seed, rate);
    case "morse":
      return new Morse(
        content.text,
        content.wpm,
        content.pauseMs,
        content.toneHz ?? 0,
        rate,
      );
  }
}
