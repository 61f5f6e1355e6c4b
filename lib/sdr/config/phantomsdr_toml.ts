/**
 * PhantomSDR's and PhantomSDR+'s `config.toml`, read unchanged
 * ({@link phantomSdrConfigSchema}, {@link sdrConfigFromPhantomToml}).
 *
 * Every key the three C++ servers read (sdr-phantomsdr.md §3) is
 * understood, with their defaults; a missing key never stops the service:
 *
 * - `[server]` `port` (9002), `html_root`, `otherusers` (1; `true`/`false`
 *   accepted too), `threads` (1), `host` (used as the bind address;
 *   PhantomSDR binds every interface whatever it says); shack's additions:
 *   `trust_forwarded_for` (false: take the client address from
 *   `X-Real-IP` / `X-Forwarded-For` only behind a proxy that sets them) and
 *   `audio_compression` (also read here; `[input]` wins when both are set);
 * - `[websdr]` (PhantomSDR+) `register_online`, `register_urls`, `name`,
 *   `antenna`, `grid_locator`, `hostname`, `operator`, `email`,
 *   `callsign_lookup_url`, `chat_enabled` (false: `/chat` is refused with
 *   403), and shack's `chat_masked_words` (words masked with `*` in chat;
 *   default a short built-in list); the chat history is kept in
 *   `chat_history.json` beside the file, as PhantomSDR+ v2 does;
 * - `[limits]` `audio`, `waterfall`, `events` (1000 each, now enforced),
 *   sv1btl's per-address `per_ip`, `per_ip_sockets`, `per_ip_rate`,
 *   `per_ip_ban_s`, and shack's `per_ip_ban_after` (10 refusals in a minute
 *   ban an address for `per_ip_ban_s`; 0 = never);
 * - `[input]` `sps`, `frequency`, `signal` (PhantomSDR requires them; shack
 *   falls back to 2.048 MS/s IQ at 7.1 MHz with a note), `fft_size`
 *   (131072), `brightness_offset` (0), `audio_sps` (12000),
 *   `waterfall_size` (1024), `smeter_offset` (0, which Steven's v2 needs),
 *   `analog_smeter_offset` (0), `audio_compression` (`flac` or `opus`:
 *   sv1btl's raw 20 ms Opus packets), `waterfall_compression` (`zstd`;
 *   `av1` falls back);
 * - `[input.driver]` `name` (`stdin`; a shack source text such as
 *   `rtl_tcp:HOST:PORT` is accepted as well), `format` (`f32`; `u8`, `s8`,
 *   `u16`, `s16`, `f32`, `f64`, `cs16`, `cf32`);
 * - `[input.defaults]` `frequency` (−1 or absent = the centre of the band),
 *   `modulation` (`USB`; unknown names mean USB, as in PhantomSDR).
 *
 * Keys PhantomSDR reads that shack does not need are accepted and noted:
 * `fft_threads`, `accelerator` (the FFT runs on the CPU), the original's
 * `[register]`, sv1btl's `[websdr.org]`, `software_name`,
 * `software_version`, `min_client_version`, `idle_per_ip`, `idle_total`,
 * `[kiwi_emulation]`, `[listing]`. Any other key is an "unknown key,
 * ignored" note (PhantomSDR ignores them too). A value of the wrong type or
 * out of range is a `ConfigError` naming the file, the line and the key.
 *
 * Paths (`html_root`, the `markers.json` and `chat_history.json`
 * PhantomSDR reads from its working directory) are taken relative to the
 * file's directory.
 *
 * @module
 */

import {
  ConfigError,
  type Infer,
  parseWithWarnings,
  s,
  type Schema,
} from "../../core/config/mod.ts";
import { parseSampleFormat, type SampleFormat } from "../sample_format.ts";
import { MAX_FFT_SIZE } from "../spectrum_layout.ts";
import { MAX_WATERFALL_SIZE } from "../wire/waterfall_packet.ts";
import { MAX_CHAT_MASKED_WORDS } from "../chat/chat_filter.ts";
import {
  isPowerOfTwo,
  type LineOf,
  locateInputReport,
  resolveConfigPath,
  unknownKeyNote,
  whereOf,
} from "./_shared.ts";
import {
  parseSdrModulation,
  resolveSdrInput,
  type SdrInputField,
} from "./resolve_input.ts";
import {
  perIpSockets,
  SDR_DEFAULTS,
  type SdrInputConfig,
  type SdrServiceConfig,
} from "./service_config.ts";
import { parseSdrSource, type SdrSource } from "./source_spec.ts";

