/**
 * Chooses how to read a channel: the direct proxy for MPEG-TS over HTTP(S)
 * (no ffmpeg needed), an ffmpeg remux for HLS/DASH playlists and non-HTTP
 * inputs (RTSP, RTMP, UDP …), and a fallback to ffmpeg when a "direct"
 * URL turns out to serve a playlist.
 *
 * @module
 */

import type { Channel } from "../channel.ts";
import {
  type DirectUpstreamOptions,
  openDirectUpstream,
} from "./direct_upstream.ts";
import {
  type FfmpegUpstreamOptions,
  openFfmpegUpstream,
} from "./ffmpeg_upstream.ts";
import type { UpstreamOpener, UpstreamReader } from "./upstream.ts";
import { UpstreamError } from "./upstream_error.ts";

/**
 * The two ways of reading an upstream.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { UpstreamKind } from "./select_upstream.ts";
 *
 * const kind: UpstreamKind = "direct";
 * equal(kind, "direct");
 * ```
 */
export type UpstreamKind = "direct" | "ffmpeg";

/**
 * The way a channel URL is read: `ffmpeg` for playlists (`.m3u8`, `.m3u`,
 * `.mpd`) and for any scheme other than http/https, `direct` otherwise.
 *
 * @param url The channel's upstream URL.
 * @returns The kind.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { upstreamKind } from "./select_upstream.ts";
 *
 * equal(upstreamKind("http://p.example/live/123.ts"), "direct");
 * equal(upstreamKind("https://cdn.example/master.m3u8?token=1"), "ffmpeg");
 * equal(upstreamKind("rtsp://camera.local/stream"), "ffmpeg");
 * ```
 */
export function upstreamKind(url: string): UpstreamKind {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "direct"; // the direct reader reports the bad URL
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return "ffmpeg";
  }
  return /\.(m3u8?|mpd)$/i.test(parsed.pathname) ? "ffmpeg" : "direct";
}

/**
 * Options of {@link createUpstreamOpener}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { UpstreamOpenerOptions } from "./select_upstream.ts";
 *
 * const options: UpstreamOpenerOptions = { ffmpeg: false };
 * equal(options.ffmpeg, false);
 * ```
 */
export interface UpstreamOpenerOptions {
  /** Options of the direct reader (redirect limit, User-Agent, client). */
  direct?: Omit<DirectUpstreamOptions, "signal">;
  /** Options of the ffmpeg reader; `false` disables remuxing (playlists then fail with `spawn`). */
  ffmpeg?: false | Omit<FfmpegUpstreamOptions, "signal">;
}

/**
 * Builds the opener the proxy uses: {@link upstreamKind} picks the reader;
 * a direct URL answered with a playlist content type is retried with
 * ffmpeg.
 *
 * @param options Options of both readers.
 * @returns The opener.
 *
 * @example Without ffmpeg, a playlist cannot be opened
 * ```ts
 * import { equal, rejects } from "node:assert/strict";
 * import { createUpstreamOpener } from "./select_upstream.ts";
 *
 * const open = createUpstreamOpener({ ffmpeg: false });
 * const channel = {
 *   id: "c", guideNumber: "1", name: "One", enabled: true, headers: {},
 *   url: "http://cdn.example/live.m3u8",
 * };
 * await rejects(open(channel, { signal: new AbortController().signal }), { kind: "spawn" });
 * equal(typeof open, "function");
 * ```
 */
export function createUpstreamOpener(
  options: UpstreamOpenerOptions = {},
): UpstreamOpener {
  const ffmpeg = options.ffmpeg;
  const remux = (channel: Channel, signal: AbortSignal) => {
    if (ffmpeg === false) {
      return Promise.reject(
        new UpstreamError(
          "spawn",
          `Expected ffmpeg to remux ${
            upstreamKind(channel.url) === "ffmpeg" ? "this input" : "a playlist"
          } but found remuxing disabled`,
        ),
      );
    }
    return openFfmpegUpstream(channel, { ...ffmpeg, signal });
  };
  return async (channel, { signal }): Promise<UpstreamReader> => {
    if (upstreamKind(channel.url) === "ffmpeg") {
      return await remux(channel, signal);
    }
    try {
      return await openDirectUpstream(channel, { ...options.direct, signal });
    } catch (err) {
      if (err instanceof UpstreamError && err.kind === "not_mpegts") {
        return await remux(channel, signal);
      }
      throw err;
    }
  };
}
