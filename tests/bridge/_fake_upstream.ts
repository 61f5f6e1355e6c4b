/**
 * A fake IPTV provider for the bridge's tests and load script: a
 * `Deno.serve` HTTP server (port 0) serving a live synthetic MPEG-TS
 * channel at a chosen bitrate, plus fault modes, and counting the stream
 * connections it holds open.
 *
 * Paths (query parameters in brackets):
 *
 * - `/live.ts` [bitrate=bits/s]: the live channel, paced by a shared ticker.
 * - `/status/<code>`: that HTTP status with a short text body.
 * - `/stall.ts` [after=bytes]: sends `after` bytes, then nothing, keeping the connection.
 * - `/close.ts` [after=bytes, times=n]: sends `after` bytes then cuts the
 *   connection (no final chunk); with `times`, only the first n connections
 *   to that URL are cut, later ones stream normally.
 * - `/end.ts` [after=bytes]: sends `after` bytes, then ends the body cleanly.
 * - `/drip.ts` [bytes=n, everyMs=ms]: `bytes` every `everyMs` (a slow drip).
 * - `/redirect/<n>`: 302 to `/redirect/<n+1>`, forever.
 * - `/hop/<n>`: 302 to `/hop/<n-1>`, and `/hop/0` is the live channel.
 * - `/needs-header.ts` [name, value]: 403 unless the request has that header, then live.
 * - `/playlist.m3u8`: an HLS playlist content type (not MPEG-TS).
 *
 * Every stream starts at byte 0 of {@link FakeUpstream.loop}, repeated:
 * a test can compare the bytes a client got with the upstream's.
 *
 * Run it standalone (for bench/bridge_proxy_bench.ts):
 * `deno run -A tests/bridge/_fake_upstream.ts [--port 0] [--bitrate 8000000]`
 * prints `{"port":N}` and serves until SIGTERM/SIGINT.
 *
 * @module
 */

import { TsChannelGenerator } from "../../lib/bridge/mpegts/ts_generator.ts";
import { TS_PACKET_SIZE } from "../../lib/bridge/mpegts/packet.ts";
import type { Channel, ChannelLookup } from "../../lib/bridge/channel.ts";

/** A channel for tests. */
export function testChannel(
  url: string,
  extra: Partial<Channel> = {},
): Channel {
  return {
    id: "ch1",
    guideNumber: "101",
    name: "Test One",
    url,
    enabled: true,
    headers: {},
    ...extra,
  };
}

/** An in-memory {@link ChannelLookup} over `channels` (enabled ones only). */
export function memoryLookup(channels: Channel[]): ChannelLookup {
  const enabled = () => channels.filter((c) => c.enabled);
  return {
    channels: () =>
      enabled().sort((a, b) =>
        a.guideNumber.localeCompare(b.guideNumber, "en", { numeric: true })
      ),
    byGuideNumber: (n) => enabled().find((c) => c.guideNumber === n),
    byId: (id) => enabled().find((c) => c.id === id),
  };
}

/** Reads from `reader` until at least `count` bytes arrived (or the end). */
export async function readAtLeast(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  count: number,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  while (total < count) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    total += value.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The bytes `loop` repeated, from its start, `length` long. */
export function repeated(loop: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += loop.length) {
    out.set(loop.subarray(0, Math.min(loop.length, length - at)), at);
  }
  return out;
}

/** Open file descriptors of this process (Linux: /proc/self/fd). */
export function openFdCount(): number {
  let count = 0;
  for (const _ of Deno.readDirSync("/proc/self/fd")) count++;
  return count;
}

/** Polls `condition` every 2 ms until true; rejects after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean,
  timeoutMs = 2000,
  what = "the condition",
): Promise<number> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) {
      throw new Error(
        `Expected ${what} within ${timeoutMs} ms but found it false`,
      );
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  return performance.now() - started;
}

/** Options of {@link startFakeUpstream}. */
export interface FakeUpstreamOptions {
  /** Default bitrate of `/live.ts`, bits/s. Default 2,000,000. */
  bitrate?: number;
  /** Period of the pacing ticker, ms. Default 20. */
  tickMs?: number;
  /** Frames in the repeated buffer (a multiple of 16). Default 64. */
  loopFrames?: number;
  /** Listen address. Default 127.0.0.1. */
  hostname?: string;
  /** Listen port. Default 0. */
  port?: number;
}

/** One request the fake upstream saw. */
export interface SeenRequest {
  path: string;
  headers: Record<string, string>;
}

