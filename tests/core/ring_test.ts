/**
 * @module Tests of lib/core/ring: SampleRing and SlotRing, single-threaded and
 * across a real Worker.
 */

import assert from "node:assert/strict";
import { SampleRing, SlotRing } from "../../lib/core/ring/mod.ts";
import {
  HEADER_BYTES,
  OVERFLOW_HI_FIRST,
  OVERFLOW_HI_LAST,
  OVERFLOW_LO,
  READ_INDEX,
  READER_WAITING,
  WRITE_INDEX,
  WRITER_WAITING,
} from "../../lib/core/ring/_header.ts";
import {
  messageByte,
  messageLength,
  type RingWorkerCommand,
  type RingWorkerReply,
  sampleValue,
} from "./_ring_fixture.ts";

/** Generous bound for anything that waits on another thread. */
const WAKE_TIMEOUT_MS = 10_000;

/**
 * Asserts that a wait started at `started` ended well before
 * WAKE_TIMEOUT_MS: a wait that was never notified sleeps the whole timeout
 * (and may still return "ok" if the condition holds by then).
 */
function assertWokenEarly(started: number): void {
  const elapsed = performance.now() - started;
  assert.ok(
    elapsed < WAKE_TIMEOUT_MS / 2,
    `Expected a wake-up within ${WAKE_TIMEOUT_MS / 2} ms, found ${elapsed} ms`,
  );
}

function headerOf(ring: { buffer: SharedArrayBuffer }): Int32Array {
  return new Int32Array(ring.buffer, 0, HEADER_BYTES / 4);
}

function dataOf(ring: SampleRing): Float32Array {
  return new Float32Array(ring.buffer, HEADER_BYTES, ring.capacity);
}

function floats(...values: number[]): Float32Array {
  return new Float32Array(values);
}

/**
 * A clock that advances by `stepMs` at every reading, so any wait shorter
 * than `stepMs` gives up after one check, without sleeping.
 */
function jumpingClock(stepMs: number): () => number {
  let now = 0;
  return () => (now += stepMs);
}

interface RunningWorker {
  worker: Worker;
  reply: Promise<RingWorkerReply>;
}

/** Starts `_ring_worker.ts` on `command`; `reply` rejects if it throws. */
function startWorker(command: RingWorkerCommand): RunningWorker {
  const worker = new Worker(new URL("./_ring_worker.ts", import.meta.url), {
    type: "module",
  });
  const { promise, resolve, reject } = Promise.withResolvers<
    RingWorkerReply
  >();
  worker.onmessage = (event: MessageEvent<RingWorkerReply>) =>
    resolve(event.data);
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    reject(new Error(`Ring worker failed: ${event.message}`));
  };
  worker.postMessage(command);
  return { worker, reply: promise };
}

// ---------------------------------------------------------------- SampleRing

Deno.test("SampleRing.create() rejects a capacity that is not a power of two", () => {
  for (const capacity of [0, 3, 1000, 1.5, -4, 2 ** 31, NaN]) {
    assert.throws(() => SampleRing.create(capacity), RangeError, `${capacity}`);
  }
  assert.throws(
    () => SampleRing.create(1000),
    { name: "RangeError", message: /power of two.*found 1000$/ },
  );
  assert.equal(SampleRing.create(1).capacity, 1);
});

Deno.test("SampleRing.create() rejects an initialIndex outside 0..2^32-1", () => {
  for (const initialIndex of [-1, 2 ** 32, 0.5]) {
    assert.throws(
      () => SampleRing.create(8, { initialIndex }),
      RangeError,
      `${initialIndex}`,
    );
  }
  const ring = SampleRing.create(8, { initialIndex: 2 ** 32 - 1 });
  assert.equal(headerOf(ring)[WRITE_INDEX], -1);
  assert.equal(headerOf(ring)[READ_INDEX], -1);
});

