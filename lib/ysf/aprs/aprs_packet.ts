/**
 * The APRS position packet for a station whose radio reported GPS, in TNC2
 * text, laid out as pYSFReflector3's `ysfaprs.aprs_string` builds it except
 * that the comment names shack instead of pYSFReflector:
 *
 * ```
 * CALL-10>APRS,TCPIP*:@DDHHMMzDDMM.mmN/DDDMM.mmE>YSF#12345 via shack FTM-300D
 * ```
 *
 * with the symbol (table `/`; `[` jogger, `>` car, `-` house) and the model
 * name taken from the Yaesu radio code, latitude and longitude formatted like
 * aprslib `latitude_to_ddm` / `longitude_to_ddm`, and the UTC day, hour and
 * minute of the moment it is built.
 *
 * @module
 */

/**
 * The APRS symbol and model name of a Yaesu radio code.
 *
 * @example A known model
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { yaesuRadioModel, type YaesuRadioModel } from "./aprs_packet.ts";
 *
 * const model: YaesuRadioModel = yaesuRadioModel(0x31);
 * deepEqual(model, { model: "FTM-300D", symbol: ">", known: true });
 * ```
 */
export interface YaesuRadioModel {
  /** The model name, or `<0x..>` (the code in lower-case hex) if unknown. */
  model: string;
  /** The APRS symbol code in the primary table: `[` handheld, `>` mobile, `-` fixed. */
  symbol: string;
  /** Whether the code is in the table. */
  known: boolean;
}

/**
 * The radio codes pYSFReflector3 knows (`ysfaprs.py`, HEAD), with their
 * model names and symbols.
 *
 * @example Looking a code up
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { YAESU_RADIO_MODELS } from "./aprs_packet.ts";
 *
 * equal(YAESU_RADIO_MODELS.get(0x2b)?.model, "FT-70D");
 * equal(YAESU_RADIO_MODELS.size, 17);
 * ```
 */
export const YAESU_RADIO_MODELS: ReadonlyMap<
  number,
  { readonly model: string; readonly symbol: string }
> = new Map([
  [0x20, { model: "DR-2X", symbol: "-" }],
  [0x24, { model: "FT-1D", symbol: "[" }],
  [0x25, { model: "FTM-400D", symbol: ">" }],
  [0x26, { model: "DR-1X", symbol: "-" }],
  [0x27, { model: "FT-991A", symbol: "-" }],
  [0x28, { model: "FT-2D", symbol: "[" }],
  [0x29, { model: "FTM-100D", symbol: ">" }],
  [0x2a, { model: "FTM-3200D", symbol: ">" }],
  [0x2b, { model: "FT-70D", symbol: "[" }],
  [0x2d, { model: "FTM-3207D", symbol: ">" }],
  [0x2e, { model: "FTM-7250D", symbol: ">" }],
  [0x30, { model: "FT-3D", symbol: "[" }],
  [0x31, { model: "FTM-300D", symbol: ">" }],
  [0x32, { model: "FTM-200D", symbol: ">" }],
  [0x33, { model: "FT-5D", symbol: "[" }],
  [0x34, { model: "FTM-500D", symbol: ">" }],
  [0x35, { model: "FTM-510D", symbol: ">" }],
]);

/**
 * The model name and APRS symbol of a Yaesu radio code; unknown codes give
 * `<0x..>` (Python `hex()`) and the jogger symbol `[`, as pYSFReflector3.
 *
 * @param code The radio code (byte 4 of the GPS data).
 * @returns The model.
 *
 * @example An unknown code
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { yaesuRadioModel } from "./aprs_packet.ts";
 *
 * deepEqual(yaesuRadioModel(0x3f), { model: "<0x3f>", symbol: "[", known: false });
 * deepEqual(yaesuRadioModel(0), { model: "<0x0>", symbol: "[", known: false });
 * ```
 */
export function yaesuRadioModel(code: number): YaesuRadioModel {
  const entry = YAESU_RADIO_MODELS.get(code);
  if (entry !== undefined) return { ...entry, known: true };
  return { model: `<0x${code.toString(16)}>`, symbol: "[", known: false };
}

const TEN_98 = 10n ** 98n;
const HALF = 5n * 10n ** 97n;

/**
 * `value` (>= 0) rounded to hundredths like Python's `"{:.2f}"` (correctly
 * rounded from the exact binary value, ties to even), as an integer count
 * of hundredths.
 */
function hundredths(value: number): bigint {
  const [whole, fraction] = value.toFixed(100).split(".");
  const scaled = BigInt(whole + fraction);
  let q = scaled / TEN_98;
  const r = scaled % TEN_98;
  if (r > HALF || (r === HALF && q % 2n === 1n)) q++;
  return q;
}

