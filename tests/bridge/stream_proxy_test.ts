import { deepEqual, equal, ok } from "node:assert/strict";
import { startHttpServer } from "../../lib/core/http/server.ts";
import { Registry } from "../../lib/core/metrics.ts";
import { SessionRegistry } from "../../lib/bridge/session/session_registry.ts";
import {
  HDHOMERUN_ERROR_HEADER,
  StreamProxy,
  type StreamProxyOptions,
} from "../../lib/bridge/stream/stream_proxy.ts";
import { createUpstreamOpener } from "../../lib/bridge/stream/select_upstream.ts";
import type { FfmpegUpstreamReader } from "../../lib/bridge/stream/ffmpeg_upstream.ts";
import type { UpstreamOpener } from "../../lib/bridge/stream/upstream.ts";
import { TsStreamChecker } from "../../lib/bridge/mpegts/stream_checker.ts";
import { TsChannelGenerator } from "../../lib/bridge/mpegts/ts_generator.ts";
import type { Channel } from "../../lib/bridge/channel.ts";
import {
  type FakeUpstream,
  readAtLeast,
  repeated,
  startFakeUpstream,
  testChannel,
  waitFor,
} from "./_fake_upstream.ts";

interface Harness {
  upstream: FakeUpstream;
  sessions: SessionRegistry;
  proxy: StreamProxy;
  base: string;
  close(): Promise<void>;
}

/** A bridge-like server: GET /s/<path> proxies the fake upstream's <path>. */
function harness(
  options: Partial<StreamProxyOptions> & { tunerCount?: number } = {},
  upstreamOptions: Parameters<typeof startFakeUpstream>[0] = {},
): Harness {
  const upstream = startFakeUpstream(upstreamOptions);
  const sessions = new SessionRegistry({
    tunerCount: options.tunerCount ?? 2,
    cleanupDeadlineMs: 800,
  });
  const proxy = new StreamProxy({
    open: createUpstreamOpener({ ffmpeg: false }),
    feed: { reconnectDelayMs: 10, startupTimeoutMs: 2000 },
    ...options,
    sessions,
  });
  const server = startHttpServer({
    hostname: "127.0.0.1",
    port: 0,
    handler: (request, context) => {
      const url = new URL(request.url);
      const path = url.pathname.slice(2) + url.search;
      const channel: Channel = testChannel(upstream.url(path), {
        id: url.pathname.slice(2),
      });
      return proxy.serve(channel, request, {
        remoteAddress: context.info.remoteAddr.hostname,
      });
    },
  });
  return {
    upstream,
    sessions,
    proxy,
    base: `http://127.0.0.1:${server.addr.port}/s`,
    async close() {
      await proxy.close();
      await server.shutdown();
      await upstream.close();
    },
  };
}

const LAVF = { "user-agent": "Lavf/60.16.100" };

Deno.test("StreamProxy.serve() relays the upstream byte for byte to a Lavf client", async () => {
  const h = harness();
  try {
    const response = await fetch(`${h.base}/live.ts`, { headers: LAVF });
    equal(response.status, 200);
    equal(response.headers.get("content-type"), "video/mp2t");
    const reader = response.body!.getReader();
    const bytes = await readAtLeast(reader, 100_000);
    deepEqual(bytes, repeated(h.upstream.loop, bytes.length));
    const [session] = h.sessions.sessions();
    equal(session.state, "streaming");
    equal(session.client.userAgent, "Lavf/60.16.100");
    equal(session.client.address, "127.0.0.1");
    ok(session.bytes >= 100_000);
    await reader.cancel();
  } finally {
    await h.close();
  }
});

Deno.test("StreamProxy: a client disconnect frees session, tuner and upstream within 1 s", async () => {
  const h = harness({ tunerCount: 1 });
  try {
    const response = await fetch(`${h.base}/live.ts`, { headers: LAVF });
    const reader = response.body!.getReader();
    await readAtLeast(reader, 20_000);
    equal(h.sessions.tunersInUse, 1);
    equal(h.upstream.openConnections, 1);
    const started = performance.now();
    await reader.cancel();
    await waitFor(() => h.sessions.size === 0, 1000, "the session gone");
    await h.upstream.waitForOpenConnections(0, 1000);
    const elapsed = performance.now() - started;
    equal(h.sessions.tunersInUse, 0);
    const [record] = h.sessions.history();
    equal(record.endReason, "client_disconnect");
    ok(elapsed < 1000, `cleanup took ${elapsed} ms`);
    console.log(
      `disconnect → session closed + upstream released: ${
        elapsed.toFixed(1)
      } ms`,
    );
    // The tuner is usable again.
    const again = await fetch(`${h.base}/live.ts`);
    equal(again.status, 200);
    await again.body!.cancel();
  } finally {
    await h.close();
  }
});

