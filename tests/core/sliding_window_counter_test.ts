import { equal, throws } from "node:assert/strict";
import { SlidingWindowCounter } from "../../lib/core/bounded/mod.ts";

function setup(windowMs: number, buckets?: number) {
  const clock = { time: 0 };
  const counter = new SlidingWindowCounter({
    windowMs,
    buckets,
    now: () => clock.time,
  });
  return { counter, clock };
}

Deno.test("SlidingWindowCounter() rejects an invalid windowMs or buckets", () => {
  for (const windowMs of [0, -1, NaN, Infinity]) {
    throws(() => new SlidingWindowCounter({ windowMs }), {
      name: "RangeError",
      message:
        `Expected windowMs to be a finite number > 0 but found ${windowMs}`,
    });
  }
  for (const buckets of [0, 1.5, -2, NaN]) {
    throws(
      () => new SlidingWindowCounter({ windowMs: 1000, buckets }),
      RangeError,
    );
  }
  const counter = new SlidingWindowCounter({ windowMs: 1000, buckets: 4 });
  equal(counter.windowMs, 1000);
  equal(counter.bucketMs, 250);
  equal(new SlidingWindowCounter({ windowMs: 1000 }).bucketMs, 100);
});

Deno.test("SlidingWindowCounter.add() rejects a negative or non-finite n", () => {
  const { counter } = setup(1000);
  for (const n of [-1, NaN, Infinity]) {
    throws(() => counter.add(n), {
      name: "RangeError",
      message: `Expected n to be a finite number >= 0 but found ${n}`,
    });
  }
  equal(counter.total(), 0);
});

Deno.test("SlidingWindowCounter.total() counts an event up to exactly windowMs later", () => {
  const { counter, clock } = setup(60_000, 60);
  clock.time = 5_000;
  counter.add();
  clock.time = 65_000; // age == windowMs: still counted
  equal(counter.total(), 1);
  clock.time = 65_999; // within one bucket beyond the window: still counted
  equal(counter.total(), 1);
  clock.time = 66_000; // age == windowMs + bucketMs: never counted
  equal(counter.total(), 0);
});

Deno.test("SlidingWindowCounter.total() drops old events bucket by bucket", () => {
  const { counter, clock } = setup(1000, 10);
  for (let t = 0; t < 1000; t += 100) {
    clock.time = t;
    counter.add(t / 100 + 1); // 1, 2, ..., 10
  }
  clock.time = 999;
  equal(counter.total(), 55);
  clock.time = 1000;
  equal(counter.total(), 55);
  clock.time = 1100;
  equal(counter.total(), 54);
  clock.time = 1500;
  equal(counter.total(), 55 - 15);
  clock.time = 1899; // the event at 800 is 1099 ms old
  equal(counter.total(), 9 + 10);
  clock.time = 1900; // ...now 1100 ms old
  equal(counter.total(), 10);
  clock.time = 1999;
  equal(counter.total(), 10);
  clock.time = 2000;
  equal(counter.total(), 0);
});

Deno.test("SlidingWindowCounter flags more than 10 key-ups within 60 s", () => {
  const { counter, clock } = setup(60_000, 60);
  // One key-up every 6.5 s never has more than 10 in the window...
  let max = 0;
  for (let i = 0; i < 100; i++) {
    clock.time = i * 6_500;
    counter.add();
    max = Math.max(max, counter.total());
  }
  equal(max, 10);
  // ...a burst of key-ups exceeds it.
  for (let i = 0; i < 11; i++) {
    clock.time += 1_000;
    counter.add();
  }
  equal(counter.total() > 10, true);
});

Deno.test("SlidingWindowCounter memory does not grow with the event rate", () => {
  const { counter, clock } = setup(1000, 10);
  for (let i = 0; i < 1_000_000; i++) {
    clock.time = i / 1000; // a million events in one second
    counter.add();
  }
  equal(counter.total(), 1_000_000);
  clock.time = 2_000;
  equal(counter.total(), 0);
});

Deno.test("SlidingWindowCounter handles a long idle gap and a clock that goes backwards", () => {
  const { counter, clock } = setup(1000, 10);
  counter.add(3);
  clock.time = 1e12; // far in the future: every bucket is zeroed at once
  equal(counter.total(), 0);
  counter.add();
  clock.time = 1e12 - 5_000; // backwards: counted in the newest bucket
  counter.add();
  equal(counter.total(), 2);
  clock.time = 1e12 + 1_100;
  equal(counter.total(), 0);
});

Deno.test("SlidingWindowCounter.reset() forgets every event", () => {
  const { counter, clock } = setup(1000, 4);
  counter.add(5);
  clock.time = 300;
  counter.add(2);
  counter.reset();
  equal(counter.total(), 0);
  counter.add();
  equal(counter.total(), 1);
});

Deno.test("SlidingWindowCounter works with one bucket and fractional bucket lengths", () => {
  const one = setup(1000, 1);
  one.counter.add();
  one.clock.time = 1999;
  equal(one.counter.total(), 1);
  one.clock.time = 2000;
  equal(one.counter.total(), 0);

  const thirds = setup(1000, 3);
  thirds.counter.add(2);
  thirds.clock.time = 1000;
  equal(thirds.counter.total(), 2);
  thirds.clock.time = 1334;
  equal(thirds.counter.total(), 0);
});
