import { deepEqual, equal, throws } from "node:assert/strict";
import { ConnectionLimits } from "../../lib/sdr/server/connection_limits.ts";
import { defaultWindow } from "../../lib/sdr/server/default_window.ts";
import { spectrumLayout } from "../../lib/sdr/spectrum_layout.ts";

Deno.test("ConnectionLimits.tryAcquire() enforces per-kind and per-address limits", () => {
  const limits = new ConnectionLimits({ audio: 3, waterfall: 1, perIp: 2 });
  equal(limits.total, 3 + 1 + 1000);
  equal(limits.tryAcquire("audio", "a"), undefined);
  equal(limits.tryAcquire("audio", "a"), undefined);
  equal(limits.tryAcquire("audio", "a"), "per_ip");
  equal(limits.tryAcquire("waterfall", "a"), undefined); // per kind
  equal(limits.tryAcquire("waterfall", "b"), "limit");
  equal(limits.tryAcquire("audio", "b"), undefined);
  equal(limits.tryAcquire("audio", "c"), "limit");
  equal(limits.count("audio"), 3);
  limits.release("audio", "a");
  limits.release("audio", "nobody"); // ignored
  equal(limits.count("audio"), 2);
  equal(limits.tryAcquire("audio", "c"), undefined);
  throws(() => new ConnectionLimits({ events: -1 }), RangeError);
  throws(() => new ConnectionLimits({ perIp: 1.5 }), RangeError);
});

Deno.test("defaultWindow() places the default passband like PhantomSDR, clamped", () => {
  const iq = spectrumLayout({
    sps: 2_048_000,
    frequency: 7_100_000,
    fftSize: 131072,
    signal: "iq",
  });
  // Centre: m = N/2; USB 3 kHz above = 192 bins.
  deepEqual(defaultWindow(iq, -1, "USB"), {
    frequency: 7_100_000,
    modulation: "USB",
    l: 65536,
    m: 65536,
    r: 65728,
  });
  deepEqual(defaultWindow(iq, 7_074_000, "lsb"), {
    frequency: 7_074_000,
    modulation: "LSB",
    l: 63680,
    m: 63872,
    r: 63872,
  });
  // WBFM ±96 kHz is 12288 bins: clamped to audio_max_fft (768) around m.
  const wbfm = defaultWindow(iq, undefined, "WBFM");
  equal(wbfm.r - wbfm.l, 768);
  equal((wbfm.l + wbfm.r) / 2, 65536);
  equal(defaultWindow(iq, -1, "PSK").modulation, "USB");
  throws(() => defaultWindow(iq, 9_000_000, "USB"), RangeError);
  // Real input: frequency is the lower edge; −1 is the middle of 0…sps/2.
  const real = spectrumLayout({
    sps: 60_000_000,
    frequency: 0,
    fftSize: 8_388_608,
    signal: "real",
  });
  const am = defaultWindow(real, -1, "AM");
  equal(am.frequency, 15_000_000);
  equal(am.m, 2_097_152);
  deepEqual([am.l, am.r], [2_097_152 - 699, 2_097_152 + 699]);
});
