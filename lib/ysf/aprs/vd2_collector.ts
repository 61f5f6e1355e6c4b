/**
 * Collects what a stream's V/D mode 2 data channel carries besides the
 * callsigns: Rem1+2 (FN 4), Rem3+4 (FN 5), and the Yaesu GPS / radio-model
 * data (FN 6..7), as pYSFReflector3's main loop does for its JSON monitor
 * (`stream_id01`..`stream_id04`) and APRS. Pure: YSFD packets in, fields out.
 *
 * @module
 */

import { DataType, decodeFich, type Fich, FrameIndicator } from "../fich.ts";
import { decodeVd2DataChannel, Vd2Content } from "../payload.ts";
import { decodeYaesuGps, type GpsPosition } from "./gps.ts";

/** Length of a YSFD packet. */
const YSFD_LENGTH = 155;

/**
 * What changed with one frame, in pYSFReflector3's order and under its
 * rules:
 *
 * - `rem12` / `rem34` (JSON `stream_id01` / `stream_id02`): the channel's
 *   trimmed text is not empty and differs from the last one kept. `raw` is
 *   the 10-character text (non-printable bytes as spaces) that pYSF3 puts in
 *   its JSON; `text` is the trimmed value kept.
 * - `radio-code` (`stream_id03`): a GPS block with a valid checksum names a
 *   non-zero radio code that differs from the last one.
 * - `position` (`stream_id04`): the first position of the stream (later
 *   ones are ignored, as in pYSF3).
 *
 * @example Reacting to a change
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Vd2Change } from "./vd2_collector.ts";
 *
 * const change: Vd2Change = { type: "radio-code", radioCode: 0x31 };
 * equal(change.type === "radio-code" && change.radioCode, 0x31);
 * ```
 */
export type Vd2Change =
  | { type: "rem12"; text: string; raw: string }
  | { type: "rem34"; text: string; raw: string }
  | { type: "radio-code"; radioCode: number }
  | { type: "position"; position: GpsPosition };

/**
 * What a {@link Vd2Collector} has gathered so far; each field is
 * `undefined` until its data was decoded.
 *
 * @example Nothing yet
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { Vd2Collector, type Vd2Info } from "./vd2_collector.ts";
 *
 * const info: Vd2Info = new Vd2Collector().info();
 * deepEqual(info, { rem12: undefined, rem34: undefined, radioCode: undefined, position: undefined });
 * ```
 */
export interface Vd2Info {
  /** Rem1+Rem2 (FN 4), trimmed. */
  rem12: string | undefined;
  /** Rem3+Rem4 (FN 5), trimmed. */
  rem34: string | undefined;
  /** The radio model code (non-zero), see `yaesuRadioModel`. */
  radioCode: number | undefined;
  /** The first position decoded in the stream. */
  position: GpsPosition | undefined;
}

/**
 * Counters of a {@link Vd2Collector}.
 *
 * @example Reading the counters
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Vd2Collector, type Vd2CollectorStats } from "./vd2_collector.ts";
 *
 * const collector = new Vd2Collector();
 * collector.push(new Uint8Array(10));
 * const stats: Vd2CollectorStats = collector.stats;
 * equal(stats.invalid, 1);
 * ```
 */
export interface Vd2CollectorStats {
  /** Packets pushed. */
  frames: number;
  /** Packets dropped: not 155 bytes, or a FICH that fails its CRC. */
  invalid: number;
  /** V/D mode 2 communication frames seen. */
  vd2Frames: number;
  /** V/D mode 2 data channels that failed their CRC. */
  channelErrors: number;
  /** GPS blocks decoded with a matching checksum. */
  gpsBlocks: number;
  /** Complete GPS blocks whose checksum did not match. */
  gpsRejected: number;
}

const NO_CHANGES: readonly Vd2Change[] = Object.freeze([]);

/** pYSFReflector3 `list_to_string`: printable ASCII kept, the rest spaces. */
function channelText(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < 10; i++) {
    const c = bytes[i];
    text += String.fromCharCode(c > 31 && c < 127 ? c : 0x20);
  }
  return text;
}

