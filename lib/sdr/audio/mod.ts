/**
 * lib/sdr/audio: the per-listener audio chain of `shack sdr serve`
 * (sdr-phantomsdr.md §1.5–§1.8). A listener's window cuts bins out of the
 * shared big FFT (`AudioSlice`, on an `InverseDft` of PhantomSDR's
 * `audio_max_fft` points, Bluestein when the backends cannot plan that size),
 * a demodulator turns the complex baseband into audio (`demodulators`), and
 * `post` cleans it up (DC blocker, low-latency AGC, squelch, noise blanker,
 * 16-bit PCM). `ListenerAudio` ties them together per listener. Nothing is
 * allocated per frame.
 *
 * @example One listener on a silent band
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { spectrumLayout } from "../spectrum_layout.ts";
 * import { ListenerAudio } from "./mod.ts";
 *
 * const layout = spectrumLayout({ sps: 48000, frequency: 7_100_000, fftSize: 4096, signal: "iq" });
 * const listener = await ListenerAudio.create({ ...layout, mode: "AM" });
 * equal(listener.setWindow(2000, 2048, 2096), true);
 * const pcm = listener.process(new Float32Array(2 * 4096));
 * equal(pcm.length, layout.audioFftSize / 2);
 * equal(listener.pwr, 0);
 * listener.dispose();
 * ```
 *
 * @module
 */

export * from "./inverse_dft.ts";
export * from "./audio_slice.ts";
export * from "./demodulators.ts";
export * from "./post.ts";
export * from "./listener_audio.ts";
