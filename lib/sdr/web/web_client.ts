/**
 * The files of `shack sdr serve`'s own web client, embedded in the program
 * as text imports (inlined by `deno bundle` and `deno compile`, so nothing
 * is read from disk at run time). The server serves them at `/` unless
 * `html_root` names another frontend.
 *
 * @module
 */

import { MemorySource } from "../../core/http/memory_source.ts";
import appJs from "./app.js" with { type: "text" };
import audioEngineJs from "./audio_engine.js" with { type: "text" };
import audioWorkerJs from "./audio_worker.js" with { type: "text" };
import bandPlanJs from "./band_plan.js" with { type: "text" };
import bookmarksJs from "./bookmarks.js" with { type: "text" };
import cborJs from "./cbor.js" with { type: "text" };
import clientCss from "./client.css" with { type: "text" };
import colormapsJs from "./colormaps.js" with { type: "text" };
import connectionJs from "./connection.js" with { type: "text" };
import displayJs from "./display.js" with { type: "text" };
import favicon from "./favicon.svg" with { type: "text" };
import flacDecoderJs from "./flac_decoder.js" with { type: "text" };
import frequencyJs from "./frequency.js" with { type: "text" };
import indexHtml from "./index.html" with { type: "text" };
import jitterBufferJs from "./jitter_buffer.js" with { type: "text" };
import listenersJs from "./listeners.js" with { type: "text" };
import modesJs from "./modes.js" with { type: "text" };
import reconnectJs from "./reconnect.js" with { type: "text" };
import resamplerJs from "./resampler.js" with { type: "text" };
import smeterJs from "./smeter.js" with { type: "text" };
import urlStateJs from "./url_state.js" with { type: "text" };
import viewJs from "./view.js" with { type: "text" };
import wavRecorderJs from "./wav_recorder.js" with { type: "text" };
import zstdJs from "./zstd.js" with { type: "text" };

/**
 * The client's files by path (`index.html` is the page), as served.
 *
 * @example Usage
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { WEB_CLIENT_FILES } from "./web_client.ts";
 *
 * ok(WEB_CLIENT_FILES["index.html"].includes('src="app.js"'));
 * ok(Object.keys(WEB_CLIENT_FILES).includes("zstd.js"));
 * ```
 */
export const WEB_CLIENT_FILES: Readonly<Record<string, string>> = Object
  .freeze({
    "index.html": indexHtml,
    "client.css": clientCss,
    "favicon.svg": favicon,
    "app.js": appJs,
    "audio_engine.js": audioEngineJs,
    "audio_worker.js": audioWorkerJs,
    "band_plan.js": bandPlanJs,
    "bookmarks.js": bookmarksJs,
    "cbor.js": cborJs,
    "colormaps.js": colormapsJs,
    "connection.js": connectionJs,
    "display.js": displayJs,
    "flac_decoder.js": flacDecoderJs,
    "frequency.js": frequencyJs,
    "jitter_buffer.js": jitterBufferJs,
    "listeners.js": listenersJs,
    "modes.js": modesJs,
    "reconnect.js": reconnectJs,
    "resampler.js": resamplerJs,
    "smeter.js": smeterJs,
    "url_state.js": urlStateJs,
    "view.js": viewJs,
    "wav_recorder.js": wavRecorderJs,
    "zstd.js": zstdJs,
  });

/**
 * A {@link MemorySource} holding the web client (`index.html` is the page).
 * Each call returns a new source over the same embedded strings.
 *
 * @returns The source.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { webClientSource } from "./web_client.ts";
 *
 * const source = webClientSource();
 * equal((await source.lookup(["index.html"]))?.kind, "file");
 * equal((await source.lookup(["app.js"]))?.kind, "file");
 * ```
 */
export function webClientSource(): MemorySource {
  return new MemorySource(WEB_CLIENT_FILES);
}
