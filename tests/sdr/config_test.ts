import {
  deepEqual,
  equal,
  match,
  notEqual,
  ok,
  rejects,
  throws,
} from "node:assert/strict";
import fc from "fast-check";
import { ConfigError, parse, s } from "../../lib/core/config/mod.ts";
import { spectrumLayout } from "../../lib/sdr/spectrum_layout.ts";
import { MAX_WATERFALL_SIZE } from "../../lib/sdr/wire/waterfall_packet.ts";
import {
  applySdrCliOverrides,
  defaultSdrServiceConfig,
  detectSdrConfigFormat,
  formatSdrSource,
  loadSdrConfig,
  parseSdrModulation,
  parseSdrSource,
  perIpSockets,
  phantomSdrConfigSchema,
  resolveSdrInput,
  SDR_DEFAULTS,
  sdrConfigFromPhantomToml,
  sdrConfigSchema,
  type SdrServiceConfig,
  type SdrSource,
} from "../../lib/sdr/config/mod.ts";

const CONFIG_FIXTURES = new URL("../fixtures/config/", import.meta.url);
const SDR_FIXTURES = new URL("../fixtures/sdr/", import.meta.url);
const PHANTOM_TOML = new URL("phantomsdr.toml", CONFIG_FIXTURES).pathname;
const PHANTOM_MINIMAL = new URL("phantomsdr_minimal.toml", CONFIG_FIXTURES)
  .pathname;
const SV1BTL_TOML = new URL("phantomsdr_sv1btl.toml", SDR_FIXTURES).pathname;
const SHACK_TOML = new URL("shack.toml", SDR_FIXTURES).pathname;
const CONFIG_DIR = new URL(".", CONFIG_FIXTURES).pathname.replace(/\/$/, "");
const SDR_DIR = new URL(".", SDR_FIXTURES).pathname.replace(/\/$/, "");

/** Runs `fn` with a fresh temporary directory, removed afterwards. */
async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "shack_sdr_config_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Writes `text` to `dir/name` and loads it. */
async function loadText(
  dir: string,
  name: string,
  text: string,
): Promise<SdrServiceConfig> {
  await Deno.writeTextFile(`${dir}/${name}`, text);
  return await loadSdrConfig(`${dir}/${name}`);
}

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    return error;
  }
  throw new Error("Expected a ConfigError, but nothing was thrown");
}

/** A valid PhantomSDR [input] block: 2.048 MS/s IQ at 14.2 MHz, N = 131072. */
const INPUT_OK =
  '[input]\nsps = 2048000\nfrequency = 14200000\nsignal = "iq"\n';

// --- PhantomSDR fixtures ---------------------------------------------------

Deno.test("loadSdrConfig() reads the PhantomSDR+ fixture with its documented values", async () => {
  const config = await loadSdrConfig(PHANTOM_TOML);
  equal(config.format, "phantomsdr");
  equal(config.file, PHANTOM_TOML);
  deepEqual(config.server, {
    bind: "0.0.0.0",
    port: 9002,
    otherUsers: true,
    threads: 1,
    trustForwardedFor: false,
    htmlRoot: `${CONFIG_DIR}/frontend/dist`,
  });
  deepEqual(config.listing, {
    registerOnline: false,
    registerUrls: ["https://sdr-list.xyz/api/update_websdr"],
    name: "Shack WebSDR",
    antenna: "Dipole",
    gridLocator: "JN58td",
    hostname: "",
    operator: "Anonymous",
    email: "",
    callsignLookupUrl: "https://www.qrz.com/db/",
    chatEnabled: true,
  });
  deepEqual(config.limits, {
    audio: 100,
    waterfall: 100,
    events: 100,
    perIp: {
      listeners: 0,
      sockets: 64,
      connectionsPerMinute: 0,
      banAfter: 10,
      banSeconds: 600,
    },
  });
  deepEqual(config.input, {
    source: { kind: "stdin" },
    format: "u8",
    sps: 2048000,
    frequency: 14200000,
    signal: "iq",
    fftSize: 131072,
    audioSps: 12000,
    waterfallSize: 1024,
    brightnessOffset: 0,
    smeterOffset: 0,
    analogSmeterOffset: 0,
    audioCompression: "flac",
    waterfallCompression: "zstd",
    accelerator: "none",
    // USB at 14.074 MHz: bin (14074000 − 13176000)·131072/2048000, +3 kHz
    defaults: {
      centered: false,
      frequency: 14074000,
      modulation: "USB",
      mode: "USB",
      l: 57472,
      m: 57472,
      r: 57664,
    },
  });
  equal(config.markersFile, `${CONFIG_DIR}/markers.json`);
  deepEqual(config.notes, [
    `${PHANTOM_TOML}:27: input.fft_threads: ignored: the FFT runs in one worker`,
  ]);
  // The layout the settings JSON is built from
  const layout = spectrumLayout(config.input);
  equal(layout.basefreq, 13176000);
  equal(layout.audioFftSize, 768);
});

