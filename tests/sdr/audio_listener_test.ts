import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { InverseDft } from "../../lib/sdr/audio/inverse_dft.ts";
import {
  ListenerAudio,
  parseAudioMode,
} from "../../lib/sdr/audio/listener_audio.ts";
import { AGC_PRESETS } from "../../lib/sdr/audio/post.ts";
import { BigFft } from "../../lib/sdr/big_fft.ts";
import { passbandPower } from "../../lib/sdr/smeter.ts";
import {
  type SignalKind,
  type SpectrumLayout,
  spectrumLayout,
} from "../../lib/sdr/spectrum_layout.ts";

// 48 kS/s, N = 4096 keeps 1,000 frames quick: 11.72 Hz bins,
// audio_max_fft 1024 → 12 kHz, 512 samples per frame.
const SPS = 48000;
const FFT = 4096;

interface Rig {
  layout: SpectrumLayout;
  big: BigFft;
  half: Float32Array;
  /** Feeds frame `f` of `signal(t)` (complex for IQ, real part for real). */
  frame(f: number, signal: (t: number) => [number, number]): Float32Array;
  dispose(): void;
}

async function rig(signal: SignalKind = "iq", audioSps = 12000): Promise<Rig> {
  const layout = spectrumLayout({
    sps: SPS,
    frequency: 7_000_000,
    fftSize: FFT,
    signal,
    audioSps,
  });
  const big = await BigFft.create({ fftSize: FFT, signal });
  const half = new Float32Array(big.hopFloats);
  return {
    layout,
    big,
    half,
    frame(f, make) {
      for (let j = 0; j < big.hopSamples; j++) {
        const [re, im] = make((f * big.hopSamples + j) / SPS);
        if (signal === "iq") {
          half[2 * j] = re;
          half[2 * j + 1] = im;
        } else {
          half[j] = re;
        }
      }
      big.process(half);
      return big.spectrum;
    },
    dispose() {
      big.dispose();
    },
  };
}

/** Hz (from 0 Hz of the stream) of waterfall bin `m`. */
function binToHz(m: number, signal: SignalKind = "iq"): number {
  const binHz = SPS / FFT;
  return signal === "iq" ? (m - (FFT / 2 - 1)) * binHz : m * binHz;
}

function complexTone(hz: number, amplitude: number) {
  return (t: number): [number, number] => [
    amplitude * Math.cos(2 * Math.PI * hz * t),
    amplitude * Math.sin(2 * Math.PI * hz * t),
  ];
}

Deno.test("ListenerAudio.process() returns the same preallocated Int16Array over 1,000 frames in every mode", async () => {
  // Allocation-freedom is checked by identity: the PCM, float audio and
  // baseband arrays are created once and every frame writes into them.
  // (Counting allocations needs --expose-gc, not available to deno test.)
  const r = await rig();
  const listener = await ListenerAudio.create({
    ...r.layout,
    noiseBlanker: { enabled: true },
    squelch: { enabled: true, thresholdDb: -80 },
  });
  try {
    const pcm = listener.pcm;
    const audio = listener.audio;
    const m = 2600;
    ok(listener.setWindow(m - 300, m, m + 300));
    const modes = ["USB", "LSB", "AM", "SAM", "FM", "CW-U", "CW-L", "WBFM"];
    // Two tones: audio in every mode (AM and FM hear their beat).
    const [a, b] = [600, 1400].map((hz) => complexTone(binToHz(m) + hz, 0.05));
    const tone = (t: number): [number, number] => {
      const [ar, ai] = a(t);
      const [br, bi] = b(t);
      return [ar + br, ai + 0.5 * bi];
    };
    for (let f = 0; f < 1000; f++) {
      if (f % 125 === 0) ok(listener.setMode(modes[f / 125]));
      const out = listener.process(r.frame(f, tone));
      ok(out === pcm, `frame ${f}: a new array`);
      equal(out.length, 512);
    }
    ok(listener.audio === audio);
    equal(listener.frames, 1000);
    equal(listener.nonFiniteFrames, 0);
    ok(pcm.some((v) => v !== 0), "the last frame has sound");
  } finally {
    listener.dispose();
    r.dispose();
  }
});

