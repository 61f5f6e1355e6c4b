/**
 * The settings JSON that is the first (text) frame on `/audio` and
 * `/waterfall` (sdr-phantomsdr.md §2.3). The frontend parses the first
 * message as JSON and only then switches to its binary handler, so this
 * must be sent before any binary frame.
 *
 * Keys are written in sorted order, as PhantomSDR's `glz::json_t` (a
 * `std::map`) writes them. The Plus fields (`grid_locator`, `smeter_offset`,
 * `markers`, `analog_smeter_offset`, `client_id`) are written only when given;
 * `smeter_offset` should always be given for Plus frontends (Steven's v2
 * crashes without it).
 *
 * @module
 */

/** `defaults` of the settings JSON: the window a new client starts with. */
export interface SettingsDefaults {
  /** Default dial frequency in Hz. */
  frequency: number;
  /** Upper-case mode from the config: USB, LSB, AM, SAM, FM, WBFM… */
  modulation: string;
  /** Window start bin (integer). */
  l: number;
  /** Carrier bin (fractional). */
  m: number;
  /** Window end bin (integer). */
  r: number;
}

/** Fields of the settings JSON (camelCase here, snake_case on the wire). */
export interface SettingsJsonOptions {
  /** `sps`: input sample rate. */
  sps: number;
  /** `audio_max_sps`: `[input] audio_sps`. */
  audioMaxSps: number;
  /** `audio_max_fft`: bins per audio IFFT (`audio_fft_size`). */
  audioMaxFft: number;
  /** `fft_size`: N. */
  fftSize: number;
  /** `fft_result_size`: usable bins, N (IQ) or N/2 (real). */
  fftResultSize: number;
  /** `waterfall_size`: target line width. */
  waterfallSize: number;
  /** `basefreq`: Hz of bin 0. */
  basefreq: number;
  /** `total_bandwidth`: sps (IQ) or sps/2 (real). */
  totalBandwidth: number;
  /** `defaults`. */
  defaults: SettingsDefaults;
  /** `waterfall_compression` (default "zstd"). */
  waterfallCompression?: string;
  /** `audio_compression` (default "flac"). */
  audioCompression?: string;
  /** Plus: `grid_locator`. */
  gridLocator?: string;
  /** Plus: `smeter_offset` in dB (integer). */
  smeterOffset?: number;
  /** Plus: `markers`, a string holding `{"markers":[…]}` JSON. */
  markers?: string;
  /** sv1btl: `analog_smeter_offset` (integer). */
  analogSmeterOffset?: number;
  /** sv1btl: `client_id`, the audio client's id (only on `/audio`). */
  clientId?: string;
}

function integer(name: string, value: number): number {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`Expected "${name}" to be an integer, found ${value}`);
  }
  return value;
}

function finite(name: string, value: number): number {
  if (!Number.isFinite(value)) {
    throw new RangeError(
      `Expected "${name}" to be a finite number, found ${value}`,
    );
  }
  return value;
}

/**
 * Builds the settings JSON text frame.
 *
 * @param options The receiver's settings.
 * @returns The JSON text (keys sorted).
 * @throws {RangeError} If an integer field is not a safe integer or `m`
 * is not finite (JSON would turn it into `null` and break the frontend).
 *
 * @example RTL-SDR at 2.048 MS/s, USB at 7.074 MHz
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { buildSettingsJson } from "./settings_json.ts";
 *
 * const json = buildSettingsJson({
 *   sps: 2048000, audioMaxSps: 12000, audioMaxFft: 768, fftSize: 131072,
 *   fftResultSize: 131072, waterfallSize: 1024, basefreq: 6076000,
 *   totalBandwidth: 2048000,
 *   defaults: { frequency: 7074000, modulation: "USB", l: 63872, m: 63872, r: 64064 },
 * });
 * deepEqual(Object.keys(JSON.parse(json)), [
 *   "audio_compression", "audio_max_fft", "audio_max_sps", "basefreq", "defaults",
 *   "fft_result_size", "fft_size", "sps", "total_bandwidth",
 *   "waterfall_compression", "waterfall_size",
 * ]);
 * deepEqual(JSON.parse(json).defaults.m, 63872);
 * ```
 */
export function buildSettingsJson(options: SettingsJsonOptions): string {
  const { defaults } = options;
  const settings: Record<string, unknown> = {};
  if (options.analogSmeterOffset !== undefined) {
    settings.analog_smeter_offset = integer(
      "analog_smeter_offset",
      options.analogSmeterOffset,
    );
  }
  settings.audio_compression = options.audioCompression ?? "flac";
  settings.audio_max_fft = integer("audio_max_fft", options.audioMaxFft);
  settings.audio_max_sps = integer("audio_max_sps", options.audioMaxSps);
  settings.basefreq = integer("basefreq", options.basefreq);
  if (options.clientId !== undefined) settings.client_id = options.clientId;
  settings.defaults = {
    frequency: integer("defaults.frequency", defaults.frequency),
    l: integer("defaults.l", defaults.l),
    m: finite("defaults.m", defaults.m),
    modulation: defaults.modulation,
    r: integer("defaults.r", defaults.r),
  };
  settings.fft_result_size = integer("fft_result_size", options.fftResultSize);
  settings.fft_size = integer("fft_size", options.fftSize);
  if (options.gridLocator !== undefined) {
    settings.grid_locator = options.gridLocator;
  }
  if (options.markers !== undefined) settings.markers = options.markers;
  if (options.smeterOffset !== undefined) {
    settings.smeter_offset = integer("smeter_offset", options.smeterOffset);
  }
  settings.sps = integer("sps", options.sps);
  settings.total_bandwidth = integer("total_bandwidth", options.totalBandwidth);
  settings.waterfall_compression = options.waterfallCompression ?? "zstd";
  settings.waterfall_size = integer("waterfall_size", options.waterfallSize);
  return JSON.stringify(settings);
}
