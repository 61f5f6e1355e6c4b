// Per-address limits and bans of `shack sdr serve` over real TCP handshakes:
// 429 with Retry-After, bans, the X-Forwarded-For trust switch, metrics.
import { deepEqual, equal, match, ok } from "node:assert/strict";
import {
  SdrServer,
  type SdrServerOptions,
} from "../../lib/sdr/server/sdr_server.ts";
import { SyntheticSource } from "../../lib/sdr/sources/synthetic_source.ts";

function start(options: Partial<SdrServerOptions>): Promise<SdrServer> {
  return SdrServer.start({
    source: new SyntheticSource({ sps: 96000, frequency: 7_100_000 }),
    hostname: "127.0.0.1",
    port: 0,
    fftSize: 2048,
    waterfallSize: 256,
    chat: {},
    ...options,
  });
}

interface Handshake {
  status: number;
  headers: Record<string, string>;
  conn: Deno.TcpConn;
}

/** A raw WebSocket handshake; the connection stays open until closed. */
async function handshake(
  server: SdrServer,
  path: string,
  headers: Record<string, string> = {},
): Promise<Handshake> {
  const conn = await Deno.connect({
    hostname: "127.0.0.1",
    port: server.addr.port,
  });
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  await conn.write(
    new TextEncoder().encode(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n` +
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        `Sec-WebSocket-Version: 13\r\n${extra}\r\n`,
    ),
  );
  const buffer = new Uint8Array(4096);
  const n = await conn.read(buffer) ?? 0;
  const [statusLine, ...lines] = new TextDecoder().decode(
    buffer.subarray(0, n),
  ).split("\r\n\r\n")[0].split("\r\n");
  const parsed: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    parsed[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(" ")[1]), headers: parsed, conn };
}

async function metricsOf(server: SdrServer): Promise<string> {
  return await (await fetch(`http://127.0.0.1:${server.addr.port}/metrics`))
    .text();
}

Deno.test("SdrServer holds each address to its socket and listener caps, then bans it (429 + Retry-After)", async () => {
  const server = await start({
    ipLimits: {
      sockets: 2,
      listeners: 1,
      connectionsPerMinute: 0,
      banAfter: 3,
      banSeconds: 90,
    },
  });
  const open: Deno.TcpConn[] = [];
  const keep = (h: Handshake) => {
    open.push(h.conn);
    return h;
  };
  try {
    equal(keep(await handshake(server, "/audio")).status, 101);
    const listener = keep(await handshake(server, "/audio"));
    equal(listener.status, 429);
    equal(listener.headers["retry-after"], "10");
    equal(keep(await handshake(server, "/waterfall")).status, 101);
    const third = keep(await handshake(server, "/events"));
    equal(third.status, 429); // two sockets already
    const chat = keep(await handshake(server, "/chat"));
    equal(chat.status, 429); // the third refusal: banned for 90 s
    equal(chat.headers["retry-after"], "90");
    // Closing a socket does not lift the ban.
    open.shift()!.close();
    const banned = keep(await handshake(server, "/waterfall"));
    equal(banned.status, 429);
    ok(
      Number(banned.headers["retry-after"]) >= 89,
      banned.headers["retry-after"],
    );
    const stats = server.stats();
    deepEqual(stats.sockets.audio.refused, { listeners: 1 });
    deepEqual(stats.sockets.waterfall.refused, { banned: 1 });
    deepEqual(stats.sockets.events.refused, { sockets: 1 });
    deepEqual(stats.chat.refused, { sockets: 1 });
    deepEqual(stats.ip.refused, {
      banned: 1,
      rate: 0,
      sockets: 2,
      listeners: 1,
    });
    equal(stats.ip.bans, 1);
    const metrics = await metricsOf(server);
    match(metrics, /^shack_sdr_ip_bans_total 1$/m);
    match(metrics, /^shack_sdr_ip_banned 1$/m);
    match(metrics, /^shack_sdr_ip_refusals_total\{reason="listeners"\} 1$/m);
    match(
      metrics,
      /^shack_sdr_connections_refused_total\{socket="waterfall",reason="banned"\} 1$/m,
    );
    // Static files are still served to a banned address.
    const page = await fetch(`http://127.0.0.1:${server.addr.port}/`);
    equal(page.status, 200);
    await page.body?.cancel();
  } finally {
    for (const conn of open) conn.close();
    await server.close();
  }
});

Deno.test("SdrServer limits new sockets per minute per address", async () => {
  const server = await start({
    ipLimits: {
      sockets: 0,
      listeners: 0,
      connectionsPerMinute: 2,
      banAfter: 0,
      banSeconds: 0,
    },
  });
  const open: Deno.TcpConn[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const h = await handshake(server, "/events");
      open.push(h.conn);
      equal(h.status, 101);
      h.conn.close(); // closing does not give the allowance back
      open.pop();
    }
    const refused = await handshake(server, "/events");
    open.push(refused.conn);
    equal(refused.status, 429);
    const retry = Number(refused.headers["retry-after"]);
    ok(retry >= 25 && retry <= 30, `Retry-After ${retry}`); // one per 30 s
    equal(server.stats().ip.refused.rate, 1);
    equal(server.stats().ip.bans, 0); // bans are off
  } finally {
    for (const conn of open) conn.close();
    await server.close();
  }
});

Deno.test("SdrServer ignores X-Forwarded-For unless told to trust it", async () => {
  const limits = {
    sockets: 1,
    listeners: 0,
    connectionsPerMinute: 0,
    banAfter: 0,
    banSeconds: 0,
  };
  const plain = await start({ ipLimits: limits });
  const proxied = await start({ ipLimits: limits, trustForwardedFor: true });
  const open: Deno.TcpConn[] = [];
  const status = async (
    server: SdrServer,
    headers: Record<string, string>,
  ) => {
    const h = await handshake(server, "/events", headers);
    open.push(h.conn);
    return h.status;
  };
  try {
    // Off (the default): a forged header does not make a new address.
    equal(await status(plain, { "X-Forwarded-For": "192.0.2.1" }), 101);
    equal(await status(plain, { "X-Forwarded-For": "192.0.2.2" }), 429);
    // On: the last entry (what the proxy saw) is the address.
    equal(await status(proxied, { "X-Forwarded-For": "192.0.2.1" }), 101);
    equal(
      await status(proxied, { "X-Forwarded-For": "203.0.113.9, 192.0.2.2" }),
      101,
    );
    equal(await status(proxied, { "X-Real-IP": "192.0.2.1" }), 429);
    // Not an address: the peer's address is used.
    equal(await status(proxied, { "X-Forwarded-For": "<script>" }), 101);
    equal(await status(proxied, {}), 429);
    // Reloaded off: the header is ignored again (peer already has one socket).
    proxied.reload({ trustForwardedFor: false });
    equal(await status(proxied, { "X-Forwarded-For": "198.51.100.1" }), 429);
  } finally {
    for (const conn of open) conn.close();
    await plain.close();
    await proxied.close();
  }
});
