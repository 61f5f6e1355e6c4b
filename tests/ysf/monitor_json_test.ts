// The pYSFReflector3 JSON monitor over real UDP sockets on loopback, with an
// injected clock for expiry and the 120 s dumps.
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import {
  JsonMonitor,
  type JsonMonitorOptions,
  monitorStreamId,
  toDumpMessages,
  toSystemMessage,
} from "../../lib/ysf/monitor/mod.ts";
import { Registry } from "../../lib/core/metrics.ts";
import type { ReflectorEvent } from "../../lib/ysf/reflector/mod.ts";
import { frame, Harness, transmission } from "./_reflector_harness.ts";
import { UdpClient, until } from "./_udp_client.ts";

const T0 = Date.UTC(2024, 4, 1, 12);
const SYSTEM = {
  name: "SHACK REF",
  description: "Monitor test",
  statusId: "01234",
  version: "shack 9.9.9",
  dgidList: [9, 50],
  defaultDgid: 50,
  localDgid: 1,
  contact: 'g4abc "at" example',
};

function text(d: Uint8Array): string {
  return new TextDecoder().decode(d);
}

function bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function isJson(d: Uint8Array): boolean {
  return d[0] === 0x7b; // "{"
}

function kindOf(d: Uint8Array): string {
  return Object.keys(JSON.parse(text(d)))[0];
}

class Clock {
  time = T0;
  now = () => this.time;
}

function start(clock: Clock, options: Partial<JsonMonitorOptions> = {}) {
  const monitor = JsonMonitor.start({
    bind: "127.0.0.1",
    port: 0,
    system: SYSTEM,
    streamIdSalt: 1234,
    now: clock.now,
    ...options,
  });
  const target = { hostname: "127.0.0.1", port: monitor.addr.port };
  return { monitor, client: () => new UdpClient(target) };
}

/** Sends CONNREQ and waits for CONNOK and the system message. */
async function subscribe(c: UdpClient): Promise<Record<string, string>> {
  const ok = c.next((d) => text(d).startsWith("CONNOK"));
  const system = c.next(isJson);
  await c.send(bytes("CONNREQ"));
  equal(text(await ok), `CONNOK:127.0.0.1:${c.port}`);
  return JSON.parse(text(await system));
}

/** A rooms-mode reflector with two clients, recording its events. */
function reflector() {
  const h = new Harness({ dgidList: [9, 50], defaultDgid: 50, prefix: false });
  h.time = T0;
  const a = h.link("GW1ABC", 42000);
  h.link("GW2XYZ", 42001);
  h.clear();
  return { h, a };
}

Deno.test("JsonMonitor: CONNREQ, system message, events as JSON, PING/PONG and BYE", async () => {
  const clock = new Clock();
  const { monitor, client } = start(clock);
  const c = client();
  const other = client();
  try {
    const system = await subscribe(c);
    deepEqual(system, toSystemMessage(SYSTEM));
    deepEqual(Object.keys(system), [
      "system",
      "ver",
      "REF_ID",
      "REF_NAME",
      "REF_DESC",
      "APRS_EN",
      "APRS_SSID",
      "contact",
      "web",
      "dgid_loc",
      "dgid_def",
      "dgid_list",
    ]);
    equal(system.contact, 'g4abc "at" example');
    equal(monitor.subscribers.length, 1);
    equal(monitor.subscribers[0].port, c.port);

    // A real transmission through the state machine, published as it runs.
    const { h, a } = reflector();
    const t = transmission({ source: "G4ABC", gateway: "GW1ABC", dgid: 50 });
    h.play([t.header, ...t.body, t.terminator], a);
    const wanted = ["stream_start", "stream_id05", "stream_end"];
    const arrivals = wanted.map((k) =>
      c.next((d) => isJson(d) && kindOf(d) === k)
    );
    for (const e of h.events) monitor.publish(e);
    const [start, id05, end] = (await Promise.all(arrivals)).map((d) =>
      JSON.parse(text(d)) as Record<string, string>
    );
    const id = monitorStreamId(h.eventsOf("stream-start")[0].stream.id, 1234);
    deepEqual(start, {
      stream_start: id,
      call: "G4ABC",
      target: "ALL       ",
      gw: "GW1ABC",
      dgid: "50",
      time: "2024-05-01 12:00:00.000",
      CS: "2",
      CM: "0",
      FT: "6",
      Dev: "False",
      MR: "0",
      VoIP: "True",
      DT: "2",
      SQL: "False",
      SQC: "50",
    });
    deepEqual(Object.keys(id05), [
      "stream_id05",
      "dst",
      "src",
      "uplink",
      "downlink",
    ]);
    equal(id05.stream_id05, id);
    deepEqual(end, {
      stream_end: id,
      type: "TC",
      time: "2024-05-01 12:00:00.400",
    });
    for (const m of [start, id05, end]) {
      for (const v of Object.values(m)) equal(typeof v, "string");
    }

    const pong = c.next((d) => text(d) === "PONG");
    await c.send(bytes("PING"));
    await pong;
    equal(monitor.counters.pings, 1);

    await subscribe(other);
    const bye = c.next((d) => text(d).startsWith("BYE"));
    await c.send(bytes("BYE"));
    equal(text(await bye), `BYE:127.0.0.1:${c.port}`);
    deepEqual(monitor.subscribers.map((s) => s.port), [other.port]);
    equal(monitor.counters.byes, 1);

    // After BYE only the other subscriber gets events.
    const before = c.received.length;
    const toOther = other.next((d) => isJson(d) && kindOf(d) === "blocked");
    h.clear();
    h.handle(frame({ fi: 0, dgid: 50, source: "TEST" }), a);
    for (const e of h.events) monitor.publish(e);
    const blocked = JSON.parse(text(await toOther));
    equal(blocked.BR, "CS");
    equal(blocked.time, "2024-05-01 12:00:00.000");
    equal(c.received.length, before);
  } finally {
    await c.close();
    await other.close();
    await monitor.close();
  }
});

