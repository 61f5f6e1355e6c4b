import { deepEqual, equal } from "node:assert/strict";
import { buildOptions, decodeHeaderPayload } from "../../lib/ysf/mod.ts";
import { parseHomeFile, type RoomMemory } from "../../lib/ysf/reflector/mod.ts";
import { frame, Harness, transmission } from "./_reflector_harness.ts";

function memory(initial: Record<string, number> = {}) {
  const map = new Map(Object.entries(initial));
  const writes: [string, number][] = [];
  const roomMemory: RoomMemory = {
    get: (gateway) => map.get(gateway),
    set: (gateway, dgid) => {
      writes.push([gateway, dgid]);
      map.set(gateway, dgid);
    },
  };
  return { roomMemory, writes };
}

Deno.test("YsfReflectorCore.handle() assigns rooms: aux port, -NN suffix, home file, memory, default", () => {
  const { roomMemory } = memory({ "GW-MEM": 9, "GW-BAD": 77, "GW-HOME": 1 });
  const h = new Harness({
    dgidList: [1, 9, 10, 22, 50],
    defaultDgid: 50,
    auxPorts: [{ endpoint: "aux10", dgid: 10 }, {
      endpoint: "aux77",
      dgid: 77 % 99,
    }],
    homeEntries:
      parseHomeFile("GW-HOME:22:5\nGW-FIX:9:-1\nGW-22:1:-1\n").entries,
    roomMemory,
  });
  h.link("GW-22", 1, "192.0.2.1", "aux10"); // aux port beats suffix and home
  h.link("GW-22", 2); // suffix beats home
  h.link("GW-FIX", 3);
  h.link("GW-HOME", 4); // home beats memory
  h.link("GW-MEM", 5);
  h.link("GW-BAD", 6); // remembered room not listed → default
  h.link("NEWBIE", 7);
  h.link("GW-99", 8); // suffix not listed → default
  const clients = h.core.snapshot().clients;
  deepEqual(
    clients.map((c) => [c.room, c.hold, c.roomSource]),
    [
      [10, "static", "aux-port"],
      [22, "static", "suffix"],
      [9, "fixed", "home-fixed"],
      [22, "dynamic", "home"],
      [9, "dynamic", "memory"],
      [50, "dynamic", "default"],
      [50, "dynamic", "default"],
      [50, "dynamic", "default"],
    ],
  );
  deepEqual(clients[3].home, { dgid: 22, timeoutMs: 300_000, source: "file" });
  deepEqual(h.eventsOf("client-linked").map((e) => e.source), [
    "aux-port",
    "suffix",
    "home-fixed",
    "home",
    "memory",
    "default",
    "default",
    "default",
  ]);
});

Deno.test("YsfReflectorCore.handle() moves a dynamic client on a new DG-ID and swallows that PTT", () => {
  const { roomMemory, writes } = memory();
  const h = new Harness({
    dgidList: [1, 9, 50],
    defaultDgid: 50,
    prefix: false,
    roomMemory,
  });
  const a = h.link("GWA", 1);
  const in50 = h.link("GW50-50", 2);
  const in9 = h.link("GW9-9", 3);
  h.clear();
  // 1st PTT on DG-ID 9: swallowed, A moves to room 9.
  const first = transmission({ dgid: 9, count: 3 });
  deepEqual(
    h.play([first.header, ...first.body, first.terminator], a),
    Array(5).fill("dgid_switch"),
  );
  equal(h.dataTo(in50).length + h.dataTo(in9).length, 0);
  const [moved] = h.eventsOf("room-changed");
  deepEqual([moved.from, moved.to, moved.reason], [50, 9, "radio"]);
  deepEqual(writes, [["GWA", 9]]);
  equal(h.core.counters.drops.dgid_switch, 5);
  // 2nd PTT (right after the terminator) on DG-ID 9: relayed to room 9 only.
  const second = transmission({ dgid: 9, count: 2 });
  deepEqual(
    h.play([second.header, ...second.body, second.terminator], a),
    Array(4).fill("accepted"),
  );
  equal(h.dataTo(in9).length, 4);
  equal(h.dataTo(in50).length, 0);
  // A PTT with DG-ID 0 keeps room 9.
  const open = transmission({ dgid: 0, count: 1 });
  h.play([open.header, ...open.body, open.terminator], a);
  equal(h.dataTo(in9).length, 7);
  // Switching back with DG-ID 50 is swallowed again.
  equal(h.handle(frame({ fi: 0, dgid: 50 }), a), "dgid_switch");
  equal(h.core.snapshot().clients[0].room, 50);
  // An unlisted DG-ID does not move it.
  h.handle(frame({ fi: 2, dgid: 50 }), a);
  equal(h.handle(frame({ fi: 0, dgid: 33 }), a), "accepted");
  equal(h.core.snapshot().clients[0].room, 50);
});

