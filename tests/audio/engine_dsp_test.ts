import { equal, ok } from "node:assert/strict";
import FFT from "fft.js";
import {
  biquadCoefficients,
  biquadProcess,
  FILTER_BANDPASS,
  FILTER_HIGHPASS,
  FILTER_LOWPASS,
  FILTER_NOTCH,
} from "../../lib/audio/engine/biquad.ts";
import {
  PINK_STATE,
  pinkFilter,
  pinkNext,
  renderWave,
  WAVE_SAW,
  WAVE_SQUARE,
  WAVE_TRIANGLE,
  waveSample,
} from "../../lib/audio/engine/oscillator.ts";
import { Prng } from "../../lib/audio/engine/prng.ts";
import {
  ENV_ATTACK,
  ENV_DECAY,
  ENV_IDLE,
  ENV_RELEASE,
  ENV_STATE,
  ENV_SUSTAIN,
  envGateOff,
  envGateOn,
  envNext,
  envRender,
  envSteps,
} from "../../lib/audio/engine/envelope.ts";
import { AudioEngine } from "../../lib/audio/engine/engine.ts";
import type { PatchSpec } from "../../lib/audio/engine/patch_spec.ts";
import { render } from "./_engine_fixtures.ts";

const RATE = 48000;

/** Power spectrum (Hann window) of `x` at `n` points, averaged over hops. */
function powerSpectrum(
  x: Float32Array | Float64Array,
  n: number,
): Float64Array {
  const fft = new FFT(n);
  const input = new Array<number>(n);
  const out = fft.createComplexArray() as number[];
  const power = new Float64Array(n / 2);
  let frames = 0;
  for (let start = 0; start + n <= x.length; start += n / 2) {
    for (let i = 0; i < n; i++) {
      input[i] = x[start + i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
    }
    fft.realTransform(out, input);
    for (let k = 0; k < n / 2; k++) {
      power[k] += out[2 * k] ** 2 + out[2 * k + 1] ** 2;
    }
    frames++;
  }
  for (let k = 0; k < n / 2; k++) power[k] /= frames;
  return power;
}

/**
 * The share of power (dB) that is not near a harmonic of `f0` below
 * Nyquist: aliasing, for a periodic waveform.
 */
function aliasRatioDb(x: Float64Array, f0: number): number {
  const n = 16384;
  const power = powerSpectrum(x, n);
  const binHz = RATE / n;
  let harmonic = 0;
  let alias = 0;
  for (let k = 1; k < n / 2; k++) {
    const f = k * binHz;
    const nearest = Math.round(f / f0) * f0;
    if (
      nearest > 0 && nearest < RATE / 2 && Math.abs(f - nearest) <= 4 * binHz
    ) {
      harmonic += power[k];
    } else alias += power[k];
  }
  return 10 * Math.log10(alias / harmonic);
}

function oscillate(
  sample: (phase: number, dt: number) => number,
  f0: number,
  length: number,
): Float64Array {
  const dt = f0 / RATE;
  const out = new Float64Array(length);
  let phase = 0;
  for (let i = 0; i < length; i++) {
    out[i] = sample(phase, dt);
    phase += dt;
    if (phase >= 1) phase -= 1;
  }
  return out;
}

Deno.test("waveSample() band-limits the saw: far less aliasing than a naive saw", () => {
  for (const f0 of [1234.5, 3150.7]) {
    const blep = aliasRatioDb(
      oscillate((p, dt) => waveSample(WAVE_SAW, p, dt, 0.5), f0, 65536),
      f0,
    );
    const naive = aliasRatioDb(oscillate((p) => 2 * p - 1, f0, 65536), f0);
    ok(blep < -20, `PolyBLEP saw at ${f0} Hz: aliasing ${blep.toFixed(1)} dB`);
    ok(
      blep < naive - 10,
      `PolyBLEP ${blep.toFixed(1)} dB vs naive ${naive.toFixed(1)} dB`,
    );
  }
});

Deno.test("waveSample() band-limits the square and the triangle", () => {
  const f0 = 2345.6;
  const square = aliasRatioDb(
    oscillate((p, dt) => waveSample(WAVE_SQUARE, p, dt, 0.5), f0, 65536),
    f0,
  );
  const naiveSquare = aliasRatioDb(
    oscillate((p) => (p < 0.5 ? 1 : -1), f0, 65536),
    f0,
  );
  ok(
    square < naiveSquare - 10,
    `square ${square.toFixed(1)} vs ${naiveSquare.toFixed(1)} dB`,
  );
  const tri = aliasRatioDb(
    oscillate((p, dt) => waveSample(WAVE_TRIANGLE, p, dt, 0.5), f0, 65536),
    f0,
  );
  const naiveTri = aliasRatioDb(
    oscillate((p) => (p < 0.5 ? 1 - 4 * p : 4 * p - 3), f0, 65536),
    f0,
  );
  ok(
    tri < naiveTri - 6,
    `triangle ${tri.toFixed(1)} vs ${naiveTri.toFixed(1)} dB`,
  );
  ok(tri < -40, `triangle aliasing ${tri.toFixed(1)} dB`);
});

/** Noise from an `osc` module through the engine, mono. */
function noise(wave: number, seconds: number): Float32Array {
  const patch: PatchSpec = {
    modules: [{ id: "n", type: "osc", params: { wave, amp: 1 } }, {
      id: "out",
      type: "output",
    }],
    connections: [{ from: "n", to: "out" }],
  };
  const engine = new AudioEngine({
    patch,
    channels: 1,
    blockSize: 1024,
    seed: 77,
  });
  return render(engine, Math.ceil((seconds * RATE) / 1024));
}

/** Least-squares slope of band power density (dB) per octave, 125 Hz–8 kHz. */
function octaveSlope(x: Float32Array): number {
  const n = 4096;
  const power = powerSpectrum(x, n);
  const binHz = RATE / n;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let fc = 125; fc <= 8000; fc *= 2) {
    let sum = 0;
    let count = 0;
    for (
      let k = Math.ceil(fc / Math.SQRT2 / binHz);
      k <= Math.floor((fc * Math.SQRT2) / binHz);
      k++
    ) {
      sum += power[k];
      count++;
    }
    xs.push(Math.log2(fc));
    ys.push(10 * Math.log10(sum / count));
  }
  const mx = xs.reduce((a, b) => a + b) / xs.length;
  const my = ys.reduce((a, b) => a + b) / ys.length;
  let num = 0, den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return num / den;
}

