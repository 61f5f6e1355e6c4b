// @ts-check
/**
 * The audio jitter buffer's decisions, without Web Audio: where each
 * decoded chunk is scheduled on the audio clock, how fast playback should
 * run to hold the buffer at its target, and when to re-anchor (underrun)
 * or drop (overrun).
 *
 * - Jitter: an RFC 3550-style running mean of how far each chunk's arrival
 *   interval differs from the previous chunk's duration.
 * - Target lead: `base + 4·jitter`, raised by `underrunStep` after every
 *   underrun and slowly relaxed, clamped to `[minTarget, maxTarget]`.
 * - Rate: playback runs up to `maxRateError` faster or slower
 *   (proportional to the lead's error), so clock drift between the server
 *   and the sound card is absorbed without gaps.
 * - A chunk that would start in the past (the buffer ran dry) is played
 *   at `now + target` (counted as an underrun); a chunk that would start
 *   more than `target + max(overrunMargin, target)` ahead (a burst after a
 *   stall, or a sound card that started late) is dropped (counted), which
 *   brings the lead back faster than the rate control could.
 *
 * Times are seconds on the caller's clocks (the audio clock for `now`, any
 * monotonic clock for arrivals).
 *
 * @module
 */

/**
 * Options of {@link PlayoutScheduler}.
 *
 * @typedef {object} PlayoutSchedulerOptions
 * @property {number} [baseTarget] Lead with no jitter, s (default 0.08).
 * @property {number} [minTarget] Smallest target, s (default 0.05).
 * @property {number} [maxTarget] Largest target, s (default 1).
 * @property {number} [underrunStep] Target added per underrun, s (default 0.04).
 * @property {number} [relax] Share of the underrun bonus kept per chunk (default 0.998).
 * @property {number} [overrunMargin] Least lead over the target before
 * chunks are dropped, s (default 0.15).
 * @property {number} [maxRateError] Largest playback speed change (default 0.01).
 * @property {number} [rateGain] Speed change per second of lead error (default 0.1).
 * @property {number} [quantum] Anchors land on multiples of this, s (one
 * frame of the audio clock, `1 / sampleRate`; default 0: anywhere).
 */

/**
 * A scheduling decision.
 *
 * @typedef {{ action: "play", at: number, rate: number } | { action: "drop" }} PlayoutDecision
 */

/**
 * Decides when each chunk plays.
 *
 * @example Steady chunks play back to back
 * ```ts
 * import { deepEqual, equal, ok } from "node:assert/strict";
 * import { PlayoutScheduler } from "./jitter_buffer.js";
 *
 * const scheduler = new PlayoutScheduler({ baseTarget: 0.125, maxRateError: 0 });
 * deepEqual(scheduler.schedule(0.25, 10, 100), { action: "play", at: 10.125, rate: 1 });
 * deepEqual(scheduler.schedule(0.25, 10.25, 100.25), { action: "play", at: 10.375, rate: 1 });
 * equal(scheduler.stats.underruns, 0);
 * // The buffer ran dry: the next chunk is anchored again, one (raised)
 * // target ahead.
 * const late = scheduler.schedule(0.25, 11, 100.5);
 * ok(late.action === "play" && Math.abs(late.at - 11.165) < 1e-9);
 * equal(scheduler.stats.underruns, 1);
 * ```
 */
export class PlayoutScheduler {
  /** @type {number | undefined} */
  #next;
  /** @type {number | undefined} */
  #lastArrival;
  #lastDuration = 0;
  #jitter = 0;
  #bonus = 0;
  #underruns = 0;
  #dropped = 0;
  #played = 0;
  #lead = 0;
  #rate = 1;
  #base;
  #min;
  #max;
  #step;
  #relax;
  #maxRate;
  #gain;
  #quantum;
  #overrun;

