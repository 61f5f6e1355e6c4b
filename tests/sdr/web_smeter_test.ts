// The web client's S-meter (pwr → dBm → S-units) and squelch.
import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import {
  meterFraction,
  PowerSmoother,
  pwrToDbm,
  S9_DBM,
  Squelch,
  sUnits,
} from "../../lib/sdr/web/smeter.js";
import { passbandPower } from "../../lib/sdr/smeter.ts";

Deno.test("pwrToDbm() is the original frontend's dB plus smeter_offset", () => {
  // The original: dB = 20·log10(√P / 2).
  for (const p of [1e-12, 3.3e-7, 0.02, 1]) {
    ok(Math.abs(pwrToDbm(p) - 20 * Math.log10(Math.sqrt(p) / 2)) < 0.03);
  }
  equal(pwrToDbm(1e-3, -50), -86);
  equal(pwrToDbm(-1), -200);
  equal(pwrToDbm(NaN), -200);
  equal(pwrToDbm(1e-40), -200);
});

Deno.test("pwrToDbm() reads the server's passband power of a known carrier", () => {
  // A carrier of amplitude A in one bin: |X/N|² = A², so pwr = A².
  const spectrum = new Float32Array(2 * 16);
  spectrum[2 * 12] = 0.01; // 0.01 full scale: −40 dBFS
  const pwr = passbandPower(spectrum, 0, 16, {
    fftResultSize: 16,
    baseIndex: 9,
  });
  ok(Math.abs(pwr - 1e-4) < 1e-9);
  ok(Math.abs(pwrToDbm(pwr, 0) - -46) < 1e-6);
});

Deno.test("sUnits() counts 6 dB per unit below S9 and dB over above", () => {
  deepEqual(sUnits(S9_DBM), { units: 9, over: 0, text: "S9" });
  deepEqual(sUnits(S9_DBM - 6), { units: 8, over: 0, text: "S8" });
  deepEqual(sUnits(S9_DBM - 6.5), { units: 7, over: 0, text: "S7" });
  deepEqual(sUnits(-121), { units: 1, over: 0, text: "S1" });
  deepEqual(sUnits(-127), { units: 0, over: 0, text: "S0" });
  deepEqual(sUnits(S9_DBM + 0.4), { units: 9, over: 0, text: "S9" });
  deepEqual(sUnits(S9_DBM + 40), { units: 9, over: 40, text: "S9+40" });
  fc.assert(
    fc.property(
      fc.double({ min: -200, max: 20, noNaN: true }),
      fc.double({ min: 0, max: 50, noNaN: true }),
      (a, d) => {
        const low = sUnits(a);
        const high = sUnits(a + d);
        ok(high.units * 100 + high.over >= low.units * 100 + low.over);
        const f = meterFraction(a);
        ok(f >= 0 && f <= 1 && meterFraction(a + d) >= f);
      },
    ),
    { seed: 21 },
  );
});

Deno.test("PowerSmoother halves towards each new value and ignores garbage", () => {
  const smoother = new PowerSmoother();
  equal(smoother.push(8), 8);
  equal(smoother.push(0), 4);
  equal(smoother.push(NaN), 4);
  equal(smoother.push(-1), 4);
  equal(smoother.push(Infinity), 4);
  equal(smoother.push(4), 4);
  smoother.reset();
  equal(smoother.push(2), 2);
});

Deno.test("Squelch opens at the threshold and closes after the hang below the hysteresis", () => {
  let t = 1000;
  const squelch = new Squelch({ hysteresisDb: 3, hangMs: 300, now: () => t });
  equal(squelch.update(-95, -90), false);
  equal(squelch.update(-90, -90), true);
  // Between threshold and hysteresis: stays open however long.
  t += 5000;
  equal(squelch.update(-92, -90), true);
  // Below: open for the hang time, then closed.
  equal(squelch.update(-94, -90), true);
  t += 299;
  equal(squelch.update(-94, -90), true);
  // A burst back above resets the hang.
  equal(squelch.update(-80, -90), true);
  t += 10;
  equal(squelch.update(-100, -90), true);
  t += 300;
  equal(squelch.update(-100, -90), false);
  equal(squelch.open, false);
  // Off.
  equal(squelch.update(-150, undefined), true);
  equal(squelch.update(-150, -Infinity), true);
});
