import { equal, ok, rejects, throws } from "node:assert/strict";
import fc from "fast-check";
import { DeadlineClock } from "../../lib/audio/sinks/deadline_clock.ts";
import { NullSink } from "../../lib/audio/sinks/null_sink.ts";
import { PacedSink } from "../../lib/audio/sinks/paced_sink.ts";

/** A fake clock whose sleeps overshoot by a seeded random 0–4 ms. */
function jitteryClock(seed: number) {
  const jitter = fc.sample(fc.double({ min: 0, max: 4, noNaN: true }), {
    seed,
    numRuns: 20_000,
  });
  let t = 1000;
  let i = 0;
  return {
    now: () => t,
    sleep: (ms: number) => {
      t += ms + jitter[i++ % jitter.length];
      return Promise.resolve();
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

Deno.test("DeadlineClock does not accumulate sleep error over 10,000 blocks", async () => {
  const fake = jitteryClock(1);
  const clock = new DeadlineClock({
    sampleRate: 48000,
    blockSize: 256,
    now: fake.now,
    sleep: fake.sleep,
  });
  const blocks = 10_000;
  for (let i = 0; i < blocks; i++) await clock.wait();
  // 9,999 block periods after the start: 53.328 s; each sleep overshoots by
  // up to 4 ms (+1 for rounding up), yet the total is off by one overshoot.
  const expected = 1000 + (blocks - 1) * 256 * 1000 / 48000;
  const error = fake.now() - expected;
  ok(error >= 0 && error <= 5, `drift ${error} ms`);
  equal(clock.deadline(blocks - 1), expected);
  const stats = clock.stats;
  equal(stats.ticks, blocks);
  equal(stats.reanchors, 0);
  ok(stats.maxLatenessMs <= 5);
});

Deno.test("DeadlineClock catches up on late blocks without sleeping, then re-anchors when far behind", async () => {
  let t = 0;
  let slept = 0;
  const clock = new DeadlineClock({
    sampleRate: 1000,
    blockSize: 10, // 10 ms
    maxLagMs: 100,
    now: () => t,
    sleep: (ms) => {
      slept++;
      t += ms;
      return Promise.resolve();
    },
  });
  await clock.wait(); // starts at 0
  t = 35; // the caller was busy: blocks 1, 2, 3 are overdue
  for (let i = 0; i < 3; i++) await clock.wait();
  equal(slept, 0);
  equal(clock.stats.late, 3);
  await clock.wait(); // block 4 at 40
  equal(t, 40);
  t = 500; // suspended: 450 ms behind > maxLagMs
  await clock.wait();
  equal(clock.stats.reanchors, 1);
  equal(clock.start, 500);
  await clock.wait();
  equal(t, 510);
});

Deno.test("DeadlineClock.wait() returns false when its signal aborts", async () => {
  const clock = new DeadlineClock({ sampleRate: 48000, blockSize: 48000 }); // 1 s
  const controller = new AbortController();
  equal(await clock.wait(controller.signal), true);
  const pending = clock.wait(controller.signal);
  controller.abort();
  equal(await pending, false);
  throws(() => new DeadlineClock({ sampleRate: 0, blockSize: 1 }), RangeError);
});

Deno.test("NullSink paces blocks in real time with no drift (real clock)", async () => {
  const sink = new NullSink({ sampleRate: 48000, channels: 2, blockSize: 256 });
  const blocks = 60; // 59 periods = 314.7 ms
  const block = new Float32Array(512);
  const start = performance.now();
  for (let i = 0; i < blocks; i++) await sink.write(block);
  const elapsed = performance.now() - start;
  const expected = (blocks - 1) * 256 / 48;
  ok(elapsed >= expected - 1, `elapsed ${elapsed} ms, expected ${expected}`);
  ok(elapsed <= expected + 2000, `elapsed ${elapsed} ms, expected ${expected}`);
  equal(sink.stats.frames, blocks * 256);
  equal(sink.stats.clock?.ticks, blocks);
  await sink.close();
  await rejects(sink.write(block), { name: "SinkStateError" });
});

Deno.test("NullSink without realtime renders as fast as it is called", async () => {
  let slept = false;
  const sink = new NullSink({
    sampleRate: 48000,
    channels: 1,
    blockSize: 256,
    realtime: false,
    sleep: () => {
      slept = true;
      return Promise.resolve();
    },
  });
  for (let i = 0; i < 1000; i++) await sink.write(new Float32Array(256));
  equal(slept, false);
  equal(sink.stats.clock, undefined);
  equal(sink.stats.frames, 256_000);
  await sink.close();
});

Deno.test("NullSink.close() releases a write waiting for its deadline", async () => {
  // 8.2 s blocks: the second write would wait 8.2 s for its deadline
  const sink = new NullSink({
    sampleRate: 8000,
    channels: 1,
    blockSize: 65536,
  });
  await sink.write(new Float32Array(65536));
  const pending = sink.write(new Float32Array(65536));
  const start = performance.now();
  await sink.close();
  await pending;
  ok(performance.now() - start < 5000);
});

Deno.test("PacedSink hands the inner sink block n at start + n blocks", async () => {
  const fake = jitteryClock(3);
  const inner = new NullSink({
    sampleRate: 44100,
    channels: 2,
    blockSize: 441, // 10 ms
    realtime: false,
  });
  const times: number[] = [];
  const sink = new PacedSink(
    {
      format: inner.format,
      get stats() {
        return inner.stats;
      },
      write: (block: Float32Array) => {
        times.push(fake.now());
        return inner.write(block);
      },
      close: () => inner.close(),
    },
    { now: fake.now, sleep: fake.sleep },
  );
  for (let i = 0; i < 500; i++) await sink.write(new Float32Array(882));
  for (let n = 0; n < times.length; n++) {
    const lateness = times[n] - (times[0] + n * 10);
    ok(lateness >= 0 && lateness <= 5, `block ${n} late by ${lateness}`);
  }
  equal(sink.stats.frames, 500 * 441);
  equal(sink.stats.clock.ticks, 500);
  await sink.close();
});
