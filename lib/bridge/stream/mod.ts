/**
 * lib/bridge/stream: the bridge's stream proxy — upstream readers (direct
 * HTTP MPEG-TS with per-channel headers and a redirect limit; an ffmpeg
 * remux child, killed and reaped on close), a feed that aligns packets,
 * fans them out, watches start-up and stalls and reconnects within a
 * budget, bounded per-client response streams, and the proxy that ties
 * them to sessions with HDHomeRun's 503 semantics.
 *
 * @example Choosing how to read a channel
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { upstreamKind } from "./mod.ts";
 *
 * equal(upstreamKind("http://provider.example/live/42.ts"), "direct");
 * equal(upstreamKind("http://provider.example/live/42.m3u8"), "ffmpeg");
 * ```
 *
 * @module
 */

export * from "./client_stream.ts";
export * from "./direct_upstream.ts";
export * from "./ffmpeg_upstream.ts";
export * from "./select_upstream.ts";
export * from "./stream_proxy.ts";
export * from "./upstream.ts";
export * from "./upstream_error.ts";
export * from "./upstream_feed.ts";
