// The dashboard's messages: pure builders, and the page's model
// (dashboard_state.js) fed with what YsfDashboard really sends: a snapshot
// followed by deltas must give the state a fresh snapshot gives.
import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { buildPoll, buildUnlink } from "../../lib/ysf/mod.ts";
import { createCounters } from "../../lib/ysf/reflector/counters.ts";
import type { ReflectorEvent } from "../../lib/ysf/reflector/events.ts";
import type { Peer } from "../../lib/ysf/reflector/peer.ts";
import { YsfDashboard } from "../../lib/ysf/web/dashboard.ts";
import {
  countersMessage,
  type DashboardMessage,
  eventToDelta,
  showAddress,
  snapshotMessage,
} from "../../lib/ysf/web/dashboard_messages.ts";
import {
  applyMessage,
  blocksView,
  createState,
  type DashboardState,
  roomsView,
} from "../../lib/ysf/web/dashboard_state.js";
import { Harness, transmission } from "./_reflector_harness.ts";

/** Records what the dashboard sends; always OPEN and drained. */
class FakeSocket extends EventTarget {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  sent: string[] = [];
  send(data: string): void {
    this.sent.push(data);
  }
  close(code = 1000, reason = ""): void {
    if (this.readyState === WebSocket.CLOSED) return;
    this.readyState = WebSocket.CLOSED;
    this.dispatchEvent(new CloseEvent("close", { code, reason }));
  }
  messages(): DashboardMessage[] {
    return this.sent.map((s) => JSON.parse(s));
  }
}

function attach(dashboard: YsfDashboard): FakeSocket {
  const socket = new FakeSocket();
  ok(dashboard.attach(socket as unknown as WebSocket));
  return socket;
}

/** What the page shows, minus `lastPoll` (only snapshots refresh it). */
function view(state: DashboardState) {
  return {
    info: state.info,
    clients: [...state.clients.values()]
      .map(({ lastPoll: _lastPoll, ...c }) => c)
      .sort((a, b) => a.id - b.id),
    rooms: roomsView(state),
    lastHeard: state.lastHeard,
    tempBlocks: blocksView(state),
    refused: state.refused,
  };
}

function replay(messages: DashboardMessage[]): DashboardState {
  const state = createState();
  for (const m of messages) ok(applyMessage(state, m));
  return state;
}

const linkEvent: ReflectorEvent = {
  type: "client-linked",
  source: "default",
  access: "listen-only",
  client: {
    id: 3,
    callsign: "GW1ABC",
    address: "192.0.2.7",
    port: 42001,
    via: "main",
    room: 50,
    hold: "dynamic",
  },
};

