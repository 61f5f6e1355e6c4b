/**
 * A fixed-capacity FIFO queue over a circular array, with an overflow policy
 * and counters of what it dropped or rejected.
 *
 * @module
 */

/**
 * What {@link BoundedQueue.push} does when the queue is full.
 *
 * - `"drop-oldest"`: the head is dropped to make room; `push` returns `true`.
 * - `"drop-newest"`: the incoming item is dropped; `push` returns `false`.
 * - `"reject"`: `push` throws a {@link QueueFullError}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BoundedQueue, type BoundedQueuePolicy } from "./bounded_queue.ts";
 *
 * const policy: BoundedQueuePolicy = "drop-newest";
 * equal(new BoundedQueue({ capacity: 1, policy }).policy, "drop-newest");
 * ```
 */
export type BoundedQueuePolicy = "drop-oldest" | "drop-newest" | "reject";

/**
 * Options of {@link BoundedQueue}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BoundedQueue, type BoundedQueueOptions } from "./bounded_queue.ts";
 *
 * const options: BoundedQueueOptions = { capacity: 16, policy: "drop-oldest" };
 * equal(new BoundedQueue(options).capacity, 16);
 * ```
 */
export interface BoundedQueueOptions {
  /** The maximum number of items, an integer >= 1. */
  capacity: number;
  /** What `push` does when the queue is full. */
  policy: BoundedQueuePolicy;
  /**
   * The maximum number of pending {@link BoundedQueue.take} calls, an integer
   * >= 0. Default 1 (a single consumer).
   */
  maxWaiters?: number;
}

/**
 * Counters of a {@link BoundedQueue}, since it was created.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BoundedQueue, type BoundedQueueStats } from "./bounded_queue.ts";
 *
 * const queue = new BoundedQueue<number>({ capacity: 1, policy: "drop-oldest" });
 * queue.push(1);
 * queue.push(2);
 * const stats: BoundedQueueStats = queue.stats;
 * equal(stats.droppedOldest, 1);
 * ```
 */
export interface BoundedQueueStats {
  /** Items accepted by `push` (including those handed to a waiting `take`). */
  pushed: number;
  /** Items dropped from the head by the `"drop-oldest"` policy. */
  droppedOldest: number;
  /** Incoming items dropped by the `"drop-newest"` policy. */
  droppedNewest: number;
  /** Incoming items refused by the `"reject"` policy. */
  rejected: number;
}

/**
 * Thrown by {@link BoundedQueue.push} when a queue with the `"reject"` policy
 * is full.
 *
 * @example Catching a full queue
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { BoundedQueue, QueueFullError } from "./bounded_queue.ts";
 *
 * const queue = new BoundedQueue<number>({ capacity: 1, policy: "reject" });
 * queue.push(1);
 * throws(() => queue.push(2), QueueFullError);
 * equal(new QueueFullError(1).capacity, 1);
 * ```
 */
export class QueueFullError extends Error {
  /** The capacity of the queue that was full. */
  readonly capacity: number;

  /**
   * Creates the error.
   *
   * @param capacity The capacity of the queue that was full.
   * @param options The standard error options (`cause`).
   *
   * @example Creating the error
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { QueueFullError } from "./bounded_queue.ts";
   *
   * const error = new QueueFullError(8);
   * equal(error.name, "QueueFullError");
   * equal(error.message, "Expected a queue with free space but found it full (capacity 8)");
   * ```
   */
  constructor(capacity: number, options?: ErrorOptions) {
    super(
      `Expected a queue with free space but found it full (capacity ${capacity})`,
      options,
    );
    this.name = "QueueFullError";
    this.capacity = capacity;
  }
}

