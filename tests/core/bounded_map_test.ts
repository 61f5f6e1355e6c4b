import { deepEqual, equal, throws } from "node:assert/strict";
import {
  BoundedMap,
  type BoundedMapOptions,
  type EvictionReason,
} from "../../lib/core/bounded/mod.ts";

/** A map with a manual clock and a log of onEvict calls. */
function setup(
  options: Omit<BoundedMapOptions<string, number>, "now" | "onEvict">,
) {
  const clock = { time: 0 };
  const evicted: [string, number, EvictionReason][] = [];
  const map = new BoundedMap<string, number>({
    ...options,
    now: () => clock.time,
    onEvict: (key, value, reason) => evicted.push([key, value, reason]),
  });
  return { map, clock, evicted };
}

Deno.test("BoundedMap() rejects an invalid capacity, ttlMs or policy", () => {
  for (const capacity of [0, -1, 1.5, NaN, Infinity]) {
    throws(() => new BoundedMap({ capacity }), {
      name: "RangeError",
      message: `Expected capacity to be an integer >= 1 but found ${capacity}`,
    });
  }
  for (const ttlMs of [0, -5, NaN, Infinity]) {
    throws(() => new BoundedMap({ capacity: 1, ttlMs }), RangeError);
  }
  throws(
    () =>
      new BoundedMap({
        capacity: 1,
        policy: "drop" as unknown as "reject",
      }),
    {
      name: "RangeError",
      message: 'Expected policy to be "evict-lru" or "reject" but found "drop"',
    },
  );
  const map = new BoundedMap({ capacity: 1 });
  equal(map.capacity, 1);
  equal(map.policy, "evict-lru");
  equal(map.ttlMs, undefined);
});

Deno.test("BoundedMap.set() keeps size at capacity and the last 100 of 10,000 keys", () => {
  const { map, evicted } = setup({ capacity: 100 });
  for (let i = 0; i < 10_000; i++) {
    equal(map.set(`k${i}`, i), true);
    if (map.size > 100) throw new Error(`size ${map.size} exceeded 100`);
  }
  equal(map.size, 100);
  deepEqual(
    [...map.keys()],
    Array.from({ length: 100 }, (_, i) => `k${9_900 + i}`),
  );
  deepEqual(map.stats, {
    evictedCapacity: 9_900,
    evictedTtl: 0,
    rejected: 0,
    inserted: 10_000,
  });
  equal(evicted.length, 9_900);
  deepEqual(evicted[0], ["k0", 0, "capacity"]);
  deepEqual(evicted[9_899], ["k9899", 9_899, "capacity"]);
});

Deno.test("BoundedMap.set() with policy reject keeps the first keys and counts the rest", () => {
  const { map, evicted } = setup({ capacity: 100, policy: "reject" });
  let accepted = 0;
  for (let i = 0; i < 10_000; i++) {
    if (map.set(`k${i}`, i)) accepted++;
  }
  equal(accepted, 100);
  equal(map.size, 100);
  deepEqual(
    [...map.keys()],
    Array.from({ length: 100 }, (_, i) => `k${i}`),
  );
  deepEqual(map.stats, {
    evictedCapacity: 0,
    evictedTtl: 0,
    rejected: 9_900,
    inserted: 100,
  });
  deepEqual(evicted, []);
});

Deno.test("BoundedMap.set() with policy reject still updates an existing key when full", () => {
  const { map } = setup({ capacity: 2, policy: "reject" });
  map.set("a", 1);
  map.set("b", 2);
  equal(map.set("c", 3), false);
  equal(map.set("a", 10), true);
  equal(map.get("a"), 10);
  equal(map.has("c"), false);
  equal(map.size, 2);
  deepEqual(map.stats, {
    evictedCapacity: 0,
    evictedTtl: 0,
    rejected: 1,
    inserted: 2,
  });
  // After a delete there is room again.
  map.delete("b");
  equal(map.set("c", 3), true);
  deepEqual([...map.entries()], [["a", 10], ["c", 3]]);
});

