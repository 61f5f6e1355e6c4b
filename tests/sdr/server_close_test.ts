import { equal, ok } from "node:assert/strict";
import { SdrServer } from "../../lib/sdr/server/sdr_server.ts";
import { SdrProbe } from "../../lib/sdr/server/sdr_probe.ts";
import type { SdrSocketKind } from "../../lib/sdr/server/connection_limits.ts";
import { SyntheticSource } from "../../lib/sdr/sources/synthetic_source.ts";

Deno.test("SdrServer.close() with 100 connected clients finishes within 1 s", async () => {
  const source = new SyntheticSource({ sps: 96000 });
  const server = await SdrServer.start({
    source,
    hostname: "127.0.0.1",
    port: 0,
    fftSize: 2048,
    waterfallSize: 256,
    limits: { perIp: 100 },
  });
  const base = `ws://127.0.0.1:${server.addr.port}`;
  const kinds: SdrSocketKind[] = ["audio", "waterfall", "events"];
  const probes: SdrProbe[] = [];
  try {
    for (let i = 0; i < 100; i++) {
      probes.push(
        await SdrProbe.connect(base, kinds[i % 3], { decode: false }),
      );
    }
    // Every client is being served before the shutdown starts.
    for (const probe of probes) {
      await probe.waitFor(
        () =>
          probe.kind === "events"
            ? probe.textFrames > 0
            : probe.binaryFrames > 0,
        10_000,
      );
    }
    const stats = server.stats().sockets;
    equal(
      stats.audio.clients + stats.waterfall.clients + stats.events.clients,
      100,
    );
    const t0 = performance.now();
    await server.close();
    const elapsed = performance.now() - t0;
    ok(elapsed < 1000, `close() took ${elapsed.toFixed(0)} ms`);
    await Promise.all(probes.map((probe) => probe.closed));
    ok(probes.every((probe) => probe.closeCode === 1001), "going away");
    equal(source.ended?.reason, "aborted");
    equal(server.closed, true);
    await server.close(); // idempotent
  } finally {
    await server.close();
    await Promise.all(probes.map((probe) => probe.close()));
  }
});
