import { deepEqual, equal, notDeepEqual } from "node:assert/strict";
import {
  buildPoll,
  decodeFich,
  decodeHeaderPayload,
  decodeVd2,
} from "../../lib/ysf/mod.ts";
import { frame, Harness, transmission } from "./_reflector_harness.ts";
import { hex, pysf3Samples } from "./_vectors.ts";

/** A rooms-mode reflector with rooms 9 and 50 and three clients in 50. */
function roomOf50(options = {}) {
  const h = new Harness({
    dgidList: [1, 9, 50],
    defaultDgid: 50,
    prefix: false,
    ...options,
  });
  const a = h.link("GWA", 1001);
  const b = h.link("GWB", 1002);
  const c = h.link("GWC", 1003);
  h.clear();
  return { h, a, b, c };
}

Deno.test("YsfReflectorCore.handle() relays a stream to the other clients of the room only", () => {
  const h = new Harness({ dgidList: [9, 50], defaultDgid: 50, prefix: false });
  const a = h.link("GWA", 1001);
  const b = h.link("GWB", 1002);
  const nine = h.link("GW9-9", 1009); // static in room 9
  h.clear();
  const stranger = { address: "203.0.113.5", port: 4000 };
  const t = transmission({ source: "G4ABC", count: 4 });
  const results = h.play([t.header, ...t.body, t.terminator], a);
  deepEqual(results, Array(6).fill("accepted"));
  equal(h.dataTo(a).length, 0, "never to the sender");
  equal(h.dataTo(nine).length, 0, "not to another room");
  equal(h.dataTo(stranger).length, 0);
  const toB = h.dataTo(b);
  equal(toB.length, 6);
  deepEqual(toB.map((s) => s.data), [t.header, ...t.body, t.terminator]);
  equal(toB[0].data, t.header, "the caller's bytes, not a copy");
  // An unlinked sender is ignored and counted.
  equal(h.handle(t.header, stranger), "unlinked");
  equal(h.core.counters.drops.unlinked, 1);
});

Deno.test("YsfReflectorCore.handle() emits stream-start with FICH fields and header callsigns", () => {
  const { h, a } = roomOf50();
  h.handle(frame({ fi: 0, source: "G4ABC", gateway: "GWA", dt: 2, ft: 6 }), a);
  const [start] = h.eventsOf("stream-start");
  equal(start.stream.source, "G4ABC");
  equal(start.stream.gateway, "GWA");
  equal(start.stream.room, 50);
  equal(start.stream.client.callsign, "GWA");
  equal(start.stream.fich?.dt, 2);
  equal(start.stream.fich?.ft, 6);
  equal(start.stream.fich?.fi, 0);
  equal(start.stream.header?.source, "G4ABC     ");
  equal(start.stream.header?.destination, "ALL       ");
  equal(
    h.core.snapshot().rooms.find((r) => r.dgid === 50)?.talkers[0].source,
    "G4ABC",
  );
});

Deno.test("YsfReflectorCore.handle() gives the floor to the first talker and drops the second", () => {
  const { h, a, b, c } = roomOf50();
  const first = transmission({ source: "G4ABC", gateway: "GWA" });
  const second = transmission({ source: "M0XYZ", gateway: "GWB" });
  equal(h.handle(first.header, a), "accepted");
  equal(h.handle(second.header, b), "busy");
  equal(h.handle(first.body[0], a), "accepted");
  equal(h.handle(second.body[0], b), "busy");
  equal(h.handle(second.body[1], b), "busy");
  const dropped = h.eventsOf("dropped");
  equal(dropped.length, 1, "one event per refused transmission");
  equal(dropped[0].reason, "busy");
  equal(dropped[0].source, "M0XYZ");
  equal(dropped[0].client.callsign, "GWB");
  equal(h.dataTo(c).length, 2, "only the first talker reaches C");
  equal(h.dataTo(b).length, 2, "the second talker still hears the first");
  equal(h.core.counters.drops.busy, 3);
});

