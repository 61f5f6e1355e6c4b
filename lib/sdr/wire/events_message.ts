/**
 * The `/events` text messages (sdr-phantomsdr.md §2.7):
 * `{"waterfall_clients":N,"signal_clients":M,"signal_changes":{"<id>":[l,m,r],…}}`
 * (+ `waterfall_kbits`, `audio_kbits` in Plus). On open a client gets the
 * full state; then a 1 s timer broadcasts only what changed since the last
 * tick, a departed audio client as `[-1,-1,-1]` (the frontend deletes an
 * entry when `range[0] == -1 && range[1] == -1`). `l`, `r` are integer bins,
 * `m` a fractional bin; the frontend colours a marker by the first two hex
 * digits of the id.
 *
 * `EventsState` keeps the audio clients' windows and computes those
 * messages; the caller owns the timer and calls `tick()` once a second.
 * Unlike the original (which sends nothing until a window changes, and
 * leaves the counts stale when `otherusers = 0`), a tick also reports a
 * change of the client counts, and optionally sends a stats-only message
 * every `statsIntervalMs` (Plus: 10 s).
 *
 * @module
 */

/** An audio client's window `[l, m, r]` in bins. */
export type SignalWindow = readonly [l: number, m: number, r: number];

/** The window that announces a departed client. */
export const DEPARTED_WINDOW: SignalWindow = Object.freeze([
  -1,
  -1,
  -1,
]) as SignalWindow;

/** The counters of an `/events` message. */
export interface EventsCounts {
  /** Open `/waterfall` sockets. */
  waterfallClients: number;
  /** Open `/audio` sockets. */
  signalClients: number;
  /** Plus: estimated waterfall kbit/s (written only when given). */
  waterfallKbits?: number;
  /** Plus: estimated audio kbit/s (written only when given). */
  audioKbits?: number;
}

/**
 * Builds one `/events` message.
 *
 * @param counts Client counts (and optional kbit/s estimates).
 * @param signalChanges `[id, [l, m, r]]` pairs; `DEPARTED_WINDOW` for a
 * client that left.
 * @returns The JSON text.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildEventsMessage, DEPARTED_WINDOW } from "./events_message.ts";
 *
 * equal(
 *   buildEventsMessage({ waterfallClients: 2, signalClients: 1 }, [
 *     ["3fa8", [71900, 71936.5, 72092]],
 *     ["c0de", DEPARTED_WINDOW],
 *   ]),
 *   '{"waterfall_clients":2,"signal_clients":1,"signal_changes":' +
 *     '{"3fa8":[71900,71936.5,72092],"c0de":[-1,-1,-1]}}',
 * );
 * ```
 */