interface Waiter<T> {
  resolve: (item: T) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * A first-in first-out queue that never holds more than `capacity` items.
 * Storage is one array of `capacity` slots used as a ring: `push`, `shift`
 * and `peek` are O(1) and allocate nothing.
 *
 * A consumer can also wait for the next item with {@link BoundedQueue.take};
 * at most `maxWaiters` calls may wait at once.
 *
 * @typeParam T The item type.
 *
 * @example Dropping the oldest items
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { BoundedQueue } from "./bounded_queue.ts";
 *
 * const queue = new BoundedQueue<number>({ capacity: 2, policy: "drop-oldest" });
 * queue.push(1);
 * queue.push(2);
 * queue.push(3); // drops 1
 * deepEqual(queue.drain(), [2, 3]);
 * equal(queue.stats.droppedOldest, 1);
 * ```
 */
export class BoundedQueue<T> implements Iterable<T> {
  readonly #capacity: number;
  readonly #policy: BoundedQueuePolicy;
  readonly #maxWaiters: number;
  readonly #slots: (T | undefined)[];
  #head = 0;
  #size = 0;
  /** Pending `take` calls, oldest first; non-empty only while the queue is empty. */
  #waiters: Waiter<T>[] = [];
  #pushed = 0;
  #droppedOldest = 0;
  #droppedNewest = 0;
  #rejected = 0;

  /**
   * Creates an empty queue.
   *
   * @param options The capacity, overflow policy and maximum waiters.
   * @throws {RangeError} If `capacity` is not an integer >= 1, `maxWaiters`
   * is not an integer >= 0 or `policy` is unknown.
   *
   * @example Creating a queue
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { BoundedQueue } from "./bounded_queue.ts";
   *
   * const queue = new BoundedQueue<Uint8Array>({ capacity: 64, policy: "drop-newest" });
   * equal(queue.capacity, 64);
   * ```
   */
  constructor(options: BoundedQueueOptions) {
    const { capacity, policy, maxWaiters = 1 } = options;
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `Expected capacity to be an integer >= 1 but found ${capacity}`,
      );
    }
    if (
      policy !== "drop-oldest" && policy !== "drop-newest" &&
      policy !== "reject"
    ) {
      throw new RangeError(
        `Expected policy to be "drop-oldest", "drop-newest" or "reject" but found ${
          JSON.stringify(policy)
        }`,
      );
    }
    if (!Number.isSafeInteger(maxWaiters) || maxWaiters < 0) {
      throw new RangeError(
        `Expected maxWaiters to be an integer >= 0 but found ${maxWaiters}`,
      );
    }
    this.#capacity = capacity;
    this.#policy = policy;
    this.#maxWaiters = maxWaiters;
    this.#slots = new Array<T | undefined>(capacity).fill(undefined);
  }

  /**
   * The maximum number of items.
   *
   * @example Reading the capacity
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { BoundedQueue } from "./bounded_queue.ts";
   *
   * equal(new BoundedQueue({ capacity: 4, policy: "reject" }).capacity, 4);
   * ```
   */
  get capacity(): number {
    return this.#capacity;
  }

  /**
   * The overflow policy.
   *
   * @example Reading the policy
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { BoundedQueue } from "./bounded_queue.ts";
   *
   * equal(new BoundedQueue({ capacity: 4, policy: "reject" }).policy, "reject");
   * ```
   */
  get policy(): BoundedQueuePolicy {
    return this.#policy;
  }

  /**
   * The number of items in the queue.
   *
   * @example Counting items
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { BoundedQueue } from "./bounded_queue.ts";
   *
   * const queue = new BoundedQueue<number>({ capacity: 4, policy: "reject" });
   * queue.push(1);
   * equal(queue.size, 1);
   * ```
   */
  get size(): number {
    return this.#size;
  }

  /**
   * The number of pending {@link BoundedQueue.take} calls.
   *
   * @example Counting waiters
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { BoundedQueue } from "./bounded_queue.ts";
   *
   * const queue = new BoundedQueue<number>({ capacity: 4, policy: "reject" });
   * const next = queue.take();
   * equal(queue.waiting, 1);
   * queue.push(1);
   * equal(await next, 1);
   * equal(queue.waiting, 0);
   * ```
   */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * A snapshot of the counters since the queue was created.
   *
   * @example Reading the counters
   * ```ts
   * import { deepEqual } from "node:assert/strict";
   * import { BoundedQueue } from "./bounded_queue.ts";
   *
   * const queue = new BoundedQueue<number>({ capacity: 1, policy: "drop-newest" });
   * queue.push(1);
   * queue.push(2);
   * deepEqual(queue.stats, {
   *   pushed: 1,
   *   droppedOldest: 0,
   *   droppedNewest: 1,
   *   rejected: 0,
   * });
   * ```
   */
  get stats(): BoundedQueueStats {
    return {
      pushed: this.#pushed,
      droppedOldest: this.#droppedOldest,
      droppedNewest: this.#droppedNewest,
      rejected: this.#rejected,
    };
  }

  /**
   * Appends `item` at the tail, or hands it to the oldest pending
   * {@link BoundedQueue.take}. When the queue is full, applies the policy.
   *
   * @param item The item.
   * @returns `true` if the item was accepted, `false` if the `"drop-newest"`
   * policy dropped it.
   * @throws {QueueFullError} If the queue is full and the policy is
   * `"reject"`.
   *
   * @example Dropping the newest item
   * ```ts
   * import { deepEqual, equal } from "node:assert/strict";
   * import { BoundedQueue } from "./bounded_queue.ts";
   *
   * const queue = new BoundedQueue<number>({ capacity: 1, policy: "drop-newest" });
   * equal(queue.push(1), true);
   * equal(queue.push(2), false);
   * deepEqual([...queue], [1]);
   * ```
   */
  push(item: T): boolean {
    if (this.#waiters.length > 0) {
      const waiter = this.#waiters.shift()!;
      this.#pushed++;
      waiter.signal?.removeEventListener("abort", waiter.onAbort!);
      waiter.resolve(item);
      return true;
    }
    if (this.#size === this.#capacity) {
      switch (this.#policy) {
        case "drop-oldest":
          this.#slots[this.#head] = item;
          this.#head = (this.#head + 1) % this.#capacity;
          this.#droppedOldest++;
          this.#pushed++;
          return true;
        case "drop-newest":
          this.#droppedNewest++;
          return false;
        case "reject":
          this.#rejected++;
          throw new QueueFullError(this.#capacity);
      }
    }
    this.#slots[(this.#head + this.#size) % this.#capacity] = item;
    this.#size++;
    this.#pushed++;
    return true;
  }

  /**
   * Removes and returns the head item.
   *
   * @returns The oldest item, or `undefined` if the queue is empty.
   *
   * @example Removing items in order
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { BoundedQueue } from "./bounded_queue.ts";
   *
   * const queue = new BoundedQueue<number>({ capacity: 2, policy: "reject" });
   * queue.push(1);
   * queue.push(2);
   * equal(queue.shift(), 1);
   * equal(queue.shift(), 2);
   * equal(queue.shift(), undefined);
   * ```
   */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#slots[this.#head];
    this.#slots[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#capacity;
    this.#size--;
    return item;
  }

  /**
   * Returns the head item without removing it.
   *
   * @returns The oldest item, or `undefined` if the queue is empty.
   *
   * @example Peeking at the head
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { BoundedQueue } from "./bounded_queue.ts";
   *
   * const queue = new BoundedQueue<number>({ capacity: 2, policy: "reject" });
   * queue.push(1);
   * equal(queue.peek(), 1);
   * equal(queue.size, 1);
   * ```
   */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#slots[this.#head];
  }

  /**
   * Removes every item. Counters are kept; pending `take` calls keep waiting.
   *
   * @example Clearing the queue
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { BoundedQueue } from "./bounded_queue.ts";
   *
   * const queue = new BoundedQueue<number>({ capacity: 2, policy: "reject" });
   * queue.push(1);
   * queue.clear();
   * equal(queue.size, 0);
   * ```
   */
  clear(): void {
    this.#slots.fill(undefined);
    this.#head = 0;
    this.#size = 0;
  }

  /**
   * Removes and returns up to `max` items from the head, oldest first.
   *
   * @param max The maximum number of items, an integer >= 0 or `Infinity`.
   * Default `Infinity`.
   * @returns The removed items.
   * @throws {RangeError} If `max` is not an integer >= 0 or `Infinity`.
   *
   * @example Draining a batch
   * ```ts
   * import { deepEqual } from "node:assert/strict";
   * import { BoundedQueue } from "./bounded_queue.ts";
   *
   * const queue = new BoundedQueue<number>({ capacity: 4, policy: "reject" });
   * queue.push(1);
   * queue.push(2);
   * queue.push(3);
   * deepEqual(queue.drain(2), [1, 2]);
   * deepEqual(queue.drain(), [3]);
   * ```
   */
  drain(max: number = Infinity): T[] {
    if (!(Number.isSafeInteger(max) && max >= 0) && max !== Infinity) {
      throw new RangeError(
        `Expected max to be an integer >= 0 or Infinity but found ${max}`,
      );
    }
    const count = Math.min(max, this.#size);
    const items = new Array<T>(count);
    for (let i = 0; i < count; i++) items[i] = this.shift() as T;
    return items;
  }

  /**
   * Waits for the next item and removes it: resolves at once if the queue is
   * not empty, otherwise when an item is pushed. Pending calls are served
   * oldest first.
   *
   * @param signal Aborting it rejects the pending call with the signal's
   * reason (the item, if any, stays in the queue).
   * @returns The oldest item.
   * @throws {RangeError} (as a rejection) If `maxWaiters` calls are already
   * waiting.
   *
   * @example Waiting for an item, with a way out
   * ```ts
   * import { equal, rejects } from "node:assert/strict";
   * import { BoundedQueue } from "./bounded_queue.ts";
   *
   * const queue = new BoundedQueue<string>({ capacity: 4, policy: "drop-oldest" });
   * const next = queue.take();
   * queue.push("frame");
   * equal(await next, "frame");
   *
   * const controller = new AbortController();
   * const pending = queue.take(controller.signal);
   * controller.abort(new Error("Stopping"));
   * await rejects(pending, { message: "Stopping" });
   * ```
   */
  take(signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#size > 0) return Promise.resolve(this.shift() as T);
    if (this.#waiters.length >= this.#maxWaiters) {
      return Promise.reject(
        new RangeError(
          `Expected at most ${this.#maxWaiters} pending take() calls but found ${this.#waiters.length} already waiting`,
        ),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        resolve,
        signal,
        onAbort: undefined,
      };
      if (signal !== undefined) {
        waiter.onAbort = () => {
          const index = this.#waiters.indexOf(waiter);
          if (index !== -1) this.#waiters.splice(index, 1);
          reject(signal.reason);
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.#waiters.push(waiter);
    });
  }

  /**
   * The items, oldest first, without removing them. A snapshot: changing
   * the queue while iterating is safe.
   *
   * @returns An iterator of the items.
   *
   * @example Listing items
   * ```ts
   * import { deepEqual } from "node:assert/strict";
   * import { BoundedQueue } from "./bounded_queue.ts";
   *
   * const queue = new BoundedQueue<number>({ capacity: 2, policy: "drop-oldest" });
   * queue.push(1);
   * queue.push(2);
   * queue.push(3);
   * deepEqual([...queue], [2, 3]);
   * ```
   */
  [Symbol.iterator](): IterableIterator<T> {
    const items = new Array<T>(this.#size);
    for (let i = 0; i < this.#size; i++) {
      items[i] = this.#slots[(this.#head + i) % this.#capacity] as T;
    }
    return items.values();
  }
}
