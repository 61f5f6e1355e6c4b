import { deepEqual, equal } from "node:assert/strict";
import { buildPoll } from "../../lib/ysf/mod.ts";
import {
  AccessControl,
  type AccessControlOptions,
  parseBlockList,
  parseDenyFile,
} from "../../lib/ysf/reflector/mod.ts";
import { frame, Harness } from "./_reflector_harness.ts";
import { hex, pysf3Samples } from "./_vectors.ts";

function withAcl(acl: AccessControlOptions, options = {}) {
  const h = new Harness({
    dgidList: [50],
    defaultDgid: 50,
    prefix: false,
    wildPttCount: 0,
    acl: new AccessControl(acl),
    ...options,
  });
  return h;
}

Deno.test("YsfReflectorCore.handle() blocks Wires-X data frames (DT)", () => {
  const h = withAcl({});
  const a = h.link("GWA", 1);
  const b = h.link("GWB", 2);
  equal(h.handle(frame({ fi: 0, dt: 1, ft: 1 }), a), "blocked");
  equal(h.eventsOf("blocked")[0].reason, "DT");
  h.time = 2000;
  equal(
    h.handle(frame({ fi: 0, dt: 1, ft: 3 }), a),
    "accepted",
    "other data frames pass",
  );
  equal(h.dataTo(b).length, 1);
});

Deno.test("YsfReflectorCore.handle() lets GW / IP gateways listen but not talk", () => {
  const h = withAcl({ deny: parseDenyFile("GW:GW-LO\nIP:2001:db8::5\n") });
  const talker = h.link("GWT", 1);
  const byName = h.link("GW-LO", 2);
  const byIp = h.link("GWX", 3, "2001:DB8:0:0::5");
  h.clear();
  equal(h.handle(frame({ fi: 0 }), byName), "blocked");
  equal(h.handle(frame({ fi: 0 }), byIp), "blocked");
  deepEqual(h.eventsOf("blocked").map((e) => e.reason), ["GW", "IP"]);
  equal(h.handle(frame({ fi: 0, source: "M0XYZ" }), talker), "accepted");
  equal(h.dataTo(byName).length, 1, "listen-only still hears");
  equal(h.dataTo(byIp).length, 1);
  deepEqual(h.core.snapshot().clients.map((c) => c.access), [
    "full",
    "listen-only",
    "listen-only",
  ]);
});

Deno.test("YsfReflectorCore.handle() locks GWB / IPB gateways: no talk, no hearing, still linked", () => {
  const h = withAcl({ deny: parseDenyFile("GWB:GW-LK\nIPB:198.51.100.9\n") });
  const talker = h.link("GWT", 1);
  const byName = h.link("GW-LK", 2);
  const byIp = h.link("GWX", 3, "198.51.100.9");
  h.clear();
  equal(h.handle(frame({ fi: 0 }), byName), "blocked");
  equal(h.handle(frame({ fi: 0 }), byIp), "blocked");
  deepEqual(h.eventsOf("blocked").map((e) => e.reason), ["GW", "IP"]);
  equal(h.handle(frame({ fi: 0, source: "M0XYZ" }), talker), "accepted");
  equal(h.dataTo(byName).length + h.dataTo(byIp).length, 0);
  // Still linked: polls answered, keep-alives sent.
  equal(h.handle(buildPoll("GW-LK"), byName), "accepted");
  h.advance(5000);
  equal(
    h.sent.filter((s) => s.to.port === 3 && s.data.length === 14).length,
    1,
  );
});

Deno.test("YsfReflectorCore.handle() blocks a radio serial in radio-ID call mode (SN)", () => {
  const h = withAcl({ deny: parseDenyFile("SN:FAHuL\n") });
  const a = h.link("GWA", 1);
  equal(
    h.handle(frame({ fi: 0, cm: 1, csdDestination: "90123FAHuL" }), a),
    "blocked",
  );
  equal(h.eventsOf("blocked")[0].reason, "SN");
  h.time = 2000;
  equal(
    h.handle(frame({ fi: 0, cm: 1, csdDestination: "90123FAHuM" }), a),
    "accepted",
  );
  h.handle(frame({ fi: 2 }), a);
  h.time = 4000;
  equal(
    h.handle(frame({ fi: 0, cm: 0, csdDestination: "90123FAHuL" }), a),
    "accepted",
    "only in radio-ID mode",
  );
});

Deno.test("YsfReflectorCore.handle() checks callsigns: blacklist, suffix, CheckRE, whitelist (CS)", () => {
  const h = withAcl({
    deny: parseDenyFile("CS:M0BAD\nSB:RPT\nAL:TEST\n"),
    checkRe: 1,
  });
  const peers = [1, 2, 3, 4, 5, 6].map((p) => h.link(`GW${p}`, p));
  equal(h.handle(frame({ fi: 0, source: "M0BAD-7" }), peers[0]), "blocked");
  equal(h.handle(frame({ fi: 0, source: "G4ABC-RPT" }), peers[1]), "blocked");
  equal(h.handle(frame({ fi: 0, source: "NOCALL" }), peers[2]), "blocked");
  equal(h.handle(frame({ fi: 0, source: "" }), peers[3]), "blocked");
  deepEqual(h.eventsOf("blocked").map((e) => [e.reason, e.source]), [
    ["CS", "M0BAD-7"],
    ["CS", "G4ABC-RPT"],
    ["CS", "NOCALL"],
    ["CS", ""],
  ]);
  equal(
    h.handle(frame({ fi: 0, source: "TEST" }), peers[4]),
    "accepted",
    "whitelisted",
  );
  equal(h.core.counters.blockedStreams.CS, 4);
});