/** Degrees and minutes (`MM.mm`) of `abs(value)`, minutes carried at 60. */
function ddm(value: number): { degrees: number; minutes: string } {
  const magnitude = Math.abs(value);
  let degrees = Math.floor(magnitude);
  let h = hundredths((magnitude - degrees) * 60);
  if (h >= 6000n) {
    // Python would print "60.00"; carry instead (never happens for
    // positions decoded from Yaesu data, whose minutes stop at 59.99).
    degrees++;
    h -= 6000n;
  }
  const text = h.toString().padStart(3, "0");
  const minutes = `${text.slice(0, -2)}.${text.slice(-2)}`.padStart(5, "0");
  return { degrees, minutes };
}

function checkCoordinate(value: number, limit: number, name: string): void {
  if (!Number.isFinite(value) || Math.abs(value) > limit) {
    throw new RangeError(
      `Expected a ${name} in -${limit}..${limit}, found ${value}`,
    );
  }
}

/**
 * Formats a latitude as APRS `DDMM.mmN` / `DDMM.mmS` (aprslib
 * `latitude_to_ddm`).
 *
 * @param latitude Decimal degrees, −90..90.
 * @returns 8 characters.
 * @throws {RangeError} If `latitude` is not a number in −90..90.
 *
 * @example Formatting
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { formatAprsLatitude } from "./aprs_packet.ts";
 *
 * equal(formatAprsLatitude(43.986666666666665), "4359.20N");
 * equal(formatAprsLatitude(-5.5), "0530.00S");
 * ```
 */
export function formatAprsLatitude(latitude: number): string {
  checkCoordinate(latitude, 90, "latitude");
  const { degrees, minutes } = ddm(latitude);
  return `${String(degrees).padStart(2, "0")}${minutes}${
    latitude < 0 ? "S" : "N"
  }`;
}

/**
 * Formats a longitude as APRS `DDDMM.mmE` / `DDDMM.mmW` (aprslib
 * `longitude_to_ddm`).
 *
 * @param longitude Decimal degrees, −180..180.
 * @returns 9 characters.
 * @throws {RangeError} If `longitude` is not a number in −180..180.
 *
 * @example Formatting
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { formatAprsLongitude } from "./aprs_packet.ts";
 *
 * equal(formatAprsLongitude(10.509166666666667), "01030.55E");
 * equal(formatAprsLongitude(-151.2), "15112.00W");
 * ```
 */
export function formatAprsLongitude(longitude: number): string {
  checkCoordinate(longitude, 180, "longitude");
  const { degrees, minutes } = ddm(longitude);
  return `${String(degrees).padStart(3, "0")}${minutes}${
    longitude < 0 ? "W" : "E"
  }`;
}

/**
 * The APRS day-hour-minute timestamp `DDHHMMz` (UTC) of a moment.
 *
 * @param epochMs Milliseconds since 1970-01-01 UTC.
 * @returns 7 characters.
 *
 * @example A timestamp
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { aprsTimestamp } from "./aprs_packet.ts";
 *
 * equal(aprsTimestamp(Date.UTC(2026, 3, 14, 9, 5, 59)), "140905z");
 * ```
 */
export function aprsTimestamp(epochMs: number): string {
  const date = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(date.getUTCDate())}${two(date.getUTCHours())}${
    two(date.getUTCMinutes())
  }z`;
}

/**
 * The callsign pYSFReflector3 reports: the trimmed network source (YSFD
 * bytes 14..23) up to the first `-` or `/`.
 *
 * @param source The talker's callsign as received.
 * @returns The base callsign (may be empty).
 *
 * @example Suffixes go
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { aprsBaseCallsign } from "./aprs_packet.ts";
 *
 * equal(aprsBaseCallsign(" IU5JAE-7  "), "IU5JAE");
 * equal(aprsBaseCallsign("G4ABC/P"), "G4ABC");
 * ```
 */
export function aprsBaseCallsign(source: string): string {
  return source.trim().split(/[-/]/, 1)[0];
}

/**
 * Normalises the `[APRS] ssid` setting: `-0` and the empty string mean no
 * SSID; otherwise `-` and 1..2 letters or digits.
 *
 * @param ssid The setting.
 * @returns The text to append to callsigns.
 * @throws {RangeError} If `ssid` has another form.
 *
 * @example The pYSFReflector3 forms
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { normalizeAprsSsid } from "./aprs_packet.ts";
 *
 * equal(normalizeAprsSsid("-10"), "-10");
 * equal(normalizeAprsSsid("-0"), "");
 * throws(() => normalizeAprsSsid("10"), RangeError);
 * ```
 */
