/**
 * lib/sdr/wire: the byte-level protocol of `shack sdr serve`, wire-compatible
 * with PhantomSDR/PhantomSDR+ (sdr-phantomsdr.md §2), pure (no sockets):
 *
 * - `/waterfall`: CBOR line packets (`waterfall_packet`), zstd-compressed
 *   one stream per connection, flushed per line (`waterfall_compressor`).
 * - `/audio`: FLAC with a block size equal to the audio frame size
 *   (`flac_encoder`; `flac_decoder` for tests), wrapped in CBOR packets with
 *   the `r = 0` header packets first (`audio_packet`), or raw 20 ms Opus
 *   packets (`opus_encoder`, libopus in wasm loaded bundle-safely by
 *   `opus_module`; `opus_decoder` for tests).
 * - The settings JSON, the first text frame on `/audio` and `/waterfall`
 *   (`settings_json`), and the `/events` messages (`events_message`).
 * - Client commands, parsed leniently and validated strictly (`commands`).
 *
 * @example A waterfall line and an audio frame, as sent
 * ```ts
 * import { equal } from "node:assert/strict";
 * import {
 *   decodeAudioPacket, encodeAudioPacket, FlacEncoder, parseCommand, WaterfallCompressor,
 * } from "./mod.ts";
 *
 * const compressor = new WaterfallCompressor();
 * const message = await compressor.compressLine({
 *   frameNum: 0, l: 0, r: 1024, data: new Int8Array(1024),
 * });
 * equal(message![0], 0x28); // zstd magic 28 b5 2f fd
 * compressor.close();
 *
 * const flac = new FlacEncoder({ sampleRate: 12000, blockSize: 384 });
 * const frame = flac.encode(new Int16Array(384));
 * const packet = encodeAudioPacket({ frameNum: 1, l: 0, m: 71936, r: 192, pwr: 1e-9, data: frame });
 * equal(decodeAudioPacket(packet).data.length, frame.length);
 *
 * const parsed = parseCommand('{"cmd":"mute","mute":true}', {
 *   socket: "audio", fftResultSize: 131072, audioMaxFft: 768,
 * });
 * equal(parsed.ok, true);
 * ```
 *
 * @module
 */

export * from "./wire_format_error.ts";
export * from "./waterfall_packet.ts";
export * from "./waterfall_compressor.ts";
export * from "./flac_encoder.ts";
export * from "./flac_decoder.ts";
export * from "./opus_module.ts";
export * from "./opus_unavailable_error.ts";
export * from "./opus_encoder.ts";
export * from "./opus_decoder.ts";
export * from "./audio_packet.ts";
export * from "./settings_json.ts";
export * from "./events_message.ts";
export * from "./commands.ts";