for (
  const [name, ending, reason] of [
    ["the terminator FICH", "terminator", "terminator"],
    ["the byte-34 end flag", "flag", "end-flag"],
  ] as const
) {
  Deno.test(`YsfReflectorCore.handle() ends a stream on ${name} and the next talker gets the floor at once`, () => {
    const { h, a, b, c } = roomOf50();
    const first = transmission({ source: "G4ABC" });
    h.handle(first.header, a);
    h.handle(first.body[0], a);
    if (ending === "terminator") {
      // A terminator without the end flag still ends it.
      equal(h.handle(frame({ fi: 2, end: false }), a), "accepted");
    } else {
      // A communication frame with the end flag ends it (terminator lost).
      equal(h.handle(frame({ fi: 1, fn: 2, end: true }), a), "accepted");
    }
    const [end] = h.eventsOf("stream-end");
    equal(end.reason, reason);
    equal(end.frames, 3);
    h.time += 10;
    const second = transmission({ source: "M0XYZ", gateway: "GWB" });
    equal(h.handle(second.header, b), "accepted");
    equal(h.dataTo(c).at(-1)?.data, second.header);
  });
}

Deno.test("YsfReflectorCore.tick() ends a silent stream by watchdog after 1.5 s", () => {
  const { h, a, b } = roomOf50();
  const first = transmission({ source: "G4ABC" });
  h.handle(first.header, a);
  h.time = 1499;
  h.core.tick();
  equal(h.eventsOf("stream-end").length, 0);
  h.time = 1500;
  h.core.tick();
  const [end] = h.eventsOf("stream-end");
  equal(end.reason, "watchdog");
  equal(end.durationMs, 1500);
  const second = transmission({ source: "M0XYZ", gateway: "GWB" });
  equal(h.handle(second.header, b), "accepted");
});

Deno.test("YsfReflectorCore.handle() ends a stale stream by watchdog without waiting for tick()", () => {
  const { h, a, b } = roomOf50({ watchdogMs: 2000 });
  h.handle(frame({ fi: 0 }), a);
  h.time = 2000;
  equal(h.handle(frame({ fi: 0, source: "M0XYZ" }), b), "accepted");
  equal(h.eventsOf("stream-end")[0].reason, "watchdog");
  // The first talker's late frames are now late entry.
  equal(h.handle(frame({ fi: 1, fn: 3 }), a), "no_header");
});

Deno.test("YsfReflectorCore.handle() drops late entry (no header) once per transmission", () => {
  const { h, a, b } = roomOf50();
  equal(h.handle(frame({ fi: 1, fn: 3 }), a), "no_header");
  equal(h.handle(frame({ fi: 1, fn: 4 }), a), "no_header");
  equal(h.handle(frame({ fi: 2 }), a), "no_header");
  equal(h.dataTo(b).length, 0);
  const dropped = h.eventsOf("dropped");
  equal(dropped.length, 1);
  equal(dropped[0].reason, "no_header");
  // A header then opens a stream normally.
  equal(h.handle(frame({ fi: 0 }), a), "accepted");
});

Deno.test("YsfReflectorCore.handle() drops and counts frames whose FICH does not decode", () => {
  const { h, a, b } = roomOf50();
  const t = transmission({ source: "G4ABC", count: 3 });
  h.handle(t.header, a);
  const bad = t.body[1].slice();
  for (let i = 40; i < 50; i++) bad[i] ^= 0xff;
  equal(h.handle(t.body[0], a), "accepted");
  equal(h.handle(bad, a), "fich");
  equal(h.handle(t.body[2], a), "accepted");
  equal(h.dataTo(b).length, 3);
  equal(h.core.counters.drops.fich, 1);
});

Deno.test("YsfReflectorCore.handle() opens no stream for a header with DG-ID 127", () => {
  const { h, a, b } = roomOf50();
  equal(h.handle(frame({ fi: 0, dgid: 127 }), a), "reserved_dgid");
  equal(h.handle(frame({ fi: 1, dgid: 127 }), a), "reserved_dgid");
  equal(h.dataTo(b).length, 0);
  equal(h.eventsOf("dropped")[0].reason, "reserved_dgid");
});

Deno.test("YsfReflectorCore.handle() refuses streams beyond maxStreams", () => {
  const h = new Harness({
    dgidList: [1, 2, 3],
    defaultDgid: 1,
    maxStreams: 2,
    prefix: false,
  });
  const a = h.link("GWA-1", 1);
  const b = h.link("GWB-2", 2);
  const c = h.link("GWC-3", 3);
  equal(h.handle(frame({ fi: 0 }), a), "accepted");
  equal(h.handle(frame({ fi: 0 }), b), "accepted");
  equal(h.handle(frame({ fi: 0 }), c), "stream_limit");
  equal(h.core.sizes.streams, 2);
  equal(h.eventsOf("dropped")[0].reason, "stream_limit");
});

