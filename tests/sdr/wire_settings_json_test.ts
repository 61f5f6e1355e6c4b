import { deepEqual, equal, throws } from "node:assert/strict";
import { spectrumLayout } from "../../lib/sdr/spectrum_layout.ts";
import {
  buildSettingsJson,
  type SettingsJsonOptions,
} from "../../lib/sdr/wire/settings_json.ts";

function rtlSettings(): SettingsJsonOptions {
  const layout = spectrumLayout({
    sps: 2_048_000,
    frequency: 7_100_000,
    fftSize: 131072,
    signal: "iq",
  });
  return {
    sps: 2_048_000,
    audioMaxSps: 12000,
    audioMaxFft: layout.audioFftSize,
    fftSize: layout.fftSize,
    fftResultSize: layout.fftResultSize,
    waterfallSize: 1024,
    basefreq: layout.basefreq,
    totalBandwidth: layout.totalBandwidth,
    defaults: {
      frequency: 7_074_000,
      modulation: "USB",
      l: 63872,
      m: 63872,
      r: 64064,
    },
  };
}

Deno.test("buildSettingsJson() writes the original server's keys, sorted", () => {
  equal(
    buildSettingsJson(rtlSettings()),
    '{"audio_compression":"flac","audio_max_fft":768,"audio_max_sps":12000,' +
      '"basefreq":6076000,"defaults":{"frequency":7074000,"l":63872,"m":63872,' +
      '"modulation":"USB","r":64064},"fft_result_size":131072,"fft_size":131072,' +
      '"sps":2048000,"total_bandwidth":2048000,"waterfall_compression":"zstd",' +
      '"waterfall_size":1024}',
  );
});

Deno.test("buildSettingsJson() has every field the original frontend reads", () => {
  const settings = JSON.parse(buildSettingsJson(rtlSettings()));
  for (
    const key of [
      "fft_size",
      "fft_result_size",
      "basefreq",
      "total_bandwidth",
      "sps",
      "audio_max_sps",
      "audio_compression",
      "waterfall_size",
      "waterfall_compression",
    ]
  ) {
    equal(
      typeof settings[key] === "number" || typeof settings[key] === "string",
      true,
      key,
    );
  }
  deepEqual(Object.keys(settings.defaults).sort(), [
    "frequency",
    "l",
    "m",
    "modulation",
    "r",
  ]);
  // The frontend's resampler rate formula gives the server's audio rate.
  const targetBins = Math.ceil(
    settings.audio_max_sps * settings.fft_result_size / settings.sps / 4,
  ) *
    4;
  equal(targetBins, settings.audio_max_fft);
});

Deno.test("buildSettingsJson() adds the Plus fields only when given", () => {
  const settings = JSON.parse(buildSettingsJson({
    ...rtlSettings(),
    audioCompression: "opus",
    gridLocator: "JO22",
    smeterOffset: -12,
    markers: JSON.stringify({
      markers: [{ frequency: 7074000, name: "FT8", mode: "USB" }],
    }),
    analogSmeterOffset: 3,
    clientId: "5f2c",
    defaults: {
      frequency: 7_074_000,
      modulation: "AM",
      l: 63552,
      m: 63872.5,
      r: 64192,
    },
  }));
  equal(settings.audio_compression, "opus");
  equal(settings.grid_locator, "JO22");
  equal(settings.smeter_offset, -12);
  equal(typeof settings.markers, "string");
  equal(JSON.parse(settings.markers).markers[0].name, "FT8");
  equal(settings.analog_smeter_offset, 3);
  equal(settings.client_id, "5f2c");
  equal(settings.defaults.m, 63872.5);
  equal(Object.keys(settings).join(",").includes("grid_locator"), true);
  equal("grid_locator" in JSON.parse(buildSettingsJson(rtlSettings())), false);
});

Deno.test("buildSettingsJson() refuses values JSON would turn into null", () => {
  const base = rtlSettings();
  throws(() => buildSettingsJson({ ...base, sps: NaN }), RangeError);
  throws(() => buildSettingsJson({ ...base, fftSize: 1.5 }), RangeError);
  throws(
    () =>
      buildSettingsJson({
        ...base,
        defaults: { ...base.defaults, m: Infinity },
      }),
    RangeError,
  );
  throws(
    () =>
      buildSettingsJson({ ...base, defaults: { ...base.defaults, l: 0.5 } }),
    RangeError,
  );
  throws(() => buildSettingsJson({ ...base, smeterOffset: NaN }), RangeError);
});
