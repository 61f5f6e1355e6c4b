/**
 * HDHomeRun GuideNumbers: `"7"`, `"101"` or ATSC-style `"5.1"`.
 * {@link normalizeGuideNumber} turns `tvg-chno` and user input into that
 * form (or rejects it), {@link compareGuideNumbers} orders them numerically.
 *
 * @module
 */

const GUIDE_NUMBER = /^0*(\d{1,6})(?:[.\-_]0*(\d{1,4}))?$/;

/**
 * The canonical GuideNumber for `text` (leading zeros dropped, `-` or `_`
 * as the sub-channel separator becomes `.`), or `undefined` when `text` is
 * not a number from 1 to 999999 with an optional sub-number.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { normalizeGuideNumber } from "./guide_number.ts";
 *
 * equal(normalizeGuideNumber(" 007 "), "7");
 * equal(normalizeGuideNumber("5-1"), "5.1");
 * equal(normalizeGuideNumber("abc"), undefined);
 * equal(normalizeGuideNumber("0"), undefined);
 * ```
 *
 * @param text A channel number as written in a playlist or by a user.
 * @returns The GuideNumber, or `undefined`.
 */
export function normalizeGuideNumber(
  text: string | number | undefined,
): string | undefined {
  if (text === undefined) return undefined;
  const match = GUIDE_NUMBER.exec(String(text).trim());
  if (!match) return undefined;
  const major = Number(match[1]);
  if (major < 1) return undefined;
  return match[2] === undefined
    ? String(major)
    : `${major}.${Number(match[2])}`;
}

function parts(guideNumber: string): [number, number] | undefined {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(guideNumber);
  if (!match) return undefined;
  return [Number(match[1]), match[2] === undefined ? -1 : Number(match[2])];
}

/**
 * Orders GuideNumbers numerically (`"5" < "5.1" < "5.2" < "10"`); anything
 * that is not a GuideNumber sorts after, by string.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { compareGuideNumbers } from "./guide_number.ts";
 *
 * deepEqual(
 *   ["10", "5.2", "x", "5", "5.1"].sort(compareGuideNumbers),
 *   ["5", "5.1", "5.2", "10", "x"],
 * );
 * ```
 *
 * @param a A GuideNumber.
 * @param b Another.
 * @returns Negative, zero or positive, as for `Array.prototype.sort`.
 */
export function compareGuideNumbers(a: string, b: string): number {
  const pa = parts(a);
  const pb = parts(b);
  if (pa && pb) return pa[0] - pb[0] || pa[1] - pb[1];
  if (pa) return -1;
  if (pb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
