import { deepEqual, equal, throws } from "node:assert/strict";
import {
  AccessControl,
  type CheckRe,
  isCallsign,
  isIpLiteral,
  MAX_RULE_FILE_WARNINGS,
  normalizeAddress,
  parseBlockList,
  parseDenyFile,
  splitCallsign,
} from "../../lib/ysf/reflector/mod.ts";

Deno.test("parseDenyFile() reads every line kind of pYSFReflector3's deny file", () => {
  const rules = parseDenyFile(
    [
      "# comment: ignored",
      "ABC", // 3 chars: ignored as pYSF3 does
      "IU0XXX",
      "CS:iz0yyy",
      "CS: G0ZZZ ",
      "AL:N0CALL",
      "SB:RPT",
      "SB:nd",
      "GW:LISTEN-GW",
      "GWB:LOCKED-GW",
      "IP:192.0.2.7",
      "IP:gw.example.org",
      "IPB:2001:DB8::9",
      "IPB:locked.example.org",
      "SN:FAHuL",
      "",
      "   ",
    ].join("\r\n"),
  );
  deepEqual(rules.blacklist, ["IU0XXX", "IZ0YYY", "G0ZZZ"]);
  deepEqual(rules.whitelist, ["N0CALL"]);
  deepEqual(rules.suffixes, ["RPT", "ND"]);
  deepEqual(rules.gateways, ["LISTEN-GW"]);
  deepEqual(rules.lockedGateways, ["LOCKED-GW"]);
  deepEqual(rules.addresses, ["192.0.2.7"]);
  deepEqual(rules.hosts, ["gw.example.org"]);
  deepEqual(rules.lockedAddresses, ["2001:db8::9"]);
  deepEqual(rules.lockedHosts, ["locked.example.org"]);
  deepEqual(rules.serials, ["FAHuL"]);
  deepEqual(rules.warnings, []);
});

Deno.test("parseDenyFile() reports the lines it ignores", () => {
  const rules = parseDenyFile(
    "TOOLONGCALL\nCS:AB\nSN:1234\nXX:FOO\nGWB:\nGW:A:B\nIP:not a host\nCS:G4ABC\n",
  );
  deepEqual(rules.warnings.map((w) => w.line), [1, 2, 3, 4, 5, 6, 7]);
  equal(
    rules.warnings[3].reason,
    "Expected one of CS, AL, SB, GW, GWB, IP, IPB, SN, found XX",
  );
  deepEqual(rules.blacklist, ["G4ABC"]);
});

Deno.test("parseDenyFile() caps its warnings", () => {
  const rules = parseDenyFile("XX:FOO\n".repeat(500));
  equal(rules.warnings.length, MAX_RULE_FILE_WARNINGS);
  equal(
    rules.warnings.at(-1)!.reason.endsWith("(and 400 more ignored lines)"),
    true,
  );
});

Deno.test("parseDenyFile() removes duplicates", () => {
  deepEqual(parseDenyFile("G4ABC\nCS:g4abc\nG4ABC\n").blacklist, ["G4ABC"]);
});

Deno.test("parseBlockList() reads G4KLX's BlockList.txt", () => {
  deepEqual(
    parseBlockList("g4abc\r\nM0XYZ\n\n  2E0AAA  \n# comment\nG4ABC\n"),
    [
      "G4ABC",
      "M0XYZ",
      "2E0AAA",
    ],
  );
  deepEqual(parseBlockList(""), []);
});

Deno.test("splitCallsign() splits like pYSFReflector3", () => {
  deepEqual(splitCallsign("G4ABC-7"), { base: "G4ABC", suffix: "7" });
  deepEqual(splitCallsign("G4ABC/P"), { base: "G4ABC", suffix: "P" });
  deepEqual(splitCallsign("G4ABC RPT"), { base: "G4ABC", suffix: "RPT" });
  deepEqual(splitCallsign(" g4abc "), { base: "G4ABC", suffix: undefined });
  deepEqual(splitCallsign(""), { base: "", suffix: undefined });
});

Deno.test("isCallsign() applies the CheckRE pattern", () => {
  for (
    const call of [
      "G4ABC",
      "IU5JAE",
      "2E0ABC",
      "K1A",
      "VK2ABC",
      "DL1ABCD".slice(0, 6),
    ]
  ) {
    equal(isCallsign(call), true, call);
  }
  for (
    const call of ["TEST", "ALL", "12345", "G4ABCDEF", "GGG4ABC", "G12345A", ""]
  ) {
    equal(isCallsign(call), false, call);
  }
  equal(isCallsign("g4abc"), true, "any case");
});

Deno.test("AccessControl.checkCallsign() follows CheckRE -1/0/1 with whitelist and blacklist", () => {
  const deny = parseDenyFile("CS:G4BAD\nAL:G4BAD\nAL:NOTACALL\nCS:M0BAD\n");
  // [source, checkRe 1, checkRe 0, checkRe -1]
  const table: [string, (string | undefined)[]][] = [
    ["G4BAD", [undefined, undefined, "CS"]], // on both lists
    ["NOTACALL", [undefined, undefined, undefined]], // whitelisted non-callsign
    ["M0BAD", ["CS", "CS", "CS"]], // blacklisted
    ["G4ABC", [undefined, undefined, "CS"]], // neither, looks like a call
    ["TEST", ["CS", undefined, "CS"]], // neither, not a call
  ];
  for (const [source, expected] of table) {
    ([1, 0, -1] as CheckRe[]).forEach((checkRe, i) => {
      equal(
        new AccessControl({ deny, checkRe }).checkCallsign(source),
        expected[i],
        `${source} with CheckRE ${checkRe}`,
      );
    });
  }
});