  /**
   * @param {PlayoutSchedulerOptions} [options] Targets and rate control.
   */
  constructor(options = {}) {
    this.#base = options.baseTarget ?? 0.08;
    this.#min = options.minTarget ?? 0.05;
    this.#max = options.maxTarget ?? 1;
    this.#step = options.underrunStep ?? 0.04;
    this.#relax = options.relax ?? 0.998;
    this.#maxRate = options.maxRateError ?? 0.01;
    this.#gain = options.rateGain ?? 0.1;
    this.#quantum = options.quantum ?? 0;
    this.#overrun = options.overrunMargin ?? 0.15;
  }

  /**
   * The lead the buffer aims at now, s.
   *
   * @returns {number} The target.
   */
  get target() {
    return Math.min(
      this.#max,
      Math.max(this.#min, this.#base + 4 * this.#jitter + this.#bonus),
    );
  }

  /**
   * Counters and the current state.
   *
   * @returns {{ underruns: number, dropped: number, played: number, jitterMs: number, targetMs: number, leadMs: number, rate: number }}
   *   Underruns, dropped and played chunks, jitter, target and last lead
   *   (ms), last playback rate.
   */
  get stats() {
    return {
      underruns: this.#underruns,
      dropped: this.#dropped,
      played: this.#played,
      jitterMs: this.#jitter * 1000,
      targetMs: this.target * 1000,
      leadMs: this.#lead * 1000,
      rate: this.#rate,
    };
  }

  /**
   * How much audio is scheduled ahead of `now`, s.
   *
   * @param {number} now The audio clock, s.
   * @returns {number} The lead (0 when nothing is scheduled).
   */
  buffered(now) {
    return this.#next === undefined ? 0 : Math.max(0, this.#next - now);
  }

  /** Starts over (a new stream): the next chunk is anchored afresh. */
  reset() {
    this.#next = undefined;
    this.#lastArrival = undefined;
    this.#lastDuration = 0;
    this.#lead = 0;
    this.#rate = 1;
  }

  /**
   * Schedules one chunk.
   *
   * @param {number} duration The chunk's duration at normal speed, s.
   * @param {number} now The audio clock, s.
   * @param {number} arrival When the chunk arrived, s (any monotonic clock).
   * @returns {PlayoutDecision} Play at `at` with speed `rate` (the chunk
   * then lasts `duration / rate`), or drop it.
   */
  schedule(duration, now, arrival) {
    if (this.#lastArrival !== undefined) {
      const deviation = Math.abs(
        arrival - this.#lastArrival - this.#lastDuration,
      );
      // Cap one outlier's effect (a tab in the background, a GC pause).
      this.#jitter += (Math.min(deviation, 1) - this.#jitter) / 16;
    }
    this.#lastArrival = arrival;
    this.#lastDuration = duration;
    this.#bonus *= this.#relax;
    let target = this.target;
    let lead = this.#next === undefined ? -1 : this.#next - now;
    if (lead < 0.002) {
      if (this.#next !== undefined) {
        this.#underruns++;
        this.#bonus = Math.min(this.#max, this.#bonus + this.#step);
        target = this.target;
      }
      const q = this.#quantum;
      this.#next = q > 0 ? Math.ceil((now + target) / q) * q : now + target;
      lead = this.#next - now;
    } else if (lead > target + Math.max(this.#overrun, target)) {
      this.#dropped++;
      this.#lead = lead;
      return { action: "drop" };
    }
    const error = lead - target;
    const rate = 1 +
      Math.max(-this.#maxRate, Math.min(this.#maxRate, error * this.#gain));
    const at = /** @type {number} */ (this.#next);
    this.#next = at + duration / rate;
    this.#lead = lead;
    this.#rate = rate;
    this.#played++;
    return { action: "play", at, rate };
  }

  /**
   * Corrects the length of the chunk scheduled last (what the resampler
   * actually produced), so the next chunk starts exactly where it ends.
   *
   * @param {number} at The `at` of that chunk's decision.
   * @param {number} length Its real length, s.
   */
  settle(at, length) {
    this.#next = at + length;
  }
}
