/**
 * The stations of the synthetic band (the default source of
 * `shack sdr serve`): where they are, in which mode, what they carry and
 * which part of the spectrum they occupy, so tests and the web client know
 * where to tune.
 *
 * The default band is laid out for 2.048 MS/s IQ around 7.1 MHz: a CW
 * beacon at 6.8 MHz, LSB at 6.9, USB at 7.0, narrow FM at 7.2 and three AM
 * stations at 7.35, 7.5 and 7.65 MHz, strongest to weakest. Narrower bands
 * (or real input, which has half the bandwidth) squeeze the default offsets
 * proportionally; custom station lists are used as given.
 *
 * @module
 */

import type { SignalKind } from "../spectrum_layout.ts";
import { morseUnits } from "./morse.ts";

/**
 * Modulation of a synthetic station, as the web client names it.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SyntheticMode } from "./synthetic_stations.ts";
 *
 * const mode: SyntheticMode = "LSB";
 * equal(mode, "LSB");
 * ```
 */
export type SyntheticMode = "AM" | "FM" | "USB" | "LSB" | "CW";

/**
 * What a synthetic station carries.
 *
 * - `tones`: steady tones summed (gated `onMs`/`offMs` if both given);
 * - `tone-steps`: one tone at a time, `stepMs` each, then `pauseMs` silence;
 * - `voice`: speech-like vowels (harmonics of a gliding pitch shaped by
 *   formants) in syllables, words and phrases;
 * - `morse`: `text` keyed at `wpm`, then `pauseMs` silence; `toneHz` 0
 *   (default) keys the carrier itself (CW), above 0 keys a tone (MCW).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SyntheticContent } from "./synthetic_stations.ts";
 *
 * const content: SyntheticContent = { kind: "tones", tonesHz: [700, 1900] };
 * equal(content.kind, "tones");
 * ```
 */
export type SyntheticContent =
  | { kind: "tones"; tonesHz: number[]; onMs?: number; offMs?: number }
  | { kind: "tone-steps"; tonesHz: number[]; stepMs: number; pauseMs: number }
  | { kind: "voice"; pitchHz: number; seed?: number }
  | {
    kind: "morse";
    text: string;
    wpm: number;
    pauseMs: number;
    toneHz?: number;
  };

/**
 * One station of the synthetic band, relative to the band's centre.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SyntheticStationSpec } from "./synthetic_stations.ts";
 *
 * const spec: SyntheticStationSpec = {
 *   offsetHz: 50_000, mode: "USB", levelDb: 0, label: "USB tone",
 *   content: { kind: "tones", tonesHz: [1000] },
 * };
 * equal(spec.mode, "USB");
 * ```
 */
export interface SyntheticStationSpec {
  /** Carrier (AM, FM, CW) or suppressed-carrier dial frequency (USB, LSB) minus the band centre, Hz. */
  offsetHz: number;
  /** Modulation. */
  mode: SyntheticMode;
  /** Level relative to the reference station (0 dB), dB (≤ 0 in practice). */
  levelDb: number;
  /** Short name ("AM voice"). */
  label: string;
  /** What it carries. */
  content: SyntheticContent;
  /** AM modulation index, 0 to 1 (default 0.8). */
  modulationIndex?: number;
  /** FM peak deviation, Hz (default 2500). */
  deviationHz?: number;
}

/**
 * A station placed in a band: the spec plus absolute frequencies.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { syntheticStations } from "./synthetic_stations.ts";
 *
 * const usb = syntheticStations().find((s) => s.mode === "USB")!;
 * ok(usb.frequency < usb.low && usb.low < usb.high); // the upper sideband
 * ```
 */
export interface SyntheticStation extends SyntheticStationSpec {
  /** Where to tune: the carrier or dial frequency, Hz. */
  frequency: number;
  /** Lowest frequency it occupies (mode and content), Hz. */
  low: number;
  /** Highest frequency it occupies, Hz. */
  high: number;
  /** What it carries, in words ("AM, speech-like voice at 120 Hz pitch"). */
  description: string;
}

/**
 * Band centre of the default synthetic band, Hz.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DEFAULT_SYNTHETIC_FREQUENCY } from "./synthetic_stations.ts";
 *
 * equal(DEFAULT_SYNTHETIC_FREQUENCY, 7_100_000);
 * ```
 */