Deno.test("eventToDelta() maps every event type to the change the page applies", () => {
  const link = eventToDelta(linkEvent, { now: 1000 });
  deepEqual(link, {
    kind: "link",
    client: {
      id: 3,
      callsign: "GW1ABC",
      address: "192.0.2.7",
      port: 42001,
      via: "main",
      room: 50,
      hears: [50],
      hold: "dynamic",
      access: "listen-only",
      home: null,
      linkedSince: 1000,
      lastPoll: 1000,
      talking: false,
    },
  });
  const hidden = eventToDelta(linkEvent, { now: 0, addresses: "hidden" });
  ok(hidden.kind === "link");
  deepEqual([hidden.client.address, hidden.client.port], ["", 0]);
  deepEqual(
    eventToDelta({
      type: "client-unlinked",
      client: linkEvent.client,
      reason: "expired",
    }, { now: 0 }),
    { kind: "unlink", id: 3, reason: "expired" },
  );
  deepEqual(
    eventToDelta({
      type: "room-changed",
      client: linkEvent.client,
      from: 50,
      to: 9,
      reason: "radio",
    }, { now: 0 }),
    { kind: "room", id: 3, from: 50, to: 9, reason: "radio" },
  );
  const stream = {
    id: 12,
    room: 9,
    local: false,
    client: linkEvent.client,
    gateway: "GW1ABC",
    source: "G4ABC",
    destination: "ALL",
    startedAt: 500,
    fich: undefined,
    header: undefined,
  };
  deepEqual(eventToDelta({ type: "stream-start", stream }, { now: 600 }), {
    kind: "start",
    room: 9,
    local: false,
    talker: {
      streamId: 12,
      clientId: 3,
      clientCallsign: "GW1ABC",
      gateway: "GW1ABC",
      source: "G4ABC",
      destination: "ALL",
      startedAt: 500,
    },
  });
  deepEqual(
    eventToDelta({
      type: "stream-end",
      stream,
      reason: "watchdog",
      endedAt: 2500,
      durationMs: 2000,
      frames: 20,
    }, { now: 2600 }),
    {
      kind: "end",
      room: 9,
      streamId: 12,
      clientId: 3,
      endedAt: 2500,
      frames: 20,
      reason: "watchdog",
    },
  );
  deepEqual(
    eventToDelta({
      type: "blocked",
      reason: "CS",
      client: linkEvent.client,
      gateway: "GW1ABC",
      source: "<b>X</b>",
    }, { now: 7 }),
    {
      kind: "refused",
      refusal: {
        time: 7,
        kind: "blocked",
        reason: "CS",
        source: "<b>X</b>",
        gateway: "GW1ABC",
        clientCallsign: "GW1ABC",
        room: 50,
      },
    },
  );
  deepEqual(
    eventToDelta({
      type: "dropped",
      reason: "busy",
      client: linkEvent.client,
      gateway: "GW1ABC",
      source: "M0XYZ",
      room: 9,
    }, { now: 8 }),
    {
      kind: "refused",
      refusal: {
        time: 8,
        kind: "dropped",
        reason: "busy",
        source: "M0XYZ",
        gateway: "GW1ABC",
        clientCallsign: "GW1ABC",
        room: 9,
      },
    },
  );
  const block = {
    callsign: "G4ABC",
    reason: "wild-ptt" as const,
    since: 1,
    until: 2,
  };
  deepEqual(eventToDelta({ type: "temp-block-added", block }, { now: 1 }), {
    kind: "block",
    block,
  });
  deepEqual(
    eventToDelta({ type: "temp-block-removed", block, reason: "expired" }, {
      now: 2,
    }),
    { kind: "unblock", callsign: "G4ABC" },
  );
});

Deno.test("snapshotMessage() copies the page's fields, masks addresses and trims last heard", () => {
  const h = new Harness({ dgidList: [9, 50], defaultDgid: 50, prefix: false });
  const a = h.link("GW1ABC", 42000, "192.0.2.7");
  h.link("GW6", 42001, "2001:db8:5::1");
  for (const source of ["G4ABC", "M0XYZ", "EA1AA"]) {
    const t = transmission({ source, dgid: 50, count: 1 });
    h.play([t.header, ...t.body, t.terminator], a);
  }
  const open = transmission({ source: "DL1ZZZ", dgid: 50 });
  h.play([open.header], a);
  const message = snapshotMessage(h.core.snapshot(), {
    now: h.time,
    lastHeardMax: 2,
    addresses: "masked",
    viewers: 4,
    version: "shack 9.9.9",
  });
  equal(message.type, "snapshot");
  equal(message.now, h.time);
  deepEqual(message.info, {
    name: "SHACK TEST",
    description: "Tests",
    statusId: h.core.snapshot().statusId,
    mode: "rooms",
    version: "shack 9.9.9",
  });
  deepEqual(message.clients.map((c) => [c.callsign, c.address, c.port]), [
    ["GW1ABC", "192.0.*.*", 42000],
    ["GW6", "2001:db8:*", 42001],
  ]);
  deepEqual(message.lastHeard.map((e) => [e.source, e.endedAt === null]), [
    ["DL1ZZZ", true],
    ["EA1AA", false],
  ]);
  equal(message.lastHeardMax, 2);
  deepEqual(message.rooms.map((r) => [r.dgid, r.talkers.length]), [[9, 0], [
    50,
    1,
  ]]);
  equal(message.rooms[1].talkers[0].source, "DL1ZZZ");
  equal(message.counters.streams, 4);
  equal(message.viewers, 4);
  // JSON keeps every field (no undefined to lose).
  deepEqual(JSON.parse(JSON.stringify(message)), message);
});

