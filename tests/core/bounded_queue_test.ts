import { deepEqual, equal, rejects, throws } from "node:assert/strict";
import { BoundedQueue, QueueFullError } from "../../lib/core/bounded/mod.ts";

Deno.test("BoundedQueue() rejects an invalid capacity, policy or maxWaiters", () => {
  for (const capacity of [0, -1, 2.5, NaN, Infinity]) {
    throws(() => new BoundedQueue({ capacity, policy: "reject" }), {
      name: "RangeError",
      message: `Expected capacity to be an integer >= 1 but found ${capacity}`,
    });
  }
  throws(
    () =>
      new BoundedQueue({
        capacity: 1,
        policy: "drop" as unknown as "reject",
      }),
    {
      name: "RangeError",
      message:
        'Expected policy to be "drop-oldest", "drop-newest" or "reject" but found "drop"',
    },
  );
  throws(
    () => new BoundedQueue({ capacity: 1, policy: "reject", maxWaiters: -1 }),
    RangeError,
  );
  const queue = new BoundedQueue({ capacity: 3, policy: "drop-newest" });
  equal(queue.capacity, 3);
  equal(queue.policy, "drop-newest");
  equal(queue.size, 0);
});

Deno.test("BoundedQueue.push() and shift() are first in, first out across the ring's wrap", () => {
  const queue = new BoundedQueue<number>({ capacity: 3, policy: "reject" });
  const out: number[] = [];
  for (let i = 0; i < 10; i++) {
    queue.push(i);
    queue.push(i + 100);
    out.push(queue.shift()!, queue.shift()!);
  }
  deepEqual(
    out,
    Array.from({ length: 10 }, (_, i) => [i, i + 100]).flat(),
  );
  equal(queue.shift(), undefined);
  equal(queue.peek(), undefined);
  equal(queue.size, 0);
});

Deno.test("BoundedQueue.push() with drop-oldest keeps the newest items and counts drops", () => {
  const queue = new BoundedQueue<number>({
    capacity: 100,
    policy: "drop-oldest",
  });
  for (let i = 0; i < 10_000; i++) {
    equal(queue.push(i), true);
    if (queue.size > 100) throw new Error(`size ${queue.size} exceeded 100`);
  }
  equal(queue.size, 100);
  equal(queue.peek(), 9_900);
  deepEqual([...queue], Array.from({ length: 100 }, (_, i) => 9_900 + i));
  deepEqual(queue.stats, {
    pushed: 10_000,
    droppedOldest: 9_900,
    droppedNewest: 0,
    rejected: 0,
  });
});

Deno.test("BoundedQueue.push() with drop-newest keeps the first items and returns false", () => {
  const queue = new BoundedQueue<number>({
    capacity: 100,
    policy: "drop-newest",
  });
  let accepted = 0;
  for (let i = 0; i < 10_000; i++) if (queue.push(i)) accepted++;
  equal(accepted, 100);
  equal(queue.size, 100);
  deepEqual(queue.drain(), Array.from({ length: 100 }, (_, i) => i));
  deepEqual(queue.stats, {
    pushed: 100,
    droppedOldest: 0,
    droppedNewest: 9_900,
    rejected: 0,
  });
});

Deno.test("BoundedQueue.push() with reject throws QueueFullError and counts it", () => {
  const queue = new BoundedQueue<string>({ capacity: 2, policy: "reject" });
  queue.push("a");
  queue.push("b");
  for (let i = 0; i < 3; i++) {
    throws(() => queue.push("c"), (error: unknown) => {
      equal(error instanceof QueueFullError, true);
      equal((error as QueueFullError).name, "QueueFullError");
      equal((error as QueueFullError).capacity, 2);
      equal(
        (error as Error).message,
        "Expected a queue with free space but found it full (capacity 2)",
      );
      return true;
    });
  }
  deepEqual([...queue], ["a", "b"]);
  equal(queue.stats.rejected, 3);
  equal(queue.stats.pushed, 2);
  queue.shift();
  equal(queue.push("c"), true);
  deepEqual([...queue], ["b", "c"]);
});

Deno.test("BoundedQueue.peek() returns the head without removing it", () => {
  const queue = new BoundedQueue<number>({
    capacity: 2,
    policy: "drop-oldest",
  });
  queue.push(1);
  queue.push(2);
  queue.push(3);
  equal(queue.peek(), 2);
  equal(queue.size, 2);
});

Deno.test("BoundedQueue.clear() empties the queue and keeps the counters", () => {
  const queue = new BoundedQueue<number>({
    capacity: 2,
    policy: "drop-oldest",
  });
  queue.push(1);
  queue.push(2);
  queue.push(3);
  queue.clear();
  equal(queue.size, 0);
  deepEqual([...queue], []);
  equal(queue.stats.droppedOldest, 1);
  queue.push(4);
  queue.push(5);
  deepEqual([...queue], [4, 5]);
});

Deno.test("BoundedQueue.shift() keeps order after drop-oldest wrapped the ring", () => {
  const queue = new BoundedQueue<{ id: number }>({
    capacity: 4,
    policy: "drop-oldest",
  });
  for (let i = 0; i < 10; i++) queue.push({ id: i });
  equal(queue.shift()?.id, 6);
  deepEqual([...queue].map((item) => item.id), [7, 8, 9]);
  queue.clear();
  equal(queue.peek(), undefined);
});

