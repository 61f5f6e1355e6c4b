/**
 * Cross-field validation of the receiver settings and the default window
 * ({@link resolveSdrInput}): the checks that need more than one value
 * (the waterfall size against the FFT's usable bins, the audio rate
 * against the band, the default frequency inside the band), and the
 * settings JSON's `defaults` `l`, `m`, `r` computed as PhantomSDR does.
 *
 * Every reader runs it after its schema, and the command-line overrides
 * run it again on the merged values, so a flag that moves the band cannot
 * leave the configuration inconsistent. It reports problems by field; the
 * caller turns them into `ConfigError`s (file, line, key) or `RangeError`s
 * (flags).
 *
 * @module
 */

import { describeFound } from "../../core/config/mod.ts";
import { type AudioMode, parseAudioMode } from "../audio/listener_audio.ts";
import { parseSampleFormat } from "../sample_format.ts";
import { MAX_FFT_SIZE, spectrumLayout } from "../spectrum_layout.ts";
import { MAX_WATERFALL_SIZE } from "../wire/waterfall_packet.ts";
import { isPowerOfTwo } from "./_shared.ts";
import type { SdrInputConfig } from "./service_config.ts";

/**
 * A receiver setting a problem or note is about (the camelCase name in
 * {@link SdrInputConfig}; `defaults.…` for the default window).
 *
 * @example A field
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SdrInputField } from "./resolve_input.ts";
 *
 * const field: SdrInputField = "waterfallSize";
 * equal(field, "waterfallSize");
 * ```
 */
export type SdrInputField =
  | "source"
  | "format"
  | "sps"
  | "frequency"
  | "signal"
  | "fftSize"
  | "audioSps"
  | "waterfallSize"
  | "brightnessOffset"
  | "smeterOffset"
  | "analogSmeterOffset"
  | "defaults.frequency"
  | "defaults.modulation";

/**
 * One problem found by {@link resolveSdrInput}.
 *
 * @example A problem
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SdrInputProblem } from "./resolve_input.ts";
 *
 * const problem: SdrInputProblem = { field: "sps", expected: "an integer from 1 to 2147483647", found: "number 0" };
 * equal(problem.field, "sps");
 * ```
 */
export interface SdrInputProblem {
  /** The setting at fault. */
  field: SdrInputField;
  /** What was expected. */
  expected: string;
  /** What was found (`number 2048`). */
  found: string;
}

/**
 * A change {@link resolveSdrInput} made that the operator should hear about.
 *
 * @example A note
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SdrInputNote } from "./resolve_input.ts";
 *
 * const note: SdrInputNote = { field: "defaults.modulation", text: "window narrowed" };
 * equal(note.field, "defaults.modulation");
 * ```
 */
export interface SdrInputNote {
  /** The setting concerned. */
  field: SdrInputField;
  /** What happened, without the location. */
  text: string;
}

/**
 * The result of {@link resolveSdrInput}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { resolveSdrInput, type ResolvedSdrInput, SDR_DEFAULTS } from "./mod.ts";
 *
 * const resolved: ResolvedSdrInput = resolveSdrInput(SDR_DEFAULTS.input());
 * equal(resolved.problems.length, 0);
 * ```
 */
export interface ResolvedSdrInput {
  /** The settings with the default window computed (a copy). */
  input: SdrInputConfig;
  /** Every problem found; empty when the settings are usable. */
  problems: SdrInputProblem[];
  /** Adjustments made (window narrowed or clipped, rtl_tcp format). */
  notes: SdrInputNote[];
}

/** PhantomSDR's `int` sample rate. */
const MAX_SPS = 2_147_483_647;
/** The audio rates accepted (FLAC can describe up to 655350 Hz). */
const MIN_AUDIO_SPS = 1000;
const MAX_AUDIO_SPS = 768_000;
/** Offsets accepted for brightness (6.02 dB steps) and the S-meters (dB). */
const MAX_BRIGHTNESS_OFFSET = 100;
const MAX_SMETER_OFFSET = 200;