Deno.test("ListenerAudio.process() leaves no garbage per frame (heap measured in a child with --expose-gc)", async () => {
  // A child Deno with gc() exposed runs 10,000 frames per mode after a
  // warm-up and reports the heap growth; one boxed number per frame would
  // be 16 bytes per frame.
  const listenerUrl = new URL(
    "../../lib/sdr/audio/listener_audio.ts",
    import.meta.url,
  ).href;
  const layoutUrl = new URL("../../lib/sdr/spectrum_layout.ts", import.meta.url)
    .href;
  const code = `
    import { ListenerAudio } from "${listenerUrl}";
    import { spectrumLayout } from "${layoutUrl}";
    const layout = spectrumLayout({ sps: 2048000, frequency: 7e6, fftSize: 131072, signal: "iq" });
    const spectrum = new Float32Array(2 * (131072 + 768));
    for (let i = 0; i < spectrum.length; i++) spectrum[i] = 1e-3 * Math.sin(i * 0.37);
    const result = {};
    for (const mode of ["USB", "LSB", "AM", "SAM", "FM", "CW-U", "WBFM"]) {
      const listener = await ListenerAudio.create({
        ...layout, mode, noiseBlanker: { enabled: true }, squelch: { enabled: true },
      });
      listener.setWindow(80000 - 320, 80000.3, 80000 + 320);
      for (let i = 0; i < 2000; i++) listener.process(spectrum, i);
      globalThis.gc(); globalThis.gc();
      const before = Deno.memoryUsage().heapUsed;
      for (let i = 0; i < 10000; i++) listener.process(spectrum, i);
      result[mode] = (Deno.memoryUsage().heapUsed - before) / 10000;
      listener.dispose();
    }
    console.log(JSON.stringify(result));
  `;
  const config = new URL("../../deno.json", import.meta.url).pathname;
  const child = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--config", config, "--v8-flags=--expose-gc", code],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stderr = new TextDecoder().decode(child.stderr);
  ok(child.success, stderr);
  const perFrame = JSON.parse(new TextDecoder().decode(child.stdout)) as Record<
    string,
    number
  >;
  equal(Object.keys(perFrame).length, 7);
  for (const [mode, bytes] of Object.entries(perFrame)) {
    ok(bytes < 4, `${mode}: ${bytes} bytes per frame`);
  }
});

for (const m of [2600, 2601]) {
  Deno.test(`ListenerAudio USB PCM frames join without a jump (carrier bin ${m})`, async () => {
    const r = await rig();
    const listener = await ListenerAudio.create({ ...r.layout, mode: "USB" });
    try {
      ok(listener.setWindow(m, m, m + 230));
      const tone = complexTone(binToHz(m) + 777.7, 0.02);
      const block = listener.samplesPerFrame;
      let join = 0;
      let inside = 0;
      let last = 0;
      for (let f = 0; f < 60; f++) {
        const pcm = listener.process(r.frame(f, tone), f);
        for (let i = 0; i < pcm.length; i++) {
          // After 1 s (the AGC has settled).
          if (f >= 24 && !(f === 24 && i === 0)) {
            const d = Math.abs(pcm[i] - last);
            if (i === 0) join = Math.max(join, d);
            else inside = Math.max(inside, d);
          }
          last = pcm[i];
        }
      }
      equal(block, 512);
      ok(inside > 1000, `inside ${inside}`);
      // A sine's largest step; a click would be several times larger.
      ok(join <= inside * 1.01 + 2, `join ${join} vs inside ${inside}`);
    } finally {
      listener.dispose();
      r.dispose();
    }
  });
}

Deno.test("ListenerAudio on real input: USB recovers a tone at its pitch", async () => {
  const r = await rig("real");
  const listener = await ListenerAudio.create({ ...r.layout, mode: "USB" });
  try {
    const m = 1201; // odd: the real-input sign rule applies
    ok(listener.setWindow(m, m, m + 230));
    const hz = binToHz(m, "real") + 1234;
    const make = (t: number): [number, number] => [
      0.1 * Math.cos(2 * Math.PI * hz * t),
      0,
    ];
    const samples: number[] = [];
    for (let f = 0; f < 40; f++) {
      samples.push(...listener.process(r.frame(f, make)));
    }
    // Zero crossings over the last second.
    const from = samples.length - 12000;
    let crossings = 0;
    for (let n = from + 1; n < samples.length; n++) {
      if (samples[n - 1] < 0 && samples[n] >= 0) crossings++;
    }
    ok(Math.abs(crossings - 1234) <= 1, `${crossings} crossings in 1 s`);
  } finally {
    listener.dispose();
    r.dispose();
  }
});

