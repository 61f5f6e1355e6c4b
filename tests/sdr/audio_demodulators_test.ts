import { deepEqual, equal, ok, throws } from "node:assert/strict";
import {
  AmDemodulator,
  CwDemodulator,
  fastAtan2,
  FmDemodulator,
  SamDemodulator,
  SsbDemodulator,
  WbfmDemodulator,
} from "../../lib/sdr/audio/demodulators.ts";
import {
  type AudioMode,
  ListenerAudio,
  type ListenerAudioOptions,
} from "../../lib/sdr/audio/listener_audio.ts";
import { BigFft } from "../../lib/sdr/big_fft.ts";
import { spectrumLayout } from "../../lib/sdr/spectrum_layout.ts";

// An RTL-SDR: 2.048 MS/s IQ, N = 131072 (15.625 Hz bins, 31.25 frames/s,
// audio_max_fft 768 → 12 kHz, 384 samples per frame).
const SPS = 2_048_000;
const FFT = 131072;
const BIN_HZ = SPS / FFT;

/** Hz from the centre of waterfall bin `m` (bin N/2 − 1 is 0 Hz). */
function binToHz(m: number): number {
  return (m - (FFT / 2 - 1)) * BIN_HZ;
}

interface ChainOptions {
  mode: AudioMode;
  l: number;
  m: number;
  r: number;
  frames: number;
  /** Writes the IQ sample at time t (s) into half[2j], half[2j+1]. */
  signal: (t: number, half: Float32Array, j: number) => void;
  audioSps?: number;
  listener?: Partial<ListenerAudioOptions>;
}

/** Runs a synthetic IQ stream through BigFft and a ListenerAudio. */
async function chain(options: ChainOptions) {
  const layout = spectrumLayout({
    sps: SPS,
    frequency: 100_000_000,
    fftSize: FFT,
    signal: "iq",
    audioSps: options.audioSps ?? 12000,
  });
  const big = await BigFft.create({
    fftSize: FFT,
    signal: "iq",
    wrapBins: layout.audioFftSize,
  });
  const listener = await ListenerAudio.create({
    ...layout,
    mode: options.mode,
    ...options.listener,
  });
  try {
    ok(listener.setWindow(options.l, options.m, options.r));
    const half = new Float32Array(big.hopFloats);
    const pcm = new Float32Array(options.frames * listener.samplesPerFrame);
    for (let f = 0; f < options.frames; f++) {
      for (let j = 0; j < big.hopSamples; j++) {
        options.signal((f * big.hopSamples + j) / SPS, half, j);
      }
      big.process(half);
      const out = listener.process(big.spectrum, f);
      for (let i = 0; i < out.length; i++) {
        pcm[f * listener.samplesPerFrame + i] = out[i] / 32768;
      }
    }
    return {
      pcm,
      rate: listener.sampleRate,
      activeMode: listener.activeMode,
      samLocked: listener.samLocked,
      clipped: listener.clipped,
      block: listener.samplesPerFrame,
    };
  } finally {
    listener.dispose();
    big.dispose();
  }
}

/**
 * Least-squares fit of DC + a·cos + b·sin at `hz` over x[from, to): the
 * tone's amplitude and the ratio of its power to everything else (dB).
 */
function fitTone(x: Float32Array, hz: number, rate: number, from: number) {
  const to = x.length;
  // Normal equations for [1, cos, sin].
  const m = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const v = [0, 0, 0];
  for (let n = from; n < to; n++) {
    const basis = [
      1,
      Math.cos((2 * Math.PI * hz * n) / rate),
      Math.sin((2 * Math.PI * hz * n) / rate),
    ];
    for (let i = 0; i < 3; i++) {
      v[i] += basis[i] * x[n];
      for (let j = 0; j < 3; j++) m[3 * i + j] += basis[i] * basis[j];
    }
  }
  const [dc, a, b] = solve3(m, v);
  let residual = 0;
  let tone = 0;
  for (let n = from; n < to; n++) {
    const t = a * Math.cos((2 * Math.PI * hz * n) / rate) +
      b * Math.sin((2 * Math.PI * hz * n) / rate);
    tone += t * t;
    residual += (x[n] - dc - t) ** 2;
  }
  return {
    amplitude: Math.hypot(a, b),
    snrDb: 10 * Math.log10(tone / residual),
  };
}

