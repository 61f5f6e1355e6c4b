/**
 * pYSFReflector3's protections (reference ysf.md §3.4): the transmit
 * time-out (TOT) and wild-PTT detection, both leading to a temporary block
 * of the callsign for `treactivateSeconds`. Each can be switched off.
 * Clock-injected and bounded: the block table and the wild-PTT history are
 * {@link BoundedMap}s.
 *
 * @module
 */

import { BoundedMap } from "../../core/bounded/mod.ts";

/**
 * Why a callsign was temporarily blocked: `timeout` (a stream longer than
 * the TOT; pYSFReflector3 `RCT`) or `wild-ptt` (too many streams in a short
 * time; `RCW`).
 *
 * @example A reason
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { TempBlockReason } from "./protections.ts";
 *
 * const reason: TempBlockReason = "wild-ptt";
 * equal(reason, "wild-ptt");
 * ```
 */
export type TempBlockReason = "timeout" | "wild-ptt";

/**
 * Why a temporary block ended: `expired` (its time ran out), `evicted` (the
 * table was full and a newer block took its place), `lifted` (removed by
 * {@link Protections.unblock}).
 *
 * @example A reason
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { TempBlockRemoval } from "./protections.ts";
 *
 * const reason: TempBlockRemoval = "expired";
 * equal(reason, "expired");
 * ```
 */
export type TempBlockRemoval = "expired" | "evicted" | "lifted";

/**
 * A temporary block.
 *
 * @example Reading a block
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Protections, type TempBlock } from "./protections.ts";
 *
 * const protections = new Protections({ now: () => 0, treactivateSeconds: 60 });
 * const block: TempBlock | undefined = protections.block("g4abc", "timeout");
 * equal(block?.callsign, "G4ABC");
 * equal(block?.until, 60_000);
 * ```
 */
export interface TempBlock {
  /** The base callsign, upper-cased. */
  callsign: string;
  /** Why. */
  reason: TempBlockReason;
  /** When it started (clock ms). */
  since: number;
  /** When it ends (clock ms); blocked while `now < until`. */
  until: number;
}

/**
 * Options of {@link Protections}. Defaults are pYSFReflector3's code
 * defaults.
 *
 * @example Switching both protections off
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Protections, type ProtectionsOptions } from "./protections.ts";
 *
 * const options: ProtectionsOptions = { timeoutSeconds: 0, wildPttCount: 0 };
 * equal(new Protections(options).timeoutMs, 0);
 * ```
 */
export interface ProtectionsOptions {
  /** TOT in seconds, >= 0; 0 switches it off. Default 240. */
  timeoutSeconds?: number;
  /** How long a temporary block lasts, seconds, >= 0. Default 1800. */
  treactivateSeconds?: number;
  /** Wild-PTT window, seconds, > 0. Default 5. */
  wildPttTimeSeconds?: number;
  /**
   * Stream starts of one callsign within the window that trigger a block,
   * an integer >= 0; 0 switches wild-PTT off. Default 3.
   */
  wildPttCount?: number;
  /** The most temporary blocks held (oldest evicted). Default 1000. */
  maxTempBlocks?: number;
  /** The most callsigns whose recent stream starts are kept. Default 1000. */
  maxWildPttHistory?: number;
  /** The clock in ms. Default `Date.now`. */
  now?: () => number;
  /** Called when a block ends (expired, evicted or lifted). */
  onBlockRemoved?: (block: TempBlock, reason: TempBlockRemoval) => void;
}

/** The settings {@link Protections.configure} can change. */
export type ProtectionsSettings = Omit<
  ProtectionsOptions,
  "now" | "onBlockRemoved"
>;

function seconds(
  value: number | undefined,
  fallback: number,
  name: string,
  positive = false,
): number {
  const v = value ?? fallback;
  if (
    typeof v !== "number" || !Number.isFinite(v) || v < 0 ||
    (positive && v === 0)
  ) {
    throw new RangeError(
      `Expected ${name} to be a finite number ${
        positive ? ">" : ">="
      } 0, found ${v}`,
    );
  }
  return v;
}

function count(
  value: number | undefined,
  fallback: number,
  name: string,
  min: number,
): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < min) {
    throw new RangeError(
      `Expected ${name} to be an integer >= ${min}, found ${v}`,
    );
  }
  return v;
}

