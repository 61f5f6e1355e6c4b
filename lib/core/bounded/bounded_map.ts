/**
 * A capacity-bounded map with least-recently-used order, an optional TTL and
 * counters of what it evicted or rejected.
 *
 * @module
 */

/**
 * What a {@link BoundedMap} does when a new key is set while it is full.
 *
 * - `"evict-lru"`: the least-recently-used entry is evicted to make room.
 * - `"reject"`: the new key is not stored; `set` returns `false`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BoundedMap, type BoundedMapPolicy } from "./bounded_map.ts";
 *
 * const policy: BoundedMapPolicy = "reject";
 * equal(new BoundedMap({ capacity: 1, policy }).policy, "reject");
 * ```
 */
export type BoundedMapPolicy = "evict-lru" | "reject";

/**
 * Why an entry left a {@link BoundedMap}, as passed to
 * {@link BoundedMapOptions.onEvict}.
 *
 * - `"capacity"`: evicted by the `"evict-lru"` policy to make room.
 * - `"ttl"`: its TTL ran out.
 * - `"deleted"`: removed by {@link BoundedMap.delete}.
 * - `"cleared"`: removed by {@link BoundedMap.clear}.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { BoundedMap, type EvictionReason } from "./bounded_map.ts";
 *
 * const reasons: EvictionReason[] = [];
 * const map = new BoundedMap<string, number>({
 *   capacity: 1,
 *   onEvict: (_key, _value, reason) => reasons.push(reason),
 * });
 * map.set("a", 1);
 * map.set("b", 2);
 * map.delete("b");
 * deepEqual(reasons, ["capacity", "deleted"]);
 * ```
 */
export type EvictionReason = "capacity" | "ttl" | "deleted" | "cleared";

/**
 * Options of {@link BoundedMap}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BoundedMap, type BoundedMapOptions } from "./bounded_map.ts";
 *
 * const options: BoundedMapOptions<string, number> = {
 *   capacity: 64,
 *   ttlMs: 30_000,
 *   policy: "reject",
 * };
 * equal(new BoundedMap(options).capacity, 64);
 * ```
 */
export interface BoundedMapOptions<K, V> {
  /** The maximum number of entries, an integer >= 1. */
  capacity: number;
  /**
   * Time to live in milliseconds, > 0. An entry expires `ttlMs` after it was
   * last written by {@link BoundedMap.set} or {@link BoundedMap.touch};
   * reading it does not extend its life. Default: entries never expire.
   */
  ttlMs?: number;
  /**
   * The clock, in milliseconds. Default: `performance.now` (monotonic). A
   * clock that goes backwards (such as `Date.now` after a time correction) is
   * handled: expired entries stay invisible, and the next sweep after the
   * regression does a one-off O(n log n) scan to restore expiry order.
   */
  now?: () => number;
  /**
   * Called after an entry left the map (the map is already consistent when it
   * runs). Not called when {@link BoundedMap.set} replaces the value of an
   * existing key. An exception it throws propagates to the caller of the
   * operation that removed the entry.
   */
  onEvict?: (key: K, value: V, reason: EvictionReason) => void;
  /** What `set` of a new key does when the map is full. Default `"evict-lru"`. */
  policy?: BoundedMapPolicy;
}

/**
 * Counters of a {@link BoundedMap}, since it was created.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BoundedMap, type BoundedMapStats } from "./bounded_map.ts";
 *
 * const map = new BoundedMap<string, number>({ capacity: 1 });
 * map.set("a", 1);
 * map.set("b", 2);
 * const stats: BoundedMapStats = map.stats;
 * equal(stats.evictedCapacity, 1);
 * ```
 */
export interface BoundedMapStats {
  /** Entries evicted by the `"evict-lru"` policy to make room. */
  evictedCapacity: number;
  /** Entries removed because their TTL ran out. */
  evictedTtl: number;
  /** New keys refused by the `"reject"` policy. */
  rejected: number;
  /** New keys stored (updates of existing keys are not counted). */
  inserted: number;
}

/**
 * An entry, linked into two circular doubly linked lists through one
 * sentinel: recency (`older`/`newer`) and expiry (`expOlder`/`expNewer`).
 * Explicit lists rather than a `Map`'s insertion order: V8 leaves deleted
 * entries as holes at the front of a `Map` until it rehashes, so reaching the
 * oldest entry with `map.keys().next()` after many evictions costs O(holes).
 */
