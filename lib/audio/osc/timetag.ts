/**
 * OSC timetags: 64-bit NTP times (seconds since 1900 in the high 32 bits,
 * fractions of a second in the low 32), where `1` means "immediately".
 * Conversions to and from Unix milliseconds, and to and from an absolute
 * frame index given the NTP time of frame 0 and the sample rate, done in
 * exact integer arithmetic so that a frame's timetag maps back to that
 * frame.
 *
 * @module
 */

/**
 * The timetag meaning "immediately" (OSC 1.0: 63 zero bits then a one).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { OSC_IMMEDIATE } from "./timetag.ts";
 *
 * equal(OSC_IMMEDIATE, 1n);
 * ```
 */
export const OSC_IMMEDIATE = 1n;

/**
 * Seconds from the NTP epoch (1900-01-01) to the Unix epoch (1970-01-01).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { NTP_UNIX_OFFSET_SECONDS } from "./timetag.ts";
 *
 * equal(NTP_UNIX_OFFSET_SECONDS, 2208988800);
 * ```
 */
export const NTP_UNIX_OFFSET_SECONDS = 2208988800;

const TWO_32 = 2n ** 32n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Tells whether a timetag means "immediately".
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isImmediate } from "./timetag.ts";
 *
 * equal(isImmediate(1n), true);
 * equal(isImmediate(0x83aa7e80_00000000n), false);
 * ```
 *
 * @param timetag The timetag.
 * @returns `true` for `1n`.
 */
export function isImmediate(timetag: bigint): boolean {
  return timetag === OSC_IMMEDIATE;
}

/**
 * Converts Unix milliseconds (as from `Date.now()`) to a timetag, rounding
 * to the nearest 2⁻³² s.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { timetagFromMs } from "./timetag.ts";
 *
 * equal(timetagFromMs(0), 2208988800n << 32n); // 1970-01-01 in NTP
 * equal(timetagFromMs(500) & 0xffffffffn, 0x80000000n); // half a second
 * ```
 *
 * @param unixMs Milliseconds since 1970-01-01 UTC.
 * @returns The timetag.
 * @throws {RangeError} If the time is not finite or outside NTP era 0
 * (1900 to 2036).
 */
export function timetagFromMs(unixMs: number): bigint {
  if (!Number.isFinite(unixMs)) {
    throw new RangeError(`Expected a finite time in ms, found ${unixMs}`);
  }
  const wholeMs = Math.floor(unixMs);
  const seconds = Math.floor(wholeMs / 1000);
  const restMs = unixMs - seconds * 1000; // 0 <= restMs < 1000
  let ntpSeconds = BigInt(seconds + NTP_UNIX_OFFSET_SECONDS);
  let fraction = BigInt(Math.round(restMs / 1000 * 2 ** 32));
  if (fraction >= TWO_32) {
    fraction -= TWO_32;
    ntpSeconds += 1n;
  }
  const timetag = (ntpSeconds << 32n) | fraction;
  if (ntpSeconds < 0n || timetag > UINT64_MAX) {
    throw new RangeError(
      `Expected a time between 1900 and 2036, found ${unixMs} ms since 1970`,
    );
  }
  return timetag;
}

/**
 * Converts a timetag to Unix milliseconds (a float; exact to well under a
 * microsecond).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { timetagFromMs, timetagToMs } from "./timetag.ts";
 *
 * equal(timetagToMs(timetagFromMs(1_700_000_000_250)), 1_700_000_000_250);
 * ```
 *
 * @param timetag The timetag.
 * @returns Milliseconds since 1970-01-01 UTC.
 * @throws {RangeError} If the timetag is not an unsigned 64-bit integer.
 */
export function timetagToMs(timetag: bigint): number {
  checkTimetag(timetag, "timetag");
  const seconds = Number(timetag >> 32n) - NTP_UNIX_OFFSET_SECONDS;
  const fraction = Number(timetag & 0xffff_ffffn);
  return seconds * 1000 + fraction * 1000 / 2 ** 32;
}

/**
 * Where frame 0 is in time, for {@link timetagToFrame} and
 * {@link frameToTimetag}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { FrameClock } from "./timetag.ts";
 *
 * const clock: FrameClock = { startNtp: 0x83aa7e80_00000000n, sampleRate: 48000 };
 * equal(clock.sampleRate, 48000);
 * ```
 */
