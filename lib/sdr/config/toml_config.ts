/**
 * The `[sdr]` table of `shack.toml` ({@link sdrConfigSchema}) and its
 * conversion to a {@link SdrServiceConfig} ({@link sdrConfigFromToml}).
 *
 * ```toml
 * [sdr]
 * bind = "0.0.0.0"
 * port = 9002                   # 0 = any free port
 * html_root = "frontend/dist"   # absent = the built-in page
 * other_users = true            # show other listeners on /events
 * threads = 1
 * markers_file = "markers.json" # PhantomSDR+ format; absent = no markers
 * trust_forwarded_for = false   # client address from X-Real-IP /
 *                               # X-Forwarded-For (only behind a proxy)
 * chat_history_file = "chat_history.json" # last 20 chat messages; "" = none
 *
 * [sdr.input]
 * source = "stdin"              # synthetic (default), stdin, file:PATH,
 *                               # loop:PATH, rtl_tcp:HOST:PORT
 * format = "u8"                 # u8 s8 u16 s16 f32 (default) f64 cs16 cf32
 * sps = 2048000
 * frequency = 14200000          # centre (iq) or lower edge (real), Hz
 * signal = "iq"                 # or "real"
 * fft_size = 131072             # power of two, 32 … 8388608
 * audio_sps = 12000
 * waterfall_size = 1024         # at most 16359 and the FFT's usable bins
 * brightness_offset = 0         # 6.02 dB steps
 * smeter_offset = 0             # dB
 * analog_smeter_offset = 0      # dB
 * audio_compression = "flac"    # or "opus" (raw 20 ms packets, 80 kb/s)
 *
 * [sdr.input.defaults]          # the window a new listener starts with
 * frequency = 14074000          # absent or -1 = centre of the band
 * modulation = "USB"            # USB LSB AM SAM FM WBFM CW …
 *
 * [sdr.limits]
 * audio = 1000                  # most /audio connections
 * waterfall = 1000
 * events = 1000
 * per_ip = 0                    # listeners per address; 0 = no cap
 * per_ip_sockets = 64           # default: per_ip·4 + 4, or 64
 * per_ip_rate = 0               # new sockets per minute; 0 = no limit
 * per_ip_ban_after = 10         # refusals in a minute that ban; 0 = never
 * per_ip_ban_s = 600            # length of a ban
 *
 * [sdr.listing]                 # PhantomSDR+ [websdr]
 * register_online = false
 * register_urls = ["https://sdr-list.xyz/api/update_websdr"]
 * name = "PhantomSDR+"
 * antenna = "N/A"
 * grid_locator = "-"
 * hostname = ""
 * operator = "Anonymous"
 * email = ""
 * callsign_lookup_url = ""
 * chat_enabled = true           # false: /chat is refused with 403
 * chat_masked_words = ["..."]   # masked with * (default: a short list)
 * ```
 *
 * SIGHUP re-reads `[sdr.limits]`, `[sdr.listing]`, `trust_forwarded_for`
 * and `audio_compression` (for new listeners); the rest needs a restart.
 *
 * Unknown keys anywhere inside `[sdr]` are errors (a typo names the file,
 * the line and the key). Relative paths are relative to the file's
 * directory.
 *
 * @module
 */

import {
  ConfigError,
  type ConfigPathSegment,
  type Infer,
  s,
} from "../../core/config/mod.ts";
import { parseSampleFormat } from "../sample_format.ts";
import { MAX_WATERFALL_SIZE } from "../wire/waterfall_packet.ts";
import { MAX_CHAT_MASKED_WORDS } from "../chat/chat_filter.ts";
import {
  type LineOf,
  locateInputReport,
  resolveConfigPath,
} from "./_shared.ts";
import { fftSizeSchema, sampleFormatSchema } from "./phantomsdr_toml.ts";
import {
  parseSdrModulation,
  resolveSdrInput,
  type SdrInputField,
} from "./resolve_input.ts";
import {
  perIpSockets,
  SDR_DEFAULTS,
  type SdrServiceConfig,
} from "./service_config.ts";
import { parseSdrSource, SDR_SOURCE_FORMS } from "./source_spec.ts";