class Entry<K, V> {
  key: K;
  value: V;
  expiresAt = Infinity;
  older: Entry<K, V> = this;
  newer: Entry<K, V> = this;
  expOlder: Entry<K, V> = this;
  expNewer: Entry<K, V> = this;

  constructor(key: K, value: V) {
    this.key = key;
    this.value = value;
  }
}

/** Moves (or adds) `entry` to the newest end of the recency list. */
function toNewest<K, V>(head: Entry<K, V>, entry: Entry<K, V>): void {
  entry.older.newer = entry.newer;
  entry.newer.older = entry.older;
  entry.older = head.older;
  entry.newer = head;
  head.older.newer = entry;
  head.older = entry;
}

/** Moves (or adds) `entry` to the latest end of the expiry list. */
function toLatest<K, V>(head: Entry<K, V>, entry: Entry<K, V>): void {
  entry.expOlder.expNewer = entry.expNewer;
  entry.expNewer.expOlder = entry.expOlder;
  entry.expOlder = head.expOlder;
  entry.expNewer = head;
  head.expOlder.expNewer = entry;
  head.expOlder = entry;
}

/** Takes `entry` out of both lists. */
function unlink<K, V>(entry: Entry<K, V>): void {
  entry.older.newer = entry.newer;
  entry.newer.older = entry.older;
  entry.expOlder.expNewer = entry.expNewer;
  entry.expNewer.expOlder = entry.expOlder;
  detach(entry);
}

/** Makes `entry` a list of its own (without touching its neighbours). */
function detach<K, V>(entry: Entry<K, V>): void {
  entry.older = entry;
  entry.newer = entry;
  entry.expOlder = entry;
  entry.expNewer = entry;
}

/**
 * A map that never holds more than `capacity` entries.
 *
 * Recency: {@link BoundedMap.set}, {@link BoundedMap.get} and
 * {@link BoundedMap.touch} make an entry the most recently used;
 * {@link BoundedMap.peek}, {@link BoundedMap.has} and iteration do not.
 *
 * TTL (when `ttlMs` is given): an entry written at time `t` is visible while
 * `now() < t + ttlMs` and expired from `now() >= t + ttlMs` on. Only `set` and
 * `touch` refresh the TTL; `get` does not (a client table stays alive through
 * the client's own packets, not through the server reading the table).
 * Expired entries are never visible: every operation first removes them
 * (reason `"ttl"`), in O(1) per removed entry and without any timer.
 * {@link BoundedMap.sweep} does the same on demand, e.g. once a second, so
 * that `onEvict` runs for idle tables too.
 *
 * `onEvict` fires for every entry that leaves the map, including through
 * `delete` (`"deleted"`) and `clear` (`"cleared"`), so that it is the single
 * place to release what an entry holds.
 *
 * All operations are O(1) (plus one `Map` lookup); iteration and `clear`
 * are O(size). Recency and expiry order are kept in linked lists, not in a
 * `Map`'s insertion order, whose oldest entry V8 reaches in O(deleted
 * entries) under constant eviction.
 *
 * @typeParam K The key type.
 * @typeParam V The value type.
 *
 * @example Least-recently-used eviction
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { BoundedMap } from "./bounded_map.ts";
 *
 * const map = new BoundedMap<string, number>({ capacity: 2 });
 * map.set("a", 1);
 * map.set("b", 2);
 * map.get("a"); // "a" is now the most recently used
 * map.set("c", 3); // evicts "b"
 * deepEqual([...map.keys()], ["a", "c"]);
 * equal(map.stats.evictedCapacity, 1);
 * ```
 *
 * @example A client table that refuses newcomers and forgets silent clients
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BoundedMap } from "./bounded_map.ts";
 *
 * let time = 0;
 * const clients = new BoundedMap<string, string>({
 *   capacity: 1,
 *   ttlMs: 60_000,
 *   policy: "reject",
 *   now: () => time,
 * });
 * equal(clients.set("10.0.0.1:42000", "M0ABC"), true);
 * equal(clients.set("10.0.0.2:42000", "G4XYZ"), false); // full
 * time = 60_000;
 * equal(clients.has("10.0.0.1:42000"), false); // expired
 * equal(clients.set("10.0.0.2:42000", "G4XYZ"), true);
 * ```
 */
