/**
 * lib/sdr/web: the browser client that `shack sdr serve` shows at `/` — a
 * waterfall with spectrum and scale, zoom and pan on the server's levels,
 * click-to-tune, USB/LSB/AM/SAM/FM/WBFM/CW, FLAC and Opus audio (WebCodecs,
 * or FLAC in a Worker), jitter buffer, S-meter, squelch, recording,
 * markers, band plan, bookmarks, shareable URLs and reconnects. Its files
 * are embedded ({@linkcode webClientSource}); the plain JavaScript modules
 * with no DOM (`frequency.js`, `modes.js`, `view.js`, `colormaps.js`,
 * `smeter.js`, `jitter_buffer.js`, `resampler.js`, `cbor.js`,
 * `flac_decoder.js`, `url_state.js`, `band_plan.js`, `bookmarks.js`,
 * `listeners.js`, `reconnect.js`, `wav_recorder.js`) are imported by the
 * page and by Deno's tests alike. `zstd.js` is generated from npm `fzstd`
 * by `build_zstd_bundle.ts`.
 *
 * @example Serve the client from a server of your own
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { serveStatic } from "../../core/http/static_files.ts";
 * import { webClientSource } from "./mod.ts";
 *
 * const response = await serveStatic(new Request("http://localhost/"), webClientSource());
 * equal(response?.status, 200);
 * equal(response?.headers.get("content-type"), "text/html; charset=utf-8");
 * await response?.body?.cancel();
 * ```
 *
 * @module
 */

export * from "./web_client.ts";