/** The default window of each mode: Hz below and above the dial. */
const WINDOW_HZ: Readonly<Record<AudioMode, readonly [number, number]>> = {
  USB: [0, 3000],
  "CW-U": [0, 3000],
  LSB: [3000, 0],
  "CW-L": [3000, 0],
  AM: [5000, 5000],
  SAM: [5000, 5000],
  FM: [5000, 5000],
  WBFM: [96000, 96000],
};

/**
 * Reads a default modulation (`[input.defaults] modulation`), any case:
 * `USB`, `LSB`, `AM`, `SAM`, `FM`, `WBFM` (PhantomSDR's), and the other
 * names a listener understands (`CW`, `CW-U`, `CW-L`, `AM-ENV`, `NFM`,
 * `WFM`). Returns the settings JSON's upper-case name and the mode.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { parseSdrModulation } from "./resolve_input.ts";
 *
 * deepEqual(parseSdrModulation("wbfm"), { modulation: "WBFM", mode: "WBFM" });
 * deepEqual(parseSdrModulation(" cw "), { modulation: "CW", mode: "CW-U" });
 * equal(parseSdrModulation("DRM"), undefined);
 * ```
 *
 * @param name The configured name.
 * @returns The name and mode, or undefined for an unknown name.
 */
export function parseSdrModulation(
  name: string,
): { modulation: string; mode: AudioMode } | undefined {
  if (typeof name !== "string") return undefined;
  const modulation = name.trim().toUpperCase();
  const mode = parseAudioMode(modulation);
  return mode === undefined ? undefined : { modulation, mode };
}

function integerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === "number" && Number.isSafeInteger(value) &&
    value >= min && value <= max;
}

/** Checks each value on its own; returns the problems. */
function checkValues(input: SdrInputConfig): SdrInputProblem[] {
  const problems: SdrInputProblem[] = [];
  const check = (
    field: SdrInputField,
    ok: boolean,
    expected: string,
    value: unknown,
  ) => {
    if (!ok) problems.push({ field, expected, found: describeFound(value) });
  };
  let formatOk = true;
  try {
    parseSampleFormat(input.format);
  } catch {
    formatOk = false;
  }
  check(
    "format",
    formatOk,
    'one of "u8", "s8", "u16", "s16", "f32", "f64", "cs16" or "cf32"',
    input.format,
  );
  check(
    "sps",
    integerIn(input.sps, 1, MAX_SPS),
    `a sample rate: an integer from 1 to ${MAX_SPS}`,
    input.sps,
  );
  check(
    "frequency",
    integerIn(input.frequency, 0, Number.MAX_SAFE_INTEGER),
    "a frequency in Hz: an integer of at least 0",
    input.frequency,
  );
  check(
    "signal",
    input.signal === "iq" || input.signal === "real",
    '"iq" or "real"',
    input.signal,
  );
  check(
    "fftSize",
    isPowerOfTwo(input.fftSize, 32, MAX_FFT_SIZE),
    `a power of two from 32 to ${MAX_FFT_SIZE}`,
    input.fftSize,
  );
  check(
    "audioSps",
    integerIn(input.audioSps, MIN_AUDIO_SPS, MAX_AUDIO_SPS),
    `an audio rate: an integer from ${MIN_AUDIO_SPS} to ${MAX_AUDIO_SPS}`,
    input.audioSps,
  );
  check(
    "waterfallSize",
    integerIn(input.waterfallSize, 1, MAX_WATERFALL_SIZE),
    `an integer from 1 to ${MAX_WATERFALL_SIZE}`,
    input.waterfallSize,
  );
  check(
    "brightnessOffset",
    integerIn(
      input.brightnessOffset,
      -MAX_BRIGHTNESS_OFFSET,
      MAX_BRIGHTNESS_OFFSET,
    ),
    `an integer from ${-MAX_BRIGHTNESS_OFFSET} to ${MAX_BRIGHTNESS_OFFSET}`,
    input.brightnessOffset,
  );
  for (const field of ["smeterOffset", "analogSmeterOffset"] as const) {
    check(
      field,
      integerIn(input[field], -MAX_SMETER_OFFSET, MAX_SMETER_OFFSET),
      `an integer from ${-MAX_SMETER_OFFSET} to ${MAX_SMETER_OFFSET}`,
      input[field],
    );
  }
  check(
    "defaults.frequency",
    integerIn(input.defaults.frequency, 0, Number.MAX_SAFE_INTEGER),
    "a frequency in Hz: an integer of at least 0",
    input.defaults.frequency,
  );
  check(
    "defaults.modulation",
    Object.hasOwn(WINDOW_HZ, input.defaults.mode),
    "a listener mode",
    input.defaults.mode,
  );
  return problems;
}