Deno.test("YsfReflectorCore.handle() never moves static, fixed or auxiliary-port clients", () => {
  const h = new Harness({
    dgidList: [9, 50, 60],
    defaultDgid: 50,
    prefix: false,
    auxPorts: [{ endpoint: "aux", dgid: 60 }],
    homeEntries: parseHomeFile("GW-FIX:50:-1\n").entries,
  });
  const suffixed = h.link("GWS-50", 1);
  const fixed = h.link("GW-FIX", 2);
  const aux = h.link("GWX", 3, "192.0.2.1", "aux");
  const listener = h.link("GWL", 4);
  h.clear();
  equal(h.handle(frame({ fi: 0, dgid: 9 }), suffixed), "accepted");
  h.handle(frame({ fi: 2, dgid: 9 }), suffixed);
  equal(h.handle(frame({ fi: 0, dgid: 9 }), fixed), "accepted");
  h.handle(frame({ fi: 2, dgid: 9 }), fixed);
  equal(h.handle(frame({ fi: 0, dgid: 9 }), aux, "aux"), "accepted");
  deepEqual(h.core.snapshot().clients.map((c) => c.room), [50, 50, 60, 50]);
  equal(h.dataTo(listener).length, 4);
  equal(h.eventsOf("room-changed").length, 0);
});

Deno.test("YsfReflectorCore.handle() lets a client follow several DG-IDs from YSFO 10;20;", () => {
  const h = new Harness({
    dgidList: [10, 20, 30, 50],
    defaultDgid: 50,
    prefix: true,
    bthTimeSeconds: 600,
    wildPttCount: 0,
  });
  const follower = h.link("GWF", 1);
  const in20 = h.link("GW20-20", 2);
  const in30 = h.link("GW30-30", 3);
  const in10 = h.link("GW10-10", 4);
  equal(h.handle(buildOptions("GWF", "10;20;"), follower), "accepted");
  const client = h.core.snapshot().clients[0];
  equal(client.room, 10, "first token: current room and home");
  deepEqual(client.hears, [10, 20]);
  deepEqual(client.home, { dgid: 10, timeoutMs: 600_000, source: "options" });
  deepEqual(h.eventsOf("room-changed").map((e) => [e.from, e.to, e.reason]), [[
    50,
    10,
    "options",
  ]]);
  // Repeated YSFO (YSFGateway sends it with every poll) changes nothing.
  h.handle(buildOptions("GWF", "10;20;"), follower);
  equal(h.eventsOf("room-changed").length, 1);
  h.clear();
  // It hears rooms 20 and 10, with the room prefix of the stream.
  h.handle(frame({ fi: 0, source: "G4TWO" }), in20);
  h.handle(frame({ fi: 2, source: "G4TWO" }), in20);
  equal(h.dataTo(follower).length, 2);
  equal(decodeHeaderPayload(h.dataTo(follower)[0].data).source, "20/G4TWO  ");
  h.handle(frame({ fi: 0, source: "G4TEN" }), in10);
  h.handle(frame({ fi: 2, source: "G4TEN" }), in10);
  equal(h.dataTo(follower).length, 4);
  // Not room 30.
  h.handle(frame({ fi: 0 }), in30);
  h.handle(frame({ fi: 2 }), in30);
  equal(h.dataTo(follower).length, 4);
  // It talks into its current room (10) only.
  h.clear();
  equal(h.handle(frame({ fi: 0, dgid: 0 }), follower), "accepted");
  h.handle(frame({ fi: 2, dgid: 0 }), follower);
  equal(h.dataTo(in10).length, 2);
  equal(h.dataTo(in20).length, 0);
  // A PTT on a followed DG-ID switches its talk room at once, not swallowed.
  h.clear();
  equal(h.handle(frame({ fi: 0, dgid: 20 }), follower), "accepted");
  h.handle(frame({ fi: 2, dgid: 20 }), follower);
  equal(h.dataTo(in20).length, 2);
  deepEqual(h.core.snapshot().clients[0].hears, [10, 20]);
  // A PTT on a listed DG-ID it does not follow is swallowed as usual.
  equal(h.handle(frame({ fi: 0, dgid: 30 }), follower), "dgid_switch");
  deepEqual(h.core.snapshot().clients[0].hears, [10, 20, 30]);
});

