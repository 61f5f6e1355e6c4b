import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { DspEngine } from "../../lib/sdr/server/dsp_engine.ts";

// 48 kS/s IQ, N = 1024: 46.875 Hz bins, 93.75 frames/s, audio_max_fft 256
// (12 kHz, 128 samples per frame), waterfall levels 1024/512/256, skip 8.
const SPS = 48000;
const FFT = 1024;
const BIN_HZ = SPS / FFT;

/** Hop n of a complex tone `hz` from the centre, amplitude `a` (continuous phase). */
function toneHop(n: number, hz: number, a: number): Float32Array {
  const hop = new Float32Array(FFT);
  for (let j = 0; j < FFT / 2; j++) {
    const t = (n * (FFT / 2) + j) / SPS;
    hop[2 * j] = a * Math.cos(2 * Math.PI * hz * t);
    hop[2 * j + 1] = a * Math.sin(2 * Math.PI * hz * t);
  }
  return hop;
}

/** Waterfall index whose FFT bin holds `hz` from the centre (IQ: bin (i + N/2 + 1) mod N). */
function indexOf(hz: number): number {
  return hz / BIN_HZ + FFT / 2 - 1;
}

/** Power of `pcm` at `hz` (Goertzel), normalised by length². */
function toneLevel(pcm: ArrayLike<number>, hz: number, rate: number): number {
  const w = (2 * Math.PI * hz) / rate;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < pcm.length; i++) {
    const s = pcm[i] + c * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return (s1 * s1 + s2 * s2 - c * s1 * s2) / (pcm.length * pcm.length);
}

function engine(options: Partial<Parameters<typeof DspEngine.create>[0]> = {}) {
  return DspEngine.create({
    sps: SPS,
    frequency: 7_000_000,
    fftSize: FFT,
    signal: "iq",
    waterfallSize: 256,
    ...options,
  });
}

Deno.test("DspEngine.processHop() puts a tone in its waterfall bin at every level", async () => {
  const dsp = await engine();
  try {
    equal(dsp.skip, 8);
    equal(dsp.levels, 3);
    dsp.setWaterfallSpans([0, 1024, 0, 512, 0, 256]);
    const hz = 6000; // index 639 at level 0
    let line;
    for (let n = 0; n <= dsp.skip; n++) {
      const frame = dsp.processHop(toneHop(n, hz, 0.05));
      if (frame && frame.waterfallSpans.length > 0) line = frame;
    }
    ok(line, "no waterfall frame");
    equal(line.frameNum, 8);
    deepEqual([...line.waterfallSpans], [
      0,
      0,
      1024,
      0,
      1,
      0,
      512,
      1024,
      2,
      0,
      256,
      1536,
    ]);
    const expected = indexOf(hz);
    for (let level = 0; level < 3; level++) {
      const offset = line.waterfallSpans[4 * level + 3];
      const data = line.waterfallData.subarray(
        offset,
        offset + (1024 >> level),
      );
      let best = 0;
      for (let i = 1; i < data.length; i++) if (data[i] > data[best]) best = i;
      equal(best, expected >> level, `level ${level}`);
      ok(
        data[best] > data[(best + 100) % data.length] + 40,
        "tone above floor",
      );
    }
    equal(dsp.counters.waterfallFrames, 2); // frames 0 and 8
  } finally {
    dsp.dispose();
  }
});

Deno.test("DspEngine.processHop() gives each listener its own audio", async () => {
  const dsp = await engine();
  try {
    const hz = 6000;
    const dial = indexOf(hz - 1000); // 1 kHz below the tone: USB hears 1 kHz
    const l = Math.floor(dial);
    ok(dsp.addListener(7, { l, m: dial, r: l + 64, mode: "USB" }));
    ok(dsp.addListener(9, { l: l - 64, m: dial, r: l, mode: "LSB" }));
    equal(dsp.listenerCount, 2);
    const usb: number[] = [];
    const lsb: number[] = [];
    let last;
    for (let n = 0; n < 60; n++) {
      const frame = dsp.processHop(toneHop(n, hz, 0.05))!;
      deepEqual([...frame.listenerIds], [7, 9]);
      equal(frame.pcm.length, 2 * frame.samplesPerFrame);
      if (n >= 20) {
        usb.push(...frame.pcm.subarray(0, 128));
        lsb.push(...frame.pcm.subarray(128, 256));
      }
      last = frame;
    }
    const rate = 256 * BIN_HZ; // 12 kHz
    ok(toneLevel(usb, 1000, rate) > 100 * toneLevel(usb, 2000, rate));
    ok(
      toneLevel(usb, 1000, rate) > 1e5,
      `usb level ${toneLevel(usb, 1000, rate)}`,
    );
    // The tone is above the LSB passband: nothing but the AGC's floor.
    ok(toneLevel(lsb, 1000, rate) < toneLevel(usb, 1000, rate) / 1000);
    ok(last!.pwr[0] > 1e-4, `pwr ${last!.pwr[0]}`);
    ok(last!.pwr[1] < last!.pwr[0] / 1000);
    ok(last!.fftMs >= 0 && last!.audioMs >= 0);
  } finally {
    dsp.dispose();
  }
});

