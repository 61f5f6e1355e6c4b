// @ts-check
/**
 * The shareable part of the page's state in its URL's query string:
 * `?f=7074000&m=USB&z=3` (dial frequency in Hz, mode, zoom step), plus
 * `lo`/`hi` (passband edges from the dial, Hz) when they differ from the
 * mode's defaults. Reading is forgiving: a bad or missing value is left
 * out, never an error; the page fills in defaults.
 *
 * @module
 */

import { modeInfo } from "./modes.js";

/**
 * What a URL can say.
 *
 * @typedef {object} UrlState
 * @property {number} [frequency] Dial frequency, Hz (whole, ≥ 0).
 * @property {string} [mode] Mode name (upper case).
 * @property {number} [zoom] Zoom step (whole, 0…30).
 * @property {number} [low] Lower passband edge from the dial, Hz.
 * @property {number} [high] Upper passband edge from the dial, Hz.
 */

/**
 * @param {string | null} text A query value.
 * @returns {number | undefined} The number, if it is one.
 */
function number(text) {
  if (text === null || text.length === 0 || text.length > 20) return undefined;
  if (!/^-?\d+(\.\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Reads the state from a query string.
 *
 * @param {string} search `location.search` (with or without `?`).
 * @returns {UrlState} What it says that makes sense.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseUrlState } from "./url_state.js";
 *
 * deepEqual(parseUrlState("?f=7074000&m=usb&z=3"), { frequency: 7_074_000, mode: "USB", zoom: 3 });
 * deepEqual(parseUrlState("?f=-5&m=XYZ&z=a"), {});
 * deepEqual(parseUrlState("f=7100000&lo=-3000&hi=3000"), { frequency: 7_100_000, low: -3000, high: 3000 });
 * ```
 */
export function parseUrlState(search) {
  const params = new URLSearchParams(search);
  /** @type {UrlState} */
  const state = {};
  const f = number(params.get("f"));
  if (f !== undefined && f >= 0 && f < 1e12) state.frequency = Math.round(f);
  const mode = modeInfo(params.get("m"));
  if (mode !== undefined) state.mode = mode.name;
  const z = number(params.get("z"));
  if (z !== undefined && Number.isInteger(z) && z >= 0 && z <= 30) {
    state.zoom = z;
  }
  const lo = number(params.get("lo"));
  const hi = number(params.get("hi"));
  if (
    lo !== undefined && hi !== undefined && lo < hi && Math.abs(lo) <= 1e6 &&
    Math.abs(hi) <= 1e6
  ) {
    state.low = Math.round(lo);
    state.high = Math.round(hi);
  }
  return state;
}

/**
 * Writes the state as a query string (keys in a fixed order). `low` and
 * `high` are written only together and only when `includePassband`.
 *
 * @param {UrlState} state The state.
 * @param {{ includePassband?: boolean }} [options] Whether to write `lo`/`hi`.
 * @returns {string} e.g. `"?f=7074000&m=USB&z=3"` (empty for an empty state).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { formatUrlState } from "./url_state.js";
 *
 * equal(formatUrlState({ frequency: 7_074_000, mode: "USB", zoom: 3 }), "?f=7074000&m=USB&z=3");
 * equal(
 *   formatUrlState({ frequency: 7_100_000, mode: "AM", low: -3000, high: 3000 }, { includePassband: true }),
 *   "?f=7100000&m=AM&lo=-3000&hi=3000",
 * );
 * ```
 */
export function formatUrlState(state, options = {}) {
  const params = new URLSearchParams();
  if (state.frequency !== undefined) {
    params.set("f", String(Math.round(state.frequency)));
  }
  if (state.mode !== undefined) params.set("m", state.mode);
  if (state.zoom !== undefined) params.set("z", String(state.zoom));
  if (
    options.includePassband && state.low !== undefined &&
    state.high !== undefined
  ) {
    params.set("lo", String(Math.round(state.low)));
    params.set("hi", String(Math.round(state.high)));
  }
  const text = params.toString();
  return text.length > 0 ? `?${text}` : "";
}
