import {
  deepEqual,
  equal,
  notDeepEqual,
  ok,
  rejects,
  throws,
} from "node:assert/strict";
import fc from "fast-check";
import { BigFft } from "../../lib/sdr/big_fft.ts";
import { convertSamples } from "../../lib/sdr/sample_format.ts";
import type { SignalKind } from "../../lib/sdr/spectrum_layout.ts";
import { morseDitSeconds, morseUnits } from "../../lib/sdr/sources/morse.ts";
import { readFull } from "../../lib/sdr/sources/source.ts";
import { SyntheticBand } from "../../lib/sdr/sources/synthetic_band.ts";
import { SyntheticSource } from "../../lib/sdr/sources/synthetic_source.ts";
import {
  checkStation,
  DEFAULT_SYNTHETIC_STATIONS,
  type SyntheticStation,
  syntheticStations,
  type SyntheticStationSpec,
} from "../../lib/sdr/sources/synthetic_stations.ts";

const dB = (ratio: number) => 10 * Math.log10(ratio);

/** Power spectrum |X/N|² averaged over `frames` big-FFT frames. */
async function averagedSpectrum(
  band: SyntheticBand,
  fftSize: number,
  frames: number,
): Promise<Float64Array> {
  const big = await BigFft.create({ fftSize, signal: band.signal });
  try {
    const hop = new Float32Array(big.hopFloats);
    const power = new Float64Array(big.fftResultSize);
    for (let f = 0; f <= frames; f++) {
      band.generate(hop);
      big.process(hop);
      if (f === 0) continue; // the first frame is half silence
      for (let k = 0; k < power.length; k++) {
        power[k] += (big.spectrum[2 * k] ** 2 + big.spectrum[2 * k + 1] ** 2) /
          frames;
      }
    }
    return power;
  } finally {
    big.dispose();
  }
}

/** FFT bin of absolute frequency `hz` (natural order). */
function binOf(band: SyntheticBand, fftSize: number, hz: number): number {
  const k = Math.round(((hz - band.frequency) * fftSize) / band.sps);
  return band.signal === "iq" ? ((k % fftSize) + fftSize) % fftSize : k;
}

/** Largest and summed power over the bins of [low, high] Hz. */
function range(
  band: SyntheticBand,
  power: Float64Array,
  fftSize: number,
  low: number,
  high: number,
): { max: number; sum: number; maxHz: number } {
  const binHz = band.sps / fftSize;
  const first = Math.round((low - band.frequency) / binHz);
  const last = Math.round((high - band.frequency) / binHz);
  let max = 0;
  let sum = 0;
  let maxHz = low;
  for (let k = first; k <= last; k++) {
    const hz = band.frequency + k * binHz;
    const p = power[binOf(band, fftSize, hz)];
    sum += p;
    if (p > max) {
      max = p;
      maxHz = hz;
    }
  }
  return { max, sum, maxHz };
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[sorted.length >> 1];
}

function spec(
  overrides:
    & Partial<SyntheticStationSpec>
    & Pick<SyntheticStationSpec, "mode" | "content">,
): SyntheticStationSpec {
  return { offsetHz: 100_000, levelDb: 0, label: "test", ...overrides };
}

Deno.test("syntheticStations() places the default band around 7.1 MHz", () => {
  const stations = syntheticStations();
  deepEqual(
    stations.map((s) => [s.mode, s.frequency]),
    [
      ["CW", 6_800_000],
      ["LSB", 6_900_000],
      ["USB", 7_000_000],
      ["FM", 7_200_000],
      ["AM", 7_350_000],
      ["AM", 7_500_000],
      ["AM", 7_650_000],
    ],
  );
  for (const s of stations) {
    ok(s.low < s.high, s.label);
    if (s.mode !== "USB" && s.mode !== "LSB") {
      ok(s.low < s.frequency && s.frequency < s.high, s.label);
    }
    ok(s.low > 6_076_000 && s.high < 8_124_000, s.label);
    ok(s.description.startsWith(s.mode), s.description);
  }
  const usb = stations.find((s) => s.mode === "USB")!;
  deepEqual([usb.low, usb.high], [7_000_700, 7_001_900]);
  const lsb = stations.find((s) => s.mode === "LSB")!;
  deepEqual([lsb.low, lsb.high], [6_898_800, 6_899_400]);
});

