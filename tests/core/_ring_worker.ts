/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * @module Worker used by ring_test.ts: runs one producer or consumer command
 * against a ring whose SharedArrayBuffer the main thread posted, then replies
 * with a `RingWorkerReply`. Not a test file (leading underscore, no `_test`
 * suffix).
 */

import { SampleRing, SlotRing } from "../../lib/core/ring/mod.ts";
import {
  blockLength,
  fillMessage,
  type RingWorkerCommand,
  type RingWorkerReply,
  sampleValue,
} from "./_ring_fixture.ts";

/** A producer that cannot get space for this long has lost its consumer. */
const STALL_MS = 10_000;

self.onmessage = (event: MessageEvent<RingWorkerCommand>) => {
  self.postMessage(run(event.data));
};

function run(command: RingWorkerCommand): RingWorkerReply {
  switch (command.kind) {
    case "produce-samples":
      return produceSamples(command.buffer, command.total);
    case "produce-messages":
      return produceMessages(command.buffer, command.total);
    case "write-later": {
      sleep(command.delayMs);
      const ring = SampleRing.attach(command.buffer);
      const count = ring.write(
        new Float32Array(command.count).fill(command.value),
      );
      return { kind: command.kind, count, waits: 0 };
    }
    case "read-later": {
      sleep(command.delayMs);
      const ring = SampleRing.attach(command.buffer);
      const count = ring.read(new Float32Array(command.count));
      return { kind: command.kind, count, waits: 0 };
    }
    case "push-later": {
      sleep(command.delayMs);
      const ring = SlotRing.attach(command.buffer);
      const pushed = ring.push(new Uint8Array(command.length));
      return { kind: command.kind, count: pushed ? 1 : 0, waits: 0 };
    }
  }
}

function produceSamples(
  buffer: SharedArrayBuffer,
  total: number,
): RingWorkerReply {
  const ring = SampleRing.attach(buffer);
  const block = new Float32Array(1500);
  let sent = 0;
  let waits = 0;
  for (let b = 0; sent < total; b++) {
    const length = Math.min(blockLength(b), total - sent);
    for (let i = 0; i < length; i++) block[i] = sampleValue(sent + i);
    const chunk = block.subarray(0, length);
    if (ring.free() < length) {
      waits++;
      if (ring.waitForSpace(length, STALL_MS) !== "ok") {
        throw new Error(
          `Expected space for ${length} samples within ${STALL_MS} ms, found ${ring.free()}`,
        );
      }
    }
    const written = ring.write(chunk);
    if (written !== length) {
      throw new Error(`Expected to write ${length} samples, wrote ${written}`);
    }
    sent += length;
  }
  return { kind: "produce-samples", count: sent, waits };
}

function produceMessages(
  buffer: SharedArrayBuffer,
  total: number,
): RingWorkerReply {
  const ring = SlotRing.attach(buffer);
  const message = new Uint8Array(ring.slotBytes);
  let waits = 0;
  for (let i = 0; i < total; i++) {
    const length = fillMessage(i, ring.slotBytes, message);
    if (ring.size >= ring.capacity) {
      waits++;
      if (ring.waitForSpace(1, STALL_MS) !== "ok") {
        throw new Error(
          `Expected a free slot within ${STALL_MS} ms, found none`,
        );
      }
    }
    if (!ring.push(message.subarray(0, length))) {
      throw new Error(`Expected to push message ${i}, the ring was full`);
    }
  }
  return { kind: "produce-messages", count: total, waits };
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
