/**
 * @module Throughput of lib/core/ring.
 *
 * Cross-Worker, run as a script: `deno run -A bench/ring_bench.ts [seconds per
 * run, default 1.5]`. A producer Worker (bench/_ring_bench_worker.ts) writes
 * into a SampleRing (4096-sample blocks) and then a SlotRing (64-byte
 * messages) while the main thread consumes with blocking waits and checks the
 * order; each run lasts a fixed time and then stops by itself. Prints
 * samples/s and messages/s.
 *
 * Same thread, as a bench file: `deno bench bench/ring_bench.ts` measures one
 * write + read (or push + pop) round on one thread, without Workers.
 */

import { SampleRing, SlotRing } from "../lib/core/ring/mod.ts";
import type { RingBenchCommand, RingBenchReply } from "./_ring_bench_worker.ts";

const BLOCK_SAMPLES = 4096;
const SAMPLE_CAPACITY = 65536;
const MESSAGE_BYTES = 64;
const SLOT_COUNT = 1024;
const POLL_MS = 20;

interface RunResult {
  consumed: number;
  seconds: number;
  producerWaits: number;
  consumerWaits: number;
}

function startProducer(
  kind: RingBenchCommand["kind"],
  buffer: SharedArrayBuffer,
  size: number,
): {
  worker: Worker;
  control: Int32Array;
  reply: Promise<RingBenchReply>;
} {
  const worker = new Worker(
    new URL("./_ring_bench_worker.ts", import.meta.url),
    { type: "module" },
  );
  const control = new Int32Array(new SharedArrayBuffer(4));
  const { promise, resolve, reject } = Promise.withResolvers<
    RingBenchReply
  >();
  worker.onmessage = (event: MessageEvent<RingBenchReply>) =>
    resolve(event.data);
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    reject(new Error(`Producer worker failed: ${event.message}`));
  };
  const command: RingBenchCommand = {
    kind,
    buffer,
    control: control.buffer as SharedArrayBuffer,
    size,
  };
  worker.postMessage(command);
  return { worker, control, reply: promise };
}

async function benchSamples(durationSeconds: number): Promise<RunResult> {
  const ring = SampleRing.create(SAMPLE_CAPACITY);
  const { worker, control, reply } = startProducer(
    "samples",
    ring.buffer,
    BLOCK_SAMPLES,
  );
  try {
    const out = new Float32Array(BLOCK_SAMPLES);
    // Wait for the Worker to start before the clock runs.
    if (ring.waitForData(1, 10_000) !== "ok") {
      throw new Error("Expected the producer to start within 10 s");
    }
    let blocks = 0;
    let consumerWaits = 0;
    const started = performance.now();
    const end = started + durationSeconds * 1000;
    while (performance.now() < end) {
      if (ring.available() < BLOCK_SAMPLES) {
        consumerWaits++;
        ring.waitForData(BLOCK_SAMPLES, POLL_MS);
        continue;
      }
      ring.read(out);
      if (out[0] !== blocks) {
        throw new Error(`Expected block ${blocks}, found block ${out[0]}`);
      }
      blocks++;
    }
    const seconds = (performance.now() - started) / 1000;
    Atomics.store(control, 0, 1);
    const done = await reply;
    // Drain and check that nothing was lost or duplicated.
    let drained = 0;
    while (ring.read(out) > 0) drained++;
    if (blocks + drained !== done.count || ring.overflows !== 0) {
      throw new Error(
        `Expected ${done.count} blocks and no overflow, found ${
          blocks + drained
        } blocks and ${ring.overflows} overflows`,
      );
    }
    return {
      consumed: blocks * BLOCK_SAMPLES,
      seconds,
      producerWaits: done.waits,
      consumerWaits,
    };
  } finally {
    worker.terminate();
  }
}

