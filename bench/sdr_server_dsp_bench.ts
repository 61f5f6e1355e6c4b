/**
 * DSP time per frame of `shack sdr serve`'s engine (lib/sdr/server/
 * dsp_engine.ts), in-process: one `DspEngine.processHop()` at fft_size
 * 131072, 2.048 MS/s IQ (an RTL-SDR: 31.25 frames/s, audio_max_fft 768 →
 * 384 samples of 12 kHz audio per listener and frame), with N listeners
 * spread over the band in USB/AM/FM/LSB, and a waterfall line every
 * `skip` = 2 frames, as served (so each figure is the average of a frame
 * with and one without the waterfall levels). The result is also packed
 * into the transferable frame message, as in the Worker.
 *
 * Share of one core = 31.25 × time per frame.
 *
 * Run: `deno bench -A bench/sdr_server_dsp_bench.ts`
 *
 * @module
 */

import { DspEngine } from "../lib/sdr/server/dsp_engine.ts";

const FFT_SIZE = 131072;
const SPS = 2_048_000;

function noise(length: number, seed: number, scale: number): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = scale * (state / 2147483648 - 1);
  }
  return out;
}

const hops = [0, 1, 2, 3].map((seed) => noise(FFT_SIZE, seed + 1, 0.05));
const MODES = ["USB", "AM", "FM", "LSB"];

async function engine(listeners: number, waterfall: boolean) {
  const dsp = await DspEngine.create({
    sps: SPS,
    frequency: 7_100_000,
    fftSize: FFT_SIZE,
    signal: "iq",
    waterfallSize: 1024,
  });
  for (let i = 0; i < listeners; i++) {
    const m = 2000 +
      Math.floor((i * (FFT_SIZE - 4000)) / Math.max(1, listeners));
    dsp.addListener(i + 1, {
      l: m - 300,
      m,
      r: m + 300,
      mode: MODES[i % MODES.length],
    });
  }
  // The coarsest level whole, and a zoomed level-2 span.
  dsp.setWaterfallSpans(
    waterfall ? [0, 0, 0, 0, 1000, 2000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1024] : [],
  );
  // Warm up the overlap-add and the AGCs.
  for (let n = 0; n < 4; n++) dsp.processHop(hops[n]);
  return dsp;
}

for (const listeners of [0, 1, 10, 50, 100]) {
  const dsp = await engine(listeners, true);
  let n = 0;
  Deno.bench({
    name: `processHop(), ${listeners} listeners + waterfall every 2nd frame`,
    group: "per frame, as served",
    baseline: listeners === 0,
    fn() {
      dsp.processHop(hops[n++ & 3]);
    },
  });
}

for (const listeners of [1, 100]) {
  const dsp = await engine(listeners, false);
  let n = 0;
  Deno.bench({
    name: `processHop(), ${listeners} listeners, no waterfall client`,
    group: "audio only",
    fn() {
      dsp.processHop(hops[n++ & 3]);
    },
  });
}
