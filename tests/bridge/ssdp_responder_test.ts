import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { SsdpResponder } from "../../lib/bridge/ssdp/ssdp_responder.ts";
import {
  parseSsdpRequest,
  SSDP_GROUP,
} from "../../lib/bridge/ssdp/ssdp_message.ts";

const UUID = "10101010-0000-8000-8000-000010101010";
const LOCATION = "http://127.0.0.1:5004/device.xml";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function mSearch(st: string): Uint8Array {
  return encoder.encode(
    `M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ${st}\r\n\r\n`,
  );
}

/** Receives datagrams until `count` arrived or `ms` passed without one. */
async function receiveSome(
  socket: Deno.DatagramConn,
  count: number,
  ms = 1000,
): Promise<string[]> {
  const out: string[] = [];
  while (out.length < count) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), ms);
    });
    const next = socket.receive().then(([d]) => decoder.decode(d));
    const got = await Promise.race([next, timeout]);
    clearTimeout(timer);
    if (got === null) {
      // Leave the pending receive to be ended by socket.close().
      next.catch(() => {});
      break;
    }
    out.push(got);
  }
  return out;
}

function headers(text: string): Map<string, string> {
  // Responses start with a status line; reuse the request parser on the rest.
  return parseSsdpRequest(text.replace(/^HTTP\/1\.1 200 OK/, "X * HTTP/1.1"))!
    .headers;
}

async function withResponder(
  fn: (
    responder: SsdpResponder,
    client: Deno.DatagramConn,
    listener: Deno.DatagramConn,
  ) => Promise<void>,
  options: { joinMulticast?: boolean; maxRepliesPerSecond?: number } = {},
) {
  const listener = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
  const client = Deno.listenDatagram({
    transport: "udp",
    hostname: "0.0.0.0",
    port: 0,
    loopback: true,
  });
  const responder = await SsdpResponder.start({
    uuid: UUID,
    location: LOCATION,
    port: 0,
    joinMulticast: options.joinMulticast ?? false,
    notifyTo: {
      hostname: "127.0.0.1",
      port: (listener.addr as Deno.NetAddr).port,
    },
    ...(options.maxRepliesPerSecond
      ? { maxRepliesPerSecond: options.maxRepliesPerSecond }
      : {}),
  });
  try {
    await fn(responder, client, listener);
  } finally {
    await responder.close();
    client.close();
    listener.close();
  }
}

Deno.test("SsdpResponder.start() announces ssdp:alive for every target", async () => {
  await withResponder(async (responder, _client, listener) => {
    const notifies = await receiveSome(listener, 4);
    equal(notifies.length, 4);
    for (const text of notifies) {
      const h = parseSsdpRequest(text)!.headers;
      equal(h.get("nts"), "ssdp:alive");
      equal(h.get("location"), LOCATION);
      equal(h.get("host"), "239.255.255.250:1900");
      ok(h.get("usn")!.startsWith(`uuid:${UUID}`));
    }
    deepEqual(
      notifies.map((t) => parseSsdpRequest(t)!.headers.get("nt")),
      [
        "upnp:rootdevice",
        `uuid:${UUID}`,
        "urn:schemas-upnp-org:device:MediaServer:1",
        "urn:silicondust-com:device:HDHomeRun:1",
      ],
    );
    equal(responder.stats.notifies, 4);
  });
});