Deno.test("ListenerAudio.pwr is passbandPower() of the window, also across the wrap", async () => {
  const r = await rig();
  const listener = await ListenerAudio.create(r.layout);
  try {
    const noise = (t: number): [number, number] => [
      Math.sin(t * 1e5) * 0.1 + 0.01,
      Math.cos(t * 3e5) * 0.05,
    ];
    for (const [l, m, right] of [[2500, 2600, 2700], [1900, 2047, 2200]]) {
      ok(listener.setWindow(l, m, right));
      for (let f = 0; f < 3; f++) {
        const spectrum = r.frame(f, noise);
        listener.process(spectrum);
        const want = passbandPower(spectrum, l, right, r.layout);
        ok(want > 0);
        equal(listener.pwr, want);
      }
    }
  } finally {
    listener.dispose();
    r.dispose();
  }
});

Deno.test("ListenerAudio stays silent for the first frame after a start or reset(), while the overlap-add fills up", async () => {
  const r = await rig();
  const listener = await ListenerAudio.create({ ...r.layout, mode: "FM" });
  try {
    const m = 2600;
    const carrier = binToHz(m);
    const fm = (t: number): [number, number] => {
      const phase = 2 * Math.PI * carrier * t +
        3 * Math.sin(2 * Math.PI * 500 * t);
      return [0.05 * Math.cos(phase), 0.05 * Math.sin(phase)];
    };
    ok(listener.setWindow(m - 300, m, m + 300));
    const silent = (pcm: Int16Array) => pcm.every((v) => v === 0);
    ok(silent(listener.process(r.frame(0, fm))), "first frame");
    ok(!silent(listener.process(r.frame(1, fm))), "second frame");
    ok(listener.pwr > 0);
    // The FM start-up does not duck the AGC: full level from frame 2 on.
    let peak = 0;
    for (const v of listener.process(r.frame(2, fm))) {
      peak = Math.max(peak, Math.abs(v));
    }
    ok(peak > 0.15 * 32767, `peak ${peak}`);
    ok(listener.setWindow(m - 200, m, m + 200)); // a retune: no fill-up
    ok(!silent(listener.process(r.frame(3, fm))));
    listener.reset();
    ok(silent(listener.process(r.frame(4, fm))), "after reset()");
    ok(!silent(listener.process(r.frame(5, fm))));
  } finally {
    listener.dispose();
    r.dispose();
  }
});

Deno.test("ListenerAudio.setWindow() ignores the windows PhantomSDR ignores", async () => {
  const r = await rig();
  const listener = await ListenerAudio.create(r.layout);
  try {
    equal(listener.window, undefined);
    ok(listener.setWindow(100, 150.5, 300));
    deepEqual(listener.window, [100, 150.5, 300]);
    for (
      const [l, m, r_] of [
        [-1, 10, 20],
        [30, 25, 20], // l > r
        [0, 10, FFT + 1], // past the end
        [0, 10, 1025], // wider than audio_max_fft
        [0, NaN, 20],
        [0, Infinity, 20],
        [0.5, 10, 20],
      ]
    ) {
      equal(listener.setWindow(l, m, r_), false, `[${l}, ${m}, ${r_}]`);
    }
    equal(listener.setWindow(0, "5" as unknown as number, 10), false);
    deepEqual(listener.window, [100, 150.5, 300]);
    ok(listener.setWindow(FFT - 1024, FFT - 10, FFT)); // up to the end
  } finally {
    listener.dispose();
    r.dispose();
  }
});

