import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import {
  buildInfo,
  buildOptions,
  buildPoll,
  buildStatusQuery,
  buildUnlink,
  buildVersionQuery,
} from "../../lib/ysf/mod.ts";
import {
  AccessControl,
  DROP_REASONS,
  type HandleResult,
  type LocalEndpointId,
  parseDenyFile,
  parseHomeFile,
  type Peer,
  type ReflectorEvent,
  YsfReflectorCore,
  type YsfReflectorOptions,
} from "../../lib/ysf/reflector/mod.ts";
import { frame } from "./_reflector_harness.ts";

const PEERS = 300;
const HOT = 24;
const ENDPOINTS: LocalEndpointId[] = [
  ...Array<LocalEndpointId>(8).fill("main"),
  "main6",
  "aux10",
];
const CALLS = [
  "G4ABC",
  "M0XYZ",
  "IU5JAE-7",
  "TEST",
  "",
  "G4ABC-RPT",
  "2E0AAA/P",
  "M0BAD",
];

type Payload =
  | { t: "poll" | "unlink" | "options"; call: string; text: string }
  | { t: "status" | "version" | "info" }
  | { t: "frame"; i: number }
  | { t: "mutated"; i: number; flips: [number, number][]; cut: number | null }
  | { t: "random"; bytes: Uint8Array; tagged: boolean };

type Op =
  | {
    kind: "datagram";
    peer: number;
    via: number;
    payload: Payload;
    dt: number;
  }
  | { kind: "tick"; dt: number }
  | { kind: "reload"; variant: number };

/** Valid YSFD frames of every kind, built with the codec. */
function framePool(seed: number): Uint8Array[] {
  const spec = fc.record({
    fi: fc.integer({ min: 0, max: 3 }),
    dgid: fc.constantFrom(0, 1, 9, 10, 20, 50, 33, 127),
    dt: fc.constantFrom(0, 1, 2, 2, 2, 3),
    fn: fc.integer({ min: 0, max: 7 }),
    ft: fc.integer({ min: 0, max: 7 }),
    cm: fc.constantFrom(0, 0, 1, 3),
    source: fc.constantFrom(...CALLS),
    gateway: fc.constantFrom("GW1", "GW2-9", "BRIDGE", ""),
    end: fc.constantFrom(false, false, false, false, false, false, false, true),
  });
  return fc.sample(spec, { seed, numRuns: 400 }).map((s) =>
    frame({ ...s, csdDestination: s.cm === 1 ? "90123FAHuL" : "ALL" })
  );
}

function opArbitrary(poolSize: number): fc.Arbitrary<Op> {
  const call = fc.constantFrom(
    "GW1",
    "GW2-9",
    "GW3-50",
    "REFLECTOR",
    "M0XYZ-HS",
    "GW-LK",
    "HOME1",
    "",
  );
  const text = fc.constantFrom(
    "",
    "9",
    "10;20;",
    "50;9;1;127",
    "group=2345",
    "x;;;",
    "99",
  );
  const payload: fc.Arbitrary<Payload> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({ t: fc.constant("poll" as const), call, text }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ t: fc.constant("unlink" as const), call, text }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ t: fc.constant("options" as const), call, text }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        t: fc.constantFrom(
          "status" as const,
          "version" as const,
          "info" as const,
        ),
      }),
    },
    {
      weight: 12,
      arbitrary: fc.record({
        t: fc.constant("frame" as const),
        i: fc.nat(poolSize - 1),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        t: fc.constant("mutated" as const),
        i: fc.nat(poolSize - 1),
        flips: fc.array(fc.tuple(fc.nat(154), fc.nat(255)), {
          minLength: 1,
          maxLength: 6,
        }),
        cut: fc.option(fc.nat(170)),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        t: fc.constant("random" as const),
        bytes: fc.uint8Array({ maxLength: 200 }),
        tagged: fc.boolean(),
      }),
    },
  );
  const peer = fc.oneof({ weight: 6, arbitrary: fc.nat(HOT - 1) }, {
    weight: 1,
    arbitrary: fc.nat(PEERS - 1),
  });
  return fc.oneof(
    {
      weight: 600,
      arbitrary: fc.record({
        kind: fc.constant("datagram" as const),
        peer,
        via: fc.nat(ENDPOINTS.length - 1),
        payload,
        dt: fc.nat(40),
      }),
    },
    {
      weight: 20,
      arbitrary: fc.record({
        kind: fc.constant("tick" as const),
        dt: fc.nat(3000),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("tick" as const),
        dt: fc.nat(70_000),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("reload" as const),
        variant: fc.nat(3),
      }),
    },
  );
}

