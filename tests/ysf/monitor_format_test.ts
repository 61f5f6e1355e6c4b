// Pure formatting of reflector events into pYSFReflector3 JSON monitor
// messages and G4KLX / pYSFReflector3 log lines, driven by events of the
// real state machine.
import { deepEqual, equal, match, ok } from "node:assert/strict";
import fc from "fast-check";
import {
  AccessControl,
  type ClientSummary,
  parseDenyFile,
  type ReflectorEvent,
  type StreamInfo,
} from "../../lib/ysf/reflector/mod.ts";
import {
  encodeMonitorMessage,
  formatLogLine,
  formatUtcDate,
  formatUtcMillis,
  formatUtcSeconds,
  type MonitorMessage,
  monitorStreamId,
  startLogText,
  streamIdSalt,
  toDumpLogLines,
  toDumpMessages,
  toLogLines,
  toMonitorMessages,
  toSystemMessage,
} from "../../lib/ysf/monitor/mod.ts";
import { frame, Harness, transmission } from "./_reflector_harness.ts";

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0, 0);
const SALT = 1234;
const CONTEXT = { now: T0 + 9000, streamIdSalt: SALT };

/** pYSFReflector3's key order for each kind (collector3 dispatches on the first key). */
const KEYS = {
  system: [
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
  ],
  stream_start: [
    "stream_start",
    "call",
    "target",
    "gw",
    "dgid",
    "time",
    "CS",
    "CM",
    "FT",
    "Dev",
    "MR",
    "VoIP",
    "DT",
    "SQL",
    "SQC",
  ],
  stream_id05: ["stream_id05", "dst", "src", "uplink", "downlink"],
  stream_end: ["stream_end", "type", "time"],
  stream_timeout: ["stream_timeout", "CS", "time"],
  blocked: ["blocked", "CS", "GW", "BR", "time"],
  linked: [
    "linked",
    "call",
    "IP",
    "port",
    "TC",
    "CF",
    "LO",
    "LK",
    "DGID",
    "T_HOLD",
    "BTH_DGID",
    "BTH_TOUT",
    "BTH_TCORR",
  ],
  total_linked: ["total_linked"],
  blk_time: ["blk_time", "call", "BR", "TR"],
  total_blk_time: ["total_blk_time"],
} as const;

/** Every value a string, the keys exactly pYSFReflector3's, and a JSON round trip. */
function checkShape(message: MonitorMessage): void {
  const kind = Object.keys(message)[0] as keyof typeof KEYS;
  ok(kind in KEYS, `unknown kind ${kind}`);
  if (!(kind === "linked" && message.linked === "0")) {
    deepEqual(Object.keys(message), [...KEYS[kind]]);
  }
  for (const value of Object.values(message)) equal(typeof value, "string");
  deepEqual(JSON.parse(encodeMonitorMessage(message)), message);
}

function rooms(options = {}) {
  const h = new Harness({
    dgidList: [9, 50],
    defaultDgid: 50,
    prefix: false,
    ...options,
  });
  h.time = T0;
  const a = h.link("GW1ABC", 42000);
  const b = h.link("GW2XYZ", 42001);
  h.clear();
  return { h, a, b };
}

const client: ClientSummary = {
  id: 5,
  callsign: "GW1ABC",
  address: "192.0.2.1",
  port: 42000,
  via: "main",
  room: 9,
  hold: "dynamic",
};

function stream(extra: Partial<StreamInfo> = {}): StreamInfo {
  return {
    id: 3,
    room: 9,
    local: false,
    client,
    gateway: "GW1ABC",
    source: "G4ABC",
    destination: "ALL",
    startedAt: T0,
    fich: undefined,
    header: undefined,
    ...extra,
  };
}