export const DEFAULT_SYNTHETIC_FREQUENCY = 7_100_000;

/**
 * Sample rate of the default synthetic band, samples per second.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DEFAULT_SYNTHETIC_SPS } from "./synthetic_stations.ts";
 *
 * equal(DEFAULT_SYNTHETIC_SPS, 2_048_000);
 * ```
 */
export const DEFAULT_SYNTHETIC_SPS = 2_048_000;

/**
 * Highest audio frequency of voice content, Hz.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { VOICE_MAX_HZ } from "./synthetic_stations.ts";
 *
 * equal(VOICE_MAX_HZ, 3400);
 * ```
 */
export const VOICE_MAX_HZ = 3400;

/**
 * Lowest audio frequency of voice content, Hz (a gliding pitch goes this low).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { VOICE_MIN_HZ } from "./synthetic_stations.ts";
 *
 * equal(VOICE_MIN_HZ, 80);
 * ```
 */
export const VOICE_MIN_HZ = 80;

/** Half-width a keyed carrier is said to occupy, Hz. */
const CW_HALF_WIDTH_HZ = 100;

/** Half-band the default offsets are laid out for (2.048 MS/s IQ), Hz. */
const DEFAULT_HALF_BAND = DEFAULT_SYNTHETIC_SPS / 2;

/**
 * The default stations (offsets for a 2.048 MS/s band).
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { DEFAULT_SYNTHETIC_STATIONS } from "./synthetic_stations.ts";
 *
 * deepEqual(
 *   [...new Set(DEFAULT_SYNTHETIC_STATIONS.map((s) => s.mode))].sort(),
 *   ["AM", "CW", "FM", "LSB", "USB"],
 * );
 * ```
 */
export const DEFAULT_SYNTHETIC_STATIONS: readonly SyntheticStationSpec[] =
  Object.freeze([
    {
      offsetHz: -300_000,
      mode: "CW",
      levelDb: -6,
      label: "CW beacon",
      content: { kind: "morse", text: "VVV DE N0CALL", wpm: 18, pauseMs: 2000 },
    },
    {
      offsetHz: -200_000,
      mode: "LSB",
      levelDb: -3,
      label: "LSB tone steps",
      content: {
        kind: "tone-steps",
        tonesHz: [600, 800, 1000, 1200],
        stepMs: 400,
        pauseMs: 1200,
      },
    },
    {
      offsetHz: -100_000,
      mode: "USB",
      levelDb: -3,
      label: "USB two-tone",
      content: { kind: "tones", tonesHz: [700, 1900], onMs: 2000, offMs: 1000 },
    },
    {
      offsetHz: 100_000,
      mode: "FM",
      levelDb: -6,
      label: "FM tone",
      deviationHz: 2500,
      content: { kind: "tones", tonesHz: [1000] },
    },
    {
      offsetHz: 250_000,
      mode: "AM",
      levelDb: 0,
      label: "AM voice",
      modulationIndex: 0.8,
      content: { kind: "voice", pitchHz: 120, seed: 1 },
    },
    {
      offsetHz: 400_000,
      mode: "AM",
      levelDb: -10,
      label: "AM tones",
      modulationIndex: 0.5,
      content: {
        kind: "tone-steps",
        tonesHz: [440, 880],
        stepMs: 1000,
        pauseMs: 0,
      },
    },
    {
      offsetHz: 550_000,
      mode: "AM",
      levelDb: -25,
      label: "AM weak voice",
      modulationIndex: 0.8,
      content: { kind: "voice", pitchHz: 210, seed: 2 },
    },
  ].map((s) => Object.freeze(s as SyntheticStationSpec)));

/**
 * Options of {@linkcode syntheticStations}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { syntheticStations, type SyntheticStationsOptions } from "./synthetic_stations.ts";
 *
 * const options: SyntheticStationsOptions = { sps: 250_000, frequency: 3_600_000 };
 * equal(syntheticStations(options).length, 7);
 * ```
 */
export interface SyntheticStationsOptions {
  /** `[input] frequency`: centre (IQ) or lower edge (real), Hz (default 7.1 MHz). */
  frequency?: number;
  /** Sample rate (default 2.048 MS/s). */
  sps?: number;
  /** IQ (default) or real. */
  signal?: SignalKind;
  /** The stations (default {@linkcode DEFAULT_SYNTHETIC_STATIONS}, squeezed to fit). */
  stations?: readonly SyntheticStationSpec[];
}