Deno.test("syntheticStations() squeezes the default band into narrower bands without overlaps", () => {
  for (
    const [sps, signal] of [[250_000, "iq"], [1_024_000, "real"], [
      96_000,
      "iq",
    ]] as [number, SignalKind][]
  ) {
    const stations = syntheticStations({ sps, signal, frequency: 14_000_000 });
    equal(stations.length, DEFAULT_SYNTHETIC_STATIONS.length, `${sps}`);
    const centre = signal === "iq" ? 14_000_000 : 14_000_000 + sps / 4;
    const half = signal === "iq" ? sps / 2 : sps / 4;
    const sorted = [...stations].sort((a, b) => a.low - b.low);
    for (let i = 0; i < sorted.length; i++) {
      ok(sorted[i].low > centre - half && sorted[i].high < centre + half);
      if (i > 0) ok(sorted[i - 1].high < sorted[i].low, `${sps} overlap`);
      equal(sorted[i].offsetHz % 100, 0);
    }
  }
});

Deno.test("syntheticStations() keeps custom offsets and drops stations outside the band", () => {
  const stations = syntheticStations({
    sps: 48_000,
    frequency: 1_000_000,
    stations: [
      spec({
        offsetHz: 10_000,
        mode: "AM",
        content: { kind: "tones", tonesHz: [1000] },
      }),
      spec({
        offsetHz: 23_000,
        mode: "AM",
        content: { kind: "tones", tonesHz: [1000] },
      }),
    ],
  });
  deepEqual(stations.map((s) => s.frequency), [1_010_000]);
});

Deno.test("checkStation() rejects what the band cannot make", () => {
  throws(
    () =>
      checkStation(
        spec({ mode: "PSK" as "AM", content: { kind: "tones", tonesHz: [1] } }),
      ),
    RangeError,
  );
  throws(
    () =>
      checkStation(
        spec({ mode: "USB", content: { kind: "tones", tonesHz: [] } }),
      ),
    RangeError,
  );
  throws(
    () =>
      checkStation(
        spec({ mode: "USB", content: { kind: "tones", tonesHz: [-5] } }),
      ),
    RangeError,
  );
  throws(
    () =>
      checkStation(spec({
        mode: "CW",
        content: { kind: "morse", text: "CQ ÄÖ", wpm: 20, pauseMs: 0 },
      })),
    RangeError,
  );
  throws(
    () =>
      checkStation(
        spec({ mode: "AM", content: { kind: "voice", pitchHz: 20 } }),
      ),
    RangeError,
  );
  throws(
    () =>
      checkStation(spec({
        mode: "AM",
        modulationIndex: 1.5,
        content: { kind: "tones", tonesHz: [1000] },
      })),
    RangeError,
  );
  throws(
    () =>
      checkStation(spec({ mode: "AM", content: { kind: "noise" } as never })),
    RangeError,
  );
  throws(() => new SyntheticBand({ sps: 1000 }), RangeError);
  throws(() => new SyntheticBand({ snrDb: NaN }), RangeError);
});

