import { equal, ok, throws } from "node:assert/strict";
import {
  checkFftSize,
  MAX_FFT_SIZE,
  type SignalKind,
  spectrumLayout,
} from "../../lib/sdr/spectrum_layout.ts";
import { waterfallSkip } from "../../lib/sdr/waterfall.ts";

Deno.test("spectrumLayout() reproduces the worked numbers of the reference", () => {
  // sdr-phantomsdr.md §1.3: bin Hz, FFT/s, waterfall skip, lines/s, hop ms.
  const rows: [
    number,
    SignalKind,
    number,
    number,
    number,
    number,
    number,
    number,
  ][] = [
    [2_048_000, "iq", 131072, 15.6, 31.25, 2, 15.6, 32],
    [2_880_000, "iq", 131072, 22.0, 43.9, 4, 11.0, 23],
    [20_000_000, "iq", 1048576, 19.1, 38.1, 2, 19.1, 26],
    [60_000_000, "real", 8388608, 7.15, 14.3, 1, 14.3, 70],
    [8_000_000, "iq", 1048576, 7.6, 15.3, 1, 15.3, 66],
  ];
  for (const [sps, signal, fftSize, binHz, fps, skip, lines, hopMs] of rows) {
    const layout = spectrumLayout({ sps, frequency: 0, fftSize, signal });
    const name = `${sps} ${signal} ${fftSize}`;
    ok(Math.abs(layout.binHz - binHz) < 0.05, `${name} bin ${layout.binHz}`);
    ok(Math.abs(layout.framesPerSecond - fps) < 0.05, `${name} fps`);
    equal(waterfallSkip(sps, fftSize), skip, `${name} skip`);
    ok(Math.abs(layout.framesPerSecond / skip - lines) < 0.05, `${name} lines`);
    ok(Math.abs((1000 * layout.hopSamples) / sps - hopMs) < 0.5, `${name} hop`);
  }
});

Deno.test("spectrumLayout() maps IQ around the centre and real from the lower edge", () => {
  const iq = spectrumLayout({
    sps: 2_048_000,
    frequency: 145_000_000,
    fftSize: 131072,
    signal: "iq",
  });
  equal(iq.basefreq, 143_976_000);
  equal(iq.totalBandwidth, 2_048_000);
  equal(iq.fftResultSize, 131072);
  equal(iq.baseIndex, 65537);
  equal(iq.hopSamples, 65536);
  equal(iq.hopFloats, 131072);
  equal(iq.audioFftSize, 768); // 4·ceil(12000·131072/2048000/4)
  const real = spectrumLayout({
    sps: 60_000_000,
    frequency: 0,
    fftSize: 8388608,
    signal: "real",
    audioSps: 12000,
  });
  equal(real.basefreq, 0);
  equal(real.totalBandwidth, 30_000_000);
  equal(real.fftResultSize, 4194304);
  equal(real.baseIndex, 0);
  equal(real.hopFloats, 4194304);
  equal(real.audioFftSize, 1680); // 4·ceil(1677.7216/4) = 4·420
  // Bin k ↔ basefreq + k·total_bandwidth/fft_result_size = k·sps/N.
  equal(real.totalBandwidth / real.fftResultSize, real.binHz);
});

Deno.test("spectrumLayout() and checkFftSize() reject bad parameters", () => {
  checkFftSize(32);
  checkFftSize(MAX_FFT_SIZE);
  for (const size of [16, 100, MAX_FFT_SIZE * 2, 1.5, NaN]) {
    throws(() => checkFftSize(size), RangeError, `${size}`);
  }
  const good = {
    sps: 48000,
    frequency: 0,
    fftSize: 1024,
    signal: "iq" as const,
  };
  throws(() => spectrumLayout({ ...good, sps: 0 }), RangeError);
  throws(() => spectrumLayout({ ...good, audioSps: -1 }), RangeError);
  throws(
    () => spectrumLayout({ ...good, signal: "complex" as SignalKind }),
    RangeError,
  );
});
