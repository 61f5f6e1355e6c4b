import { equal, throws } from "node:assert/strict";
import { statusId, statusIdHash } from "../../lib/ysf/status_id.ts";
import { noVectors, vectors } from "./_vectors.ts";

Deno.test({
  name: "statusId() matches every status id of the shared vectors",
  ignore: noVectors,
  fn() {
    for (const v of vectors!.status_id) {
      equal(statusId(v.name, v.configured_id), v.id, v.name);
    }
  },
});

Deno.test("statusIdHash() gives the ids measured on G4KLX and pYSF3", () => {
  equal(statusIdHash("PEER G4KLX"), 94296);
  equal(statusIdHash("PEER PYSF3"), 95059);
  equal(statusIdHash("PEER DVREFL"), 39512);
  equal(statusIdHash("DE Germany"), 62829);
});

Deno.test("statusIdHash() hashes the name padded or truncated to 16 characters", () => {
  equal(statusIdHash("DE Germany"), statusIdHash("DE Germany      "));
  equal(statusIdHash("ABCDEFGHIJKLMNOP"), statusIdHash("ABCDEFGHIJKLMNOPQRS"));
  equal(statusIdHash("") === statusIdHash("A"), false);
});

Deno.test("statusIdHash() is the one-at-a-time hash in 32-bit unsigned arithmetic", () => {
  // Written with BigInt to check the 32-bit wrap-around independently.
  function reference(name: string): number {
    const M = 0xffffffffn;
    let h = 0n;
    for (const c of name.padEnd(16).slice(0, 16)) {
      h = (h + BigInt(c.charCodeAt(0))) & M;
      h = (h + (h << 10n)) & M;
      h = (h ^ (h >> 6n)) & M;
    }
    h = (h + (h << 3n)) & M;
    h = (h ^ (h >> 11n)) & M;
    h = (h + (h << 15n)) & M;
    return Number(h % 100000n);
  }
  for (
    const name of [
      "~~~~~~~~~~~~~~~~",
      "YSF Italy",
      "zzzz",
      "0",
      "US Nationwide",
    ]
  ) {
    equal(statusIdHash(name), reference(name), name);
  }
});

Deno.test("statusId() uses a configured id modulo 100000, zero-padded", () => {
  equal(statusId("anything", 12345), "12345");
  equal(statusId("anything", 42), "00042");
  equal(statusId("anything", 123456), "23456");
  equal(statusId("PEER G4KLX", 0), "94296");
  throws(() => statusId("x", -1), RangeError);
  throws(() => statusId("x", 1.5), RangeError);
});