Deno.test("AccessControl.checkCallsign() checks suffixes and temporary blocks before CheckRE", () => {
  const acl = new AccessControl({
    deny: parseDenyFile("SB:RPT\nAL:G4ABC\n"),
    checkRe: 0,
  });
  equal(acl.checkCallsign("G4ABC-RPT"), "CS", "suffix beats the whitelist");
  equal(acl.checkCallsign("G4ABC", (base) => base === "G4ABC"), "TEMP");
  equal(acl.checkCallsign("G4ABC-7"), undefined);
});

Deno.test("AccessControl matches the G4KLX block list as a substring of the 10-char field", () => {
  const acl = new AccessControl({ blockList: ["4AB", "XYZ  "], checkRe: 0 });
  equal(acl.checkCallsign("G4ABC"), "CS");
  equal(acl.checkCallsign("M4ABZ"), "CS");
  equal(acl.checkCallsign("M0XYZ"), "CS");
  equal(acl.checkCallsign("G4AAC"), undefined);
  // The whitelist overrides it like the blacklist (CheckRE 0 / 1).
  const withWhite = new AccessControl({
    blockList: ["4AB"],
    deny: parseDenyFile("AL:G4ABC\n"),
    checkRe: 0,
  });
  equal(withWhite.checkCallsign("G4ABC"), undefined);
});

Deno.test("AccessControl.decide() applies the decision order DT, GW, IP, SN, CS", () => {
  const acl = new AccessControl({
    deny: parseDenyFile("GW:GW1\nIP:192.0.2.9\nSN:FAHuL\nCS:M0BAD\n"),
  });
  const base = {
    gateway: "GW1",
    address: "192.0.2.9",
    source: "M0BAD",
    serial: "FAHuL",
    dataType: 1,
    frameTotal: 2,
  };
  equal(acl.decide(base), "DT");
  equal(acl.decide({ ...base, dataType: 2 }), "GW");
  equal(acl.decide({ ...base, dataType: 2, gateway: "GW2" }), "IP");
  equal(
    acl.decide({ ...base, dataType: 2, gateway: "GW2", address: "192.0.2.1" }),
    "SN",
  );
  equal(
    acl.decide({
      ...base,
      dataType: 2,
      gateway: "GW2",
      address: "192.0.2.1",
      serial: "XXXXX",
    }),
    "CS",
  );
  equal(
    acl.decide({ gateway: "GW2", address: "192.0.2.1", source: "G4ABC" }),
    undefined,
  );
});

Deno.test("AccessControl uses resolved hostnames of IP / IPB lines", () => {
  const deny = parseDenyFile("IP:listen.example.org\nIPB:locked.example.org\n");
  const acl = new AccessControl({
    deny,
    resolvedHosts: new Map([
      ["listen.example.org", ["192.0.2.10"]],
      ["locked.example.org", ["2001:db8::10", "192.0.2.11"]],
    ]),
  });
  equal(acl.gatewayAccess("GW", "192.0.2.10"), "listen-only");
  equal(acl.gatewayAccess("GW", "::ffff:192.0.2.11"), "locked");
  equal(acl.gatewayAccess("GW", "2001:db8:0::10"), "locked");
  equal(
    new AccessControl({ deny }).gatewayAccess("GW", "192.0.2.10"),
    "full",
    "unresolved: ignored",
  );
  deepEqual(acl.counts(), {
    CS: 0,
    AL: 0,
    SB: 0,
    GW: 0,
    GWB: 0,
    IP: 1,
    IPB: 2,
    SN: 0,
    BlockList: 0,
  });
});

Deno.test("AccessControl compares gateway names case-insensitively", () => {
  const acl = new AccessControl({ deny: parseDenyFile("GWB:gw-lk\n") });
  equal(acl.gatewayAccess("GW-LK", "192.0.2.1"), "locked");
  equal(acl.refusesLink("Gw-Lk", "192.0.2.1"), true);
});

Deno.test("new AccessControl() rejects an unknown CheckRE", () => {
  throws(() => new AccessControl({ checkRe: 2 as CheckRe }), RangeError);
});

Deno.test("normalizeAddress() canonicalises IPv4, IPv6 and IPv4-mapped addresses", () => {
  equal(normalizeAddress("192.0.2.1"), "192.0.2.1");
  equal(normalizeAddress("::ffff:192.0.2.1"), "192.0.2.1");
  equal(normalizeAddress("::FFFF:c000:0201"), "192.0.2.1");
  equal(
    normalizeAddress("2001:0db8:0000:0000:0000:0000:0000:0001"),
    "2001:db8::1",
  );
  equal(normalizeAddress("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
  equal(normalizeAddress("::"), "::");
  equal(normalizeAddress("::1"), "::1");
  equal(normalizeAddress("fe80::1%eth0"), "fe80::1%eth0");
  equal(normalizeAddress("1:2:3:4:5:6:7:8"), "1:2:3:4:5:6:7:8");
  equal(normalizeAddress("Host.Example"), "host.example");
  equal(normalizeAddress("1::2::3"), "1::2::3", "invalid text is kept");
  equal(isIpLiteral("1::2::3"), false);
  equal(isIpLiteral("256.0.0.1"), false);
  equal(isIpLiteral("::ffff:192.0.2.1"), true);
});
