/**
 * The typed configuration of `shack sdr serve` ({@link SdrServiceConfig}),
 * whichever file it came from (shack.toml `[sdr]` or a PhantomSDR /
 * PhantomSDR+ `config.toml`), the defaults it uses for what a file leaves
 * out ({@link SDR_DEFAULTS}) and the configuration used without any file
 * ({@link defaultSdrServiceConfig}).
 *
 * @module
 */

import type { AudioMode } from "../audio/listener_audio.ts";
import { DEFAULT_CHAT_MASKED_WORDS } from "../chat/chat_filter.ts";
import type { SampleFormat } from "../sample_format.ts";
import {
  DEFAULT_SYNTHETIC_FREQUENCY,
  DEFAULT_SYNTHETIC_SPS,
} from "../sources/synthetic_stations.ts";
import type { SignalKind } from "../spectrum_layout.ts";
import { resolveSdrInput } from "./resolve_input.ts";
import type { SdrSource } from "./source_spec.ts";

/**
 * The file a {@link SdrServiceConfig} was read from:
 *
 * - `toml`: the `[sdr]` table of shack's own `shack.toml`;
 * - `phantomsdr`: a PhantomSDR / PhantomSDR+ `config.toml`;
 * - `defaults`: no file ({@link defaultSdrServiceConfig}).
 *
 * @example A format
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SdrConfigFormat } from "./service_config.ts";
 *
 * const format: SdrConfigFormat = "phantomsdr";
 * equal(format, "phantomsdr");
 * ```
 */
export type SdrConfigFormat = "toml" | "phantomsdr" | "defaults";

/**
 * The HTTP/WebSocket server (PhantomSDR `[server]`).
 *
 * @example The defaults
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SdrServerConfig } from "./service_config.ts";
 *
 * const server: SdrServerConfig = {
 *   bind: "0.0.0.0", port: 9002, otherUsers: true, threads: 1, trustForwardedFor: false,
 * };
 * equal(server.htmlRoot, undefined);
 * ```
 */
export interface SdrServerConfig {
  /**
   * The address the TCP listener binds to (PhantomSDR reads `[server] host`
   * but binds every interface; shack honours it).
   */
  bind: string;
  /** The TCP port of HTTP and the WebSockets; 0 = any free port (tests). */
  port: number;
  /**
   * The directory of the web frontend (`html_root`), resolved against the
   * configuration file's directory; absent = the service's built-in page.
   */
  htmlRoot?: string;
  /** Publish other listeners' tuning on `/events` (`otherusers > 0`). */
  otherUsers: boolean;
  /** `[server] threads`: how many workers per-listener work may use. */
  threads: number;
  /**
   * Take a client's address from `X-Real-IP` or the last `X-Forwarded-For`
   * entry (`trust_forwarded_for`, off by default): only behind a reverse
   * proxy that sets them, since clients can forge them otherwise. Reloaded
   * on SIGHUP.
   */
  trustForwardedFor: boolean;
}

/**
 * What the station says about itself: the PhantomSDR+ `[websdr]` table,
 * sent to the SDR lists, to `/server-info.json` and (grid locator) to the
 * frontend. Reloaded on SIGHUP.
 *
 * @example The defaults
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SDR_DEFAULTS } from "./service_config.ts";
 *
 * equal(SDR_DEFAULTS.listing().gridLocator, "-");
 * equal(SDR_DEFAULTS.listing().registerOnline, false);
 * ```
 */
export interface SdrListingConfig {
  /** Post the listing to `registerUrls` every minute. */
  registerOnline: boolean;
  /** Directory endpoints (`register_urls`). */
  registerUrls: string[];
  /** Station name. */
  name: string;
  /** Antenna description. */
  antenna: string;
  /** Maidenhead locator (also sent to the frontend for FT8 distances). */
  gridLocator: string;
  /** Public DNS name for the listing; empty = none. */
  hostname: string;
  /** Operator name (`/server-info.json`). */
  operator: string;
  /** Contact e-mail (`/server-info.json`); empty = none. */
  email: string;
  /** Callsign lookup URL prefix (Plus sample configs); empty = none. */
  callsignLookupUrl: string;
  /** Whether chat is advertised (`/server-info.json`). */
  chatEnabled: boolean;
}

