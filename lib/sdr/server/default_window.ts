/**
 * The `defaults` of the settings JSON (sdr-phantomsdr.md §2.3): the window a
 * new client starts with, from `[input.defaults] frequency` and
 * `modulation`. The carrier bin is `m = (frequency − basefreq)·
 * fft_result_size/total_bandwidth`; the passband is 3 kHz above (USB) or
 * below (LSB) the carrier, ±5 kHz for AM, SAM and FM, ±96 kHz for WBFM
 * (which the frontend sends as FM). A frequency of −1 means the centre of
 * the band. Unlike PhantomSDR, the window is clamped to the band and to
 * `audio_max_fft` bins (WBFM needs `audio_sps` of about 192 kHz), so the
 * first window a client gets is always one the server accepts.
 *
 * @module
 */

import type { SettingsDefaults } from "../wire/settings_json.ts";
import type { SpectrumLayout } from "../spectrum_layout.ts";

/** Passband edges around the carrier, Hz, per default modulation. */
const PASSBANDS: Readonly<Record<string, readonly [number, number]>> = {
  USB: [0, 3000],
  LSB: [-3000, 0],
  AM: [-5000, 5000],
  SAM: [-5000, 5000],
  FM: [-5000, 5000],
  WBFM: [-96000, 96000],
};

/**
 * Computes the settings JSON `defaults`.
 *
 * @param layout The receiver's layout.
 * @param frequency `[input.defaults] frequency` in Hz; −1 (or undefined)
 * for the centre of the band.
 * @param modulation `[input.defaults] modulation`, any case; unknown
 * values become USB (as in PhantomSDR).
 * @returns The defaults (`modulation` upper-cased).
 * @throws {RangeError} If the frequency is outside the band.
 *
 * @example USB at 7.074 MHz on an RTL-SDR at 7.1 MHz, 2.048 MS/s
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { spectrumLayout } from "../spectrum_layout.ts";
 * import { defaultWindow } from "./default_window.ts";
 *
 * const layout = spectrumLayout({ sps: 2_048_000, frequency: 7_100_000, fftSize: 131072, signal: "iq" });
 * deepEqual(defaultWindow(layout, 7_074_000, "usb"), {
 *   frequency: 7_074_000, modulation: "USB", l: 63872, m: 63872, r: 64064,
 * });
 * ```
 */
export function defaultWindow(
  layout: SpectrumLayout,
  frequency: number | undefined,
  modulation: string | undefined,
): SettingsDefaults {
  const { basefreq, totalBandwidth, fftResultSize, audioFftSize } = layout;
  const hz = frequency === undefined || frequency === -1
    ? basefreq + Math.floor(totalBandwidth / 2)
    : frequency;
  if (
    !Number.isSafeInteger(hz) || hz < basefreq ||
    hz > basefreq + totalBandwidth
  ) {
    throw new RangeError(
      `Expected a default frequency from ${basefreq} to ${
        basefreq + totalBandwidth
      } Hz (or -1), found ${frequency}`,
    );
  }
  let mode = String(modulation ?? "USB").toUpperCase();
  if (!Object.hasOwn(PASSBANDS, mode)) mode = "USB";
  const binsPerHz = fftResultSize / totalBandwidth;
  const m = (hz - basefreq) * binsPerHz;
  const [low, high] = PASSBANDS[mode];
  let l = Math.round(m + low * binsPerHz);
  let r = Math.round(m + high * binsPerHz);
  if (r - l > audioFftSize) {
    const excess = r - l - audioFftSize;
    l += Math.ceil(excess / 2);
    r -= Math.floor(excess / 2);
  }
  l = Math.max(0, Math.min(l, fftResultSize));
  r = Math.max(l, Math.min(r, fftResultSize));
  return { frequency: hz, modulation: mode, l, m, r };
}
