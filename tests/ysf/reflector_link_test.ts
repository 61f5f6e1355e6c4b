import { deepEqual, equal, throws } from "node:assert/strict";
import {
  buildInfo,
  buildOptions,
  buildPoll,
  buildStatusQuery,
  buildStatusReply,
  buildUnlink,
  buildVersionQuery,
  buildVersionReply,
} from "../../lib/ysf/mod.ts";
import { YsfReflectorCore } from "../../lib/ysf/reflector/mod.ts";
import { ascii, frame, Harness, text } from "./_reflector_harness.ts";

Deno.test("YsfReflectorCore.handle() links on YSFP and replies YSFPREFLECTOR via the same endpoint", () => {
  const h = new Harness();
  const peer = { address: "192.0.2.1", port: 42001 };
  equal(h.handle(buildPoll("GW1ABC"), peer, "main-v4"), "accepted");
  equal(h.sent.length, 1);
  equal(text(h.sent[0].data), "YSFPREFLECTOR ");
  deepEqual(h.sent[0].to, peer);
  equal(h.sent[0].via, "main-v4");
  const linked = h.eventsOf("client-linked");
  equal(linked.length, 1);
  equal(linked[0].client.callsign, "GW1ABC");
  equal(h.core.snapshot().clients[0].via, "main-v4");
  // A second poll keeps the one client and is answered too.
  h.time = 5000;
  equal(h.handle(buildPoll("GW1ABC"), peer, "main-v4"), "accepted");
  equal(h.sent.length, 2);
  equal(h.core.snapshot().clients.length, 1);
  equal(h.core.snapshot().clients[0].lastPoll, 5000);
  equal(h.eventsOf("client-linked").length, 1);
});

Deno.test("YsfReflectorCore.handle() keys clients by address, port and endpoint", () => {
  const h = new Harness();
  h.link("GW1", 1000);
  h.link("GW1", 1001); // same callsign, other port: 2 clients (as both peers)
  h.link("GW1", 1000, "192.0.2.1", "aux");
  h.link("GW1", 1000, "2001:db8::1");
  equal(h.core.snapshot().clients.length, 4);
  equal(h.core.sizes.addresses, 2);
});

Deno.test("YsfReflectorCore.handle() ignores polls from REFLECTOR and foreign replies", () => {
  const h = new Harness();
  const peer = { address: "192.0.2.9", port: 42000 };
  equal(h.handle(buildPoll("REFLECTOR"), peer), "unexpected");
  equal(
    h.handle(
      buildStatusReply({ id: 1, name: "X", description: "Y", count: 3 }),
      peer,
    ),
    "unexpected",
  );
  equal(
    h.handle(buildVersionReply("pYSFReflector 20260414"), peer),
    "unexpected",
  );
  equal(h.sent.length, 0);
  equal(h.core.counters.drops.unexpected, 3);
  equal(h.core.snapshot().clients.length, 0);
});

Deno.test("YsfReflectorCore.handle() answers YSFS with the reference's 42-byte status", () => {
  const h = new Harness({ name: "PEER G4KLX", description: "Loopback test" });
  const asker = { address: "198.51.100.7", port: 9 };
  equal(h.handle(buildStatusQuery(), asker), "accepted");
  equal(text(h.sent[0].data), "YSFS94296PEER G4KLX      Loopback test 000");
  equal(h.sent[0].data.length, 42);
  deepEqual(h.sent[0].to, asker);
  // YSFS with extra bytes is a query too; the count follows the clients.
  h.link("GW1", 1);
  h.link("GW2", 2);
  h.clear();
  h.handle(ascii("YSFS0123456789"), asker);
  equal(text(h.sent[0].data), "YSFS94296PEER G4KLX      Loopback test 002");
});

Deno.test("YsfReflectorCore.handle() caps the status count at 999", () => {
  const h = new Harness({ maxClients: 1200, maxClientsPerIp: 2000 });
  for (let i = 0; i < 1005; i++) h.link(`GW${i}`, 10_000 + i);
  h.clear();
  h.handle(buildStatusQuery(), { address: "198.51.100.7", port: 9 });
  equal(text(h.sent[0].data).slice(39), "999");
});

Deno.test("YsfReflectorCore.handle() answers YSFS on an auxiliary port with its alias", () => {
  const h = new Harness({
    name: "MAIN",
    description: "Main",
    dgidList: [10, 20],
    auxPorts: [
      {
        endpoint: "aux10",
        dgid: 10,
        alias: { name: "OLD REF", description: "Retired", id: 12345 },
      },
      { endpoint: "aux20", dgid: 20 },
    ],
  });
  const asker = { address: "198.51.100.7", port: 9 };
  h.handle(buildStatusQuery(), asker, "aux10");
  equal(text(h.sent[0].data), "YSFS12345OLD REF         Retired       000");
  equal(h.sent[0].via, "aux10");
  // An auxiliary port without alias answers as the reflector.
  h.handle(buildStatusQuery(), asker, "aux20");
  equal(
    text(h.sent[1].data).slice(4, 25),
    `${h.core.snapshot().statusId}MAIN            `,
  );
});