/**
 * The TOT and wild-PTT protections with their temporary-block table.
 *
 * - TOT: {@link Protections.streamTimedOut} says whether a stream started
 *   at a given time has run longer than `timeoutSeconds`; the reflector
 *   then ends it and calls {@link Protections.block}.
 * - Wild-PTT: {@link Protections.recordStreamStart} records each stream
 *   start; when a callsign started `wildPttCount` streams within
 *   `wildPttTimeSeconds` (this one included, as pYSFReflector3 counts) it is
 *   blocked. The stream that triggered it continues; the next one is
 *   refused.
 *
 * Blocks end lazily (checked by {@link Protections.isBlocked}) and by
 * {@link Protections.sweep}, which the reflector calls from its tick.
 *
 * @example Wild-PTT
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Protections } from "./protections.ts";
 *
 * let time = 0;
 * const p = new Protections({ now: () => time, wildPttCount: 3, wildPttTimeSeconds: 5 });
 * p.recordStreamStart("G4ABC");
 * time = 1000;
 * p.recordStreamStart("G4ABC");
 * time = 2000;
 * equal(p.recordStreamStart("G4ABC")?.reason, "wild-ptt");
 * equal(p.isBlocked("G4ABC"), true);
 * ```
 */
export class Protections {
  readonly #now: () => number;
  readonly #onBlockRemoved:
    | ((block: TempBlock, reason: TempBlockRemoval) => void)
    | undefined;
  #timeoutMs = 0;
  #treactivateMs = 0;
  #windowMs = 0;
  #wildCount = 0;
  #blocks: BoundedMap<string, TempBlock>;
  #history: BoundedMap<string, number[]>;
  #removal: TempBlockRemoval = "expired";
  #maxBlocks = 1;
  #configured = false;

  /**
   * Creates the protections with no blocks.
   *
   * @param options Limits, clock and callback.
   * @throws {RangeError} If a setting is out of range.
   *
   * @example Defaults
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Protections } from "./protections.ts";
   *
   * equal(new Protections().timeoutMs, 240_000);
   * ```
   */
  constructor(options: ProtectionsOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#onBlockRemoved = options.onBlockRemoved;
    this.#blocks = this.#newBlocks(1);
    this.#history = new BoundedMap({ capacity: 1 });
    this.configure(options);
  }

  /**
   * Changes the settings (e.g. on SIGHUP), keeping the current blocks
   * (their end times do not change) and history. A smaller table keeps
   * every current block until it ends.
   *
   * @param settings The settings to change; others keep their values, or
   * the defaults on the first call.
   * @throws {RangeError} If a setting is out of range.
   *
   * @example Switching wild-PTT off
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Protections } from "./protections.ts";
   *
   * const p = new Protections({ now: () => 0 });
   * p.configure({ wildPttCount: 0 });
   * p.recordStreamStart("G4ABC");
   * p.recordStreamStart("G4ABC");
   * equal(p.recordStreamStart("G4ABC"), undefined);
   * ```
   */
  configure(settings: ProtectionsSettings): void {
    const first = !this.#configured;
    const cur = first ? undefined : this.settings;
    const timeout = seconds(
      settings.timeoutSeconds,
      cur?.timeoutSeconds ?? 240,
      "timeoutSeconds",
    );
    const treactivate = seconds(
      settings.treactivateSeconds,
      cur?.treactivateSeconds ?? 1800,
      "treactivateSeconds",
    );
    const window = seconds(
      settings.wildPttTimeSeconds,
      cur?.wildPttTimeSeconds ?? 5,
      "wildPttTimeSeconds",
      true,
    );
    const wild = count(
      settings.wildPttCount,
      cur?.wildPttCount ?? 3,
      "wildPttCount",
      0,
    );
    const maxBlocks = count(
      settings.maxTempBlocks,
      cur?.maxTempBlocks ?? 1000,
      "maxTempBlocks",
      1,
    );
    const maxHistory = count(
      settings.maxWildPttHistory,
      cur?.maxWildPttHistory ?? 1000,
      "maxWildPttHistory",
      1,
    );
    this.#timeoutMs = timeout * 1000;
    this.#treactivateMs = treactivate * 1000;
    this.#windowMs = window * 1000;
    this.#wildCount = wild;
    if (first || maxBlocks !== this.#maxBlocks) {
      const old = this.#blocks;
      this.#blocks = this.#newBlocks(Math.max(maxBlocks, old.size));
      this.#maxBlocks = maxBlocks;
      for (const [k, v] of old) this.#blocks.set(k, v);
    }
    if (first || maxHistory !== this.#history.capacity) {
      const old = this.#history;
      this.#history = new BoundedMap({ capacity: maxHistory });
      for (const [k, v] of old) this.#history.set(k, v);
    }
    if (wild === 0) this.#history.clear();
    this.#configured = true;
  }