/**
 * Per-address limits (sv1btl PhantomSDR+ `[limits] per_ip…`, plus shack's
 * `per_ip_ban_after`). 0 turns a check off. An address that is refused by
 * these limits `banAfter` times within a minute is refused everything for
 * `banSeconds`. Reloaded on SIGHUP.
 *
 * @example Three listeners per address
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SdrPerIpLimits } from "./service_config.ts";
 *
 * const perIp: SdrPerIpLimits = {
 *   listeners: 3, sockets: 16, connectionsPerMinute: 40, banAfter: 10, banSeconds: 600,
 * };
 * equal(perIp.sockets, 3 * 4 + 4);
 * ```
 */
export interface SdrPerIpLimits {
  /** Simultaneous `/audio` connections (listeners) from one address (`per_ip`). */
  listeners: number;
  /**
   * Simultaneous sockets of any path from one address (`per_ip_sockets`);
   * by default `listeners · 4 + 4` (a desktop tab opens four sockets), or
   * 64 when `listeners` is 0.
   */
  sockets: number;
  /** New sockets per minute from one address (`per_ip_rate`). */
  connectionsPerMinute: number;
  /**
   * Refusals by the per-address limits within a minute that get an address
   * banned (`per_ip_ban_after`, shack's key; 0 = never ban).
   */
  banAfter: number;
  /** How long a banned address is refused, s (`per_ip_ban_s`). */
  banSeconds: number;
}

/**
 * Connection limits, enforced (PhantomSDR parses `[limits]` but never
 * enforces it). Reloaded on SIGHUP.
 *
 * @example The defaults
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SDR_DEFAULTS } from "./service_config.ts";
 *
 * equal(SDR_DEFAULTS.limits.audio, 1000);
 * equal(SDR_DEFAULTS.limits.perIp.sockets, 64);
 * ```
 */
export interface SdrLimitsConfig {
  /** Most `/audio` connections. */
  audio: number;
  /** Most `/waterfall` connections. */
  waterfall: number;
  /** Most `/events` connections. */
  events: number;
  /** Per-address limits. */
  perIp: SdrPerIpLimits;
}

/**
 * The window a new listener starts with (`[input.defaults]`), resolved
 * against the band: `l`, `m`, `r` are the settings JSON's `defaults`.
 *
 * @example USB at 14.074 MHz on a 2.048 MS/s IQ band centred on 14.2 MHz
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { resolveSdrInput, SDR_DEFAULTS } from "./mod.ts";
 *
 * const { input } = resolveSdrInput({
 *   ...SDR_DEFAULTS.input(),
 *   frequency: 14_200_000,
 *   defaults: { ...SDR_DEFAULTS.input().defaults, centered: false, frequency: 14_074_000 },
 * });
 * deepEqual([input.defaults.l, input.defaults.m, input.defaults.r], [57472, 57472, 57664]);
 * ```
 */
export interface SdrDefaultsConfig {
  /** The default frequency follows the centre of the band (`frequency = -1` or absent). */
  centered: boolean;
  /** Default dial frequency, Hz. */
  frequency: number;
  /** The settings JSON's `modulation`: the configured name, upper-case. */
  modulation: string;
  /** The listener mode it maps to. */
  mode: AudioMode;
  /** Window start bin. */
  l: number;
  /** Carrier bin (fractional). */
  m: number;
  /** Window end bin. */
  r: number;
}

/**
 * The receiver: the source, the samples and the DSP sizes
 * (PhantomSDR `[input]`, `[input.driver]`, `[input.defaults]`).
 *
 * @example The layout of the big FFT comes straight from it
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { spectrumLayout } from "../spectrum_layout.ts";
 * import { SDR_DEFAULTS } from "./service_config.ts";
 *
 * const layout = spectrumLayout(SDR_DEFAULTS.input());
 * equal(layout.audioFftSize, 768);
 * ```
 */
export interface SdrInputConfig {
  /** Where the samples come from. */
  source: SdrSource;
  /** Sample format of the bytes (`[input.driver] format`). */
  format: SampleFormat;
  /** Input sample rate, samples per second. */
  sps: number;
  /** Centre (IQ) or lower edge (real) frequency, Hz. */
  frequency: number;
  /** IQ or real samples. */
  signal: SignalKind;
  /** Big FFT size, a power of two from 32 to 2^23. */
  fftSize: number;
  /** Per-listener audio rate target (`audio_sps`). */
  audioSps: number;
  /** Target waterfall line width (`waterfall_size`). */
  waterfallSize: number;
  /** Waterfall offset in steps of 6.02 dB. */
  brightnessOffset: number;
  /** S-meter offset, dB (Plus settings JSON). */
  smeterOffset: number;
  /** Analog S-meter offset, dB (sv1btl settings JSON). */
  analogSmeterOffset: number;
  /**
   * The default audio codec (`audio_compression`): FLAC, or Opus (sv1btl's
   * raw 20 ms packets at 80 kb/s; a client that says it cannot decode Opus
   * gets FLAC).
   */
  audioCompression: "flac" | "opus";
  /** Waterfall codec: zstd (AV1 never worked in PhantomSDR). */
  waterfallCompression: "zstd";
  /**
   * PhantomSDR's `accelerator` as configured (`none`, `opencl`, `cuda`,
   * `mkl`): ignored, shack's FFT runs on the CPU (PFFFT WebAssembly SIMD).
   */
  accelerator: string;
  /** The window a new listener starts with. */
  defaults: SdrDefaultsConfig;
}

