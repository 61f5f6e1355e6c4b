import { equal, ok } from "node:assert/strict";
import { BridgeServer } from "../../lib/bridge/server.ts";
import { createUpstreamOpener } from "../../lib/bridge/stream/select_upstream.ts";
import type { UpstreamOpener } from "../../lib/bridge/stream/upstream.ts";
import type { FfmpegUpstreamReader } from "../../lib/bridge/stream/ffmpeg_upstream.ts";
import { TsChannelGenerator } from "../../lib/bridge/mpegts/ts_generator.ts";
import {
  memoryLookup,
  readAtLeast,
  startFakeUpstream,
  testChannel,
} from "./_fake_upstream.ts";

Deno.test("BridgeServer.close() ends every session, reaps children and stops within 1 s with clients connected", async () => {
  const upstream = startFakeUpstream();
  const dir = await Deno.makeTempDir();
  const children: FfmpegUpstreamReader[] = [];
  try {
    await Deno.writeFile(`${dir}/in.ts`, new TsChannelGenerator().next(400));
    const ffmpegPath = `${dir}/ffmpeg`;
    await Deno.writeTextFile(
      ffmpegPath,
      `#!/bin/sh\nwhile :; do cat "${dir}/in.ts"; sleep 0.02; done\n`,
    );
    await Deno.chmod(ffmpegPath, 0o755);
    const base = createUpstreamOpener({ ffmpeg: { ffmpegPath } });
    const open: UpstreamOpener = async (channel, options) => {
      const reader = await base(channel, options);
      if ("pid" in reader) children.push(reader as FfmpegUpstreamReader);
      return reader;
    };
    const bridge = await BridgeServer.start({
      channels: memoryLookup([
        testChannel(upstream.url("/live.ts"), { id: "a", guideNumber: "1" }),
        testChannel(upstream.url("/live.ts?x=2"), {
          id: "b",
          guideNumber: "2",
        }),
        testChannel("http://hls.example/live/index.m3u8", {
          id: "c",
          guideNumber: "3",
        }),
      ]),
      deviceId: "10101010",
      tunerCount: 4,
      hostname: "127.0.0.1",
      port: 0,
      stream: { open },
    });
    const url = `http://127.0.0.1:${bridge.addr.port}`;
    const readers = [];
    for (const n of ["1", "2", "3"]) {
      const response = await fetch(`${url}/auto/v${n}`);
      equal(response.status, 200);
      const reader = response.body!.getReader();
      await readAtLeast(reader, 5000);
      readers.push(reader);
    }
    equal(bridge.sessions.size, 3);
    equal(upstream.openConnections, 2);
    equal(children.length, 1);
    // Clients keep reading while the bridge stops.
    const drained = readers.map(async (reader) => {
      try {
        for (;;) {
          const { done } = await reader.read();
          if (done) return "ended";
        }
      } catch {
        return "cut";
      }
    });
    const started = performance.now();
    await bridge.close();
    const elapsed = performance.now() - started;
    console.log(
      `BridgeServer.close() with 3 streaming clients: ${elapsed.toFixed(1)} ms`,
    );
    ok(elapsed < 1000, `close took ${elapsed} ms`);
    equal(bridge.sessions.size, 0);
    equal(bridge.sessions.tunersInUse, 0);
    for (const outcome of await Promise.all(drained)) equal(outcome, "ended");
    await upstream.waitForOpenConnections(0, 1000);
    ok((await children[0].status) !== undefined); // reaped
    let gone = false;
    try {
      Deno.statSync(`/proc/${children[0].pid}`);
    } catch {
      gone = true;
    }
    ok(gone, "the ffmpeg child is reaped");
    for (const record of bridge.sessions.history()) {
      equal(record.endReason, "shutdown");
    }
    // A request after close is refused (the port is closed).
    let refused = false;
    try {
      await fetch(`${url}/discover.json`);
    } catch {
      refused = true;
    }
    ok(refused);
    await bridge.close(); // idempotent
  } finally {
    await upstream.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("BridgeServer stops when its signal is aborted", async () => {
  const controller = new AbortController();
  const bridge = await BridgeServer.start({
    channels: memoryLookup([]),
    deviceId: "10101010",
    tunerCount: 1,
    hostname: "127.0.0.1",
    port: 0,
    signal: controller.signal,
  });
  controller.abort();
  await bridge.close();
  equal(bridge.sessions.closing, true);
});