function solve3(m: number[], v: number[]): number[] {
  const a = [...m];
  const b = [...v];
  for (let c = 0; c < 3; c++) {
    for (let r = c + 1; r < 3; r++) {
      const f = a[3 * r + c] / a[3 * c + c];
      for (let k = c; k < 3; k++) a[3 * r + k] -= f * a[3 * c + k];
      b[r] -= f * b[c];
    }
  }
  const x = [0, 0, 0];
  for (let r = 2; r >= 0; r--) {
    let s = b[r];
    for (let k = r + 1; k < 3; k++) s -= a[3 * r + k] * x[k];
    x[r] = s / a[3 * r + r];
  }
  return x;
}

/** Frequency from rising zero crossings (linearly interpolated). */
function zeroCrossingHz(x: Float32Array, rate: number, from: number): number {
  let first = -1;
  let last = -1;
  let count = 0;
  for (let n = from + 1; n < x.length; n++) {
    if (x[n - 1] < 0 && x[n] >= 0) {
      const t = n - 1 + -x[n - 1] / (x[n] - x[n - 1]);
      if (first < 0) first = t;
      else count++;
      last = t;
    }
  }
  return (count * rate) / (last - first);
}

/** A complex tone (or sum of tones) of the given amplitudes. */
function tones(list: { hz: number; amplitude: number }[]) {
  return (t: number, half: Float32Array, j: number) => {
    let re = 0;
    let im = 0;
    for (const { hz, amplitude } of list) {
      re += amplitude * Math.cos(2 * Math.PI * hz * t);
      im += amplitude * Math.sin(2 * Math.PI * hz * t);
    }
    half[2 * j] = re;
    half[2 * j + 1] = im;
  };
}

const DIAL = 75_000; // waterfall bin: 148 kHz above the centre
const FROM = 16 * 384; // measure after 0.5 s (AGC settled)

for (
  const [mode, want, reject] of [["USB", 1000, 1500], [
    "LSB",
    1500,
    1000,
  ]] as const
) {
  Deno.test(`ListenerAudio ${mode} recovers its tone at the right pitch and rejects the other sideband`, async () => {
    const dial = binToHz(DIAL);
    const out = await chain({
      mode,
      // A window across both sidebands: only the sideband selection rejects.
      l: DIAL - 200,
      m: DIAL,
      r: DIAL + 200,
      frames: 40,
      signal: tones([
        { hz: dial + 1000, amplitude: 0.01 },
        { hz: dial - 1500, amplitude: 0.01 },
      ]),
    });
    equal(out.rate, 12000);
    const good = fitTone(out.pcm, want, out.rate, FROM);
    const bad = fitTone(out.pcm, reject, out.rate, FROM);
    ok(good.snrDb > 40, `${want} Hz SNR ${good.snrDb} dB`);
    const rejection = 20 * Math.log10(good.amplitude / bad.amplitude);
    ok(rejection > 50, `opposite sideband ${rejection} dB down`);
    const hz = zeroCrossingHz(out.pcm, out.rate, FROM);
    ok(Math.abs(hz - want) < 0.5, `pitch ${hz} Hz`);
    equal(out.clipped, 0);
  });
}

Deno.test("ListenerAudio AM (envelope) recovers the modulating tone", async () => {
  const carrier = binToHz(DIAL) + 23; // off the bin centre
  const out = await chain({
    mode: "AM",
    l: DIAL - 320,
    m: DIAL,
    r: DIAL + 320,
    frames: 40,
    signal: (t, half, j) => {
      const a = 0.02 * (1 + 0.5 * Math.cos(2 * Math.PI * 1000 * t));
      half[2 * j] = a * Math.cos(2 * Math.PI * carrier * t);
      half[2 * j + 1] = a * Math.sin(2 * Math.PI * carrier * t);
    },
  });
  const fit = fitTone(out.pcm, 1000, out.rate, FROM);
  ok(fit.snrDb > 35, `SNR ${fit.snrDb} dB`);
  ok(fit.amplitude > 0.1, `level ${fit.amplitude}`); // the AGC's target 0.2
});

