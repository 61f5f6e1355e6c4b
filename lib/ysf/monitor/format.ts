/**
 * Pure formatting of reflector events and snapshots into what existing
 * monitoring tools read: pYSFReflector3's JSON monitor objects (flat, every
 * value a string, times `YYYY-MM-DD HH:MM:SS.mmm` UTC; read by collector3)
 * and the G4KLX / pYSFReflector3 log lines (`M: YYYY-MM-DD HH:MM:SS.mmm
 * text`; read by the dg9vh YSFReflector-Dashboard).
 *
 * Formats follow pYSFReflector3 `YSFReflector` (iu5jae/pYSFReflector3,
 * version 20240210: `json_recv`, `ElencoNodi`, `TimeoutTX`, `RunServer`)
 * and G4KLX `YSFReflector.cpp` / `Log.cpp` (g4klx/YSFClients,
 * nostar/DVReflectors). Deliberate differences: JSON is built with
 * `JSON.stringify` (pYSFReflector3 concatenates strings without escaping),
 * ports are printed in host byte order (G4KLX prints them byte-swapped),
 * IPv6 addresses are printed in brackets, and control characters in log
 * text are shown as `<code>` (as pYSFReflector3 does) so a callsign cannot
 * forge a log line.
 *
 * @module
 */

import type { ReflectorEvent } from "../reflector/events.ts";
import type { Vd2Change } from "../aprs/vd2_collector.ts";
import type {
  ClientSnapshot,
  ReflectorSnapshot,
} from "../reflector/snapshot.ts";
import type { TempBlock } from "../reflector/protections.ts";
import type { RoomHold } from "../reflector/rooms.ts";

/**
 * One pYSFReflector3 monitor message: a flat object whose first key names
 * its kind (`system`, `stream_start`, `linked`, …) and whose values are all
 * strings. collector3 dispatches on the first key, so key order matters;
 * `JSON.stringify` keeps it.
 *
 * @example A stream end
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { MonitorMessage } from "./format.ts";
 *
 * const message: MonitorMessage = { stream_end: "0012345", type: "TC", time: "2024-05-01 12:00:00.000" };
 * equal(Object.keys(message)[0], "stream_end");
 * ```
 */
export type MonitorMessage = Record<string, string>;

/**
 * The style of log lines:
 *
 * - `g4klx`: only the lines G4KLX YSFReflector writes (`Adding`,
 *   `Removing`, `Received data from`, `Data from … blocked`, `Received end
 *   of transmission`, `Network watchdog has expired`, the linked-list
 *   dump), exactly as the dg9vh dashboard expects them.
 * - `pysf3`: pYSFReflector3's lines: `<stream id>` prefixes, `FICH-Data`,
 *   `DG-ID` suffixes, `blocked/REASON`, room changes, temporary blocks.
 *
 * @example Choosing a style
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { LogStyle } from "./format.ts";
 *
 * const style: LogStyle = "pysf3";
 * equal(style, "pysf3");
 * ```
 */
export type LogStyle = "g4klx" | "pysf3";

/**
 * What the `system` message tells a monitor client about the reflector.
 *
 * @example A reflector
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { MonitorSystemInfo } from "./format.ts";
 *
 * const info: MonitorSystemInfo = { name: "SHACK", description: "Test", statusId: "12345", version: "shack 1.0.0" };
 * equal(info.statusId, "12345");
 * ```
 */
export interface MonitorSystemInfo {
  /** Reflector name (`REF_NAME`). */
  name: string;
  /** Description (`REF_DESC`). */
  description: string;
  /** The 5-digit status id (`REF_ID`). */
  statusId: string;
  /** Version text (`ver`). */
  version: string;
  /** Whether APRS positions are sent (`APRS_EN`) [false]. */
  aprsEnabled?: boolean;
  /** APRS SSID, e.g. `-10` (`APRS_SSID`) [""]. */
  aprsSsid?: string;
  /** Contact (`contact`) [""]. */
  contact?: string;
  /** Web address (`web`) [""]. */
  web?: string;
  /** The local room, 0 = none (`dgid_loc`) [0]. */
  localDgid?: number;
  /** The default room (`dgid_def`) [0]. */
  defaultDgid?: number;
  /** Allowed DG-IDs (`dgid_list`, printed as a Python list) [none]. */
  dgidList?: readonly number[];
}

