/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * @module Producer Worker of bench/ring_bench.ts: writes sample blocks into a
 * SampleRing or 64-byte messages into a SlotRing as fast as the consumer
 * takes them, until the main thread raises the stop flag, then replies with
 * the number of blocks or messages it wrote. Not a bench file itself.
 */

import { SampleRing, SlotRing } from "../lib/core/ring/mod.ts";

/** Command posted by bench/ring_bench.ts. */
export interface RingBenchCommand {
  /** Which ring the buffer holds. */
  kind: "samples" | "messages";
  /** The ring's SharedArrayBuffer. */
  buffer: SharedArrayBuffer;
  /** Int32 control block; word 0 becomes 1 when the producer must stop. */
  control: SharedArrayBuffer;
  /** Samples per block or bytes per message. */
  size: number;
}

/** Reply of the Worker once stopped. */
export interface RingBenchReply {
  /** Blocks or messages written. */
  count: number;
  /** Times the producer slept waiting for space. */
  waits: number;
}

/** Bound of each sleep, so that the stop flag is seen quickly. */
const POLL_MS = 20;

self.onmessage = (event: MessageEvent<RingBenchCommand>) => {
  const command = event.data;
  const control = new Int32Array(command.control);
  const reply = command.kind === "samples"
    ? produceSamples(command, control)
    : produceMessages(command, control);
  self.postMessage(reply);
};

function produceSamples(
  command: RingBenchCommand,
  control: Int32Array,
): RingBenchReply {
  const ring = SampleRing.attach(command.buffer);
  const block = new Float32Array(command.size);
  for (let i = 0; i < block.length; i++) block[i] = Math.sin(i);
  let count = 0;
  let waits = 0;
  while (Atomics.load(control, 0) === 0) {
    if (ring.free() < block.length) {
      // Full: sleep until half the ring is free. The consumer then wakes the
      // producer once per half ring instead of once per block it reads.
      waits++;
      ring.waitForSpace(ring.capacity / 2, POLL_MS);
      continue;
    }
    // The first sample carries the block number so the consumer can check
    // the order (exact in Float32 below 2^24 blocks).
    block[0] = count;
    ring.write(block);
    count++;
  }
  return { count, waits };
}

function produceMessages(
  command: RingBenchCommand,
  control: Int32Array,
): RingBenchReply {
  const ring = SlotRing.attach(command.buffer);
  const message = new Uint8Array(command.size).fill(0x5a);
  let count = 0;
  let waits = 0;
  while (Atomics.load(control, 0) === 0) {
    // The first four bytes carry the message number, little endian.
    message[0] = count;
    message[1] = count >>> 8;
    message[2] = count >>> 16;
    message[3] = count >>> 24;
    if (ring.size >= ring.capacity) {
      // Full: sleep until half the slots are free (see produceSamples).
      waits++;
      ring.waitForSpace(ring.capacity / 2, POLL_MS);
      continue;
    }
    ring.push(message);
    count++;
  }
  return { count, waits };
}
