/**
 * International Morse code as a key-down/key-up sequence in dit units (PARIS
 * timing: dit 1, dah 3, gap inside a letter 1, between letters 3, between
 * words 7), for the synthetic band's CW beacon.
 *
 * @module
 */

const CODE: Record<string, string> = {
  A: ".-",
  B: "-...",
  C: "-.-.",
  D: "-..",
  E: ".",
  F: "..-.",
  G: "--.",
  H: "....",
  I: "..",
  J: ".---",
  K: "-.-",
  L: ".-..",
  M: "--",
  N: "-.",
  O: "---",
  P: ".--.",
  Q: "--.-",
  R: ".-.",
  S: "...",
  T: "-",
  U: "..-",
  V: "...-",
  W: ".--",
  X: "-..-",
  Y: "-.--",
  Z: "--..",
  "0": "-----",
  "1": ".----",
  "2": "..---",
  "3": "...--",
  "4": "....-",
  "5": ".....",
  "6": "-....",
  "7": "--...",
  "8": "---..",
  "9": "----.",
  ".": ".-.-.-",
  ",": "--..--",
  "?": "..--..",
  "/": "-..-.",
  "=": "-...-",
  "-": "-....-",
  "+": ".-.-.",
};

/**
 * Seconds per dit at `wpm` words per minute (PARIS: 50 dits per word).
 *
 * @param wpm Words per minute.
 * @returns 1.2 / wpm.
 * @throws {RangeError} For a speed that is not positive.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { morseDitSeconds } from "./morse.ts";
 *
 * equal(morseDitSeconds(20), 0.06);
 * ```
 */
export function morseDitSeconds(wpm: number): number {
  if (!(wpm > 0) || !Number.isFinite(wpm)) {
    throw new RangeError(`Expected a Morse speed in wpm above 0, found ${wpm}`);
  }
  return 1.2 / wpm;
}

/**
 * The keying of `text`, one entry per dit unit: 1 key down, 0 key up. No
 * gap before the first or after the last element. Letters are
 * case-insensitive; runs of spaces are one word gap.
 *
 * @param text Letters, digits, `. , ? / = - +` and spaces.
 * @returns The units.
 * @throws {RangeError} For a character Morse has no code for here, or no
 * character at all.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { morseUnits } from "./morse.ts";
 *
 * deepEqual([...morseUnits("et")], [1, 0, 0, 0, 1, 1, 1]);
 * deepEqual([...morseUnits("e e")], [1, 0, 0, 0, 0, 0, 0, 0, 1]);
 * ```
 */
export function morseUnits(text: string): Uint8Array {
  const units: number[] = [];
  const words = String(text).toUpperCase().trim().split(/\s+/).filter((w) =>
    w.length > 0
  );
  if (words.length === 0) {
    throw new RangeError(`Expected text to key in Morse, found "${text}"`);
  }
  words.forEach((word, w) => {
    if (w > 0) units.push(0, 0, 0, 0, 0, 0, 0);
    [...word].forEach((char, c) => {
      const code = Object.hasOwn(CODE, char) ? CODE[char] : undefined;
      if (code === undefined) {
        throw new RangeError(
          `Expected letters, digits or . , ? / = - + in Morse text, found "${char}"`,
        );
      }
      if (c > 0) units.push(0, 0, 0);
      [...code].forEach((element, e) => {
        if (e > 0) units.push(0);
        if (element === ".") units.push(1);
        else units.push(1, 1, 1);
      });
    });
  });
  return Uint8Array.from(units);
}
