import { deepEqual, equal, throws } from "node:assert/strict";
import fc from "fast-check";
import {
  buildData,
  buildInfo,
  buildOptions,
  buildPoll,
  buildStatusQuery,
  buildStatusReply,
  buildUnlink,
  buildVersionQuery,
  buildVersionReply,
  PacketLength,
  parsePacket,
  parseStatusReply,
  REFLECTOR_CALLSIGN,
  statusId,
} from "../../lib/ysf/mod.ts";
import { hex, noVectors, vectors } from "./_vectors.ts";

const ascii = (text: string) => new TextEncoder().encode(text);
const str = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Printable ASCII without leading/trailing spaces, at most `max` long. */
function field(max: number): fc.Arbitrary<string> {
  return fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) =>
      String.fromCharCode(c)
    ),
    maxLength: max,
  }).map((s) => s.trim());
}

Deno.test({
  name: "parsePacket() reads the YSFD packets of the shared vectors",
  ignore: noVectors,
  fn() {
    const counters: number[] = [];
    for (const v of vectors!.packets) {
      const packet = hex(v.ysfd155_hex);
      const parsed = parsePacket(packet);
      if (parsed.type !== "data") {
        throw new Error(`Expected data, found ${parsed.type}`);
      }
      equal(parsed.gateway, "GW1ABC");
      equal(parsed.source, "G4ABC");
      equal(parsed.destination, "ALL");
      equal(parsed.frame.length, 120);
      equal(parsed.frame.buffer, packet.buffer, "frame is a view");
      equal(parsed.frame[0], 0xd4);
      counters.push(parsed.counter * 2 + (parsed.end ? 1 : 0));
      const rebuilt = buildData(parsed);
      deepEqual(rebuilt, packet);
    }
    deepEqual(counters, [0, 2, 4, 7]);
  },
});

Deno.test("parsePacket() reads polls, unlinks and the reflector's poll reply", () => {
  deepEqual(parsePacket(ascii("YSFPG4ABC     ")), {
    type: "poll",
    callsign: "G4ABC",
  });
  deepEqual(parsePacket(ascii("YSFPREFLECTOR ")), {
    type: "poll",
    callsign: "REFLECTOR",
  });
  deepEqual(parsePacket(ascii("YSFUG4ABC     ")), {
    type: "unlink",
    callsign: "G4ABC",
  });
  equal(str(buildPoll(REFLECTOR_CALLSIGN)), "YSFPREFLECTOR ");
  equal(str(buildPoll("G4ABC-LONGER")), "YSFPG4ABC-LONG");
  equal(str(buildUnlink("G4ABC")), "YSFUG4ABC     ");
  // Trailing bytes after the layout are ignored.
  deepEqual(parsePacket(ascii("YSFPG4ABC     \0")), {
    type: "poll",
    callsign: "G4ABC",
  });
});

Deno.test("parsePacket() sanitises non-printable bytes in text fields to spaces and trims", () => {
  const data = ascii("YSFPG4\x01BC\x00\x00\x00\x00\x00");
  deepEqual(parsePacket(data), { type: "poll", callsign: "G4 BC" });
  const high = ascii("YSFPxxxxxxxxxx");
  high[5] = 0xc3;
  deepEqual(parsePacket(high), { type: "poll", callsign: "x xxxxxxxx" });
});

Deno.test("parsePacket() reads the YSFD counter/end byte", () => {
  const packet = buildData({
    gateway: "GW",
    source: "S",
    destination: "ALL",
    counter: 127,
    end: true,
    frame: new Uint8Array(120),
  });
  equal(packet[34], 0xff);
  const parsed = parsePacket(packet);
  equal(parsed.type === "data" && parsed.counter, 127);
  equal(parsed.type === "data" && parsed.end, true);
});

Deno.test("parsePacket() requires YSFD to be exactly 155 bytes", () => {
  const packet = buildData({
    gateway: "GW",
    source: "S",
    destination: "ALL",
    counter: 0,
    end: false,
    frame: new Uint8Array(120),
  });
  const short = parsePacket(packet.subarray(0, 100));
  deepEqual(short.type === "invalid" && [short.reason, short.tag], [
    "too_short",
    "YSFD",
  ]);
  const long = new Uint8Array(160);
  long.set(packet);
  const parsedLong = parsePacket(long);
  deepEqual(
    parsedLong.type === "invalid" && [parsedLong.reason, parsedLong.tag],
    ["too_long", "YSFD"],
  );
  equal(
    parsedLong.type === "invalid" && parsedLong.detail,
    "Expected 155 bytes for YSFD, found 160",
  );
});