/**
 * The `/chat` socket (PhantomSDR+ v2's JSON dialect). Whether it is served
 * is `listing.chatEnabled`.
 *
 * @example The defaults
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { defaultSdrServiceConfig } from "./service_config.ts";
 *
 * const chat = defaultSdrServiceConfig().chat;
 * equal(chat.historyFile, undefined);
 * equal(chat.maskedWords.length > 0, true);
 * ```
 */
export interface SdrChatConfig {
  /**
   * Words masked with `*` in messages (`chat_masked_words`); reloaded on
   * SIGHUP.
   */
  maskedWords: string[];
  /**
   * Where the last 20 messages are kept (`chat_history.json` beside the
   * configuration file); absent = not kept across restarts.
   */
  historyFile?: string;
}

/**
 * The whole configuration of `shack sdr serve`, as plain data.
 *
 * @example Loading a PhantomSDR config.toml
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { loadSdrConfig, type SdrServiceConfig } from "./mod.ts";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   await Deno.writeTextFile(`${dir}/config.toml`, '[input]\nsps = 2048000\nfrequency = 7100000\nsignal = "iq"\n');
 *   const config: SdrServiceConfig = await loadSdrConfig(`${dir}/config.toml`);
 *   equal(config.format, "phantomsdr");
 *   equal(config.server.port, 9002);
 *   equal(config.input.source.kind, "stdin");
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export interface SdrServiceConfig {
  /** Which kind of file it came from. */
  format: SdrConfigFormat;
  /** The file's path, as given; absent for {@link defaultSdrServiceConfig}. */
  file?: string;
  /** HTTP and WebSockets. */
  server: SdrServerConfig;
  /** The station's listing information. */
  listing: SdrListingConfig;
  /** Connection limits. */
  limits: SdrLimitsConfig;
  /** The `/chat` socket. */
  chat: SdrChatConfig;
  /** The receiver. */
  input: SdrInputConfig;
  /**
   * The PhantomSDR+ `markers.json` to serve and watch; absent = no markers.
   * A PhantomSDR file always gets the one beside it (PhantomSDR reads
   * `./markers.json`).
   */
  markersFile?: string;
  /**
   * Things worth telling the operator that are not errors: PhantomSDR keys
   * accepted but ignored, values that fell back to a default, unknown keys
   * of PhantomSDR files, command-line overrides. One line each.
   */
  notes: string[];
}

/** The SDR-list endpoint of PhantomSDR+'s sample configs. */
const SDR_LIST_URL = "https://sdr-list.xyz/api/update_websdr";

/**
 * The defaults of a {@link SdrServiceConfig}:
 *
 * - server: bind `0.0.0.0`, port 9002, other users shown, 1 thread
 *   (PhantomSDR's defaults);
 * - input: the synthetic source, f32 samples (PhantomSDR's default format),
 *   2.048 MS/s IQ at 7.1 MHz, FFT 131072, audio 12 kHz, waterfall 1024,
 *   offsets 0, default window USB at the centre of the band;
 * - limits: 1000 `/audio`, `/waterfall` and `/events` connections
 *   (PhantomSDR's defaults, now enforced); per address 64 sockets, no
 *   listener cap, no rate limit, bans of 600 s after 10 refusals in a
 *   minute (sv1btl's defaults, plus a socket cap so one address cannot take
 *   every slot, and shack's ban threshold); forwarded-for headers not
 *   trusted;
 * - listing: not registered, PhantomSDR+'s defaults for the texts;
 * - markers re-read every 60 s (PhantomSDR+), audio FLAC, waterfall zstd;
 * - chat: PhantomSDR+'s reserved names, a short list of masked words.
 *
 * `input()` and `listing()` return fresh objects.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SDR_DEFAULTS } from "./service_config.ts";
 *
 * equal(SDR_DEFAULTS.port, 9002);
 * equal(SDR_DEFAULTS.input().fftSize, 131072);
 * equal(SDR_DEFAULTS.input().source.kind, "synthetic");
 * ```
 */