Deno.test("countersMessage() and showAddress() build what the page shows", () => {
  const counters = createCounters();
  counters.drops.busy = 2;
  counters.packetsIn.data = 9;
  const message = countersMessage(counters, 123, 1);
  deepEqual(
    [message.type, message.now, message.viewers],
    ["counters", 123, 1],
  );
  equal(message.counters.drops.busy, 2);
  equal(message.counters.packetsIn.data, 9);
  counters.drops.busy = 5;
  equal(message.counters.drops.busy, 2, "a copy, not the live counters");
  equal(showAddress("192.0.2.7", "full"), "192.0.2.7");
  equal(showAddress("192.0.2.7", "masked"), "192.0.*.*");
  equal(showAddress("::ffff:198.51.100.4", "masked"), "198.51.*.*");
  equal(showAddress("2001:db8::1", "masked"), "2001:db8:*");
  equal(showAddress("::1", "masked"), "*");
  equal(showAddress("192.0.2.7", "hidden"), "");
});

Deno.test("applyMessage() ignores what it does not understand and bounds its lists", () => {
  const state = createState();
  equal(applyMessage(state, null), false);
  equal(applyMessage(state, "snapshot"), false);
  equal(applyMessage(state, { type: "nope" }), false);
  equal(applyMessage(state, { type: "delta", events: "x" }), false);
  // Deltas about unknown clients or streams change nothing.
  ok(applyMessage(state, {
    type: "delta",
    now: 5,
    events: [
      { kind: "unlink", id: 1, reason: "unlinked" },
      { kind: "room", id: 1, from: 1, to: 2, reason: "radio" },
      {
        kind: "end",
        room: 1,
        streamId: 1,
        clientId: 1,
        endedAt: 1,
        frames: 1,
        reason: "watchdog",
      },
      { kind: "unblock", callsign: "X" },
    ],
  }));
  equal(state.now, 5);
  equal(state.clients.size, 0);
  equal(roomsView(state).length, 0);
  // Refusals are kept newest first, at most refusedMax.
  state.refusedMax = 3;
  for (let i = 0; i < 10; i++) {
    applyMessage(state, {
      type: "delta",
      now: i,
      events: [{
        kind: "refused",
        refusal: {
          time: i,
          kind: "dropped",
          reason: "busy",
          source: `S${i}`,
          gateway: "G",
          clientCallsign: "G",
          room: 1,
        },
      }],
    });
  }
  deepEqual(state.refused.map((r) => r.source), ["S9", "S8", "S7"]);
});

