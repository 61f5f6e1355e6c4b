import { deepEqual, equal, ok, throws } from "node:assert/strict";
import fc from "fast-check";
import { backoffDelayMs } from "../../lib/ysf/aprs/mod.ts";

Deno.test("backoffDelayMs() doubles from 1 s and stops at 5 min", () => {
  const options = { initialMs: 1000, maxMs: 300_000, random: () => 0 };
  deepEqual(
    Array.from(
      { length: 11 },
      (_, attempt) => backoffDelayMs(attempt, options),
    ),
    [
      1000,
      2000,
      4000,
      8000,
      16_000,
      32_000,
      64_000,
      128_000,
      256_000,
      300_000,
      300_000,
    ],
  );
  equal(backoffDelayMs(10_000, options), 300_000);
});

Deno.test("backoffDelayMs() jitters within [half, full] of the delay", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 100 }),
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      (attempt, r) => {
        const full = Math.min(300_000, 1000 * 2 ** attempt);
        const delay = backoffDelayMs(attempt, {
          initialMs: 1000,
          maxMs: 300_000,
          random: () => r,
        });
        ok(delay >= full / 2 && delay <= full, `${attempt} ${r} ${delay}`);
      },
    ),
    { seed: 7, numRuns: 500 },
  );
});

Deno.test("backoffDelayMs() checks its arguments", () => {
  const options = { initialMs: 1000, maxMs: 300_000 };
  throws(() => backoffDelayMs(-1, options), RangeError);
  throws(() => backoffDelayMs(1.5, options), RangeError);
  throws(() => backoffDelayMs(0, { initialMs: 0, maxMs: 1 }), RangeError);
  throws(() => backoffDelayMs(0, { initialMs: 2, maxMs: 1 }), RangeError);
  throws(
    () => backoffDelayMs(0, { initialMs: 1, maxMs: Infinity }),
    RangeError,
  );
});