export class BoundedMap<K, V> implements Iterable<[K, V]> {
  readonly #capacity: number;
  readonly #ttlMs: number | undefined;
  readonly #now: () => number;
  readonly #onEvict:
    | ((key: K, value: V, reason: EvictionReason) => void)
    | undefined;
  readonly #policy: BoundedMapPolicy;
  /** The entries by key. */
  readonly #entries = new Map<K, Entry<K, V>>();
  /**
   * The sentinel of both lists: `#head.newer` is the least recently used
   * entry, `#head.expNewer` the one written longest ago (with a TTL).
   */
  readonly #head = new Entry<K, V>(undefined as K, undefined as V);
  /** A lower bound of the earliest `expiresAt` in the expiry list. */
  #nextExpiry = Infinity;
  /** The latest `expiresAt` given out, to detect a clock that went back. */
  #latestExpiry = -Infinity;
  /** Whether the expiry list is out of `expiresAt` order (the clock went back). */
  #unsorted = false;
  #evictedCapacity = 0;
  #evictedTtl = 0;
  #rejected = 0;
  #inserted = 0;

  /**
   * Creates an empty map.
   *
   * @param options The capacity, TTL, clock, eviction callback and policy.
   * @throws {RangeError} If `capacity` is not an integer >= 1, `ttlMs` is not
   * a finite number > 0 or `policy` is unknown.
   *
   * @example Creating a map
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { BoundedMap } from "./bounded_map.ts";
   *
   * const map = new BoundedMap<string, number>({ capacity: 100, ttlMs: 30_000 });
   * equal(map.capacity, 100);
   * ```
   */
  constructor(options: BoundedMapOptions<K, V>) {
    const { capacity, ttlMs, now, onEvict, policy = "evict-lru" } = options;
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `Expected capacity to be an integer >= 1 but found ${capacity}`,
      );
    }
    if (
      ttlMs !== undefined &&
      (typeof ttlMs !== "number" || !Number.isFinite(ttlMs) || ttlMs <= 0)
    ) {
      throw new RangeError(
        `Expected ttlMs to be a finite number > 0 but found ${ttlMs}`,
      );
    }
    if (policy !== "evict-lru" && policy !== "reject") {
      throw new RangeError(
        `Expected policy to be "evict-lru" or "reject" but found ${
          JSON.stringify(policy)
        }`,
      );
    }
    this.#capacity = capacity;
    this.#ttlMs = ttlMs;
    this.#now = now ?? (() => performance.now());
    this.#onEvict = onEvict;
    this.#policy = policy;
  }

  /**
   * The maximum number of entries.
   *
   * @example Reading the capacity
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { BoundedMap } from "./bounded_map.ts";
   *
   * equal(new BoundedMap({ capacity: 3 }).capacity, 3);
   * ```
   */
  get capacity(): number {
    return this.#capacity;
  }

  /**
   * The policy applied when a new key is set while the map is full.
   *
   * @example Reading the policy
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { BoundedMap } from "./bounded_map.ts";
   *
   * equal(new BoundedMap({ capacity: 3 }).policy, "evict-lru");
   * ```
   */
  get policy(): BoundedMapPolicy {
    return this.#policy;
  }

  /**
   * The time to live in milliseconds, or `undefined` if entries never expire.
   *
   * @example Reading the TTL
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { BoundedMap } from "./bounded_map.ts";
   *
   * equal(new BoundedMap({ capacity: 3, ttlMs: 500 }).ttlMs, 500);
   * ```
   */
  get ttlMs(): number | undefined {
    return this.#ttlMs;
  }

  /**
   * The number of live (unexpired) entries, never more than `capacity`.
   *
   * @example Counting entries
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { BoundedMap } from "./bounded_map.ts";
   *
   * const map = new BoundedMap<string, number>({ capacity: 2 });
   * map.set("a", 1);
   * map.set("b", 2);
   * map.set("c", 3);
   * equal(map.size, 2);
   * ```
   */
  get size(): number {
    this.#expire();
    return this.#entries.size;
  }

  /**
   * A snapshot of the counters since the map was created.
   *
   * @example Reading the counters
   * ```ts
   * import { deepEqual } from "node:assert/strict";
   * import { BoundedMap } from "./bounded_map.ts";
   *
   * const map = new BoundedMap<string, number>({ capacity: 1, policy: "reject" });
   * map.set("a", 1);
   * map.set("b", 2);
   * deepEqual(map.stats, {
   *   evictedCapacity: 0,
   *   evictedTtl: 0,
   *   rejected: 1,
   *   inserted: 1,
   * });
   * ```
   */
  get stats(): BoundedMapStats {
    this.#expire();
    return {
      evictedCapacity: this.#evictedCapacity,
      evictedTtl: this.#evictedTtl,
      rejected: this.#rejected,
      inserted: this.#inserted,
    };
  }

  /**
   * Stores `value` under `key` and makes it the most recently used entry;
   * refreshes its TTL. Updating an existing key always succeeds, even when
   * the map is full. A new key in a full map evicts the least-recently-used
   * entry (`"evict-lru"`) or is refused (`"reject"`).
   *
   * @param key The key.
   * @param value The value.
   * @returns `true` if the value was stored, `false` if the `"reject"` policy
   * refused a new key.
   *
   * @example Updating a key of a full map that rejects new keys
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { BoundedMap } from "./bounded_map.ts";
   *
   * const map = new BoundedMap<string, number>({ capacity: 1, policy: "reject" });
   * equal(map.set("a", 1), true);
   * equal(map.set("b", 2), false);
   * equal(map.set("a", 3), true);
   * equal(map.get("a"), 3);
   * ```
   */
  set(key: K, value: V): boolean {
    const now = this.#ttlMs === undefined ? 0 : this.#now();
    const existing = this.#live(key, now);
    if (existing !== undefined) {
      existing.value = value;
      toNewest(this.#head, existing);
      this.#refreshExpiry(existing, now);
      return true;
    }
    if (this.#entries.size >= this.#capacity) {
      if (this.#policy === "reject") {
        this.#rejected++;
        return false;
      }
      const oldest = this.#head.newer;
      this.#remove(oldest);
      this.#evictedCapacity++;
      this.#insert(key, value, now);
      this.#onEvict?.(oldest.key, oldest.value, "capacity");
      return true;
    }
    this.#insert(key, value, now);
    return true;
  }

  /**
   * Returns the value of `key` and makes it the most recently used entry.
   * Does not refresh its TTL (use {@link BoundedMap.touch}).
   *
   * @param key The key.
   * @returns The value, or `undefined` if the key is absent or expired.
   *
   * @example Reading refreshes recency
   * ```ts
   * import { deepEqual, equal } from "node:assert/strict";
   * import { BoundedMap } from "./bounded_map.ts";
   *
   * const map = new BoundedMap<string, number>({ capacity: 2 });
   * map.set("a", 1);
   * map.set("b", 2);
   * equal(map.get("a"), 1);
   * deepEqual([...map.keys()], ["b", "a"]);
   * ```
   */
  get(key: K): V | undefined {
    const entry = this.#live(key);
    if (entry === undefined) return undefined;
    toNewest(this.#head, entry);
    return entry.value;
  }

  /**
   * Returns the value of `key` without changing its recency or TTL.
   *
   * @param key The key.
   * @returns The value, or `undefined` if the key is absent or expired.
   *
   * @example Peeking does not refresh recency
   * ```ts
   * import { deepEqual, equal } from "node:assert/strict";
   * import { BoundedMap } from "./bounded_map.ts";
   *
   * const map = new BoundedMap<string, number>({ capacity: 2 });
   * map.set("a", 1);
   * map.set("b", 2);
   * equal(map.peek("a"), 1);
   * deepEqual([...map.keys()], ["a", "b"]);
   * ```
   */
  peek(key: K): V | undefined {
    return this.#live(key)?.value;
  }

  /**
   * Whether `key` is present and unexpired. Does not change its recency.
   *
   * @param key The key.
   * @returns `true` if the key is present and unexpired.
   *
   * @example Checking a key
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { BoundedMap } from "./bounded_map.ts";
   *
   * const map = new BoundedMap<string, number>({ capacity: 2 });
   * map.set("a", 1);
   * equal(map.has("a"), true);
   * equal(map.has("b"), false);
   * ```
   */
  has(key: K): boolean {
    return this.#live(key) !== undefined;
  }

  /**
   * Refreshes the TTL of `key` and makes it the most recently used entry,
   * without changing its value (e.g. on a keep-alive packet).
   *
   * @param key The key.
   * @returns `true` if the key was present and unexpired.
   *
   * @example Keeping a client alive
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { BoundedMap } from "./bounded_map.ts";
   *
   * let time = 0;
   * const map = new BoundedMap<string, number>({
   *   capacity: 2,
   *   ttlMs: 1000,
   *   now: () => time,
   * });
   * map.set("a", 1);
   * time = 900;
   * equal(map.touch("a"), true);
   * time = 1500;
   * equal(map.get("a"), 1);
   * ```
   */
  touch(key: K): boolean {
    const now = this.#ttlMs === undefined ? 0 : this.#now();
    const entry = this.#live(key, now);
    if (entry === undefined) return false;
    toNewest(this.#head, entry);
    this.#refreshExpiry(entry, now);
    return true;
  }

  /**
   * Removes `key`; calls `onEvict` with reason `"deleted"` if it was present.
   *
   * @param key The key.
   * @returns `true` if the key was present and unexpired.
   *
   * @example Deleting a key
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { BoundedMap } from "./bounded_map.ts";
   *
   * const map = new BoundedMap<string, number>({ capacity: 2 });
   * map.set("a", 1);
   * equal(map.delete("a"), true);
   * equal(map.delete("a"), false);
   * ```
   */
  delete(key: K): boolean {
    const entry = this.#live(key);
    if (entry === undefined) return false;
    this.#remove(entry);
    this.#onEvict?.(entry.key, entry.value, "deleted");
    return true;
  }

  /**
   * Removes every entry; calls `onEvict` with reason `"cleared"` for each
   * (oldest first). Counters are kept. If `onEvict` throws, the remaining
   * calls still run and the first error is rethrown afterwards.
   *
   * @example Clearing the map
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { BoundedMap } from "./bounded_map.ts";
   *
   * const map = new BoundedMap<string, number>({ capacity: 2 });
   * map.set("a", 1);
   * map.clear();
   * equal(map.size, 0);
   * ```
   */
  clear(): void {
    const entries = this.#snapshot();
    this.#entries.clear();
    detach(this.#head);
    this.#nextExpiry = Infinity;
    this.#latestExpiry = -Infinity;
    this.#unsorted = false;
    const onEvict = this.#onEvict;
    if (onEvict === undefined) return;
    let failure: { error: unknown } | undefined;
    for (const entry of entries) {
      try {
        onEvict(entry.key, entry.value, "cleared");
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
  }

  /**
   * Removes every expired entry now (reason `"ttl"`). Cheap: O(1) when
   * nothing expired, O(expired) otherwise, so it can run every second on a
   * large table.
   *
   * @returns The number of entries removed.
   *
   * @example Sweeping expired entries
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { BoundedMap } from "./bounded_map.ts";
   *
   * let time = 0;
   * const map = new BoundedMap<string, number>({
   *   capacity: 10,
   *   ttlMs: 100,
   *   now: () => time,
   * });
   * map.set("a", 1);
   * map.set("b", 2);
   * time = 100;
   * equal(map.sweep(), 2);
   * ```
   */
  sweep(): number {
    return this.#expire();
  }

  /**
   * The live keys in least-recently-used order, oldest first. A snapshot:
   * changing the map while iterating is safe.
   *
   * @returns An iterator of the keys.
   *
   * @example Listing keys
   * ```ts
   * import { deepEqual } from "node:assert/strict";
   * import { BoundedMap } from "./bounded_map.ts";
   *
   * const map = new BoundedMap<string, number>({ capacity: 2 });
   * map.set("a", 1);
   * map.set("b", 2);
   * deepEqual([...map.keys()], ["a", "b"]);
   * ```
   */
  keys(): IterableIterator<K> {
    return this.#snapshot().map((entry) => entry.key).values();
  }

  /**
   * The live values in least-recently-used order, oldest first. A snapshot:
   * changing the map while iterating is safe.
   *
   * @returns An iterator of the values.
   *
   * @example Listing values
   * ```ts
   * import { deepEqual } from "node:assert/strict";
   * import { BoundedMap } from "./bounded_map.ts";
   *
   * const map = new BoundedMap<string, number>({ capacity: 2 });
   * map.set("a", 1);
   * map.set("b", 2);
   * deepEqual([...map.values()], [1, 2]);
   * ```
   */
  values(): IterableIterator<V> {
    return this.#snapshot().map((entry) => entry.value).values();
  }

  /**
   * The live `[key, value]` pairs in least-recently-used order, oldest first.
   * A snapshot: changing the map while iterating is safe.
   *
   * @returns An iterator of the pairs.
   *
   * @example Listing entries
   * ```ts
   * import { deepEqual } from "node:assert/strict";
   * import { BoundedMap } from "./bounded_map.ts";
   *
   * const map = new BoundedMap<string, number>({ capacity: 2 });
   * map.set("a", 1);
   * deepEqual([...map.entries()], [["a", 1]]);
   * ```
   */
  entries(): IterableIterator<[K, V]> {
    return this.#snapshot().map((entry): [K, V] => [entry.key, entry.value])
      .values();
  }

  /**
   * Same as {@link BoundedMap.entries}.
   *
   * @returns An iterator of the `[key, value]` pairs, oldest first.
   *
   * @example Iterating a map
   * ```ts
   * import { deepEqual } from "node:assert/strict";
   * import { BoundedMap } from "./bounded_map.ts";
   *
   * const map = new BoundedMap<string, number>({ capacity: 2 });
   * map.set("a", 1);
   * deepEqual([...map], [["a", 1]]);
   * ```
   */
  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }

  /** The live entries, oldest first, after removing the expired ones. */
  #snapshot(): Entry<K, V>[] {
    this.#expire();
    const entries = new Array<Entry<K, V>>(this.#entries.size);
    let i = 0;
    for (let e = this.#head.newer; e !== this.#head; e = e.newer) {
      entries[i++] = e;
    }
    return entries;
  }

  /** The entry of `key` if present and unexpired; removes expired entries. */
  #live(key: K, now?: number): Entry<K, V> | undefined {
    this.#expire(now);
    return this.#entries.get(key);
  }

  #insert(key: K, value: V, now: number): void {
    const entry = new Entry(key, value);
    this.#entries.set(key, entry);
    toNewest(this.#head, entry);
    this.#inserted++;
    this.#refreshExpiry(entry, now);
  }

  #refreshExpiry(entry: Entry<K, V>, now: number): void {
    if (this.#ttlMs === undefined) return;
    entry.expiresAt = now + this.#ttlMs;
    toLatest(this.#head, entry);
    if (entry.expiresAt < this.#nextExpiry) this.#nextExpiry = entry.expiresAt;
    if (entry.expiresAt < this.#latestExpiry) {
      this.#unsorted = true;
    } else {
      this.#latestExpiry = entry.expiresAt;
    }
  }

  #remove(entry: Entry<K, V>): void {
    this.#entries.delete(entry.key);
    unlink(entry);
  }

  /** Removes the expired entries (oldest expiry first); returns how many. */
  #expire(now?: number): number {
    if (this.#ttlMs === undefined) return 0;
    now ??= this.#now();
    if (now < this.#nextExpiry) return 0;
    if (this.#unsorted) return this.#expireUnsorted(now);
    let removed = 0;
    while (true) {
      const oldest = this.#head.expNewer;
      if (oldest === this.#head) {
        this.#nextExpiry = Infinity;
        return removed;
      }
      if (now < oldest.expiresAt) {
        this.#nextExpiry = oldest.expiresAt;
        return removed;
      }
      this.#remove(oldest);
      this.#evictedTtl++;
      removed++;
      this.#onEvict?.(oldest.key, oldest.value, "ttl");
    }
  }

  /**
   * Removes the expired entries after the clock went backwards, by a full
   * scan, and puts the expiry list back in order. O(n log n), but only after a
   * clock regression.
   */
  #expireUnsorted(now: number): number {
    const expired: Entry<K, V>[] = [];
    const alive: Entry<K, V>[] = [];
    const head = this.#head;
    for (let e = head.expNewer; e !== head; e = e.expNewer) {
      (now >= e.expiresAt ? expired : alive).push(e);
    }
    const byExpiry = (a: Entry<K, V>, b: Entry<K, V>) =>
      a.expiresAt - b.expiresAt;
    alive.sort(byExpiry);
    expired.sort(byExpiry);
    for (const entry of expired) this.#remove(entry);
    head.expOlder = head;
    head.expNewer = head;
    for (const entry of alive) {
      entry.expOlder = entry;
      entry.expNewer = entry;
      toLatest(head, entry);
    }
    this.#unsorted = false;
    this.#nextExpiry = alive[0]?.expiresAt ?? Infinity;
    this.#latestExpiry = alive.at(-1)?.expiresAt ?? -Infinity;
    this.#evictedTtl += expired.length;
    const onEvict = this.#onEvict;
    if (onEvict !== undefined) {
      let failure: { error: unknown } | undefined;
      for (const entry of expired) {
        try {
          onEvict(entry.key, entry.value, "ttl");
        } catch (error) {
          failure ??= { error };
        }
      }
      if (failure !== undefined) throw failure.error;
    }
    return expired.length;
  }
}