Deno.test("BoundedMap.set() of an existing key updates in place without onEvict", () => {
  const { map, evicted } = setup({ capacity: 2 });
  map.set("a", 1);
  map.set("b", 2);
  map.set("a", 3); // "a" becomes most recent
  deepEqual([...map], [["b", 2], ["a", 3]]);
  deepEqual(evicted, []);
  equal(map.stats.inserted, 2);
  map.set("c", 4); // evicts "b", the least recently used
  deepEqual([...map], [["a", 3], ["c", 4]]);
  deepEqual(evicted, [["b", 2, "capacity"]]);
});

Deno.test("BoundedMap.get() refreshes recency so the entry survives eviction", () => {
  const { map, evicted } = setup({ capacity: 3 });
  map.set("a", 1);
  map.set("b", 2);
  map.set("c", 3);
  equal(map.get("a"), 1);
  map.set("d", 4);
  deepEqual([...map.keys()], ["c", "a", "d"]);
  deepEqual(evicted, [["b", 2, "capacity"]]);
  equal(map.get("missing"), undefined);
});

Deno.test("BoundedMap.peek() and has() read without refreshing recency", () => {
  const { map } = setup({ capacity: 2 });
  map.set("a", 1);
  map.set("b", 2);
  equal(map.peek("a"), 1);
  equal(map.has("a"), true);
  deepEqual([...map], [["a", 1], ["b", 2]]);
  map.set("c", 3);
  equal(map.has("a"), false);
  equal(map.peek("a"), undefined);
  deepEqual([...map.keys()], ["b", "c"]);
});

Deno.test("BoundedMap expires an entry exactly ttlMs after it was set", () => {
  const { map, clock, evicted } = setup({ capacity: 10, ttlMs: 1000 });
  clock.time = 500;
  map.set("a", 1);
  clock.time = 1499;
  equal(map.has("a"), true);
  equal(map.peek("a"), 1);
  equal(map.size, 1);
  deepEqual(evicted, []);
  clock.time = 1500;
  equal(map.has("a"), false);
  equal(map.peek("a"), undefined);
  equal(map.get("a"), undefined);
  equal(map.size, 0);
  deepEqual([...map], []);
  deepEqual(evicted, [["a", 1, "ttl"]]);
  equal(map.stats.evictedTtl, 1);
});

Deno.test("BoundedMap.get() does not refresh the TTL but touch() and set() do", () => {
  const { map, clock } = setup({ capacity: 10, ttlMs: 1000 });
  map.set("read", 1);
  map.set("touched", 2);
  map.set("rewritten", 3);
  clock.time = 900;
  equal(map.get("read"), 1);
  equal(map.touch("touched"), true);
  equal(map.set("rewritten", 30), true);
  clock.time = 1000;
  equal(map.has("read"), false);
  equal(map.get("touched"), 2);
  equal(map.get("rewritten"), 30);
  clock.time = 1899;
  deepEqual([...map.keys()], ["touched", "rewritten"]);
  clock.time = 1900;
  deepEqual([...map.keys()], []);
  equal(map.stats.evictedTtl, 3);
});

Deno.test("BoundedMap.touch() refreshes recency and returns false for absent or expired keys", () => {
  const { map, clock } = setup({ capacity: 2, ttlMs: 100 });
  map.set("a", 1);
  map.set("b", 2);
  equal(map.touch("a"), true);
  map.set("c", 3);
  deepEqual([...map.keys()], ["a", "c"]);
  equal(map.touch("b"), false);
  clock.time = 100;
  equal(map.touch("a"), false);
  equal(map.size, 0);

  const plain = new BoundedMap<string, number>({ capacity: 2 });
  plain.set("x", 1);
  plain.set("y", 2);
  equal(plain.touch("x"), true);
  deepEqual([...plain.keys()], ["y", "x"]);
  equal(plain.touch("z"), false);
});