Deno.test("SampleRing.attach() shares the samples written through the creator", () => {
  const producer = SampleRing.create(16);
  const consumer = SampleRing.attach(producer.buffer);
  assert.equal(consumer.buffer, producer.buffer);
  assert.equal(consumer.capacity, 16);
  producer.write(floats(1, 2, 3));
  assert.equal(consumer.available(), 3);
  const out = new Float32Array(3);
  assert.equal(consumer.read(out), 3);
  assert.deepEqual(out, floats(1, 2, 3));
  assert.equal(producer.available(), 0);
});

Deno.test("SampleRing.attach() rejects buffers that are not a SampleRing's", () => {
  assert.throws(
    () =>
      SampleRing.attach(new ArrayBuffer(256) as unknown as SharedArrayBuffer),
    { name: "TypeError", message: /SharedArrayBuffer, found ArrayBuffer$/ },
  );
  assert.throws(() => SampleRing.attach(new SharedArrayBuffer(16)), TypeError);
  assert.throws(() => SampleRing.attach(new SharedArrayBuffer(256)), {
    name: "TypeError",
    message: /magic/,
  });
  assert.throws(
    () => SampleRing.attach(SlotRing.create(8, 8).buffer),
    TypeError,
  );
  // A header copied into a buffer too short for its capacity.
  const truncated = new SharedArrayBuffer(HEADER_BYTES + 4);
  new Int32Array(truncated).set(headerOf(SampleRing.create(8)));
  assert.throws(() => SampleRing.attach(truncated), {
    name: "TypeError",
    message: /found 132 bytes$/,
  });
});

Deno.test("SampleRing.write() and read() pass samples in order", () => {
  const ring = SampleRing.create(8);
  assert.equal(ring.available(), 0);
  assert.equal(ring.free(), 8);
  assert.equal(ring.write(floats(1, 2, 3)), 3);
  assert.equal(ring.write(floats()), 0);
  assert.equal(ring.write(floats(4, 5)), 2);
  assert.equal(ring.available(), 5);
  assert.equal(ring.free(), 3);
  const out = new Float32Array(4).fill(-1);
  assert.equal(ring.read(out), 4);
  assert.deepEqual(out, floats(1, 2, 3, 4));
  out.fill(-1);
  assert.equal(ring.read(out), 1);
  assert.deepEqual(out, floats(5, -1, -1, -1));
  assert.equal(ring.read(out), 0);
  assert.equal(ring.read(new Float32Array(0)), 0);
  assert.equal(ring.available(), 0);
  assert.equal(ring.overflows, 0);
});

Deno.test("SampleRing.write() wraps around the end of the buffer", () => {
  const ring = SampleRing.create(8);
  ring.write(floats(0, 0, 0, 0, 0, 0));
  ring.read(new Float32Array(6));
  // Indices are at 6: two samples go to slots 6 and 7, three to slots 0..2.
  assert.equal(ring.write(floats(10, 11, 12, 13, 14)), 5);
  const data = dataOf(ring);
  assert.deepEqual(data.subarray(6, 8), floats(10, 11));
  assert.deepEqual(data.subarray(0, 3), floats(12, 13, 14));
  const out = new Float32Array(8);
  assert.equal(ring.read(out), 5);
  assert.deepEqual(out.subarray(0, 5), floats(10, 11, 12, 13, 14));
  // A full ring whose contents wrap.
  assert.equal(ring.write(floats(1, 2, 3, 4, 5, 6, 7, 8)), 8);
  assert.equal(ring.free(), 0);
  assert.equal(ring.read(out), 8);
  assert.deepEqual(out, floats(1, 2, 3, 4, 5, 6, 7, 8));
});

