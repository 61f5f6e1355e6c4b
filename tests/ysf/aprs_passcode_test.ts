import { equal } from "node:assert/strict";
import fc from "fast-check";
import { aprsPasscode } from "../../lib/ysf/aprs/mod.ts";

Deno.test("aprsPasscode() gives the well-known 13023 for N0CALL", () => {
  equal(aprsPasscode("N0CALL"), 13023);
});

Deno.test("aprsPasscode() matches aprslib's passcode() on reflector logins", () => {
  // computed with aprslib's algorithm (aprslib/passcode.py) under Python 3
  const answers: [string, number][] = [
    ["YSF90123", 28298],
    ["YSF04296", 24965],
    ["YSF999999", 21896],
    ["IU5JAE-10", 20152],
    ["w1aw", 25988],
    ["", 29666],
  ];
  for (const [call, code] of answers) equal(aprsPasscode(call), code, call);
});

Deno.test("aprsPasscode() ignores the SSID and the case, and stays in 15 bits", () => {
  fc.assert(
    fc.property(
      fc.stringMatching(/^[A-Za-z0-9]{1,9}$/),
      fc.integer({ min: 0, max: 15 }),
      (call, ssid) => {
        const code = aprsPasscode(call);
        equal(aprsPasscode(`${call.toLowerCase()}-${ssid}`), code);
        equal(Number.isInteger(code) && code >= 0 && code <= 0x7fff, true);
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});