/**
 * What {@link toMonitorMessages} needs besides the event.
 *
 * @example A context
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { MonitorContext } from "./format.ts";
 *
 * const context: MonitorContext = { now: Date.UTC(2024, 4, 1), streamIdSalt: 42 };
 * equal(context.streamIdSalt, 42);
 * ```
 */
export interface MonitorContext {
  /** Wall-clock ms, the `time` of events that carry none (`blocked`). */
  now: number;
  /** Salt of {@link monitorStreamId}, 0..9 999 999. */
  streamIdSalt: number;
}

/**
 * Options of the log-line formatters.
 *
 * @example pYSFReflector3 lines
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { LogFormatOptions } from "./format.ts";
 *
 * const options: LogFormatOptions = { style: "pysf3", streamIdSalt: 7 };
 * equal(options.style, "pysf3");
 * ```
 */
export interface LogFormatOptions {
  /** Line style ["g4klx"]. */
  style?: LogStyle;
  /** Salt of the `<stream id>` of `pysf3` lines (see {@link monitorStreamId}) [0]. */
  streamIdSalt?: number;
  /** The client expiry shown in dumps (`t/60`), seconds [60]. */
  clientExpirySeconds?: number;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Formats wall-clock milliseconds as `YYYY-MM-DD HH:MM:SS.mmm` in UTC, the
 * time format of pYSFReflector3's monitor messages and of both peers' logs.
 *
 * @param ms Milliseconds since the epoch.
 * @returns The text.
 *
 * @example Formatting
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { formatUtcMillis } from "./format.ts";
 *
 * equal(formatUtcMillis(Date.UTC(2024, 4, 1, 9, 5, 7, 42)), "2024-05-01 09:05:07.042");
 * ```
 */
export function formatUtcMillis(ms: number): string {
  const d = new Date(Math.floor(ms));
  const millis = d.getUTCMilliseconds();
  return `${formatUtcSeconds(ms)}.${
    millis < 10 ? `00${millis}` : millis < 100 ? `0${millis}` : millis
  }`;
}

/**
 * Formats wall-clock milliseconds as `YYYY-MM-DD HH:MM:SS` in UTC (the
 * `CF` and `TR` fields of the periodic dumps).
 *
 * @param ms Milliseconds since the epoch.
 * @returns The text.
 *
 * @example Formatting
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { formatUtcSeconds } from "./format.ts";
 *
 * equal(formatUtcSeconds(Date.UTC(2024, 11, 31, 23, 59, 59, 999)), "2024-12-31 23:59:59");
 * ```
 */
export function formatUtcSeconds(ms: number): string {
  const d = new Date(Math.floor(ms));
  return `${formatUtcDate(ms)} ${pad2(d.getUTCHours())}:${
    pad2(d.getUTCMinutes())
  }:${pad2(d.getUTCSeconds())}`;
}

/**
 * Formats wall-clock milliseconds as the UTC date `YYYY-MM-DD` (the date
 * of daily log file names).
 *
 * @param ms Milliseconds since the epoch.
 * @returns The text.
 *
 * @example Formatting
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { formatUtcDate } from "./format.ts";
 *
 * equal(formatUtcDate(Date.UTC(2024, 0, 2, 23, 59)), "2024-01-02");
 * ```
 */
export function formatUtcDate(ms: number): string {
  const d = new Date(Math.floor(ms));
  const year = d.getUTCFullYear();
  const y = year >= 0 && year < 10000
    ? String(year).padStart(4, "0")
    : String(year);
  return `${y}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

const STREAM_ID_MODULUS = 10_000_000;
/** Odd and not a multiple of 5: a bijection on 0..9 999 999. */
const STREAM_ID_MULTIPLIER = 7_340_033;

/**
 * The 7-digit stream id pYSFReflector3 shows (it draws a random number in
 * 0..9 999 999 per stream), derived from the reflector's increasing stream
 * id: `(id × 7 340 033 + salt) mod 10⁷`, zero-padded. Stateless and
 * deterministic for a given salt (draw the salt once at start-up from a
 * random source); 10⁷ consecutive ids never collide.
 *
 * @param id The reflector's stream id (an integer >= 0).
 * @param salt An integer in 0..9 999 999.
 * @returns Seven digits.
 *
 * @example Ids
 * ```ts
 * import { equal, notEqual } from "node:assert/strict";
 * import { monitorStreamId } from "./format.ts";
 *
 * equal(monitorStreamId(1, 0), "7340033");
 * equal(monitorStreamId(0, 42), "0000042");
 * notEqual(monitorStreamId(2, 42), monitorStreamId(3, 42));
 * ```
 */
export function monitorStreamId(id: number, salt: number): string {
  const i = ((Math.trunc(id) % STREAM_ID_MODULUS) + STREAM_ID_MODULUS) %
    STREAM_ID_MODULUS;
  const s = ((Math.trunc(salt) % STREAM_ID_MODULUS) + STREAM_ID_MODULUS) %
    STREAM_ID_MODULUS;
  return String((i * STREAM_ID_MULTIPLIER + s) % STREAM_ID_MODULUS).padStart(
    7,
    "0",
  );
}

/**
 * Draws a stream-id salt (0..9 999 999) from a random source returning
 * numbers in [0, 1), such as `Math.random`.
 *
 * @param random The random source.
 * @returns The salt.
 *
 * @example A fixed source
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { streamIdSalt } from "./format.ts";
 *
 * equal(streamIdSalt(() => 0.5), 5_000_000);
 * ```
 */
export function streamIdSalt(random: () => number): number {
  const r = random();
  if (!Number.isFinite(r)) return 0;
  return Math.min(
    STREAM_ID_MODULUS - 1,
    Math.max(0, Math.floor(r * STREAM_ID_MODULUS)),
  );
}

/** Python's `str(n).zfill(width)`: zeros after the sign. */
function zfill(n: number, width: number): string {
  const text = String(n);
  const negative = text.startsWith("-");
  const digits = negative ? text.slice(1) : text;
  const padded = digits.padStart(width - (negative ? 1 : 0), "0");
  return negative ? `-${padded}` : padded;
}

/** Python's `bool` text. */
function py(flag: boolean): string {
  return flag ? "True" : "False";
}

/** `s.ljust(10)`: padded, never cut. */
function ljust10(s: string): string {
  return s.padEnd(10, " ");
}

/** C's `%10.10s` of a YSF callsign field; G4KLX shows a blank one as `??????????`. */
function field10(s: string): string {
  return s === "" ? "??????????" : s.padEnd(10, " ").slice(0, 10);
}

/** An address for `ip:port` text: IPv6 in brackets. */
function hostText(address: string): string {
  return address.includes(":") ? `[${address}]` : address;
}

/** `ip:port`, IPv6 in brackets. */
function endpoint(address: string, port: number): string {
  return `${hostText(address)}:${port}`;
}

/** The room a monitor shows for a stream: its DG-ID, or −(client id) in the local room, as pYSFReflector3. */
function streamDgid(room: number, local: boolean, clientId: number): number {
  return local ? -clientId : room;
}

/**
 * The `system` message a monitor client receives after `CONNREQ`.
 *
 * @param info The reflector's identity and room settings.
 * @returns The message.
 *
 * @example A system message
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { toSystemMessage } from "./format.ts";
 *
 * deepEqual(
 *   toSystemMessage({ name: "SHACK", description: "Test", statusId: "01234", version: "shack 1.0.0", dgidList: [1, 9, 50], defaultDgid: 50, localDgid: 1 }),
 *   {
 *     system: "pYSFReflector3", ver: "shack 1.0.0", REF_ID: "01234", REF_NAME: "SHACK", REF_DESC: "Test",
 *     APRS_EN: "0", APRS_SSID: "", contact: "", web: "", dgid_loc: "1", dgid_def: "50", dgid_list: "[1, 9, 50]",
 *   },
 * );
 * ```
 */
export function toSystemMessage(info: MonitorSystemInfo): MonitorMessage {
  return {
    system: "pYSFReflector3",
    ver: info.version,
    REF_ID: info.statusId,
    REF_NAME: info.name,
    REF_DESC: info.description,
    APRS_EN: info.aprsEnabled ? "1" : "0",
    APRS_SSID: info.aprsSsid ?? "",
    contact: info.contact ?? "",
    web: info.web ?? "",
    dgid_loc: String(info.localDgid ?? 0),
    dgid_def: String(info.defaultDgid ?? 0),
    dgid_list: `[${(info.dgidList ?? []).join(", ")}]`,
  };
}

/** Python's `str(float)`: integral values keep a `.0`. */
function pyFloat(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/**
 * The monitor message for what a stream's V/D mode 2 data channel
 * revealed, as pYSFReflector3 sends it while the stream runs:
 * `stream_id01` (`Rem1+2`, the raw 10 characters), `stream_id02`
 * (`Rem3+4`), `stream_id03` (`radio_code`) and `stream_id04` (`latitude`,
 * `longitude` as Python prints floats).
 *
 * @param streamId The reflector's stream id.
 * @param change What the data channel changed (from a `Vd2Collector`).
 * @param salt The monitor's stream-id salt.
 * @returns The message.
 *
 * @example Rem1+2 of a stream
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { monitorStreamId, toVd2MonitorMessage } from "./format.ts";
 *
 * deepEqual(
 *   toVd2MonitorMessage(3, { type: "rem12", text: "17733", raw: "17733     " }, 0),
 *   { stream_id01: monitorStreamId(3, 0), "Rem1+2": "17733     " },
 * );
 * ```
 */
export function toVd2MonitorMessage(
  streamId: number,
  change: Vd2Change,
  salt: number,
): MonitorMessage {
  const id = monitorStreamId(streamId, salt);
  switch (change.type) {
    case "rem12":
      return { stream_id01: id, "Rem1+2": change.raw };
    case "rem34":
      return { stream_id02: id, "Rem3+4": change.raw };
    case "radio-code":
      return { stream_id03: id, radio_code: String(change.radioCode) };
    case "position":
      return {
        stream_id04: id,
        latitude: pyFloat(change.position.latitude),
        longitude: pyFloat(change.position.longitude),
      };
  }
}

/**
 * The monitor messages of one reflector event, as pYSFReflector3 sends
 * them:
 *
 * - `stream-start` → `stream_start` (id, call, target, gw, dgid, time and
 *   the header's FICH fields CS, CM, FT, Dev, MR, VoIP, DT, SQL, SQC;
 *   empty strings in single-room mode, which decodes no FICH), then
 *   `stream_id05` (header callsigns dst, src, uplink, downlink) when the
 *   header was decoded;
 * - `stream-end` → `stream_end` with type `TC` (terminator or end flag) or
 *   `WD` (watchdog, client gone, late block); a TOT cut gives
 *   `stream_timeout` (CS = the talker) instead. pYSFReflector3's `TD`
 *   (the PTT that switched rooms) never occurs: that PTT opens no stream;
 * - `blocked` → `blocked` with BR = DT, GW, IP, SN or CS (a temporary
 *   block is reported as CS, as pYSFReflector3 does);
 * - links, unlinks, room changes, dropped transmissions and temporary
 *   blocks → nothing (they appear in the periodic dumps,
 *   {@link toDumpMessages}).
 *
 * @param event The event.
 * @param context The clock and the stream-id salt.
 * @returns The messages, in sending order (possibly none).
 *
 * @example A stream end
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { monitorStreamId, toMonitorMessages } from "./format.ts";
 *
 * const client = { id: 1, callsign: "GW1", address: "192.0.2.1", port: 42000, via: "main", room: 50, hold: "dynamic" as const };
 * const stream = {
 *   id: 3, room: 50, local: false, client, gateway: "GW1", source: "G4ABC", destination: "ALL",
 *   startedAt: 0, fich: undefined, header: undefined,
 * };
 * const end = Date.UTC(2024, 4, 1, 12);
 * deepEqual(
 *   toMonitorMessages(
 *     { type: "stream-end", stream, reason: "terminator", endedAt: end, durationMs: end, frames: 10 },
 *     { now: end, streamIdSalt: 0 },
 *   ),
 *   [{ stream_end: monitorStreamId(3, 0), type: "TC", time: "2024-05-01 12:00:00.000" }],
 * );
 * ```
 */
export function toMonitorMessages(
  event: ReflectorEvent,
  context: MonitorContext,
): MonitorMessage[] {
  switch (event.type) {
    case "stream-start": {
      const s = event.stream;
      const id = monitorStreamId(s.id, context.streamIdSalt);
      const dest = s.header?.destination ?? "";
      const target = dest.trim() === "" || dest === "**********"
        ? ljust10(s.destination)
        : ljust10(dest);
      const f = s.fich;
      const out: MonitorMessage[] = [{
        stream_start: id,
        call: s.source,
        target,
        gw: s.gateway,
        dgid: zfill(streamDgid(s.room, s.local, s.client.id), 2),
        time: formatUtcMillis(s.startedAt),
        CS: f ? String(f.cs) : "",
        CM: f ? String(f.cm) : "",
        FT: f ? String(f.ft) : "",
        Dev: f ? py(f.dev) : "",
        MR: f ? String(f.mr & 3) : "",
        VoIP: f ? py(f.voip) : "",
        DT: f ? String(f.dt) : "",
        SQL: f ? py(f.sql) : "",
        SQC: f ? String(f.dgid) : "",
      }];
      if (s.header !== undefined) {
        out.push({
          stream_id05: id,
          dst: s.header.destination ?? "",
          src: s.header.source ?? "",
          uplink: s.header.uplink ?? "",
          downlink: s.header.downlink ?? "",
        });
      }
      return out;
    }
    case "stream-end": {
      const id = monitorStreamId(event.stream.id, context.streamIdSalt);
      const time = formatUtcMillis(event.endedAt);
      if (event.reason === "timeout") {
        return [{ stream_timeout: id, CS: event.stream.source, time }];
      }
      const type = event.reason === "terminator" || event.reason === "end-flag"
        ? "TC"
        : "WD";
      return [{ stream_end: id, type, time }];
    }
    case "blocked":
      return [{
        blocked: "-1",
        CS: ljust10(event.source),
        GW: ljust10(event.gateway),
        BR: event.reason === "TEMP" ? "CS" : event.reason,
        time: formatUtcMillis(context.now),
      }];
    default:
      return [];
  }
}

function tHold(hold: RoomHold): string {
  return hold === "static" ? "-1" : hold === "fixed" ? "-2" : "0";
}

function secondsSince(now: number, then: number): number {
  return Math.max(0, Math.floor((now - then) / 1000));
}

function blockReason(block: TempBlock): string {
  return block.reason === "timeout" ? "RCT" : "RCW";
}

/**
 * The periodic (every 120 s) dump pYSFReflector3 sends: one `linked`
 * message per client (`linked` = its position, `TC` = seconds since its
 * last poll, `CF` = linked since, `LO` = listen-only or locked, `LK` =
 * locked, `DGID`, `T_HOLD` 0 dynamic / −1 static / −2 fixed, back-to-home
 * room and time-out in seconds, `BTH_TCORR` always 0: the snapshot does
 * not carry the time away from home), then `total_linked` (or a lone
 * `{"linked": "0"}` when no client is linked); then one `blk_time`
 * message per temporary block (`BR` RCT = time-out, RCW = wild PTT, `TR` =
 * when it ends) and `total_blk_time`.
 *
 * @param snapshot The reflector's state; its `time` is "now".
 * @returns The messages, in sending order.
 *
 * @example An idle reflector
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { YsfReflectorCore } from "../reflector/reflector.ts";
 * import { toDumpMessages } from "./format.ts";
 *
 * const core = new YsfReflectorCore({ name: "R", now: () => 0 }, { send() {} });
 * deepEqual(toDumpMessages(core.snapshot()), [{ linked: "0" }, { total_blk_time: "0" }]);
 * ```
 */
export function toDumpMessages(snapshot: ReflectorSnapshot): MonitorMessage[] {
  const out: MonitorMessage[] = [];
  const now = snapshot.time;
  if (snapshot.clients.length === 0) {
    out.push({ linked: "0" });
  } else {
    snapshot.clients.forEach((c, i) => {
      out.push({
        linked: String(i + 1),
        call: c.callsign,
        IP: c.address,
        port: String(c.port),
        TC: String(secondsSince(now, c.lastPoll)),
        CF: formatUtcSeconds(c.linkedSince),
        LO: c.access === "full" ? "0" : "1",
        LK: c.access === "locked" ? "1" : "0",
        DGID: zfill(c.room, 2),
        T_HOLD: tHold(c.hold),
        BTH_DGID: String(c.home?.dgid ?? 0),
        BTH_TOUT: String(
          c.home === undefined ? 0 : Math.round(c.home.timeoutMs / 1000),
        ),
        BTH_TCORR: "0",
      });
    });
    out.push({ total_linked: String(snapshot.clients.length) });
  }
  snapshot.tempBlocks.forEach((b, i) => {
    out.push({
      blk_time: String(i + 1),
      call: b.callsign,
      BR: blockReason(b),
      TR: formatUtcSeconds(b.until),
    });
  });
  out.push({ total_blk_time: String(snapshot.tempBlocks.length) });
  return out;
}

/**
 * Serialises a monitor message as the datagram text (`JSON.stringify`, so
 * quotes and backslashes in callsigns are escaped).
 *
 * @param message The message.
 * @returns The JSON text.
 *
 * @example Escaping
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { encodeMonitorMessage } from "./format.ts";
 *
 * const text = encodeMonitorMessage({ blocked: "-1", CS: 'A"B\\C' });
 * equal(text, '{"blocked":"-1","CS":"A\\"B\\\\C"}');
 * deepEqual(JSON.parse(text), { blocked: "-1", CS: 'A"B\\C' });
 * ```
 */
export function encodeMonitorMessage(message: MonitorMessage): string {
  return JSON.stringify(message);
}

/**
 * Makes one log line: `M: YYYY-MM-DD HH:MM:SS.mmm text` (UTC), with every
 * character outside printable ASCII shown as `<code>` (pYSFReflector3's
 * `check_string`), so no text can start a line of its own.
 *
 * @param text The message.
 * @param ms Its time, wall-clock ms.
 * @param level The level letter ["M"].
 * @returns The line, without its newline.
 *
 * @example A line
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { formatLogLine } from "./format.ts";
 *
 * equal(formatLogLine("Received end of transmission", Date.UTC(2024, 4, 1)), "M: 2024-05-01 00:00:00.000 Received end of transmission");
 * equal(formatLogLine("A\nB", 0), "M: 1970-01-01 00:00:00.000 A<10>B");
 * ```
 */
export function formatLogLine(text: string, ms: number, level = "M"): string {
  const clean = text.replace(/[^\x20-\x7e]/gu, (c) => `<${c.codePointAt(0)}>`);
  return `${level}: ${formatUtcMillis(ms)} ${clean}`;
}

/**
 * The line written when logging starts. It contains `Starting
 * YSFReflector`, where the dg9vh dashboard resets its gateway lists.
 *
 * @param version shack's version.
 * @returns The message text.
 *
 * @example A start line
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { startLogText } from "./format.ts";
 *
 * equal(startLogText("1.2.3"), "Starting YSFReflector (shack 1.2.3)");
 * ```
 */
export function startLogText(version: string): string {
  return `Starting YSFReflector (shack ${version})`;
}

const NO_COORDS = "coords: 999.000000, 999.000000";

/**
 * The log messages (without the `M: time` prefix, see
 * {@link formatLogLine}) of one reflector event.
 *
 * `g4klx` style (G4KLX YSFReflector 20210824, what the dg9vh dashboard
 * parses; callsign fields as `%10.10s`, a blank field as `??????????`):
 *
 * - link: `Adding GW1ABC     (192.0.2.1:42000)`
 * - unlink: `Removing GW1ABC     (192.0.2.1:42000) unlinked` (`disappeared`
 *   when it expired)
 * - stream start: `Received data from G4ABC      to ALL        at GW1ABC    `
 * - stream end: `Received end of transmission` (terminator, end flag) or
 *   `Network watchdog has expired` (any other end)
 * - blocked: `Data from G4ABC      at GW1ABC     blocked`
 * - nothing for room changes, dropped transmissions, temporary blocks.
 *
 * `pysf3` style (pYSFReflector3): `Adding GW1ABC     (192.0.2.1:42000)
 * DG-ID 50` (after `Static DG-ID (n) via port or gw name` / `via back to
 * home` for static and fixed rooms), `Removing …`, `Changed DG-ID for GW
 * from 50 to 9`, `GW Back to Home at DG-ID 50`, `Static DG-ID (9) via
 * Options for GW`, `<0012345> Received data from G4ABC      to ALL
 * at GW1ABC     FICH-Data: CS:2 | CM:0 | FT:6 | Dev:False | MR:0 |
 * VoIP:True | DT:2 | SQL:False | SQC:50` and `<0012345> Additional
 * information dst:… src:… uplink:… downlink:…`, `<0012345> Received end of
 * transmission coords: 999.000000, 999.000000` (no GPS decoding), `<…>
 * Network watchdog has expired coords: …`, `Timeout G4ABC`, `Data from
 * G4ABC      at GW1ABC     blocked/CS`, `Wild-PTT G4ABC`, `Appended
 * scheduled job: G4ABC/RC at time 2024-05-01 12:30:00`, `Removed from
 * temporary blockeds queue G4ABC`.
 *
 * @param event The event.
 * @param options Style and stream-id salt.
 * @returns The messages (possibly none).
 *
 * @example G4KLX lines
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { toLogLines } from "./format.ts";
 *
 * const client = { id: 1, callsign: "GW1ABC", address: "192.0.2.1", port: 42000, via: "main", room: 0, hold: "dynamic" as const };
 * deepEqual(
 *   toLogLines({ type: "client-linked", client, source: "single-room", access: "full" }),
 *   ["Adding GW1ABC     (192.0.2.1:42000)"],
 * );
 * deepEqual(
 *   toLogLines({ type: "client-unlinked", client, reason: "expired" }),
 *   ["Removing GW1ABC     (192.0.2.1:42000) disappeared"],
 * );
 * ```
 */
export function toLogLines(
  event: ReflectorEvent,
  options: LogFormatOptions = {},
): string[] {
  return options.style === "pysf3"
    ? pysf3Lines(event, options.streamIdSalt ?? 0)
    : g4klxLines(event);
}

function g4klxLines(event: ReflectorEvent): string[] {
  switch (event.type) {
    case "client-linked":
      return [
        `Adding ${ljust10(event.client.callsign)} (${
          endpoint(event.client.address, event.client.port)
        })`,
      ];
    case "client-unlinked":
      return [
        `Removing ${ljust10(event.client.callsign)} (${
          endpoint(event.client.address, event.client.port)
        }) ${event.reason === "unlinked" ? "unlinked" : "disappeared"}`,
      ];
    case "stream-start": {
      const s = event.stream;
      return [
        `Received data from ${field10(s.source)} to ${
          field10(s.destination)
        } at ${field10(s.gateway)}`,
      ];
    }
    case "stream-end":
      return [
        event.reason === "terminator" || event.reason === "end-flag"
          ? "Received end of transmission"
          : "Network watchdog has expired",
      ];
    case "blocked":
      return [
        `Data from ${field10(event.source)} at ${
          field10(event.gateway)
        } blocked`,
      ];
    default:
      return [];
  }
}

function pysf3Lines(event: ReflectorEvent, salt: number): string[] {
  switch (event.type) {
    case "client-linked": {
      const c = event.client;
      const out: string[] = [];
      if (event.source === "aux-port" || event.source === "suffix") {
        out.push(`Static DG-ID (${c.room}) via port or gw name`);
      } else if (event.source === "home-fixed") {
        out.push(`Static DG-ID (${c.room}) via back to home`);
      }
      out.push(
        `Adding ${ljust10(c.callsign)} (${
          endpoint(c.address, c.port)
        }) DG-ID ${c.room}`,
      );
      return out;
    }
    case "client-unlinked":
      return g4klxLines(event);
    case "room-changed": {
      const call = event.client.callsign;
      switch (event.reason) {
        case "back-to-home":
          return [`${call} Back to Home at DG-ID ${event.to}`];
        case "options":
          return [`Static DG-ID (${event.to}) via Options for ${call}`];
        default:
          return [
            `Changed DG-ID for ${call} from ${event.from} to ${event.to}`,
          ];
      }
    }
    case "stream-start": {
      const s = event.stream;
      const id = `<${monitorStreamId(s.id, salt)}>`;
      const dest = s.header?.destination ?? "";
      const dst = dest.trim() === "" || dest === "**********"
        ? ljust10(s.destination)
        : ljust10(dest);
      const f = s.fich;
      const fich = f === undefined
        ? ""
        : ` FICH-Data: CS:${f.cs} | CM:${f.cm} | FT:${f.ft} | Dev:${
          py(f.dev)
        } | MR:${f.mr & 3} | VoIP:${py(f.voip)} | DT:${f.dt} | SQL:${
          py(f.sql)
        } | SQC:${f.dgid}`;
      const out = [
        `${id} Received data from ${ljust10(s.source)} to ${dst} at ${
          ljust10(s.gateway)
        }${fich}`,
      ];
      const h = s.header;
      if (h !== undefined) {
        out.push(
          `${id} Additional information dst:${
            ljust10(h.destination ?? "")
          } src:${ljust10(h.source ?? "")} uplink:${
            ljust10(h.uplink ?? "")
          } downlink:${ljust10(h.downlink ?? "")}`,
        );
      }
      return out;
    }
    case "stream-end": {
      const id = `<${monitorStreamId(event.stream.id, salt)}>`;
      if (event.reason === "terminator" || event.reason === "end-flag") {
        return [`${id} Received end of transmission ${NO_COORDS}`];
      }
      if (event.reason === "timeout") return [`Timeout ${event.stream.source}`];
      return [`${id} Network watchdog has expired ${NO_COORDS}`];
    }
    case "blocked":
      return [
        `Data from ${ljust10(event.source)} at ${
          ljust10(event.gateway)
        } blocked/${event.reason === "TEMP" ? "CS" : event.reason}`,
      ];
    case "temp-block-added": {
      const b = event.block;
      const job = `Appended scheduled job: ${b.callsign}/RC at time ${
        formatUtcSeconds(b.until)
      }`;
      return b.reason === "wild-ptt" ? [`Wild-PTT ${b.callsign}`, job] : [job];
    }
    case "temp-block-removed":
      return [`Removed from temporary blockeds queue ${event.block.callsign}`];
    default:
      return [];
  }
}

function g4klxDumpLine(c: ClientSnapshot, now: number, expiry: number): string {
  return `    ${ljust10(c.callsign)}: ${endpoint(c.address, c.port)} ${
    secondsSince(now, c.lastPoll)
  }/${expiry}`;
}

/**
 * The linked-list dump both peers log every 120 s.
 *
 * `g4klx`: `No repeaters/gateways linked`, or `Currently linked
 * repeaters/gateways:` then `    GW1ABC    : 192.0.2.1:42000 5/60` per
 * client (seconds since its last poll / expiry), the layout the dg9vh
 * dashboard reads at fixed columns.
 *
 * `pysf3`: the same header, then `     GW1ABC    :        192.0.2.1:42000
 * 5/60 : 2024-05-01 12:00:00 50  0  0      0      0` per client (room,
 * hold, back-to-home room, time-out, time away: always 0 here), then `No
 * repeaters/gateways muted` or `Currently muted repeaters/gateways:` with
 * the listen-only and locked ones.
 *
 * @param snapshot The reflector's state; its `time` is "now".
 * @param options Style and expiry.
 * @returns The messages.
 *
 * @example G4KLX dump
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { YsfReflectorCore } from "../reflector/reflector.ts";
 * import { buildPoll } from "../packets.ts";
 * import { toDumpLogLines } from "./format.ts";
 *
 * let time = 0;
 * const core = new YsfReflectorCore({ name: "R", mode: "single-room", now: () => time }, { send() {} });
 * core.handle(buildPoll("GW1ABC"), { address: "192.0.2.1", port: 42000 }, "main");
 * time = 5000;
 * deepEqual(toDumpLogLines(core.snapshot()), [
 *   "Currently linked repeaters/gateways:",
 *   "    GW1ABC    : 192.0.2.1:42000 5/60",
 * ]);
 * ```
 */
export function toDumpLogLines(
  snapshot: ReflectorSnapshot,
  options: LogFormatOptions = {},
): string[] {
  const now = snapshot.time;
  const expiry = options.clientExpirySeconds ?? 60;
  if (snapshot.clients.length === 0) return ["No repeaters/gateways linked"];
  const out = ["Currently linked repeaters/gateways:"];
  if (options.style !== "pysf3") {
    for (const c of snapshot.clients) out.push(g4klxDumpLine(c, now, expiry));
    return out;
  }
  const muted: ClientSnapshot[] = [];
  for (const c of snapshot.clients) {
    const tc = secondsSince(now, c.lastPoll);
    const home = c.home;
    out.push(
      `     ${ljust10(c.callsign)}: ${hostText(c.address).padStart(16)}:${
        String(c.port).padEnd(5)
      } ${String(tc).padStart(2)}/${expiry} : ${
        formatUtcSeconds(c.linkedSince)
      } ${String(c.room).padStart(2)} ${tHold(c.hold).padStart(2)} ${
        String(home?.dgid ?? 0).padStart(2)
      } ${
        String(home === undefined ? 0 : Math.round(home.timeoutMs / 1000))
          .padStart(6)
      } ${"0".padStart(6)}`,
    );
    if (c.access !== "full") muted.push(c);
  }
  if (muted.length === 0) {
    out.push("No repeaters/gateways muted");
  } else {
    out.push("Currently muted repeaters/gateways:");
    for (const c of muted) {
      out.push(
        `     ${ljust10(c.callsign)}: ${endpoint(c.address, c.port)} ${
          secondsSince(now, c.lastPoll)
        }/${expiry}`,
      );
    }
  }
  return out;
}
