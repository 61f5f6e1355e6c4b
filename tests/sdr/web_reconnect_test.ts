// The web client's reconnect backoff.
import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { Backoff } from "../../lib/sdr/web/reconnect.js";

Deno.test("Backoff doubles to its cap and resets after a stable connection", () => {
  let t = 0;
  const backoff = new Backoff({
    initialMs: 500,
    maxMs: 8000,
    jitter: 0,
    now: () => t,
  });
  deepEqual(
    Array.from({ length: 7 }, () => backoff.next()),
    [500, 1000, 2000, 4000, 8000, 8000, 8000],
  );
  equal(backoff.attempt, 7);
  // Up for a short while only: keeps backing off.
  backoff.connected();
  t += 3000;
  equal(backoff.next(), 8000);
  // Up for longer than stableMs: starts over.
  backoff.connected();
  t += 10_000;
  equal(backoff.next(), 500);
});

Deno.test("Backoff spreads delays by its jitter and never exceeds the cap", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
        minLength: 1,
        maxLength: 40,
      }),
      (randoms) => {
        let i = 0;
        const backoff = new Backoff({
          random: () => randoms[i++ % randoms.length],
        });
        let base = 500;
        for (let k = 0; k < randoms.length; k++) {
          const delay = backoff.next();
          ok(
            delay >= Math.floor(base * 0.75) &&
              delay <= Math.min(30_000, Math.ceil(base * 1.25)),
          );
          base = Math.min(30_000, base * 2);
        }
      },
    ),
    { seed: 81 },
  );
});