Deno.test("YsfReflectorCore.handle() keeps a rejected gateway rejected until 1.5 s of silence", () => {
  const h = withAcl({ deny: parseDenyFile("CS:M0BAD\n") });
  const a = h.link("GWA", 1);
  const b = h.link("GWB", 2);
  equal(h.handle(frame({ fi: 0, source: "M0BAD" }), a), "blocked");
  for (let t = 100; t <= 1000; t += 100) {
    h.time = t;
    equal(h.handle(frame({ fi: 1, fn: 3, source: "M0BAD" }), a), "blocked");
  }
  // Even a new header with an allowed talker, within 1.5 s.
  h.time = 1400;
  equal(h.handle(frame({ fi: 0, source: "G4ABC" }), a), "blocked");
  equal(h.eventsOf("blocked").length, 1, "one event per rejected transmission");
  h.time = 2900;
  equal(h.handle(frame({ fi: 0, source: "G4ABC" }), a), "accepted");
  equal(h.dataTo(b).length, 1);
  equal(h.core.counters.drops.blocked, 12);
  equal(h.core.counters.blockedStreams.CS, 1);
});

Deno.test("YsfReflectorCore.handle() blocks talkers matching the G4KLX block list (substring)", () => {
  const h = withAcl({ blockList: parseBlockList("m0xyz\n4AB\n"), checkRe: 0 });
  const a = h.link("GWA", 1);
  const b = h.link("GWB", 2);
  equal(h.handle(frame({ fi: 0, source: "M0XYZ-7" }), a), "blocked");
  h.time = 2000;
  equal(h.handle(frame({ fi: 0, source: "G4ABC" }), a), "blocked");
  h.time = 4000;
  equal(h.handle(frame({ fi: 0, source: "G4XYZ" }), a), "accepted");
  equal(h.dataTo(b).length, 1);
});

Deno.test("YsfReflectorCore.handle() in single-room mode applies the block list, also to late-entry talkers", () => {
  const h = new Harness({
    mode: "single-room",
    acl: new AccessControl({ blockList: ["M0XYZ"], checkRe: 0 }),
  });
  const a = h.link("GWA", 1);
  const b = h.link("GWB", 2);
  equal(h.handle(frame({ fi: 0, source: "M0XYZ" }), a), "blocked");
  h.time = 2000;
  // Late entry: the talker is blank first (relayed), then known and blocked.
  equal(h.handle(frame({ fi: 1, source: "" }), a), "accepted");
  equal(h.handle(frame({ fi: 1, source: "M0XYZ" }), a), "blocked");
  equal(h.handle(frame({ fi: 1, source: "M0XYZ" }), a), "blocked");
  equal(h.dataTo(b).length, 1);
  deepEqual(h.eventsOf("stream-end").map((e) => e.reason), ["blocked"]);
});

Deno.test("YsfReflectorCore.handle() refuses blocked links only with refuseBlockedLinks", () => {
  const deny = parseDenyFile("GWB:GW-LK\nIPB:198.51.100.9\nGW:GW-LO\n");
  const acl = { deny, blockList: ["M0XYZ"] };
  const off = withAcl(acl);
  off.link("GW-LK", 1);
  off.link("M0XYZ-HS", 2);
  equal(
    off.core.sizes.clients,
    2,
    "linked by default (G4KLX and pYSF3 behaviour)",
  );
  const on = withAcl(acl, { refuseBlockedLinks: true });
  equal(
    on.handle(buildPoll("GW-LK"), { address: "192.0.2.1", port: 1 }),
    "refused_blocked",
  );
  equal(
    on.handle(buildPoll("GWX"), { address: "198.51.100.9", port: 1 }),
    "refused_blocked",
  );
  equal(
    on.handle(buildPoll("M0XYZ-HS"), { address: "192.0.2.1", port: 2 }),
    "refused_blocked",
  );
  equal(on.sent.length, 0, "no reply");
  equal(on.core.sizes.clients, 0);
  on.link("GW-LO", 3); // listen-only gateways still link
  equal(on.core.counters.drops.refused_blocked, 3);
});

Deno.test("YsfReflectorCore.handle() blocks the serial of a header captured from pYSFReflector3", () => {
  const h = withAcl({ deny: parseDenyFile("SN:FAHuL\n") });
  const a = h.link("IU5JAE", 1);
  equal(h.handle(hex(pysf3Samples[2].ysfd155_hex), a), "blocked");
  deepEqual(h.eventsOf("blocked").map((e) => [e.reason, e.source]), [[
    "SN",
    "IU5JAE",
  ]]);
});