/**
 * Validates the receiver settings together and computes the default
 * window. Checks, besides each value's own range:
 *
 * - `audioSps`: its audio FFT (`4·⌈audio_sps·N/sps/4⌉` bins) fits the
 *   FFT's usable bins, i.e. the audio rate is at most the band's width;
 * - `waterfallSize`: at most the usable bins (N for IQ, N/2 for real) and
 *   at most `MAX_WATERFALL_SIZE` (16359, so a line fits one frontend
 *   message);
 * - `defaults.frequency`: inside the band (a centred default follows the
 *   band).
 *
 * The default window is PhantomSDR's: `m` is the dial's bin, USB
 * `[m, m+3 kHz]`, LSB `[m−3 kHz, m]`, AM/SAM/FM `m ± 5 kHz`, WBFM
 * `m ± 96 kHz` (CW as USB/LSB), at least one bin wide, clipped to
 * `[0, fft_result_size]`. Two deliberate differences: the centre of a
 * real-input band is its middle (PhantomSDR puts it at the Nyquist edge),
 * and the offsets use the true bin width for real input (PhantomSDR's are
 * half as wide). A window wider than the audio FFT (WBFM with a 12 kHz
 * audio rate) is narrowed to it around the dial, with a note, since the
 * `window` command refuses wider ones.
 *
 * For an rtl_tcp source the samples are always u8 IQ: `format` and
 * `signal` are set so, with a note when they said otherwise.
 *
 * @example WBFM narrowed to what a 12 kHz audio rate can carry
 * ```ts
 * import { equal, match } from "node:assert/strict";
 * import { resolveSdrInput, SDR_DEFAULTS } from "./mod.ts";
 *
 * const input = SDR_DEFAULTS.input();
 * input.defaults = { ...input.defaults, modulation: "WBFM", mode: "WBFM" };
 * const resolved = resolveSdrInput(input);
 * equal(resolved.problems.length, 0);
 * const { l, r } = resolved.input.defaults;
 * equal(r - l, 768); // the audio FFT size
 * match(resolved.notes[0].text, /narrowed/);
 * ```
 *
 * @example A waterfall wider than the FFT
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { resolveSdrInput, SDR_DEFAULTS } from "./mod.ts";
 *
 * const { problems } = resolveSdrInput({ ...SDR_DEFAULTS.input(), fftSize: 1024, waterfallSize: 2048 });
 * deepEqual(problems.map((p) => p.field), ["waterfallSize"]);
 * ```
 *
 * @param input The settings (the `defaults` `l`, `m`, `r` and, when
 * centred, `frequency` are recomputed).
 * @returns A resolved copy, the problems and the notes.
 */