Deno.test("YsfReflectorCore.handle() answers YSFV with the shack version", () => {
  const h = new Harness({ version: "1.2.3" });
  equal(
    h.handle(buildVersionQuery(), { address: "198.51.100.7", port: 9 }),
    "accepted",
  );
  equal(text(h.sent[0].data), "YSFVshack 1.2.3");
});

Deno.test("YsfReflectorCore.handle() rate-limits status and version replies", () => {
  const h = new Harness({ statusRepliesPerSecond: 5 });
  const asker = { address: "198.51.100.7", port: 9 };
  const results = [];
  for (let i = 0; i < 12; i++) {
    results.push(h.handle(buildStatusQuery(), asker));
  }
  equal(results.filter((r) => r === "accepted").length, 10); // burst = 2 × rate
  equal(h.handle(buildVersionQuery(), asker), "rate_limited");
  equal(h.core.counters.drops.rate_limited, 3);
  h.time += 1000;
  equal(h.handle(buildStatusQuery(), asker), "accepted");
});

Deno.test("YsfReflectorCore.handle() records YSFI and YSFO on the client", () => {
  const h = new Harness();
  const peer = h.link("GW1", 1);
  const info = {
    callsign: "GW1",
    rxFrequency: 430_012_500,
    txFrequency: 439_012_500,
    locator: "IO91wm",
    name: "London",
    hotspotType: "MMDVM",
    radioId: "1234567",
  };
  equal(h.handle(buildInfo(info), peer), "accepted");
  equal(h.handle(buildOptions("GW1", "group=2345"), peer), "accepted");
  const client = h.core.snapshot().clients[0];
  deepEqual(client.info, info);
  equal(client.options, "group=2345");
  // From an address that is not linked: dropped.
  equal(
    h.handle(buildInfo(info), { address: "192.0.2.2", port: 1 }),
    "unlinked",
  );
  equal(
    h.handle(buildOptions("X", "9"), { address: "192.0.2.2", port: 1 }),
    "unlinked",
  );
});

Deno.test("YsfReflectorCore.handle() unlinks on YSFU and ignores unknown YSFU", () => {
  const h = new Harness();
  const peer = h.link("GW1", 1);
  h.link("GW2", 2);
  h.clear();
  equal(h.handle(buildUnlink("GW1"), peer), "accepted");
  equal(h.sent.length, 0);
  const unlinked = h.eventsOf("client-unlinked");
  equal(unlinked.length, 1);
  equal(unlinked[0].reason, "unlinked");
  equal(unlinked[0].client.callsign, "GW1");
  equal(h.core.snapshot().clients.length, 1);
  equal(h.handle(buildUnlink("GW1"), peer), "unlinked");
  equal(h.core.counters.unlinked, 1);
  // The status count follows.
  h.handle(buildStatusQuery(), { address: "198.51.100.7", port: 9 });
  equal(text(h.sent[0].data).slice(39), "001");
});

Deno.test("YsfReflectorCore.tick() expires a client exactly 60 s after its last poll", () => {
  const h = new Harness();
  const peer = h.link("GW1", 1);
  h.time = 30_000;
  h.handle(buildPoll("GW1"), peer);
  h.time = 89_999;
  h.core.tick();
  equal(h.core.snapshot().clients.length, 1);
  h.time = 90_000;
  h.core.tick();
  equal(h.core.snapshot().clients.length, 0);
  const events = h.eventsOf("client-unlinked");
  equal(events.length, 1);
  equal(events[0].reason, "expired");
  equal(h.core.counters.expired, 1);
});

Deno.test("YsfReflectorCore.handle() treats an expired client as unknown even before tick()", () => {
  const h = new Harness();
  const peer = h.link("GW1", 1);
  h.time = 60_000;
  equal(h.handle(frame({ fi: 0 }), peer), "unlinked");
  equal(h.eventsOf("client-unlinked")[0].reason, "expired");
  // A poll links it again.
  equal(h.handle(buildPoll("GW1"), peer), "accepted");
  equal(h.eventsOf("client-linked").length, 2);
});

Deno.test("YsfReflectorCore.handle() does not extend a client's life with YSFD, YSFO or YSFI", () => {
  const h = new Harness({ timeoutSeconds: 0 });
  const peer = h.link("GW1", 1);
  h.time = 59_000;
  h.handle(buildOptions("GW1", "9"), peer);
  h.handle(frame({ fi: 0 }), peer);
  h.time = 60_000;
  h.core.tick();
  equal(h.core.snapshot().clients.length, 0);
});

Deno.test("YsfReflectorCore.tick() sends YSFPREFLECTOR to every client every 5 s", () => {
  const h = new Harness();
  const a = h.link("GW1", 1);
  h.time = 1000;
  const b = h.link("GW2", 2, "192.0.2.2", "aux");
  h.clear();
  h.time = 4999;
  h.core.tick();
  equal(h.sent.length, 0);
  h.time = 5000;
  h.core.tick();
  equal(h.sent.length, 2);
  for (const s of h.sent) equal(text(s.data), "YSFPREFLECTOR ");
  deepEqual(h.sent.map((s) => [s.to.port, s.via]), [[a.port, "main"], [
    b.port,
    "aux",
  ]]);
  h.time = 9999;
  h.core.tick();
  equal(h.sent.length, 2);
  h.time = 10_000;
  h.core.tick();
  equal(h.sent.length, 4);
  equal(h.core.counters.packetsOut.keepAlive, 4);
});