Deno.test("morseUnits() keys letters, letter gaps and word gaps in dit units", () => {
  deepEqual(
    [...morseUnits("sos")],
    [
      1,
      0,
      1,
      0,
      1,
      0,
      0,
      0,
      1,
      1,
      1,
      0,
      1,
      1,
      1,
      0,
      1,
      1,
      1,
      0,
      0,
      0,
      1,
      0,
      1,
      0,
      1,
    ],
  );
  // PARIS plus the word gap is 50 units: the basis of wpm.
  equal(morseUnits("PARIS").length + 7, 50);
  deepEqual([...morseUnits("  e   t ")], [1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
  throws(() => morseUnits("   "), RangeError);
  throws(() => morseUnits("A#"), RangeError);
  ok(Math.abs(morseDitSeconds(12) - 0.1) < 1e-12);
  throws(() => morseDitSeconds(0), RangeError);
});

for (const signal of ["iq", "real"] as const) {
  Deno.test(`SyntheticBand.generate() puts every listed station above the noise at its frequency (${signal})`, async () => {
    const fftSize = 65536;
    const band = new SyntheticBand({ signal, seed: 3 });
    const power = await averagedSpectrum(band, fftSize, 24);
    const floor = median(power);
    // The noise floor is the one the SNR asks for: total noise power P
    // spread over the bins through a Hann window: P·3/(8N) per bin.
    const noisePower = (signal === "iq" ? 2 : 1) * band.noiseRms ** 2;
    const expected = (noisePower * 3) / (8 * fftSize);
    ok(Math.abs(dB(floor / expected)) < 1, `floor ${dB(floor / expected)} dB`);
    equal(band.stations.length, 7);
    for (const station of band.stations) {
      const { max, maxHz } = range(
        band,
        power,
        fftSize,
        station.low,
        station.high,
      );
      ok(dB(max / floor) > 25, `${station.label}: ${dB(max / floor)} dB`);
      if (station.mode === "AM" || station.mode === "CW") {
        ok(
          Math.abs(maxHz - station.frequency) < 1,
          `${station.label} at ${maxHz}`,
        );
      }
      // Nothing leaks far from the station: 20–40 kHz away is noise.
      const side = range(
        band,
        power,
        fftSize,
        station.high + 20_000,
        station.high + 40_000,
      );
      ok(
        dB(side.max / floor) < 12,
        `${station.label} splatter ${dB(side.max / floor)} dB`,
      );
    }
    // SSB: the wanted sideband only.
    for (const station of band.stations) {
      if (station.mode !== "USB" && station.mode !== "LSB") continue;
      const upper = range(
        band,
        power,
        fftSize,
        station.frequency + 300,
        station.frequency + 3000,
      );
      const lower = range(
        band,
        power,
        fftSize,
        station.frequency - 3000,
        station.frequency - 300,
      );
      const [wanted, unwanted] = station.mode === "USB"
        ? [upper, lower]
        : [lower, upper];
      ok(
        dB(wanted.max / unwanted.max) > 30,
        `${station.label} sideband suppression`,
      );
    }
    // The strongest AM station's carrier sits snrDb above the noise in 2400 Hz.
    const am = band.stations.find((s) => s.levelDb === 0)!;
    const carrier = power[binOf(band, fftSize, am.frequency)] * 4; // Hann coherent gain ½
    // Noise density: P/sps (IQ, two-sided) or P/(sps/2) (real, one-sided).
    const noiseIn2400 = ((floor * 8 * fftSize) / 3 / band.sps) * 2400 *
      (signal === "iq" ? 1 : 2);
    const carrierPower = signal === "iq" ? carrier : carrier * 2; // real: A²/4 per side
    ok(
      Math.abs(dB(carrierPower / noiseIn2400) - 40) < 1.5,
      `SNR ${dB(carrierPower / noiseIn2400)}`,
    );
  });
}

Deno.test("SyntheticBand keys the CW beacon in Morse", () => {
  const sps = 256_000;
  const cw = DEFAULT_SYNTHETIC_STATIONS.find((s) => s.mode === "CW")!;
  const band = new SyntheticBand({
    sps,
    snrDb: Infinity,
    stations: [{ ...cw, offsetHz: 20_000 }],
  });
  const content = cw.content as { text: string; wpm: number; pauseMs: number };
  const units = morseUnits(content.text);
  const dit = morseDitSeconds(content.wpm);
  const seconds = units.length * dit + content.pauseMs / 1000 + dit * 2;
  const out = new Float32Array(2 * Math.ceil(seconds * sps));
  band.generate(out);
  const amplitude = band.referenceAmplitude * 10 ** (cw.levelDb / 20);
  const magnitude = (t: number) => {
    const i = Math.round(t * sps);
    return Math.hypot(out[2 * i], out[2 * i + 1]);
  };
  for (let u = 0; u < units.length; u++) {
    const m = magnitude((u + 0.5) * dit);
    if (units[u]) {
      ok(Math.abs(m / amplitude - 1) < 0.01, `unit ${u} down: ${m}`);
    } else ok(m < 0.01 * amplitude, `unit ${u} up: ${m}`);
  }
  // Silence during the pause, then the message starts again.
  ok(magnitude(units.length * dit + content.pauseMs / 2000) < 1e-6);
  const cycle =
    Math.round((units.length * dit + content.pauseMs / 1000) * sps) / sps;
  ok(Math.abs(magnitude(cycle + 0.5 * dit) / amplitude - 1) < 0.01);
});

Deno.test("SyntheticBand frequency-modulates the FM station with its tone at the set deviation", () => {
  const sps = 256_000;
  const fm = DEFAULT_SYNTHETIC_STATIONS.find((s) => s.mode === "FM")!;
  const band = new SyntheticBand({
    sps,
    snrDb: Infinity,
    stations: [{ ...fm, offsetHz: 0 }],
  });
  const out = new Float32Array(2 * sps / 4);
  band.generate(out);
  let min = Infinity;
  let max = -Infinity;
  let crossings = 0;
  let previous = 0;
  for (let i = 1000; i < out.length / 2; i++) {
    const re = out[2 * i] * out[2 * i - 2] + out[2 * i + 1] * out[2 * i - 1];
    const im = out[2 * i + 1] * out[2 * i - 2] - out[2 * i] * out[2 * i - 1];
    const hz = (Math.atan2(im, re) * sps) / (2 * Math.PI);
    min = Math.min(min, hz);
    max = Math.max(max, hz);
    if (previous < 0 && hz >= 0) crossings++;
    previous = hz;
  }
  ok(Math.abs(max - 2500) < 50 && Math.abs(min + 2500) < 50, `${min} … ${max}`);
  // 1000 Hz tone: about 1000 upward zero crossings per second.
  const seconds = (out.length / 2 - 1000) / sps;
  ok(Math.abs(crossings / seconds - 1000) < 20, `${crossings / seconds} Hz`);
});

Deno.test("SyntheticBand gives the AM voice syllables, pauses and a voice-band envelope", async () => {
  const sps = 128_000;
  const voice = DEFAULT_SYNTHETIC_STATIONS.find((s) =>
    s.content.kind === "voice"
  )!;
  const band = new SyntheticBand({
    sps,
    snrDb: Infinity,
    stations: [{ ...voice, offsetHz: 0 }],
  });
  const out = new Float32Array(2 * sps * 6);
  band.generate(out);
  const carrier = band.referenceAmplitude;
  const m = voice.modulationIndex ?? 0.8;
  const audio = new Float32Array(out.length / 2);
  for (let i = 0; i < audio.length; i++) {
    audio[i] = (Math.hypot(out[2 * i], out[2 * i + 1]) / carrier - 1) / m;
  }
  let silent = 0;
  let peak = 0;
  for (const a of audio) {
    if (Math.abs(a) < 1e-6) silent++;
    peak = Math.max(peak, Math.abs(a));
  }
  ok(peak > 0.3 && peak <= 1.0001, `peak ${peak}`);
  const silentShare = silent / audio.length;
  ok(silentShare > 0.05 && silentShare < 0.7, `silent ${silentShare}`);
  // Its spectrum lies in the voice band: little below 70 Hz or above 3.5 kHz.
  const fftSize = 8192;
  const big = await BigFft.create({ fftSize, signal: "real" });
  const power = new Float64Array(fftSize / 2);
  for (
    let start = 0;
    start + fftSize / 2 <= audio.length;
    start += fftSize / 2
  ) {
    big.process(audio, start);
    for (let k = 0; k < power.length; k++) {
      power[k] += big.spectrum[2 * k] ** 2 + big.spectrum[2 * k + 1] ** 2;
    }
  }
  big.dispose();
  let inside = 0;
  let outside = 0;
  for (let k = 1; k < power.length; k++) {
    const hz = (k * sps) / fftSize;
    if (hz >= 70 && hz <= 3500) inside += power[k];
    else outside += power[k];
  }
  ok(dB(outside / inside) < -30, `out of band ${dB(outside / inside)} dB`);
});

Deno.test("SyntheticBand gates the USB two-tone 2 s on, 1 s off", () => {
  const sps = 64_000;
  const usb = DEFAULT_SYNTHETIC_STATIONS.find((s) => s.mode === "USB")!;
  const band = new SyntheticBand({
    sps,
    snrDb: Infinity,
    stations: [{ ...usb, offsetHz: 0 }],
  });
  const out = new Float32Array(2 * sps * 3);
  band.generate(out);
  const rms = (from: number, to: number) => {
    let sum = 0;
    for (let i = Math.round(from * sps); i < Math.round(to * sps); i++) {
      sum += out[2 * i] ** 2 + out[2 * i + 1] ** 2;
    }
    return Math.sqrt(sum / ((to - from) * sps));
  };
  ok(
    rms(0.1, 1.9) >
      0.5 * band.referenceAmplitude * 10 ** (usb.levelDb / 20) * 0.5,
  );
  equal(rms(2.05, 2.95), 0);
});

Deno.test("SyntheticBand noise has the standard deviation its SNR implies", () => {
  const band = new SyntheticBand({ stations: [], seed: 9, snrDb: 20 });
  const out = new Float32Array(2 * 200_000);
  band.generate(out);
  let sum = 0;
  let squares = 0;
  for (const v of out) {
    sum += v;
    squares += v * v;
  }
  const mean = sum / out.length;
  const sd = Math.sqrt(squares / out.length - mean * mean);
  ok(Math.abs(mean) < 0.01 * band.noiseRms);
  ok(Math.abs(sd / band.noiseRms - 1) < 0.02, `${sd} vs ${band.noiseRms}`);
});

Deno.test("SyntheticBand is deterministic: same seed, same samples; another seed, other noise", () => {
  const a = new Float32Array(2 * 50_000);
  const b = new Float32Array(2 * 50_000);
  const c = new Float32Array(2 * 50_000);
  new SyntheticBand({ seed: 42 }).generate(a);
  new SyntheticBand({ seed: 42 }).generate(b);
  new SyntheticBand({ seed: 43 }).generate(c);
  deepEqual(a, b);
  notDeepEqual(a, c);
});

Deno.test("SyntheticBand.generate() gives the same stream however it is cut into calls", () => {
  const total = 30_000;
  for (const signal of ["iq", "real"] as const) {
    const values = signal === "iq" ? 2 : 1;
    const whole = new Float32Array(values * total);
    new SyntheticBand({ signal, seed: 5 }).generate(whole);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4000 }), {
          minLength: 1,
          maxLength: 40,
        }),
        (cuts) => {
          const band = new SyntheticBand({ signal, seed: 5 });
          const pieces = new Float32Array(values * total);
          let done = 0;
          for (let i = 0; done < total; i++) {
            const n = Math.min(cuts[i % cuts.length], total - done);
            equal(band.generate(pieces, n, values * done), n);
            done += n;
          }
          equal(band.position, total);
          deepEqual(pieces, whole);
        },
      ),
      { seed: 20260101, numRuns: 25 },
    );
  }
});