  /**
   * The current settings, in the units of {@link ProtectionsOptions}.
   *
   * @example Reading
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Protections } from "./protections.ts";
   *
   * equal(new Protections({ treactivateSeconds: 900 }).settings.treactivateSeconds, 900);
   * ```
   */
  get settings(): Required<ProtectionsSettings> {
    return {
      timeoutSeconds: this.#timeoutMs / 1000,
      treactivateSeconds: this.#treactivateMs / 1000,
      wildPttTimeSeconds: this.#windowMs / 1000,
      wildPttCount: this.#wildCount,
      maxTempBlocks: this.#maxBlocks,
      maxWildPttHistory: this.#history.capacity,
    };
  }

  /**
   * The TOT in ms (0 = off).
   *
   * @example Reading
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Protections } from "./protections.ts";
   *
   * equal(new Protections({ timeoutSeconds: 190 }).timeoutMs, 190_000);
   * ```
   */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /**
   * Number of temporary blocks held (some may have just expired).
   *
   * @example Counting
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Protections } from "./protections.ts";
   *
   * equal(new Protections().size, 0);
   * ```
   */
  get size(): number {
    return this.#blocks.size;
  }

  /**
   * Number of callsigns with wild-PTT history.
   *
   * @example Counting
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Protections } from "./protections.ts";
   *
   * const p = new Protections({ now: () => 0 });
   * p.recordStreamStart("G4ABC");
   * equal(p.historySize, 1);
   * ```
   */
  get historySize(): number {
    return this.#history.size;
  }

  /**
   * Whether a stream that started at `startedAt` has exceeded the TOT.
   *
   * @param startedAt The stream start (clock ms).
   * @returns `true` if the TOT is on and `now - startedAt > timeout`.
   *
   * @example TOT
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Protections } from "./protections.ts";
   *
   * let time = 240_000;
   * const p = new Protections({ now: () => time, timeoutSeconds: 240 });
   * equal(p.streamTimedOut(0), false);
   * time = 240_001;
   * equal(p.streamTimedOut(0), true);
   * ```
   */
  streamTimedOut(startedAt: number): boolean {
    return this.#timeoutMs > 0 && this.#now() - startedAt > this.#timeoutMs;
  }