Deno.test("formatUtcMillis() and friends print UTC with zero padding", () => {
  equal(
    formatUtcMillis(Date.UTC(2024, 0, 2, 3, 4, 5, 6)),
    "2024-01-02 03:04:05.006",
  );
  equal(
    formatUtcMillis(Date.UTC(2024, 11, 31, 23, 59, 59, 999)),
    "2024-12-31 23:59:59.999",
  );
  equal(
    formatUtcMillis(Date.UTC(2024, 11, 31, 23, 59, 59, 999) + 0.9),
    "2024-12-31 23:59:59.999",
  );
  equal(
    formatUtcSeconds(Date.UTC(2024, 1, 29, 0, 0, 0, 500)),
    "2024-02-29 00:00:00",
  );
  equal(formatUtcDate(Date.UTC(2024, 1, 29, 23, 59, 59, 999)), "2024-02-29");
});

Deno.test("monitorStreamId() gives 7 digits, distinct for consecutive ids, fixed by the salt", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1e9 }),
      fc.integer({ min: 0, max: 9_999_999 }),
      (id, salt) => {
        const text = monitorStreamId(id, salt);
        match(text, /^\d{7}$/);
        equal(monitorStreamId(id, salt), text);
        ok(monitorStreamId(id + 1, salt) !== text);
      },
    ),
    { seed: 42, numRuns: 500 },
  );
  const seen = new Set<string>();
  for (let id = 1; id <= 100_000; id++) seen.add(monitorStreamId(id, SALT));
  equal(seen.size, 100_000);
  equal(streamIdSalt(() => 0), 0);
  equal(streamIdSalt(() => 0.9999999999), 9_999_999);
  equal(streamIdSalt(() => Number.NaN), 0);
});

Deno.test("toSystemMessage() gives pYSFReflector3's system object, all strings", () => {
  const message = toSystemMessage({
    name: "SHACK REF",
    description: "Test room",
    statusId: "01234",
    version: "shack 1.2.3",
    aprsEnabled: true,
    aprsSsid: "-10",
    contact: "g4abc@example.org",
    web: "https://example.org",
    localDgid: 1,
    defaultDgid: 50,
    dgidList: [1, 9, 50],
  });
  checkShape(message);
  deepEqual(message, {
    system: "pYSFReflector3",
    ver: "shack 1.2.3",
    REF_ID: "01234",
    REF_NAME: "SHACK REF",
    REF_DESC: "Test room",
    APRS_EN: "1",
    APRS_SSID: "-10",
    contact: "g4abc@example.org",
    web: "https://example.org",
    dgid_loc: "1",
    dgid_def: "50",
    dgid_list: "[1, 9, 50]",
  });
  equal(
    toSystemMessage({
      name: "R",
      description: "",
      statusId: "00001",
      version: "v",
    })
      .dgid_list,
    "[]",
  );
});

Deno.test("toMonitorMessages() turns a transmission into stream_start, stream_id05 and stream_end (TC)", () => {
  const { h, a } = rooms();
  const t = transmission({ source: "G4ABC", gateway: "GW1ABC", dgid: 50 });
  h.play([t.header, ...t.body, t.terminator], a);
  const messages = h.events.flatMap((e) => toMonitorMessages(e, CONTEXT));
  messages.forEach(checkShape);
  const id = monitorStreamId(h.eventsOf("stream-start")[0].stream.id, SALT);
  deepEqual(messages, [
    {
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
    },
    {
      stream_id05: id,
      dst: "ALL       ",
      src: "G4ABC     ",
      uplink: "G4ABC     ",
      downlink: "          ",
    },
    { stream_end: id, type: "TC", time: "2024-05-01 12:00:00.400" },
  ]);
});