Deno.test("YsfReflectorCore.tick() sends no keep-alive when keepAliveMs is 0", () => {
  const h = new Harness({ keepAliveMs: 0 });
  h.link("GW1", 1);
  h.clear();
  h.advance(30_000);
  equal(h.sent.length, 0);
});

Deno.test("YsfReflectorCore.handle() refuses the 1001st client, counts it and keeps the others", () => {
  const h = new Harness({ maxClientsPerIp: 10_000 });
  for (let i = 0; i < 1000; i++) h.link(`GW${i}`, 10_000 + i);
  h.clear();
  const late = { address: "192.0.2.1", port: 20_000 };
  equal(h.handle(buildPoll("LATE"), late), "refused_capacity");
  equal(h.sent.length, 0, "a refused client gets no reply");
  equal(h.core.counters.drops.refused_capacity, 1);
  equal(h.core.sizes.clients, 1000);
  // The existing clients are still linked and answered.
  equal(
    h.handle(buildPoll("GW0"), { address: "192.0.2.1", port: 10_000 }),
    "accepted",
  );
  // When one unlinks, the newcomer gets in.
  h.handle(buildUnlink("GW5"), { address: "192.0.2.1", port: 10_005 });
  equal(h.handle(buildPoll("LATE"), late), "accepted");
});

Deno.test("YsfReflectorCore.handle() limits clients per address (IPv4-mapped counts as IPv4)", () => {
  const h = new Harness({ maxClientsPerIp: 2 });
  h.link("GW1", 1, "192.0.2.1");
  h.link("GW2", 2, "::ffff:192.0.2.1");
  equal(
    h.handle(buildPoll("GW3"), { address: "192.0.2.1", port: 3 }),
    "refused_per_ip",
  );
  equal(
    h.handle(buildPoll("GW3"), { address: "192.0.2.2", port: 3 }),
    "accepted",
  );
  equal(h.core.counters.drops.refused_per_ip, 1);
});

Deno.test("YsfReflectorCore.close() stops accepting", () => {
  const h = new Harness();
  const peer = h.link("GW1", 1);
  h.core.close();
  h.clear();
  equal(h.handle(buildPoll("GW1"), peer), "closed");
  equal(h.handle(buildStatusQuery(), peer), "closed");
  h.advance(120_000);
  equal(h.sent.length, 0);
  equal(h.core.snapshot().closed, true);
  equal(h.core.snapshot().clients.length, 1);
});

Deno.test("YsfReflectorCore.handle() drops malformed datagrams under the codec's reasons", () => {
  const h = new Harness();
  const peer = { address: "192.0.2.1", port: 1 };
  equal(h.handle(ascii("YS"), peer), "runt");
  equal(h.handle(ascii("HELLO"), peer), "unknown_tag");
  equal(h.handle(ascii("YSFPGW1"), peer), "too_short");
  equal(
    h.handle(
      new Uint8Array(160).fill(0x59, 0, 1).fill(0x53, 1, 2).fill(0x46, 2, 3)
        .fill(0x44, 3, 4),
      peer,
    ),
    "too_long",
  );
  equal(h.handle(frame({ fi: 0 }).subarray(0, 100), peer), "too_short");
  const c = h.core.counters;
  equal(c.packetsIn.invalid, 5);
  equal(
    c.datagrams,
    c.accepted + Object.values(c.drops).reduce((a, b) => a + b, 0),
  );
});

Deno.test("YsfReflectorCore.handle() catches exceptions of io.send and io.event", () => {
  const core = new YsfReflectorCore({ name: "R", now: () => 0 }, {
    send() {
      throw new Error("socket closed");
    },
    event() {
      throw new Error("log full");
    },
  });
  equal(
    core.handle(buildPoll("GW1"), { address: "192.0.2.1", port: 1 }, "main"),
    "accepted",
  );
  equal(core.counters.sendErrors, 1);
  equal(core.counters.eventErrors, 1);
});

Deno.test("new YsfReflectorCore() validates its options", () => {
  throws(() => new YsfReflectorCore({ name: "Ré" }, { send() {} }), TypeError);
  throws(
    () => new YsfReflectorCore({ name: "R", dgidList: [0] }, { send() {} }),
    RangeError,
  );
  throws(
    () => new YsfReflectorCore({ name: "R", maxClients: 0 }, { send() {} }),
    RangeError,
  );
  throws(
    () =>
      new YsfReflectorCore({ name: "R", mode: "x" as "rooms" }, { send() {} }),
    TypeError,
  );
  throws(
    () => new YsfReflectorCore({ name: "R", watchdogMs: -1 }, { send() {} }),
    RangeError,
  );
});
