import { deepEqual, equal, ok, rejects, throws } from "node:assert/strict";
import {
  type FeedSink,
  UpstreamFeed,
} from "../../lib/bridge/stream/upstream_feed.ts";
import { createUpstreamOpener } from "../../lib/bridge/stream/select_upstream.ts";
import { UpstreamError } from "../../lib/bridge/stream/upstream_error.ts";
import type { UpstreamReader } from "../../lib/bridge/stream/upstream.ts";
import { TsStreamChecker } from "../../lib/bridge/mpegts/stream_checker.ts";
import { TS_PACKET_SIZE } from "../../lib/bridge/mpegts/packet.ts";
import {
  repeated,
  startFakeUpstream,
  testChannel,
  waitFor,
} from "./_fake_upstream.ts";

/** A sink that keeps everything it gets. */
class RecordingSink implements FeedSink {
  chunks: Uint8Array[] = [];
  bytes = 0;
  ended: { error: UpstreamError | undefined } | undefined;
  checker = new TsStreamChecker();
  push(piece: Uint8Array) {
    ok(piece.length % TS_PACKET_SIZE === 0);
    this.chunks.push(piece.slice());
    this.bytes += piece.length;
    this.checker.push(piece);
  }
  end(error: UpstreamError | undefined) {
    this.ended = { error };
  }
  joined(): Uint8Array {
    const out = new Uint8Array(this.bytes);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

const open = createUpstreamOpener({ ffmpeg: false });

Deno.test("UpstreamFeed.start() resolves at the first packet and fans out identical bytes", async () => {
  const upstream = startFakeUpstream();
  const feed = new UpstreamFeed({
    channel: testChannel(upstream.url("/live.ts")),
    open,
  });
  try {
    const a = new RecordingSink();
    const b = new RecordingSink();
    ok(feed.attach(a));
    ok(feed.attach(b));
    equal(feed.sinkCount, 2);
    await feed.start();
    equal(feed.state, "streaming");
    await waitFor(() => a.bytes > 40_000, 3000, "40 kB delivered");
    deepEqual(a.joined().subarray(0, 40_000), b.joined().subarray(0, 40_000));
    deepEqual(
      a.joined().subarray(0, 40_000),
      repeated(upstream.loop, 40_000),
    );
    equal(upstream.openConnections, 1);
    equal(feed.detach(a), 1);
    await feed.close();
    equal(feed.state, "ended");
    deepEqual(b.ended, { error: undefined });
    equal(a.ended, undefined); // detached sinks get no end call
    await upstream.waitForOpenConnections(0);
  } finally {
    await feed.close();
    await upstream.close();
  }
});

Deno.test("UpstreamFeed reconnects after an abrupt upstream close and keeps packets whole", async () => {
  const upstream = startFakeUpstream();
  const errors: string[] = [];
  const feed = new UpstreamFeed({
    channel: testChannel(upstream.url("/close.ts?after=30000&times=1")),
    open,
    reconnectDelayMs: 20,
    onUpstreamError: (e) => errors.push(e.kind),
  });
  try {
    const sink = new RecordingSink();
    feed.attach(sink);
    await feed.start();
    await waitFor(() => sink.bytes > 60_000, 5000, "data after the reconnect");
    equal(feed.stats.reconnects, 1);
    equal(feed.stats.connects, 2);
    deepEqual(errors, ["network"]);
    equal(sink.checker.report.syncErrors, 0);
    equal(sink.ended, undefined);
    equal(upstream.openConnections, 1);
    // The first connection's whole packets, then the second connection
    // from its start: the partial packet at the cut is dropped.
    const joined = sink.joined();
    const cut = Math.floor(30_000 / TS_PACKET_SIZE) * TS_PACKET_SIZE;
    deepEqual(joined.subarray(0, cut), repeated(upstream.loop, cut));
    equal(feed.stats.aligner.droppedBytes, 30_000 - cut);
    deepEqual(
      joined.subarray(cut, cut + 1880),
      upstream.loop.subarray(0, 1880),
    );
  } finally {
    await feed.close();
    await upstream.close();
  }
});

Deno.test("UpstreamFeed ends its sinks with the error once the reconnect budget is spent", async () => {
  const upstream = startFakeUpstream();
  const feed = new UpstreamFeed({
    channel: testChannel(upstream.url("/close.ts?after=18800")),
    open,
    maxReconnects: 2,
    reconnectDelayMs: 10,
  });
  try {
    const sink = new RecordingSink();
    feed.attach(sink);
    await feed.start();
    await feed.done;
    equal(feed.state, "ended");
    equal(feed.stats.connects, 3);
    equal(sink.ended?.error?.kind, "network");
    equal(sink.bytes, 3 * 18800);
    equal(upstream.openConnections, 0);
    equal(feed.attach(new RecordingSink()), false);
  } finally {
    await feed.close();
    await upstream.close();
  }
});

Deno.test("UpstreamFeed treats a clean end of a live upstream as a drop", async () => {
  const upstream = startFakeUpstream();
  const errors: string[] = [];
  const feed = new UpstreamFeed({
    channel: testChannel(upstream.url("/end.ts?after=1880")),
    open,
    maxReconnects: 1,
    reconnectDelayMs: 10,
    onUpstreamError: (e) => errors.push(e.kind),
  });
  try {
    const sink = new RecordingSink();
    feed.attach(sink);
    await feed.start();
    await feed.done;
    deepEqual(errors, ["ended", "ended"]);
    equal(sink.ended?.error?.kind, "ended");
  } finally {
    await feed.close();
    await upstream.close();
  }
});

Deno.test("UpstreamFeed detects a stalled upstream and releases its connection", async () => {
  const upstream = startFakeUpstream();
  const feed = new UpstreamFeed({
    channel: testChannel(upstream.url("/stall.ts?after=3760")),
    open,
    stallTimeoutMs: 150,
    maxReconnects: 0,
  });
  try {
    const sink = new RecordingSink();
    feed.attach(sink);
    await feed.start();
    const started = performance.now();
    await feed.done;
    const elapsed = performance.now() - started;
    equal(sink.ended?.error?.kind, "stall");
    ok(elapsed >= 100 && elapsed < 2000, `stall detected after ${elapsed} ms`);
    await upstream.waitForOpenConnections(0);
  } finally {
    await feed.close();
    await upstream.close();
  }
});

Deno.test("UpstreamFeed.start() rejects when no packet arrives within the startup deadline", async () => {
  const upstream = startFakeUpstream();
  const feed = new UpstreamFeed({
    channel: testChannel(upstream.url("/stall.ts?after=0")),
    open,
    startupTimeoutMs: 150,
  });
  try {
    const sink = new RecordingSink();
    feed.attach(sink);
    await rejects(
      feed.start(),
      (e: UpstreamError) =>
        e.kind === "startup_timeout" &&
        e.message === "Expected the first packet within 150 ms but found none",
    );
    await feed.done;
    equal(sink.ended?.error?.kind, "startup_timeout");
    equal(feed.stats.connects, 1); // a failed start is not retried
    await upstream.waitForOpenConnections(0);
  } finally {
    await feed.close();
    await upstream.close();
  }
});

Deno.test("UpstreamFeed keeps a slow drip alive and ends it once the gaps exceed the stall deadline", async () => {
  const upstream = startFakeUpstream();
  const patient = new UpstreamFeed({
    channel: testChannel(upstream.url("/drip.ts?bytes=188&everyMs=20")),
    open,
    stallTimeoutMs: 1000,
  });
  const strict = new UpstreamFeed({
    channel: testChannel(upstream.url("/drip.ts?bytes=188&everyMs=400")),
    open,
    stallTimeoutMs: 100,
    maxReconnects: 0,
  });
  try {
    const a = new RecordingSink();
    const b = new RecordingSink();
    patient.attach(a);
    strict.attach(b);
    await Promise.all([patient.start(), strict.start()]);
    await strict.done;
    equal(b.ended?.error?.kind, "stall");
    await waitFor(() => a.bytes >= 188 * 5, 3000, "five dripped packets");
    equal(patient.state, "streaming");
    equal(a.ended, undefined);
  } finally {
    await patient.close();
    await strict.close();
    await upstream.close();
  }
});

Deno.test("UpstreamFeed gives up on an upstream without MPEG-TS sync", async () => {
  let closed = 0;
  const junk = new Uint8Array(4096).fill(0x11);
  const feed = new UpstreamFeed({
    channel: testChannel("memory:"),
    open: () =>
      Promise.resolve<UpstreamReader>({
        description: "junk",
        read: () => Promise.resolve(junk),
        close: () => {
          closed++;
          return Promise.resolve();
        },
      }),
    maxUnalignedBytes: 64 * 1024,
  });
  await rejects(feed.start(), (e: UpstreamError) => e.kind === "not_mpegts");
  await feed.done;
  ok(closed >= 1);
});

Deno.test("UpstreamFeed.close() during start-up rejects start() and releases the upstream", async () => {
  const upstream = startFakeUpstream();
  const feed = new UpstreamFeed({
    channel: testChannel(upstream.url("/stall.ts?after=0")),
    open,
  });
  try {
    const starting = feed.start();
    await upstream.waitForOpenConnections(1);
    await feed.close();
    await rejects(starting, (e: UpstreamError) => e.kind === "ended");
    await upstream.waitForOpenConnections(0);
  } finally {
    await upstream.close();
  }
});

Deno.test("UpstreamFeed() validates its options and bounds its sinks", async () => {
  const channel = testChannel("memory:");
  throws(
    () => new UpstreamFeed({ channel, open, stallTimeoutMs: 0 }),
    RangeError,
  );
  throws(
    () => new UpstreamFeed({ channel, open, maxReconnects: -1 }),
    RangeError,
  );
  const feed = new UpstreamFeed({ channel, open, maxSinks: 2 });
  ok(feed.attach(new RecordingSink()));
  ok(feed.attach(new RecordingSink()));
  equal(feed.attach(new RecordingSink()), false);
  await feed.close();
});