Deno.test("toMonitorMessages() reports a watchdog end as WD and a TOT cut as stream_timeout", () => {
  const { h, a } = rooms({ timeoutSeconds: 1 });
  h.play([frame({ fi: 0, dgid: 50 }), frame({ fi: 1, fn: 1 })], a);
  h.advance(2000);
  const [wd] = h.eventsOf("stream-end");
  equal(wd.reason, "watchdog");
  deepEqual(toMonitorMessages(wd, CONTEXT), [{
    stream_end: monitorStreamId(wd.stream.id, SALT),
    type: "WD",
    time: formatUtcMillis(wd.endedAt),
  }]);
  h.clear();
  h.handle(frame({ fi: 0, dgid: 50, source: "M0XYZ" }), a);
  h.time += 600;
  h.handle(frame({ fi: 1, fn: 1, source: "M0XYZ" }), a);
  h.time += 600;
  h.handle(frame({ fi: 1, fn: 2, source: "M0XYZ" }), a);
  const [to] = h.eventsOf("stream-end");
  equal(to.reason, "timeout");
  const messages = toMonitorMessages(to, CONTEXT);
  messages.forEach(checkShape);
  deepEqual(messages, [{
    stream_timeout: monitorStreamId(to.stream.id, SALT),
    CS: "M0XYZ",
    time: "2024-05-01 12:00:03.400",
  }]);
});

Deno.test("toMonitorMessages() reports blocked transmissions with pYSFReflector3's BR codes", () => {
  const { h, a } = rooms();
  h.handle(frame({ fi: 0, dgid: 50, source: "TEST" }), a);
  const [blocked] = h.eventsOf("blocked");
  equal(blocked.reason, "CS");
  const messages = toMonitorMessages(blocked, CONTEXT);
  messages.forEach(checkShape);
  deepEqual(messages, [{
    blocked: "-1",
    CS: "TEST      ",
    GW: "GW1ABC    ",
    BR: "CS",
    time: "2024-05-01 12:00:09.000",
  }]);
  // A temporary block is reported as CS; Wires-X data as DT.
  const temp: ReflectorEvent = { ...blocked, reason: "TEMP" };
  equal(toMonitorMessages(temp, CONTEXT)[0].BR, "CS");
  equal(toMonitorMessages({ ...blocked, reason: "DT" }, CONTEXT)[0].BR, "DT");
});

Deno.test("toMonitorMessages() zero-pads rooms, shows the local room as -(client id), and escapes quotes", () => {
  const [room9] = toMonitorMessages(
    { type: "stream-start", stream: stream() },
    CONTEXT,
  );
  equal(room9.dgid, "09");
  const [local] = toMonitorMessages(
    { type: "stream-start", stream: stream({ room: 1, local: true }) },
    CONTEXT,
  );
  equal(local.dgid, "-5");
  const [nasty] = toMonitorMessages(
    {
      type: "stream-start",
      stream: stream({ source: 'G4"AB\\C', gateway: "GW}{" }),
    },
    CONTEXT,
  );
  checkShape(nasty);
  const parsed = JSON.parse(encodeMonitorMessage(nasty));
  equal(parsed.call, 'G4"AB\\C');
  equal(parsed.gw, "GW}{");
});

Deno.test("toMonitorMessages() in single-room mode sends empty FICH fields and no stream_id05", () => {
  const h = new Harness({ mode: "single-room" });
  h.time = T0;
  const a = h.link("GW1ABC", 42000);
  h.link("GW2XYZ", 42001);
  h.clear();
  h.handle(frame({ fi: 0, source: "G4ABC", destination: "" }), a);
  const messages = h.events.flatMap((e) => toMonitorMessages(e, CONTEXT));
  messages.forEach(checkShape);
  equal(messages.length, 1);
  equal(messages[0].target, "          ");
  equal(messages[0].dgid, "00");
  for (
    const key of ["CS", "CM", "FT", "Dev", "MR", "VoIP", "DT", "SQL", "SQC"]
  ) {
    equal(messages[0][key], "");
  }
});

