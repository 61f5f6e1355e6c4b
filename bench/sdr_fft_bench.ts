/**
 * Benchmarks of the lib/sdr FFT layer: fft.js against PFFFT-wasm (SIMD) for
 * single complex transforms of 4096 and 131072 points, and the whole big-FFT
 * frame at fft_size 131072 IQ (Hann window over the previous and the new
 * half-frame + FFT + X/N normalisation + waterfall power, 8 zoom levels and
 * the int8 quantiser), per backend.
 *
 * Throughput: each frame consumes N/2 = 65536 new samples (50 % overlap), so
 * MS/s = iter/s × 65536 / 10^6. An RTL-SDR at 2.048 MS/s needs 31.25 frames/s.
 *
 * Run: `deno bench -A bench/sdr_fft_bench.ts`
 *
 * @module
 */

import { BigFft } from "../lib/sdr/big_fft.ts";
import { createFft, type FftBackendName } from "../lib/sdr/fft/fft_backend.ts";
import { Waterfall } from "../lib/sdr/waterfall.ts";

const BACKENDS: FftBackendName[] = ["fftjs", "pffft"];

function noise(length: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2147483648 - 1;
  }
  return out;
}

for (const size of [4096, 131072]) {
  for (const backend of BACKENDS) {
    const fft = await createFft(size, { backend });
    fft.input.set(noise(2 * size, size));
    Deno.bench({
      name: `${backend} complex forward, N=${size}`,
      group: `fft ${size}`,
      baseline: backend === "fftjs",
      fn() {
        fft.forward();
      },
    });
  }
}

const FFT_SIZE = 131072;
/** Four different half-frames, cycled, so the data is not constant. */
const HALVES = [0, 1, 2, 3].map((i) => noise(FFT_SIZE, 77 + i));

for (const backend of BACKENDS) {
  const big = await BigFft.create({
    fftSize: FFT_SIZE,
    signal: "iq",
    wrapBins: 768,
    backend,
  });
  const waterfall = new Waterfall({
    fftSize: FFT_SIZE,
    signal: "iq",
    waterfallSize: 1024,
  });
  let frame = 0;
  Deno.bench({
    name: `${backend} big frame (window+FFT+X/N+waterfall), N=131072 IQ`,
    group: "big frame 131072 IQ (65536 samples per iter)",
    baseline: backend === "fftjs",
    fn() {
      big.process(HALVES[frame++ & 3]);
      waterfall.update(big.spectrum);
    },
  });
  if (backend === "pffft") {
    Deno.bench({
      name: "pffft big frame without waterfall, N=131072 IQ",
      group: "big frame 131072 IQ (65536 samples per iter)",
      fn() {
        big.process(HALVES[frame++ & 3]);
      },
    });
    Deno.bench({
      name: "waterfall update only (power, 8 levels, quantiser), N=131072 IQ",
      group: "big frame 131072 IQ (65536 samples per iter)",
      fn() {
        waterfall.update(big.spectrum);
      },
    });
  }
}