Deno.test("BoundedQueue.drain() removes up to max items, oldest first", () => {
  const queue = new BoundedQueue<number>({ capacity: 5, policy: "reject" });
  for (let i = 0; i < 5; i++) queue.push(i);
  deepEqual(queue.drain(0), []);
  deepEqual(queue.drain(2), [0, 1]);
  equal(queue.size, 3);
  deepEqual(queue.drain(10), [2, 3, 4]);
  deepEqual(queue.drain(), []);
  for (const max of [-1, 1.5, NaN]) {
    throws(() => queue.drain(max), RangeError);
  }
});

Deno.test("BoundedQueue iteration is a snapshot, safe to shift while iterating", () => {
  const queue = new BoundedQueue<number>({ capacity: 3, policy: "reject" });
  queue.push(1);
  queue.push(2);
  queue.push(3);
  const seen: number[] = [];
  for (const item of queue) {
    seen.push(item);
    queue.shift();
    queue.push(item + 10);
  }
  deepEqual(seen, [1, 2, 3]);
  deepEqual([...queue], [11, 12, 13]);
});

Deno.test("BoundedQueue.take() resolves at once when an item is queued", async () => {
  const queue = new BoundedQueue<number>({ capacity: 2, policy: "reject" });
  queue.push(1);
  equal(await queue.take(), 1);
  equal(queue.size, 0);
});

Deno.test("BoundedQueue.take() waits for the next push, which bypasses the ring", async () => {
  const queue = new BoundedQueue<number>({ capacity: 1, policy: "reject" });
  const next = queue.take();
  equal(queue.waiting, 1);
  equal(queue.push(7), true);
  equal(queue.size, 0);
  equal(queue.waiting, 0);
  equal(await next, 7);
  equal(queue.stats.pushed, 1);
});

Deno.test("BoundedQueue.take() serves waiters oldest first and limits their number", async () => {
  const queue = new BoundedQueue<string>({
    capacity: 2,
    policy: "drop-oldest",
    maxWaiters: 2,
  });
  const first = queue.take();
  const second = queue.take();
  await rejects(queue.take(), {
    name: "RangeError",
    message:
      "Expected at most 2 pending take() calls but found 2 already waiting",
  });
  queue.push("a");
  queue.push("b");
  queue.push("c");
  deepEqual(await Promise.all([first, second]), ["a", "b"]);
  deepEqual([...queue], ["c"]);

  const none = new BoundedQueue<string>({
    capacity: 1,
    policy: "reject",
    maxWaiters: 0,
  });
  await rejects(none.take(), RangeError);
  none.push("x");
  equal(await none.take(), "x");
});

Deno.test("BoundedQueue.take() rejects with the signal's reason on abort and leaves no waiter", async () => {
  const queue = new BoundedQueue<number>({ capacity: 2, policy: "reject" });
  const controller = new AbortController();
  const pending = queue.take(controller.signal);
  const reason = new Error("Shutting down");
  controller.abort(reason);
  await rejects(pending, (error: unknown) => error === reason);
  equal(queue.waiting, 0);
  // The next push is queued, not handed to the aborted waiter.
  queue.push(1);
  equal(queue.size, 1);
  equal(await queue.take(), 1);
});

Deno.test("BoundedQueue.take() with an already aborted signal rejects without taking", async () => {
  const queue = new BoundedQueue<number>({ capacity: 2, policy: "reject" });
  queue.push(1);
  const signal = AbortSignal.abort(new Error("Already stopped"));
  await rejects(queue.take(signal), { message: "Already stopped" });
  equal(queue.size, 1);
  equal(queue.waiting, 0);
});

Deno.test("BoundedQueue.take() removes its abort listener once served", async () => {
  const queue = new BoundedQueue<number>({ capacity: 2, policy: "reject" });
  const controller = new AbortController();
  const pending = queue.take(controller.signal);
  queue.push(5);
  equal(await pending, 5);
  // Aborting afterwards must not touch the queue or reject anything.
  controller.abort(new Error("Late"));
  equal(queue.waiting, 0);
  queue.push(6);
  equal(queue.size, 1);
});

Deno.test("BoundedQueue.take() does not pile up listeners on a long-lived signal", async () => {
  const queue = new BoundedQueue<number>({ capacity: 2, policy: "reject" });
  const controller = new AbortController();
  const signal = controller.signal;
  let listeners = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (...args: Parameters<typeof add>) => {
    listeners++;
    add(...args);
  };
  signal.removeEventListener = (...args: Parameters<typeof remove>) => {
    listeners--;
    remove(...args);
  };
  for (let i = 0; i < 1_000; i++) {
    const pending = queue.take(signal);
    queue.push(i);
    equal(await pending, i);
  }
  equal(listeners, 0);
  const last = queue.take(signal);
  equal(listeners, 1);
  controller.abort(new Error("Stop"));
  await rejects(last, { message: "Stop" });
});