Deno.test("JsonMonitor.tick() drops a subscriber 60 s after its last PING", async () => {
  const clock = new Clock();
  const { monitor, client } = start(clock);
  const c = client();
  try {
    await subscribe(c);
    clock.time = T0 + 59_000;
    monitor.tick();
    equal(monitor.subscribers.length, 1);
    const pong = c.next((d) => text(d) === "PONG");
    await c.send(bytes("PING"));
    await pong;
    equal(monitor.subscribers[0].lastSeen, T0 + 59_000);
    clock.time = T0 + 59_000 + 59_999;
    monitor.tick();
    equal(monitor.subscribers.length, 1);
    clock.time = T0 + 59_000 + 60_000;
    monitor.tick();
    equal(monitor.subscribers.length, 0);
    equal(monitor.counters.expired, 1);
    // An expired client's PING is not answered (as pYSFReflector3); it must CONNREQ again.
    await c.send(bytes("PING"));
    await until(() => monitor.counters.ignored === 1, 5000, "the ignored PING");
    equal(c.received.filter((d) => text(d) === "PONG").length, 1);
    await subscribe(c);
    equal(monitor.subscribers.length, 1);
  } finally {
    await c.close();
    await monitor.close();
  }
});

Deno.test("JsonMonitor.tick() sends the linked-client and temporary-block dumps every 120 s", async () => {
  const clock = new Clock();
  const { h } = reflector();
  h.time = T0 + 3000;
  const { monitor, client } = start(clock, {
    snapshot: () => h.core.snapshot(),
  });
  const c = client();
  try {
    await subscribe(c);
    for (const at of [50_000, 100_000]) {
      clock.time = T0 + at;
      const pong = c.next((d) => text(d) === "PONG");
      await c.send(bytes("PING"));
      await pong;
    }
    clock.time = T0 + 119_999;
    monitor.tick();
    equal(monitor.counters.messages, 1); // the system message only
    const last = c.next((d) => isJson(d) && kindOf(d) === "total_blk_time");
    clock.time = T0 + 120_000;
    monitor.tick();
    await last;
    const dump = c.received.filter(isJson).slice(1).map((d) =>
      JSON.parse(text(d))
    );
    deepEqual(dump, toDumpMessages(h.core.snapshot()));
    deepEqual(dump.map((m) => Object.keys(m)[0]), [
      "linked",
      "linked",
      "total_linked",
      "total_blk_time",
    ]);
    equal(dump[0].call, "GW1ABC");
    equal(dump[0].TC, "3");
    // The next dump is 120 s later, not on every tick.
    clock.time = T0 + 200_000;
    monitor.tick();
    equal(monitor.counters.messages, 5);
  } finally {
    await c.close();
    await monitor.close();
  }
});

