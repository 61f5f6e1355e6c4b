/**
 * lib/sdr: the pure DSP layer of `shack sdr serve`, a WebSDR backend
 * wire-compatible with PhantomSDR/PhantomSDR+. Input bytes become Float32
 * samples (`sample_format`), the big FFT frames them with a 50 %-overlap Hann
 * window and normalises to `X/N` (`big_fft`, on PFFFT-wasm or fft.js via
 * `fft/`), the waterfall computes power, zoom levels and the signed 8-bit
 * lines (`waterfall`), and `smeter` gives the audio packets' `pwr`. Arrays in,
 * arrays out; no I/O, no clocks; nothing allocated per frame.
 *
 * @example One frame from u8 IQ bytes to a waterfall line
 * ```ts
 * import { equal } from "node:assert/strict";
 * import {
 *   BigFft, SampleStreamConverter, selectWaterfallLevel, spectrumLayout, Waterfall,
 * } from "./mod.ts";
 *
 * const layout = spectrumLayout({ sps: 48000, frequency: 7_100_000, fftSize: 4096, signal: "iq" });
 * const converter = new SampleStreamConverter("u8", { signal: "iq" });
 * const big = await BigFft.create({ fftSize: 4096, signal: "iq", wrapBins: layout.audioFftSize });
 * const waterfall = new Waterfall({ fftSize: 4096, signal: "iq", waterfallSize: 1024 });
 * const samples = new Float32Array(big.hopFloats);
 * equal(converter.push(new Uint8Array(4096).fill(128), samples), 4096);
 * big.process(samples);
 * waterfall.update(big.spectrum);
 * const window = selectWaterfallLevel(0, 4096, {
 *   levels: waterfall.levels, waterfallSize: 1024, fftResultSize: 4096,
 * });
 * equal(window?.level, 2);
 * equal(waterfall.levelData(2)[0], -128); // silence
 * big.dispose();
 * ```
 *
 * @module
 */

export * from "./sample_format.ts";
export * from "./spectrum_layout.ts";
export * from "./big_fft.ts";
export * from "./waterfall.ts";
export * from "./smeter.ts";
export * from "./fft/fft_backend.ts";
export * from "./wire/mod.ts";
export * from "./audio/mod.ts";
export * from "./sources/mod.ts";
export * from "./server/mod.ts";
export * from "./chat/mod.ts";
export * from "./web/mod.ts";