Deno.test("ListenerAudio SAM locks onto a carrier 37 Hz off and recovers the modulating tone", async () => {
  const carrier = binToHz(DIAL) + 37;
  const out = await chain({
    mode: "SAM",
    l: DIAL - 320,
    m: DIAL,
    r: DIAL + 320,
    frames: 40,
    signal: (t, half, j) => {
      const a = 0.02 * (1 + 0.5 * Math.cos(2 * Math.PI * 1000 * t));
      half[2 * j] = a * Math.cos(2 * Math.PI * carrier * t + 1);
      half[2 * j + 1] = a * Math.sin(2 * Math.PI * carrier * t + 1);
    },
  });
  ok(out.samLocked);
  const fit = fitTone(out.pcm, 1000, out.rate, FROM);
  ok(fit.snrDb > 35, `SNR ${fit.snrDb} dB`);
});

Deno.test("ListenerAudio FM recovers the modulating tone (2.5 kHz deviation)", async () => {
  const carrier = binToHz(DIAL);
  const out = await chain({
    mode: "FM",
    l: DIAL - 320,
    m: DIAL,
    r: DIAL + 320,
    frames: 40,
    signal: (t, half, j) => {
      const phase = 2 * Math.PI * carrier * t +
        2.5 * Math.sin(2 * Math.PI * 1000 * t); // β = 2500/1000
      half[2 * j] = 0.01 * Math.cos(phase);
      half[2 * j + 1] = 0.01 * Math.sin(phase);
    },
  });
  equal(out.activeMode, "FM");
  const fit = fitTone(out.pcm, 1000, out.rate, FROM);
  ok(fit.snrDb > 30, `SNR ${fit.snrDb} dB`);
  const hz = zeroCrossingHz(out.pcm, out.rate, FROM);
  ok(Math.abs(hz - 1000) < 0.5, `pitch ${hz} Hz`);
});

Deno.test("ListenerAudio FM on a ±95 kHz window runs WBFM and recovers the tone of a 75 kHz-deviation signal", async () => {
  const carrier = binToHz(DIAL);
  const width = Math.round(95_000 / BIN_HZ);
  const out = await chain({
    mode: "FM",
    audioSps: 192000, // audio_max_fft 12288 → 192 kS/s
    l: DIAL - width,
    m: DIAL,
    r: DIAL + width,
    frames: 24,
    signal: (t, half, j) => {
      // 67.5 kHz of programme (1 kHz) + 7.5 kHz of 19 kHz pilot.
      const phase = 2 * Math.PI * carrier * t +
        (67_500 / 1000) * Math.sin(2 * Math.PI * 1000 * t) +
        (7_500 / 19_000) * Math.sin(2 * Math.PI * 19_000 * t);
      half[2 * j] = 0.1 * Math.cos(phase);
      half[2 * j + 1] = 0.1 * Math.sin(phase);
    },
  });
  equal(out.activeMode, "WBFM");
  equal(out.rate, 192000);
  equal(out.block, 6144);
  const from = 16 * 6144;
  const tone = fitTone(out.pcm, 1000, out.rate, from);
  const pilot = fitTone(out.pcm, 19_000, out.rate, from);
  ok(tone.snrDb > 20, `SNR ${tone.snrDb} dB`);
  // The pilot went in 19 dB below the tone; the low-pass takes ~9 dB more.
  const down = 20 * Math.log10(tone.amplitude / pilot.amplitude);
  ok(down > 19 + 7, `pilot ${down} dB below the tone`);
});

for (
  const [mode, bfoHz] of [["CW-U", 700], ["CW-L", 700], ["CW-U", 550]] as const
) {
  Deno.test(`ListenerAudio ${mode} with a ${bfoHz} Hz BFO sounds a carrier on a fractional dial at ${bfoHz} Hz`, async () => {
    const m = DIAL + 0.4;
    const carrier = binToHz(m);
    const out = await chain({
      mode,
      l: DIAL - 64,
      m,
      r: DIAL + 64,
      frames: 40,
      listener: { bfoHz },
      signal: tones([{ hz: carrier, amplitude: 0.005 }]),
    });
    const hz = zeroCrossingHz(out.pcm, out.rate, FROM);
    ok(Math.abs(hz - bfoHz) < 0.2, `pitch ${hz} Hz`);
    const fit = fitTone(out.pcm, bfoHz, out.rate, FROM);
    ok(fit.snrDb > 40, `SNR ${fit.snrDb} dB`);
  });
}

Deno.test("fastAtan2() stays within 1e-5 rad of Math.atan2()", () => {
  let worst = 0;
  for (let i = 0; i < 20000; i++) {
    const angle = -Math.PI + (2 * Math.PI * i) / 20000;
    const r = 0.001 + (i % 7);
    const y = r * Math.sin(angle);
    const x = r * Math.cos(angle);
    worst = Math.max(worst, Math.abs(fastAtan2(y, x) - Math.atan2(y, x)));
  }
  ok(worst < 1e-5, `worst error ${worst}`);
  equal(fastAtan2(0, 0), 0);
  ok(Number.isNaN(fastAtan2(NaN, 1)));
});