/**
 * Gathers Rem1..4, the radio code and the position of one stream from its
 * YSFD packets. Create one per stream (on `stream-start`), push every
 * packet of that stream, read the fields at `stream-end`.
 *
 * Differences from pYSFReflector3, all on corrupted input: a GPS block is
 * decoded only once each of its frames (FN 6, and FN 7 when FT is 7) has
 * arrived with a valid channel in this stream (pYSF3 would decode zeros in
 * place of a missing frame), and the state is per stream (pYSF3 shares its
 * GPS buffer between simultaneous streams).
 *
 * @example A stream whose radio sends Rem1+2
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { encodeFich, encodeVd2 } from "../mod.ts";
 * import { Vd2Collector } from "./vd2_collector.ts";
 *
 * const packet = new Uint8Array(155);
 * encodeFich({
 *   fi: 1, cs: 2, cm: 0, bn: 0, bt: 0, fn: 4, ft: 7,
 *   dev: false, mr: 0, voip: true, dt: 2, sql: false, dgid: 0,
 * }, packet);
 * encodeVd2("Mobile    ", packet);
 * const collector = new Vd2Collector();
 * const changes = collector.push(packet);
 * equal(changes[0].type, "rem12");
 * equal(collector.info().rem12, "Mobile");
 * ```
 */
export class Vd2Collector {
  readonly #channel = new Uint8Array(10);
  readonly #gps = new Uint8Array(20);
  readonly #gpsFilled = [false, false];
  #rem12: string | undefined;
  #rem34: string | undefined;
  #radioCode: number | undefined;
  #position: GpsPosition | undefined;
  #frames = 0;
  #invalid = 0;
  #vd2Frames = 0;
  #channelErrors = 0;
  #gpsBlocks = 0;
  #gpsRejected = 0;