Deno.test("osc pink noise falls about 3 dB per octave, white noise is flat", () => {
  const pink = octaveSlope(noise(5, 4));
  ok(pink < -2 && pink > -4, `pink slope ${pink.toFixed(2)} dB/octave`);
  const white = octaveSlope(noise(4, 4));
  ok(Math.abs(white) < 0.5, `white slope ${white.toFixed(2)} dB/octave`);
  const samples = noise(5, 1);
  let peak = 0;
  for (const v of samples) peak = Math.max(peak, Math.abs(v));
  ok(peak < 1 && peak > 0.2, `pink peak ${peak}`);
});

/** Gain in dB of a biquad for a steady sine at `f`. */
function gainDb(mode: number, cutoff: number, q: number, f: number): number {
  const c = new Float64Array(7);
  biquadCoefficients(mode, cutoff, q, RATE, c, 0);
  const n = 48000;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.sin((2 * Math.PI * f * i) / RATE);
  const y = new Float64Array(n);
  biquadProcess(c, 0, 5, x, y, 0, n);
  let sx = 0, sy = 0;
  for (let i = n - 4800; i < n; i++) {
    sx += x[i] * x[i];
    sy += y[i] * y[i];
  }
  return 10 * Math.log10(sy / sx);
}

Deno.test("biquadCoefficients() follows the RBJ cookbook responses", () => {
  const near = (
    actual: number,
    expected: number,
    tolerance: number,
    what: string,
  ) =>
    ok(
      Math.abs(actual - expected) < tolerance,
      `${what}: ${actual.toFixed(2)} dB`,
    );
  near(
    gainDb(FILTER_LOWPASS, 1000, Math.SQRT1_2, 1000),
    -3.01,
    0.05,
    "LP at cutoff",
  );
  near(gainDb(FILTER_LOWPASS, 1000, Math.SQRT1_2, 100), 0, 0.05, "LP passband");
  ok(gainDb(FILTER_LOWPASS, 1000, Math.SQRT1_2, 8000) < -35, "LP stopband");
  near(
    gainDb(FILTER_HIGHPASS, 1000, Math.SQRT1_2, 1000),
    -3.01,
    0.05,
    "HP at cutoff",
  );
  near(
    gainDb(FILTER_HIGHPASS, 1000, Math.SQRT1_2, 10000),
    0,
    0.1,
    "HP passband",
  );
  ok(gainDb(FILTER_HIGHPASS, 1000, Math.SQRT1_2, 125) < -35, "HP stopband");
  near(gainDb(FILTER_BANDPASS, 2000, 4, 2000), 0, 0.05, "BP centre");
  ok(gainDb(FILTER_BANDPASS, 2000, 4, 500) < -20, "BP below");
  ok(gainDb(FILTER_NOTCH, 2000, 2, 2000) < -40, "notch centre");
  near(gainDb(FILTER_NOTCH, 2000, 2, 200), 0, 0.1, "notch away");
  // Resonance: Q 10 peaks about 20 dB at the cutoff.
  near(gainDb(FILTER_LOWPASS, 1000, 10, 1000), 20, 0.2, "LP Q 10");
});

