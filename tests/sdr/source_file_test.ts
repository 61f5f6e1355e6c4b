import { deepEqual, equal, ok, rejects, throws } from "node:assert/strict";
import { FileSource } from "../../lib/sdr/sources/file_source.ts";
import { Pacer } from "../../lib/sdr/sources/pacer.ts";
import { readFull, SampleSourceError } from "../../lib/sdr/sources/source.ts";

/** Bytes i·7 mod 251: no period that divides a power of two. */
function pattern(length: number, start = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = ((start + i) * 7) % 251;
  return out;
}

async function withFile(
  bytes: Uint8Array,
  fn: (path: string) => Promise<void>,
): Promise<void> {
  const path = await Deno.makeTempFile({
    prefix: "shack_source_",
    suffix: ".u8",
  });
  try {
    await Deno.writeFile(path, bytes);
    await fn(path);
  } finally {
    await Deno.remove(path);
  }
}

/** A clock that only moves when the pacer sleeps, each sleep `late` ms long. */
function fakeClock(late: number) {
  const clock = {
    now: 0,
    sleeps: [] as number[],
    options: {
      now: () => clock.now,
      sleep: (ms: number) => {
        clock.sleeps.push(ms);
        clock.now += ms + late;
        return Promise.resolve();
      },
    },
  };
  return clock;
}

const IQ_U8 = {
  format: "u8",
  signal: "iq",
  sps: 2_048_000,
  frequency: 100_000_000,
} as const;

Deno.test("Pacer.wait() keeps to absolute deadlines, so late timers do not add up", async () => {
  const clock = fakeClock(3);
  const pacer = new Pacer(1000, clock.options);
  const signal = new AbortController().signal;
  const returnedAt: number[] = [];
  for (let i = 1; i <= 200; i++) {
    equal(await pacer.wait(10, signal), true);
    returnedAt.push(clock.now);
    ok(clock.now >= 10 * i, `chunk ${i} released early`);
  }
  equal(clock.now, 2003);
  equal(pacer.released, 2000);
  equal(pacer.overruns, 0);
  // After the first, each sleep is shortened by the previous lateness.
  deepEqual(clock.sleeps.slice(0, 3), [10, 7, 7]);
});

Deno.test("Pacer.wait() restarts its clock when the reader falls behind by more than maxLagMs", async () => {
  const clock = fakeClock(0);
  const pacer = new Pacer(1000, { ...clock.options, maxLagMs: 500 });
  const signal = new AbortController().signal;
  await pacer.wait(100, signal);
  equal(clock.now, 100);
  clock.now += 400; // 400 ms late: within the limit, released at once
  const before = clock.sleeps.length;
  await pacer.wait(100, signal);
  equal(clock.sleeps.length, before);
  equal(pacer.overruns, 0);
  clock.now += 5000; // far behind: restart instead of a 5 s burst
  await pacer.wait(100, signal);
  equal(pacer.overruns, 1);
  equal(clock.sleeps.length, before);
  const t = clock.now;
  await pacer.wait(100, signal);
  equal(clock.now, t + 100);
});

Deno.test("Pacer.wait() returns false when aborted, and checks its rate", async () => {
  const controller = new AbortController();
  const pacer = new Pacer(10);
  const started = performance.now();
  const waiting = pacer.wait(1000, controller.signal); // due in 100 s
  setTimeout(() => controller.abort(), 10);
  equal(await waiting, false);
  ok(performance.now() - started < 1000);
  equal(await pacer.wait(1, controller.signal), false);
  throws(() => new Pacer(0), RangeError);
  throws(() => new Pacer(NaN), RangeError);
  throws(() => new Pacer(1, { maxLagMs: -1 }), RangeError);
});

Deno.test("FileSource.read() delivers the file intact and ends with eof", async () => {
  const bytes = pattern(1_000_003);
  await withFile(bytes, async (path) => {
    const source = new FileSource({ path, ...IQ_U8, pace: "fast" });
    await source.start(new AbortController().signal);
    const received = new Uint8Array(bytes.length);
    const buf = new Uint8Array(65536);
    let total = 0;
    for (let n; (n = await source.read(buf)) !== null;) {
      received.set(buf.subarray(0, n), total);
      total += n;
    }
    equal(total, bytes.length);
    deepEqual(received, bytes);
    equal(source.ended?.reason, "eof");
    ok(source.ended?.message.includes("1000003 bytes"), source.ended?.message);
    ok(source.ended?.message.includes(path));
    equal(source.counters.bytes, bytes.length);
    equal(source.counters.chunks, Math.ceil(bytes.length / 65536));
    // The end is sticky and costs nothing: no busy loop on a finished file.
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) equal(await source.read(buf), null);
    ok(performance.now() - started < 2000);
  });
});