Deno.test("toMonitorMessages() sends nothing for links, room changes, drops and temporary blocks", () => {
  const { h, a, b } = rooms({
    timeoutSeconds: 0,
    wildPttCount: 2,
    wildPttTimeSeconds: 60,
  });
  h.link("GW3ABC", 42002);
  h.handle(frame({ fi: 0, dgid: 9 }), a); // room switch, swallowed
  h.handle(frame({ fi: 0, dgid: 50 }), b); // opens a stream in 50
  h.handle(frame({ fi: 2, dgid: 50 }), b);
  h.handle(frame({ fi: 1, fn: 1 }), b); // late entry: dropped
  h.time += 2000;
  h.handle(frame({ fi: 0, dgid: 50 }), b); // wild-PTT block
  const kinds = new Set(h.events.map((e) => e.type));
  for (
    const kind of [
      "client-linked",
      "room-changed",
      "dropped",
      "temp-block-added",
    ] as const
  ) {
    ok(kinds.has(kind), `expected a ${kind} event`);
    for (const e of h.eventsOf(kind)) {
      deepEqual(toMonitorMessages(e, CONTEXT), []);
    }
  }
});

Deno.test("toDumpMessages() lists linked clients and temporary blocks as pYSFReflector3 every 120 s", () => {
  const h = new Harness({
    dgidList: [9, 50],
    defaultDgid: 50,
    prefix: false,
    timeoutSeconds: 1,
    treactivateSeconds: 600,
    acl: new AccessControl({ deny: parseDenyFile("GW:GW2XYZ\nGWB:GW4ABC\n") }),
  });
  h.time = T0;
  const a = h.link("GW1ABC", 42000);
  h.time += 1000;
  h.link("GW2XYZ", 42001);
  h.link("GW3-09", 42002, "2001:db8::1");
  h.link("GW4ABC", 42003);
  h.handle(frame({ fi: 0, dgid: 50, source: "M0XYZ" }), a);
  h.time += 1100;
  h.handle(frame({ fi: 1, fn: 1, source: "M0XYZ" }), a); // TOT: M0XYZ blocked
  h.time = T0 + 5500;
  const messages = toDumpMessages(h.core.snapshot());
  messages.forEach(checkShape);
  const linked = (
    n: number,
    call: string,
    ip: string,
    port: number,
    tc: string,
    cf: string,
    lo: string,
    lk: string,
    dgid: string,
    hold: string,
  ) => ({
    linked: String(n),
    call,
    IP: ip,
    port: String(port),
    TC: tc,
    CF: cf,
    LO: lo,
    LK: lk,
    DGID: dgid,
    T_HOLD: hold,
    BTH_DGID: "0",
    BTH_TOUT: "0",
    BTH_TCORR: "0",
  });
  deepEqual(messages, [
    linked(
      1,
      "GW1ABC",
      "192.0.2.1",
      42000,
      "5",
      "2024-05-01 12:00:00",
      "0",
      "0",
      "50",
      "0",
    ),
    linked(
      2,
      "GW2XYZ",
      "192.0.2.1",
      42001,
      "4",
      "2024-05-01 12:00:01",
      "1",
      "0",
      "50",
      "0",
    ),
    linked(
      3,
      "GW3-09",
      "2001:db8::1",
      42002,
      "4",
      "2024-05-01 12:00:01",
      "0",
      "0",
      "09",
      "-1",
    ),
    linked(
      4,
      "GW4ABC",
      "192.0.2.1",
      42003,
      "4",
      "2024-05-01 12:00:01",
      "1",
      "1",
      "50",
      "0",
    ),
    { total_linked: "4" },
    { blk_time: "1", call: "M0XYZ", BR: "RCT", TR: "2024-05-01 12:10:02" },
    { total_blk_time: "1" },
  ]);
  const idle = new Harness();
  deepEqual(toDumpMessages(idle.core.snapshot()), [
    { linked: "0" },
    { total_blk_time: "0" },
  ]);
});