  /**
   * Whether a base callsign is blocked now. An expired block is removed
   * (and reported) on the way.
   *
   * @param callsign The base callsign (any case).
   * @returns `true` if blocked.
   *
   * @example Expiry
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Protections } from "./protections.ts";
   *
   * let time = 0;
   * const p = new Protections({ now: () => time, treactivateSeconds: 10 });
   * p.block("G4ABC", "timeout");
   * time = 9_999;
   * equal(p.isBlocked("g4abc"), true);
   * time = 10_000;
   * equal(p.isBlocked("G4ABC"), false);
   * ```
   */
  isBlocked(callsign: string): boolean {
    if (this.#blocks.size === 0) return false;
    const key = callsign.toUpperCase();
    const block = this.#blocks.peek(key);
    if (block === undefined) return false;
    if (this.#now() < block.until) return true;
    this.#remove(key, "expired");
    return false;
  }

  /**
   * Blocks a base callsign for `treactivateSeconds`. An existing block is
   * kept as it is.
   *
   * @param callsign The base callsign (any case).
   * @param reason Why.
   * @returns The new block, or `undefined` if it was already blocked or
   * `treactivateSeconds` is 0.
   *
   * @example Blocking
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Protections } from "./protections.ts";
   *
   * const p = new Protections({ now: () => 0 });
   * equal(p.block("G4ABC", "timeout")?.reason, "timeout");
   * equal(p.block("G4ABC", "wild-ptt"), undefined);
   * ```
   */
  block(callsign: string, reason: TempBlockReason): TempBlock | undefined {
    if (this.#treactivateMs <= 0) return undefined;
    const key = callsign.toUpperCase();
    if (this.isBlocked(key)) return undefined;
    const now = this.#now();
    const block: TempBlock = {
      callsign: key,
      reason,
      since: now,
      until: now + this.#treactivateMs,
    };
    if (this.#blocks.size >= this.#maxBlocks) this.#evictOldest();
    this.#blocks.set(key, block);
    this.#history.delete(key);
    return block;
  }

  /**
   * Lifts a block now (e.g. from an admin API).
   *
   * @param callsign The base callsign (any case).
   * @returns `true` if it was blocked.
   *
   * @example Lifting
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Protections } from "./protections.ts";
   *
   * const p = new Protections({ now: () => 0 });
   * p.block("G4ABC", "timeout");
   * equal(p.unblock("G4ABC"), true);
   * equal(p.isBlocked("G4ABC"), false);
   * ```
   */
  unblock(callsign: string): boolean {
    const key = callsign.toUpperCase();
    if (!this.#blocks.has(key)) return false;
    this.#remove(key, "lifted");
    return true;
  }

  /**
   * Records the start of a stream and applies the wild-PTT rule.
   *
   * @param callsign The talker's base callsign (any case).
   * @returns The block this start triggered, or `undefined`.
   *
   * @example Starts outside the window do not count
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Protections } from "./protections.ts";
   *
   * let time = 0;
   * const p = new Protections({ now: () => time, wildPttCount: 2, wildPttTimeSeconds: 5 });
   * p.recordStreamStart("G4ABC");
   * time = 5_001;
   * equal(p.recordStreamStart("G4ABC"), undefined);
   * time = 6_000;
   * equal(p.recordStreamStart("G4ABC")?.reason, "wild-ptt");
   * ```
   */
  recordStreamStart(callsign: string): TempBlock | undefined {
    if (this.#wildCount === 0) return undefined;
    const key = callsign.toUpperCase();
    const now = this.#now();
    let starts = this.#history.get(key);
    if (starts === undefined) {
      starts = [];
      this.#history.set(key, starts);
    }
    starts.push(now);
    const oldest = now - this.#windowMs;
    let drop = 0;
    while (drop < starts.length && starts[drop] < oldest) drop++;
    const excess = starts.length - drop - this.#wildCount;
    if (excess > 0) drop += excess;
    if (drop > 0) starts.splice(0, drop);
    if (starts.length >= this.#wildCount) return this.block(key, "wild-ptt");
    return undefined;
  }

  /**
   * Removes every expired block (reported as `expired`) and forgets
   * wild-PTT history older than the window.
   *
   * @returns The number of blocks removed.
   *
   * @example Sweeping
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Protections } from "./protections.ts";
   *
   * let time = 0;
   * const p = new Protections({ now: () => time, treactivateSeconds: 1 });
   * p.block("G4ABC", "timeout");
   * time = 1000;
   * equal(p.sweep(), 1);
   * ```
   */
  sweep(): number {
    const now = this.#now();
    let removed = 0;
    if (this.#blocks.size > 0) {
      for (const [key, block] of this.#blocks) {
        if (now >= block.until) {
          this.#remove(key, "expired");
          removed++;
        }
      }
    }
    if (this.#history.size > 0) {
      const oldest = now - this.#windowMs;
      for (const [key, starts] of this.#history) {
        if (starts.length === 0 || starts[starts.length - 1] < oldest) {
          this.#history.delete(key);
        }
      }
    }
    return removed;
  }

  /**
   * The current blocks, soonest to end first (copies).
   *
   * @returns The blocks.
   *
   * @example Listing
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Protections } from "./protections.ts";
   *
   * const p = new Protections({ now: () => 0 });
   * p.block("G4ABC", "timeout");
   * equal(p.blocks()[0].callsign, "G4ABC");
   * ```
   */
  blocks(): TempBlock[] {
    const now = this.#now();
    const out: TempBlock[] = [];
    for (const block of this.#blocks.values()) {
      if (now < block.until) out.push({ ...block });
    }
    return out.sort((a, b) => a.until - b.until);
  }

  #newBlocks(capacity: number): BoundedMap<string, TempBlock> {
    return new BoundedMap<string, TempBlock>({
      capacity,
      onEvict: (_key, block, reason) => {
        if (reason === "cleared") return;
        this.#onBlockRemoved?.(
          block,
          reason === "capacity" ? "evicted" : this.#removal,
        );
      },
    });
  }

  #remove(key: string, reason: TempBlockRemoval): void {
    this.#removal = reason;
    try {
      this.#blocks.delete(key);
    } finally {
      this.#removal = "expired";
    }
  }

  /** Evicts the block that ends soonest (the table is full). */
  #evictOldest(): void {
    let soonest: TempBlock | undefined;
    for (const block of this.#blocks.values()) {
      if (soonest === undefined || block.until < soonest.until) soonest = block;
    }
    if (soonest !== undefined) this.#remove(soonest.callsign, "evicted");
  }
}