Deno.test("loadSdrConfig() gives every absent key its default (the minimal PhantomSDR fixture)", async () => {
  const config = await loadSdrConfig(PHANTOM_MINIMAL);
  equal(config.format, "phantomsdr");
  deepEqual(config.server, {
    bind: "0.0.0.0",
    port: 9002,
    otherUsers: true,
    threads: 1,
    trustForwardedFor: false,
  });
  deepEqual(config.listing, SDR_DEFAULTS.listing());
  deepEqual(config.limits, {
    audio: 1000,
    waterfall: 1000,
    events: 1000,
    perIp: {
      listeners: 0,
      sockets: 64,
      connectionsPerMinute: 0,
      banAfter: 10,
      banSeconds: 600,
    },
  });
  const input = config.input;
  deepEqual(input.source, { kind: "stdin" });
  equal(input.signal, "iq"); // "IQ", any case
  equal(input.format, "f32"); // PhantomSDR's default format
  equal(input.fftSize, 131072);
  equal(input.audioSps, 12000);
  equal(input.waterfallSize, 1024);
  equal(input.brightnessOffset, 0);
  equal(input.smeterOffset, 0); // Steven's v2 crashes without it; we default it
  equal(input.analogSmeterOffset, 0);
  equal(input.accelerator, "none");
  // [input.defaults] absent: USB at the centre of the band
  deepEqual(input.defaults, {
    centered: true,
    frequency: 100000000,
    modulation: "USB",
    mode: "USB",
    l: 65536,
    m: 65536,
    r: 65536 + 192,
  });
  equal(config.markersFile, `${CONFIG_DIR}/markers.json`);
  deepEqual(config.notes, []);
});

Deno.test("loadSdrConfig() starts from an almost empty PhantomSDR file, noting what PhantomSDR would require", async () => {
  await withTempDir(async (dir) => {
    const config = await loadText(dir, "config.toml", "[server]\n");
    equal(config.format, "phantomsdr");
    equal(config.input.sps, SDR_DEFAULTS.sps);
    equal(config.input.frequency, SDR_DEFAULTS.frequency);
    equal(config.input.signal, "iq");
    deepEqual(config.input.source, { kind: "stdin" });
    equal(config.input.defaults.frequency, SDR_DEFAULTS.frequency);
    deepEqual(config.notes, [
      `${dir}/config.toml: input.sps: absent (PhantomSDR requires it): using 2048000`,
      `${dir}/config.toml: input.frequency: absent (PhantomSDR requires it): using 7100000`,
      `${dir}/config.toml: input.signal: absent (PhantomSDR requires it): using "iq"`,
      `${dir}/config.toml: input.driver.name: absent: reading "stdin"`,
    ]);
  });
});

Deno.test("loadSdrConfig() accepts sv1btl's extra keys with notes and reads its per-IP limits", async () => {
  const config = await loadSdrConfig(SV1BTL_TOML);
  equal(config.format, "phantomsdr");
  equal(config.server.port, 9001);
  equal(config.server.otherUsers, false); // otherusers=false, a boolean
  equal(config.server.threads, 4);
  equal(config.server.bind, "0.0.0.0");
  equal(config.server.htmlRoot, `${SDR_DIR}/frontend/dist`);
  deepEqual(config.listing.registerUrls, [
    "https://sdr-list.xyz/api/update_websdr",
    "https://sdr.shbrg.nl/api/update_websdr",
  ]);
  equal(config.listing.hostname, "user.domain.com");
  deepEqual(config.limits.perIp, {
    listeners: 3,
    sockets: 16, // per_ip · 4 + 4
    connectionsPerMinute: 40,
    banAfter: 10,
    banSeconds: 600,
  });
  const input = config.input;
  equal(input.signal, "real");
  equal(input.format, "s16");
  equal(input.fftSize, 8388608);
  equal(input.brightnessOffset, -8);
  equal(input.smeterOffset, 5);
  equal(input.analogSmeterOffset, 5);
  equal(input.audioCompression, "opus"); // sv1btl's raw Opus packets
  equal(input.accelerator, "opencl");
  // real input: bins of 60e6/8388608 Hz from 0 Hz; LSB at 7.12 MHz
  const m = (7120000 * 4194304 * 2) / 60000000;
  equal(input.defaults.m, m);
  equal(input.defaults.r, Math.floor(m));
  equal(input.defaults.l, Math.floor(m) - Math.floor((3000 * 8388608) / 60e6));
  const file = SV1BTL_TOML;
  deepEqual(config.notes, [
    `${file}:50: input.squelch_default: unknown key, ignored`,
    `${file}:60: kiwi_emulation: KiwiSDR emulation is not supported, ignored`,
    `${file}:23: websdr.org: websdr.org registration is not supported, ignored`,
    `${file}:21: websdr.software_name: ignored`,
    `${file}:9: server.min_client_version: ignored`,
    `${file}:34: limits.idle_per_ip: ignored`,
    `${file}:39: input.fft_threads: ignored: the FFT runs in one worker`,
    `${file}:43: input.accelerator: "opencl" ignored: the FFT runs on the CPU (PFFFT, WebAssembly SIMD)`,
  ]);
});