Deno.test("StreamProxy: a disconnect kills and reaps the ffmpeg child within 1 s", async () => {
  const dir = await Deno.makeTempDir();
  const readers: FfmpegUpstreamReader[] = [];
  try {
    await Deno.writeFile(`${dir}/in.ts`, new TsChannelGenerator().next(500));
    const ffmpegPath = `${dir}/ffmpeg`;
    // A stand-in that streams forever and ignores SIGTERM (SIGKILL needed).
    await Deno.writeTextFile(
      ffmpegPath,
      `#!/bin/sh\ntrap '' TERM\nwhile :; do cat "${dir}/in.ts"; sleep 0.02; done\n`,
    );
    await Deno.chmod(ffmpegPath, 0o755);
    const base = createUpstreamOpener({
      ffmpeg: { ffmpegPath, killGraceMs: 200 },
    });
    const open: UpstreamOpener = async (channel, options) => {
      const reader = await base(channel, options);
      readers.push(reader as FfmpegUpstreamReader);
      return reader;
    };
    const h = harness({ open });
    try {
      const response = await fetch(`${h.base}/hls/index.m3u8`, {
        headers: LAVF,
      });
      equal(response.status, 200);
      const reader = response.body!.getReader();
      await readAtLeast(reader, 10_000);
      equal(readers.length, 1);
      const pid = readers[0].pid;
      ok(Deno.statSync(`/proc/${pid}`).isDirectory);
      const started = performance.now();
      await reader.cancel();
      await readers[0].status;
      await waitFor(
        () => {
          try {
            Deno.statSync(`/proc/${pid}`);
            return false;
          } catch {
            return true;
          }
        },
        1000,
        "the child reaped",
      );
      await waitFor(() => h.sessions.size === 0, 1000, "the session gone");
      const elapsed = performance.now() - started;
      ok(elapsed < 1000, `reap took ${elapsed} ms`);
      equal((await readers[0].status).signal, "SIGKILL");
      console.log(
        `disconnect → ffmpeg stand-in killed (SIGKILL after 200 ms grace) and reaped: ${
          elapsed.toFixed(1)
        } ms`,
      );
    } finally {
      await h.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("StreamProxy answers TunerCount+1 with 503 and X-HDHomeRun-Error; HEAD opens no upstream", async () => {
  const h = harness({ tunerCount: 2 });
  try {
    const head = await fetch(`${h.base}/live.ts`, { method: "HEAD" });
    equal(head.status, 200);
    equal(head.headers.get("content-type"), "video/mp2t");
    equal(h.upstream.totalConnections, 0);
    equal(h.sessions.size, 0);
    const a = await fetch(`${h.base}/live.ts`);
    const b = await fetch(`${h.base}/live.ts`);
    equal(a.status, 200);
    equal(b.status, 200);
    const c = await fetch(`${h.base}/live.ts`);
    equal(c.status, 503);
    equal(c.headers.get(HDHOMERUN_ERROR_HEADER), "All tuners in use");
    equal(await c.text(), "All tuners in use\n");
    const busyHead = await fetch(`${h.base}/live.ts`, { method: "HEAD" });
    equal(busyHead.status, 503);
    equal(h.upstream.totalConnections, 2);
    equal(h.sessions.stats.rejected.no_tuner, 1);
    await a.body!.cancel();
    await waitFor(() => h.sessions.tunersInUse === 1, 1000, "a tuner freed");
    const d = await fetch(`${h.base}/live.ts`);
    equal(d.status, 200);
    await b.body!.cancel();
    await d.body!.cancel();
  } finally {
    await h.close();
  }
});

Deno.test("StreamProxy: upstream faults at start give a clean 503 and a freed session", async () => {
  const h = harness({
    tunerCount: 1,
    feed: { startupTimeoutMs: 200, reconnectDelayMs: 10 },
  });
  try {
    const cases: [string, string][] = [
      ["/status/404", "Upstream unavailable (http_status)"],
      ["/status/503", "Upstream unavailable (http_status)"],
      ["/redirect/0", "Upstream unavailable (redirect_limit)"],
      ["/stall.ts?after=0", "Upstream unavailable (startup_timeout)"],
      ["/playlist.m3u8", "Upstream unavailable (spawn)"],
    ];
    for (const [path, detail] of cases) {
      const response = await fetch(`${h.base}${path}`, { headers: LAVF });
      equal(response.status, 503, path);
      equal(response.headers.get(HDHOMERUN_ERROR_HEADER), detail, path);
      await response.body?.cancel();
      equal(h.sessions.size, 0, path);
      equal(h.sessions.tunersInUse, 0, path);
      equal(h.sessions.history().at(-1)?.endReason, "startup_failed", path);
      equal(h.sessions.history().at(-1)?.state, "closed", path);
    }
    await h.upstream.waitForOpenConnections(0);
    const errors = h.proxy.stats.upstreamErrors;
    equal(errors.http_status, 2);
    equal(errors.redirect_limit, 1);
    equal(errors.startup_timeout, 1);
    equal(errors.spawn, 1);
  } finally {
    await h.close();
  }
});

Deno.test("StreamProxy: an upstream lost mid-stream ends the response cleanly and fails the session", async () => {
  const h = harness({
    tunerCount: 1,
    feed: { maxReconnects: 0, stallTimeoutMs: 200 },
  });
  try {
    for (const path of ["/close.ts?after=37600", "/stall.ts?after=37600"]) {
      const response = await fetch(`${h.base}${path}`, { headers: LAVF });
      equal(response.status, 200);
      // The body ends normally (no truncated chunked encoding) at a packet boundary.
      const bytes = new Uint8Array(await response.arrayBuffer());
      equal(bytes.length, 37_600);
      const checker = new TsStreamChecker();
      checker.push(bytes);
      equal(checker.report.syncErrors, 0);
      await waitFor(() => h.sessions.size === 0, 1000, "the session gone");
      const record = h.sessions.history().at(-1)!;
      equal(record.endReason, "upstream_failed", path);
      ok(record.error !== undefined);
      equal(h.sessions.tunersInUse, 0);
    }
    await h.upstream.waitForOpenConnections(0);
  } finally {
    await h.close();
  }
});

Deno.test("StreamProxy: a slow drip keeps streaming, a reconnect keeps the client", async () => {
  const h = harness({ tunerCount: 2 });
  try {
    const drip = await fetch(`${h.base}/drip.ts?bytes=376&everyMs=20`);
    equal(drip.status, 200);
    const dripReader = drip.body!.getReader();
    const dripped = await readAtLeast(dripReader, 376 * 10);
    equal(dripped[0], 0x47);
    const flaky = await fetch(`${h.base}/close.ts?after=20000&times=1`);
    const flakyReader = flaky.body!.getReader();
    const bytes = await readAtLeast(flakyReader, 60_000);
    const checker = new TsStreamChecker();
    checker.push(bytes);
    equal(checker.report.syncErrors, 0);
    equal(h.proxy.stats.reconnects, 1);
    equal(h.sessions.size, 2);
    await dripReader.cancel();
    await flakyReader.cancel();
  } finally {
    await h.close();
  }
});

Deno.test("StreamProxy drops a client that stops reading instead of buffering for it", async () => {
  const h = harness(
    { tunerCount: 1, client: { maxQueuedBytes: 256 * 1024 } },
    { bitrate: 80_000_000 },
  );
  try {
    const response = await fetch(`${h.base}/live.ts`);
    equal(response.status, 200);
    // Never read: socket buffers fill, then the bounded queue.
    await waitFor(
      () => h.sessions.size === 0,
      10_000,
      "the slow client dropped",
    );
    equal(h.sessions.history().at(-1)?.endReason, "slow_client");
    equal(h.proxy.stats.slowClients, 1);
    await h.upstream.waitForOpenConnections(0);
    await response.body!.cancel().catch(() => {});
  } finally {
    await h.close();
  }
});

Deno.test("StreamProxy with sharing feeds all clients of a channel from one upstream and one tuner", async () => {
  const h = harness({ tunerCount: 1, share: true });
  try {
    const a = await fetch(`${h.base}/live.ts`);
    const b = await fetch(`${h.base}/live.ts`);
    equal(a.status, 200);
    equal(b.status, 200);
    const ra = a.body!.getReader();
    const rb = b.body!.getReader();
    await readAtLeast(ra, 10_000);
    await readAtLeast(rb, 10_000);
    equal(h.upstream.totalConnections, 1);
    equal(h.sessions.size, 2);
    equal(h.sessions.tunersInUse, 1);
    await ra.cancel();
    await waitFor(() => h.sessions.size === 1, 1000, "one client left");
    await readAtLeast(rb, 10_000); // still flowing
    equal(h.upstream.openConnections, 1);
    await rb.cancel();
    await h.upstream.waitForOpenConnections(0, 1000);
    await waitFor(() => h.sessions.tunersInUse === 0, 1000, "the tuner free");
  } finally {
    await h.close();
  }
});

Deno.test("StreamProxy.registerMetrics() exposes upstream errors, feeds and start-up times", async () => {
  const h = harness({ tunerCount: 1 });
  const metrics = new Registry({ prefix: "shack_bridge_" });
  h.proxy.registerMetrics(metrics);
  h.sessions.registerMetrics(metrics);
  try {
    const bad = await fetch(`${h.base}/status/404`);
    await bad.body?.cancel();
    const ok200 = await fetch(`${h.base}/live.ts`);
    const reader = ok200.body!.getReader();
    await readAtLeast(reader, 10_000);
    const text = metrics.render();
    ok(
      /^shack_bridge_upstream_errors_total\{kind="http_status"\} 1$/m.test(
        text,
      ),
      text,
    );
    ok(/^shack_bridge_upstream_feeds 1$/m.test(text));
    ok(/^shack_bridge_stream_startup_seconds_count 1$/m.test(text));
    ok(/^shack_bridge_sessions\{state="streaming"\} 1$/m.test(text));
    ok(/^shack_bridge_tuners_in_use 1$/m.test(text));
    await reader.cancel();
  } finally {
    await h.close();
  }
});
