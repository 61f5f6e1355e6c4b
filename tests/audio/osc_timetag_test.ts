import { equal, ok, throws } from "node:assert/strict";
import fc from "fast-check";
import {
  frameToTimetag,
  isImmediate,
  NTP_UNIX_OFFSET_SECONDS,
  OSC_IMMEDIATE,
  timetagFromMs,
  timetagToFrame,
  timetagToMs,
} from "../../lib/audio/osc/timetag.ts";

const TWO_32 = 2n ** 32n;

Deno.test("timetagFromMs() and timetagToMs() convert between Unix ms and NTP", () => {
  equal(timetagFromMs(0), BigInt(NTP_UNIX_OFFSET_SECONDS) << 32n);
  // 2024-01-01T00:00:00.750Z
  const ms = Date.UTC(2024, 0, 1, 0, 0, 0, 750);
  const tt = timetagFromMs(ms);
  equal(tt >> 32n, BigInt(ms / 1000 - 0.75 + NTP_UNIX_OFFSET_SECONDS));
  equal(tt & 0xffff_ffffn, 3n * (1n << 30n));
  equal(timetagToMs(tt), ms);
  // 999.9999999 ms rounds up into the next second
  equal(
    timetagFromMs(999.99999999999),
    (BigInt(NTP_UNIX_OFFSET_SECONDS) + 1n) << 32n,
  );
  throws(() => timetagFromMs(NaN), RangeError);
  throws(
    () => timetagFromMs(-NTP_UNIX_OFFSET_SECONDS * 1000 - 1000),
    RangeError,
  );
  equal(isImmediate(OSC_IMMEDIATE), true);
});

Deno.test("timetagToFrame() gives whole seconds and fractions exactly", () => {
  const startNtp = timetagFromMs(Date.UTC(2025, 8, 1));
  for (const sampleRate of [8000, 44100, 48000, 96000, 192000]) {
    const clock = { startNtp, sampleRate };
    equal(timetagToFrame(startNtp, clock), 0);
    equal(timetagToFrame(startNtp + 10n * TWO_32, clock), 10 * sampleRate);
    equal(timetagToFrame(startNtp - TWO_32, clock), -sampleRate);
    // a quarter second
    equal(timetagToFrame(startNtp + TWO_32 / 4n, clock), sampleRate / 4);
  }
  // 1/3 s at 44.1 kHz is 14700 frames; NTP cannot represent 1/3 exactly
  const clock = { startNtp, sampleRate: 44100 };
  equal(timetagToFrame(startNtp + TWO_32 / 3n, clock), 14700);
  equal(timetagToFrame(startNtp + TWO_32 / 3n + 1n, clock), 14700);
  throws(() => timetagToFrame(OSC_IMMEDIATE, clock), RangeError);
  throws(
    () => timetagToFrame(startNtp, { startNtp, sampleRate: 0 }),
    RangeError,
  );
  throws(() => timetagToFrame(2n ** 64n, clock), RangeError);
});

Deno.test("frameToTimetag() and timetagToFrame() round-trip every frame", () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 2n ** 50n, max: 2n ** 63n }),
      fc.constantFrom(8000, 22050, 44100, 48000, 88200, 96000, 192000, 384000),
      fc.integer({ min: -1_000_000_000, max: 1_000_000_000_000 }),
      (startNtp, sampleRate, frame) => {
        const clock = { startNtp, sampleRate };
        const tt = frameToTimetag(frame, clock);
        equal(timetagToFrame(tt, clock), frame);
      },
    ),
    { seed: 2025, numRuns: 5000 },
  );
});

Deno.test("timetagToFrame() picks the nearest frame for any timetag", () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 2n ** 50n, max: 2n ** 62n }),
      fc.constantFrom(44100, 48000, 96000),
      fc.bigInt({ min: -(2n ** 40n), max: 2n ** 44n }),
      (startNtp, sampleRate, delta) => {
        const clock = { startNtp, sampleRate };
        const frame = timetagToFrame(startNtp + delta, clock);
        // |delta - frame * 2^32 / rate| <= half a frame, in 2^-32 s units
        const error = delta * BigInt(sampleRate) - BigInt(frame) * TWO_32;
        ok(
          2n * error <= TWO_32 && 2n * error > -TWO_32,
          `delta ${delta} → frame ${frame}`,
        );
      },
    ),
    { seed: 11, numRuns: 5000 },
  );
});

Deno.test("timetagToFrame() lands on the frame for a client's truncated timetag", () => {
  // A client computing floor(seconds * 2^32) from a float is at most a
  // couple of units below the exact time; the frame is still right.
  const startNtp = 3_900_000_000n << 32n;
  const clock = { startNtp, sampleRate: 48000 };
  for (const frame of [1, 255, 256, 47999, 48000, 1_000_003]) {
    const exact = frameToTimetag(frame, clock);
    equal(timetagToFrame(exact - 2n, clock), frame);
    equal(timetagToFrame(exact + 2n, clock), frame);
  }
});