/**
 * Places stations in a band: absolute frequencies, occupied range and a
 * description. Stations that would not fit inside the band (2 % margin at
 * each edge) are left out; the default list is first squeezed towards the
 * centre for bands narrower than 2.048 MHz, with offsets rounded to 100 Hz.
 *
 * @param options Band and stations.
 * @returns The stations that fit, in the order given.
 * @throws {RangeError} For an invalid station (unknown mode or content,
 * empty tone list, non-positive pitch or speed, bad Morse text).
 *
 * @example The default band
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { syntheticStations } from "./synthetic_stations.ts";
 *
 * deepEqual(
 *   syntheticStations().map((s) => `${s.mode} ${s.frequency}`),
 *   ["CW 6800000", "LSB 6900000", "USB 7000000", "FM 7200000",
 *    "AM 7350000", "AM 7500000", "AM 7650000"],
 * );
 * ```
 */
export function syntheticStations(
  options: SyntheticStationsOptions = {},
): SyntheticStation[] {
  const sps = options.sps ?? DEFAULT_SYNTHETIC_SPS;
  const frequency = options.frequency ?? DEFAULT_SYNTHETIC_FREQUENCY;
  const signal = options.signal ?? "iq";
  if (!(sps > 0) || !Number.isFinite(sps)) {
    throw new RangeError(`Expected a positive sample rate, found ${sps}`);
  }
  if (!Number.isFinite(frequency)) {
    throw new RangeError(`Expected a finite frequency, found ${frequency}`);
  }
  if (signal !== "iq" && signal !== "real") {
    throw new RangeError(
      `Expected a signal "iq" or "real", found "${String(signal)}"`,
    );
  }
  const halfBand = signal === "iq" ? sps / 2 : sps / 4;
  const centre = signal === "iq" ? frequency : frequency + sps / 4;
  const specs = options.stations ?? DEFAULT_SYNTHETIC_STATIONS;
  const scale = options.stations === undefined
    ? Math.min(1, halfBand / DEFAULT_HALF_BAND)
    : 1;
  const margin = 0.98 * halfBand;
  const placed: SyntheticStation[] = [];
  for (const spec of specs) {
    checkStation(spec);
    const offset = scale === 1
      ? spec.offsetHz
      : Math.round((spec.offsetHz * scale) / 100) * 100;
    const [lowAudio, highAudio] = occupiedOffsets(spec);
    if (offset + lowAudio < -margin || offset + highAudio > margin) continue;
    placed.push({
      ...spec,
      offsetHz: offset,
      frequency: centre + offset,
      low: centre + offset + lowAudio,
      high: centre + offset + highAudio,
      description: describe(spec),
    });
  }
  return placed;
}

/** Lowest and highest audio frequency of the content, Hz. */
function audioRange(content: SyntheticContent): [number, number] {
  switch (content.kind) {
    case "tones":
    case "tone-steps":
      return [Math.min(...content.tonesHz), Math.max(...content.tonesHz)];
    case "voice":
      return [VOICE_MIN_HZ, VOICE_MAX_HZ];
    case "morse": {
      const tone = content.toneHz ?? 0;
      return [Math.max(0, tone - CW_HALF_WIDTH_HZ), tone + CW_HALF_WIDTH_HZ];
    }
  }
}

/** Occupied spectrum relative to the station frequency, Hz. */
function occupiedOffsets(spec: SyntheticStationSpec): [number, number] {
  const [low, high] = audioRange(spec.content);
  switch (spec.mode) {
    case "USB":
      return [low, high];
    case "LSB":
      return [-high, -low];
    case "CW":
      return spec.content.kind === "morse" && (spec.content.toneHz ?? 0) === 0
        ? [-CW_HALF_WIDTH_HZ, CW_HALF_WIDTH_HZ]
        : [low, high];
    case "AM":
      return [-high, high];
    case "FM": {
      const carson = (spec.deviationHz ?? 2500) + high;
      return [-carson, carson];
    }
  }
}