Deno.test("YsfReflectorCore.handle() applies YSFO only to dynamic clients without a home", () => {
  const h = new Harness({
    dgidList: [9, 50],
    defaultDgid: 50,
    homeEntries: parseHomeFile("GWH:50:10\n").entries,
  });
  const suffixed = h.link("GWS-50", 1);
  const homed = h.link("GWH", 2);
  h.handle(buildOptions("GWS-50", "9"), suffixed);
  h.handle(buildOptions("GWH", "9"), homed);
  const [s, home] = h.core.snapshot().clients;
  equal(s.room, 50);
  deepEqual(s.hears, [50]);
  equal(home.room, 50, "the home file wins over YSFO");
  deepEqual(home.hears, [9, 50], "but it follows the listed rooms");
});

Deno.test("YsfReflectorCore.tick() moves a client back home after the timeout without transmitting", () => {
  const h = new Harness({
    dgidList: [9, 50],
    defaultDgid: 50,
    bthTimeSeconds: 60,
    prefix: false,
  });
  const a = h.link("GWA", 1);
  h.handle(buildOptions("GWA", "50"), a);
  // Switch to 9 from the radio at t = 0.
  h.handle(frame({ fi: 0, dgid: 9 }), a);
  h.handle(frame({ fi: 2, dgid: 9 }), a);
  equal(h.core.snapshot().clients[0].room, 9);
  // Talking at t = 30 s restarts the timer.
  h.time = 30_000;
  h.handle(buildOptions("GWA", "50"), a);
  h.handle(frame({ fi: 0, dgid: 0 }), a);
  h.handle(frame({ fi: 2, dgid: 0 }), a);
  h.time = 50_000;
  h.handle(new TextEncoder().encode("YSFPGWA       "), a);
  h.time = 89_999;
  h.core.tick();
  equal(h.core.snapshot().clients[0].room, 9);
  h.time = 90_000;
  h.core.tick();
  equal(h.core.snapshot().clients[0].room, 50);
  const last = h.eventsOf("room-changed").at(-1)!;
  deepEqual([last.from, last.to, last.reason], [9, 50, "back-to-home"]);
});

Deno.test("YsfReflectorCore.reload() re-applies the home file to linked clients", () => {
  const h = new Harness({ dgidList: [9, 50], defaultDgid: 50 });
  h.link("GWA", 1);
  h.link("GWB", 2);
  h.link("GWS-50", 3);
  h.core.reload({
    homeEntries: parseHomeFile("GWA:9:-1\nGWB:9:5\nGWS-50:9:-1\n").entries,
  });
  let [a, b, s] = h.core.snapshot().clients;
  deepEqual([a.room, a.hold], [9, "fixed"]);
  deepEqual([b.room, b.hold, b.home?.dgid], [50, "dynamic", 9]);
  deepEqual([s.room, s.hold], [50, "static"], "static clients keep their room");
  deepEqual(h.eventsOf("room-changed").map((e) => e.reason), ["home-file"]);
  h.core.reload({ homeEntries: [] });
  [a, b] = h.core.snapshot().clients;
  deepEqual([a.room, a.hold, a.home], [9, "dynamic", undefined]);
  equal(b.home, undefined);
});

Deno.test("YsfReflectorCore.handle() hears nothing of other rooms, even with the same source", () => {
  const h = new Harness({ dgidList: [9, 50], defaultDgid: 50, prefix: false });
  const a = h.link("GWA-9", 1);
  const b = h.link("GWB-50", 2);
  const a2 = h.link("GWA2-9", 3);
  h.clear();
  equal(h.handle(frame({ fi: 0 }), a), "accepted");
  equal(
    h.handle(frame({ fi: 0 }), b),
    "accepted",
    "rooms carry streams at the same time",
  );
  equal(h.dataTo(a2).length, 1);
  equal(h.dataTo(b).length, 0);
  equal(h.dataTo(a).length, 0);
});

Deno.test("YsfReflectorCore.handle() survives a room memory that throws", () => {
  const h = new Harness({
    dgidList: [9, 50],
    defaultDgid: 50,
    roomMemory: {
      get() {
        throw new Error("disk gone");
      },
      set() {
        throw new Error("disk gone");
      },
    },
  });
  const a = h.link("GWA", 1);
  equal(h.core.snapshot().clients[0].room, 50);
  equal(h.handle(frame({ fi: 0, dgid: 9 }), a), "dgid_switch");
  equal(h.core.snapshot().clients[0].room, 9);
  equal(h.core.counters.memoryErrors, 2);
});