Deno.test("loadSdrConfig() keeps PhantomSDR's lenient readings: unknown modulation, driver name, host", async () => {
  await withTempDir(async (dir) => {
    const config = await loadText(
      dir,
      "config.toml",
      '[server]\nhost = "127.0.0.1"\n' + INPUT_OK +
        '[input.driver]\nname = "soapy"\n[input.defaults]\nmodulation = "DRM"\n',
    );
    equal(config.server.bind, "127.0.0.1");
    deepEqual(config.input.source, { kind: "stdin" });
    equal(config.input.defaults.modulation, "USB");
    deepEqual(config.notes, [
      `${dir}/config.toml:2: server.host: used as the bind address (PhantomSDR binds every interface whatever host says)`,
      `${dir}/config.toml:8: input.driver.name: unknown driver "soapy": reading stdin, as the original PhantomSDR does`,
      `${dir}/config.toml:10: input.defaults.modulation: unknown modulation "DRM": using "USB", as PhantomSDR does`,
    ]);
    // A shack source text is accepted as the driver name
    const rtl = await loadText(
      dir,
      "rtl.toml",
      INPUT_OK + '[input.driver]\nname = "rtl_tcp:192.0.2.5:1234"\n',
    );
    deepEqual(rtl.input.source, {
      kind: "rtl_tcp",
      hostname: "192.0.2.5",
      port: 1234,
    });
    equal(rtl.input.format, "u8"); // what rtl_tcp sends
  });
});

Deno.test("loadSdrConfig() reads the original PhantomSDR's [register] and WBFM defaults", async () => {
  await withTempDir(async (dir) => {
    const config = await loadText(
      dir,
      "config.toml",
      '[server]\nport=9002\nhtml_root="html-svelte/dist/"\notherusers=1\nthreads=8\n\n' +
        '[register]\nenable=true\nname="Name"\n\n[limits]\naudio=1000\n\n' +
        '[input]\nsps=20000000\nfft_size=1048576\nfrequency=98000000\nsignal="iq"\n' +
        'accelerator="none"\naudio_sps=192000\naudio_compression="flac"\nwaterfall_size=2048\n' +
        'waterfall_compression="zstd"\n\n[input.driver]\nname="stdin"\nformat="u8"\n\n' +
        '[input.defaults]\nfrequency=93300000\nmodulation="WBFM"\n',
    );
    equal(config.server.threads, 8);
    equal(config.input.defaults.mode, "WBFM");
    // ±96 kHz at 19.07 Hz per bin fits the 10068-bin audio FFT of 192 kHz
    const { l, m, r } = config.input.defaults;
    equal(r - l, 2 * Math.floor((96000 * 1048576) / 20000000));
    equal(Math.floor(m), l + (r - l) / 2);
    deepEqual(config.notes, [
      `${dir}/config.toml:7: register: the original PhantomSDR's directory registration is not supported, ignored`,
    ]);
  });
});

// --- Validation errors: file, line, key --------------------------------------

/** One bad PhantomSDR file and the error it must give. */
interface BadCase {
  name: string;
  text: string;
  line: number;
  key: string;
  message: RegExp;
}