Deno.test("toLogLines() writes G4KLX's lines for every event kind", () => {
  const h = new Harness({
    mode: "single-room",
    acl: new AccessControl({ blockList: ["M0BAD"], checkRe: 0 }),
  });
  h.time = T0;
  const a = h.link("GW1ABC", 42000);
  const b = h.link("GW2XYZ", 42001, "2001:db8::2");
  h.play(
    [frame({ fi: 0, source: "G4ABC" }), frame({ fi: 2, source: "G4ABC" })],
    a,
  );
  h.play([frame({ fi: 0, source: "", destination: "" })], b);
  h.advance(2000); // watchdog
  h.handle(frame({ fi: 0, source: "M0BAD" }), a);
  h.handle(new TextEncoder().encode("YSFUGW1ABC    "), a);
  h.advance(61_000); // GW2XYZ disappears
  const lines = h.events.flatMap((e) => toLogLines(e));
  deepEqual(lines, [
    "Adding GW1ABC     (192.0.2.1:42000)",
    "Adding GW2XYZ     ([2001:db8::2]:42001)",
    "Received data from G4ABC      to ALL        at GW1ABC    ",
    "Received end of transmission",
    "Received data from ?????????? to ?????????? at GW1ABC    ",
    "Network watchdog has expired",
    "Data from M0BAD      at GW1ABC     blocked",
    "Removing GW1ABC     (192.0.2.1:42000) unlinked",
    "Removing GW2XYZ     ([2001:db8::2]:42001) disappeared",
  ]);
});

Deno.test("toLogLines() with the pysf3 style writes pYSFReflector3's lines", () => {
  const { h, a, b } = rooms({ timeoutSeconds: 1, treactivateSeconds: 600 });
  const id = (n: number) => `<${monitorStreamId(n, SALT)}>`;
  const options = { style: "pysf3" as const, streamIdSalt: SALT };
  h.link("GW3-09", 42002);
  h.handle(frame({ fi: 0, dgid: 9 }), a); // room switch
  h.handle(frame({ fi: 0, dgid: 50, source: "G4ABC" }), b);
  h.handle(frame({ fi: 2, dgid: 50, source: "G4ABC" }), b);
  h.handle(frame({ fi: 0, dgid: 50, source: "TEST" }), b);
  h.time += 2000;
  h.handle(frame({ fi: 0, dgid: 50, source: "M0XYZ" }), b);
  h.time += 1100;
  h.handle(frame({ fi: 1, fn: 1, source: "M0XYZ" }), b); // TOT
  h.time = T0 + 603_200;
  h.core.tick(); // the block ends
  const lines = h.events.flatMap((e) => toLogLines(e, options));
  const [s1, s2] = h.eventsOf("stream-start").map((e) => e.stream.id);
  const fich =
    "FICH-Data: CS:2 | CM:0 | FT:6 | Dev:False | MR:0 | VoIP:True | DT:2 | SQL:False | SQC:50";
  deepEqual(lines, [
    "Static DG-ID (9) via port or gw name",
    "Adding GW3-09     (192.0.2.1:42002) DG-ID 9",
    "Changed DG-ID for GW1ABC from 50 to 9",
    `${
      id(s1)
    } Received data from G4ABC      to ALL        at GW1ABC     ${fich}`,
    `${
      id(s1)
    } Additional information dst:ALL        src:G4ABC      uplink:G4ABC      downlink:          `,
    `${id(s1)} Received end of transmission coords: 999.000000, 999.000000`,
    "Data from TEST       at GW1ABC     blocked/CS",
    `${
      id(s2)
    } Received data from M0XYZ      to ALL        at GW1ABC     ${fich}`,
    `${
      id(s2)
    } Additional information dst:ALL        src:M0XYZ      uplink:M0XYZ      downlink:          `,
    "Timeout M0XYZ",
    "Appended scheduled job: M0XYZ/RC at time 2024-05-01 12:10:03",
    "Removing GW1ABC     (192.0.2.1:42000) disappeared",
    "Removing GW2XYZ     (192.0.2.1:42001) disappeared",
    "Removing GW3-09     (192.0.2.1:42002) disappeared",
    "Removed from temporary blockeds queue M0XYZ",
  ]);
  deepEqual(
    toLogLines(
      {
        type: "temp-block-added",
        block: {
          callsign: "G4ABC",
          reason: "wild-ptt",
          since: T0,
          until: T0 + 900_000,
        },
      },
      options,
    ),
    [
      "Wild-PTT G4ABC",
      "Appended scheduled job: G4ABC/RC at time 2024-05-01 12:15:00",
    ],
  );
  deepEqual(
    toLogLines(
      {
        type: "stream-end",
        stream: stream(),
        reason: "watchdog",
        endedAt: T0,
        durationMs: 0,
        frames: 1,
      },
      options,
    ),
    [`${id(3)} Network watchdog has expired coords: 999.000000, 999.000000`],
  );
  deepEqual(
    toLogLines({
      type: "room-changed",
      client,
      from: 9,
      to: 50,
      reason: "back-to-home",
    }, options),
    ["GW1ABC Back to Home at DG-ID 50"],
  );
  deepEqual(
    toLogLines({
      type: "room-changed",
      client,
      from: 50,
      to: 9,
      reason: "options",
    }, options),
    ["Static DG-ID (9) via Options for GW1ABC"],
  );
  // G4KLX style has no room or temporary-block lines.
  deepEqual(
    toLogLines({
      type: "room-changed",
      client,
      from: 50,
      to: 9,
      reason: "radio",
    }),
    [],
  );
});