Deno.test("SampleRing indices wrap around at 2^32 (and at the Int32 sign at 2^31)", () => {
  for (const boundary of [2 ** 32, 2 ** 31]) {
    const start = boundary - 5;
    const ring = SampleRing.create(8, { initialIndex: start });
    const header = headerOf(ring);
    assert.equal(header[WRITE_INDEX] >>> 0, start);
    assert.equal(ring.write(floats(1, 2, 3, 4, 5, 6, 7)), 7);
    // The write index crossed the boundary, the read index did not.
    assert.equal(header[WRITE_INDEX] >>> 0, (boundary + 2) % 2 ** 32);
    assert.equal(header[READ_INDEX] >>> 0, start);
    assert.equal(ring.available(), 7);
    assert.equal(ring.free(), 1);
    assert.equal(ring.write(floats(8, 9)), 1);
    assert.equal(ring.overflows, 1);
    // Full across the boundary: nothing more fits.
    assert.equal(ring.write(floats(9)), 0);
    assert.equal(ring.overflows, 2);
    const out = new Float32Array(3);
    assert.equal(ring.read(out), 3);
    assert.deepEqual(out, floats(1, 2, 3));
    assert.equal(ring.read(out), 3);
    assert.deepEqual(out, floats(4, 5, 6));
    assert.equal(header[READ_INDEX] >>> 0, (boundary + 1) % 2 ** 32);
    assert.equal(ring.available(), 2);
    // Keep streaming past the boundary.
    const queue = [7, 8];
    let next = 10;
    for (let round = 0; round < 50; round++) {
      assert.equal(ring.write(floats(next, next + 1, next + 2)), 3);
      queue.push(next, next + 1, next + 2);
      next += 3;
      assert.equal(ring.read(out), 3);
      assert.deepEqual(out, floats(...queue.splice(0, 3)));
      assert.equal(ring.available(), 2);
    }
    assert.equal(ring.overflows, 2);
  }
});

Deno.test("SampleRing.write() counts dropped samples and never moves the read index", () => {
  const ring = SampleRing.create(8);
  const header = headerOf(ring);
  ring.write(floats(1, 2, 3, 4, 5, 6));
  ring.read(new Float32Array(2));
  const readIndex = Atomics.load(header, READ_INDEX);
  assert.equal(readIndex, 2);
  // 4 free: a partial write of 4 out of 7.
  assert.equal(ring.write(floats(7, 8, 9, 10, 11, 12, 13)), 4);
  assert.equal(ring.overflows, 3);
  assert.equal(Atomics.load(header, READ_INDEX), readIndex);
  // Full: nothing is written, everything is counted, old samples survive.
  assert.equal(ring.write(floats(14, 15)), 0);
  assert.equal(ring.overflows, 5);
  assert.equal(Atomics.load(header, READ_INDEX), readIndex);
  assert.equal(ring.available(), 8);
  const out = new Float32Array(8);
  assert.equal(ring.read(out), 8);
  assert.deepEqual(out, floats(3, 4, 5, 6, 7, 8, 9, 10));
});

Deno.test("SampleRing.overflows counts past 2^32 dropped samples", () => {
  const ring = SampleRing.create(2);
  const header = headerOf(ring);
  Atomics.store(header, OVERFLOW_LO, 2 ** 32 - 10);
  assert.equal(ring.overflows, 2 ** 32 - 10);
  ring.write(new Float32Array(2));
  assert.equal(ring.write(new Float32Array(25)), 0);
  assert.equal(ring.overflows, 2 ** 32 + 15);
  assert.equal(header[OVERFLOW_HI_FIRST], 1);
  assert.equal(header[OVERFLOW_HI_LAST], 1);
  assert.equal(header[OVERFLOW_LO], 15);
});

Deno.test("SampleRing.waitForData() returns ok at once when enough samples are readable", () => {
  const ring = SampleRing.create(8);
  assert.equal(ring.waitForData(0, 0), "ok");
  ring.write(floats(1, 2, 3));
  assert.equal(ring.waitForData(3, 0), "ok");
  assert.equal(ring.waitForData(4, 0), "timed-out");
  assert.equal(ring.waitForSpace(5, 0), "ok");
  assert.equal(ring.waitForSpace(6, 0), "timed-out");
});

Deno.test("SampleRing.waitForData() gives up at the deadline of the injected clock", async () => {
  // The clock jumps past the deadline on its second reading: no real sleep.
  const ring = SampleRing.create(8, { now: jumpingClock(60_000) });
  assert.equal(ring.waitForData(1, 50_000), "timed-out");
  assert.equal(await ring.waitForDataAsync(1, 50_000), "timed-out");
  ring.write(new Float32Array(8));
  assert.equal(ring.waitForSpace(1, 50_000), "timed-out");
  assert.equal(await ring.waitForSpaceAsync(1, 50_000), "timed-out");
});