Deno.test("YsfDashboard messages: snapshot + deltas give the same page as a fresh snapshot (scenario)", async () => {
  const h = new Harness({
    dgidList: [1, 9, 50],
    defaultDgid: 50,
    localDgid: 1,
    prefix: false,
    wildPttCount: 3,
    wildPttTimeSeconds: 5,
    timeoutSeconds: 4,
    treactivateSeconds: 30,
    keepAliveMs: 0,
  });
  const dashboard = new YsfDashboard(() => h.core.snapshot(), {
    now: () => h.time,
    batchMs: 0,
    tickMs: 3_600_000,
    lastHeardRows: 4,
    refusedRows: 3,
  });
  const pump = () => {
    for (const e of h.events.splice(0)) dashboard.onEvent(e);
  };
  try {
    const a = h.link("GWA", 1);
    const b = h.link("GWB-9", 2);
    pump();
    const live = attach(dashboard);
    const c = h.link("GWC", 3);
    const d = h.link("<b>X</b>", 4);
    pump();
    // A talks in 50; C is refused as busy meanwhile.
    const t1 = transmission({ gateway: "GWA", source: "G4ABC", dgid: 50 });
    h.play([t1.header, t1.body[0]], a);
    h.play([transmission({ source: "M0XYZ", dgid: 50 }).header], c);
    pump();
    const mid = replay(live.messages());
    deepEqual(
      roomsView(mid).find((r) => r.dgid === 50)?.talkers.map((t) => t.source),
      ["G4ABC"],
    );
    ok(mid.clients.get(1)?.talking);
    h.play([...t1.body.slice(1), t1.terminator], a);
    // D moves to room 9 (swallowed PTT), then talks there.
    const move = transmission({ source: "EA1AA", dgid: 9, count: 1 });
    h.play([move.header, ...move.body, move.terminator], d);
    h.play([move.header, ...move.body, move.terminator], d);
    // Wild PTT: three quick transmissions of DL1ZZZ get it blocked.
    for (let i = 0; i < 4; i++) {
      const t = transmission({ source: "DL1ZZZ", dgid: 50, count: 1 });
      h.play([t.header, t.terminator], c);
    }
    // A TOT cut.
    const long = transmission({ source: "F4AAA", dgid: 50, count: 6 });
    h.play([long.header, ...long.body], a, 1000);
    h.advance(2000);
    // F4AAA is now blocked too.
    h.play([transmission({ source: "F4AAA", dgid: 9 }).header], d);
    // B unlinks, a stream is left open, C finds the room busy.
    h.handle(buildUnlink("GWB-9"), b);
    h.play([transmission({ source: "PA3BBB", dgid: 50 }).header], a);
    h.play([transmission({ source: "M0XYZ", dgid: 50 }).header], c);
    pump();
    // Keep A and D alive, let C expire; the open stream ends by watchdog.
    for (let t = 0; t < 7; t++) {
      h.handle(buildPoll("GWA"), a);
      h.handle(buildPoll("<b>X</b>"), d);
      h.advance(10_000);
    }
    pump();
    const expected = attach(dashboard);
    const fresh = replay(expected.messages());
    equal(expected.messages().length, 1);
    equal(expected.messages()[0].type, "snapshot");
    const replayed = replay(live.messages());
    deepEqual(view(replayed), view(fresh));
    // The scenario did what it says.
    const kinds = new Set(
      live.messages().flatMap((m) =>
        m.type === "delta" ? m.events.map((e) => e.kind) : []
      ),
    );
    deepEqual(
      [...kinds].sort(),
      [
        "block",
        "end",
        "link",
        "refused",
        "room",
        "start",
        "unblock",
        "unlink",
      ],
    );
    deepEqual([...fresh.clients.values()].map((c) => c.callsign), [
      "GWA",
      "<b>X</b>",
    ]);
    equal(fresh.lastHeard.length, 4);
    deepEqual(fresh.refused.map((r) => [r.reason, r.source]), [
      ["busy", "M0XYZ"],
      ["TEMP", "F4AAA"],
      ["TEMP", "DL1ZZZ"],
    ]);
  } finally {
    await dashboard.close();
  }
});

type Action =
  | { kind: "link"; who: number }
  | { kind: "unlink"; who: number }
  | { kind: "poll"; who: number }
  | { kind: "talk"; who: number; source: number; dgid: number; frames: number }
  | { kind: "end"; who: number }
  | { kind: "advance"; ms: number };

const GATEWAYS = ["GWA", "GWB", "GWC-9", "GWD", "GWE"];
const SOURCES = ["G4ABC", "M0XYZ", "EA1AA"];
const DGIDS = [0, 9, 50, 33];