/** A running fake upstream. */
export interface FakeUpstream {
  /** The port it listens on. */
  readonly port: number;
  /** The bytes every stream repeats from its first byte. */
  readonly loop: Uint8Array;
  /** Stream bodies currently open (not yet cancelled, cut or ended). */
  readonly openConnections: number;
  /** Stream bodies started so far. */
  readonly totalConnections: number;
  /** Bytes skipped because a reader fell behind (a live source drops). */
  readonly skippedBytes: number;
  /** Bytes handed to stream bodies (paced streams). */
  readonly sentBytes: number;
  /** The last 200 requests, oldest first. */
  readonly requests: readonly SeenRequest[];
  /** `http://host:port` + path. */
  url(path: string): string;
  /** Resolves once `openConnections` equals `count` (polls every 5 ms), or rejects after `timeoutMs`. */
  waitForOpenConnections(count: number, timeoutMs?: number): Promise<void>;
  /** Ends every stream and stops the server. */
  close(): Promise<void>;
}

interface LiveConnection {
  controller: ReadableStreamDefaultController<Uint8Array>;
  bytesPerMs: number;
  startedAt: number;
  sent: number;
  position: number;
  /** Stop after this many bytes (Infinity: never). */
  limit: number;
  /** What to do at the limit. */
  atLimit: "stall" | "cut" | "end";
  done: boolean;
}

/**
 * Starts a fake upstream.
 *
 * @param options Bitrate, pacing and address.
 * @returns The running server.
 */