Deno.test("BoundedMap.set() in a full map removes expired entries before evicting or rejecting", () => {
  const reject = setup({ capacity: 2, ttlMs: 100, policy: "reject" });
  reject.map.set("a", 1);
  reject.clock.time = 50;
  reject.map.set("b", 2);
  reject.clock.time = 100; // "a" expired, "b" alive
  equal(reject.map.set("c", 3), true);
  deepEqual([...reject.map.keys()], ["b", "c"]);
  deepEqual(reject.evicted, [["a", 1, "ttl"]]);
  deepEqual(reject.map.stats, {
    evictedCapacity: 0,
    evictedTtl: 1,
    rejected: 0,
    inserted: 3,
  });

  const lru = setup({ capacity: 2, ttlMs: 100 });
  lru.map.set("a", 1);
  lru.clock.time = 50;
  lru.map.set("b", 2);
  equal(lru.map.get("a"), 1); // "a" most recent, but expires first
  lru.clock.time = 100;
  lru.map.set("c", 3);
  deepEqual([...lru.map.keys()], ["b", "c"]);
  deepEqual(lru.evicted, [["a", 1, "ttl"]]);
  equal(lru.map.stats.evictedCapacity, 0);
});

Deno.test("BoundedMap.sweep() removes all expired entries and returns how many", () => {
  const { map, clock, evicted } = setup({ capacity: 10_000, ttlMs: 1000 });
  for (let i = 0; i < 10_000; i++) {
    clock.time = i < 5_000 ? 0 : 500;
    map.set(`k${i}`, i);
  }
  equal(map.sweep(), 0);
  clock.time = 1000;
  equal(map.sweep(), 5_000);
  equal(map.sweep(), 0);
  equal(map.size, 5_000);
  equal(evicted.length, 5_000);
  equal(
    evicted.every(([, value, reason]) => value < 5_000 && reason === "ttl"),
    true,
  );
  clock.time = 1500;
  equal(map.sweep(), 5_000);
  equal(map.size, 0);
  equal(map.stats.evictedTtl, 10_000);

  equal(new BoundedMap({ capacity: 1 }).sweep(), 0);
});

Deno.test("BoundedMap.sweep() of 10,000 entries removes nothing early and everything at expiry", () => {
  // Its cost is measured in bench/bounded_bench.ts, not here.
  const { map, clock } = setup({ capacity: 10_000, ttlMs: 1000 });
  for (let i = 0; i < 10_000; i++) map.set(`k${i}`, i);
  for (let i = 0; i < 100; i++) equal(map.sweep(), 0);
  clock.time = 1000;
  equal(map.sweep(), 10_000);
});

Deno.test("BoundedMap.delete() and clear() fire onEvict with their reasons", () => {
  const { map, evicted } = setup({ capacity: 3 });
  map.set("a", 1);
  map.set("b", 2);
  map.set("c", 3);
  equal(map.delete("b"), true);
  equal(map.delete("b"), false);
  deepEqual(evicted, [["b", 2, "deleted"]]);
  map.clear();
  equal(map.size, 0);
  deepEqual([...map], []);
  deepEqual(evicted, [
    ["b", 2, "deleted"],
    ["a", 1, "cleared"],
    ["c", 3, "cleared"],
  ]);
  // Counters survive a clear.
  equal(map.stats.inserted, 3);
  map.set("d", 4);
  deepEqual([...map], [["d", 4]]);
});

Deno.test("BoundedMap.delete() of an expired key returns false and reports ttl", () => {
  const { map, clock, evicted } = setup({ capacity: 3, ttlMs: 10 });
  map.set("a", 1);
  clock.time = 10;
  equal(map.delete("a"), false);
  deepEqual(evicted, [["a", 1, "ttl"]]);
});

Deno.test("BoundedMap.clear() calls every onEvict even if one throws, then rethrows", () => {
  const seen: string[] = [];
  const map = new BoundedMap<string, number>({
    capacity: 3,
    onEvict: (key) => {
      seen.push(key);
      if (key !== "c") throw new Error(`Boom ${key}`);
    },
  });
  map.set("a", 1);
  map.set("b", 2);
  map.set("c", 3);
  throws(() => map.clear(), { message: "Boom a" });
  deepEqual(seen, ["a", "b", "c"]);
  equal(map.size, 0);
});

