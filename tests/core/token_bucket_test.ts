import { deepEqual, equal, throws } from "node:assert/strict";
import { TokenBucket } from "../../lib/core/bounded/mod.ts";

function setup(
  capacity: number,
  refillPerSecond: number,
  initialTokens?: number,
) {
  const clock = { time: 0 };
  const bucket = new TokenBucket({
    capacity,
    refillPerSecond,
    initialTokens,
    now: () => clock.time,
  });
  return { bucket, clock };
}

Deno.test("TokenBucket() rejects an invalid capacity, rate or initialTokens", () => {
  for (const capacity of [0, -1, NaN, Infinity]) {
    throws(() => new TokenBucket({ capacity, refillPerSecond: 1 }), {
      name: "RangeError",
      message:
        `Expected capacity to be a finite number > 0 but found ${capacity}`,
    });
  }
  for (const refillPerSecond of [-1, NaN, Infinity]) {
    throws(
      () => new TokenBucket({ capacity: 1, refillPerSecond }),
      RangeError,
    );
  }
  for (const initialTokens of [-1, 3, NaN]) {
    throws(
      () => new TokenBucket({ capacity: 2, refillPerSecond: 1, initialTokens }),
      {
        name: "RangeError",
        message:
          `Expected initialTokens to be between 0 and 2 but found ${initialTokens}`,
      },
    );
  }
  const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 2 });
  equal(bucket.capacity, 3);
  equal(bucket.refillPerSecond, 2);
});

Deno.test("TokenBucket.tryTake() allows a burst up to capacity, then refuses", () => {
  const { bucket } = setup(5, 1);
  for (let i = 0; i < 5; i++) equal(bucket.tryTake(), true);
  equal(bucket.tryTake(), false);
  equal(bucket.available(), 0);
  deepEqual(bucket.stats, { taken: 5, refused: 1 });
});

Deno.test("TokenBucket.tryTake() of n takes all or nothing", () => {
  const { bucket } = setup(5, 0);
  equal(bucket.tryTake(3), true);
  equal(bucket.tryTake(3), false);
  equal(bucket.available(), 2);
  equal(bucket.tryTake(2), true);
  equal(bucket.available(), 0);
  equal(bucket.tryTake(0), true);
  equal(bucket.tryTake(6), false);
  for (const n of [-1, NaN, Infinity]) {
    throws(() => bucket.tryTake(n), {
      name: "RangeError",
      message: `Expected n to be a finite number >= 0 but found ${n}`,
    });
  }
});

Deno.test("TokenBucket.available() refills fractionally and stops at capacity", () => {
  const { bucket, clock } = setup(10, 4, 0);
  equal(bucket.available(), 0);
  clock.time = 125;
  equal(bucket.available(), 0.5);
  equal(bucket.tryTake(), false);
  clock.time = 250;
  equal(bucket.tryTake(), true);
  equal(bucket.available(), 0);
  clock.time = 60_000;
  equal(bucket.available(), 10);
  clock.time = 3_600_000;
  equal(bucket.available(), 10);
});

Deno.test("TokenBucket.timeUntil() is exact and waiting that long is enough", () => {
  const { bucket, clock } = setup(10, 3, 0);
  equal(bucket.timeUntil(0), 0);
  const wait = bucket.timeUntil(1);
  equal(Math.abs(wait - 1000 / 3) < 1e-9, true);
  clock.time = wait;
  equal(bucket.timeUntil(1), 0);
  equal(bucket.tryTake(), true);
  equal(bucket.timeUntil(10), 10_000 / 3);
  equal(bucket.timeUntil(10.5), Infinity);
  clock.time += bucket.timeUntil(7);
  equal(bucket.tryTake(7), true);
  equal(bucket.tryTake(), false);

  const noRefill = setup(2, 0, 0).bucket;
  equal(noRefill.timeUntil(1), Infinity);
  throws(() => noRefill.timeUntil(-1), RangeError);
});

Deno.test("TokenBucket adds no tokens while the clock goes backwards", () => {
  const { bucket, clock } = setup(10, 1, 0);
  clock.time = 5_000;
  equal(bucket.available(), 5);
  clock.time = 1_000;
  equal(bucket.available(), 5);
  clock.time = 5_500;
  equal(bucket.available(), 5.5);
});

Deno.test("TokenBucket sustains the refill rate over a long run", () => {
  const { bucket, clock } = setup(5, 10);
  let taken = 0;
  // Try every millisecond for 60 s: burst of 5, then 10 per second.
  for (let t = 0; t <= 60_000; t++) {
    clock.time = t;
    if (bucket.tryTake()) taken++;
  }
  equal(taken, 5 + 600);
  deepEqual(bucket.stats, { taken: 605, refused: 60_001 - 605 });
});
