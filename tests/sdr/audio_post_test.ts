import { deepEqual, equal, ok, throws } from "node:assert/strict";
import {
  Agc,
  AGC_PRESETS,
  DcBlocker,
  NoiseBlanker,
  PcmConverter,
  Squelch,
} from "../../lib/sdr/audio/post.ts";

const RATE = 12000;
const BLOCK = 384; // samples per frame at 12 kHz (2.048 MS/s, N = 131072)

/** `seconds` of a 1 kHz sine whose amplitude is `level(t)`. */
function sine(seconds: number, level: (t: number) => number): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE));
  for (let n = 0; n < out.length; n++) {
    out[n] = level(n / RATE) * Math.sin((2 * Math.PI * 1000 * n) / RATE + 0.3);
  }
  return out;
}

/** Runs `agc` frame by frame over `buffer` (as the listener does). */
function runFrames(agc: Agc, buffer: Float32Array, gains?: number[]): void {
  for (let start = 0; start < buffer.length; start += BLOCK) {
    agc.process(buffer.subarray(start, Math.min(buffer.length, start + BLOCK)));
    gains?.push(agc.gainDb);
  }
}

/** Peak |x| in each 1 kHz period (12 samples) from `from` on. */
function cyclePeaks(buffer: Float32Array, from: number): number[] {
  const peaks: number[] = [];
  for (let start = from; start + 12 <= buffer.length; start += 12) {
    let peak = 0;
    for (let n = start; n < start + 12; n++) {
      peak = Math.max(peak, Math.abs(buffer[n]));
    }
    peaks.push(peak);
  }
  return peaks;
}

const dB = (ratio: number) => 20 * Math.log10(ratio);

Deno.test("Agc.process() settles on a tone within 15 ms of its onset and never passes the ceiling", () => {
  const agc = new Agc({ sampleRate: RATE });
  // 100 ms of silence, then a tone at −60 dBFS.
  const buffer = sine(1, (t) => (t < 0.1 ? 0 : 0.001));
  runFrames(agc, buffer);
  let max = 0;
  for (const v of buffer) max = Math.max(max, Math.abs(v));
  ok(max <= 0.95 + 1e-6, `peak ${max}`);
  const onset = 0.1 * RATE;
  // The onset overshoots (at most to the ceiling), then the 2 ms attack
  // brings it to within 1 dB of the target in 15 ms and 0.5 dB in 25 ms.
  for (const [i, peak] of cyclePeaks(buffer, onset + 0.015 * RATE).entries()) {
    ok(Math.abs(dB(peak / 0.2)) < 1, `period ${i}: ${dB(peak / 0.2)} dB`);
  }
  for (const [i, peak] of cyclePeaks(buffer, onset + 0.025 * RATE).entries()) {
    ok(Math.abs(dB(peak / 0.2)) < 0.5, `period ${i}: ${dB(peak / 0.2)} dB`);
  }
});

Deno.test("Agc.process() does not pump on a steady tone", () => {
  const agc = new Agc({ sampleRate: RATE });
  const buffer = sine(5, () => 0.003);
  const gains: number[] = [];
  runFrames(agc, buffer, gains);
  // After 0.5 s: the gain does not move and every period peaks alike.
  const settled = gains.slice(Math.ceil((0.5 * RATE) / BLOCK));
  const spread = Math.max(...settled) - Math.min(...settled);
  ok(spread < 0.01, `gain moved ${spread} dB`);
  const peaks = cyclePeaks(buffer, 0.5 * RATE);
  const ripple = dB(Math.max(...peaks) / Math.min(...peaks));
  ok(ripple < 0.05, `peak ripple ${ripple} dB`);
  ok(Math.abs(dB(peaks[0] / 0.2)) < 0.1);
});

Deno.test("Agc.process() holds the gain for the hang time after a 20 dB drop, then recovers within 1 s", () => {
  const agc = new Agc({ sampleRate: RATE }); // hang 200 ms, decay 250 ms
  const buffer = sine(3, (t) => (t < 1 ? 0.01 : 0.001));
  runFrames(agc, buffer);
  const drop = RATE;
  // Hang: the first 150 ms after the drop stay 20 dB down (no gain chase).
  for (const peak of cyclePeaks(buffer.subarray(0, drop + 0.15 * RATE), drop)) {
    ok(Math.abs(dB(peak / 0.02)) < 0.5, `during hang ${dB(peak / 0.2)} dB`);
  }
  // hang + decay·ln(10): back within 1 dB of the target 1 s after the drop.
  for (const peak of cyclePeaks(buffer, drop + RATE)) {
    ok(Math.abs(dB(peak / 0.2)) < 1, `after 1 s ${dB(peak / 0.2)} dB`);
  }
});