const BAD_PHANTOM: BadCase[] = [
  {
    name: "a port out of range",
    text: "[server]\nport = 70000\n" + INPUT_OK,
    line: 2,
    key: "server.port",
    message: /expected a port number from 0 to 65535, found number 70000/,
  },
  {
    name: "a port written as a string",
    text: '[server]\nport = "9002"\n' + INPUT_OK,
    line: 2,
    key: "server.port",
    message: /found string "9002"/,
  },
  {
    name: "an FFT size that is not a power of two",
    text: INPUT_OK + "fft_size = 100000\n",
    line: 5,
    key: "input.fft_size",
    message: /expected a power of two from 32 to 8388608, found number 100000/,
  },
  {
    name: "an FFT size above 2^23",
    text: INPUT_OK + "fft_size = 16777216\n",
    line: 5,
    key: "input.fft_size",
    message:
      /expected a power of two from 32 to 8388608, found number 16777216/,
  },
  {
    name: "a waterfall size above MAX_WATERFALL_SIZE",
    text: INPUT_OK + "waterfall_size = 20000\n",
    line: 5,
    key: "input.waterfall_size",
    message: new RegExp(`expected an integer from 1 to ${MAX_WATERFALL_SIZE}`),
  },
  {
    name: "a waterfall size above the FFT's usable bins",
    text: INPUT_OK + "fft_size = 1024\nwaterfall_size = 2048\n",
    line: 6,
    key: "input.waterfall_size",
    message:
      /expected a waterfall size of at most the 1024 usable FFT bins \(fft_size 1024, iq input\), found number 2048/,
  },
  {
    name:
      "a real-input waterfall size above N/2 (absent key: the table's line)",
    text:
      '[input]\nsps = 48000\nfrequency = 0\nsignal = "real"\nfft_size = 1024\n',
    line: 1,
    key: "input.waterfall_size",
    message:
      /at most the 512 usable FFT bins \(fft_size 1024, real input\), found number 1024/,
  },
  {
    name: "an audio rate above the band",
    text:
      '[input]\nsps = 48000\nfrequency = 7100000\nsignal = "iq"\nfft_size = 16384\n' +
      "audio_sps = 96000\n",
    line: 6,
    key: "input.audio_sps",
    message: /expected an audio rate of at most the band's 48000 Hz/,
  },
  {
    name: "a zero sample rate",
    text: '[input]\nsps = 0\nfrequency = 7100000\nsignal = "iq"\n',
    line: 2,
    key: "input.sps",
    message: /expected an integer from 1 to 2147483647, found number 0/,
  },
  {
    name: "an unknown signal",
    text: '[input]\nsps = 2048000\nfrequency = 7100000\nsignal = "complex"\n',
    line: 4,
    key: "input.signal",
    message: /expected one of "real" or "iq", found string "complex"/,
  },
  {
    name: "a sample format PhantomSDR does not accept",
    text: INPUT_OK + '[input.driver]\nname = "stdin"\nformat = "s32"\n',
    line: 7,
    key: "input.driver.format",
    message: /expected one of "u8", "s8", .*, found string "s32"/,
  },
  {
    name: "a default frequency outside the band",
    text: INPUT_OK + "[input.defaults]\nfrequency = 7074000\n",
    line: 6,
    key: "input.defaults.frequency",
    message:
      /expected a default frequency within the band, 13176000 to 15224000 Hz, found number 7074000/,
  },
  {
    name: "a USB default at the top edge",
    text: INPUT_OK + "[input.defaults]\nfrequency = 15224000\n",
    line: 6,
    key: "input.defaults.frequency",
    message:
      /expected a default frequency that leaves room for the USB window inside the band/,
  },
  {
    name: "a default frequency below -1",
    text: INPUT_OK + "[input.defaults]\nfrequency = -2\n",
    line: 6,
    key: "input.defaults.frequency",
    message:
      /expected a frequency in Hz, or -1 for the centre of the band, found number -2/,
  },
  {
    name: "a limit of zero connections",
    text: "[limits]\naudio = 0\n" + INPUT_OK,
    line: 2,
    key: "limits.audio",
    message: /expected an integer from 1 to 100000, found number 0/,
  },
  {
    name: "an unknown audio codec",
    text: INPUT_OK + 'audio_compression = "mp3"\n',
    line: 5,
    key: "input.audio_compression",
    message: /expected one of "flac" or "opus", found string "mp3"/,
  },
  {
    name: "a register URL that is not http(s)",
    text: '[websdr]\nregister_urls = ["ftp://x"]\n' + INPUT_OK,
    line: 2,
    key: "websdr.register_urls[0]",
    message: /found string "ftp:\/\/x"/,
  },
];

for (const bad of BAD_PHANTOM) {
  Deno.test(`loadSdrConfig() names file, line and key for ${bad.name}`, async () => {
    await withTempDir(async (dir) => {
      const path = `${dir}/config.toml`;
      await Deno.writeTextFile(path, bad.text);
      const error = await configError(loadSdrConfig(path));
      equal(error.exitCode, 78);
      equal(error.file, path);
      equal(error.line, bad.line);
      equal(error.key, bad.key);
      ok(
        error.message.startsWith(`${path}:${bad.line}: ${bad.key}: expected `),
        error.message,
      );
      match(error.message, bad.message);
    });
  });
}

