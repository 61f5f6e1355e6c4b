// The reflector over real UDP sockets and a real HTTP port on loopback.
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { YsfServer } from "../../lib/ysf/server.ts";
import {
  buildStatusQuery,
  buildUnlink,
  buildVersionQuery,
} from "../../lib/ysf/packets.ts";
import { transmission } from "./_reflector_harness.ts";
import { tag, UdpClient, until } from "./_udp_client.ts";

async function start(
  reflector: Parameters<typeof YsfServer.start>[0]["reflector"],
) {
  return await YsfServer.start({
    reflector,
    bind: ["127.0.0.1"],
    port: 0,
    http: { hostname: "127.0.0.1", port: 0 },
  });
}

function target(server: YsfServer) {
  return { hostname: "127.0.0.1", port: server.sockets[0].port };
}

Deno.test("YsfServer over UDP: link, status, version, unlink, and the HTTP API", async () => {
  const server = await start({
    name: "PEER G4KLX",
    description: "Loopback test",
  });
  const a = new UdpClient(target(server));
  try {
    await a.link("GW1ABC");
    equal(new TextDecoder().decode(a.received[0]), "YSFPREFLECTOR ");

    const status = a.next((d) => tag(d) === "YSFS");
    await a.send(buildStatusQuery());
    equal(
      new TextDecoder().decode(await status),
      "YSFS94296PEER G4KLX      Loopback test 001",
    );

    const version = a.next((d) => tag(d) === "YSFV");
    await a.send(buildVersionQuery());
    match(new TextDecoder().decode(await version), /^YSFVshack \d+\.\d+\.\d+/);

    const base = `http://127.0.0.1:${server.httpAddr!.port}`;
    const api = await (await fetch(`${base}/api/status`)).json();
    equal(api.clients.length, 1);
    equal(api.clients[0].callsign, "GW1ABC");
    const health = await fetch(`${base}/healthz`);
    equal(health.status, 200);
    equal((await health.json()).checks.clients.count, 1);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    match(metrics, /^shack_ysf_clients 1$/m);
    match(metrics, /^shack_ysf_packets_in_total\{type="poll"\} 1$/m);
    match(metrics, /^shack_ysf_packets_out_total\{kind="status"\} 1$/m);
    const missing = await fetch(`${base}/nope`);
    await missing.body?.cancel();
    equal(missing.status, 404);
    await (await fetch(`${base}/api/status`, { method: "POST" })).body
      ?.cancel();

    await a.send(buildUnlink("GW1ABC"));
    await until(() => server.core.sizes.clients === 0, 5000, "unlink");
  } finally {
    await a.close();
    await server.close();
  }
});

Deno.test("YsfServer over UDP: a stream reaches the others in its room only, never the sender", async () => {
  const server = await start({
    name: "ROOMS",
    dgidList: [10, 20],
    defaultDgid: 10,
    prefix: false,
    keepAliveMs: 0,
  });
  const talker = new UdpClient(target(server));
  const inRoom = [new UdpClient(target(server)), new UdpClient(target(server))];
  const otherRoom = new UdpClient(target(server));
  const unlinked = new UdpClient(target(server));
  try {
    await talker.link("GW1TLK");
    for (const [i, c] of inRoom.entries()) await c.link(`GW${i}LSN`);
    await otherRoom.link("GW9OTH-20");
    const tx = transmission({
      dgid: 10,
      gateway: "GW1TLK",
      source: "G4ABC",
      count: 5,
    });
    const frames = [tx.header, ...tx.body, tx.terminator];
    for (const f of frames) await talker.send(f);
    for (const c of inRoom) {
      await until(
        () => c.count("YSFD") === frames.length,
        5000,
        "relayed frames",
      );
      const got = c.received.filter((d) => tag(d) === "YSFD");
      deepEqual(got, frames, "relayed bytes differ from what was sent");
    }
    // An unlinked address is ignored, and nothing comes back to the talker.
    await unlinked.send(tx.header);
    await until(
      () => server.core.counters.drops.unlinked === 1,
      5000,
      "unlinked drop",
    );
    await new Promise((r) => setTimeout(r, 100));
    equal(talker.count("YSFD"), 0);
    equal(otherRoom.count("YSFD"), 0);
    for (const c of inRoom) equal(c.count("YSFD"), frames.length);
    equal(server.core.snapshot().lastHeard[0].source.trim(), "G4ABC");
  } finally {
    for (const c of [talker, ...inRoom, otherRoom, unlinked]) await c.close();
    await server.close();
  }
});

