/**
 * BridgeService's identity: one DeviceID, kept in the store, the same in
 * discover.json, device.xml, SSDP and UDP 65001 discovery, and across
 * restarts; the API token rules by bind address.
 */
import { equal, match, notEqual, ok } from "node:assert/strict";
import { Logger } from "../../lib/core/log.ts";
import { parse } from "../../lib/core/config/schema.ts";
import { bridgeConfigSchema } from "../../lib/bridge/config.ts";
import {
  deviceUuid,
  isValidDeviceId,
} from "../../lib/bridge/hdhr/device_id.ts";
import { BridgeService } from "../../lib/bridge/service.ts";
import {
  decodeHdhrFrame,
  encodeHdhrFrame,
} from "../../lib/bridge/ssdp/hdhr_discover_packet.ts";

function capture() {
  const lines: string[] = [];
  return {
    lines,
    logger: new Logger({ sink: (line) => lines.push(line), format: "json" }),
  };
}

async function playlist(dir: string) {
  await Deno.writeTextFile(
    `${dir}/tv.m3u`,
    "#EXTM3U\n#EXTINF:-1,One\nhttp://192.0.2.1/one.ts\n",
  );
  return `${dir}/tv.m3u`;
}

Deno.test("BridgeService keeps one DeviceID across discover.json, device.xml, SSDP, UDP discovery and restarts", async () => {
  const dir = await Deno.makeTempDir();
  const config = parse(bridgeConfigSchema, {
    bind: "127.0.0.1",
    port: 0,
    ssdp: true,
    hdhr_discovery: true,
    data_dir: `${dir}/data`,
    friendly_name: "Den Tuner",
    playlists: [{ url: await playlist(dir) }],
  });
  const options = {
    ssdpSocket: { hostname: "127.0.0.1", port: 0, joinMulticast: false },
    discoverySocket: { hostname: "127.0.0.1", port: 0 },
  };
  let first: string;
  const { logger } = capture();
  let service = await BridgeService.start(config, { logger, ...options });
  const socket = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
  try {
    first = service.deviceId;
    ok(isValidDeviceId(first), first);
    equal(service.store.getSetting("device.id"), first);
    const base = `http://127.0.0.1:${service.server.addr.port}`;
    const discover = await (await fetch(`${base}/discover.json`)).json();
    equal(discover.DeviceID, first);
    equal(discover.FriendlyName, "Den Tuner");
    const xml = await (await fetch(`${base}/device.xml`)).text();
    ok(xml.includes(`<UDN>uuid:${deviceUuid(first)}</UDN>`), xml);
    // SSDP
    await socket.send(
      new TextEncoder().encode(
        'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: upnp:rootdevice\r\n\r\n',
      ),
      {
        transport: "udp",
        hostname: "127.0.0.1",
        port: service.server.ssdp!.addr.port,
      },
    );
    const reply = new TextDecoder().decode((await socket.receive())[0]);
    ok(
      reply.includes(`USN: uuid:${deviceUuid(first)}::upnp:rootdevice`),
      reply,
    );
    ok(reply.includes(`LOCATION: ${service.server.baseUrl}/device.xml`));
    // UDP 65001 discovery
    await socket.send(
      encodeHdhrFrame({
        type: 2,
        items: [
          { tag: 0x01, value: new Uint8Array([0xff, 0xff, 0xff, 0xff]) },
          { tag: 0x02, value: new Uint8Array([0xff, 0xff, 0xff, 0xff]) },
        ],
      }),
      {
        transport: "udp",
        hostname: "127.0.0.1",
        port: service.server.discovery!.addr.port,
      },
    );
    const frame = decodeHdhrFrame((await socket.receive())[0]);
    const id = frame?.items.find((t) => t.tag === 0x02)?.value;
    ok(id, JSON.stringify(frame));
    equal(
      [...id].map((b) => b.toString(16).padStart(2, "0")).join("")
        .toUpperCase(),
      first,
    );
  } finally {
    socket.close();
    await service.close();
  }
  // Restart on the same data directory: the same device.
  service = await BridgeService.start(config, { logger, ...options });
  try {
    equal(service.deviceId, first);
    const base = `http://127.0.0.1:${service.server.addr.port}`;
    equal(
      (await (await fetch(`${base}/discover.json`)).json()).DeviceID,
      first,
    );
  } finally {
    await service.close();
  }
  // Another data directory is another device.
  service = await BridgeService.start(
    { ...config, data_dir: `${dir}/other`, ssdp: false, hdhr_discovery: false },
    { logger },
  );
  try {
    notEqual(service.deviceId, first);
  } finally {
    await service.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("BridgeService asks for the API token off loopback and logs how to sign in", async () => {
  const dir = await Deno.makeTempDir();
  const { lines, logger } = capture();
  const service = await BridgeService.start(
    parse(bridgeConfigSchema, {
      bind: "0.0.0.0",
      port: 0,
      ssdp: false,
      data_dir: `${dir}/data`,
      playlists: [{ url: await playlist(dir) }],
    }),
    { logger },
  );
  try {
    equal(service.api.requireToken, true);
    equal(service.token.origin, "generated");
    const announce = lines.map((l) => JSON.parse(l)).find((l) =>
      String(l.msg).startsWith("bridge dashboard")
    );
    ok(announce, lines.join("\n"));
    match(announce.url, /\/dashboard\/\?token=/);
    const base = `http://127.0.0.1:${service.server.addr.port}`;
    const refused = await fetch(`${base}/api/status`);
    equal(refused.status, 401);
    await refused.body?.cancel();
    const allowed = await fetch(`${base}/api/status`, {
      headers: { authorization: `Bearer ${service.token.token}` },
    });
    equal(allowed.status, 200);
    equal((await allowed.json()).channels.total, 1);
    // The HDHomeRun API stays open (Plex cannot send a token).
    const lineup = await fetch(`${base}/lineup.json`);
    equal(lineup.status, 200);
    await lineup.body?.cancel();
  } finally {
    await service.close();
  }
  // The token is kept in the store: the same after a restart.
  const again = await BridgeService.start(
    parse(bridgeConfigSchema, {
      bind: "0.0.0.0",
      port: 0,
      ssdp: false,
      data_dir: `${dir}/data`,
    }),
    { logger },
  );
  try {
    equal(again.token.origin, "settings");
    equal(again.token.token, service.token.token);
    // No playlist configured: the stored lineup is served.
    equal(again.lineup.channels().length, 1);
  } finally {
    await again.close();
    await Deno.remove(dir, { recursive: true });
  }
});
