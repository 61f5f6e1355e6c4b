import { equal, ok, throws } from "node:assert/strict";
import { BigFft } from "../../lib/sdr/big_fft.ts";
import { passbandPower } from "../../lib/sdr/smeter.ts";
import { complexTone, prng } from "./_signals.ts";

Deno.test("passbandPower() sums |X/N|² over the passband, not the mean", async () => {
  const fftSize = 4096;
  const amplitude = 0.2;
  const big = await BigFft.create({ fftSize, signal: "iq" });
  const bin = 500;
  for (let f = 0; f < 2; f++) {
    big.process(complexTone(fftSize, bin, amplitude, f * 2048, 2048));
  }
  const index = bin - (fftSize / 2 + 1) + fftSize; // waterfall index
  // A 3 kHz-style passband around the tone holds A²/4 + 2·A²/16 = 3A²/8.
  const pwr = passbandPower(big.spectrum, index - 10, index + 10, big);
  ok(Math.abs(pwr - (3 * amplitude ** 2) / 8) < 1e-6, `pwr ${pwr}`);
  // Doubling the passband adds (almost) nothing: a sum, not a mean.
  const wide = passbandPower(big.spectrum, index - 20, index + 20, big);
  ok(Math.abs(wide - pwr) < 1e-9);
  // A passband beside the tone sees only leakage.
  ok(passbandPower(big.spectrum, index + 5, index + 50, big) < 1e-9);
  equal(passbandPower(big.spectrum, index, index, big), 0);
  big.dispose();
});

Deno.test("passbandPower() wraps around the end of the FFT for IQ", () => {
  // N = 32, base index 17: waterfall [10, 20) is FFT bins 27…31 then 0…4.
  const spectrum = new Float32Array(64);
  const next = prng(1);
  for (let i = 0; i < 64; i++) spectrum[i] = next();
  let expected = 0;
  for (const k of [27, 28, 29, 30, 31, 0, 1, 2, 3, 4]) {
    expected += spectrum[2 * k] ** 2 + spectrum[2 * k + 1] ** 2;
  }
  const got = passbandPower(spectrum, 10, 20, {
    fftResultSize: 32,
    baseIndex: 17,
  });
  ok(Math.abs(got - expected) < 1e-12);
});

Deno.test("passbandPower() rejects passbands outside the spectrum", () => {
  const spectrum = new Float32Array(64);
  const options = { fftResultSize: 32, baseIndex: 0 };
  throws(() => passbandPower(spectrum, -1, 4, options), RangeError);
  throws(() => passbandPower(spectrum, 5, 4, options), RangeError);
  throws(() => passbandPower(spectrum, 0, 33, options), RangeError);
  throws(() => passbandPower(spectrum, 0.5, 4, options), RangeError);
  throws(
    () => passbandPower(new Float32Array(10), 0, 4, options),
    RangeError,
  );
  equal(passbandPower(spectrum, 0, 32, options), 0);
});