Deno.test("BoundedMap stays consistent when onEvict throws during eviction", () => {
  const map = new BoundedMap<string, number>({
    capacity: 1,
    onEvict: () => {
      throw new Error("Callback failed");
    },
  });
  map.set("a", 1);
  throws(() => map.set("b", 2), { message: "Callback failed" });
  deepEqual([...map], [["b", 2]]);
  equal(map.stats.evictedCapacity, 1);
});

Deno.test("BoundedMap iterators are snapshots in LRU order, safe to mutate during iteration", () => {
  const { map } = setup({ capacity: 5 });
  for (const key of ["a", "b", "c"]) map.set(key, key.charCodeAt(0));
  const seen: string[] = [];
  for (const key of map.keys()) {
    seen.push(key);
    map.get(key); // moves the key to the end
    if (seen.length > 10) break;
  }
  deepEqual(seen, ["a", "b", "c"]);
  deepEqual([...map.values()], [97, 98, 99]);
  for (const [key] of map) map.delete(key);
  equal(map.size, 0);
});

Deno.test("BoundedMap iteration skips entries that expired, oldest first", () => {
  const { map, clock } = setup({ capacity: 5, ttlMs: 100 });
  map.set("a", 1);
  clock.time = 40;
  map.set("b", 2);
  clock.time = 80;
  map.set("c", 3);
  map.get("a");
  deepEqual([...map.entries()], [["b", 2], ["c", 3], ["a", 1]]);
  clock.time = 100;
  deepEqual([...map.entries()], [["b", 2], ["c", 3]]);
  clock.time = 140;
  deepEqual([...map.values()], [3]);
});

Deno.test("BoundedMap never shows an entry whose TTL passed while the clock went backwards", () => {
  let time = 1000;
  const map = new BoundedMap<string, number>({
    capacity: 5,
    ttlMs: 100,
    now: () => time,
  });
  map.set("late", 1); // expires at 1100
  time = 0;
  map.set("early", 2); // expires at 100, behind "late" in expiry order
  time = 99;
  equal(map.has("early"), true);
  equal(map.size, 2);
  time = 100;
  equal(map.size, 1);
  time = 200;
  equal(map.has("early"), false);
  equal(map.get("early"), undefined);
  deepEqual([...map.keys()], ["late"]);
  equal(map.touch("early"), false);
});

Deno.test("BoundedMap.sweep() removes every expired entry after the clock went backwards", () => {
  const { map, clock, evicted } = setup({ capacity: 1_000, ttlMs: 1000 });
  for (let i = 0; i < 1_000; i++) {
    clock.time = i % 2 === 0 ? 500 : 0; // the clock jumps back and forth
    map.set(`k${i}`, i);
  }
  clock.time = 1000;
  equal(map.size, 500);
  equal(map.sweep(), 0);
  equal(evicted.length, 500);
  equal(evicted.every(([, value]) => value % 2 === 1), true);
  clock.time = 1499;
  equal(map.sweep(), 0);
  clock.time = 1500;
  equal(map.sweep(), 500);
  equal(map.size, 0);
  equal(map.stats.evictedTtl, 1_000);
  // Expiry order is restored: later sets expire later again.
  clock.time = 2000;
  map.set("x", 1);
  clock.time = 2100;
  map.set("y", 2);
  clock.time = 3000;
  deepEqual([...map.keys()], ["y"]);
});

Deno.test("BoundedMap.set() keeps 10,000 of 200,000 keys with TTL and LRU together", () => {
  // The eviction cost (O(1), not O(deleted entries) as with a Map's insertion
  // order in V8) is measured in bench/bounded_bench.ts, not here.
  let time = 0;
  const map = new BoundedMap<number, number>({
    capacity: 10_000,
    ttlMs: 1_000_000,
    now: () => time,
  });
  for (let i = 0; i < 200_000; i++) {
    time++;
    map.set(i, i);
  }
  equal(map.size, 10_000);
  equal(map.stats.evictedCapacity, 190_000);
  deepEqual([...map.keys()].slice(0, 2), [190_000, 190_001]);
});