Deno.test("YsfReflectorCore.handle() never relays the local room, and lets each client talk there", () => {
  const h = new Harness({
    dgidList: [1, 50],
    defaultDgid: 1,
    localDgid: 1,
    prefix: false,
  });
  const a = h.link("GWA", 1);
  const b = h.link("GWB", 2);
  h.clear();
  equal(h.handle(frame({ fi: 0 }), a), "accepted");
  equal(
    h.handle(frame({ fi: 0, source: "M0XYZ" }), b),
    "accepted",
    "no floor in the local room",
  );
  equal(h.handle(frame({ fi: 1, fn: 1 }), a), "accepted");
  equal(h.dataTo(a).length + h.dataTo(b).length, 0);
  const starts = h.eventsOf("stream-start");
  equal(starts.length, 2);
  equal(starts[0].stream.local, true);
  equal(h.core.snapshot().rooms.find((r) => r.dgid === 1)?.talkers.length, 2);
});

Deno.test("YsfReflectorCore.handle() rewrites sources to NN/CALL for dynamic clients with valid FICH, CRC and FEC", () => {
  const h = new Harness({ dgidList: [9, 50], defaultDgid: 50, prefix: true });
  const a = h.link("GWA", 1);
  const dynamic = h.link("GWB", 2);
  const bridge = h.link("BRIDGE-50", 3); // static: original bytes
  h.clear();
  const t = transmission({ source: "G4ABC-7", count: 3 });
  h.play([t.header, ...t.body, t.terminator], a);
  const toDynamic = h.dataTo(dynamic).map((s) => s.data);
  const toBridge = h.dataTo(bridge).map((s) => s.data);
  deepEqual(toBridge, [t.header, ...t.body, t.terminator]);
  equal(toDynamic.length, 5);
  // Header: CSD1 source rewritten, destination and CSD2 kept.
  notDeepEqual(toDynamic[0], t.header);
  const header = decodeHeaderPayload(toDynamic[0]);
  equal(header.source, "50/G4ABC  ");
  equal(header.destination, "ALL       ");
  equal(header.uplink, "G4ABC-7   ");
  deepEqual(decodeFich(toDynamic[0]), decodeFich(t.header));
  deepEqual(
    toDynamic[0].subarray(0, 35),
    t.header.subarray(0, 35),
    "network header untouched",
  );
  // FN 0 frame: unchanged, the same array as the input.
  equal(toDynamic[1], t.body[0]);
  // FN 1 frame: the V/D mode 2 source channel rewritten.
  equal(decodeVd2(toDynamic[2]), "50/G4ABC  ");
  equal(decodeFich(toDynamic[2])?.fn, 1);
  // Voice bytes (13 per block) untouched.
  for (let k = 0; k < 5; k++) {
    const off = 35 + 30 + 18 * k + 5;
    deepEqual(
      toDynamic[2].subarray(off, off + 13),
      t.body[1].subarray(off, off + 13),
    );
  }
  // Terminator: unchanged.
  equal(toDynamic[4], t.terminator);
  // One copy per frame, shared by every dynamic receiver.
});

Deno.test("YsfReflectorCore.handle() makes one prefixed copy per frame whatever the receivers", () => {
  const h = new Harness({ dgidList: [50], defaultDgid: 50, prefix: true });
  const a = h.link("GWA", 1);
  for (let i = 0; i < 5; i++) h.link(`GW${i}`, 10 + i);
  h.clear();
  h.handle(frame({ fi: 0 }), a);
  const copies = new Set(h.sent.map((s) => s.data));
  equal(h.sent.length, 5);
  equal(copies.size, 1);
});

