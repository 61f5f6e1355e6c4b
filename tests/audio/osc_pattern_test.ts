import { equal } from "node:assert/strict";
import {
  isAddressPattern,
  matchAddressPattern,
} from "../../lib/audio/osc/address_pattern.ts";

Deno.test("matchAddressPattern() implements OSC 1.0 wildcards per part", () => {
  const cases: [string, string, boolean][] = [
    ["/mod/sine/freq", "/mod/sine/freq", true],
    ["/mod/sine/freq", "/mod/sine/fre", false],
    ["/mod/?ine/freq", "/mod/sine/freq", true],
    ["/mod/*/freq", "/mod/voice12/freq", true],
    ["/mod/*", "/mod/voice1/freq", false],
    ["/mod/*e*", "/mod/sine", true],
    ["/mod/*", "/mod/", true],
    ["/mod/voice[1-3]", "/mod/voice2", true],
    ["/mod/voice[1-3]", "/mod/voice4", false],
    ["/mod/voice[!1-3]", "/mod/voice4", true],
    ["/mod/voice[!1-3]", "/mod/voice1", false],
    ["/mod/voice[-x]", "/mod/voice-", true],
    ["/{mod,gate}/adsr", "/gate/adsr", true],
    ["/{mod,gate}/adsr", "/patch/adsr", false],
    ["/n_{set,free}", "/n_free", true],
    ["/{a,ab}c", "/abc", true],
    ["/mod/[abc", "/mod/a", false],
    ["/mod/{a,b", "/mod/a", false],
    ["/mod/a]", "/mod/a]", false],
    ["/x/*a*a*a*a*a*a*a*a*b", "/x/" + "a".repeat(200), false],
  ];
  for (const [pattern, address, expected] of cases) {
    equal(
      matchAddressPattern(pattern, address),
      expected,
      `${pattern} ${address}`,
    );
  }
});

Deno.test("matchAddressPattern() stays fast on adversarial patterns", () => {
  const pattern = "/" + "*a".repeat(2000) + "b";
  const address = "/" + "a".repeat(4000);
  const start = performance.now();
  equal(matchAddressPattern(pattern, address), false);
  // Backtracking would take forever; the position-set simulation is O(n*m).
  const ms = performance.now() - start;
  equal(ms < 20_000, true, `took ${ms} ms`);
});

Deno.test("isAddressPattern() finds pattern characters", () => {
  equal(isAddressPattern("/mod/sine/freq"), false);
  for (const p of ["/a?", "/a*", "/[ab]", "/{a,b}"]) {
    equal(isAddressPattern(p), true, p);
  }
});
