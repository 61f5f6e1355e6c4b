import { deepEqual, equal } from "node:assert/strict";
import fc from "fast-check";
import {
  BoundedMap,
  type BoundedMapPolicy,
  type BoundedMapStats,
  BoundedQueue,
  type BoundedQueuePolicy,
  type BoundedQueueStats,
  type EvictionReason,
  QueueFullError,
  SlidingWindowCounter,
  TokenBucket,
} from "../../lib/core/bounded/mod.ts";

const SEED = 20_261_121;
const RUNS = 300;

// ---------------------------------------------------------------------------
// BoundedMap against a reference model: an array in LRU order.

type MapOp =
  | { op: "set"; key: string; value: number }
  | { op: "get" | "peek" | "has" | "touch" | "delete"; key: string }
  | { op: "advance"; ms: number }
  | { op: "sweep" | "clear" };

interface ModelEntry {
  key: string;
  value: number;
  expiresAt: number;
  /** Sequence number of the last set/touch. */
  written: number;
}

/** The obvious, slow implementation of the BoundedMap contract. */
class MapModel {
  entries: ModelEntry[] = []; // least recently used first
  #writes = 0;
  evicted: [string, number, EvictionReason][] = [];
  stats: BoundedMapStats = {
    evictedCapacity: 0,
    evictedTtl: 0,
    rejected: 0,
    inserted: 0,
  };

  constructor(
    readonly capacity: number,
    readonly ttlMs: number | undefined,
    readonly policy: BoundedMapPolicy,
  ) {}

  expire(now: number): number {
    // Entries expire in the order they were last written (set or touch).
    const expired = this.entries
      .filter((entry) => now >= entry.expiresAt)
      .sort((a, b) => a.written - b.written);
    this.entries = this.entries.filter((entry) => now < entry.expiresAt);
    for (const entry of expired) {
      this.evicted.push([entry.key, entry.value, "ttl"]);
    }
    this.stats.evictedTtl += expired.length;
    return expired.length;
  }

  #index(key: string): number {
    return this.entries.findIndex((entry) => entry.key === key);
  }

  #toNewest(index: number): ModelEntry {
    const [entry] = this.entries.splice(index, 1);
    this.entries.push(entry);
    return entry;
  }

  #expiry(now: number): number {
    return this.ttlMs === undefined ? Infinity : now + this.ttlMs;
  }

  apply(op: MapOp, now: number): unknown {
    switch (op.op) {
      case "advance":
        // The checks after each operation read `size`, which expires.
        this.expire(now);
        return undefined;
      case "sweep":
        return this.expire(now);
    }
    this.expire(now);
    switch (op.op) {
      case "set": {
        const index = this.#index(op.key);
        if (index !== -1) {
          const entry = this.#toNewest(index);
          entry.value = op.value;
          entry.expiresAt = this.#expiry(now);
          entry.written = this.#writes++;
          return true;
        }
        if (this.entries.length >= this.capacity) {
          if (this.policy === "reject") {
            this.stats.rejected++;
            return false;
          }
          const [oldest] = this.entries.splice(0, 1);
          this.evicted.push([oldest.key, oldest.value, "capacity"]);
          this.stats.evictedCapacity++;
        }
        this.entries.push({
          key: op.key,
          value: op.value,
          expiresAt: this.#expiry(now),
          written: this.#writes++,
        });
        this.stats.inserted++;
        return true;
      }
      case "get": {
        const index = this.#index(op.key);
        return index === -1 ? undefined : this.#toNewest(index).value;
      }
      case "peek": {
        return this.entries[this.#index(op.key)]?.value;
      }
      case "has":
        return this.#index(op.key) !== -1;
      case "touch": {
        const index = this.#index(op.key);
        if (index === -1) return false;
        const entry = this.#toNewest(index);
        entry.expiresAt = this.#expiry(now);
        entry.written = this.#writes++;
        return true;
      }
      case "delete": {
        const index = this.#index(op.key);
        if (index === -1) return false;
        const [entry] = this.entries.splice(index, 1);
        this.evicted.push([entry.key, entry.value, "deleted"]);
        return true;
      }
      case "clear": {
        for (const entry of this.entries) {
          this.evicted.push([entry.key, entry.value, "cleared"]);
        }
        this.entries = [];
        return undefined;
      }
    }
  }
}