Deno.test("SyntheticBand.generate() checks the room it is given", () => {
  const band = new SyntheticBand();
  throws(() => band.generate(new Float32Array(10), 6), RangeError);
  throws(() => band.generate(new Float32Array(10), 2, 7), RangeError);
  equal(band.generate(new Float32Array(11)), 5);
  equal(band.generate(new Float32Array(10), 0), 0);
});

Deno.test("SyntheticSource.read() encodes u8, s8, s16, u16, f32 and f64 as the decoder expects", async () => {
  const samples = 20_000;
  const reference = new Float32Array(2 * samples);
  new SyntheticBand({ seed: 11 }).generate(reference);
  const tolerance = {
    u8: 1 / 256,
    s8: 1 / 256,
    u16: 1 / 65536,
    s16: 1 / 65536,
    f32: 0,
    f64: 0,
  };
  for (const format of ["u8", "s8", "u16", "s16", "f32", "f64"] as const) {
    const source = new SyntheticSource({ seed: 11, format, pace: "fast" });
    await source.start(new AbortController().signal);
    const bytes = new Uint8Array(source.sampleBytes * samples);
    equal(await readFull(source, bytes), bytes.length);
    const decoded = new Float32Array(2 * samples);
    convertSamples(format, bytes, decoded);
    let worst = 0;
    for (let i = 0; i < decoded.length; i++) {
      worst = Math.max(worst, Math.abs(decoded[i] - reference[i]));
    }
    ok(worst <= tolerance[format] + 1e-9, `${format}: ${worst}`);
    source.close();
  }
});