Deno.test("SampleRing.waitForData() times out after timeoutMs when nothing is written", () => {
  const ring = SampleRing.create(8);
  const started = performance.now();
  assert.equal(ring.waitForData(1, 30), "timed-out");
  const elapsed = performance.now() - started;
  assert.ok(elapsed >= 25 && elapsed < 2_000, `elapsed ${elapsed} ms`);
  assert.equal(headerOf(ring)[READER_WAITING], 0);
});

Deno.test("SampleRing.waitForDataAsync() times out after timeoutMs when nothing is written", async () => {
  const ring = SampleRing.create(8);
  const started = performance.now();
  assert.equal(await ring.waitForDataAsync(1, 30), "timed-out");
  const elapsed = performance.now() - started;
  assert.ok(elapsed >= 25 && elapsed < 2_000, `elapsed ${elapsed} ms`);
  assert.equal(headerOf(ring)[READER_WAITING], 0);
});

Deno.test("SampleRing.waitForSpaceAsync() times out after timeoutMs when nothing is read", async () => {
  const ring = SampleRing.create(4);
  ring.write(new Float32Array(4));
  assert.equal(await ring.waitForSpaceAsync(1, 30), "timed-out");
  assert.equal(ring.waitForSpace(1, 30), "timed-out");
  assert.equal(headerOf(ring)[WRITER_WAITING], 0);
});

Deno.test("SampleRing wait methods reject bad arguments", () => {
  const ring = SampleRing.create(8);
  assert.throws(() => ring.waitForData(9, 0), {
    name: "RangeError",
    message: /minSamples.*between 0 and 8, found 9$/,
  });
  assert.throws(() => ring.waitForData(-1, 0), RangeError);
  assert.throws(() => ring.waitForData(1.5, 0), RangeError);
  assert.throws(() => ring.waitForData(1, -1), RangeError);
  assert.throws(() => ring.waitForData(1, NaN), RangeError);
  assert.throws(() => ring.waitForSpace(9, 0), RangeError);
  assert.throws(() => ring.waitForDataAsync(9, 0), RangeError);
  assert.throws(() => ring.waitForSpaceAsync(1, -5), RangeError);
});

Deno.test("SampleRing.waitForData() is woken by a write in another Worker", async () => {
  const ring = SampleRing.create(16);
  const { worker, reply } = startWorker({
    kind: "write-later",
    buffer: ring.buffer,
    delayMs: 50,
    count: 5,
    value: 7,
  });
  try {
    assert.equal(ring.available(), 0);
    const started = performance.now();
    assert.equal(ring.waitForData(5, WAKE_TIMEOUT_MS), "ok");
    assertWokenEarly(started);
    const out = new Float32Array(16);
    assert.equal(ring.read(out), 5);
    assert.deepEqual(out.subarray(0, 5), floats(7, 7, 7, 7, 7));
    assert.equal((await reply).count, 5);
    assert.equal(headerOf(ring)[READER_WAITING], 0);
  } finally {
    worker.terminate();
  }
});

Deno.test("SampleRing.waitForDataAsync() is woken by a write in another Worker", async () => {
  const ring = SampleRing.create(16);
  const { worker, reply } = startWorker({
    kind: "write-later",
    buffer: ring.buffer,
    delayMs: 50,
    count: 3,
    value: -2.5,
  });
  try {
    const started = performance.now();
    assert.equal(await ring.waitForDataAsync(3, WAKE_TIMEOUT_MS), "ok");
    assertWokenEarly(started);
    const out = new Float32Array(3);
    assert.equal(ring.read(out), 3);
    assert.deepEqual(out, floats(-2.5, -2.5, -2.5));
    assert.equal((await reply).count, 3);
  } finally {
    worker.terminate();
  }
});

