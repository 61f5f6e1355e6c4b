/**
 * XMLTV timestamps: `YYYYMMDDhhmmss ±hhmm` (seconds, minutes and hours may
 * be left out; no offset means UTC) to and from UTC milliseconds.
 *
 * @module
 */

const TIME =
  /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2}))?)?)?\s*(?:([+-])(\d{2}):?(\d{2})|(Z|GMT|UTC))?$/i;

/**
 * Parses an XMLTV timestamp to UTC milliseconds.
 *
 * @example Offsets are applied
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseXmltvTime } from "./xmltv_time.ts";
 *
 * equal(parseXmltvTime("20240301200000 +0100"), Date.UTC(2024, 2, 1, 19));
 * equal(parseXmltvTime("20240301200000 -0530"), Date.UTC(2024, 2, 2, 1, 30));
 * equal(parseXmltvTime("202403012000"), Date.UTC(2024, 2, 1, 20));
 * equal(parseXmltvTime("20241301000000"), undefined); // month 13
 * ```
 *
 * @param text The timestamp.
 * @returns Milliseconds since the epoch, or `undefined` when invalid.
 */
export function parseXmltvTime(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const fast = parseFast(text);
  if (fast !== null) return fast;
  const m = TIME.exec(text.trim());
  if (!m) return undefined;
  let offset = 0;
  if (m[7] !== undefined) {
    const oh = Number(m[8]);
    const om = Number(m[9]);
    if (oh > 14 || om > 59) return undefined;
    offset = (m[7] === "-" ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  return utc(
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
    offset,
  );
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function utc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  offset: number,
): number | undefined {
  if (
    month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 ||
    second > 60
  ) {
    return undefined;
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS[month - 1])) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second) - offset;
}

function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** `YYYYMMDDhhmmss ±hhmm` exactly (the common case), else null. */
function parseFast(text: string): number | undefined | null {
  if (text.length !== 20 || text.charCodeAt(14) !== 32) return null;
  const sign = text.charCodeAt(15);
  if (sign !== 43 && sign !== 45) return null;
  const year = digits(text, 0, 4);
  const month = digits(text, 4, 2);
  const day = digits(text, 6, 2);
  const hour = digits(text, 8, 2);
  const minute = digits(text, 10, 2);
  const second = digits(text, 12, 2);
  const oh = digits(text, 16, 2);
  const om = digits(text, 18, 2);
  if ((year | month | day | hour | minute | second | oh | om) < 0) return null;
  if (oh > 14 || om > 59) return undefined;
  const offset = (sign === 45 ? -1 : 1) * (oh * 60 + om) * 60_000;
  return utc(year, month, day, hour, minute, second, offset);
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

/**
 * Formats UTC milliseconds as an XMLTV timestamp in UTC (`+0000`).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { formatXmltvTime } from "./xmltv_time.ts";
 *
 * equal(formatXmltvTime(Date.UTC(2024, 2, 1, 19, 5, 9)), "20240301190509 +0000");
 * ```
 *
 * @param ms Milliseconds since the epoch.
 * @returns `YYYYMMDDhhmmss +0000`.
 */
export function formatXmltvTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${
    pad(d.getUTCDate())
  }${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${
    pad(d.getUTCSeconds())
  } +0000`;
}