Deno.test("envNext() runs linear attack, decay, sustain and release segments", () => {
  const s = new Float64Array(ENV_STATE);
  const steps = new Float64Array(2);
  envSteps(0.01, 0.1, 0.7, RATE, steps); // 480 frames up, 4800 down to 0.7
  const next = () => envNext(s, 0, steps[0], steps[1], 0.7);
  equal(next(), 0);
  equal(s[0], ENV_IDLE);
  envGateOn(s, 0);
  let level = 0;
  for (let i = 0; i < 479; i++) level = next();
  ok(Math.abs(level - 479 / 480) < 1e-9);
  equal(s[0], ENV_ATTACK);
  equal(next(), 1);
  equal(s[0], ENV_DECAY);
  for (let i = 0; i < 2400; i++) level = next();
  ok(Math.abs(level - 0.85) < 1e-9, String(level));
  for (let i = 0; i < 2400; i++) level = next();
  equal(level, 0.7);
  equal(s[0], ENV_SUSTAIN);
  equal(next(), 0.7);
  envGateOff(s, 0, 9600); // 0.2 s
  equal(s[0], ENV_RELEASE);
  for (let i = 0; i < 4800; i++) level = next();
  ok(Math.abs(level - 0.35) < 1e-9);
  for (let i = 0; i < 4800; i++) level = next();
  equal(level, 0);
  equal(s[0], ENV_IDLE);
  // Retrigger mid-release rises from the current level.
  envGateOn(s, 0);
  envGateOff(s, 0, 9600);
  envGateOn(s, 0);
  ok(next() > 0);
});

Deno.test("renderWave() renders exactly what waveSample() gives sample by sample", () => {
  for (const wave of [0, WAVE_SAW, WAVE_SQUARE, WAVE_TRIANGLE]) {
    for (const f0 of [55, 1000, 7777.7, 20000]) {
      const dt = f0 / RATE;
      const state = new Float64Array([0.123, dt, 0.3]);
      const out = new Float64Array(4096);
      for (let start = 0; start < out.length; start += 32) {
        renderWave(out, start, start + 32, wave, state, 0);
      }
      let phase = 0.123;
      for (let i = 0; i < out.length; i++) {
        if (out[i] !== waveSample(wave, phase, dt, 0.3)) {
          throw new Error(`wave ${wave} at ${f0} Hz differs at ${i}`);
        }
        phase += dt;
        if (phase >= 1) phase -= 1;
      }
    }
  }
});

Deno.test("envRender() and pinkFilter() match envNext() and pinkNext()", () => {
  const a = new Float64Array(ENV_STATE);
  const b = new Float64Array(ENV_STATE);
  const params = new Float64Array([0.002, 0.01, 0.4, 0.02]);
  const steps = new Float64Array(2);
  envSteps(params[0], params[1], params[2], RATE, steps);
  const out = new Float64Array(2000);
  envGateOn(a, 0);
  envGateOn(b, 0);
  envRender(a, 0, out, 0, 1000, params, 0, RATE);
  envGateOff(a, 0, 960);
  envRender(a, 0, out, 1000, 2000, params, 0, RATE);
  for (let i = 0; i < 2000; i++) {
    if (i === 1000) envGateOff(b, 0, 960);
    equal(out[i], envNext(b, 0, steps[0], steps[1], params[2]), `frame ${i}`);
  }
  equal(a[0], b[0]);
  const white = new Prng(3);
  const buffer = new Float64Array(1000);
  white.fillBipolar(buffer, 0, 1000);
  const copy = buffer.slice();
  const pa = new Float64Array(PINK_STATE);
  const pb = new Float64Array(PINK_STATE);
  pinkFilter(buffer, 0, 1000, pa, 0);
  for (let i = 0; i < 1000; i++) equal(buffer[i], pinkNext(pb, 0, copy[i]));
});