Deno.test("YsfReflectorCore.handle() in single-room mode relays every frame to every other client", () => {
  const h = new Harness({ mode: "single-room" });
  const a = h.link("GWA", 1);
  const b = h.link("GWB", 2);
  const c = h.link("GWC", 3);
  h.clear();
  // Two talkers at once, interleaved, both relayed (G4KLX).
  const one = transmission({ source: "G4ABC", count: 2 });
  const two = transmission({ source: "M0XYZ", count: 2 });
  equal(h.handle(one.header, a), "accepted");
  equal(h.handle(two.header, b), "accepted");
  equal(h.handle(one.body[0], a), "accepted");
  equal(h.handle(two.body[0], b), "accepted");
  equal(h.dataTo(c).length, 4);
  equal(h.dataTo(a).length, 2, "A hears B");
  equal(h.dataTo(b).length, 2, "B hears A");
  // Late entry and frames whose FICH would not decode are relayed too.
  const garbage = frame({ fi: 1 }).slice();
  for (let i = 40; i < 65; i++) garbage[i] = 0;
  equal(h.handle(garbage, c), "accepted");
  equal(h.dataTo(a).at(-1)?.data, garbage);
  // The end flag ends a (per-client) stream.
  equal(h.handle(one.terminator, a), "accepted");
  deepEqual(h.eventsOf("stream-end").map((e) => e.reason), ["end-flag"]);
  equal(h.core.snapshot().rooms[0].talkers.length, 2);
  // Length checks still apply.
  equal(h.handle(one.header.subarray(0, 100), a), "too_short");
});

Deno.test("YsfReflectorCore.handle() in single-room mode ignores DG-IDs and YSFO", () => {
  const h = new Harness({ mode: "single-room", dgidList: [9, 50] });
  const a = h.link("GWA", 1);
  const b = h.link("GWB-9", 2);
  h.handle(new TextEncoder().encode("YSFOGWA       50;9"), a);
  h.clear();
  equal(h.handle(frame({ fi: 0, dgid: 9 }), a), "accepted");
  equal(h.dataTo(b).length, 1);
  equal(h.eventsOf("room-changed").length, 0);
  equal(h.core.snapshot().clients[0].room, 0);
});

Deno.test("YsfReflectorCore.handle() ends the stream of a client that unlinks", () => {
  const { h, a } = roomOf50();
  h.handle(frame({ fi: 0 }), a);
  h.handle(new TextEncoder().encode("YSFUGWA       "), a);
  deepEqual(h.events.map((e) => e.type).slice(-2), [
    "stream-end",
    "client-unlinked",
  ]);
  equal(h.eventsOf("stream-end")[0].reason, "unlinked");
  equal(h.core.sizes.streams, 0);
});

Deno.test("YsfReflectorCore.handle() skips receivers whose link expired", () => {
  const { h, a, b } = roomOf50({ timeoutSeconds: 0 });
  h.time = 30_000;
  h.handle(buildPoll("GWA"), a);
  h.time = 60_000; // B and C expired (no tick yet)
  h.handle(frame({ fi: 0 }), a);
  equal(h.dataTo(b).length, 0);
});

Deno.test("YsfReflectorCore.snapshot() keeps a bounded last-heard list, newest first", () => {
  const { h, a } = roomOf50({ lastHeardSize: 2, wildPttCount: 0 });
  for (const source of ["G4AAA", "G4BBB", "G4CCC", "G4BBB"]) {
    const t = transmission({ source, count: 1 });
    h.play([t.header, ...t.body, t.terminator], a);
  }
  const heard = h.core.snapshot().lastHeard;
  deepEqual(heard.map((e) => e.source), ["G4BBB", "G4CCC"]);
  equal(heard[0].endReason, "terminator");
  equal(heard[0].frames, 3);
  equal(h.core.sizes.lastHeard, 2);
});

Deno.test("YsfReflectorCore.handle() relays and prefixes a header captured from pYSFReflector3", () => {
  const captured = hex(pysf3Samples[2].ysfd155_hex);
  const h = new Harness({ dgidList: [50], defaultDgid: 50, prefix: true });
  const a = h.link("IU5JAE", 1);
  const dynamic = h.link("GWB", 2);
  const bridge = h.link("BRIDGE-50", 3);
  h.clear();
  equal(h.handle(captured, a), "accepted");
  equal(h.dataTo(bridge)[0].data, captured);
  const rewritten = h.dataTo(dynamic)[0].data;
  deepEqual(decodeHeaderPayload(rewritten), {
    destination: "90123FAHuL",
    source: "50/IU5JAE ",
    downlink: "IU5JAE    ",
    uplink: "IU5JAE    ",
  });
  deepEqual(decodeFich(rewritten), decodeFich(captured));
  const [start] = h.eventsOf("stream-start");
  equal(start.stream.fich?.cm, 1);
  equal(start.stream.header?.destination, "90123FAHuL");
});
