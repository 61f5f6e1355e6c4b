/**
 * Bounded collections for everything that grows with remote input (clients,
 * streams, sessions, last-heard lists, queues, rate limits): each has a fixed
 * capacity, a documented policy for what happens when it is full, and
 * counters of what it evicted, dropped or refused.
 *
 * - {@link BoundedMap}: LRU order, capacity eviction or rejection, lazy TTL.
 * - {@link BoundedQueue}: ring-buffer FIFO with a drop or reject policy.
 * - {@link SlidingWindowCounter}: events within a sliding window.
 * - {@link TokenBucket}: burst and sustained-rate limiter.
 *
 * @example A rate-limited, bounded client table
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BoundedMap, TokenBucket } from "./mod.ts";
 *
 * let time = 0;
 * const now = () => time;
 * const limits = new BoundedMap<string, TokenBucket>({ capacity: 1000, now });
 * const bucketOf = (address: string) => {
 *   let bucket = limits.get(address);
 *   if (bucket === undefined) {
 *     bucket = new TokenBucket({ capacity: 1, refillPerSecond: 1, now });
 *     limits.set(address, bucket);
 *   }
 *   return bucket;
 * };
 * equal(bucketOf("192.0.2.1").tryTake(), true);
 * equal(bucketOf("192.0.2.1").tryTake(), false);
 * ```
 *
 * @module
 */

export * from "./bounded_map.ts";
export * from "./bounded_queue.ts";
export * from "./sliding_window_counter.ts";
export * from "./token_bucket.ts";