  /**
   * Takes one YSFD packet of the stream.
   *
   * @param packet The 155-byte YSFD packet as received (other lengths are
   * counted as invalid and ignored).
   * @param fich Its decoded FICH if the caller has it (saves decoding it
   * again); decoded from the packet otherwise.
   * @returns What this packet changed; an empty (frozen) array if nothing.
   *
   * @example A header frame resets the GPS data but changes nothing
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { encodeFich } from "../mod.ts";
   * import { Vd2Collector } from "./vd2_collector.ts";
   *
   * const packet = new Uint8Array(155);
   * const fich = {
   *   fi: 0, cs: 2, cm: 0, bn: 0, bt: 0, fn: 0, ft: 7,
   *   dev: false, mr: 0, voip: true, dt: 2, sql: false, dgid: 0,
   * };
   * encodeFich(fich, packet);
   * equal(new Vd2Collector().push(packet, fich).length, 0);
   * ```
   */
  push(packet: Uint8Array, fich?: Fich): readonly Vd2Change[] {
    this.#frames++;
    if (packet.length !== YSFD_LENGTH) {
      this.#invalid++;
      return NO_CHANGES;
    }
    fich ??= decodeFich(packet);
    if (fich === undefined) {
      this.#invalid++;
      return NO_CHANGES;
    }
    if (fich.fi === FrameIndicator.Header) {
      // pYSF3 starts a new GPS buffer on every header frame.
      this.#gpsFilled[0] = false;
      this.#gpsFilled[1] = false;
      return NO_CHANGES;
    }
    if (
      fich.fi !== FrameIndicator.Communication || fich.dt !== DataType.VdMode2
    ) {
      return NO_CHANGES;
    }
    this.#vd2Frames++;
    const fn = fich.fn;
    if (fn < Vd2Content.Rem12) return NO_CHANGES;
    if (!decodeVd2DataChannel(packet, this.#channel)) {
      this.#channelErrors++;
      return NO_CHANGES;
    }
    if (fn === Vd2Content.Rem12 || fn === Vd2Content.Rem34) {
      const raw = channelText(this.#channel);
      const text = raw.trim();
      const kept = fn === Vd2Content.Rem12 ? this.#rem12 : this.#rem34;
      if (text.length === 0 || text === kept) return NO_CHANGES;
      if (fn === Vd2Content.Rem12) {
        this.#rem12 = text;
        return [{ type: "rem12", text, raw }];
      }
      this.#rem34 = text;
      return [{ type: "rem34", text, raw }];
    }
    // FN 6 or 7: GPS / radio-model data.
    const slot = fn - Vd2Content.Data1;
    this.#gps.set(this.#channel, slot * 10);
    this.#gpsFilled[slot] = true;
    if (fn !== fich.ft) return NO_CHANGES;
    if (!this.#gpsFilled[0] || (fich.ft === 7 && !this.#gpsFilled[1])) {
      return NO_CHANGES;
    }
    const data = decodeYaesuGps(this.#gps, fich.ft);
    if (data === undefined) {
      this.#gpsRejected++;
      return NO_CHANGES;
    }
    this.#gpsBlocks++;
    let changes: Vd2Change[] | undefined;
    if (data.radioCode !== 0 && data.radioCode !== this.#radioCode) {
      this.#radioCode = data.radioCode;
      changes = [{ type: "radio-code", radioCode: data.radioCode }];
    }
    if (this.#position === undefined && data.position !== undefined) {
      this.#position = data.position;
      (changes ??= []).push({ type: "position", position: data.position });
    }
    return changes ?? NO_CHANGES;
  }

  /**
   * Rem1+Rem2 (FN 4), trimmed, or `undefined`.
   *
   * @example Nothing yet
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Vd2Collector } from "./vd2_collector.ts";
   *
   * equal(new Vd2Collector().rem12, undefined);
   * ```
   */
  get rem12(): string | undefined {
    return this.#rem12;
  }

  /**
   * Rem3+Rem4 (FN 5), trimmed, or `undefined`.
   *
   * @example Nothing yet
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Vd2Collector } from "./vd2_collector.ts";
   *
   * equal(new Vd2Collector().rem34, undefined);
   * ```
   */
  get rem34(): string | undefined {
    return this.#rem34;
  }

  /**
   * The radio model code (non-zero), or `undefined`.
   *
   * @example Nothing yet
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Vd2Collector } from "./vd2_collector.ts";
   *
   * equal(new Vd2Collector().radioCode, undefined);
   * ```
   */
  get radioCode(): number | undefined {
    return this.#radioCode;
  }

  /**
   * The first position of the stream, or `undefined`.
   *
   * @example Nothing yet
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Vd2Collector } from "./vd2_collector.ts";
   *
   * equal(new Vd2Collector().position, undefined);
   * ```
   */
  get position(): GpsPosition | undefined {
    return this.#position;
  }

  /**
   * Everything gathered so far, as one object.
   *
   * @returns A new object.
   *
   * @example Nothing yet
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Vd2Collector } from "./vd2_collector.ts";
   *
   * equal(new Vd2Collector().info().position, undefined);
   * ```
   */
  info(): Vd2Info {
    return {
      rem12: this.#rem12,
      rem34: this.#rem34,
      radioCode: this.#radioCode,
      position: this.#position,
    };
  }

  /**
   * The counters.
   *
   * @example A fresh collector
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Vd2Collector } from "./vd2_collector.ts";
   *
   * equal(new Vd2Collector().stats.frames, 0);
   * ```
   */
  get stats(): Vd2CollectorStats {
    return {
      frames: this.#frames,
      invalid: this.#invalid,
      vd2Frames: this.#vd2Frames,
      channelErrors: this.#channelErrors,
      gpsBlocks: this.#gpsBlocks,
      gpsRejected: this.#gpsRejected,
    };
  }

  /**
   * Forgets the fields (not the counters), so the collector can serve the
   * next stream.
   *
   * @example Reusing a collector
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Vd2Collector } from "./vd2_collector.ts";
   *
   * const collector = new Vd2Collector();
   * collector.reset();
   * equal(collector.rem34, undefined);
   * ```
   */
  reset(): void {
    this.#rem12 = undefined;
    this.#rem34 = undefined;
    this.#radioCode = undefined;
    this.#position = undefined;
    this.#gpsFilled[0] = false;
    this.#gpsFilled[1] = false;
  }
}