Deno.test("parsePacket() rejects every valid packet truncated below its layout", () => {
  const packets = [
    buildPoll("G4ABC"),
    buildUnlink("G4ABC"),
    buildData({
      gateway: "GW",
      source: "S",
      destination: "ALL",
      counter: 1,
      end: false,
      frame: new Uint8Array(120),
    }),
    buildOptions("G4ABC", "9"),
    buildInfo({
      callsign: "G4ABC",
      rxFrequency: 1,
      txFrequency: 2,
      locator: "IO91",
      name: "n",
      hotspotType: "MMDVM",
      radioId: "1",
    }),
  ];
  const minimum = [14, 14, 155, 14, 80];
  packets.forEach((packet, i) => {
    for (let length = 0; length < minimum[i]; length++) {
      const parsed = parsePacket(packet.subarray(0, length));
      equal(
        parsed.type,
        "invalid",
        `${str(packet.subarray(0, 4))} at ${length}`,
      );
      if (parsed.type === "invalid") {
        equal(parsed.reason, length < 4 ? "runt" : "too_short");
      }
    }
    equal(
      parsePacket(packet.subarray(0, minimum[i])).type === "invalid",
      false,
    );
  });
});

Deno.test("parsePacket() tells status queries from 42-byte status replies", () => {
  deepEqual(parsePacket(buildStatusQuery()), { type: "statusQuery" });
  deepEqual(parsePacket(ascii("YSFS0123456789")), { type: "statusQuery" });
  const reply = buildStatusReply({
    id: statusId("PEER G4KLX"),
    name: "PEER G4KLX",
    description: "Loopback test",
    count: 0,
  });
  equal(str(reply), "YSFS94296PEER G4KLX      Loopback test 000");
  equal(reply.length, 42);
  deepEqual(parsePacket(reply), {
    type: "statusReply",
    id: "94296",
    name: "PEER G4KLX",
    description: "Loopback test",
    count: 0,
  });
});

Deno.test("buildStatusReply() caps the count at 999, pads the id and truncates texts", () => {
  const reply = buildStatusReply({
    id: 42,
    name: "A name longer than sixteen",
    description: "A description too long",
    count: 5000,
  });
  equal(str(reply), "YSFS00042A name longer thA description 999");
  throws(
    () => buildStatusReply({ id: 100000, name: "", description: "", count: 0 }),
    RangeError,
  );
  throws(
    () =>
      buildStatusReply({ id: "12a45", name: "", description: "", count: 0 }),
    RangeError,
  );
  throws(
    () => buildStatusReply({ id: 1, name: "", description: "", count: -1 }),
    RangeError,
  );
  throws(
    () =>
      buildStatusReply({ id: 1, name: "Zürich", description: "", count: 1 }),
    RangeError,
  );
});

Deno.test("parseStatusReply() checks tag, length and digits", () => {
  const ok = ascii("YSFS62829DE Germany      Hotspots      123");
  deepEqual(parseStatusReply(ok), {
    type: "statusReply",
    id: "62829",
    name: "DE Germany",
    description: "Hotspots",
    count: 123,
  });
  const badId = ok.slice();
  badId[6] = 0x41;
  const parsedBadId = parseStatusReply(badId);
  equal(parsedBadId.type === "invalid" && parsedBadId.reason, "bad_field");
  const parsedShort = parseStatusReply(ok.subarray(0, 41));
  equal(parsedShort.type === "invalid" && parsedShort.reason, "too_short");
  const parsedTag = parseStatusReply(
    ascii("YSFP62829DE Germany      Hotspots      123"),
  );
  equal(parsedTag.type === "invalid" && parsedTag.reason, "unknown_tag");
  const parsedRunt = parseStatusReply(ascii("YS"));
  equal(parsedRunt.type === "invalid" && parsedRunt.reason, "runt");
});

Deno.test("parsePacket() reads YSFO options, also from datagrams shorter than 50 bytes", () => {
  const full = buildOptions("G4ABC", "10;20;");
  equal(full.length, 50);
  deepEqual(parsePacket(full), {
    type: "options",
    callsign: "G4ABC",
    options: "10;20;",
  });
  deepEqual(parsePacket(ascii("YSFOG4ABC     9")), {
    type: "options",
    callsign: "G4ABC",
    options: "9",
  });
  deepEqual(parsePacket(ascii("YSFOG4ABC     ")), {
    type: "options",
    callsign: "G4ABC",
    options: "",
  });
});