export const SDR_DEFAULTS = {
  bind: "0.0.0.0",
  port: 9002,
  otherUsers: true,
  threads: 1,
  trustForwardedFor: false,
  sps: DEFAULT_SYNTHETIC_SPS,
  frequency: DEFAULT_SYNTHETIC_FREQUENCY,
  signal: "iq" as SignalKind,
  format: "f32" as SampleFormat,
  fftSize: 131072,
  audioSps: 12000,
  waterfallSize: 1024,
  modulation: "USB",
  markersPollSeconds: 60,
  sdrListUrl: SDR_LIST_URL,
  /** Per-address sockets when no listener cap is set. */
  perIpSockets: 64,
  limits: {
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
  } as const,
  /** Words masked in chat messages. */
  chatMaskedWords: DEFAULT_CHAT_MASKED_WORDS,
  /**
   * The default receiver (the synthetic band, default window not resolved:
   * pass it through {@link resolveSdrInput}).
   *
   * @returns A fresh input configuration.
   */
  input(): SdrInputConfig {
    return {
      source: { kind: "synthetic" },
      format: "f32",
      sps: DEFAULT_SYNTHETIC_SPS,
      frequency: DEFAULT_SYNTHETIC_FREQUENCY,
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
      defaults: {
        centered: true,
        frequency: DEFAULT_SYNTHETIC_FREQUENCY,
        modulation: "USB",
        mode: "USB",
        l: 0,
        m: 0,
        r: 0,
      },
    };
  },
  /**
   * The default listing.
   *
   * @returns A fresh listing configuration.
   */
  listing(): SdrListingConfig {
    return {
      registerOnline: false,
      registerUrls: [SDR_LIST_URL],
      name: "PhantomSDR+",
      antenna: "N/A",
      gridLocator: "-",
      hostname: "",
      operator: "Anonymous",
      email: "",
      callsignLookupUrl: "",
      chatEnabled: true,
    };
  },
} as const;

/**
 * Per-address sockets from sv1btl's rule: `per_ip_sockets` when above 0,
 * otherwise `per_ip · 4 + 4` when a listener cap is set, otherwise
 * {@link SDR_DEFAULTS}`.perIpSockets` (64), or 0 (off) when
 * `per_ip_sockets = 0` was written with no listener cap.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { perIpSockets } from "./service_config.ts";
 *
 * equal(perIpSockets(3, undefined), 16);
 * equal(perIpSockets(0, undefined), 64);
 * equal(perIpSockets(3, 10), 10);
 * equal(perIpSockets(0, 0), 0);
 * ```
 *
 * @param listeners `per_ip` (0 = no listener cap).
 * @param sockets `per_ip_sockets` as written, if it was.
 * @returns The socket cap (0 = off).
 */
export function perIpSockets(
  listeners: number,
  sockets: number | undefined,
): number {
  if (sockets !== undefined && sockets > 0) return sockets;
  if (listeners > 0) return listeners * 4 + 4;
  return sockets === 0 ? 0 : SDR_DEFAULTS.perIpSockets;
}

/**
 * The configuration used without a configuration file: the synthetic band
 * with every default (see {@link SDR_DEFAULTS}).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { defaultSdrServiceConfig } from "./service_config.ts";
 *
 * const config = defaultSdrServiceConfig();
 * equal(config.format, "defaults");
 * equal(config.input.defaults.frequency, 7_100_000);
 * equal(config.input.defaults.m, 65536);
 * ```
 *
 * @returns The configuration.
 */
export function defaultSdrServiceConfig(): SdrServiceConfig {
  const resolved = resolveSdrInput(SDR_DEFAULTS.input());
  return {
    format: "defaults",
    server: {
      bind: SDR_DEFAULTS.bind,
      port: SDR_DEFAULTS.port,
      otherUsers: SDR_DEFAULTS.otherUsers,
      threads: SDR_DEFAULTS.threads,
      trustForwardedFor: SDR_DEFAULTS.trustForwardedFor,
    },
    listing: SDR_DEFAULTS.listing(),
    limits: {
      audio: SDR_DEFAULTS.limits.audio,
      waterfall: SDR_DEFAULTS.limits.waterfall,
      events: SDR_DEFAULTS.limits.events,
      perIp: { ...SDR_DEFAULTS.limits.perIp },
    },
    chat: { maskedWords: [...SDR_DEFAULTS.chatMaskedWords] },
    input: resolved.input,
    notes: [],
  };
}