Deno.test("toDumpLogLines() writes the 120 s linked-list dump at dg9vh's columns", () => {
  const h = new Harness({
    dgidList: [9, 50],
    defaultDgid: 50,
    acl: new AccessControl({ deny: parseDenyFile("GW:GW2XYZ\n") }),
  });
  h.time = T0;
  h.link("GW1ABC", 42000);
  h.link("GW2XYZ", 42001, "192.0.2.22");
  h.time = T0 + 7900;
  const snapshot = h.core.snapshot();
  const g4klx = toDumpLogLines(snapshot);
  deepEqual(g4klx, [
    "Currently linked repeaters/gateways:",
    "    GW1ABC    : 192.0.2.1:42000 7/60",
    "    GW2XYZ    : 192.0.2.22:42001 7/60",
  ]);
  // dg9vh: the callsign at column 31 of the full line, 10 wide.
  const line = formatLogLine(g4klx[1], T0);
  equal(line.substring(31, 41), "GW1ABC    ");
  equal(line.substring(27, 30), "   ");
  deepEqual(toDumpLogLines(snapshot, { style: "pysf3" }), [
    "Currently linked repeaters/gateways:",
    "     GW1ABC    :        192.0.2.1:42000  7/60 : 2024-05-01 12:00:00 50  0  0      0      0",
    "     GW2XYZ    :       192.0.2.22:42001  7/60 : 2024-05-01 12:00:00 50  0  0      0      0",
    "Currently muted repeaters/gateways:",
    "     GW2XYZ    : 192.0.2.22:42001 7/60",
  ]);
  deepEqual(toDumpLogLines(new Harness().core.snapshot()), [
    "No repeaters/gateways linked",
  ]);
});

Deno.test("formatLogLine() prefixes M: and UTC time and neutralises control characters", () => {
  equal(
    formatLogLine("Received end of transmission", T0 + 7),
    "M: 2024-05-01 12:00:00.007 Received end of transmission",
  );
  equal(
    formatLogLine("Adding EVIL\nM: 2024-01-01 00:00:00.000 Removing", T0),
    "M: 2024-05-01 12:00:00.000 Adding EVIL<10>M: 2024-01-01 00:00:00.000 Removing",
  );
  equal(
    formatLogLine("caf\u00e9\r", T0),
    "M: 2024-05-01 12:00:00.000 caf<233><13>",
  );
  equal(formatLogLine("x", T0, "E"), "E: 2024-05-01 12:00:00.000 x");
  match(startLogText("1.0.0"), /Starting YSFReflector/);
});