Deno.test("SampleRing.waitForSpace() is woken by a read in another Worker", async () => {
  const ring = SampleRing.create(8);
  ring.write(new Float32Array(8));
  const { worker, reply } = startWorker({
    kind: "read-later",
    buffer: ring.buffer,
    delayMs: 50,
    count: 3,
  });
  try {
    assert.equal(ring.free(), 0);
    const started = performance.now();
    assert.equal(ring.waitForSpace(3, WAKE_TIMEOUT_MS), "ok");
    assertWokenEarly(started);
    assert.equal(ring.free(), 3);
    assert.equal((await reply).count, 3);
    assert.equal(headerOf(ring)[WRITER_WAITING], 0);
  } finally {
    worker.terminate();
  }
});

Deno.test("SampleRing.waitForSpaceAsync() is woken by a read in another Worker", async () => {
  const ring = SampleRing.create(8);
  ring.write(new Float32Array(8));
  const { worker, reply } = startWorker({
    kind: "read-later",
    buffer: ring.buffer,
    delayMs: 50,
    count: 8,
  });
  try {
    const started = performance.now();
    assert.equal(await ring.waitForSpaceAsync(8, WAKE_TIMEOUT_MS), "ok");
    assertWokenEarly(started);
    assert.equal((await reply).count, 8);
  } finally {
    worker.terminate();
  }
});

Deno.test("SampleRing carries 1,000,000 samples from a producer Worker in order", async () => {
  const total = 1_000_000;
  // Initial indices near 2^32 so that the counters also wrap mid-stream.
  const ring = SampleRing.create(4096, { initialIndex: 2 ** 32 - 300_000 });
  const { worker, reply } = startWorker({
    kind: "produce-samples",
    buffer: ring.buffer,
    total,
  });
  try {
    const out = new Float32Array(777);
    let received = 0;
    while (received < total) {
      if (ring.waitForData(1, WAKE_TIMEOUT_MS) !== "ok") {
        assert.fail(
          `Expected samples within ${WAKE_TIMEOUT_MS} ms after ${received}`,
        );
      }
      const count = ring.read(out);
      for (let i = 0; i < count; i++) {
        if (out[i] !== sampleValue(received + i)) {
          assert.fail(
            `Expected sample ${received + i} to be ${
              sampleValue(received + i)
            }, found ${out[i]}`,
          );
        }
      }
      received += count;
    }
    const done = await reply;
    assert.equal(done.count, total);
    assert.equal(received, total);
    assert.equal(ring.available(), 0);
    assert.equal(ring.overflows, 0);
  } finally {
    worker.terminate();
  }
});

// ------------------------------------------------------------------ SlotRing

Deno.test("SlotRing.create() rejects bad slot counts and slot sizes", () => {
  for (const slotCount of [0, 3, 12, 2 ** 31, 0.5]) {
    assert.throws(() => SlotRing.create(slotCount, 8), RangeError);
  }
  for (const slotBytes of [0, -1, 1.5, 2 ** 24 + 1, NaN]) {
    assert.throws(() => SlotRing.create(8, slotBytes), RangeError);
  }
  assert.throws(
    () => SlotRing.create(8, 8, { initialIndex: 2 ** 32 }),
    RangeError,
  );
  const ring = SlotRing.create(1, 1);
  assert.equal(ring.capacity, 1);
  assert.equal(ring.slotBytes, 1);
});

Deno.test("SlotRing.attach() shares the slots and rejects foreign buffers", () => {
  const producer = SlotRing.create(4, 10);
  const consumer = SlotRing.attach(producer.buffer);
  assert.equal(consumer.capacity, 4);
  assert.equal(consumer.slotBytes, 10);
  producer.push(new Uint8Array([1, 2]));
  assert.equal(consumer.size, 1);
  assert.throws(() => SlotRing.attach(SampleRing.create(8).buffer), {
    name: "TypeError",
    message: /Expected a SlotRing buffer/,
  });
  assert.throws(() => SlotRing.attach(new SharedArrayBuffer(8)), TypeError);
  const truncated = new SharedArrayBuffer(HEADER_BYTES + 8);
  new Int32Array(truncated).set(headerOf(producer));
  assert.throws(() => SlotRing.attach(truncated), TypeError);
});