const listingText = s.string({ maxLength: 200 });
const connections = s.integer({ min: 1, max: 100_000 });
const perIpCount = s.integer({ min: 0, max: 100_000 });

function isSourceText(text: string): boolean {
  try {
    parseSdrSource(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The schema of the `[sdr]` table of `shack.toml` (see the module
 * documentation for every key and default). Plug it into the root schema
 * as `sdr: sdrConfigSchema.optional()`, then convert the value with
 * {@link sdrConfigFromToml}.
 *
 * @example Validating a table
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { parse } from "../../core/config/mod.ts";
 * import { sdrConfigSchema } from "./toml_config.ts";
 *
 * const value = parse(sdrConfigSchema, { input: { source: "stdin", sps: 2400000 } });
 * equal(value.port, 9002);
 * equal(value.input.fft_size, 131072);
 * throws(() => parse(sdrConfigSchema, { prot: 9002 }), { name: "ConfigError" });
 * ```
 */
export const sdrConfigSchema = s.object({
  bind: s.string({ minLength: 1, maxLength: 255 }).default(SDR_DEFAULTS.bind),
  port: s.port({ allowZero: true }).default(SDR_DEFAULTS.port),
  html_root: s.string({ minLength: 1 }).optional(),
  other_users: s.boolean().default(SDR_DEFAULTS.otherUsers),
  threads: s.integer({ min: 1, max: 1024 }).default(SDR_DEFAULTS.threads),
  markers_file: s.string({ minLength: 1 }).optional(),
  trust_forwarded_for: s.boolean().default(SDR_DEFAULTS.trustForwardedFor),
  chat_history_file: s.string().default("chat_history.json"),
  input: s.object({
    source: s.string({ minLength: 1 }).refine(
      isSourceText,
      `a source ${SDR_SOURCE_FORMS}`,
    ).default("synthetic"),
    format: sampleFormatSchema.default(SDR_DEFAULTS.format),
    sps: s.integer({ min: 1, max: 2_147_483_647 }).default(SDR_DEFAULTS.sps),
    frequency: s.integer({ min: 0 }).default(SDR_DEFAULTS.frequency),
    signal: s.enum(["iq", "real"], { caseInsensitive: true })
      .default(SDR_DEFAULTS.signal),
    fft_size: fftSizeSchema.default(SDR_DEFAULTS.fftSize),
    audio_sps: s.integer({ min: 1000, max: 768_000 })
      .default(SDR_DEFAULTS.audioSps),
    waterfall_size: s.integer({ min: 1, max: MAX_WATERFALL_SIZE })
      .default(SDR_DEFAULTS.waterfallSize),
    brightness_offset: s.integer({ min: -100, max: 100 }).default(0),
    smeter_offset: s.integer({ min: -200, max: 200 }).default(0),
    analog_smeter_offset: s.integer({ min: -200, max: 200 }).default(0),
    audio_compression: s.enum(["flac", "opus"], { caseInsensitive: true })
      .default("flac"),
    defaults: s.object({
      frequency: s.integer().refine(
        (value) => value === -1 || value >= 0,
        "a frequency in Hz, or -1 for the centre of the band",
      ).default(-1),
      modulation: s.string({ maxLength: 32 }).refine(
        (name) => parseSdrModulation(name) !== undefined,
        "a modulation: USB, LSB, AM, SAM, FM, WBFM, CW, CW-U, CW-L, AM-ENV, NFM or WFM",
      ).default(SDR_DEFAULTS.modulation),
    }).default({}),
  }).default({}),
  limits: s.object({
    audio: connections.default(SDR_DEFAULTS.limits.audio),
    waterfall: connections.default(SDR_DEFAULTS.limits.waterfall),
    events: connections.default(SDR_DEFAULTS.limits.events),
    per_ip: perIpCount.default(0),
    per_ip_sockets: perIpCount.optional(),
    per_ip_rate: perIpCount.default(0),
    per_ip_ban_after: perIpCount.default(SDR_DEFAULTS.limits.perIp.banAfter),
    per_ip_ban_s: s.integer({ min: 0, max: 31_536_000 }).default(600),
  }).default({}),
  listing: s.object({
    register_online: s.boolean().default(false),
    register_urls: s.array(
      s.string({ maxLength: 2048, pattern: /^https?:\/\/\S+$/ }),
      { maxLength: 16 },
    ).default([SDR_DEFAULTS.sdrListUrl]),
    name: listingText.optional(),
    antenna: listingText.optional(),
    grid_locator: listingText.optional(),
    hostname: listingText.optional(),
    operator: listingText.optional(),
    email: listingText.optional(),
    callsign_lookup_url: s.string({ maxLength: 2048 }).optional(),
    chat_enabled: s.boolean().default(true),
    chat_masked_words: s.array(s.string({ minLength: 1, maxLength: 64 }), {
      maxLength: MAX_CHAT_MASKED_WORDS,
    }).optional(),
  }).default({}),
}, { unknownKeys: "error" });

/**
 * The validated `[sdr]` table of `shack.toml`.
 *
 * @example A value
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parse } from "../../core/config/mod.ts";
 * import { sdrConfigSchema, type SdrTomlConfig } from "./toml_config.ts";
 *
 * const value: SdrTomlConfig = parse(sdrConfigSchema, {});
 * equal(value.input.source, "synthetic");
 * ```
 */
export type SdrTomlConfig = Infer<typeof sdrConfigSchema>;

/**
 * Options of {@link sdrConfigFromToml}.
 *
 * @example Options
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SdrConfigFromTomlOptions } from "./toml_config.ts";
 *
 * const options: SdrConfigFromTomlOptions = { file: "/etc/shack/shack.toml" };
 * equal(options.file, "/etc/shack/shack.toml");
 * ```
 */
export interface SdrConfigFromTomlOptions {
  /** The file the table came from (messages, relative paths). */
  file: string;
  /** The line of a key path of the whole file (`["sdr", "port"]`). */
  lineOf?: LineOf;
}

/** Where each receiver setting lives in `[sdr]`. */
const TOML_KEYS: Readonly<Record<SdrInputField, readonly string[]>> = {
  source: ["sdr", "input", "source"],
  format: ["sdr", "input", "format"],
  sps: ["sdr", "input", "sps"],
  frequency: ["sdr", "input", "frequency"],
  signal: ["sdr", "input", "signal"],
  fftSize: ["sdr", "input", "fft_size"],
  audioSps: ["sdr", "input", "audio_sps"],
  waterfallSize: ["sdr", "input", "waterfall_size"],
  brightnessOffset: ["sdr", "input", "brightness_offset"],
  smeterOffset: ["sdr", "input", "smeter_offset"],
  analogSmeterOffset: ["sdr", "input", "analog_smeter_offset"],
  "defaults.frequency": ["sdr", "input", "defaults", "frequency"],
  "defaults.modulation": ["sdr", "input", "defaults", "modulation"],
};

/**
 * The key path of a receiver setting in `shack.toml`.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { sdrTomlKeyOf } from "./toml_config.ts";
 *
 * deepEqual(sdrTomlKeyOf("waterfallSize"), ["sdr", "input", "waterfall_size"]);
 * ```
 *
 * @param field The setting.
 * @returns Its key path.
 */
export function sdrTomlKeyOf(
  field: SdrInputField,
): readonly ConfigPathSegment[] {
  return TOML_KEYS[field];
}

/**
 * Converts a validated `[sdr]` table into a {@link SdrServiceConfig}:
 * resolves relative paths against the file's directory and runs the
 * cross-field checks of `resolveSdrInput` (waterfall and audio sizes
 * against the FFT, default frequency inside the band).
 *
 * @example Converting
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { parse } from "../../core/config/mod.ts";
 * import { sdrConfigFromToml, sdrConfigSchema } from "./toml_config.ts";
 *
 * const table = parse(sdrConfigSchema, {
 *   markers_file: "markers.json",
 *   input: { source: "loop:rec.cu8", format: "u8" },
 * });
 * const config = sdrConfigFromToml(table, { file: "/etc/shack/shack.toml" });
 * deepEqual(config.input.source, { kind: "file", path: "/etc/shack/rec.cu8", loop: true });
 * equal(config.markersFile, "/etc/shack/markers.json");
 * equal(config.limits.perIp.sockets, 64);
 * ```
 *
 * @param table The validated table.
 * @param options The file name and line lookup.
 * @returns The configuration.
 * @throws {ConfigError} When the values do not fit together (file, line,
 * key named).
 */
export function sdrConfigFromToml(
  table: SdrTomlConfig,
  options: SdrConfigFromTomlOptions,
): SdrServiceConfig {
  const { file, lineOf } = options;
  const { input, limits, listing } = table;
  // The schema accepted both, so these cannot fail.
  const modulation = parseSdrModulation(input.defaults.modulation)!;
  const resolved = resolveSdrInput({
    source: parseSdrSource(input.source, { relativeTo: file }),
    format: parseSampleFormat(input.format),
    sps: input.sps,
    frequency: input.frequency,
    signal: input.signal,
    fftSize: input.fft_size,
    audioSps: input.audio_sps,
    waterfallSize: input.waterfall_size,
    brightnessOffset: input.brightness_offset,
    smeterOffset: input.smeter_offset,
    analogSmeterOffset: input.analog_smeter_offset,
    audioCompression: input.audio_compression,
    waterfallCompression: "zstd",
    accelerator: "none",
    defaults: {
      centered: input.defaults.frequency === -1,
      frequency: input.defaults.frequency,
      modulation: modulation.modulation,
      mode: modulation.mode,
      l: 0,
      m: 0,
      r: 0,
    },
  });
  const located = locateInputReport(resolved, {
    file,
    lineOf,
    keyOf: sdrTomlKeyOf,
  });
  if (located.issues.length > 0) throw new ConfigError(located.issues);

  const defaults = SDR_DEFAULTS.listing();
  const config: SdrServiceConfig = {
    format: "toml",
    file,
    server: {
      bind: table.bind.trim(),
      port: table.port,
      otherUsers: table.other_users,
      threads: table.threads,
      trustForwardedFor: table.trust_forwarded_for,
    },
    listing: {
      registerOnline: listing.register_online,
      registerUrls: listing.register_urls,
      name: listing.name ?? defaults.name,
      antenna: listing.antenna ?? defaults.antenna,
      gridLocator: listing.grid_locator ?? defaults.gridLocator,
      hostname: listing.hostname ?? defaults.hostname,
      operator: listing.operator ?? defaults.operator,
      email: listing.email ?? defaults.email,
      callsignLookupUrl: listing.callsign_lookup_url ??
        defaults.callsignLookupUrl,
      chatEnabled: listing.chat_enabled,
    },
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
      maskedWords: listing.chat_masked_words ??
        [...SDR_DEFAULTS.chatMaskedWords],
      ...(table.chat_history_file.trim() !== ""
        ? { historyFile: resolveConfigPath(file, table.chat_history_file) }
        : {}),
    },
    input: resolved.input,
    notes: located.notes,
  };
  if (table.html_root !== undefined) {
    config.server.htmlRoot = resolveConfigPath(file, table.html_root);
  }
  if (table.markers_file !== undefined) {
    config.markersFile = resolveConfigPath(file, table.markers_file);
  }
  return config;
}
