/**
 * Benchmarks of the bounded collections: `deno bench -A bench/bounded_bench.ts`.
 *
 * @module
 */

import {
  BoundedMap,
  BoundedQueue,
  SlidingWindowCounter,
  TokenBucket,
} from "../lib/core/bounded/mod.ts";

const CAPACITY = 10_000;
const KEYS = Array.from({ length: CAPACITY * 2 }, (_, i) => `10.0.${i}:42000`);

function fullMap(ttlMs?: number, now?: () => number) {
  const map = new BoundedMap<string, number>({
    capacity: CAPACITY,
    ttlMs,
    now,
  });
  for (let i = 0; i < CAPACITY; i++) map.set(KEYS[i], i);
  return map;
}

{
  const map = fullMap();
  let i = 0;
  Deno.bench("BoundedMap.set() new key, evicting at capacity 10,000", {
    group: "map-set",
    baseline: true,
  }, () => {
    map.set(KEYS[i++ % KEYS.length], i);
  });
}

{
  let time = 0;
  const map = fullMap(60_000, () => time);
  let i = 0;
  Deno.bench(
    "BoundedMap.set() new key, evicting at capacity 10,000, with TTL",
    {
      group: "map-set",
    },
    () => {
      time++;
      map.set(KEYS[i++ % KEYS.length], i);
    },
  );
}

{
  const map = fullMap();
  let i = 0;
  Deno.bench("BoundedMap.set() existing key (update) at capacity 10,000", {
    group: "map-set",
  }, () => {
    map.set(KEYS[i++ % CAPACITY], i);
  });
}

{
  const map = new Map<string, number>();
  let i = 0;
  Deno.bench("Map.set() + LRU delete (reference, no bookkeeping)", {
    group: "map-set",
  }, () => {
    const key = KEYS[i++ % KEYS.length];
    map.delete(key);
    map.set(key, i);
    if (map.size > CAPACITY) map.delete(map.keys().next().value!);
  });
}

{
  const map = fullMap();
  let i = 0;
  Deno.bench(
    "BoundedMap.get() hit",
    { group: "map-get", baseline: true },
    () => {
      map.get(KEYS[i++ % CAPACITY]);
    },
  );
}

{
  const map = fullMap(60_000, () => 0);
  let i = 0;
  Deno.bench("BoundedMap.get() hit, with TTL", { group: "map-get" }, () => {
    map.get(KEYS[i++ % CAPACITY]);
  });
}

{
  const map = fullMap();
  let i = 0;
  Deno.bench("BoundedMap.get() miss", { group: "map-get" }, () => {
    map.get(KEYS[CAPACITY + (i++ % CAPACITY)]);
  });
}

{
  const map = fullMap();
  let i = 0;
  Deno.bench("BoundedMap.peek() hit", { group: "map-get" }, () => {
    map.peek(KEYS[i++ % CAPACITY]);
  });
}

{
  let time = 0;
  const map = fullMap(60_000, () => time);
  Deno.bench("BoundedMap.sweep() of 10,000 entries, none expired", {
    group: "map-sweep",
  }, () => {
    time++;
    map.sweep();
  });
}

{
  let time = 0;
  const map = new BoundedMap<string, number>({
    capacity: CAPACITY,
    ttlMs: 1_000,
    now: () => time,
  });
  Deno.bench("BoundedMap.sweep() of 10,000 entries, all expired", {
    group: "map-sweep",
  }, (b) => {
    for (let i = 0; i < CAPACITY; i++) map.set(KEYS[i], i);
    time += 1_000;
    b.start();
    const removed = map.sweep();
    b.end();
    if (removed !== CAPACITY) throw new Error(`Swept ${removed}`);
  });
}

{
  const queue = new BoundedQueue<number>({
    capacity: 1_024,
    policy: "drop-oldest",
  });
  let i = 0;
  Deno.bench("BoundedQueue.push() + shift()", {
    group: "queue",
    baseline: true,
  }, () => {
    queue.push(i++);
    queue.shift();
  });
}

{
  const queue = new BoundedQueue<number>({
    capacity: 1_024,
    policy: "drop-oldest",
  });
  for (let i = 0; i < 1_024; i++) queue.push(i);
  let i = 0;
  Deno.bench("BoundedQueue.push() on a full queue, drop-oldest", {
    group: "queue",
  }, () => {
    queue.push(i++);
  });
}

{
  const queue = new BoundedQueue<number>({
    capacity: 1_024,
    policy: "drop-newest",
  });
  Deno.bench("BoundedQueue.push() x1,024 then drain()", {
    group: "queue",
  }, () => {
    for (let i = 0; i < 1_024; i++) queue.push(i);
    queue.drain();
  });
}

{
  let time = 0;
  const counter = new SlidingWindowCounter({
    windowMs: 60_000,
    buckets: 60,
    now: () => time,
  });
  Deno.bench("SlidingWindowCounter.add() + total(), 60 buckets", {
    group: "rate",
  }, () => {
    time += 10;
    counter.add();
    counter.total();
  });
}

{
  let time = 0;
  const bucket = new TokenBucket({
    capacity: 100,
    refillPerSecond: 1_000,
    now: () => time,
  });
  Deno.bench("TokenBucket.tryTake()", { group: "rate" }, () => {
    time += 0.5;
    bucket.tryTake();
  });
}