Deno.test("YsfServer over UDP: auxiliary port puts its clients in its DG-ID and answers as its alias", async () => {
  const server = await YsfServer.start({
    reflector: {
      name: "MAIN REF",
      dgidList: [10, 30],
      defaultDgid: 10,
      keepAliveMs: 0,
    },
    bind: ["127.0.0.1"],
    port: 0,
    auxPorts: [{
      dgid: 30,
      port: 0,
      alias: { name: "OLD REF", description: "Room 30" },
    }],
  });
  const auxSocket = server.sockets.find((s) => s.dgid === 30)!;
  const aux = new UdpClient({ hostname: "127.0.0.1", port: auxSocket.port });
  try {
    await aux.link("GW3AUX");
    equal(server.core.snapshot().clients[0].room, 30);
    const status = aux.next((d) => tag(d) === "YSFS");
    await aux.send(buildStatusQuery());
    match(
      new TextDecoder().decode(await status),
      /^YSFS\d{5}OLD REF {9}Room 30 {7}001$/,
    );
  } finally {
    await aux.close();
    await server.close();
  }
});

Deno.test("YsfServer.close() ends every receive loop with clients linked", async () => {
  const server = await start({ name: "CLOSE" });
  const clients = Array.from(
    { length: 20 },
    // Spread over loopback addresses: 16 per address is the per-IP limit.
    (_, i) => new UdpClient(target(server), `127.0.0.${2 + (i % 4)}`),
  );
  try {
    await Promise.all(clients.map((c, i) => c.link(`GW${i}CLS`)));
    equal(server.core.sizes.clients, 20);
    const started = performance.now();
    await server.close();
    ok(performance.now() - started < 1000);
    equal(server.health().status, "failing");
  } finally {
    for (const c of clients) await c.close();
    await server.close();
  }
});

Deno.test("YsfServer serves the live dashboard on its HTTP port", async () => {
  const server = await start({ name: "DASH" });
  const a = new UdpClient(target(server));
  const base = `127.0.0.1:${server.httpAddr!.port}`;
  const ws = new WebSocket(`ws://${base}/api/ws`);
  const messages: { type: string }[] = [];
  ws.onmessage = (e) => messages.push(JSON.parse(e.data));
  try {
    const page = await fetch(`http://${base}/`);
    equal(page.status, 200);
    match(page.headers.get("content-type") ?? "", /text\/html/);
    match(await page.text(), /<html/i);
    await until(() => messages.length > 0, 5000, "first dashboard message");
    const msg = messages[0];
    equal(msg.type, "snapshot");
    await a.link("GW1DSH");
    const metrics = await (await fetch(`http://${base}/metrics`)).text();
    match(metrics, /^shack_ysf_dashboard_viewers 1$/m);
  } finally {
    const closed = new Promise((r) => (ws.onclose = r));
    ws.close();
    await closed;
    await a.close();
    await server.close();
  }
});

