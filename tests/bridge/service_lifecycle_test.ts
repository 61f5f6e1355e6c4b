/**
 * BridgeService over time: SIGHUP reload (playlists and filters applied by
 * refreshing, restart-only settings reported), session history written to
 * the store, an unreadable playlist served from the stored lineup, and
 * close() within its budget with a stream connected.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { Logger } from "../../lib/core/log.ts";
import { parse } from "../../lib/core/config/schema.ts";
import {
  type BridgeConfig,
  bridgeConfigSchema,
} from "../../lib/bridge/config.ts";
import { BridgeService } from "../../lib/bridge/service.ts";
import { readAtLeast, startFakeUpstream, waitFor } from "./_fake_upstream.ts";

const quiet = () => new Logger({ sink: () => {} });

function names(service: BridgeService): string[] {
  return service.lineup.channels().map((c) => `${c.guideNumber} ${c.name}`);
}

Deno.test("BridgeService.reload() applies playlists and filters and reports settings that need a restart", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/a.m3u`,
    '#EXTM3U\n#EXTINF:-1 group-title="News",News\nhttp://192.0.2.1/n.ts\n#EXTINF:-1 group-title="Kids",Cartoons\nhttp://192.0.2.1/k.ts\n',
  );
  await Deno.writeTextFile(
    `${dir}/b.m3u`,
    "#EXTM3U\n#EXTINF:-1,Radio\nhttp://192.0.2.1/r.ts\n",
  );
  const table = (extra: Record<string, unknown>): BridgeConfig =>
    parse(bridgeConfigSchema, {
      bind: "127.0.0.1",
      port: 0,
      ssdp: false,
      data_dir: `${dir}/data`,
      ...extra,
    });
  let next = table({ playlists: [{ name: "a", url: `${dir}/a.m3u` }] });
  const service = await BridgeService.start(next, {
    logger: quiet(),
    loadConfig: () => Promise.resolve(next),
  });
  try {
    deepEqual(names(service), ["1 News", "2 Cartoons"]);
    const version = service.lineup.version;
    next = table({
      tuners: 4,
      playlists: [
        { name: "a", url: `${dir}/a.m3u`, exclude_groups: ["kids"] },
        { name: "b", url: `${dir}/b.m3u`, start_number: 50 },
      ],
    });
    await service.reload();
    deepEqual(names(service), ["1 News", "50 Radio"]);
    ok(service.lineup.version > version);
    deepEqual(service.lastReload, { applied: true, needRestart: ["tuners"] });
    // The tuner count waits for a restart; the playlists are stored.
    equal(service.server.sessions.tunerCount, 2);
    deepEqual(service.store.sources().map((s) => s.id), ["a", "b"]);
    // Dropping a playlist drops its source and channels.
    next = table({ playlists: [{ name: "b", url: `${dir}/b.m3u` }] });
    await service.reload();
    deepEqual(service.store.sources().map((s) => s.id), ["b"]);
    deepEqual(names(service), ["50 Radio"]);
  } finally {
    await service.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("BridgeService records session history and closes within 1 s with a stream connected", async () => {
  const dir = await Deno.makeTempDir();
  const upstream = startFakeUpstream();
  await Deno.writeTextFile(
    `${dir}/tv.m3u`,
    `#EXTM3U\n#EXTINF:-1 tvg-chno="9",Live\n${upstream.url("/live.ts")}\n`,
  );
  const service = await BridgeService.start(
    parse(bridgeConfigSchema, {
      bind: "127.0.0.1",
      port: 0,
      ssdp: false,
      ffmpeg: "",
      data_dir: `${dir}/data`,
      playlists: [{ url: `${dir}/tv.m3u` }],
    }),
    { logger: quiet() },
  );
  const base = `http://127.0.0.1:${service.server.addr.port}`;
  try {
    // One stream, closed by the client: one history row.
    const first = await fetch(`${base}/auto/v9`, {
      headers: { "user-agent": "Lavf/60.3.100" },
    });
    const reader = first.body!.getReader();
    await readAtLeast(reader, 188 * 20);
    await reader.cancel();
    await waitFor(
      () => service.store.sessionHistory().length === 1,
      2000,
      "a history row",
    );
    const [row] = service.store.sessionHistory();
    equal(row.guideNumber, "9");
    equal(row.channelName, "Live");
    equal(row.userAgent, "Lavf/60.3.100");
    equal(row.endReason, "client_disconnect");
    ok(row.bytes >= 188 * 20);
    ok(Math.abs(row.startedAt - Date.now()) < 60_000, String(row.startedAt));
    ok(row.endedAt! >= row.startedAt);

    // A second stream stays open while the service closes.
    const second = await fetch(`${base}/auto/v9`);
    const open = second.body!.getReader();
    await readAtLeast(open, 188);
    const started = performance.now();
    await service.close();
    ok(performance.now() - started < 1000);
    while (!(await open.read()).done) { /* the body ends */ }
    await upstream.waitForOpenConnections(0, 2000);
  } finally {
    await service.close();
    await upstream.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("BridgeService serves the stored lineup when its playlist cannot be read", async () => {
  const dir = await Deno.makeTempDir();
  const config = parse(bridgeConfigSchema, {
    bind: "127.0.0.1",
    port: 0,
    ssdp: false,
    data_dir: `${dir}/data`,
    playlists: [{ name: "p", url: `${dir}/tv.m3u` }],
  });
  await Deno.writeTextFile(
    `${dir}/tv.m3u`,
    '#EXTM3U\n#EXTINF:-1 tvg-id="one",One\nhttp://192.0.2.1/1.ts\n#EXTINF:-1,Two\nhttp://192.0.2.1/2.ts\n',
  );
  let service = await BridgeService.start(config, { logger: quiet() });
  const ids = service.lineup.all().map((c) => c.id);
  await service.close();
  await Deno.remove(`${dir}/tv.m3u`);
  service = await BridgeService.start(config, { logger: quiet() });
  try {
    deepEqual(names(service), ["1 One", "2 Two"]);
    deepEqual(service.lineup.all().map((c) => c.id), ids);
    const source = service.store.source("p")!;
    ok(source.lastError, JSON.stringify(source));
    const base = `http://127.0.0.1:${service.server.addr.port}`;
    const health = await (await fetch(`${base}/healthz`)).json();
    equal(health.status, "degraded");
    equal(health.checks.playlists.status, "degraded");
  } finally {
    await service.close();
    await Deno.remove(dir, { recursive: true });
  }
});