export function buildEventsMessage(
  counts: EventsCounts,
  signalChanges: Iterable<readonly [string, SignalWindow]>,
): string {
  const changes: Record<string, SignalWindow> = {};
  for (const [id, window] of signalChanges) {
    Object.defineProperty(changes, id, {
      value: window,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const message: Record<string, unknown> = {
    waterfall_clients: counts.waterfallClients,
    signal_clients: counts.signalClients,
    signal_changes: changes,
  };
  if (counts.waterfallKbits !== undefined) {
    message.waterfall_kbits = counts.waterfallKbits;
  }
  if (counts.audioKbits !== undefined) message.audio_kbits = counts.audioKbits;
  return JSON.stringify(message);
}

/** Options of {@linkcode EventsState}. */
export interface EventsStateOptions {
  /** Most audio clients tracked (default 1000); `set()` refuses more. */
  maxClients?: number;
  /** `[server] otherusers > 0`: publish windows (default true). */
  showOtherUsers?: boolean;
  /** Send a stats-only message at least this often, ms (default 0: never). */
  statsIntervalMs?: number;
  /** Clock in ms (default `performance.now`). */
  now?: () => number;
}

function sameWindow(a: SignalWindow, b: SignalWindow): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

/**
 * The audio clients' windows and the `/events` messages derived from them.
 *
 * @example A client tunes, another leaves
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { EventsState } from "./events_message.ts";
 *
 * const events = new EventsState();
 * const counts = { waterfallClients: 1, signalClients: 2 };
 * events.set("aa11", 100, 150, 300);
 * events.set("bb22", 500, 500, 700);
 * equal(events.tick(counts), '{"waterfall_clients":1,"signal_clients":2,' +
 *   '"signal_changes":{"aa11":[100,150,300],"bb22":[500,500,700]}}');
 * equal(events.tick(counts), undefined); // nothing changed
 * events.delete("bb22");
 * equal(events.tick({ waterfallClients: 1, signalClients: 1 }),
 *   '{"waterfall_clients":1,"signal_clients":1,"signal_changes":{"bb22":[-1,-1,-1]}}');
 * ```
 */
export class EventsState {
  #current = new Map<string, SignalWindow>();
  #announced = new Map<string, SignalWindow>();
  #dirty = false;
  #maxClients: number;
  #showOtherUsers: boolean;
  #statsIntervalMs: number;
  #now: () => number;
  #lastSent: number;
  #lastCounts: [number, number] = [-1, -1];
  #refused = 0;

  /**
   * Creates an empty state.
   *
   * @param options Capacity, visibility, stats interval, clock.
   * @throws {RangeError} If `maxClients` is not a positive integer or
   * `statsIntervalMs` is negative.
   */
  constructor(options: EventsStateOptions = {}) {
    this.#maxClients = options.maxClients ?? 1000;
    if (!Number.isSafeInteger(this.#maxClients) || this.#maxClients < 1) {
      throw new RangeError(
        `Expected maxClients to be a positive integer, found ${this.#maxClients}`,
      );
    }
    this.#statsIntervalMs = options.statsIntervalMs ?? 0;
    if (!(this.#statsIntervalMs >= 0)) {
      throw new RangeError(
        `Expected statsIntervalMs to be 0 or more, found ${this.#statsIntervalMs}`,
      );
    }
    this.#showOtherUsers = options.showOtherUsers ?? true;
    this.#now = options.now ?? (() => performance.now());
    this.#lastSent = this.#now();
  }

  /** Audio clients tracked. */
  get size(): number {
    return this.#current.size;
  }

  /** `set()` calls refused because `maxClients` were tracked. */
  get refused(): number {
    return this.#refused;
  }

  /**
   * Records an audio client's (new) window.
   *
   * @param id The client's id (server-generated).
   * @param l Window start bin.
   * @param m Carrier bin.
   * @param r Window end bin.
   * @returns False (and counted) if the id is new and `maxClients` are
   * already tracked.
   */
  set(id: string, l: number, m: number, r: number): boolean {
    if (!this.#current.has(id) && this.#current.size >= this.#maxClients) {
      this.#refused++;
      return false;
    }
    this.#current.set(id, [l, m, r]);
    this.#dirty = true;
    return true;
  }

  /**
   * Forgets a client; the next tick announces `[-1, -1, -1]` if its window
   * had been announced.
   *
   * @param id The client's id.
   * @returns Whether it was tracked.
   */
  delete(id: string): boolean {
    const had = this.#current.delete(id);
    if (had) this.#dirty = true;
    return had;
  }

  /**
   * The message for a newly opened `/events` socket: every tracked window
   * (or `{}` when other users are hidden).
   *
   * @param counts Current client counts.
   * @returns The JSON text.
   */
  initialMessage(counts: EventsCounts): string {
    return buildEventsMessage(
      counts,
      this.#showOtherUsers ? this.#current : [],
    );
  }

  /**
   * The 1 Hz broadcast: windows that changed since the last tick (departed
   * clients as `[-1, -1, -1]`), or undefined when nothing (windows, client
   * counts) changed and no stats message is due.
   *
   * @param counts Current client counts.
   * @returns The JSON text, or undefined.
   */
  tick(counts: EventsCounts): string | undefined {
    const changes: [string, SignalWindow][] = [];
    if (this.#dirty) {
      this.#dirty = false;
      for (const [id, window] of this.#current) {
        const known = this.#announced.get(id);
        if (!known || !sameWindow(known, window)) {
          changes.push([id, window]);
          this.#announced.set(id, window);
        }
      }
      for (const id of this.#announced.keys()) {
        if (!this.#current.has(id)) {
          changes.push([id, DEPARTED_WINDOW]);
          this.#announced.delete(id);
        }
      }
    }
    const now = this.#now();
    const countsChanged = counts.waterfallClients !== this.#lastCounts[0] ||
      counts.signalClients !== this.#lastCounts[1];
    const statsDue = this.#statsIntervalMs > 0 &&
      now - this.#lastSent >= this.#statsIntervalMs;
    const visible = this.#showOtherUsers ? changes : [];
    if (visible.length === 0 && !countsChanged && !statsDue) return undefined;
    this.#lastSent = now;
    this.#lastCounts = [counts.waterfallClients, counts.signalClients];
    return buildEventsMessage(counts, visible);
  }
}
