/**
 * Benchmarks of the per-listener audio chain (lib/sdr/audio): the cost of one
 * listener for one big-FFT frame, per mode, at fft_size 131072 and
 * 2.048 MS/s IQ (an RTL-SDR): 31.25 frames/s, audio_max_fft 768 → 384
 * samples of 12 kHz audio per frame. WBFM needs audio_sps 192000
 * (audio_max_fft 12288 → 6144 samples per frame at 192 kHz). The spectra are
 * real big-FFT frames of a band with noise and a few carriers, cycled.
 *
 * Share of one core per listener = frames/s × time per frame, e.g.
 * 31.25 × 20 µs = 0.0625 %. The target is ≤ 0.15 % (48 µs per frame).
 *
 * Run: `deno bench -A bench/sdr_audio_bench.ts`
 *
 * @module
 */

import { BigFft } from "../lib/sdr/big_fft.ts";
import { spectrumLayout } from "../lib/sdr/spectrum_layout.ts";
import {
  type AudioMode,
  ListenerAudio,
} from "../lib/sdr/audio/listener_audio.ts";
import { AudioSlice } from "../lib/sdr/audio/audio_slice.ts";
import type { FftBackendName } from "../lib/sdr/fft/fft_backend.ts";

const FFT_SIZE = 131072;

function noise(length: number, seed: number, scale: number): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = scale * (state / 2147483648 - 1);
  }
  return out;
}

/** Four consecutive big-FFT spectra of noise plus carriers around bin `dial`. */
async function spectra(sps: number, dial: number): Promise<Float32Array[]> {
  const layout = spectrumLayout({
    sps,
    frequency: 7_100_000,
    fftSize: FFT_SIZE,
    signal: "iq",
  });
  const big = await BigFft.create({
    fftSize: FFT_SIZE,
    signal: "iq",
    wrapBins: layout.audioFftSize,
  });
  const carrier = (dial - (FFT_SIZE / 2 - 1)) * layout.binHz;
  const out: Float32Array[] = [];
  for (let f = 0; f < 5; f++) {
    const half = noise(FFT_SIZE, 100 + f, 0.01);
    for (let j = 0; j < FFT_SIZE / 2; j++) {
      const t = (f * FFT_SIZE / 2 + j) / sps;
      // AM broadcast-like carrier on the dial, an SSB-like tone, FM-ish.
      const a = 0.02 * (1 + 0.5 * Math.cos(2 * Math.PI * 700 * t));
      const fm = 2 * Math.PI * carrier * t +
        2 * Math.sin(2 * Math.PI * 900 * t);
      half[2 * j] += a * Math.cos(2 * Math.PI * carrier * t) +
        0.005 * Math.cos(fm);
      half[2 * j + 1] += a * Math.sin(2 * Math.PI * carrier * t) +
        0.005 * Math.sin(fm);
    }
    big.process(half);
    if (f > 0) out.push(Float32Array.from(big.spectrum));
  }
  big.dispose();
  return out;
}

interface Case {
  mode: AudioMode;
  /** Window half-widths below and above the dial, in Hz. */
  below: number;
  above: number;
  sps?: number;
  audioSps?: number;
  backend?: FftBackendName;
  label?: string;
}

const CASES: Case[] = [
  { mode: "USB", below: 0, above: 2800 },
  { mode: "LSB", below: 2800, above: 0 },
  { mode: "CW-U", below: 250, above: 250 },
  { mode: "AM", below: 5000, above: 5000 },
  { mode: "SAM", below: 5000, above: 5000 },
  { mode: "FM", below: 5000, above: 5000 },
  {
    mode: "USB",
    below: 0,
    above: 2800,
    backend: "fftjs",
    label: "USB, fft.js fallback (Bluestein 2048)",
  },
  {
    mode: "USB",
    below: 0,
    above: 2800,
    sps: 2_400_000,
    label: "USB at 2.4 MS/s (audio_max_fft 656, Bluestein 1440)",
  },
  {
    mode: "FM",
    below: 95_000,
    above: 95_000,
    audioSps: 192_000,
    label: "WBFM (FM ±95 kHz, audio_sps 192000, 6144 samples/frame)",
  },
];

const DIAL = 80_000;
const cache = new Map<number, Float32Array[]>();

for (const c of CASES) {
  const sps = c.sps ?? 2_048_000;
  if (!cache.has(sps)) cache.set(sps, await spectra(sps, DIAL));
  const frames = cache.get(sps)!;
  const layout = spectrumLayout({
    sps,
    frequency: 7_100_000,
    fftSize: FFT_SIZE,
    signal: "iq",
    audioSps: c.audioSps ?? 12000,
  });
  const listener = await ListenerAudio.create({
    ...layout,
    mode: c.mode,
    ...(c.backend ? { backend: c.backend } : {}),
  });
  const l = DIAL - Math.round(c.below / layout.binHz);
  const r = DIAL + Math.round(c.above / layout.binHz);
  if (!listener.setWindow(l, DIAL + 0.3, r)) {
    throw new Error(`Expected the window [${l}, ${r}) to be accepted`);
  }
  let frame = 0;
  const fps = (2 * sps) / FFT_SIZE;
  Deno.bench({
    name: `${c.label ?? c.mode} (${fps} frames/s)`,
    group: "one listener, one frame",
    fn() {
      listener.process(frames[frame & 3], frame);
      frame++;
    },
  });
}

// The slice alone (bin copy + 768-point inverse DFT + overlap-add).
{
  const layout = spectrumLayout({
    sps: 2_048_000,
    frequency: 7_100_000,
    fftSize: FFT_SIZE,
    signal: "iq",
  });
  const slice = await AudioSlice.create(layout);
  slice.setWindow(DIAL - 320, DIAL + 0.3, DIAL + 320);
  const frames = cache.get(2_048_000)!;
  let frame = 0;
  Deno.bench({
    name: "AudioSlice only, audio_max_fft 768 (31.25 frames/s)",
    group: "parts",
    fn() {
      slice.process(frames[frame & 3], frame);
      frame++;
    },
  });
}