Deno.test("loadSdrConfig() reports every bad value of a file at once", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/config.toml`;
    await Deno.writeTextFile(
      path,
      '[server]\nport = 0.5\nthreads = 0\n[input]\nsps = -1\nsignal = "x"\n',
    );
    const error = await configError(loadSdrConfig(path));
    deepEqual(error.issues.map((issue) => [issue.line, issue.key]), [
      [2, "server.port"],
      [3, "server.threads"],
      [5, "input.sps"],
      [6, "input.signal"],
    ]);
    match(error.message, /^4 problems in the configuration\n/);
  });
});

Deno.test("loadSdrConfig() refuses files that are neither kind, missing or not TOML", async () => {
  await withTempDir(async (dir) => {
    const other = await configError(
      loadText(dir, "shack.toml", '[log]\nlevel = "info"\n'),
    );
    equal(other.key, "sdr");
    match(
      other.message,
      /expected an \[sdr\] table \(shack\.toml\) or PhantomSDR's \[server\] and \[input\] tables/,
    );
    const missing = await configError(loadSdrConfig(`${dir}/nope.toml`));
    match(missing.message, /nope\.toml: file not found/);
    const syntax = await configError(
      loadText(dir, "bad.toml", "[input]\nsps = = 1\n"),
    );
    equal(syntax.line, 2);
    equal(syntax.file, `${dir}/bad.toml`);
  });
});

Deno.test("detectSdrConfigFormat() tells shack.toml from a PhantomSDR file", () => {
  equal(detectSdrConfigFormat({ sdr: {}, input: {} }), "toml");
  equal(detectSdrConfigFormat({ websdr: {} }), "phantomsdr");
  equal(detectSdrConfigFormat({ limits: {} }), "phantomsdr");
  equal(detectSdrConfigFormat({}), undefined);
});

Deno.test("sdrConfigFromPhantomToml() works on a parsed document without a line lookup", () => {
  const config = sdrConfigFromPhantomToml(
    {
      server: { otherusers: 0 },
      input: { sps: 2048000, frequency: 7100000, signal: "iq" },
    },
    { file: "/opt/phantomsdr/config.toml" },
  );
  equal(config.server.otherUsers, false);
  equal(config.markersFile, "/opt/phantomsdr/markers.json");
  throws(
    () =>
      sdrConfigFromPhantomToml({ input: { fft_size: 3 } }, {
        file: "config.toml",
      }),
    {
      name: "ConfigError",
      message: /^config\.toml: input\.fft_size: expected a power of two/,
    },
  );
  // The schema alone, every key defaulted
  equal(parse(phantomSdrConfigSchema, {}).limits.per_ip_ban_s, 600);
});

// --- shack.toml [sdr] ----------------------------------------------------------

Deno.test("loadSdrConfig() reads every key of a shack.toml [sdr] table", async () => {
  const config = await loadSdrConfig(SHACK_TOML);
  equal(config.format, "toml");
  deepEqual(config.server, {
    bind: "127.0.0.1",
    port: 9100,
    htmlRoot: `${SDR_DIR}/www`,
    otherUsers: false,
    threads: 2,
    trustForwardedFor: true,
  });
  equal(config.markersFile, `${SDR_DIR}/markers.json`);
  deepEqual(config.chat, {
    maskedWords: ["qrm", "splatter"],
    historyFile: `${SDR_DIR}/state/chat_history.json`,
  });
  equal(config.input.audioCompression, "opus");
  deepEqual(config.input.source, {
    kind: "file",
    path: `${SDR_DIR}/recordings/40m.cu8`,
    loop: true,
  });
  equal(config.input.format, "u8");
  equal(config.input.waterfallSize, 2048);
  equal(config.input.brightnessOffset, -2);
  equal(config.input.smeterOffset, 5);
  equal(config.input.analogSmeterOffset, 3);
  // LSB at 7.074 MHz: m = (7074000 − 6076000)·0.064 = 63872, window [m−192, m]
  deepEqual(config.input.defaults, {
    centered: false,
    frequency: 7074000,
    modulation: "LSB",
    mode: "LSB",
    l: 63680,
    m: 63872,
    r: 63872,
  });
  deepEqual(config.limits, {
    audio: 50,
    waterfall: 60,
    events: 70,
    perIp: {
      listeners: 3,
      sockets: 16,
      connectionsPerMinute: 40,
      banAfter: 5,
      banSeconds: 300,
    },
  });
  deepEqual(config.listing, {
    registerOnline: true,
    registerUrls: [
      "https://sdr-list.xyz/api/update_websdr",
      "https://sdr.shbrg.nl/api/update_websdr",
    ],
    name: "Shack 40m",
    antenna: "Inverted V",
    gridLocator: "JN58td",
    hostname: "sdr.example.org",
    operator: "DL0XYZ",
    email: "sysop@example.org",
    callsignLookupUrl: "https://www.qrz.com/db/",
    chatEnabled: false,
  });
  deepEqual(config.notes, []);
});

Deno.test("loadSdrConfig() gives an empty [sdr] table shack's defaults: the synthetic band", async () => {
  await withTempDir(async (dir) => {
    const config = await loadText(dir, "shack.toml", "[sdr]\n");
    equal(config.format, "toml");
    const defaults = defaultSdrServiceConfig();
    deepEqual(config.server, defaults.server);
    deepEqual(config.listing, defaults.listing);
    deepEqual(config.limits, defaults.limits);
    deepEqual(config.input, defaults.input);
    equal(config.markersFile, undefined);
    deepEqual(config.notes, []);
  });
});

Deno.test("loadSdrConfig() refuses unknown and bad keys inside [sdr], naming line and key", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/shack.toml`;
    await Deno.writeTextFile(
      path,
      '[ysf]\nname = "X"\n[sdr]\nport = 9002\n[sdr.input]\nfft_sizee = 4096\n' +
        'source = "soapy"\n[sdr.input.defaults]\nmodulation = "DRM"\n',
    );
    const error = await configError(loadSdrConfig(path));
    deepEqual(error.issues.map((issue) => [issue.line, issue.key]), [
      [7, "sdr.input.source"],
      [9, "sdr.input.defaults.modulation"],
      [6, "sdr.input.fft_sizee"],
    ]);
    match(error.issues[2].found ?? "", /an unknown key/);
    match(error.issues[0].expected ?? "", /"synthetic", "stdin", "file:PATH"/);
  });
});