const mapKey = fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "h");
const mapOp: fc.Arbitrary<MapOp> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant("set" as const),
      key: mapKey,
      value: fc.integer({ min: 0, max: 999 }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constantFrom(
        "get" as const,
        "peek" as const,
        "has" as const,
        "touch" as const,
        "delete" as const,
      ),
      key: mapKey,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("advance" as const),
      ms: fc.integer({ min: 0, max: 40 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constantFrom("sweep" as const, "clear" as const),
    }),
  },
);

function applyToMap(map: BoundedMap<string, number>, op: MapOp): unknown {
  switch (op.op) {
    case "set":
      return map.set(op.key, op.value);
    case "get":
      return map.get(op.key);
    case "peek":
      return map.peek(op.key);
    case "has":
      return map.has(op.key);
    case "touch":
      return map.touch(op.key);
    case "delete":
      return map.delete(op.key);
    case "sweep":
      return map.sweep();
    case "clear":
      return map.clear();
    case "advance":
      return undefined;
  }
}

Deno.test("BoundedMap matches a reference model under random operations", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
      fc.constantFrom<BoundedMapPolicy>("evict-lru", "reject"),
      fc.array(mapOp, { maxLength: 120, size: "max" }),
      (capacity, ttlMs, policy, ops) => {
        let time = 0;
        const evicted: [string, number, EvictionReason][] = [];
        const map = new BoundedMap<string, number>({
          capacity,
          ttlMs,
          policy,
          now: () => time,
          onEvict: (key, value, reason) => evicted.push([key, value, reason]),
        });
        const model = new MapModel(capacity, ttlMs, policy);
        for (const op of ops) {
          if (op.op === "advance") time += op.ms;
          const expected = model.apply(op, time);
          const actual = applyToMap(map, op);
          equal(actual, expected, `result of ${JSON.stringify(op)}`);
          const size = map.size;
          equal(size <= capacity, true, `size ${size} > capacity`);
          equal(size, model.entries.length);
          deepEqual(
            [...map.entries()],
            model.entries.map((entry) => [entry.key, entry.value]),
          );
          deepEqual(map.stats, model.stats);
          deepEqual(evicted, model.evicted);
        }
      },
    ),
    { seed: SEED, numRuns: RUNS },
  );
});

// ---------------------------------------------------------------------------
// BoundedQueue against an array model, for each policy.

type QueueOp =
  | { op: "push"; item: number }
  | { op: "shift" | "peek" | "clear" }
  | { op: "drain"; max: number };

const queueOp: fc.Arbitrary<QueueOp> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant("push" as const),
      item: fc.integer({ min: 0, max: 999 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constantFrom("shift" as const, "peek" as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.record({ op: fc.constant("clear" as const) }),
      fc.record({
        op: fc.constant("drain" as const),
        max: fc.integer({ min: 0, max: 8 }),
      }),
    ),
  },
);

Deno.test("BoundedQueue matches an array model under random operations, for every policy", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.constantFrom<BoundedQueuePolicy>(
        "drop-oldest",
        "drop-newest",
        "reject",
      ),
      fc.array(queueOp, { maxLength: 150, size: "max" }),
      (capacity, policy, ops) => {
        const queue = new BoundedQueue<number>({ capacity, policy });
        let model: number[] = [];
        const stats: BoundedQueueStats = {
          pushed: 0,
          droppedOldest: 0,
          droppedNewest: 0,
          rejected: 0,
        };
        for (const op of ops) {
          switch (op.op) {
            case "push": {
              let expected: boolean | "throws" = true;
              if (model.length < capacity) {
                model.push(op.item);
                stats.pushed++;
              } else if (policy === "drop-oldest") {
                model.shift();
                model.push(op.item);
                stats.pushed++;
                stats.droppedOldest++;
              } else if (policy === "drop-newest") {
                stats.droppedNewest++;
                expected = false;
              } else {
                stats.rejected++;
                expected = "throws";
              }
              let actual: boolean | "throws";
              try {
                actual = queue.push(op.item);
              } catch (error) {
                if (!(error instanceof QueueFullError)) throw error;
                actual = "throws";
              }
              equal(actual, expected);
              break;
            }
            case "shift":
              equal(queue.shift(), model.shift());
              break;
            case "peek":
              equal(queue.peek(), model[0]);
              break;
            case "clear":
              queue.clear();
              model = [];
              break;
            case "drain":
              deepEqual(queue.drain(op.max), model.splice(0, op.max));
              break;
          }
          equal(queue.size <= capacity, true);
          equal(queue.size, model.length);
          deepEqual([...queue], model);
          deepEqual(queue.stats, stats);
        }
      },
    ),
    { seed: SEED, numRuns: RUNS },
  );
});