/** The formats `[input.driver] format` accepts, for messages. */
const FORMAT_NAMES =
  'one of "u8", "s8", "u16", "s16", "f32", "f64", "cs16" or "cf32"';

/**
 * Tells whether a text is a sample format name.
 *
 * @param name The name.
 * @returns Whether `parseSampleFormat` accepts it.
 */
function isSampleFormatName(name: string): boolean {
  try {
    parseSampleFormat(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * The FFT size schema: a power of two from 32 to 2^23 (the sizes both FFT
 * backends, PFFFT and fft.js, plan).
 *
 * @example Usage
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { parse } from "../../core/config/mod.ts";
 * import { fftSizeSchema } from "./phantomsdr_toml.ts";
 *
 * parse(fftSizeSchema, 131072);
 * throws(() => parse(fftSizeSchema, 16777216), { name: "ConfigError" });
 * ```
 */
export const fftSizeSchema: Schema<number> = s.integer().refine(
  (value) => isPowerOfTwo(value, 32, MAX_FFT_SIZE),
  `a power of two from 32 to ${MAX_FFT_SIZE}`,
);

/**
 * The sample format schema (`parseSampleFormat`'s names, any case).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parse } from "../../core/config/mod.ts";
 * import { sampleFormatSchema } from "./phantomsdr_toml.ts";
 *
 * equal(parse(sampleFormatSchema, "CS16"), "CS16");
 * ```
 */
export const sampleFormatSchema: Schema<string> = s.string().refine(
  isSampleFormatName,
  FORMAT_NAMES,
);

const listingText = s.string({ maxLength: 200 });
const registerUrl = s.string({
  maxLength: 2048,
  pattern: /^https?:\/\/\S+$/,
});
const connections = s.integer({ min: 1, max: 100_000 });
const perIpCount = s.integer({ min: 0, max: 100_000 });
const maskedWords = s.array(s.string({ minLength: 1, maxLength: 64 }), {
  maxLength: MAX_CHAT_MASKED_WORDS,
});
const audioCompression = s.enum(["flac", "opus"], { caseInsensitive: true });
/** A table whose keys are not examined (accepted and ignored). */
const anyTable = s.object({}, { unknownKeys: "ignore" });

/**
 * The schema of a PhantomSDR / PhantomSDR+ `config.toml` (see the module
 * documentation). Unknown keys are warnings, not errors, so the peers'
 * files load unchanged; convert the value with
 * {@link sdrConfigFromPhantomToml}.
 *
 * @example Every key has a default
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parse } from "../../core/config/mod.ts";
 * import { phantomSdrConfigSchema } from "./phantomsdr_toml.ts";
 *
 * const value = parse(phantomSdrConfigSchema, {});
 * equal(value.server.port, 9002);
 * equal(value.input.fft_size, 131072);
 * equal(value.input.driver.format, "f32");
 * ```
 */
export const phantomSdrConfigSchema = s.object({
  server: s.object({
    port: s.port({ allowZero: true }).default(SDR_DEFAULTS.port),
    html_root: s.string({ minLength: 1 }).optional(),
    otherusers: s.integer().default(1),
    threads: s.integer({ min: 1, max: 1024 }).default(SDR_DEFAULTS.threads),
    host: s.string().optional(),
    min_client_version: s.integer().optional(),
    trust_forwarded_for: s.boolean().default(false),
    audio_compression: audioCompression.optional(),
  }, { unknownKeys: "warn" }).default({}),
  websdr: s.object({
    register_online: s.boolean().default(false),
    register_urls: s.array(registerUrl, { maxLength: 16 }).optional(),
    name: listingText.optional(),
    antenna: listingText.optional(),
    grid_locator: listingText.optional(),
    hostname: listingText.optional(),
    operator: listingText.optional(),
    email: listingText.optional(),
    callsign_lookup_url: s.string({ maxLength: 2048 }).optional(),
    chat_enabled: s.boolean().default(true),
    chat_masked_words: maskedWords.optional(),
    software_name: s.string().optional(),
    software_version: s.string().optional(),
    org: anyTable.optional(),
  }, { unknownKeys: "warn" }).default({}),
  limits: s.object({
    audio: connections.default(SDR_DEFAULTS.limits.audio),
    waterfall: connections.default(SDR_DEFAULTS.limits.waterfall),
    events: connections.default(SDR_DEFAULTS.limits.events),
    per_ip: perIpCount.default(0),
    per_ip_sockets: perIpCount.optional(),
    per_ip_rate: perIpCount.default(0),
    per_ip_ban_s: s.integer({ min: 0, max: 31_536_000 }).default(600),
    per_ip_ban_after: perIpCount.default(SDR_DEFAULTS.limits.perIp.banAfter),
    idle_per_ip: s.integer().optional(),
    idle_total: s.integer().optional(),
  }, { unknownKeys: "warn" }).default({}),
  input: s.object({
    sps: s.integer({ min: 1, max: 2_147_483_647 }).optional(),
    frequency: s.integer({ min: 0 }).optional(),
    signal: s.enum(["real", "iq"], { caseInsensitive: true }).optional(),
    fft_size: fftSizeSchema.default(SDR_DEFAULTS.fftSize),
    fft_threads: s.integer().optional(),
    brightness_offset: s.integer({ min: -100, max: 100 }).default(0),
    accelerator: s.string({ maxLength: 64 }).default("none"),
    audio_sps: s.integer({ min: 1000, max: 768_000 })
      .default(SDR_DEFAULTS.audioSps),
    audio_compression: audioCompression.optional(),
    waterfall_size: s.integer({ min: 1, max: MAX_WATERFALL_SIZE })
      .default(SDR_DEFAULTS.waterfallSize),
    waterfall_compression: s.enum(["zstd", "av1"]).default("zstd"),
    smeter_offset: s.integer({ min: -200, max: 200 }).default(0),
    analog_smeter_offset: s.integer({ min: -200, max: 200 }).default(0),
    driver: s.object({
      name: s.string({ maxLength: 4096 }).optional(),
      format: sampleFormatSchema.default(SDR_DEFAULTS.format),
    }, { unknownKeys: "warn" }).default({}),
    defaults: s.object({
      frequency: s.integer().refine(
        (value) => value === -1 || value >= 0,
        "a frequency in Hz, or -1 for the centre of the band",
      ).default(-1),
      modulation: s.string({ maxLength: 32 }).default(SDR_DEFAULTS.modulation),
    }, { unknownKeys: "warn" }).default({}),
  }, { unknownKeys: "warn" }).default({}),
  register: anyTable.optional(),
  kiwi_emulation: anyTable.optional(),
  listing: anyTable.optional(),
}, { unknownKeys: "warn" });

/**
 * A validated PhantomSDR `config.toml`.
 *
 * @example A value
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parse } from "../../core/config/mod.ts";
 * import { phantomSdrConfigSchema, type PhantomSdrToml } from "./phantomsdr_toml.ts";
 *
 * const value: PhantomSdrToml = parse(phantomSdrConfigSchema, { input: { signal: "IQ" } });
 * equal(value.input.signal, "iq");
 * ```
 */
export type PhantomSdrToml = Infer<typeof phantomSdrConfigSchema>;

/**
 * Options of {@link sdrConfigFromPhantomToml}.
 *
 * @example Options
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SdrConfigFromPhantomTomlOptions } from "./phantomsdr_toml.ts";
 *
 * const options: SdrConfigFromPhantomTomlOptions = { file: "/opt/phantomsdr/config.toml" };
 * equal(options.lineOf, undefined);
 * ```
 */
export interface SdrConfigFromPhantomTomlOptions {
  /** The file the document came from (messages, relative paths). */
  file: string;
  /** The line of a key path (`["input", "sps"]`). */
  lineOf?: LineOf;
}

/** Where each receiver setting lives in a PhantomSDR file. */
const PHANTOM_KEYS: Readonly<Record<SdrInputField, readonly string[]>> = {
  source: ["input", "driver", "name"],
  format: ["input", "driver", "format"],
  sps: ["input", "sps"],
  frequency: ["input", "frequency"],
  signal: ["input", "signal"],
  fftSize: ["input", "fft_size"],
  audioSps: ["input", "audio_sps"],
  waterfallSize: ["input", "waterfall_size"],
  brightnessOffset: ["input", "brightness_offset"],
  smeterOffset: ["input", "smeter_offset"],
  analogSmeterOffset: ["input", "analog_smeter_offset"],
  "defaults.frequency": ["input", "defaults", "frequency"],
  "defaults.modulation": ["input", "defaults", "modulation"],
};

/**
 * The key path of a receiver setting in a PhantomSDR `config.toml`.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { phantomSdrKeyOf } from "./phantomsdr_toml.ts";
 *
 * deepEqual(phantomSdrKeyOf("fftSize"), ["input", "fft_size"]);
 * ```
 *
 * @param field The setting.
 * @returns Its key path.
 */
export function phantomSdrKeyOf(field: SdrInputField): readonly string[] {
  return PHANTOM_KEYS[field];
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Copies the document, turning the spellings PhantomSDR tolerates into ours. */
function normalise(data: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(data);
  const server = copy.server;
  if (isTable(server) && typeof server.otherusers === "boolean") {
    server.otherusers = server.otherusers ? 1 : 0;
  }
  const websdr = copy.websdr;
  if (isTable(websdr) && typeof websdr.register_urls === "string") {
    websdr.register_urls = [websdr.register_urls];
  }
  return copy;
}

/**
 * Converts a PhantomSDR / PhantomSDR+ `config.toml` document (as read by
 * `parseToml`) into a {@link SdrServiceConfig}: validates it, applies
 * PhantomSDR's defaults, notes what is ignored, resolves paths against the
 * file's directory and runs the cross-field checks of `resolveSdrInput`.
 *
 * @example The minimal PhantomSDR file
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { sdrConfigFromPhantomToml } from "./phantomsdr_toml.ts";
 *
 * const config = sdrConfigFromPhantomToml(
 *   { input: { sps: 2048000, frequency: 100000000, signal: "IQ", driver: { name: "stdin" } } },
 *   { file: "/opt/phantomsdr/config.toml" },
 * );
 * equal(config.input.signal, "iq");
 * equal(config.input.format, "f32");
 * equal(config.input.defaults.frequency, 100000000); // the centre
 * equal(config.markersFile, "/opt/phantomsdr/markers.json");
 * ok(config.notes.length === 0);
 * ```
 *
 * @param data The parsed TOML document.
 * @param options The file name and line lookup.
 * @returns The configuration.
 * @throws {ConfigError} Listing every bad value (file, line, key).
 */
export function sdrConfigFromPhantomToml(
  data: Record<string, unknown>,
  options: SdrConfigFromPhantomTomlOptions,
): SdrServiceConfig {
  const { file, lineOf } = options;
  const { value, warnings } = parseWithWarnings(
    phantomSdrConfigSchema,
    normalise(data),
    { file, lineOf },
  );
  const notes = warnings.map(unknownKeyNote);
  const at = (path: readonly string[], text: string) =>
    notes.push(`${whereOf(file, lineOf, path)}: ${text}`);
  const { server, websdr, limits, input } = value;

  // Keys read by a PhantomSDR variant that shack does not need.
  if (value.register !== undefined) {
    at(
      ["register"],
      "the original PhantomSDR's directory registration is not supported, ignored",
    );
  }
  if (value.kiwi_emulation !== undefined) {
    at(["kiwi_emulation"], "KiwiSDR emulation is not supported, ignored");
  }
  if (value.listing !== undefined) at(["listing"], "ignored");
  if (websdr.org !== undefined) {
    at(["websdr", "org"], "websdr.org registration is not supported, ignored");
  }
  for (const key of ["software_name", "software_version"] as const) {
    if (websdr[key] !== undefined) at(["websdr", key], "ignored");
  }
  if (server.min_client_version !== undefined) {
    at(["server", "min_client_version"], "ignored");
  }
  for (const key of ["idle_per_ip", "idle_total"] as const) {
    if (limits[key] !== undefined) at(["limits", key], "ignored");
  }
  if (input.fft_threads !== undefined) {
    at(["input", "fft_threads"], "ignored: the FFT runs in one worker");
  }
  if (input.accelerator.toLowerCase() !== "none") {
    at(
      ["input", "accelerator"],
      `"${input.accelerator}" ignored: the FFT runs on the CPU (PFFFT, WebAssembly SIMD)`,
    );
  }
  let compression = input.audio_compression ?? server.audio_compression ??
    "flac";
  if (
    input.audio_compression !== undefined &&
    server.audio_compression !== undefined &&
    server.audio_compression !== input.audio_compression
  ) {
    at(
      ["server", "audio_compression"],
      `ignored: input.audio_compression = "${input.audio_compression}" wins`,
    );
  }
  if (compression !== "opus") compression = "flac";
  if (input.waterfall_compression === "av1") {
    at(
      ["input", "waterfall_compression"],
      '"av1" is not available, using "zstd"',
    );
  }
  let bind: string = SDR_DEFAULTS.bind;
  if (server.host !== undefined && server.host.trim() !== "") {
    bind = server.host.trim();
    if (bind !== SDR_DEFAULTS.bind) {
      at(
        ["server", "host"],
        `used as the bind address (PhantomSDR binds every interface whatever host says)`,
      );
    }
  }

  // The receiver, with the fall-backs for what PhantomSDR requires.
  const required = <T>(key: string, given: T | undefined, fallback: T): T => {
    if (given !== undefined) return given;
    at(
      ["input", key],
      `absent (PhantomSDR requires it): using ${JSON.stringify(fallback)}`,
    );
    return fallback;
  };
  const sps = required("sps", input.sps, SDR_DEFAULTS.sps);
  const frequency = required(
    "frequency",
    input.frequency,
    SDR_DEFAULTS.frequency,
  );
  const signal = required("signal", input.signal, SDR_DEFAULTS.signal);

  let source: SdrSource = { kind: "stdin" };
  const driverName = input.driver.name?.trim();
  if (driverName === undefined) {
    at(["input", "driver", "name"], 'absent: reading "stdin"');
  } else if (driverName.toLowerCase() !== "stdin") {
    try {
      source = parseSdrSource(driverName, { relativeTo: file });
    } catch {
      at(
        ["input", "driver", "name"],
        `unknown driver ${
          JSON.stringify(driverName)
        }: reading stdin, as the original PhantomSDR does`,
      );
    }
  }

  let modulation = parseSdrModulation(input.defaults.modulation);
  if (modulation === undefined) {
    at(
      ["input", "defaults", "modulation"],
      `unknown modulation ${
        JSON.stringify(input.defaults.modulation)
      }: using "USB", as PhantomSDR does`,
    );
    modulation = { modulation: "USB", mode: "USB" };
  }

  const receiver: SdrInputConfig = {
    source,
    format: parseSampleFormat(input.driver.format) as SampleFormat,
    sps,
    frequency,
    signal,
    fftSize: input.fft_size,
    audioSps: input.audio_sps,
    waterfallSize: input.waterfall_size,
    brightnessOffset: input.brightness_offset,
    smeterOffset: input.smeter_offset,
    analogSmeterOffset: input.analog_smeter_offset,
    audioCompression: compression,
    waterfallCompression: "zstd",
    accelerator: input.accelerator,
    defaults: {
      centered: input.defaults.frequency === -1,
      frequency: input.defaults.frequency,
      modulation: modulation.modulation,
      mode: modulation.mode,
      l: 0,
      m: 0,
      r: 0,
    },
  };
  const resolved = resolveSdrInput(receiver);
  const located = locateInputReport(resolved, {
    file,
    lineOf,
    keyOf: phantomSdrKeyOf,
  });
  if (located.issues.length > 0) throw new ConfigError(located.issues);
  notes.push(...located.notes);

  const listing = SDR_DEFAULTS.listing();
  listing.registerOnline = websdr.register_online;
  if (websdr.register_urls !== undefined) {
    listing.registerUrls = websdr.register_urls;
  }
  listing.name = websdr.name ?? listing.name;
  listing.antenna = websdr.antenna ?? listing.antenna;
  listing.gridLocator = websdr.grid_locator ?? listing.gridLocator;
  listing.hostname = websdr.hostname ?? listing.hostname;
  listing.operator = websdr.operator ?? listing.operator;
  listing.email = websdr.email ?? listing.email;
  listing.callsignLookupUrl = websdr.callsign_lookup_url ??
    listing.callsignLookupUrl;
  listing.chatEnabled = websdr.chat_enabled;

  const config: SdrServiceConfig = {
    format: "phantomsdr",
    file,
    server: {
      bind,
      port: server.port,
      otherUsers: server.otherusers > 0,
      threads: server.threads,
      trustForwardedFor: server.trust_forwarded_for,
    },
    listing,
    limits: {
      audio: limits.audio,
      waterfall: limits.waterfall,
      events: limits.events,
      perIp: {
        listeners: limits.per_ip,
        sockets: perIpSockets(limits.per_ip, limits.per_ip_sockets),
        connectionsPerMinute: limits.per_ip_rate,
        banAfter: limits.per_ip_ban_after,
        banSeconds: limits.per_ip_ban_s,
      },
    },
    chat: {
      maskedWords: websdr.chat_masked_words ??
        [...SDR_DEFAULTS.chatMaskedWords],
      historyFile: resolveConfigPath(file, "chat_history.json"),
    },
    input: resolved.input,
    markersFile: resolveConfigPath(file, "markers.json"),
    notes,
  };
  if (server.html_root !== undefined) {
    config.server.htmlRoot = resolveConfigPath(file, server.html_root);
  }
  return config;
}