export function resolveSdrInput(input: SdrInputConfig): ResolvedSdrInput {
  const out: SdrInputConfig = structuredClone(input);
  const notes: SdrInputNote[] = [];
  if (out.source.kind === "rtl_tcp") {
    if (out.signal !== "iq") {
      notes.push({
        field: "signal",
        text:
          `rtl_tcp delivers IQ samples: signal "${out.signal}" replaced by "iq"`,
      });
      out.signal = "iq";
    }
    if (out.format !== "u8") {
      if (out.format !== "f32") { // f32 is only the default
        notes.push({
          field: "format",
          text:
            `rtl_tcp delivers u8 samples: format "${out.format}" replaced by "u8"`,
        });
      }
      out.format = "u8";
    }
  }
  if (
    out.defaults.centered &&
    integerIn(out.sps, 1, MAX_SPS) &&
    integerIn(out.frequency, 0, Number.MAX_SAFE_INTEGER)
  ) {
    // the centre of the band (a real band starts at `frequency`)
    out.defaults.frequency = out.signal === "real"
      ? out.frequency + Math.floor(Math.floor(out.sps / 2) / 2)
      : out.frequency;
  }
  const problems = checkValues(out);
  if (problems.length > 0) return { input: out, problems, notes };

  const layout = spectrumLayout(out);
  const { fftResultSize, basefreq, totalBandwidth, audioFftSize } = layout;
  if (audioFftSize > fftResultSize) {
    problems.push({
      field: "audioSps",
      expected: `an audio rate of at most the band's ${totalBandwidth} Hz ` +
        `(its ${audioFftSize}-bin audio FFT must fit the ${fftResultSize} usable FFT bins)`,
      found: describeFound(out.audioSps),
    });
  }
  if (out.waterfallSize > fftResultSize) {
    problems.push({
      field: "waterfallSize",
      expected:
        `a waterfall size of at most the ${fftResultSize} usable FFT bins ` +
        `(fft_size ${out.fftSize}, ${out.signal} input)`,
      found: describeFound(out.waterfallSize),
    });
  }

  const defaults = out.defaults;
  const top = basefreq + totalBandwidth;
  if (defaults.frequency < basefreq || defaults.frequency > top) {
    problems.push({
      field: "defaults.frequency",
      expected: `a default frequency within the band, ${basefreq} to ${top} Hz`,
      found: describeFound(defaults.frequency),
    });
  }
  if (problems.length > 0) return { input: out, problems, notes };

  // PhantomSDR: m = (f − basefreq)·fft_result_size / total bandwidth
  const offset = defaults.frequency - basefreq;
  const m = out.signal === "iq"
    ? (offset * fftResultSize) / out.sps
    : (offset * fftResultSize * 2) / out.sps;
  const [belowHz, aboveHz] = WINDOW_HZ[defaults.mode];
  const bins = (hz: number) =>
    hz === 0 ? 0 : Math.max(1, Math.floor((hz * out.fftSize) / out.sps));
  const dial = Math.floor(m);
  let l = dial - bins(belowHz);
  let r = dial + bins(aboveHz);
  if (r - l > audioFftSize) {
    const width = r - l;
    if (belowHz === 0) r = l + audioFftSize;
    else if (aboveHz === 0) l = r - audioFftSize;
    else {
      l = dial - Math.floor(audioFftSize / 2);
      r = l + audioFftSize;
    }
    notes.push({
      field: "defaults.modulation",
      text: `the default ${defaults.modulation} window of ${width} bins ` +
        `narrowed to the ${audioFftSize} bins audio_sps ${out.audioSps} can carry`,
    });
  }
  const clippedL = Math.min(fftResultSize, Math.max(0, l));
  const clippedR = Math.min(fftResultSize, Math.max(0, r));
  if (clippedR <= clippedL) {
    problems.push({
      field: "defaults.frequency",
      expected:
        `a default frequency that leaves room for the ${defaults.modulation} ` +
        `window inside the band, ${basefreq} to ${top} Hz`,
      found: describeFound(defaults.frequency),
    });
    return { input: out, problems, notes };
  }
  if (clippedL !== l || clippedR !== r) {
    notes.push({
      field: "defaults.frequency",
      text:
        `the default ${defaults.modulation} window clipped at the band's edge`,
    });
  }
  defaults.l = clippedL;
  defaults.r = clippedR;
  defaults.m = Math.min(fftResultSize, Math.max(0, m));
  return { input: out, problems, notes };
}