// ---------------------------------------------------------------------------
// TokenBucket invariants.

Deno.test("TokenBucket never exceeds capacity, never goes negative and never gives more than it earned", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 50 }),
      fc.double({ min: 0, max: 100, noNaN: true }),
      fc.array(
        fc.record({
          advanceMs: fc.integer({ min: 0, max: 2_000 }),
          n: fc.double({ min: 0, max: 60, noNaN: true }),
        }),
        { maxLength: 100, size: "max" },
      ),
      (capacity, refillPerSecond, steps) => {
        let time = 0;
        const bucket = new TokenBucket({
          capacity,
          refillPerSecond,
          now: () => time,
        });
        let taken = 0;
        for (const { advanceMs, n } of steps) {
          time += advanceMs;
          const before = bucket.available();
          equal(before >= 0 && before <= capacity, true, `available ${before}`);
          const wait = bucket.timeUntil(n);
          const ok = bucket.tryTake(n);
          // Taken exactly when enough tokens were there (to rounding).
          equal(ok, before + 1e-9 >= n, `tryTake(${n}) with ${before}`);
          equal(ok, wait === 0);
          if (ok) taken += n;
          const after = bucket.available();
          equal(after >= 0 && after <= capacity, true, `available ${after}`);
          if (!ok) equal(after, before);
          // Conservation: never more than the burst plus the refill so far.
          equal(
            taken <= capacity + (refillPerSecond * time) / 1000 + 1e-6,
            true,
          );
          // Waiting as told is enough (if nothing else takes meanwhile).
          if (!ok && Number.isFinite(wait)) {
            time += wait;
            equal(bucket.tryTake(n), true, `tryTake(${n}) after ${wait} ms`);
            taken += n;
          }
        }
      },
    ),
    { seed: SEED, numRuns: RUNS },
  );
});

// ---------------------------------------------------------------------------
// SlidingWindowCounter against the exact count of events.

Deno.test("SlidingWindowCounter.total() equals the exact count within one bucket", () => {
  fc.assert(
    fc.property(
      fc.constantFrom(100, 999, 1_000, 60_000),
      fc.integer({ min: 1, max: 20 }),
      fc.array(
        fc.record({
          gapMs: fc.integer({ min: 0, max: 70_000 }),
          n: fc.integer({ min: 0, max: 5 }),
        }),
        { maxLength: 80, size: "max" },
      ),
      (windowMs, buckets, steps) => {
        let time = 0;
        const counter = new SlidingWindowCounter({
          windowMs,
          buckets,
          now: () => time,
        });
        const bucketMs = windowMs / buckets;
        const events: { time: number; n: number }[] = [];
        const exact = (maxAge: (age: number) => boolean) =>
          events
            .filter((event) => maxAge(time - event.time))
            .reduce((sum, event) => sum + event.n, 0);
        for (const { gapMs, n } of steps) {
          // Gaps on the scale of the window, so events cross its edge.
          time += gapMs % (windowMs * 2);
          counter.add(n);
          events.push({ time, n });
          const total = counter.total();
          const atLeast = exact((age) => age <= windowMs);
          const atMost = exact((age) => age < windowMs + bucketMs);
          equal(
            atLeast <= total && total <= atMost,
            true,
            `${atLeast} <= ${total} <= ${atMost} at ${time}`,
          );
          // And the same check a moment later, without a new event.
          time += Math.floor(gapMs / 7) % (windowMs + 1);
          const later = counter.total();
          equal(
            exact((age) => age <= windowMs) <= later &&
              later <= exact((age) => age < windowMs + bucketMs),
            true,
          );
        }
      },
    ),
    { seed: SEED, numRuns: RUNS },
  );
});