Deno.test("loadSdrConfig() runs the cross-field checks on [sdr] with the [sdr] keys", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/shack.toml`;
    await Deno.writeTextFile(
      path,
      "[sdr.input]\nfft_size = 512\nwaterfall_size = 1024\n",
    );
    const error = await configError(loadSdrConfig(path));
    equal(error.key, "sdr.input.waterfall_size");
    equal(error.line, 3);
    match(error.message, /at most the 512 usable FFT bins/);
  });
});

Deno.test("sdrConfigSchema plugs into a shack.toml root schema", () => {
  const root = s.object({
    log: s.object({ level: s.string().default("info") }).default({}),
    sdr: sdrConfigSchema.optional(),
  });
  const value = parse(root, {
    sdr: { port: 9005, input: { source: "stdin" } },
  });
  equal(value.sdr?.port, 9005);
  equal(value.sdr?.input.source, "stdin");
  equal(parse(root, {}).sdr, undefined);
  throws(() => parse(root, { sdr: { limits: { per_ip: -1 } } }), {
    name: "ConfigError",
    message:
      /sdr\.limits\.per_ip: expected an integer from 0 to 100000, found number -1/,
  });
});

// --- resolveSdrInput -------------------------------------------------------------

Deno.test("resolveSdrInput() centres a real-input default in the middle of the band", () => {
  const input = {
    ...SDR_DEFAULTS.input(),
    sps: 60_000_000,
    frequency: 0,
    signal: "real" as const,
    fftSize: 8388608,
  };
  const { input: out, problems } = resolveSdrInput(input);
  deepEqual(problems, []);
  equal(out.defaults.frequency, 15_000_000);
  equal(out.defaults.m, 4194304 / 2);
  // 3 kHz at 7.15 Hz per bin (PhantomSDR's real-input offsets are half)
  equal(out.defaults.r - out.defaults.l, Math.floor((3000 * 8388608) / 60e6));
});

Deno.test("resolveSdrInput() narrows a too wide default window and clips it at the band's edge", () => {
  const wide = resolveSdrInput({
    ...SDR_DEFAULTS.input(),
    defaults: {
      ...SDR_DEFAULTS.input().defaults,
      modulation: "AM",
      mode: "AM",
    },
    audioSps: 8000, // 512 audio bins < 2·320 for ±5 kHz
  });
  deepEqual(wide.problems, []);
  equal(wide.input.defaults.r - wide.input.defaults.l, 512);
  equal(wide.notes[0].field, "defaults.modulation");

  const edge = resolveSdrInput({
    ...SDR_DEFAULTS.input(),
    defaults: {
      ...SDR_DEFAULTS.input().defaults,
      centered: false,
      frequency: 8_124_000 - 1000, // 1 kHz below the top edge
    },
  });
  deepEqual(edge.problems, []);
  equal(edge.input.defaults.r, 131072);
  match(edge.notes[0].text, /clipped at the band's edge/);
});

Deno.test("resolveSdrInput() reports each bad value by field without computing a window", () => {
  const { problems } = resolveSdrInput({
    ...SDR_DEFAULTS.input(),
    sps: 0,
    fftSize: 48,
    // deno-lint-ignore no-explicit-any
    signal: "complex" as any,
    waterfallSize: MAX_WATERFALL_SIZE + 1,
  });
  deepEqual(problems.map((p) => p.field), [
    "sps",
    "signal",
    "fftSize",
    "waterfallSize",
  ]);
  equal(problems[0].found, "number 0");
});

Deno.test("parseSdrModulation() reads PhantomSDR's names and shack's", () => {
  deepEqual(parseSdrModulation("usb"), { modulation: "USB", mode: "USB" });
  deepEqual(parseSdrModulation("SAM"), { modulation: "SAM", mode: "SAM" });
  deepEqual(parseSdrModulation("cw-l"), { modulation: "CW-L", mode: "CW-L" });
  equal(parseSdrModulation(""), undefined);
});

Deno.test("defaultSdrServiceConfig() is the synthetic band with every default", () => {
  const config = defaultSdrServiceConfig();
  equal(config.format, "defaults");
  equal(config.file, undefined);
  deepEqual(config.input.source, { kind: "synthetic" });
  equal(config.server.port, 9002);
  deepEqual(config.limits.perIp, {
    listeners: 0,
    sockets: 64,
    connectionsPerMinute: 0,
    banAfter: 10,
    banSeconds: 600,
  });
  equal(config.server.trustForwardedFor, false);
  equal(config.chat.historyFile, undefined);
  // fresh objects every call
  notEqual(defaultSdrServiceConfig().input, config.input);
});

Deno.test("perIpSockets() follows sv1btl's per_ip·4 + 4 rule", () => {
  equal(perIpSockets(1, undefined), 8);
  equal(perIpSockets(3, 0), 16); // 0 = derive
  equal(perIpSockets(0, 12), 12);
  equal(perIpSockets(0, undefined), 64);
  equal(perIpSockets(0, 0), 0); // explicitly off
});

// --- Sources --------------------------------------------------------------------

Deno.test("parseSdrSource() reads every form and refuses the rest", () => {
  deepEqual(parseSdrSource("file:/srv/rec.cu8"), {
    kind: "file",
    path: "/srv/rec.cu8",
    loop: false,
  });
  deepEqual(parseSdrSource("file:///srv/rec.cu8"), {
    kind: "file",
    path: "/srv/rec.cu8",
    loop: false,
  });
  deepEqual(parseSdrSource("rtl_tcp"), {
    kind: "rtl_tcp",
    hostname: "127.0.0.1",
    port: 1234,
  });
  deepEqual(parseSdrSource("RTL-TCP:pi.local:1235"), {
    kind: "rtl_tcp",
    hostname: "pi.local",
    port: 1235,
  });
  deepEqual(parseSdrSource("rtl_tcp:[fe80::1]:1234"), {
    kind: "rtl_tcp",
    hostname: "fe80::1",
    port: 1234,
  });
  for (
    const bad of [
      "",
      "soapy",
      "file:",
      "rtl_tcp:host:0",
      "rtl_tcp:host:70000",
      "rtl_tcp:host:12ab",
      "rtl_tcp:::1",
      "rtl_tcp:[::1",
      "rtl_tcp:a b",
    ]
  ) {
    throws(() => parseSdrSource(bad), TypeError, bad);
  }
});

Deno.test("formatSdrSource() gives back what parseSdrSource() reads (property)", () => {
  const host = fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.domain(),
  );
  const source: fc.Arbitrary<SdrSource> = fc.oneof(
    fc.constant<SdrSource>({ kind: "synthetic" }),
    fc.constant<SdrSource>({ kind: "stdin" }),
    fc.record({
      kind: fc.constant("file" as const),
      path: fc.string({ minLength: 1, maxLength: 40 }).filter((p) =>
        p.trim() === p && p !== "" && !p.startsWith("//")
      ),
      loop: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant("rtl_tcp" as const),
      hostname: host,
      port: fc.integer({ min: 1, max: 65535 }),
    }),
  );
  fc.assert(
    fc.property(source, (value) => {
      deepEqual(parseSdrSource(formatSdrSource(value)), value);
    }),
    { seed: 20240611, numRuns: 300 },
  );
});

// --- Command-line overrides -------------------------------------------------------

Deno.test("applySdrCliOverrides() lets every flag win over the file and notes it", async () => {
  const config = await loadSdrConfig(PHANTOM_TOML);
  const merged = applySdrCliOverrides(config, {
    bind: "::",
    port: 9200,
    source: "file:rec.cs16",
    format: "cs16",
    sps: 1_024_000,
    frequency: 14_100_000,
    signal: "IQ",
    fftSize: 65536,
    htmlRoot: "/srv/phantom",
  });
  deepEqual(merged.server, {
    bind: "::",
    port: 9200,
    otherUsers: true,
    threads: 1,
    trustForwardedFor: false,
    htmlRoot: "/srv/phantom",
  });
  deepEqual(merged.input.source, {
    kind: "file",
    path: "rec.cs16",
    loop: false,
  });
  equal(merged.input.format, "s16");
  equal(merged.input.sps, 1_024_000);
  equal(merged.input.frequency, 14_100_000);
  equal(merged.input.fftSize, 65536);
  // 14.074 MHz is still in the new band: the window follows the new layout
  deepEqual(
    [merged.input.defaults.l, merged.input.defaults.r],
    [(14_074_000 - 13_588_000) * 65536 / 1_024_000, 31104 + 192],
  );
  deepEqual(merged.notes.slice(1), [
    'command line: --bind "::" (file: "0.0.0.0")',
    "command line: --port 9200 (file: 9002)",
    `command line: --html-root "/srv/phantom" (file: "${CONFIG_DIR}/frontend/dist")`,
    'command line: --source "file:rec.cs16" (file: "stdin")',
    'command line: --format "s16" (file: "u8")',
    "command line: --sps 1024000 (file: 2048000)",
    "command line: --frequency 14100000 (file: 14200000)",
    'command line: --signal "iq" (file: "iq")',
    "command line: --fft-size 65536 (file: 131072)",
  ]);
  // The file's configuration is not changed
  equal(config.server.port, 9002);
  equal(config.input.fftSize, 131072);
  equal(config.notes.length, 1);
});

Deno.test("applySdrCliOverrides() with no flags returns an equal copy", async () => {
  const config = await loadSdrConfig(PHANTOM_TOML);
  const same = applySdrCliOverrides(config, {});
  deepEqual(same, config);
  notEqual(same, config);
});

Deno.test("applySdrCliOverrides() moves a default left outside the new band to its centre", async () => {
  const config = await loadSdrConfig(PHANTOM_TOML);
  const merged = applySdrCliOverrides(config, { frequency: 7_100_000 });
  equal(merged.input.defaults.centered, true);
  equal(merged.input.defaults.frequency, 7_100_000);
  equal(merged.input.defaults.m, 65536);
  match(
    merged.notes.at(-1) ?? "",
    /default frequency 14074000 Hz is outside the new band/,
  );
  // A centred default simply follows
  const minimal = await loadSdrConfig(PHANTOM_MINIMAL);
  equal(
    applySdrCliOverrides(minimal, { frequency: 50_000_000 }).input.defaults
      .frequency,
    50_000_000,
  );
});

Deno.test("applySdrCliOverrides() makes an rtl_tcp source u8 IQ", () => {
  const merged = applySdrCliOverrides(defaultSdrServiceConfig(), {
    source: { kind: "rtl_tcp", hostname: "10.1.2.3", port: 1234 },
    signal: "real",
    format: "s16",
  });
  equal(merged.input.signal, "iq");
  equal(merged.input.format, "u8");
  ok(merged.notes.some((n) => n.includes('signal "real" replaced by "iq"')));
  ok(merged.notes.some((n) => n.includes('format "s16" replaced by "u8"')));
});

Deno.test("applySdrCliOverrides() rejects bad flags with TypeError or RangeError", async () => {
  const config = await loadSdrConfig(PHANTOM_TOML);
  const cases: Array<
    [Parameters<typeof applySdrCliOverrides>[1], string, RegExp]
  > = [
    [
      { port: 70000 },
      "RangeError",
      /^Expected --port to be a port number from 0 to 65535, found 70000$/,
    ],
    [{ port: 1.5 }, "RangeError", /--port/],
    [
      { port: Number.NaN },
      "TypeError",
      /^Expected --port to be a number, found NaN$/,
    ],
    [{ bind: "  " }, "TypeError", /^Expected --bind to be an address/],
    [{ bind: "a b" }, "TypeError", /--bind/],
    [{ htmlRoot: "" }, "TypeError", /^Expected --html-root to be a directory/],
    [
      { source: "soapy" },
      "TypeError",
      /^Expected a source "synthetic", "stdin"/,
    ],
    [
      { source: { kind: "rtl_tcp", hostname: "h", port: 0 } },
      "TypeError",
      /^Expected --source to be a source, found \{"kind":"rtl_tcp"/,
    ],
    [
      // deno-lint-ignore no-explicit-any
      { source: { kind: "soapy" } as any },
      "TypeError",
      /--source/,
    ],
    [
      { format: "s32" },
      "RangeError",
      /^Expected --format to be one of u8, .*, found "s32"$/,
    ],
    [
      { sps: 0 },
      "RangeError",
      /^Expected --sps to be a sample rate from 1 to 2147483647, found 0$/,
    ],
    [{ frequency: -5 }, "RangeError", /--frequency/],
    [
      { signal: "complex" },
      "RangeError",
      /^Expected --signal to be "iq" or "real", found "complex"$/,
    ],
    [
      { fftSize: 100000 },
      "RangeError",
      /^Expected --fft-size to be a power of two from 32 to 8388608, found 100000$/,
    ],
    [{ fftSize: 2 ** 24 }, "RangeError", /--fft-size/],
  ];
  for (const [overrides, name, message] of cases) {
    throws(
      () => applySdrCliOverrides(config, overrides),
      { name, message },
      JSON.stringify(overrides),
    );
  }
});

Deno.test("applySdrCliOverrides() rejects flags that break the file's other settings", async () => {
  const config = await loadSdrConfig(PHANTOM_TOML);
  // waterfall_size 1024 from the file no longer fits 512 bins
  throws(() => applySdrCliOverrides(config, { fftSize: 512 }), {
    name: "RangeError",
    message:
      "Expected input.waterfall_size to be a waterfall size of at most the 512 usable FFT bins " +
      "(fft_size 512, iq input), found number 1024 after the command-line overrides",
  });
  // audio_sps 12000 from the file does not fit a 8 kHz wide band
  throws(() => applySdrCliOverrides(config, { sps: 8000, fftSize: 2048 }), {
    name: "RangeError",
    message:
      /^Expected input\.audio_sps to be an audio rate of at most the band's 8000 Hz/,
  });
  const shack = await loadSdrConfig(SHACK_TOML);
  throws(() => applySdrCliOverrides(shack, { fftSize: 1024 }), {
    name: "RangeError",
    message: /^Expected sdr\.input\.waterfall_size to be/,
  });
  throws(
    () => applySdrCliOverrides(defaultSdrServiceConfig(), { fftSize: 512 }),
    {
      name: "RangeError",
      message: /^Expected input\.waterfallSize to be/,
    },
  );
});

Deno.test("loadSdrConfig() then overrides: the defaults note says where the old value came from", () => {
  const merged = applySdrCliOverrides(defaultSdrServiceConfig(), { port: 0 });
  equal(merged.server.port, 0);
  deepEqual(merged.notes, ["command line: --port 0 (default: 9002)"]);
});

Deno.test("loadSdrConfig() rejects a missing path even before parsing", async () => {
  await rejects(loadSdrConfig("/nonexistent/dir/config.toml"), {
    name: "ConfigError",
    message: /file not found/,
  });
});

Deno.test("loadSdrConfig() reads shack's additions to a PhantomSDR file: Opus, forwarded-for trust, bans, chat words", async () => {
  await withTempDir(async (dir) => {
    const config = await loadText(
      dir,
      "config.toml",
      '[server]\ntrust_forwarded_for = true\naudio_compression = "opus"\n' +
        '[websdr]\nchat_masked_words = ["qrm"]\n' +
        "[limits]\nper_ip_ban_after = 4\n" + INPUT_OK,
    );
    equal(config.server.trustForwardedFor, true);
    equal(config.input.audioCompression, "opus"); // [server] read too
    equal(config.limits.perIp.banAfter, 4);
    deepEqual(config.chat, {
      maskedWords: ["qrm"],
      historyFile: `${dir}/chat_history.json`, // beside the file, as PhantomSDR+ v2
    });
    ok(
      config.notes.every((note) => !/trust|compression|ban|masked/.test(note)),
    );
    // [input] (where PhantomSDR reads it) wins over [server].
    const both = await loadText(
      dir,
      "both.toml",
      '[server]\naudio_compression = "opus"\n' + INPUT_OK +
        'audio_compression = "FLAC"\n',
    );
    equal(both.input.audioCompression, "flac");
    ok(
      both.notes.includes(
        `${dir}/both.toml:2: server.audio_compression: ignored: input.audio_compression = "flac" wins`,
      ),
      both.notes.join("\n"),
    );
  });
});