export interface FrameClock {
  /** The timetag of frame 0. */
  startNtp: bigint;
  /** Frames per second, a positive integer. */
  sampleRate: number;
}

/**
 * The frame at which a timetag applies: the frame whose start time is
 * nearest to it (ties go to the later frame), counted from `startNtp`.
 * Computed in integers, so `timetagToFrame(frameToTimetag(n)) === n` for
 * every frame, and a client's timetag that is off by less than half a
 * frame still lands on the intended frame. Timetags before `startNtp` give
 * negative frames (the caller decides what late means).
 *
 * @example Usage
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { timetagToFrame } from "./timetag.ts";
 *
 * const clock = { startNtp: 100n << 32n, sampleRate: 48000 };
 * equal(timetagToFrame(101n << 32n, clock), 48000); // one second later
 * equal(timetagToFrame((100n << 32n) + (1n << 31n), clock), 24000); // half a second
 * throws(() => timetagToFrame(1n, clock), RangeError); // "immediately" has no frame
 * ```
 *
 * @param timetag The timetag (not {@link OSC_IMMEDIATE}).
 * @param clock The timetag of frame 0 and the sample rate.
 * @returns The frame index (may be negative).
 * @throws {RangeError} For the immediate timetag, a timetag or start that is
 * not an unsigned 64-bit integer, or a sample rate that is not a positive
 * integer.
 */
export function timetagToFrame(timetag: bigint, clock: FrameClock): number {
  checkTimetag(timetag, "timetag");
  if (timetag === OSC_IMMEDIATE) {
    throw new RangeError(
      "Expected a timetag with a time, found 1 (immediately)",
    );
  }
  const { startNtp, rate } = checkClock(clock);
  // round((timetag - start) * rate / 2^32), ties up, floored for negatives
  const numerator = (timetag - startNtp) * rate * 2n + TWO_32;
  return Number(floorDiv(numerator, 2n * TWO_32));
}

/**
 * The timetag of a frame's start: `startNtp + frame / sampleRate` seconds,
 * rounded to the nearest 2⁻³² s.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { frameToTimetag, timetagToFrame } from "./timetag.ts";
 *
 * const clock = { startNtp: 3_900_000_000n << 32n, sampleRate: 44100 };
 * equal(frameToTimetag(44100, clock), 3_900_000_001n << 32n);
 * equal(timetagToFrame(frameToTimetag(12345, clock), clock), 12345);
 * ```
 *
 * @param frame The frame index (an integer, may be negative).
 * @param clock The timetag of frame 0 and the sample rate.
 * @returns The timetag.
 * @throws {RangeError} If the frame is not a safe integer, the clock is
 * invalid, or the result is outside the 64-bit timetag range.
 */
export function frameToTimetag(frame: number, clock: FrameClock): bigint {
  if (!Number.isSafeInteger(frame)) {
    throw new RangeError(
      `Expected a frame that is a safe integer, found ${frame}`,
    );
  }
  const { startNtp, rate } = checkClock(clock);
  const offset = floorDiv(BigInt(frame) * TWO_32 * 2n + rate, 2n * rate);
  const timetag = startNtp + offset;
  if (timetag < 0n || timetag > UINT64_MAX) {
    throw new RangeError(
      `Expected frame ${frame} to fall within the timetag range, found it outside`,
    );
  }
  return timetag;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

function checkClock(clock: FrameClock): { startNtp: bigint; rate: bigint } {
  checkTimetag(clock.startNtp, "startNtp");
  if (!Number.isSafeInteger(clock.sampleRate) || clock.sampleRate <= 0) {
    throw new RangeError(
      `Expected a sample rate that is a positive integer, found ${clock.sampleRate}`,
    );
  }
  return { startNtp: clock.startNtp, rate: BigInt(clock.sampleRate) };
}

function checkTimetag(value: bigint, what: string): void {
  if (typeof value !== "bigint" || value < 0n || value > UINT64_MAX) {
    throw new RangeError(
      `Expected ${what} to be an unsigned 64-bit bigint, found ${
        String(value)
      }`,
    );
  }
}