Deno.test("ListenerAudio.setMode() takes the wire names and runs WBFM for wide FM windows", async () => {
  const r = await rig("iq", 48000); // audio_max_fft 4096 → 48 kS/s
  const listener = await ListenerAudio.create({
    ...r.layout,
    wbfmMinWidthHz: 20_000,
  });
  try {
    equal(listener.mode, "USB");
    ok(listener.setMode("fm"));
    ok(listener.setWindow(2000, 2100, 2200)); // 2.3 kHz
    equal(listener.activeMode, "FM");
    ok(listener.setWindow(1000, 2100, 3000)); // 23 kHz
    equal(listener.mode, "FM");
    equal(listener.activeMode, "WBFM");
    equal(listener.setMode("AM-S"), false);
    equal(listener.setMode(""), false);
    equal(listener.mode, "FM");
    ok(listener.setMode("SAM"));
    equal(listener.activeMode, "SAM");
    equal(listener.samLocked, false);
  } finally {
    listener.dispose();
    r.dispose();
  }
  await ListenerAudio.create({ ...r.layout, mode: "XYZ" as "USB" }).then(
    () => ok(false, "expected a RangeError"),
    (error) => ok(error instanceof RangeError),
  );
});

Deno.test("parseAudioMode() maps wire and alias names, any case", () => {
  deepEqual(
    [
      "USB",
      "lsb",
      "Am",
      "AM-ENV",
      "sam",
      "FM",
      "nfm",
      "WBFM",
      "wfm",
      "CW",
      "cw-l",
      "CWU",
    ]
      .map(parseAudioMode),
    [
      "USB",
      "LSB",
      "AM",
      "AM",
      "SAM",
      "FM",
      "FM",
      "WBFM",
      "WBFM",
      "CW-U",
      "CW-L",
      "CW-U",
    ],
  );
  equal(parseAudioMode("AM-S"), undefined);
  equal(parseAudioMode("toString"), undefined);
  equal(parseAudioMode("USB".repeat(100)), undefined);
  equal(parseAudioMode(42 as unknown as string), undefined);
});

Deno.test("ListenerAudio squelch on pwr opens on a carrier and closes after it goes", async () => {
  const r = await rig();
  const listener = await ListenerAudio.create({
    ...r.layout,
    mode: "AM",
    squelch: { enabled: true, thresholdDb: -60, closeDelayMs: 100 },
  });
  try {
    const m = 2600;
    ok(listener.setWindow(m - 200, m, m + 200));
    const carrier = complexTone(binToHz(m) + 3, 0.01);
    const silence = (): [number, number] => [0, 0];
    const states: boolean[] = [];
    let loudest = 0;
    for (let f = 0; f < 60; f++) {
      const on = f >= 10 && f < 30;
      const pcm = listener.process(r.frame(f, on ? carrier : silence));
      states.push(listener.squelchOpen);
      if (f >= 45) {
        for (const v of pcm) loudest = Math.max(loudest, Math.abs(v));
      }
    }
    // pwr of a 0.01 carrier ≈ 10·log10(0.01²·3/8) = −44 dB.
    ok(states.slice(0, 10).every((s) => !s), "closed before");
    ok(states.slice(12, 30).every((s) => s), "open on the carrier");
    // 100 ms of close delay ≈ 2.3 frames of 42.7 ms, plus the overlap.
    ok(states.slice(35).every((s) => !s), "closed after");
    equal(loudest, 0);
    throws(() => listener.setSquelch({ hysteresisDb: -1 }), RangeError);
  } finally {
    listener.dispose();
    r.dispose();
  }
});

Deno.test("ListenerAudio squelch on audio level opens on a tone", async () => {
  const r = await rig();
  const listener = await ListenerAudio.create({
    ...r.layout,
    mode: "USB",
    squelch: { enabled: true, source: "level", thresholdDb: -50 },
  });
  try {
    const m = 2600;
    ok(listener.setWindow(m, m, m + 230));
    const quiet = complexTone(binToHz(m) + 500, 0.0001); // −80 dB
    const loud = complexTone(binToHz(m) + 500, 0.01); // −40 dB
    for (let f = 0; f < 10; f++) listener.process(r.frame(f, quiet));
    equal(listener.squelchOpen, false);
    for (let f = 10; f < 20; f++) listener.process(r.frame(f, loud));
    equal(listener.squelchOpen, true);
  } finally {
    listener.dispose();
    r.dispose();
  }
});