Deno.test("SyntheticSource.read() writes f32 the same into unaligned buffers and views", async () => {
  const aligned = new SyntheticSource({ seed: 2, pace: "fast" });
  const unaligned = new SyntheticSource({ seed: 2, pace: "fast" });
  const signal = new AbortController().signal;
  await aligned.start(signal);
  await unaligned.start(signal);
  const a = new Uint8Array(8 * 1000);
  const backing = new Uint8Array(8 * 1000 + 1);
  const b = backing.subarray(1);
  for (let i = 0; i < 3; i++) {
    equal(await aligned.read(a), a.length);
    equal(await unaligned.read(b), b.length);
    deepEqual(a, b);
  }
  const floats = new SyntheticSource({ seed: 2, pace: "fast" });
  await floats.start(signal);
  const out = new Float32Array(2 * 3000);
  equal(await floats.readSamples(out), out.length);
  const again = new SyntheticSource({ seed: 2, pace: "fast" });
  await again.start(signal);
  const bytes = new Uint8Array(out.length * 4);
  await readFull(again, bytes);
  deepEqual(new Float32Array(bytes.buffer), out);
  await rejects(() => floats.readSamples(new Float32Array(1)), RangeError);
  await rejects(() => aligned.read(new Uint8Array(7)), RangeError);
});