Deno.test("DspEngine.addListener() refuses more than maxListeners and duplicate ids", async () => {
  const dsp = await engine({ maxListeners: 2 });
  try {
    ok(dsp.addListener(1, { l: 600, m: 600, r: 660 }));
    ok(!dsp.addListener(1, { l: 600, m: 600, r: 660 }));
    ok(dsp.addListener(2, { l: 600, m: 600, r: 660 }));
    ok(!dsp.addListener(3, { l: 600, m: 600, r: 660 }));
    equal(dsp.counters.listenersRefused, 2);
    ok(dsp.removeListener(1));
    ok(!dsp.removeListener(1));
    ok(dsp.addListener(3, { l: 600, m: 600, r: 660 }));
    // Bad window and mode are ignored and counted; the listener stays.
    ok(!dsp.setWindow(3, 0, 0, 5000));
    ok(!dsp.setMode(3, "AM-S"));
    ok(!dsp.setWindow(42, 600, 600, 660));
    ok(!dsp.setAgc(3, { attackMs: -1 }));
    ok(dsp.setAgc(3, { attackMs: 5 }));
    equal(dsp.counters.commandsIgnored, 4);
    equal(dsp.listenerCount, 2);
  } finally {
    dsp.dispose();
  }
});

Deno.test("DspEngine.processHop() skips hops nobody needs and resumes cleanly", async () => {
  const dsp = await engine();
  try {
    const hop = toneHop(0, 3000, 0.05);
    equal(dsp.processHop(hop), undefined);
    equal(dsp.processHop(hop), undefined);
    equal(dsp.counters.idleHops, 2);
    dsp.setWaterfallSpans([100, 300]);
    let frame = dsp.processHop(hop);
    equal(frame?.frameNum, 2);
    equal(frame?.waterfallSpans.length, 0); // frame 2: no line (skip 8)
    equal(frame?.listenerIds.length, 0);
    for (let n = 3; n <= 8; n++) frame = dsp.processHop(hop);
    deepEqual([...frame!.waterfallSpans], [0, 100, 300, 0]);
    equal(frame!.waterfallData.length, 200);
    dsp.setWaterfallSpans([]);
    equal(dsp.processHop(hop), undefined);
  } finally {
    dsp.dispose();
  }
});

Deno.test("DspEngine.setWaterfallSpans() clamps spans to each level", async () => {
  const dsp = await engine();
  try {
    dsp.setWaterfallSpans([-5, 5000, 300, 200, 10, 20.7]);
    const frame = dsp.processHop(new Float32Array(FFT))!;
    deepEqual([...frame.waterfallSpans], [0, 0, 1024, 0, 2, 10, 20, 1024]);
    equal(frame.waterfallData.length, 1034);
    equal(frame.waterfallData[0], -128); // silence
  } finally {
    dsp.dispose();
  }
});

Deno.test("DspEngine.processHop() runs real input and rejects short hops", async () => {
  const dsp = await engine({ signal: "real", frequency: 0 });
  try {
    equal(dsp.hopFloats, 512);
    equal(dsp.layout.fftResultSize, 512);
    dsp.setWaterfallSpans([0, 512]);
    const hop = new Float32Array(512);
    for (let j = 0; j < 512; j++) {
      hop[j] = 0.1 * Math.cos(2 * Math.PI * 100 * j / FFT);
    }
    const frame = dsp.processHop(hop)!;
    let best = 0;
    for (let i = 0; i < 512; i++) {
      if (frame.waterfallData[i] > frame.waterfallData[best]) best = i;
    }
    equal(best, 100);
    let threw = false;
    try {
      dsp.processHop(new Float32Array(100));
    } catch (error) {
      threw = error instanceof RangeError;
    }
    ok(threw);
  } finally {
    dsp.dispose();
  }
});

Deno.test("DspEngine.create() rejects a bad layout", async () => {
  await rejects(engine({ fftSize: 1000 }), RangeError);
  await rejects(engine({ waterfallSize: 4096 }), RangeError);
  await rejects(engine({ maxListeners: -1 }), RangeError);
});
