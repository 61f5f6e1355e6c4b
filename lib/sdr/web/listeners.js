// @ts-check
/**
 * Who else is listening, from the `/events` socket (sdr-phantomsdr.md
 * §2.7): the first message is the full state, later ones carry only the
 * listeners whose window changed, `[-1, -1, -1]` for one who left. The
 * tracker keeps at most `maxListeners` (new ones beyond are ignored and
 * counted) and the counts and kbit/s estimates the server reports.
 *
 * @module
 */

/**
 * One listener's window, bins.
 *
 * @typedef {{ id: string, l: number, m: number, r: number }} Listener
 */

/**
 * The counts of the last `/events` message.
 *
 * @typedef {object} EventCounts
 * @property {number} waterfallClients Open `/waterfall` sockets.
 * @property {number} signalClients Open `/audio` sockets.
 * @property {number | undefined} waterfallKbits Server estimate, kbit/s.
 * @property {number | undefined} audioKbits Server estimate, kbit/s.
 */

/**
 * @param {unknown} value A JSON value.
 * @returns {number | undefined} It, if a finite number.
 */
function finite(value) {
  return typeof value === "number" && Number.isFinite(value)
    ? value
    : undefined;
}

/**
 * Tracks `/events`.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { ListenerTracker } from "./listeners.js";
 *
 * const tracker = new ListenerTracker();
 * tracker.apply({ waterfall_clients: 2, signal_clients: 2, signal_changes: { a: [0, 10, 20], b: [5, 6, 7] } });
 * tracker.apply({ waterfall_clients: 1, signal_clients: 1, signal_changes: { b: [-1, -1, -1] } });
 * deepEqual(tracker.listeners(), [{ id: "a", l: 0, m: 10, r: 20 }]);
 * equal(tracker.counts.signalClients, 1);
 * ```
 */
export class ListenerTracker {
  /** @type {Map<string, Listener>} */
  #listeners = new Map();
  #max;
  #ignored = 0;
  /** @type {EventCounts} */
  #counts = {
    waterfallClients: 0,
    signalClients: 0,
    waterfallKbits: undefined,
    audioKbits: undefined,
  };

  /**
   * @param {{ maxListeners?: number }} [options] The bound (default 1000).
   */
  constructor(options = {}) {
    this.#max = Math.max(1, options.maxListeners ?? 1000);
  }

  /**
   * The latest counts.
   *
   * @returns {EventCounts} The counts.
   */
  get counts() {
    return { ...this.#counts };
  }

  /**
   * New listeners not tracked because the tracker was full.
   *
   * @returns {number} The count.
   */
  get ignored() {
    return this.#ignored;
  }

  /** Forgets everything (a new `/events` socket sends the full state). */
  reset() {
    this.#listeners.clear();
  }

  /**
   * Applies one parsed message.
   *
   * @param {unknown} message The JSON value.
   * @returns {boolean} Whether it was an events message.
   */
  apply(message) {
    if (message === null || typeof message !== "object") return false;
    const m = /** @type {Record<string, unknown>} */ (message);
    const waterfall = finite(m.waterfall_clients);
    const signal = finite(m.signal_clients);
    if (waterfall === undefined || signal === undefined) return false;
    this.#counts = {
      waterfallClients: waterfall,
      signalClients: signal,
      waterfallKbits: finite(m.waterfall_kbits),
      audioKbits: finite(m.audio_kbits),
    };
    const changes = m.signal_changes;
    if (changes === null || typeof changes !== "object") return true;
    for (const [id, range] of Object.entries(changes)) {
      if (!Array.isArray(range) || range.length < 3 || id.length > 64) continue;
      const [l, mid, r] = range.map(Number);
      if (l === -1 && mid === -1) {
        this.#listeners.delete(id);
        continue;
      }
      if (![l, mid, r].every(Number.isFinite)) continue;
      if (!this.#listeners.has(id) && this.#listeners.size >= this.#max) {
        this.#ignored++;
        continue;
      }
      this.#listeners.set(id, { id, l, m: mid, r });
    }
    return true;
  }

  /**
   * The listeners, in arrival order.
   *
   * @param {string} [except] An id to leave out (this page's own).
   * @returns {Listener[]} The listeners.
   */
  listeners(except) {
    const out = [];
    for (const listener of this.#listeners.values()) {
      if (listener.id !== except) out.push({ ...listener });
    }
    return out;
  }
}

/**
 * A listener's marker colour: the hue from the first two hex digits of its
 * id, as PhantomSDR's frontend derives it.
 *
 * @param {string} id The listener id (a UUID).
 * @returns {string} A CSS `hsl()` colour.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { listenerColour } from "./listeners.js";
 *
 * equal(listenerColour("80ab-…"), "hsl(181 80% 60%)");
 * equal(listenerColour("zz"), "hsl(0 80% 60%)");
 * ```
 */
export function listenerColour(id) {
  const value = parseInt(id.slice(0, 2), 16);
  const hue = Number.isFinite(value) ? Math.round((value / 255) * 360) : 0;
  return `hsl(${hue} 80% 60%)`;
}
