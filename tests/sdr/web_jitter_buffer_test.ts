// The web client's playout scheduler: back-to-back chunks, adaptive target,
// drift control, underruns and overruns, driven by made-up clocks.
import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { PlayoutScheduler } from "../../lib/sdr/web/jitter_buffer.js";

const CHUNK = 0.032; // 384 samples at 12 kHz

/**
 * Feeds `count` chunks that arrive every `interval` (plus jitter) while the
 * audio clock runs at `speed`; returns the decisions.
 */
function run(
  scheduler: PlayoutScheduler,
  count: number,
  options: {
    interval?: number;
    speed?: number;
    jitter?: (i: number) => number;
  } = {},
) {
  const interval = options.interval ?? CHUNK;
  const speed = options.speed ?? 1;
  const decisions = [];
  for (let i = 0; i < count; i++) {
    const arrival = 100 + i * interval + (options.jitter?.(i) ?? 0);
    const now = 5 + (arrival - 100) * speed;
    decisions.push({ now, ...scheduler.schedule(CHUNK, now, arrival) });
  }
  return decisions;
}

Deno.test("PlayoutScheduler plays a steady stream back to back at the base target", () => {
  const scheduler = new PlayoutScheduler({ baseTarget: 0.1 });
  const decisions = run(scheduler, 200);
  for (let i = 1; i < decisions.length; i++) {
    const a = decisions[i - 1];
    const b = decisions[i];
    ok(a.action === "play" && b.action === "play");
    ok(Math.abs(b.at - (a.at + CHUNK / a.rate)) < 1e-9, "contiguous");
  }
  const stats = scheduler.stats;
  equal(stats.underruns, 0);
  equal(stats.dropped, 0);
  equal(stats.played, 200);
  ok(Math.abs(stats.leadMs - 100) < 1, `lead ${stats.leadMs}`);
  ok(Math.abs(scheduler.buffered(decisions[199].now) - (0.1 + CHUNK)) < 0.002);
});

Deno.test("PlayoutScheduler raises its target with jitter and after underruns", () => {
  const calm = new PlayoutScheduler();
  run(calm, 300);
  const shaky = new PlayoutScheduler();
  // Arrivals ±30 ms around their time.
  run(shaky, 300, { jitter: (i) => (((i * 7919) % 61) - 30) / 1000 });
  ok(
    shaky.stats.targetMs > calm.stats.targetMs + 30,
    `${shaky.stats.targetMs} vs ${calm.stats.targetMs}`,
  );
  ok(shaky.stats.jitterMs > 10);
  // A 500 ms stall: one underrun, and the target grows.
  const stalled = new PlayoutScheduler();
  run(stalled, 50);
  const before = stalled.target;
  const late = stalled.schedule(
    CHUNK,
    5 + 50 * CHUNK + 0.5,
    100 + 50 * CHUNK + 0.5,
  );
  equal(stalled.stats.underruns, 1);
  ok(stalled.target > before + 0.03);
  ok(late.action === "play");
  ok(Math.abs(late.at - (5 + 50 * CHUNK + 0.5 + stalled.target)) < 0.01);
});

Deno.test("PlayoutScheduler absorbs clock drift with a small speed change", () => {
  for (const speed of [0.995, 1.005]) {
    const scheduler = new PlayoutScheduler();
    // 60 s of audio whose sender is 0.5 % off the sound card's clock.
    const decisions = run(scheduler, 1875, { speed });
    const stats = scheduler.stats;
    equal(stats.dropped + stats.underruns <= 2, true, JSON.stringify(stats));
    // Proportional control: a 0.5 % drift holds the lead 50 ms off target.
    ok(Math.abs(stats.leadMs - stats.targetMs) < 60, JSON.stringify(stats));
    const last = decisions[decisions.length - 1];
    ok(last.action === "play");
    // A slower sound card (speed < 1) must play faster to keep up with the
    // sender, and the other way round.
    ok(speed < 1 ? last.rate > 1 : last.rate < 1, String(last.rate));
    ok(Math.abs(last.rate - 1) <= 0.01);
  }
});

Deno.test("PlayoutScheduler drops chunks that would play far too late", () => {
  const scheduler = new PlayoutScheduler({ baseTarget: 0.1 });
  scheduler.schedule(CHUNK, 5, 100);
  // A burst of 40 chunks at once (a stalled tab catching up).
  const burst = [];
  for (let i = 0; i < 40; i++) burst.push(scheduler.schedule(CHUNK, 5, 100));
  const dropped = burst.filter((d) => d.action === "drop").length;
  ok(dropped > 20, `dropped ${dropped}`);
  const target = scheduler.target;
  ok(scheduler.buffered(5) <= target + Math.max(0.15, target) + CHUNK);
});

Deno.test("PlayoutScheduler anchors on the quantum and settles to real lengths", () => {
  const scheduler = new PlayoutScheduler({
    baseTarget: 0.1,
    quantum: 1 / 48000,
  });
  const first = scheduler.schedule(CHUNK, 1.000001, 0);
  ok(first.action === "play");
  ok(Math.abs(first.at * 48000 - Math.round(first.at * 48000)) < 1e-6);
  scheduler.settle(first.at, 1530 / 48000);
  const second = scheduler.schedule(CHUNK, 1.03, 0.032);
  ok(second.action === "play");
  equal(second.at, first.at + 1530 / 48000);
  scheduler.reset();
  equal(scheduler.buffered(0), 0);
  deepEqual(
    { ...scheduler.stats, jitterMs: 0, targetMs: 0 },
    {
      underruns: 0,
      dropped: 0,
      played: 2,
      jitterMs: 0,
      targetMs: 0,
      leadMs: 0,
      rate: 1,
    },
  );
});

Deno.test("PlayoutScheduler keeps its target and rate in bounds for any arrivals", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0, max: 2, noNaN: true }), {
        minLength: 1,
        maxLength: 200,
      }),
      (gaps) => {
        const scheduler = new PlayoutScheduler();
        let t = 0;
        for (const gap of gaps) {
          t += gap;
          const d = scheduler.schedule(CHUNK, t, t);
          if (d.action === "play") {
            ok(d.at >= t, "never in the past");
            ok(Math.abs(d.rate - 1) <= 0.01 + 1e-12);
          }
          ok(scheduler.target >= 0.05 && scheduler.target <= 1);
        }
      },
    ),
    { seed: 17, numRuns: 200 },
  );
});