Deno.test("Agc look-ahead delays the audio by exactly its length and lowers the gain before the onset", () => {
  const lookAhead = new Agc({ sampleRate: RATE, lookAheadMs: 10 });
  const plain = new Agc({ sampleRate: RATE });
  const input = sine(0.5, (t) => (t < 0.1 ? 0.0001 : 0.01)); // +40 dB step
  const a = Float32Array.from(input);
  const b = Float32Array.from(input);
  runFrames(lookAhead, a);
  runFrames(plain, b);
  // Delay: the first 120 samples are the (zero) initial delay line.
  ok(a.subarray(0, 120).every((v) => v === 0));
  let peakLookAhead = 0;
  let peakPlain = 0;
  for (let n = 0.1 * RATE; n < 0.15 * RATE; n++) {
    peakPlain = Math.max(peakPlain, Math.abs(b[n]));
    peakLookAhead = Math.max(peakLookAhead, Math.abs(a[n + 120]));
  }
  // Without look-ahead the limiter catches the onset at the ceiling; with
  // 10 ms (five attack constants) the gain is already down.
  ok(peakPlain > 0.9, `plain onset ${peakPlain}`);
  ok(peakLookAhead < 0.25, `look-ahead onset ${peakLookAhead}`);
  equal(lookAhead.settings.lookAheadMs, 10);
});

Deno.test("Agc disabled applies the manual gain; configure() validates and keeps the old settings on error", () => {
  const agc = new Agc({ sampleRate: RATE, enabled: false, manualGainDb: 20 });
  const buffer = Float32Array.of(0.01, -0.02);
  agc.process(buffer);
  ok(Math.abs(buffer[0] - 0.1) < 1e-6 && Math.abs(buffer[1] + 0.2) < 1e-6);
  ok(Math.abs(agc.gainDb - 20) < 1e-9);
  const before = agc.settings;
  throws(() => agc.configure({ attackMs: -1 }), RangeError);
  throws(() => agc.configure({ targetLevel: 2 }), RangeError);
  throws(() => agc.configure({ ceiling: 0.1 }), RangeError); // below target
  throws(() => agc.configure({ lookAheadMs: 1000 }), RangeError);
  throws(
    () => agc.configure({ enabled: "yes" as unknown as boolean }),
    RangeError,
  );
  equal(agc.settings, before);
  for (const preset of Object.values(AGC_PRESETS)) agc.configure(preset);
  equal(agc.settings.enabled, true); // "default" came last
  throws(() => new Agc({ sampleRate: 0 }), RangeError);
});

Deno.test("DcBlocker.process() removes DC and passes 1 kHz", () => {
  const dc = new DcBlocker({ sampleRate: RATE });
  const buffer = sine(1, () => 0.5).map((v) => v + 0.3);
  for (let start = 0; start < buffer.length; start += BLOCK) {
    dc.process(buffer.subarray(start, start + BLOCK));
  }
  let mean = 0;
  let power = 0;
  for (let n = RATE / 2; n < RATE; n++) {
    mean += buffer[n] / (RATE / 2);
    power += buffer[n] ** 2 / (RATE / 2);
  }
  ok(Math.abs(mean) < 1e-4, `mean ${mean}`);
  // One pole at 50 Hz: −0.011 dB at 1 kHz.
  const gain = dB(Math.sqrt(2 * power) / 0.5);
  ok(Math.abs(gain + 0.011) < 0.005, `1 kHz ${gain} dB`);
  throws(() => new DcBlocker({ sampleRate: RATE, cutoffHz: 0 }), RangeError);
});

Deno.test("Squelch.update() opens at the threshold, holds through the hysteresis and closes after the delay", () => {
  const squelch = new Squelch({
    sampleRate: RATE,
    enabled: true,
    thresholdDb: -50,
    hysteresisDb: 3,
    closeDelayMs: 100, // 1200 samples: 3.1 frames of 384
  });
  equal(squelch.open, false);
  equal(squelch.update(-55, BLOCK), false);
  equal(squelch.update(-50, BLOCK), true);
  equal(squelch.update(-52, BLOCK), true); // within the hysteresis
  equal(squelch.update(-60, BLOCK), true); // 384 quiet samples
  equal(squelch.update(-60, BLOCK), true); // 768
  equal(squelch.update(-60, BLOCK), true); // 1152
  equal(squelch.update(-60, BLOCK), false); // 1536 > 1200: closed
  equal(squelch.update(NaN, BLOCK), false);
  equal(squelch.update(-49, BLOCK), true);
  // A loud frame restarts the delay.
  squelch.update(-60, BLOCK);
  squelch.update(-60, BLOCK);
  squelch.update(-40, BLOCK);
  squelch.update(-60, BLOCK);
  squelch.update(-60, BLOCK);
  equal(squelch.open, true);
});