export function normalizeAprsSsid(ssid: string): string {
  if (ssid === "" || ssid === "-0") return "";
  if (!/^-[A-Za-z0-9]{1,2}$/.test(ssid)) {
    throw new RangeError(
      `Expected an SSID like "-10" or "-0" (none), found ${
        JSON.stringify(ssid)
      }`,
    );
  }
  return ssid;
}

/**
 * Formats a reflector id as pYSFReflector3 does in its login and comment
 * (`str(id).zfill(5)`).
 *
 * @param id The reflector id, an integer in 0..999999.
 * @returns At least 5 digits.
 * @throws {RangeError} If `id` is out of range.
 *
 * @example Zero padding
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { formatReflectorId } from "./aprs_packet.ts";
 *
 * equal(formatReflectorId(4296), "04296");
 * ```
 */
export function formatReflectorId(id: number): string {
  if (!Number.isInteger(id) || id < 0 || id > 999_999) {
    throw new RangeError(`Expected a reflector id in 0..999999, found ${id}`);
  }
  return String(id).padStart(5, "0");
}

/**
 * One station's position to report.
 *
 * @example A report
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { AprsPositionReport } from "./aprs_packet.ts";
 *
 * const report: AprsPositionReport = {
 *   source: "IU5JAE", latitude: 44, longitude: 10.5, radioCode: 0x31,
 * };
 * equal(report.source, "IU5JAE");
 * ```
 */
export interface AprsPositionReport {
  /** The talker as received (YSFD bytes 14..23); suffixes are cut. */
  source: string;
  /** Decimal degrees, −90..90. */
  latitude: number;
  /** Decimal degrees, −180..180. */
  longitude: number;
  /** The radio code; default 0 (shown as `<0x0>`, as pYSF3 does). */
  radioCode?: number;
}

/**
 * Options of {@link buildAprsPositionPacket}.
 *
 * @example Options
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { AprsPacketOptions } from "./aprs_packet.ts";
 *
 * const options: AprsPacketOptions = { reflectorId: 90123, ssid: "-10" };
 * equal(options.reflectorId, 90123);
 * ```
 */
export interface AprsPacketOptions {
  /** The reflector id shown in the comment (`YSF#<id>`). */
  reflectorId: number;
  /** Appended to the callsign (`-10`; `-0` or empty for none). Default none. */
  ssid?: string;
  /** The clock for the timestamp (epoch ms). Default `Date.now`. */
  now?: () => number;
}

/** Callsigns APRS-IS accepts as a source here: 3..9 letters or digits. */
const CALLSIGN = /^[A-Za-z0-9]{3,9}$/;

/**
 * Builds the TNC2 text of a position packet exactly as pYSFReflector3
 * (`aprs_string`), without the line end.
 *
 * One deliberate difference: pYSF3 builds a packet for any base callsign of
 * 3 or more characters; this returns `undefined` unless it is 3..9 letters
 * and digits (a space or punctuation would make a line APRS-IS drops).
 *
 * @param report The station and its position.
 * @param options The reflector id, the SSID and the clock.
 * @returns The packet text, or `undefined` if the callsign is unusable.
 * @throws {RangeError} If the position is out of range, or the SSID or
 * reflector id are malformed.
 *
 * @example pYSFReflector3's own example (`aprs_string('IU5JAE', 44.0, 10.5, 0x31, '90123')`)
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildAprsPositionPacket } from "./aprs_packet.ts";
 *
 * const packet = buildAprsPositionPacket(
 *   { source: "IU5JAE", latitude: 44, longitude: 10.5, radioCode: 0x31 },
 *   { reflectorId: 90123, ssid: "-10", now: () => Date.UTC(2026, 3, 14, 9, 5) },
 * );
 * equal(
 *   packet,
 *   "IU5JAE-10>APRS,TCPIP*:@140905z4400.00N/01030.00E>YSF#90123 via shack FTM-300D",
 * );
 * ```
 */
export function buildAprsPositionPacket(
  report: AprsPositionReport,
  options: AprsPacketOptions,
): string | undefined {
  const latitude = formatAprsLatitude(report.latitude);
  const longitude = formatAprsLongitude(report.longitude);
  const ssid = normalizeAprsSsid(options.ssid ?? "");
  const id = formatReflectorId(options.reflectorId);
  const call = aprsBaseCallsign(report.source);
  if (!CALLSIGN.test(call)) return undefined;
  const { model, symbol } = yaesuRadioModel(report.radioCode ?? 0);
  const time = aprsTimestamp((options.now ?? Date.now)());
  return `${call}${ssid}>APRS,TCPIP*:@${time}${latitude}/${longitude}${symbol}YSF#${id} via shack ${model}`;
}
