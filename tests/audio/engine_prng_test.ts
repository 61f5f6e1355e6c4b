import { deepEqual, equal, notDeepEqual, ok, throws } from "node:assert/strict";
import { Prng } from "../../lib/audio/engine/prng.ts";

Deno.test("Prng.nextU32() matches the xoshiro128** reference from state 1, 2, 3, 4", () => {
  const prng = new Prng(0);
  prng.state.set([1, 2, 3, 4]);
  const out = Array.from({ length: 6 }, () => prng.nextU32());
  // Values from the reference C code (Blackman & Vigna), state {1, 2, 3, 4}.
  deepEqual(out, [11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
});

Deno.test("Prng is seeded deterministically and restored from its state", () => {
  const a = new Prng(1234);
  const b = new Prng(1234);
  const c = new Prng(1235);
  const sa = Array.from({ length: 100 }, () => a.nextU32());
  deepEqual(Array.from({ length: 100 }, () => b.nextU32()), sa);
  notDeepEqual(Array.from({ length: 100 }, () => c.nextU32()), sa);
  const saved = a.state.slice();
  const next = Array.from({ length: 10 }, () => a.nextFloat());
  const restored = new Prng(0);
  restored.state.set(saved);
  deepEqual(Array.from({ length: 10 }, () => restored.nextFloat()), next);
  throws(() => new Prng(-1), RangeError);
  throws(() => new Prng(2 ** 32), RangeError);
  throws(() => new Prng(0.5), RangeError);
});

Deno.test("Prng.nextBipolar() is uniform on [-1, 1)", () => {
  const prng = new Prng(99);
  const n = 200000;
  const bins = new Array(10).fill(0);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = prng.nextBipolar();
    ok(x >= -1 && x < 1);
    sum += x;
    bins[Math.floor((x + 1) * 5)]++;
  }
  ok(Math.abs(sum / n) < 0.01);
  for (const count of bins) {
    ok(Math.abs(count - n / 10) < n / 100, String(bins));
  }
  equal(bins.length, 10);
});