function peerList(): Peer[] {
  const peers: Peer[] = [];
  for (let i = 0; i < PEERS; i++) {
    const host = i % 40;
    const address = host % 3 === 0
      ? `2001:db8::${host.toString(16)}`
      : host % 3 === 1
      ? `192.0.2.${host}`
      : `::ffff:192.0.2.${host - 1}`; // same host as the IPv4 form of host-1
    peers.push({ address, port: 40_000 + i });
  }
  return peers;
}

function materialize(payload: Payload, pool: Uint8Array[]): Uint8Array {
  switch (payload.t) {
    case "poll":
      return buildPoll(payload.call);
    case "unlink":
      return buildUnlink(payload.call);
    case "options":
      return buildOptions(payload.call, payload.text);
    case "status":
      return buildStatusQuery();
    case "version":
      return buildVersionQuery();
    case "info":
      return buildInfo({
        callsign: "GW1",
        rxFrequency: 430_000_000,
        txFrequency: 430_000_000,
        locator: "IO91wm",
        name: "Fuzz",
        hotspotType: "MMDVM",
        radioId: "1234567",
      });
    case "frame":
      return pool[payload.i];
    case "mutated": {
      let data = pool[payload.i].slice();
      for (const [index, value] of payload.flips) data[index] = value;
      if (payload.cut !== null) {
        if (payload.cut <= 155) data = data.subarray(0, payload.cut);
        else {
          const longer = new Uint8Array(payload.cut);
          longer.set(data);
          data = longer;
        }
      }
      return data;
    }
    case "random": {
      const data = payload.bytes.slice();
      if (payload.tagged && data.length >= 4) data.set([0x59, 0x53, 0x46], 0);
      return data;
    }
  }
}

interface Limits {
  maxClients: number;
  maxClientsPerIp: number;
  maxStreams: number;
  lastHeardSize: number;
  maxTempBlocks: number;
  maxWildPttHistory: number;
}

