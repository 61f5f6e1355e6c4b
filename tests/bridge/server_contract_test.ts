/**
 * Contract tests that do what Plex and Jellyfin do (reference §4.4):
 * discover → lineup → lineup_status → device.xml → HEAD → GET with a
 * `Lavf/` user agent → close.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { BridgeServer } from "../../lib/bridge/server.ts";
import { deviceUuid } from "../../lib/bridge/hdhr/device_id.ts";
import { loadOrCreateDeviceId } from "../../lib/bridge/hdhr/device_id_file.ts";
import {
  decodeHdhrFrame,
  encodeHdhrFrame,
} from "../../lib/bridge/ssdp/hdhr_discover_packet.ts";
import { TsStreamChecker } from "../../lib/bridge/mpegts/stream_checker.ts";
import {
  type FakeUpstream,
  memoryLookup,
  readAtLeast,
  repeated,
  startFakeUpstream,
  testChannel,
  waitFor,
} from "./_fake_upstream.ts";

const DEVICE_ID = "12345674";
const LAVF = { "user-agent": "Lavf/60.16.100" };

async function start(upstream: FakeUpstream, tunerCount = 2) {
  const channels = [
    testChannel(upstream.url("/live.ts"), {
      id: "one",
      guideNumber: "101",
      name: "One",
      hd: true,
    }),
    testChannel(upstream.url("/live.ts?bitrate=1000000"), {
      id: "two",
      guideNumber: "102",
      name: "Two",
    }),
    testChannel(upstream.url("/status/404"), {
      id: "dead",
      guideNumber: "103",
      name: "Dead",
    }),
  ];
  const ssdpListener = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
  const bridge = await BridgeServer.start({
    channels: memoryLookup(channels),
    deviceId: DEVICE_ID,
    tunerCount,
    device: { friendlyName: "Shack Test" },
    hostname: "127.0.0.1",
    port: 0,
    stream: { ffmpegPath: false, feed: { startupTimeoutMs: 2000 } },
    ssdp: {
      hostname: "0.0.0.0",
      port: 0,
      joinMulticast: false,
      notifyTo: {
        hostname: "127.0.0.1",
        port: (ssdpListener.addr as Deno.NetAddr).port,
      },
    },
    hdhrDiscovery: { hostname: "127.0.0.1", port: 0 },
  });
  return {
    bridge,
    base: `http://127.0.0.1:${bridge.addr.port}`,
    async close() {
      await bridge.close();
      ssdpListener.close();
    },
  };
}

Deno.test("BridgeServer: the Plex sequence discover → lineup → status → device.xml → HEAD → GET Lavf → close", async () => {
  const upstream = startFakeUpstream();
  const { bridge, base, close } = await start(upstream);
  try {
    // 1. discover.json
    const discover = await (await fetch(`${base}/discover.json`)).json();
    equal(discover.DeviceID, DEVICE_ID);
    equal(discover.TunerCount, 2);
    equal(discover.FriendlyName, "Shack Test");
    equal(discover.BaseURL, base);
    // 2. follow LineupURL
    const lineup = await (await fetch(discover.LineupURL)).json();
    deepEqual(lineup.map((e: { GuideNumber: string }) => e.GuideNumber), [
      "101",
      "102",
      "103",
    ]);
    deepEqual(lineup[0], {
      GuideNumber: "101",
      GuideName: "One",
      URL: `${base}/auto/v101`,
      HD: 1,
    });
    // 3. lineup_status.json
    deepEqual(await (await fetch(`${base}/lineup_status.json`)).json(), {
      ScanInProgress: 0,
      ScanPossible: 1,
      Source: "Cable",
      SourceList: ["Cable"],
    });
    // 4. device.xml: the UDN matches the DeviceID, as SSDP advertises it.
    const xml = await (await fetch(`${base}/device.xml`)).text();
    ok(xml.includes(`<UDN>uuid:${deviceUuid(DEVICE_ID)}</UDN>`));
    // SSDP names the same device and points at the same device.xml.
    const searcher = Deno.listenDatagram({
      transport: "udp",
      hostname: "127.0.0.1",
      port: 0,
    });
    try {
      await searcher.send(
        new TextEncoder().encode(
          'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: urn:schemas-upnp-org:device:MediaServer:1\r\n\r\n',
        ),
        {
          transport: "udp",
          hostname: "127.0.0.1",
          port: bridge.ssdp!.addr.port,
        },
      );
      const reply = new TextDecoder().decode((await searcher.receive())[0]);
      ok(
        reply.includes(
          `\r\nUSN: uuid:${
            deviceUuid(DEVICE_ID)
          }::urn:schemas-upnp-org:device:MediaServer:1\r\n`,
        ),
        reply,
      );
      ok(reply.includes(`\r\nLOCATION: ${base}/device.xml\r\n`), reply);
    } finally {
      searcher.close();
    }
    // 5. HEAD the stream URL: no upstream connection.
    const head = await fetch(lineup[0].URL, { method: "HEAD", headers: LAVF });
    equal(head.status, 200);
    equal(head.headers.get("content-type"), "video/mp2t");
    equal(upstream.totalConnections, 0);
    // 6. GET with PMS's user agent: MPEG-TS, packet by packet.
    const response = await fetch(lineup[0].URL, { headers: LAVF });
    equal(response.status, 200);
    const reader = response.body!.getReader();
    const bytes = await readAtLeast(reader, 188 * 500);
    deepEqual(bytes, repeated(upstream.loop, bytes.length));
    const checker = new TsStreamChecker();
    checker.push(bytes.subarray(0, bytes.length - (bytes.length % 188)));
    equal(checker.report.syncErrors, 0);
    equal(checker.report.continuityErrors, 0);
    ok(checker.report.pats > 0 && checker.report.pmts > 0);
    const [session] = bridge.sessions.sessions();
    equal(session.client.userAgent, "Lavf/60.16.100");
    equal(session.channel.guideNumber, "101");
    // 7. close: session gone, tuner free, upstream released within 1 s.
    const started = performance.now();
    await reader.cancel();
    await waitFor(() => bridge.sessions.size === 0, 1000, "the session gone");
    await upstream.waitForOpenConnections(0, 1000);
    ok(performance.now() - started < 1000);
    equal(bridge.sessions.tunersInUse, 0);
    // /metrics reflects it.
    const metrics = await (await fetch(`${base}/metrics`)).text();
    ok(
      /^shack_bridge_sessions_ended_total\{reason="client_disconnect"\} 1$/m
        .test(metrics),
      metrics,
    );
    ok(/^shack_bridge_bytes_proxied_total \d+$/m.test(metrics));
    ok(/^shack_bridge_session_cleanup_seconds_count 1$/m.test(metrics));
    const health = await (await fetch(`${base}/healthz`)).json();
    equal(health.service, "bridge");
    equal(health.checks.tuners.total, 2);
  } finally {
    await close();
    await upstream.close();
  }
});

Deno.test("BridgeServer: the Jellyfin sequence, with UDP 65001 discovery and ?transcode=native", async () => {
  const upstream = startFakeUpstream();
  const { bridge, base, close } = await start(upstream);
  const client = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
  try {
    const any = new Uint8Array([0xff, 0xff, 0xff, 0xff]);
    await client.send(
      encodeHdhrFrame({
        type: 2,
        items: [{ tag: 1, value: any }, { tag: 2, value: any }],
      }),
      {
        transport: "udp",
        hostname: "127.0.0.1",
        port: bridge.discovery!.addr.port,
      },
    );
    const [reply] = await client.receive();
    equal(reply[1], 3);
    const items = decodeHdhrFrame(reply)!.items;
    equal(
      new TextDecoder().decode(items.find((i) => i.tag === 0x2a)!.value),
      base,
    );
    deepEqual([...items.find((i) => i.tag === 0x02)!.value], [
      0x12,
      0x34,
      0x56,
      0x74,
    ]);
    const discover = await (await fetch(`${base}/discover.json`)).json();
    const lineup = await (await fetch(
      discover.LineupURL ?? `${discover.BaseURL}/lineup.json`,
    )).json();
    const response = await fetch(`${lineup[1].URL}?transcode=native`, {
      headers: { "user-agent": "Jellyfin-Server/10.10.7" },
    });
    equal(response.status, 200);
    const reader = response.body!.getReader();
    equal((await readAtLeast(reader, 188 * 10))[0], 0x47);
    await reader.cancel();
    await waitFor(() => bridge.sessions.size === 0, 1000, "the session gone");
  } finally {
    client.close();
    await close();
    await upstream.close();
  }
});

Deno.test("BridgeServer: TunerCount+1 → 503, unknown channel → 404, dead upstream → 503", async () => {
  const upstream = startFakeUpstream();
  const { bridge, base, close } = await start(upstream, 1);
  try {
    const unknown = await fetch(`${base}/auto/v999`);
    equal(unknown.status, 404);
    equal(unknown.headers.get("x-hdhomerun-error"), "Unknown channel");
    await unknown.body?.cancel();
    const dead = await fetch(`${base}/auto/v103`);
    equal(dead.status, 503);
    equal(
      dead.headers.get("x-hdhomerun-error"),
      "Upstream unavailable (http_status)",
    );
    await dead.body?.cancel();
    equal(bridge.sessions.tunersInUse, 0);
    const first = await fetch(`${base}/auto/v101`, { headers: LAVF });
    equal(first.status, 200);
    const second = await fetch(`${base}/stream/two`, { headers: LAVF }); // the other URL form
    equal(second.status, 503);
    equal(second.headers.get("x-hdhomerun-error"), "All tuners in use");
    await second.body?.cancel();
    await first.body!.cancel();
    await waitFor(
      () => bridge.sessions.tunersInUse === 0,
      1000,
      "the tuner free",
    );
    const third = await fetch(`${base}/stream/two`, { headers: LAVF });
    equal(third.status, 200);
    await third.body!.cancel();
  } finally {
    await close();
    await upstream.close();
  }
});

Deno.test("BridgeServer keeps its DeviceID across restarts (persisted with loadOrCreateDeviceId)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const ids: string[] = [];
    for (let start = 0; start < 2; start++) {
      const bridge = await BridgeServer.start({
        channels: memoryLookup([]),
        deviceId: await loadOrCreateDeviceId(`${dir}/device_id`),
        tunerCount: 1,
        hostname: "127.0.0.1",
        port: 0,
      });
      const doc = await (await fetch(
        `http://127.0.0.1:${bridge.addr.port}/discover.json`,
      )).json();
      ids.push(doc.DeviceID);
      await bridge.close();
    }
    equal(ids[0], ids[1]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