Deno.test("YsfDashboard messages: snapshot + deltas give the same page as a fresh snapshot (property)", async () => {
  const action: fc.Arbitrary<Action> = fc.oneof(
    fc.record({
      kind: fc.constant("link" as const),
      who: fc.nat({ max: 4 }),
    }),
    fc.record({
      kind: fc.constant("unlink" as const),
      who: fc.nat({ max: 4 }),
    }),
    fc.record({
      kind: fc.constant("poll" as const),
      who: fc.nat({ max: 4 }),
    }),
    fc.record({
      kind: fc.constant("talk" as const),
      who: fc.nat({ max: 4 }),
      source: fc.nat({ max: SOURCES.length - 1 }),
      dgid: fc.nat({ max: DGIDS.length - 1 }),
      frames: fc.nat({ max: 3 }),
    }),
    fc.record({ kind: fc.constant("end" as const), who: fc.nat({ max: 4 }) }),
    fc.record({
      kind: fc.constant("advance" as const),
      ms: fc.constantFrom(100, 1000, 2000, 20_000, 70_000),
    }),
  );
  const closers: (() => Promise<void>)[] = [];
  const seen = new Map<string, number>();
  try {
    fc.assert(
      fc.property(
        fc.array(action, { minLength: 10, maxLength: 80 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (actions, attachFraction) => {
          const attachAt = Math.floor(actions.length * attachFraction);
          const h = new Harness({
            dgidList: [9, 50],
            defaultDgid: 50,
            localDgid: 0,
            prefix: false,
            wildPttCount: 3,
            timeoutSeconds: 3,
            treactivateSeconds: 40,
            keepAliveMs: 0,
          });
          const dashboard = new YsfDashboard(() => h.core.snapshot(), {
            now: () => h.time,
            batchMs: 0,
            tickMs: 3_600_000,
            lastHeardRows: 2,
          });
          const pump = () => {
            for (const e of h.events.splice(0)) dashboard.onEvent(e);
          };
          const peers: Peer[] = GATEWAYS.map((_, i) => ({
            address: "192.0.2.1",
            port: 1000 + i,
          }));
          closers.push(dashboard.close.bind(dashboard));
          let live: FakeSocket | undefined;
          actions.forEach((a, i) => {
            if (i === attachAt) live = attach(dashboard);
            switch (a.kind) {
              case "link":
              case "poll":
                h.handle(buildPoll(GATEWAYS[a.who]), peers[a.who]);
                break;
              case "unlink":
                h.handle(buildUnlink(GATEWAYS[a.who]), peers[a.who]);
                break;
              case "talk": {
                const t = transmission({
                  gateway: GATEWAYS[a.who],
                  source: SOURCES[a.source],
                  dgid: DGIDS[a.dgid],
                  count: a.frames,
                });
                h.play([t.header, ...t.body], peers[a.who]);
                break;
              }
              case "end": {
                const t = transmission({ gateway: GATEWAYS[a.who] });
                h.handle(t.terminator, peers[a.who]);
                break;
              }
              case "advance":
                h.advance(a.ms);
                break;
            }
            pump();
          });
          live ??= attach(dashboard);
          const fresh = replay(attach(dashboard).messages());
          const replayed = replay(live.messages());
          deepEqual(view(replayed), view(fresh));
          for (const m of live.messages()) {
            if (m.type !== "delta") continue;
            for (const e of m.events) {
              seen.set(e.kind, (seen.get(e.kind) ?? 0) + 1);
            }
          }
        },
      ),
      { seed: 20260511, numRuns: 150 },
    );
  } finally {
    await Promise.all(closers.map((close) => close()));
  }
  // The generated runs exercised every kind of change the reflector made.
  for (const kind of ["link", "unlink", "room", "start", "end", "refused"]) {
    ok((seen.get(kind) ?? 0) >= 10, `${kind}: ${seen.get(kind)}`);
  }
});