Deno.test("SsdpResponder answers unicast M-SEARCHes on loopback with ST, USN, LOCATION and max-age", async () => {
  await withResponder(async (responder, client) => {
    const to: Deno.NetAddr = {
      transport: "udp",
      hostname: "127.0.0.1",
      port: responder.addr.port,
    };
    await client.send(mSearch("ssdp:all"), to);
    const all = await receiveSome(client, 4);
    equal(all.length, 4);
    for (const reply of all) {
      ok(reply.startsWith("HTTP/1.1 200 OK\r\n"));
      const h = headers(reply);
      equal(h.get("location"), LOCATION);
      equal(h.get("cache-control"), "max-age=1800");
      equal(h.has("ext"), true);
    }
    await client.send(mSearch("upnp:rootdevice"), to);
    const [root] = await receiveSome(client, 1);
    equal(headers(root).get("st"), "upnp:rootdevice");
    equal(headers(root).get("usn"), `uuid:${UUID}::upnp:rootdevice`);
    await client.send(mSearch(`uuid:${UUID}`), to);
    const [byUuid] = await receiveSome(client, 1);
    equal(headers(byUuid).get("usn"), `uuid:${UUID}`);
    await client.send(mSearch("urn:schemas-upnp-org:device:MediaServer:1"), to);
    const [media] = await receiveSome(client, 1);
    equal(
      headers(media).get("usn"),
      `uuid:${UUID}::urn:schemas-upnp-org:device:MediaServer:1`,
    );
    // Nothing for other targets, garbage or oversized datagrams.
    await client.send(mSearch("urn:schemas-upnp-org:device:Printer:1"), to);
    await client.send(encoder.encode("\u0000\u0001garbage"), to);
    await client.send(new Uint8Array(4000).fill(65), to);
    deepEqual(await receiveSome(client, 1, 300), []);
    const stats = responder.stats;
    equal(stats.searches, 4);
    equal(stats.replies, 7);
    equal(stats.ignored, 1);
    equal(stats.malformed, 2);
  });
});

Deno.test("SsdpResponder rate-limits replies", async () => {
  await withResponder(async (responder, client) => {
    const to: Deno.NetAddr = {
      transport: "udp",
      hostname: "127.0.0.1",
      port: responder.addr.port,
    };
    for (let i = 0; i < 5; i++) await client.send(mSearch("ssdp:all"), to);
    const replies = await receiveSome(client, 20, 300);
    equal(replies.length, 4); // capacity 2 × 2 per second
    ok(responder.stats.rateLimited >= 16);
  }, { maxRepliesPerSecond: 2 });
});

Deno.test("SsdpResponder.close() says ssdp:byebye for every target", async () => {
  const listener = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
  try {
    const responder = await SsdpResponder.start({
      uuid: UUID,
      location: LOCATION,
      port: 0,
      joinMulticast: false,
      notifyTo: {
        hostname: "127.0.0.1",
        port: (listener.addr as Deno.NetAddr).port,
      },
    });
    await receiveSome(listener, 4); // the alive burst
    await responder.close();
    await responder.close(); // idempotent
    const byes = await receiveSome(listener, 4);
    equal(byes.length, 4);
    for (const text of byes) {
      equal(parseSsdpRequest(text)!.headers.get("nts"), "ssdp:byebye");
    }
  } finally {
    listener.close();
  }
});

Deno.test("SsdpResponder.start() refuses a NOTIFY interval longer than half the max-age", async () => {
  await rejects(
    SsdpResponder.start({
      uuid: UUID,
      location: LOCATION,
      port: 0,
      maxAgeSeconds: 100,
      notifyIntervalMs: 60_000,
    }),
    RangeError,
  );
});

const MULTICAST = await (async () => {
  try {
    const probe = Deno.listenDatagram({
      transport: "udp",
      hostname: "0.0.0.0",
      port: 0,
      reuseAddress: true,
    });
    try {
      await probe.joinMulticastV4(SSDP_GROUP, "0.0.0.0");
      return true;
    } finally {
      probe.close();
    }
  } catch {
    return false;
  }
})();
if (!MULTICAST) {
  console.error(
    "ssdp_responder_test: this host cannot join 239.255.255.250; the multicast M-SEARCH test is skipped",
  );
}

Deno.test({
  name: "SsdpResponder answers an M-SEARCH multicast to 239.255.255.250",
  ignore: !MULTICAST,
  async fn() {
    await withResponder(async (responder, client) => {
      ok(responder.multicast);
      await client.send(mSearch("upnp:rootdevice"), {
        transport: "udp",
        hostname: SSDP_GROUP,
        port: responder.addr.port,
      });
      const replies = await receiveSome(client, 1, 2000);
      equal(replies.length, 1);
      equal(headers(replies[0]).get("usn"), `uuid:${UUID}::upnp:rootdevice`);
    }, { joinMulticast: true });
  },
});
