/**
 * @module Model-based property tests of lib/core/ring: random sequences of
 * operations on SampleRing and SlotRing are compared with a plain array model.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { SampleRing, SlotRing } from "../../lib/core/ring/mod.ts";
import { HEADER_BYTES, READ_INDEX } from "../../lib/core/ring/_header.ts";

const RUNS = { seed: 42, numRuns: 200 };

/**
 * Initial indices: zero, random, or a little below the 2^32 wrap or the Int32
 * sign change at 2^31, so that sequences cross them while the ring is full.
 */
const initialIndex = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  fc.integer({ min: 1, max: 48 }).map((below) => 2 ** 32 - below),
  fc.integer({ min: 1, max: 48 }).map((below) => 2 ** 31 - below),
);

function readIndexOf(buffer: SharedArrayBuffer): number {
  return Atomics.load(new Int32Array(buffer, 0, HEADER_BYTES / 4), READ_INDEX);
}

type SampleOp =
  | { kind: "write"; count: number }
  | { kind: "read"; count: number };

const sampleOp: fc.Arbitrary<SampleOp> = fc.oneof(
  fc.record({
    kind: fc.constant("write" as const),
    count: fc.integer({ min: 0, max: 80 }),
  }),
  fc.record({
    kind: fc.constant("read" as const),
    count: fc.integer({ min: 0, max: 80 }),
  }),
);

Deno.test("SampleRing matches an array model for random writes and reads", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 6 }),
      initialIndex,
      fc.array(sampleOp, { maxLength: 60 }),
      (log2Capacity, start, ops) => {
        const capacity = 2 ** log2Capacity;
        const producer = SampleRing.create(capacity, { initialIndex: start });
        const consumer = SampleRing.attach(producer.buffer);
        const model: number[] = [];
        let overflows = 0;
        let next = 1;
        for (const op of ops) {
          if (op.kind === "write") {
            const samples = new Float32Array(op.count);
            for (let i = 0; i < op.count; i++) samples[i] = next++;
            const readIndex = readIndexOf(producer.buffer);
            const expected = Math.min(op.count, capacity - model.length);
            assert.equal(producer.write(samples), expected);
            assert.equal(readIndexOf(producer.buffer), readIndex);
            model.push(...samples.subarray(0, expected));
            overflows += op.count - expected;
          } else {
            const out = new Float32Array(op.count).fill(-1);
            const expected = Math.min(op.count, model.length);
            assert.equal(consumer.read(out), expected);
            assert.deepEqual(
              Array.from(out),
              [
                ...model.splice(0, expected),
                ...new Array(op.count - expected).fill(-1),
              ],
            );
          }
          assert.equal(consumer.available(), model.length);
          assert.equal(producer.available(), model.length);
          assert.equal(producer.free(), capacity - model.length);
          assert.equal(consumer.overflows, overflows);
        }
      },
    ),
    RUNS,
  );
});

type SlotOp =
  | { kind: "push"; length: number }
  | { kind: "pop"; outLength: number }
  | { kind: "peek" };

const slotOp: fc.Arbitrary<SlotOp> = fc.oneof(
  fc.record({
    kind: fc.constant("push" as const),
    length: fc.integer({ min: 0, max: 40 }),
  }),
  fc.record({
    kind: fc.constant("pop" as const),
    outLength: fc.integer({ min: 0, max: 40 }),
  }),
  fc.record({ kind: fc.constant("peek" as const) }),
);

Deno.test("SlotRing matches an array model for random pushes and pops", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 4 }),
      fc.integer({ min: 1, max: 32 }),
      initialIndex,
      fc.array(slotOp, { maxLength: 60 }),
      (log2Slots, slotBytes, start, ops) => {
        const capacity = 2 ** log2Slots;
        const producer = SlotRing.create(capacity, slotBytes, {
          initialIndex: start,
        });
        const consumer = SlotRing.attach(producer.buffer);
        const model: number[][] = [];
        let overflows = 0;
        let next = 0;
        for (const op of ops) {
          if (op.kind === "push") {
            const message = new Uint8Array(op.length);
            for (let i = 0; i < op.length; i++) message[i] = next++ & 0xff;
            const readIndex = readIndexOf(producer.buffer);
            if (op.length > slotBytes) {
              assert.throws(() => producer.push(message), RangeError);
            } else if (model.length === capacity) {
              assert.equal(producer.push(message), false);
              overflows++;
            } else {
              assert.equal(producer.push(message), true);
              model.push(Array.from(message));
            }
            assert.equal(readIndexOf(producer.buffer), readIndex);
          } else if (op.kind === "pop") {
            const out = new Uint8Array(op.outLength).fill(0xee);
            if (model.length === 0) {
              assert.equal(consumer.pop(out), -1);
            } else if (model[0].length > op.outLength) {
              assert.throws(() => consumer.pop(out), RangeError);
            } else {
              const message = model.shift()!;
              assert.equal(consumer.pop(out), message.length);
              assert.deepEqual(
                Array.from(out),
                [
                  ...message,
                  ...new Array(op.outLength - message.length).fill(0xee),
                ],
              );
            }
          } else {
            assert.equal(
              consumer.peekLength(),
              model.length === 0 ? -1 : model[0].length,
            );
          }
          assert.equal(consumer.size, model.length);
          assert.equal(producer.size, model.length);
          assert.equal(consumer.overflows, overflows);
        }
      },
    ),
    RUNS,
  );
});
