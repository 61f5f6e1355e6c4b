/**
 * The current bitrate of each session, from samples of its byte counter
 * over a sliding window, on an injected clock.
 *
 * @module
 */

import { BoundedMap } from "../../core/bounded/bounded_map.ts";

/**
 * Options of {@link BitrateMeter}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { BitrateMeterOptions } from "./bitrate_meter.ts";
 *
 * const options: BitrateMeterOptions = { windowMs: 5000, capacity: 100 };
 * equal(options.windowMs, 5000);
 * ```
 */
export interface BitrateMeterOptions {
  /** The rate is measured over about this long, ms. Default 5000. */
  windowMs?: number;
  /** Shortest span a rate is given for, ms. Default 500. */
  minSpanMs?: number;
  /** Sessions tracked at most (least recently sampled are dropped). Default 4096. */
  capacity?: number;
}

interface Sample {
  at: number;
  bytes: number;
}

const MIN_SAMPLE_GAP_MS = 200;
const MAX_SAMPLES = 64;

/**
 * Measures bits per second per id from a growing byte count.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BitrateMeter } from "./bitrate_meter.ts";
 *
 * const meter = new BitrateMeter({ windowMs: 4000 });
 * equal(meter.sample("s1", 0, 0), undefined); // one sample: no rate yet
 * meter.sample("s1", 500_000, 1000);
 * equal(meter.sample("s1", 1_000_000, 2000), 4_000_000); // 1 MB in 2 s
 * ```
 */
export class BitrateMeter {
  readonly #windowMs: number;
  readonly #minSpanMs: number;
  readonly #samples: BoundedMap<string, Sample[]>;

  /**
   * Creates a meter.
   *
   * @param options Window, minimum span and capacity.
   * @throws {RangeError} If a value is not positive.
   */
  constructor(options: BitrateMeterOptions = {}) {
    this.#windowMs = options.windowMs ?? 5000;
    this.#minSpanMs = options.minSpanMs ?? 500;
    const capacity = options.capacity ?? 4096;
    if (!(this.#windowMs > 0) || !(this.#minSpanMs > 0)) {
      throw new RangeError(
        `Expected windowMs and minSpanMs to be > 0, found ${this.#windowMs} and ${this.#minSpanMs}`,
      );
    }
    this.#samples = new BoundedMap({ capacity, policy: "evict-lru" });
  }

  /** Ids tracked now. */
  get size(): number {
    return this.#samples.size;
  }

  /**
   * Records the byte count of `id` at `now` and returns its rate.
   *
   * @param id The session.
   * @param bytes Its byte counter (only grows).
   * @param now The clock, ms.
   * @returns Bits per second over the window, or `undefined` until the
   *   samples span `minSpanMs`.
   */
  sample(id: string, bytes: number, now: number): number | undefined {
    let samples = this.#samples.get(id);
    const last = samples?.[samples.length - 1];
    if (samples === undefined || last === undefined || bytes < last.bytes) {
      samples = [{ at: now, bytes }];
      this.#samples.set(id, samples);
      return undefined;
    }
    if (now - last.at >= MIN_SAMPLE_GAP_MS) {
      samples.push({ at: now, bytes });
      if (samples.length > MAX_SAMPLES) samples.shift();
    }
    while (samples.length > 2 && now - samples[1].at >= this.#windowMs) {
      samples.shift();
    }
    const first = samples[0];
    const span = now - first.at;
    if (span < this.#minSpanMs) return undefined;
    return Math.round(((bytes - first.bytes) * 8 * 1000) / span);
  }

  /**
   * Forgets every id not in `ids` (sessions that ended).
   *
   * @param ids The ids still live.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { BitrateMeter } from "./bitrate_meter.ts";
   *
   * const meter = new BitrateMeter();
   * meter.sample("a", 0, 0);
   * meter.sample("b", 0, 0);
   * meter.retain(new Set(["b"]));
   * equal(meter.size, 1);
   * ```
   */
  retain(ids: ReadonlySet<string>): void {
    for (const id of [...this.#samples.keys()]) {
      if (!ids.has(id)) this.#samples.delete(id);
    }
  }
}