function run(mode: "rooms" | "single-room", count: number, seed: number): void {
  const limits: Limits = {
    maxClients: 40,
    maxClientsPerIp: 4,
    maxStreams: 3,
    lastHeardSize: 20,
    maxTempBlocks: 8,
    maxWildPttHistory: 12,
  };
  const pool = framePool(seed);
  const peers = peerList();
  let time = 1_000_000;
  let current: { peer: Peer; via: LocalEndpointId } | undefined;
  const linkedNow = new Set<string>();
  let echo = 0;
  let sends = 0;
  const eventTypes = new Set<string>();
  const options: YsfReflectorOptions = {
    name: "FUZZ",
    mode,
    now: () => time,
    dgidList: [1, 9, 10, 20, 50],
    defaultDgid: 50,
    localDgid: 1,
    prefix: true,
    auxPorts: [{
      endpoint: "aux10",
      dgid: 10,
      alias: { name: "AUX", description: "Ten" },
    }],
    homeEntries: parseHomeFile("HOME1:9:1\nGW1:20:-1\n").entries,
    timeoutSeconds: 3,
    treactivateSeconds: 5,
    wildPttCount: 2,
    wildPttTimeSeconds: 5,
    statusRepliesPerSecond: 50,
    ...limits,
  };
  const core = new YsfReflectorCore(options, {
    send(data, to, via) {
      sends++;
      ok(
        data.length === 14 || data.length === 42 || data.length === 155 ||
          data[3] === 0x56,
      );
      if (
        data.length === 155 && current !== undefined &&
        to.address === current.peer.address && to.port === current.peer.port &&
        via === current.via
      ) {
        echo++;
      }
    },
    event(event: ReflectorEvent) {
      eventTypes.add(event.type);
      if (event.type === "client-linked") {
        linkedNow.add(
          `${event.client.via}|${event.client.address}|${event.client.port}`,
        );
      } else if (event.type === "client-unlinked") {
        linkedNow.delete(
          `${event.client.via}|${event.client.address}|${event.client.port}`,
        );
      }
    },
  });
  const acls = [
    new AccessControl({ checkRe: mode === "rooms" ? 1 : 0 }),
    new AccessControl({
      deny: parseDenyFile(
        "GWB:GW-LK\nGW:GW2-9\nCS:M0BAD\nSB:RPT\nIP:192.0.2.4\n",
      ),
      checkRe: 0,
    }),
    new AccessControl({
      blockList: ["XYZ"],
      checkRe: -1,
      deny: parseDenyFile("AL:G4ABC\n"),
    }),
    new AccessControl({ deny: parseDenyFile("IPB:2001:db8::3\nSN:FAHuL\n") }),
  ];
  const tally = new Map<HandleResult, number>();
  const known = new Set<string>(["accepted", ...DROP_REASONS]);
  const ops = fc.sample(opArbitrary(pool.length), { seed, numRuns: count });
  let datagrams = 0;
  for (let n = 0; n < ops.length; n++) {
    const op = ops[n];
    if (op.kind === "tick") {
      time += op.dt;
      core.tick();
    } else if (op.kind === "reload") {
      core.reload({
        acl: acls[op.variant],
        refuseBlockedLinks: op.variant % 2 === 1,
        homeEntries: op.variant === 2 ? [] : options.homeEntries,
      });
    } else {
      time += op.dt;
      const peer = peers[op.peer];
      const via = ENDPOINTS[op.via];
      current = { peer, via };
      const result = core.handle(materialize(op.payload, pool), peer, via);
      current = undefined;
      datagrams++;
      ok(known.has(result), `unknown result ${result}`);
      tally.set(result, (tally.get(result) ?? 0) + 1);
    }
    const sizes = core.sizes;
    ok(sizes.clients <= limits.maxClients, `clients ${sizes.clients}`);
    ok(sizes.addresses <= sizes.clients);
    ok(sizes.streams <= limits.maxStreams, `streams ${sizes.streams}`);
    ok(sizes.rooms <= 128);
    ok(sizes.lastHeard <= limits.lastHeardSize);
    ok(
      sizes.tempBlocks <= limits.maxTempBlocks,
      `temp blocks ${sizes.tempBlocks}`,
    );
    ok(sizes.wildPttHistory <= limits.maxWildPttHistory);
    if (n % 10_000 === 0) {
      const snapshot = core.snapshot();
      equal(snapshot.clients.length, sizes.clients);
      equal(JSON.parse(JSON.stringify(snapshot)).clients.length, sizes.clients);
      equal(
        linkedNow.size,
        sizes.clients,
        "link/unlink events match the table",
      );
    }
  }
  const c = core.counters;
  equal(c.datagrams, datagrams);
  ok(datagrams >= count * 0.9, `only ${datagrams} datagrams`);
  deepEqual(Object.keys(c.drops).sort(), [...DROP_REASONS].sort());
  const dropped = Object.values(c.drops).reduce((a, b) => a + b, 0);
  equal(
    c.accepted + dropped,
    c.datagrams,
    "every datagram accepted or dropped under one reason",
  );
  equal(c.accepted, tally.get("accepted") ?? 0);
  for (const reason of DROP_REASONS) {
    equal(c.drops[reason], tally.get(reason) ?? 0, reason);
  }
  equal(echo, 0, "never relayed to the sender");
  equal(c.sendErrors + c.eventErrors, 0);
  // The run exercised the machine, not just its input checks.
  ok(c.accepted > count / 10, `accepted ${c.accepted}`);
  ok(c.relayedFrames > 1000, `relayed ${c.relayedFrames}`);
  ok(sends > 1000);
  for (
    const reason of [
      "unlinked",
      "refused_capacity",
      "refused_per_ip",
      "too_short",
      "unknown_tag",
      "blocked",
    ] as const
  ) {
    ok(c.drops[reason] > 0, `no ${reason} drop`);
  }
  if (mode === "rooms") {
    for (
      const reason of [
        "fich",
        "no_header",
        "busy",
        "dgid_switch",
        "stream_limit",
        "timeout",
      ] as const
    ) {
      ok(c.drops[reason] > 0, `no ${reason} drop`);
    }
    for (
      const type of [
        "stream-start",
        "stream-end",
        "room-changed",
        "temp-block-added",
        "blocked",
        "dropped",
      ]
    ) {
      ok(eventTypes.has(type), `no ${type} event`);
    }
  }
}

Deno.test("YsfReflectorCore survives 120 000 random ops (> 100 000 random and mutated datagrams) in rooms mode within its bounds", () => {
  run("rooms", 120_000, 0x5eed);
});

Deno.test("YsfReflectorCore survives 40 000 random ops (> 36 000 random and mutated datagrams) in single-room mode within its bounds", () => {
  run("single-room", 40_000, 0xc0ffee);
});