Deno.test("JsonMonitor refuses subscribers beyond maxSubscribers and counts them", async () => {
  const clock = new Clock();
  const { monitor, client } = start(clock, { maxSubscribers: 2 });
  const [c1, c2, c3] = [client(), client(), client()];
  try {
    await subscribe(c1);
    await subscribe(c2);
    await c3.send(bytes("CONNREQ"));
    await until(() => monitor.counters.refused === 1, 5000, "the refusal");
    equal(c3.received.length, 0);
    equal(monitor.subscribers.length, 2);
    // A repeated CONNREQ from a subscriber is answered and not refused.
    await subscribe(c1);
    equal(monitor.counters.refused, 1);
    // Room is made by BYE.
    const bye = c1.next((d) => text(d).startsWith("BYE"));
    await c1.send(bytes("BYE"));
    await bye;
    await subscribe(c3);
    deepEqual(
      monitor.subscribers.map((s) => s.port).sort(),
      [c2.port, c3.port].sort(),
    );
    const registry = new Registry({ prefix: "shack_ysf_" });
    monitor.registerMetrics(registry);
    const metrics = registry.render();
    ok(metrics.includes("shack_ysf_monitor_subscribers 2\n"));
    ok(metrics.includes("shack_ysf_monitor_refused_total 1\n"));
    ok(
      metrics.includes(
        'shack_ysf_monitor_requests_total{command="connreq"} 4\n',
      ),
    );
  } finally {
    await Promise.all([c1.close(), c2.close(), c3.close()]);
    await monitor.close();
  }
});

Deno.test("JsonMonitor ignores and counts malformed datagrams and stays usable", async () => {
  const clock = new Clock();
  const { monitor, client } = start(clock);
  const c = client();
  try {
    const junk = [
      bytes("HELLO"),
      bytes("CONNREQX"),
      bytes("connreq"),
      bytes('{"system": "x"}'),
      new Uint8Array(200).fill(0x41),
      new Uint8Array([0xff, 0xfe, 0x00, 0x01]),
    ];
    for (const d of junk) await c.send(d);
    await c.send(bytes("PING")); // not subscribed
    await c.send(bytes("BYE")); // not subscribed
    await until(() => monitor.counters.datagrams === 8, 5000, "the datagrams");
    equal(monitor.counters.malformed, 6);
    equal(monitor.counters.ignored, 2);
    equal(c.received.length, 0);
    equal(monitor.subscribers.length, 0);
    // A command with a trailing newline (as `nc -u` sends it) still works.
    const okReply = c.next((d) => text(d).startsWith("CONNOK"));
    await c.send(bytes("CONNREQ\n"));
    await okReply;
    equal(monitor.subscribers.length, 1);
  } finally {
    await c.close();
    await monitor.close();
  }
});

Deno.test("JsonMonitor drops sends beyond maxPendingSends and counts them", async () => {
  const clock = new Clock();
  const { monitor, client } = start(clock, { maxPendingSends: 2 });
  const c = client();
  try {
    await subscribe(c);
    await until(() => monitor.counters.pendingSends === 0, 5000, "idle sends");
    const event: ReflectorEvent = {
      type: "blocked",
      reason: "CS",
      client: {
        id: 1,
        callsign: "GW1ABC",
        address: "192.0.2.1",
        port: 42000,
        via: "main",
        room: 50,
        hold: "dynamic",
      },
      gateway: "GW1ABC",
      source: "TEST",
    };
    for (let i = 0; i < 5; i++) monitor.publish(event);
    equal(monitor.counters.sendBacklogDrops, 3);
    equal(monitor.counters.pendingSends, 2);
    await until(
      () =>
        c.received.filter((d) => isJson(d) && kindOf(d) === "blocked")
          .length === 2,
      5000,
      "two blocked messages",
    );
    await until(
      () => monitor.counters.pendingSends === 0,
      5000,
      "drained sends",
    );
  } finally {
    await c.close();
    await monitor.close();
  }
});

Deno.test("JsonMonitor.close() ends the receive loop and frees the port", async () => {
  const clock = new Clock();
  const { monitor, client } = start(clock);
  const port = monitor.addr.port;
  const c = client();
  await subscribe(c);
  await monitor.close();
  await monitor.close();
  // Nothing is sent or thrown after close.
  monitor.publish({
    type: "temp-block-removed",
    block: { callsign: "G4ABC", reason: "timeout", since: 0, until: 1 },
    reason: "expired",
  });
  monitor.tick();
  equal(monitor.subscribers.length, 0);
  const again = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port,
  });
  again.close();
  await c.close();
});

Deno.test("JsonMonitor.start() rejects a taken port and bad limits", () => {
  const taken = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
  try {
    const port = (taken.addr as Deno.NetAddr).port;
    throws(
      () => JsonMonitor.start({ bind: "127.0.0.1", port, system: SYSTEM }),
      (e: unknown) =>
        e instanceof Deno.errors.AddrInUse && /JSON monitor/.test(String(e)),
    );
  } finally {
    taken.close();
  }
  throws(
    () => JsonMonitor.start({ port: 0, system: SYSTEM, maxSubscribers: 0 }),
    RangeError,
  );
  throws(
    () => JsonMonitor.start({ port: 0, system: SYSTEM, dumpIntervalMs: -1 }),
    RangeError,
  );
});