function describe(spec: SyntheticStationSpec): string {
  const c = spec.content;
  const what = c.kind === "tones"
    ? `${c.tonesHz.length === 1 ? "tone" : "tones"} ${
      c.tonesHz.join(" + ")
    } Hz${
      c.onMs !== undefined && c.offMs !== undefined
        ? `, ${c.onMs} ms on / ${c.offMs} ms off`
        : ""
    }`
    : c.kind === "tone-steps"
    ? `tones ${c.tonesHz.join(", ")} Hz, ${c.stepMs} ms each${
      c.pauseMs > 0 ? `, then ${c.pauseMs} ms pause` : ""
    }`
    : c.kind === "voice"
    ? `speech-like voice at ${c.pitchHz} Hz pitch`
    : `Morse "${c.text}" at ${c.wpm} wpm${
      (c.toneHz ?? 0) > 0 ? ` on a ${c.toneHz} Hz tone` : ""
    }, every ${c.pauseMs} ms`;
  return `${spec.mode}, ${what}, ${spec.levelDb} dB`;
}

/**
 * Throws a RangeError unless `spec` describes a station this band can make.
 *
 * @param spec The station.
 * @throws {RangeError} For an unknown mode or content or a bad parameter.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkStation } from "./synthetic_stations.ts";
 *
 * throws(() => checkStation({
 *   offsetHz: 0, mode: "AM", levelDb: 0, label: "x",
 *   content: { kind: "tones", tonesHz: [] },
 * }), RangeError);
 * ```
 */
export function checkStation(spec: SyntheticStationSpec): void {
  const modes: SyntheticMode[] = ["AM", "FM", "USB", "LSB", "CW"];
  if (!modes.includes(spec.mode)) {
    throw new RangeError(
      `Expected a station mode AM, FM, USB, LSB or CW, found "${
        String(spec.mode)
      }"`,
    );
  }
  if (!Number.isFinite(spec.offsetHz) || !Number.isFinite(spec.levelDb)) {
    throw new RangeError(
      `Expected a finite offset and level for station "${spec.label}", found ${spec.offsetHz} Hz, ${spec.levelDb} dB`,
    );
  }
  const m = spec.modulationIndex ?? 0.8;
  if (!(m >= 0 && m <= 1)) {
    throw new RangeError(
      `Expected an AM modulation index from 0 to 1 for "${spec.label}", found ${m}`,
    );
  }
  const dev = spec.deviationHz ?? 2500;
  if (!(dev > 0) || !Number.isFinite(dev)) {
    throw new RangeError(
      `Expected a positive FM deviation for "${spec.label}", found ${dev}`,
    );
  }
  const c = spec.content;
  switch (c?.kind) {
    case "tones":
    case "tone-steps": {
      if (
        !Array.isArray(c.tonesHz) || c.tonesHz.length === 0 ||
        c.tonesHz.some((f) => !(f > 0) || !Number.isFinite(f))
      ) {
        throw new RangeError(
          `Expected one or more positive tone frequencies for "${spec.label}", found [${c.tonesHz}]`,
        );
      }
      const times = c.kind === "tones"
        ? [c.onMs ?? 1, c.offMs ?? 0]
        : [c.stepMs, c.pauseMs];
      if (
        !(times[0] > 0) || !(times[1] >= 0) || !times.every(Number.isFinite)
      ) {
        throw new RangeError(
          `Expected a positive on/step time and a pause ≥ 0 ms for "${spec.label}", found ${
            times[0]
          } and ${times[1]}`,
        );
      }
      return;
    }
    case "voice":
      if (!(c.pitchHz >= 100) || !(c.pitchHz <= 1000)) {
        throw new RangeError(
          `Expected a voice pitch from 100 to 1000 Hz for "${spec.label}", found ${c.pitchHz}`,
        );
      }
      return;
    case "morse":
      morseUnits(c.text);
      if (!(c.wpm > 0 && c.wpm <= 100)) {
        throw new RangeError(
          `Expected a Morse speed from 1 to 100 wpm for "${spec.label}", found ${c.wpm}`,
        );
      }
      if (!(c.pauseMs >= 0) || !((c.toneHz ?? 0) >= 0)) {
        throw new RangeError(
          `Expected a Morse pause and tone ≥ 0 for "${spec.label}", found ${c.pauseMs} ms and ${c.toneHz} Hz`,
        );
      }
      return;
    default:
      throw new RangeError(
        `Expected station content "tones", "tone-steps", "voice" or "morse" for "${spec.label}", found "${
          String((c as { kind?: unknown })?.kind)
        }"`,
      );
  }
}