Deno.test("ListenerAudio.process() silences and counts a frame with NaN, then recovers", async () => {
  const r = await rig();
  const listener = await ListenerAudio.create({ ...r.layout, mode: "FM" });
  try {
    const m = 2600;
    ok(listener.setWindow(m - 300, m, m + 300));
    const carrier = binToHz(m);
    const tone = (t: number): [number, number] => {
      const phase = 2 * Math.PI * carrier * t +
        2 * Math.sin(2 * Math.PI * 700 * t);
      return [0.05 * Math.cos(phase), 0.05 * Math.sin(phase)];
    };
    const poisoned = new Float32Array(r.big.spectrum.length);
    for (let f = 0; f < 30; f++) {
      let spectrum = r.frame(f, tone);
      if (f === 10) {
        poisoned.set(spectrum);
        poisoned[2 * (m + r.layout.baseIndex - r.layout.fftSize)] = NaN;
        spectrum = poisoned;
      }
      const pcm = listener.process(spectrum);
      if (f === 10) ok(pcm.every((v) => v === 0), "the NaN frame is silent");
      if (f >= 25) ok(pcm.some((v) => v !== 0), `frame ${f} has sound again`);
      ok(Number.isFinite(listener.pwr));
    }
    equal(listener.nonFiniteFrames, 1);
  } finally {
    listener.dispose();
    r.dispose();
  }
});

Deno.test("ListenerAudio without a window outputs silence and pwr 0; AGC, blanker and PCM counters work through it", async () => {
  const r = await rig();
  const listener = await ListenerAudio.create({
    ...r.layout,
    mode: "AM",
    agc: AGC_PRESETS.off,
    pcmScale: 32767,
  });
  try {
    const spectrum = r.frame(0, complexTone(1000, 0.5));
    const pcm = listener.process(spectrum);
    ok(pcm.every((v) => v === 0));
    equal(listener.pwr, 0);
    // AGC off, 0 dB: an AM carrier of 2.0 with 100 % modulation clips.
    const m = 2600;
    ok(listener.setWindow(m - 200, m, m + 200));
    listener.setAgc({ manualGainDb: 0 });
    const am = (t: number): [number, number] => {
      const a = 2 * (1 + Math.cos(2 * Math.PI * 500 * t));
      const phase = 2 * Math.PI * binToHz(m) * t;
      return [a * Math.cos(phase), a * Math.sin(phase)];
    };
    for (let f = 1; f < 10; f++) listener.process(r.frame(f, am));
    ok(listener.clipped > 0, `clipped ${listener.clipped}`);
    ok(listener.pwr > 0);
    equal(listener.agcGainDb, 0);
    throws(() => listener.setAgc({ decayMs: NaN }), RangeError);
    // Noise blanker through the listener.
    listener.setNoiseBlanker({ enabled: true });
    const clicks = (t: number): [number, number] => {
      const n = Math.round(t * SPS);
      const spike = n % 4000 === 0 ? 50 : 0;
      const phase = 2 * Math.PI * binToHz(m) * t;
      return [0.01 * Math.cos(phase) + spike, 0.01 * Math.sin(phase)];
    };
    for (let f = 10; f < 30; f++) listener.process(r.frame(f, clicks));
    ok(listener.blanked > 0, `blanked ${listener.blanked}`);
  } finally {
    listener.dispose();
    r.dispose();
  }
});

Deno.test("ListenerAudio listeners share an InverseDft", async () => {
  const r = await rig();
  const dft = await InverseDft.create(r.layout.audioFftSize);
  const a = await ListenerAudio.create({ ...r.layout, inverseDft: dft });
  const b = await ListenerAudio.create({
    ...r.layout,
    inverseDft: dft,
    mode: "LSB",
  });
  try {
    const m = 2600;
    ok(a.setWindow(m, m, m + 200));
    ok(b.setWindow(m - 200, m, m));
    const tones = (t: number): [number, number] => {
      const [ur, ui] = complexTone(binToHz(m) + 1000, 0.02)(t);
      const [lr, li] = complexTone(binToHz(m) - 1000, 0.02)(t);
      return [ur + lr, ui + li];
    };
    for (let f = 0; f < 30; f++) {
      const spectrum = r.frame(f, tones);
      a.process(spectrum);
      b.process(spectrum);
    }
    // Same tone on both sides, same chain: identical audio.
    deepEqual([...a.pcm], [...b.pcm]);
    ok(a.pcm.some((v) => v !== 0));
  } finally {
    a.dispose();
    b.dispose();
    dft.inverse(new Float32Array(2048), new Float32Array(2048)); // still alive
    dft.dispose();
    r.dispose();
  }
});