async function benchMessages(durationSeconds: number): Promise<RunResult> {
  const ring = SlotRing.create(SLOT_COUNT, MESSAGE_BYTES);
  const { worker, control, reply } = startProducer(
    "messages",
    ring.buffer,
    MESSAGE_BYTES,
  );
  try {
    const out = new Uint8Array(MESSAGE_BYTES);
    if (ring.waitForData(1, 10_000) !== "ok") {
      throw new Error("Expected the producer to start within 10 s");
    }
    let messages = 0;
    let consumerWaits = 0;
    const started = performance.now();
    const end = started + durationSeconds * 1000;
    while (performance.now() < end) {
      // Drain in batches; read the clock once per batch.
      for (let i = 0; i < 256; i++) {
        const length = ring.pop(out);
        if (length < 0) {
          consumerWaits++;
          ring.waitForData(1, POLL_MS);
          break;
        }
        const number = (out[0] | (out[1] << 8) | (out[2] << 16) |
          (out[3] << 24)) >>> 0;
        if (length !== MESSAGE_BYTES || number !== messages >>> 0) {
          throw new Error(
            `Expected message ${messages} of ${MESSAGE_BYTES} bytes, found message ${number} of ${length} bytes`,
          );
        }
        messages++;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    Atomics.store(control, 0, 1);
    const done = await reply;
    let drained = 0;
    while (ring.pop(out) >= 0) drained++;
    if (messages + drained !== done.count || ring.overflows !== 0) {
      throw new Error(
        `Expected ${done.count} messages and no overflow, found ${
          messages + drained
        } messages and ${ring.overflows} overflows`,
      );
    }
    return {
      consumed: messages,
      seconds,
      producerWaits: done.waits,
      consumerWaits,
    };
  } finally {
    worker.terminate();
  }
}

function format(rate: number): string {
  if (rate >= 1e9) return `${(rate / 1e9).toFixed(2)} G`;
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(2)} M`;
  return `${(rate / 1e3).toFixed(2)} k`;
}

async function main(): Promise<void> {
  const seconds = Number(Deno.args[0] ?? "1.5");
  if (!(seconds > 0 && seconds <= 30)) {
    throw new RangeError(
      `Expected seconds per run between 0 and 30, found ${Deno.args[0]}`,
    );
  }
  const samples = await benchSamples(seconds);
  const sampleRate = samples.consumed / samples.seconds;
  console.log(
    `SampleRing  ${BLOCK_SAMPLES}-sample blocks, capacity ${SAMPLE_CAPACITY}, ` +
      `producer Worker -> main: ${format(sampleRate)}samples/s ` +
      `(${(sampleRate * 4 / 2 ** 20).toFixed(0)} MiB/s; ` +
      `${samples.consumed} samples in ${samples.seconds.toFixed(2)} s; ` +
      `waits: producer ${samples.producerWaits}, consumer ${samples.consumerWaits})`,
  );

  const messages = await benchMessages(seconds);
  const messageRate = messages.consumed / messages.seconds;
  console.log(
    `SlotRing    ${MESSAGE_BYTES}-byte messages, ${SLOT_COUNT} slots, ` +
      `producer Worker -> main: ${format(messageRate)}messages/s ` +
      `(${(messageRate * MESSAGE_BYTES / 2 ** 20).toFixed(0)} MiB/s; ` +
      `${messages.consumed} messages in ${messages.seconds.toFixed(2)} s; ` +
      `waits: producer ${messages.producerWaits}, consumer ${messages.consumerWaits})`,
  );
}

{
  const ring = SampleRing.create(SAMPLE_CAPACITY);
  const block = new Float32Array(BLOCK_SAMPLES).fill(0.5);
  const out = new Float32Array(BLOCK_SAMPLES);
  Deno.bench(
    `SampleRing.write() + read() of ${BLOCK_SAMPLES} samples, same thread`,
    () => {
      ring.write(block);
      ring.read(out);
    },
  );
}

{
  const ring = SlotRing.create(SLOT_COUNT, MESSAGE_BYTES);
  const message = new Uint8Array(MESSAGE_BYTES).fill(0x5a);
  const out = new Uint8Array(MESSAGE_BYTES);
  Deno.bench(
    `SlotRing.push() + pop() of ${MESSAGE_BYTES} bytes, same thread`,
    () => {
      ring.push(message);
      ring.pop(out);
    },
  );
}

if (import.meta.main) await main();