Deno.test("SlotRing.push() and pop() pass messages in order, including empty ones", () => {
  const ring = SlotRing.create(4, 6);
  const out = new Uint8Array(6);
  for (let i = 0; i < 40; i++) {
    const length = messageLength(i, 6);
    const message = new Uint8Array(length);
    for (let j = 0; j < length; j++) message[j] = messageByte(i, j);
    assert.equal(ring.push(message), true);
    if (i % 3 === 2) {
      // Drain in batches so the slots wrap while messages are queued.
      while (ring.size > 0) ring.pop(out);
    }
  }
  while (ring.size > 0) ring.pop(out);
  for (let i = 0; i < 4; i++) {
    ring.push(new Uint8Array(i).fill(i + 1));
  }
  assert.equal(ring.size, 4);
  for (let i = 0; i < 4; i++) {
    out.fill(0xee);
    assert.equal(ring.peekLength(), i);
    assert.equal(ring.pop(out), i);
    assert.deepEqual(
      Array.from(out),
      [...new Array(i).fill(i + 1), ...new Array(6 - i).fill(0xee)],
    );
  }
  assert.equal(ring.pop(out), -1);
  assert.equal(ring.peekLength(), -1);
  assert.equal(ring.size, 0);
  assert.equal(ring.overflows, 0);
});

Deno.test("SlotRing.push() rejects a message longer than slotBytes", () => {
  const ring = SlotRing.create(4, 8);
  assert.throws(() => ring.push(new Uint8Array(9)), {
    name: "RangeError",
    message: "Expected a message of at most 8 bytes, found 9 bytes",
  });
  assert.equal(ring.size, 0);
  assert.equal(ring.overflows, 0);
  assert.equal(ring.push(new Uint8Array(8)), true);
});

Deno.test("SlotRing.pop() rejects a too small out buffer without losing the message", () => {
  const ring = SlotRing.create(4, 8);
  ring.push(new Uint8Array([1, 2, 3, 4, 5]));
  ring.push(new Uint8Array([6]));
  const readIndex = headerOf(ring)[READ_INDEX];
  assert.throws(() => ring.pop(new Uint8Array(4)), {
    name: "RangeError",
    message: "Expected an output buffer of at least 5 bytes, found 4 bytes",
  });
  assert.equal(headerOf(ring)[READ_INDEX], readIndex);
  assert.equal(ring.size, 2);
  assert.equal(ring.peekLength(), 5);
  const out = new Uint8Array(5);
  assert.equal(ring.pop(out), 5);
  assert.deepEqual(out, new Uint8Array([1, 2, 3, 4, 5]));
  assert.equal(ring.pop(out), 1);
  assert.equal(out[0], 6);
});

Deno.test("SlotRing.push() returns false and counts overflows when full, never moving the read index", () => {
  const ring = SlotRing.create(2, 4);
  const header = headerOf(ring);
  assert.equal(ring.push(new Uint8Array([1])), true);
  assert.equal(ring.push(new Uint8Array([2])), true);
  const readIndex = Atomics.load(header, READ_INDEX);
  assert.equal(ring.push(new Uint8Array([3])), false);
  assert.equal(ring.push(new Uint8Array([4])), false);
  assert.equal(ring.overflows, 2);
  assert.equal(Atomics.load(header, READ_INDEX), readIndex);
  const out = new Uint8Array(4);
  assert.equal(ring.pop(out), 1);
  assert.equal(out[0], 1);
  assert.equal(ring.push(new Uint8Array([5])), true);
  assert.equal(ring.pop(out), 1);
  assert.equal(out[0], 2);
  assert.equal(ring.pop(out), 1);
  assert.equal(out[0], 5);
  assert.equal(ring.overflows, 2);
});

Deno.test("SlotRing indices wrap around at 2^32 (and at the Int32 sign at 2^31)", () => {
  for (const boundary of [2 ** 32, 2 ** 31]) {
    const ring = SlotRing.create(4, 4, { initialIndex: boundary - 2 });
    const header = headerOf(ring);
    const out = new Uint8Array(4);
    for (let i = 0; i < 4; i++) {
      assert.equal(ring.push(new Uint8Array([i])), true);
    }
    assert.equal(header[WRITE_INDEX] >>> 0, (boundary + 2) % 2 ** 32);
    assert.equal(ring.size, 4);
    // Full across the boundary.
    assert.equal(ring.push(new Uint8Array([9])), false);
    assert.equal(ring.overflows, 1);
    for (let i = 0; i < 4; i++) {
      assert.equal(ring.pop(out), 1);
      assert.equal(out[0], i);
    }
    assert.equal(header[READ_INDEX] >>> 0, (boundary + 2) % 2 ** 32);
    assert.equal(ring.size, 0);
    assert.equal(ring.pop(out), -1);
  }
});