Deno.test("FileSource loops over whole samples and counts the passes", async () => {
  // 1001 bytes of u8 IQ: 500 samples and a stray byte that must not shift I/Q.
  const bytes = pattern(1001);
  await withFile(bytes, async (path) => {
    const source = new FileSource({ path, ...IQ_U8, pace: "fast", loop: true });
    await source.start(new AbortController().signal);
    const received = new Uint8Array(3500);
    equal(await readFull(source, received), 3500);
    for (let i = 0; i < received.length; i++) {
      equal(received[i], bytes[i % 1000], `byte ${i}`);
    }
    equal(source.counters.loops, 3);
    equal(source.ended?.reason, undefined);
    source.close();
    equal(source.ended?.reason, "closed");
    equal(await source.read(received), null);
  });
});

Deno.test("FileSource refuses to loop an empty file or a device, and reports a missing file", async () => {
  await withFile(new Uint8Array(1), async (path) => {
    const source = new FileSource({ path, ...IQ_U8, loop: true });
    await rejects(
      () => source.start(new AbortController().signal),
      SampleSourceError,
    );
  });
  const device = new FileSource({ path: "/dev/zero", ...IQ_U8, loop: true });
  await rejects(
    () => device.start(new AbortController().signal),
    (error: Error) =>
      error instanceof SampleSourceError && /not regular/.test(error.message),
  );
  const missing = new FileSource({
    path: "/nonexistent/recording.u8",
    ...IQ_U8,
  });
  await rejects(
    () => missing.start(new AbortController().signal),
    (error: Error) =>
      error instanceof SampleSourceError &&
      error.message.includes("/nonexistent/recording.u8") &&
      error.cause instanceof Deno.errors.NotFound,
  );
  throws(() => new FileSource({ path: "x", ...IQ_U8, sps: 0 }), RangeError);
  throws(
    () => new FileSource({ path: "x", ...IQ_U8, format: "u32" as "u8" }),
    RangeError,
  );
  throws(
    () => new FileSource({ path: "x", ...IQ_U8, pace: "slow" as "fast" }),
    RangeError,
  );
});

Deno.test("FileSource paces a looping file at sps against an injected clock, without drift", async () => {
  // 64 KiB looping; 4096-byte reads of u8 IQ at 2.048 MS/s are 1 ms each.
  await withFile(pattern(65536), async (path) => {
    const clock = fakeClock(2);
    const source = new FileSource({
      path,
      ...IQ_U8,
      loop: true,
      ...clock.options,
    });
    await source.start(new AbortController().signal);
    const buf = new Uint8Array(4096);
    for (let i = 1; i <= 1000; i++) {
      equal(await source.read(buf), 4096);
      ok(clock.now >= i, `read ${i} came early at ${clock.now} ms`);
    }
    // One second of samples: one second plus one late timer.
    equal(clock.now, 1002);
    equal(source.counters.loops, 62);
    equal(source.counters.overruns, 0);
    source.close();
  });
});

Deno.test("FileSource paces in real time with the real clock", async () => {
  // 0.2 s of u8 IQ at 256 kS/s.
  await withFile(pattern(102_400), async (path) => {
    const source = new FileSource({ path, ...IQ_U8, sps: 256_000 });
    await source.start(new AbortController().signal);
    const started = performance.now();
    const buf = new Uint8Array(8192);
    let total = 0;
    for (let n; (n = await source.read(buf)) !== null;) total += n;
    const elapsed = performance.now() - started;
    equal(total, 102_400);
    ok(elapsed >= 190 && elapsed < 5000, `${elapsed} ms`);
  });
});

Deno.test("FileSource stops at once when aborted while pacing", async () => {
  await withFile(pattern(10_000), async (path) => {
    const controller = new AbortController();
    // 2 bytes per second: the first 1000-byte chunk is due in 500 s.
    const source = new FileSource({ path, ...IQ_U8, sps: 1 });
    await source.start(controller.signal);
    const started = performance.now();
    const pending = source.read(new Uint8Array(1000));
    setTimeout(() => controller.abort(), 20);
    equal(await pending, null);
    ok(performance.now() - started < 1000);
    equal(source.ended?.reason, "aborted");
    equal(source.counters.bytes, 0);
  });
});

Deno.test("FileSource enforces its lifecycle", async () => {
  await withFile(pattern(100), async (path) => {
    const source = new FileSource({ path, ...IQ_U8, pace: "fast" });
    await rejects(() => source.read(new Uint8Array(10)), TypeError);
    await source.start(new AbortController().signal);
    await rejects(() => source.start(new AbortController().signal), TypeError);
    await rejects(() => source.read(new Uint8Array(0)), TypeError);
    const first = source.read(new Uint8Array(10));
    await rejects(() => source.read(new Uint8Array(10)), TypeError);
    equal(await first, 10);
    source.close();
    const aborted = new FileSource({ path, ...IQ_U8, pace: "fast" });
    await aborted.start(AbortSignal.abort());
    equal(await aborted.read(new Uint8Array(10)), null);
    equal(aborted.ended?.reason, "aborted");
  });
});