Deno.test("SyntheticSource ends with eof after durationSeconds, and reads nothing after", async () => {
  const source = new SyntheticSource({
    sps: 48_000,
    format: "s16",
    pace: "fast",
    durationSeconds: 0.5,
  });
  await source.start(new AbortController().signal);
  const buf = new Uint8Array(4096);
  let total = 0;
  for (let n; (n = await source.read(buf)) !== null;) total += n;
  equal(total, 24_000 * 4);
  equal(source.ended?.reason, "eof");
  ok(source.ended?.message.includes("24000 samples"));
  equal(source.counters.bytes, total);
  equal(await source.read(buf), null);
  equal(source.band.position, 24_000);
});

Deno.test("SyntheticSource paces in real time against an injected clock, without drift", async () => {
  let now = 0;
  const sleeps: number[] = [];
  const source = new SyntheticSource({
    sps: 48_000,
    format: "u8",
    now: () => now,
    sleep: (ms) => {
      sleeps.push(ms);
      now += ms + 2; // every timer fires 2 ms late
      return Promise.resolve();
    },
  });
  await source.start(new AbortController().signal);
  const buf = new Uint8Array(960); // 480 samples = 10 ms
  for (let i = 0; i < 500; i++) equal(await source.read(buf), 960);
  // 5 s of samples took 5 s plus one timer's lateness, not 500 of them.
  equal(now, 5002);
  ok(sleeps.every((ms) => ms > 7.9 && ms <= 10));
  equal(source.counters.overruns, 0);
  // A reader that stalls for 3 s restarts the clock instead of bursting.
  now += 3000;
  equal(await source.read(buf), 960);
  equal(source.counters.overruns, 1);
  const before = sleeps.length;
  equal(await source.read(buf), 960);
  equal(sleeps.length, before + 1);
  source.close();
});

Deno.test("SyntheticSource stops at once when aborted while pacing", async () => {
  const controller = new AbortController();
  const source = new SyntheticSource({ sps: 8000, format: "u8" });
  await source.start(controller.signal);
  const started = performance.now();
  // 16 000 samples at 8 kS/s: due in 2 s, unless aborted.
  const pending = source.read(new Uint8Array(32_000));
  setTimeout(() => controller.abort(), 20);
  equal(await pending, null);
  ok(performance.now() - started < 1000);
  equal(source.ended?.reason, "aborted");
});

Deno.test("SyntheticSource enforces its lifecycle", async () => {
  const source = new SyntheticSource({ pace: "fast" });
  await rejects(() => source.read(new Uint8Array(8)), TypeError);
  await source.start(new AbortController().signal);
  await rejects(() => source.start(new AbortController().signal), TypeError);
  await rejects(() => source.read(new Uint8Array(0)), TypeError);
  source.close();
  equal(source.ended?.reason, "closed");
  equal(await source.read(new Uint8Array(8)), null);
  const aborted = new SyntheticSource({ pace: "fast" });
  await aborted.start(AbortSignal.abort());
  equal(await aborted.read(new Uint8Array(8)), null);
  equal(aborted.ended?.reason, "aborted");
  throws(() => new SyntheticSource({ pace: "slow" as "fast" }), RangeError);
  throws(() => new SyntheticSource({ durationSeconds: -1 }), RangeError);
});

Deno.test("SyntheticSource exposes the station list for the web client", () => {
  const source = new SyntheticSource({ frequency: 14_100_000 });
  const stations: readonly SyntheticStation[] = source.stations;
  equal(stations.length, 7);
  equal(stations[4].frequency, 14_350_000);
  equal(source.frequency, 14_100_000);
  equal(source.sps, 2_048_000);
  equal(source.signal, "iq");
  equal(source.format, "f32");
  equal(source.kind, "synthetic");
});