Deno.test("SsbDemodulator, CwDemodulator and AmDemodulator report their slice settings", () => {
  const usb = new SsbDemodulator({ sideband: "upper" });
  const lsb = new SsbDemodulator({ sideband: "lower" });
  deepEqual([usb.mode, usb.sideband, usb.carrierOffsetHz], ["USB", "upper", 0]);
  deepEqual([lsb.mode, lsb.sideband], ["LSB", "lower"]);
  const cw = new CwDemodulator({ sideband: "upper" });
  deepEqual([cw.mode, cw.bfoHz, cw.carrierOffsetHz], ["CW-U", 700, -700]);
  equal(new AmDemodulator().sideband, "both");
  throws(() => new SsbDemodulator({ sideband: "both" as "upper" }), RangeError);
  throws(() => new CwDemodulator({ sideband: "upper", bfoHz: -1 }), RangeError);
  throws(
    () => usb.process(new Float32Array(3), new Float32Array(2)),
    RangeError,
  );
});

Deno.test("FmDemodulator de-emphasis: 750 µs is −3 dB at 212 Hz and −14 dB at 1 kHz", () => {
  const rate = 12000;
  const gainAt = (hz: number) => {
    const fm = new FmDemodulator({ sampleRate: rate, deviationHz: 1000 });
    const n = 24000;
    const input = new Float32Array(2 * n);
    let phase = 0;
    for (let i = 0; i < n; i++) {
      // Instantaneous frequency 100·sin(2πf t) Hz → output 0.1·sin.
      phase += (2 * Math.PI * 100 * Math.sin((2 * Math.PI * hz * i) / rate)) /
        rate;
      input[2 * i] = Math.cos(phase);
      input[2 * i + 1] = Math.sin(phase);
    }
    const out = new Float32Array(n);
    fm.process(input, out);
    let peak = 0;
    for (let i = n / 2; i < n; i++) peak = Math.max(peak, Math.abs(out[i]));
    return 20 * Math.log10(peak / 0.1);
  };
  ok(Math.abs(gainAt(212.2) + 3.01) < 0.2, `212 Hz: ${gainAt(212.2)}`);
  // −13.7 dB analogue; the bilinear transform's warping makes it −14.0.
  ok(Math.abs(gainAt(1000) + 14.0) < 0.2, `1 kHz: ${gainAt(1000)}`);
  throws(() => new FmDemodulator({ sampleRate: 0 }), RangeError);
  throws(
    () => new FmDemodulator({ sampleRate: 12000, deemphasisUs: -1 }),
    RangeError,
  );
  throws(
    () => new WbfmDemodulator({ sampleRate: 192000, deviationHz: 0 }),
    RangeError,
  );
});

Deno.test("SamDemodulator pulls in from 300 Hz off, keeps state across calls and unlocks on reset()", () => {
  const rate = 12000;
  const sam = new SamDemodulator({ sampleRate: rate });
  const block = 384;
  const input = new Float32Array(2 * block);
  const out = new Float32Array(block);
  for (let frame = 0; frame < 60; frame++) {
    for (let i = 0; i < block; i++) {
      const n = frame * block + i;
      const a = 1 + 0.3 * Math.cos((2 * Math.PI * 800 * n) / rate);
      input[2 * i] = a * Math.cos((2 * Math.PI * 300 * n) / rate);
      input[2 * i + 1] = a * Math.sin((2 * Math.PI * 300 * n) / rate);
    }
    sam.process(input, out);
  }
  ok(sam.locked);
  ok(Math.abs(sam.offsetHz - 300) < 0.5, `offset ${sam.offsetHz}`);
  // Locked: the output is the envelope, 1 + 0.3·cos.
  for (let i = 0; i < block; i++) {
    const n = 59 * block + i;
    const want = 1 + 0.3 * Math.cos((2 * Math.PI * 800 * n) / rate);
    ok(Math.abs(out[i] - want) < 0.01, `sample ${i}: ${out[i]} vs ${want}`);
  }
  sam.reset();
  equal(sam.locked, false);
  equal(sam.offsetHz, 0);
});