Deno.test("Squelch.process() fades in and out over the ramp and mutes when closed", () => {
  const squelch = new Squelch({ sampleRate: RATE, enabled: true, rampMs: 1 });
  const buffer = new Float32Array(BLOCK).fill(1);
  squelch.process(buffer);
  ok(buffer.every((v) => v === 0), "closed: silent");
  squelch.update(0, BLOCK);
  buffer.fill(1);
  squelch.process(buffer);
  // 1 ms = 12 samples of ramp.
  ok(Math.abs(buffer[0] - 1 / 12) < 1e-6);
  equal(buffer[11], 1);
  equal(buffer[BLOCK - 1], 1);
  squelch.configure({ enabled: false });
  equal(squelch.open, true);
  equal(squelch.update(-200, BLOCK), true);
  throws(() => squelch.configure({ source: "noise" as "power" }), RangeError);
  throws(() => squelch.configure({ thresholdDb: NaN }), RangeError);
  equal(squelch.settings.source, "power");
});

Deno.test("NoiseBlanker.process() blanks impulses, counts them and leaves a clean signal alone", () => {
  const nb = new NoiseBlanker({ sampleRate: RATE, enabled: true });
  const n = 4800;
  const clean = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    clean[2 * i] = 0.1 * Math.cos((2 * Math.PI * 500 * i) / RATE);
    clean[2 * i + 1] = 0.1 * Math.sin((2 * Math.PI * 500 * i) / RATE);
  }
  const noisy = Float32Array.from(clean);
  for (const at of [1000, 2500, 4000]) {
    noisy[2 * at] += 3;
    noisy[2 * at + 1] -= 2;
  }
  nb.process(noisy);
  equal(nb.blanked, 3 * 12); // 1 ms each
  let worst = 0;
  for (let i = 0; i < 2 * n; i++) {
    worst = Math.max(worst, Math.abs(noisy[i] - clean[i]));
  }
  ok(worst < 0.2, `largest change ${worst}`); // held samples, no impulse
  const untouched = Float32Array.from(clean);
  const other = new NoiseBlanker({ sampleRate: RATE, enabled: true });
  other.process(untouched);
  equal(other.blanked, 0);
  deepEqual(untouched, clean);
  const off = new NoiseBlanker({ sampleRate: RATE });
  const passed = Float32Array.from(noisy);
  off.process(passed);
  equal(off.blanked, 0);
  throws(() => off.configure({ thresholdFactor: 1 }), RangeError);
});

Deno.test("NoiseBlanker.process() does not latch on when a signal starts after near-silence", () => {
  const nb = new NoiseBlanker({ sampleRate: RATE, enabled: true });
  const n = RATE;
  const baseband = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const a = i < n / 2 ? 1e-5 : 0.1; // +80 dB at 0.5 s
    baseband[2 * i] = a * Math.cos(i / 5);
    baseband[2 * i + 1] = a * Math.sin(i / 5);
  }
  nb.process(baseband);
  // Blanked for about 10 ms at an 80 dB step (the mean catches up by up to
  // ×1.15 per sample), then the signal passes.
  ok(nb.blanked > 0 && nb.blanked < 0.012 * RATE, `blanked ${nb.blanked}`);
  for (let i = n / 2 + 0.012 * RATE; i < n; i++) {
    ok(Math.abs(baseband[2 * i] - 0.1 * Math.cos(i / 5)) < 1e-6);
  }
});

Deno.test("PcmConverter.convert() rounds, clips and counts", () => {
  const pcm = new PcmConverter();
  const out = new Int16Array(8);
  const clipped = pcm.convert(
    Float32Array.of(0, 1, -1, 1.0001, -1.01, 0.5, Infinity, NaN),
    out,
  );
  deepEqual([...out], [0, 32767, -32767, 32767, -32768, 16384, 32767, 0]);
  equal(clipped, 3);
  equal(pcm.clipped, 3);
  equal(pcm.nonFinite, 1);
  equal(pcm.convert(Float32Array.of(2, 2), out), 2);
  equal(pcm.clipped, 5);
  const phantom = new PcmConverter({ scale: 16384 }); // PhantomSDR's original
  phantom.convert(Float32Array.of(0.25), out);
  equal(out[0], 4096);
  throws(() => pcm.convert(new Float32Array(9), out), RangeError);
  throws(() => new PcmConverter({ scale: 0 }), RangeError);
});