Deno.test("YsfServer over UDP: one talker per room; end flag, terminator and watchdog each free the floor", async () => {
  let now = 1_000_000;
  const server = await YsfServer.start({
    reflector: {
      name: "FLOOR",
      dgidList: [10],
      defaultDgid: 10,
      prefix: false,
      keepAliveMs: 0,
    },
    bind: ["127.0.0.1"],
    port: 0,
    now: () => now,
  });
  const a = new UdpClient(target(server));
  const b = new UdpClient(target(server));
  const ear = new UdpClient(target(server));
  const heard = (source: string) =>
    ear.received.filter((d) =>
      tag(d) === "YSFD" &&
      new TextDecoder().decode(d.subarray(14, 24)).trim() === source
    ).length;
  try {
    await a.link("GW1AAA");
    await b.link("GW2BBB");
    await ear.link("GW3EAR");
    const ta = transmission({
      dgid: 10,
      gateway: "GW1AAA",
      source: "G4AAA",
      count: 2,
    });
    const tb = transmission({
      dgid: 10,
      gateway: "GW2BBB",
      source: "G4BBB",
      count: 2,
    });

    // A holds the floor: B's transmission is dropped as busy.
    await a.send(ta.header);
    await until(() => heard("G4AAA") === 1, 5000, "A's header");
    for (const f of [tb.header, ...tb.body]) await b.send(f);
    await until(() => server.core.counters.drops.busy >= 1, 5000, "busy drop");
    equal(heard("G4BBB"), 0);

    // The end flag alone (on a voice frame) ends A's stream: B gets the floor at once.
    const endFlagged = ta.body[0].slice();
    endFlagged[34] |= 1;
    await a.send(endFlagged);
    await until(() => heard("G4AAA") === 2, 5000, "A's last frame");
    for (const f of [tb.header, tb.terminator]) await b.send(f);
    await until(() => heard("G4BBB") === 2, 5000, "B after A's end flag");

    // The terminator ended B's stream: A talks again, then goes silent.
    await a.send(ta.header);
    await until(() => heard("G4AAA") === 3, 5000, "A again");
    // 1.6 s of silence on the injected clock: the watchdog ends A's stream at the next tick.
    now += 1600;
    await until(() => server.core.sizes.streams === 0, 5000, "watchdog");
    await b.send(tb.header);
    await until(() => heard("G4BBB") === 3, 5000, "B after the watchdog");
    // A heard B's header and terminator, then B's last header; never its own frames.
    await until(() => a.count("YSFD") === 3, 5000, "A hearing B");
    equal(heard("G4AAA"), 3);
  } finally {
    for (const c of [a, b, ear]) await c.close();
    await server.close();
  }
});

Deno.test("YsfServer over UDP: TOT and wild-PTT block a talker temporarily (injected clock)", async () => {
  let now = 5_000_000;
  const server = await YsfServer.start({
    reflector: {
      name: "PROTECT",
      dgidList: [10],
      defaultDgid: 10,
      prefix: false,
      keepAliveMs: 0,
      timeoutSeconds: 2,
      treactivateSeconds: 60,
      wildPttTimeSeconds: 5,
      wildPttCount: 3,
      watchdogMs: 60_000,
    },
    bind: ["127.0.0.1"],
    port: 0,
    now: () => now,
  });
  const talker = new UdpClient(target(server));
  const ear = new UdpClient(target(server));
  const heard = () => ear.count("YSFD");
  try {
    await talker.link("GW1TLK");
    await ear.link("GW2EAR");
    // TOT: a transmission longer than 2 s is cut and its talker blocked.
    const tot = transmission({
      dgid: 10,
      gateway: "GW1TLK",
      source: "G4TOT",
      count: 2,
    });
    await talker.send(tot.header);
    await until(() => heard() === 1, 5000, "TOT header");
    now += 2100;
    await talker.send(tot.body[0]);
    await until(
      () => server.core.snapshot().tempBlocks.length === 1,
      5000,
      "TOT block",
    );
    const afterTot = heard();
    await talker.send(tot.header); // a new PTT while blocked
    await new Promise((r) => setTimeout(r, 100));
    equal(heard(), afterTot, "a blocked talker was relayed");

    // Wild PTT: a third key-up within 5 s blocks another callsign.
    for (let i = 0; i < 3; i++) {
      const ptt = transmission({
        dgid: 10,
        gateway: "GW1TLK",
        source: "G4WLD",
        count: 0,
      });
      await talker.send(ptt.header);
      await talker.send(ptt.terminator);
      now += 500;
    }
    await until(
      () => server.core.snapshot().tempBlocks.length === 2,
      5000,
      "wild-PTT block",
    );
    const blocked = server.core.snapshot().tempBlocks.map((b) =>
      JSON.stringify(b)
    ).join(" ");
    match(blocked, /G4TOT/);
    match(blocked, /G4WLD/);
  } finally {
    await talker.close();
    await ear.close();
    await server.close();
  }
});
