import { equal, ok, rejects, throws } from "node:assert/strict";
import { InverseDft } from "../../lib/sdr/audio/inverse_dft.ts";
import { createFft } from "../../lib/sdr/fft/fft_backend.ts";
import { maxAbs, naiveDft, randomFloats } from "./_signals.ts";

/** Naive unscaled inverse DFT: conj(DFT(conj(X))). */
function naiveInverse(spectrum: Float32Array): Float64Array {
  const conj = Float32Array.from(spectrum, (v, i) => (i % 2 ? -v : v));
  const out = naiveDft(conj, false);
  for (let i = 1; i < out.length; i += 2) out[i] = -out[i];
  return out;
}

/** Largest error relative to the largest reference magnitude. */
function relativeError(got: Float32Array, want: Float64Array): number {
  let error = 0;
  for (let i = 0; i < got.length; i++) {
    error = Math.max(error, Math.abs(got[i] - want[i]));
  }
  return error / maxAbs(want);
}

const CASES = [
  // size, forced backend, expected method, expected plan size
  { size: 768, backend: "pffft", method: "direct", plan: 768 },
  { size: 1024, backend: "fftjs", method: "direct", plan: 1024 },
  // 656 = 16·41 (2.4 MS/s, N = 131072): PFFFT cannot plan it.
  { size: 656, backend: "pffft", method: "bluestein", plan: 1440 },
  // fft.js: powers of two only.
  { size: 768, backend: "fftjs", method: "bluestein", plan: 2048 },
  { size: 548, backend: "fftjs", method: "bluestein", plan: 2048 },
  { size: 12, backend: "pffft", method: "bluestein", plan: 32 },
] as const;

for (const c of CASES) {
  Deno.test(`InverseDft.inverse() ${c.method} ${c.size} on ${c.backend} matches the naive inverse DFT`, async () => {
    const dft = await InverseDft.create(c.size, { backend: c.backend });
    try {
      equal(dft.method, c.method);
      equal(dft.planSize, c.plan);
      equal(dft.backend, c.backend);
      const input = randomFloats(2 * c.size, c.size);
      const output = new Float32Array(2 * c.size);
      dft.inverse(input, output);
      const error = relativeError(output, naiveInverse(input));
      ok(error < 2e-5, `relative error ${error}`);
      // Twice in a row gives the same (no state kept between calls).
      const again = new Float32Array(2 * c.size);
      dft.inverse(input, again);
      equal(relativeError(again, Float64Array.from(output)), 0);
    } finally {
      dft.dispose();
    }
  });
}

Deno.test("InverseDft.create() picks direct for supported sizes and Bluestein otherwise", async () => {
  const direct = await InverseDft.create(768);
  const bluestein = await InverseDft.create(820); // 4·5·41
  try {
    equal(direct.method, "direct");
    equal(bluestein.method, "bluestein");
    ok(bluestein.planSize >= 2 * 820 - 1);
  } finally {
    direct.dispose();
    bluestein.dispose();
  }
});

Deno.test("InverseDft rejects bad sizes, plans and buffers", async () => {
  await rejects(() => InverseDft.create(1), RangeError);
  await rejects(() => InverseDft.create(2.5), RangeError);
  const small = await createFft(64, { backend: "fftjs" });
  throws(() => new InverseDft(40, small), RangeError); // needs 40 or >= 79
  small.dispose();
  const dft = await InverseDft.create(16);
  throws(
    () => dft.inverse(new Float32Array(31), new Float32Array(32)),
    RangeError,
  );
  dft.dispose();
  dft.dispose(); // twice is fine
  throws(
    () => dft.inverse(new Float32Array(32), new Float32Array(32)),
    /disposed/,
  );
});