Deno.test("SlotRing.waitForData() times out and is woken by a push in another Worker", async () => {
  const ring = SlotRing.create(4, 16);
  assert.equal(ring.waitForData(1, 20), "timed-out");
  assert.equal(await ring.waitForDataAsync(1, 20), "timed-out");
  const first = startWorker({
    kind: "push-later",
    buffer: ring.buffer,
    delayMs: 50,
    length: 11,
  });
  try {
    const started = performance.now();
    assert.equal(ring.waitForData(1, WAKE_TIMEOUT_MS), "ok");
    assertWokenEarly(started);
    assert.equal(ring.peekLength(), 11);
    assert.equal((await first.reply).count, 1);
  } finally {
    first.worker.terminate();
  }
  const second = startWorker({
    kind: "push-later",
    buffer: ring.buffer,
    delayMs: 50,
    length: 3,
  });
  try {
    const started = performance.now();
    assert.equal(await ring.waitForDataAsync(2, WAKE_TIMEOUT_MS), "ok");
    assertWokenEarly(started);
    const out = new Uint8Array(16);
    assert.equal(ring.pop(out), 11);
    assert.equal(ring.pop(out), 3);
    assert.equal((await second.reply).count, 1);
  } finally {
    second.worker.terminate();
  }
});

Deno.test("SlotRing.waitForSpace() times out on a full ring and rejects bad arguments", async () => {
  const ring = SlotRing.create(2, 4, { now: jumpingClock(1_000) });
  ring.push(new Uint8Array(1));
  assert.equal(ring.waitForSpace(1, 0), "ok");
  ring.push(new Uint8Array(1));
  assert.equal(ring.waitForSpace(1, 500), "timed-out");
  assert.equal(await ring.waitForSpaceAsync(1, 30), "timed-out");
  assert.throws(() => ring.waitForSpace(3, 0), RangeError);
  assert.throws(() => ring.waitForData(3, 0), {
    name: "RangeError",
    message: /minMessages.*between 0 and 2, found 3$/,
  });
  assert.throws(() => ring.waitForDataAsync(1, -1), RangeError);
});

Deno.test("SlotRing carries 100,000 messages from a producer Worker in order", async () => {
  const total = 100_000;
  const slotBytes = 24;
  const ring = SlotRing.create(256, slotBytes, {
    initialIndex: 2 ** 32 - 40_000,
  });
  const { worker, reply } = startWorker({
    kind: "produce-messages",
    buffer: ring.buffer,
    total,
  });
  try {
    const out = new Uint8Array(slotBytes);
    let received = 0;
    while (received < total) {
      if (await ring.waitForDataAsync(1, WAKE_TIMEOUT_MS) !== "ok") {
        assert.fail(
          `Expected messages within ${WAKE_TIMEOUT_MS} ms after ${received}`,
        );
      }
      for (let length = ring.pop(out); length >= 0; length = ring.pop(out)) {
        if (length !== messageLength(received, slotBytes)) {
          assert.fail(
            `Expected message ${received} to have ${
              messageLength(received, slotBytes)
            } bytes, found ${length}`,
          );
        }
        for (let j = 0; j < length; j++) {
          if (out[j] !== messageByte(received, j)) {
            assert.fail(
              `Expected byte ${j} of message ${received} to be ${
                messageByte(received, j)
              }, found ${out[j]}`,
            );
          }
        }
        received++;
      }
    }
    const done = await reply;
    assert.equal(done.count, total);
    assert.equal(received, total);
    assert.equal(ring.size, 0);
    assert.equal(ring.overflows, 0);
  } finally {
    worker.terminate();
  }
});