export function startFakeUpstream(
  options: FakeUpstreamOptions = {},
): FakeUpstream {
  const defaultBitrate = options.bitrate ?? 2_000_000;
  const tickMs = options.tickMs ?? 20;
  const loop = TsChannelGenerator.loop(options.loopFrames ?? 64);
  const live = new Set<LiveConnection>();
  const drips = new Set<ReturnType<typeof setInterval>>();
  const seen: SeenRequest[] = [];
  const connectionsByUrl = new Map<string, number>();
  let open = 0;
  let total = 0;
  let skipped = 0;
  let sentTotal = 0;
  let ticker: ReturnType<typeof setInterval> | undefined;

  function ensureTicker() {
    if (ticker !== undefined) return;
    ticker = setInterval(tick, tickMs);
  }

  function tick() {
    const now = performance.now();
    for (const conn of live) {
      if (conn.done) continue;
      let owed = Math.floor((now - conn.startedAt) * conn.bytesPerMs) -
        conn.sent;
      owed -= owed % TS_PACKET_SIZE;
      if (owed <= 0) continue;
      const room = conn.limit - conn.sent;
      if (owed > room) owed = room;
      const desired = conn.controller.desiredSize ?? 0;
      if (desired <= 0) {
        // The reader is behind: a live source moves on.
        conn.sent += owed;
        conn.position = (conn.position + owed) % loop.length;
        skipped += owed;
      } else {
        send(conn, owed);
      }
      if (conn.sent >= conn.limit) reachLimit(conn);
    }
    if (live.size === 0 && ticker !== undefined) {
      clearInterval(ticker);
      ticker = undefined;
    }
  }

  function send(conn: LiveConnection, count: number) {
    let left = count;
    while (left > 0) {
      const take = Math.min(left, loop.length - conn.position);
      try {
        conn.controller.enqueue(
          loop.subarray(conn.position, conn.position + take),
        );
      } catch {
        finish(conn);
        return;
      }
      conn.position = (conn.position + take) % loop.length;
      left -= take;
    }
    conn.sent += count;
    sentTotal += count;
  }

  function reachLimit(conn: LiveConnection) {
    if (conn.atLimit === "stall") {
      live.delete(conn); // keeps the body open, sends nothing more
      return;
    }
    if (conn.atLimit === "cut") {
      try {
        conn.controller.error(new Error("Fake upstream cut the connection"));
      } catch { /* already gone */ }
    } else {
      try {
        conn.controller.close();
      } catch { /* already gone */ }
    }
    finish(conn);
  }

  function finish(conn: LiveConnection) {
    if (conn.done) return;
    conn.done = true;
    live.delete(conn);
    bodies.delete(conn);
    open--;
  }

  /** Every stream body not yet finished, to end them on close. */
  const bodies = new Set<LiveConnection>();
  const dripBodies = new Set<ReadableStreamDefaultController<Uint8Array>>();

  function stream(
    bitrate: number,
    limit: number,
    atLimit: LiveConnection["atLimit"],
  ): Response {
    let conn: LiveConnection;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        conn = {
          controller,
          bytesPerMs: bitrate / 8 / 1000,
          startedAt: performance.now() - tickMs, // one tick of burst
          sent: 0,
          position: 0,
          limit,
          atLimit,
          done: false,
        };
        open++;
        total++;
        live.add(conn);
        bodies.add(conn);
        ensureTicker();
      },
      cancel() {
        finish(conn);
      },
    }, new ByteLengthQueuingStrategy({ highWaterMark: 512 * 1024 }));
    return new Response(body, { headers: { "content-type": "video/mp2t" } });
  }

  function drip(bytes: number, everyMs: number): Response {
    let timer: ReturnType<typeof setInterval> | undefined;
    let position = 0;
    let counted = true;
    let own: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        own = controller;
        dripBodies.add(controller);
        open++;
        total++;
        timer = setInterval(() => {
          const chunk = new Uint8Array(bytes);
          for (let i = 0; i < bytes; i++) {
            chunk[i] = loop[(position + i) % loop.length];
          }
          position = (position + bytes) % loop.length;
          try {
            controller.enqueue(chunk);
          } catch { /* cancelled */ }
        }, everyMs);
        drips.add(timer);
      },
      cancel() {
        clearInterval(timer);
        drips.delete(timer!);
        dripBodies.delete(own);
        if (counted) open--;
        counted = false;
      },
    });
    return new Response(body, { headers: { "content-type": "video/mp2t" } });
  }

  function handler(request: Request): Response {
    const url = new URL(request.url);
    const path = url.pathname;
    const q = url.searchParams;
    seen.push({
      path: path + url.search,
      headers: Object.fromEntries(request.headers),
    });
    if (seen.length > 200) seen.shift();
    const number = (name: string, fallback: number) => {
      const v = q.get(name);
      return v === null ? fallback : Number(v);
    };
    const bitrate = number("bitrate", defaultBitrate);
    if (path === "/live.ts") return stream(bitrate, Infinity, "stall");
    if (path.startsWith("/status/")) {
      const status = Number(path.slice(8));
      return new Response(`Fake status ${status}\n`, { status });
    }
    if (path === "/stall.ts") {
      return stream(bitrate, number("after", 188 * 100), "stall");
    }
    if (path === "/close.ts") {
      const key = url.pathname + url.search;
      const n = (connectionsByUrl.get(key) ?? 0) + 1;
      connectionsByUrl.set(key, n);
      const times = number("times", Infinity);
      if (n > times) return stream(bitrate, Infinity, "stall");
      return stream(bitrate, number("after", 188 * 100), "cut");
    }
    if (path === "/end.ts") {
      return stream(bitrate, number("after", 188 * 100), "end");
    }
    if (path === "/drip.ts") {
      return drip(number("bytes", TS_PACKET_SIZE), number("everyMs", 500));
    }
    if (path.startsWith("/redirect/")) {
      const n = Number(path.slice(10)) || 0;
      return new Response(null, {
        status: 302,
        headers: { location: `/redirect/${n + 1}` },
      });
    }
    if (path.startsWith("/hop/")) {
      const n = Number(path.slice(5)) || 0;
      return new Response(null, {
        status: 302,
        headers: {
          location: n <= 0 ? `/live.ts${url.search}` : `/hop/${n - 1}`,
        },
      });
    }
    if (path === "/needs-header.ts") {
      const name = q.get("name") ?? "x-token";
      if (request.headers.get(name) !== (q.get("value") ?? "")) {
        return new Response("Forbidden\n", { status: 403 });
      }
      return stream(bitrate, Infinity, "stall");
    }
    if (path === "/playlist.m3u8") {
      return new Response("#EXTM3U\n#EXT-X-TARGETDURATION:2\n", {
        headers: { "content-type": "application/vnd.apple.mpegurl" },
      });
    }
    return new Response("Not found\n", { status: 404 });
  }

  const server = Deno.serve({
    hostname: options.hostname ?? "127.0.0.1",
    port: options.port ?? 0,
    onListen() {},
    onError() {
      return new Response("Fake upstream error\n", { status: 500 });
    },
  }, handler);
  const port = server.addr.port;

  return {
    port,
    loop,
    get openConnections() {
      return open;
    },
    get totalConnections() {
      return total;
    },
    get skippedBytes() {
      return skipped;
    },
    get sentBytes() {
      return sentTotal;
    },
    get requests() {
      return seen;
    },
    url: (path) => `http://127.0.0.1:${port}${path}`,
    async waitForOpenConnections(count, timeoutMs = 2000) {
      const deadline = performance.now() + timeoutMs;
      while (open !== count) {
        if (performance.now() > deadline) {
          throw new Error(
            `Expected ${count} open upstream connections within ${timeoutMs} ms but found ${open}`,
          );
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async close() {
      if (ticker !== undefined) clearInterval(ticker);
      ticker = undefined;
      for (const timer of drips) clearInterval(timer);
      drips.clear();
      for (const controller of dripBodies) {
        try {
          controller.close();
        } catch { /* already gone */ }
        open--;
      }
      dripBodies.clear();
      for (const conn of [...bodies]) {
        try {
          conn.controller.close();
        } catch { /* already gone */ }
        finish(conn);
      }
      await server.shutdown();
    },
  };
}

if (import.meta.main) {
  const args = Deno.args;
  const flag = (name: string, fallback: number) => {
    const i = args.indexOf(`--${name}`);
    return i === -1 ? fallback : Number(args[i + 1]);
  };
  const upstream = startFakeUpstream({
    port: flag("port", 0),
    bitrate: flag("bitrate", 8_000_000),
    hostname: "127.0.0.1",
  });
  console.log(JSON.stringify({ port: upstream.port }));
  const stop = async () => {
    await upstream.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
}