Deno.test("parsePacket() reads YSFI info fields", () => {
  const packet = buildInfo({
    callsign: "G4ABC",
    rxFrequency: 430_012_500,
    txFrequency: 439_812_500,
    locator: "IO91wm",
    name: "London",
    hotspotType: "MMDVM",
    radioId: "2345678",
  });
  equal(packet.length, 80);
  equal(
    str(packet),
    "YSFIG4ABC     430012500439812500IO91wmLondon              MMDVM       2345678   ",
  );
  deepEqual(parsePacket(packet), {
    type: "info",
    callsign: "G4ABC",
    rxFrequency: 430_012_500,
    txFrequency: 439_812_500,
    locator: "IO91wm",
    name: "London",
    hotspotType: "MMDVM",
    radioId: "2345678",
  });
  const junk = packet.slice();
  junk[14] = 0x20;
  const parsed = parsePacket(junk);
  equal(parsed.type === "info" && parsed.rxFrequency, undefined);
  throws(() =>
    buildInfo({
      callsign: "G4ABC",
      rxFrequency: 1e9,
      txFrequency: 0,
      locator: "",
      name: "",
      hotspotType: "",
      radioId: "",
    }), RangeError);
});

Deno.test("parsePacket() tells version queries from version replies", () => {
  deepEqual(parsePacket(buildVersionQuery()), { type: "versionQuery" });
  deepEqual(parsePacket(ascii("YSFVpYSFReflector 20260414")), {
    type: "versionReply",
    version: "pYSFReflector 20260414",
  });
  equal(buildVersionReply("pYSFReflector 20260414").length, 26);
  throws(() => buildVersionReply(""), RangeError);
  throws(() => buildVersionReply("x".repeat(201)), RangeError);
});

Deno.test("parsePacket() rejects runts and unknown tags with fixed reasons", () => {
  for (
    const [data, reason] of [
      [new Uint8Array(0), "runt"],
      [ascii("YSF"), "runt"],
      [ascii("YSFX"), "unknown_tag"],
      [ascii("XSFD"), "unknown_tag"],
      [ascii("YSFL G4ABC    "), "unknown_tag"],
      [ascii("YSFACK"), "unknown_tag"],
    ] as const
  ) {
    const parsed = parsePacket(data);
    equal(parsed.type === "invalid" && parsed.reason, reason, str(data));
    equal(parsed.type === "invalid" && parsed.tag, undefined);
  }
  const nonPrintable = parsePacket(new Uint8Array([0x59, 0x53, 0x46, 0x00]));
  equal(
    nonPrintable.type === "invalid" && nonPrintable.detail,
    "Expected a known YSF tag, found YSF\\x00",
  );
});

Deno.test("buildData() validates its fields", () => {
  const base = {
    gateway: "GW",
    source: "S",
    destination: "ALL",
    counter: 0,
    end: false,
    frame: new Uint8Array(120),
  };
  throws(() => buildData({ ...base, counter: 128 }), RangeError);
  throws(() => buildData({ ...base, frame: new Uint8Array(119) }), RangeError);
  throws(() => buildData({ ...base, source: "G4\nABC" }), RangeError);
  throws(() => buildData(base, new Uint8Array(154)), RangeError);
  const out = new Uint8Array(PacketLength.Data);
  equal(buildData(base, out), out);
});

Deno.test("build*() then parsePacket() round-trips random packets", () => {
  const frame = fc.uint8Array({ minLength: 120, maxLength: 120 });
  const packet = fc.oneof(
    field(10).map((callsign) => ({
      build: buildPoll(callsign),
      expect: { type: "poll", callsign },
    })),
    field(10).map((callsign) => ({
      build: buildUnlink(callsign),
      expect: { type: "unlink", callsign },
    })),
    fc.record({
      gateway: field(10),
      source: field(10),
      destination: field(10),
      counter: fc.integer({ min: 0, max: 127 }),
      end: fc.boolean(),
      frame,
    }).map((f) => ({ build: buildData(f), expect: { type: "data", ...f } })),
    fc.record({
      id: fc.integer({ min: 0, max: 99999 }),
      name: field(16),
      description: field(14),
      count: fc.integer({ min: 0, max: 999 }),
    }).map((f) => ({
      build: buildStatusReply(f),
      expect: { type: "statusReply", ...f, id: String(f.id).padStart(5, "0") },
    })),
    fc.tuple(field(10), field(36)).map(([callsign, options]) => ({
      build: buildOptions(callsign, options),
      expect: { type: "options", callsign, options },
    })),
    fc.record({
      callsign: field(10),
      rxFrequency: fc.integer({ min: 0, max: 999_999_999 }),
      txFrequency: fc.integer({ min: 0, max: 999_999_999 }),
      locator: field(6),
      name: field(20),
      hotspotType: field(12),
      radioId: field(7),
    }).map((f) => ({ build: buildInfo(f), expect: { type: "info", ...f } })),
    field(200).filter((v) => v.length > 0).map((version) => ({
      build: buildVersionReply(version),
      expect: { type: "versionReply", version },
    })),
  );
  fc.assert(
    fc.property(packet, ({ build, expect }) => {
      deepEqual(parsePacket(build), expect);
    }),
    { seed: 0x7a6, numRuns: 3000 },
  );
});
