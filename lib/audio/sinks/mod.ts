/**
 * Audio outputs for `shack audio run`: the {@link Sink} interface, WAV
 * files, raw PCM on stdout, a null sink, a pipe to `pw-cat`/`pacat`/`aplay`,
 * browsers over HTTP, real-time pacing by a drift-free deadline clock, and
 * recording to WAV on command.
 *
 * @example Rendering to a WAV file as fast as possible
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseWavHeader, WavSink } from "./mod.ts";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   const sink = await WavSink.open(`${dir}/a.wav`, { sampleRate: 48000, channels: 2, blockSize: 256 });
 *   await sink.write(new Float32Array(512));
 *   await sink.close();
 *   equal(parseWavHeader(await Deno.readFile(`${dir}/a.wav`)).dataBytes, 1024);
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 *
 * @module
 */

export * from "./sink.ts";
export * from "./pcm.ts";
export * from "./wav_header.ts";
export * from "./wav_sink.ts";
export * from "./raw_sink.ts";
export * from "./deadline_clock.ts";
export * from "./null_sink.ts";
export * from "./paced_sink.ts";
export * from "./pipe_tools.ts";
export * from "./pipe_sink.ts";
export * from "./http_sink.ts";
export * from "./wav_recorder.ts";
