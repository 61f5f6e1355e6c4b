/**
 * The parameter values of one module instance, with deterministic
 * smoothing and modulation.
 *
 * A set either applies at once or, for parameters marked `smooth`, starts a
 * linear ramp of a fixed number of frames from the current value to the new
 * one. The engine renders in segments of at most 32 frames; a module reads
 * each parameter's effective value at the start and at the end of the
 * segment (ramp position plus the modulation an LFO wrote for that
 * segment, clamped to the range, rounded for integer parameters) and may
 * interpolate between them per sample. The ramp advances by whole segments,
 * so the result depends only on the frames at which things happen, never on
 * timing.
 *
 * The state that must survive a snapshot (values, targets, steps, frames
 * left) is one `Float64Array`, {@linkcode ParamBank.state}.
 *
 * @module
 */

import type { ParamSpec } from "./param_spec.ts";

/**
 * The values, ramps and modulation inputs of a module's parameters.
 *
 * @example A smoothed change over 4 frames
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ParamBank } from "./param_bank.ts";
 *
 * const bank = new ParamBank([{ name: "gain", min: 0, max: 4, default: 1, smooth: true }], 4);
 * bank.set(0, 3);
 * equal(bank.start(0), 1);
 * equal(bank.end(0, 2), 2);
 * bank.advance(2);
 * equal(bank.value(0), 2);
 * bank.advance(2);
 * equal(bank.value(0), 3);
 * ```
 */
export class ParamBank {
  /** The specifications, in index order. */
  readonly specs: readonly ParamSpec[];
  /**
   * The saved state: values, targets, per-frame steps and frames left of
   * the ramp, `4 × count` numbers.
   */
  readonly state: Float64Array;
  /** Modulation added at the start of the current segment, per parameter. */
  readonly modStart: Float64Array;
  /** Modulation added at the end of the current segment, per parameter. */
  readonly modEnd: Float64Array;
  /**
   * Effective values at the start of the current segment, filled by
   * {@linkcode ParamBank.prepare}; what modules read while rendering.
   */
  readonly starts: Float64Array;
  /**
   * Effective values `span` frames after the start of the current segment
   * (the next control point), filled by {@linkcode ParamBank.prepare}.
   */
  readonly ends: Float64Array;
  readonly #count: number;
  readonly #rampFrames: number;
  readonly #min: Float64Array;
  readonly #max: Float64Array;
  readonly #integer: Uint8Array;
  readonly #smooth: Uint8Array;

  /**
   * Creates a bank holding every parameter's default.
   *
   * @param specs The parameters.
   * @param rampFrames The length of a smoothing ramp in frames (0 applies
   * every change at once).
   * @throws {RangeError} If `rampFrames` is not an integer >= 0.
   *
   * @example Defaults
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ParamBank } from "./param_bank.ts";
   *
   * const bank = new ParamBank([{ name: "q", min: 0.1, max: 20, default: 0.707 }], 240);
   * equal(bank.value(0), 0.707);
   * ```
   */
  constructor(specs: readonly ParamSpec[], rampFrames: number) {
    if (!Number.isSafeInteger(rampFrames) || rampFrames < 0) {
      throw new RangeError(
        `Expected rampFrames to be an integer >= 0 but found ${rampFrames}`,
      );
    }
    const n = specs.length;
    this.specs = specs;
    this.#count = n;
    this.#rampFrames = rampFrames;
    this.state = new Float64Array(4 * n);
    this.modStart = new Float64Array(n);
    this.modEnd = new Float64Array(n);
    this.starts = new Float64Array(n);
    this.ends = new Float64Array(n);
    this.#min = new Float64Array(n);
    this.#max = new Float64Array(n);
    this.#integer = new Uint8Array(n);
    this.#smooth = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const spec = specs[i];
      this.state[i] = spec.default;
      this.state[n + i] = spec.default;
      this.#min[i] = spec.min;
      this.#max[i] = spec.max;
      this.#integer[i] = spec.integer === true ? 1 : 0;
      this.#smooth[i] = spec.smooth === true ? 1 : 0;
    }
  }

  /**
   * The number of parameters.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ParamBank } from "./param_bank.ts";
   *
   * equal(new ParamBank([], 0).count, 0);
   * ```
   */
  get count(): number {
    return this.#count;
  }

  /**
   * Sets a parameter: a ramp for a smoothed parameter, at once otherwise.
   * The value is not range-checked here (see `checkParamValue`).
   *
   * @param index The parameter index.
   * @param value The new value.
   *
   * @example An integer parameter changes at once
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ParamBank } from "./param_bank.ts";
   *
   * const bank = new ParamBank([{ name: "mode", min: 0, max: 3, default: 0, integer: true }], 240);
   * bank.set(0, 2);
   * equal(bank.start(0), 2);
   * ```
   */
  set(index: number, value: number): void {
    const n = this.#count;
    const s = this.state;
    if (this.#smooth[index] === 1 && this.#rampFrames > 0) {
      s[n + index] = value;
      s[2 * n + index] = (value - s[index]) / this.#rampFrames;
      s[3 * n + index] = this.#rampFrames;
    } else {
      this.setNow(index, value);
    }
  }

  /**
   * Sets a parameter at once, without a ramp (initial values of a patch).
   *
   * @param index The parameter index.
   * @param value The new value.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ParamBank } from "./param_bank.ts";
   *
   * const bank = new ParamBank([{ name: "gain", min: 0, max: 4, default: 1, smooth: true }], 240);
   * bank.setNow(0, 2);
   * equal(bank.start(0), 2);
   * ```
   */
  setNow(index: number, value: number): void {
    const n = this.#count;
    const s = this.state;
    s[index] = value;
    s[n + index] = value;
    s[2 * n + index] = 0;
    s[3 * n + index] = 0;
  }

  /**
   * The current value without modulation (the ramp position).
   *
   * @param index The parameter index.
   * @returns The value.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ParamBank } from "./param_bank.ts";
   *
   * equal(new ParamBank([{ name: "x", min: 0, max: 1, default: 0.5 }], 0).value(0), 0.5);
   * ```
   */
  value(index: number): number {
    return this.state[index];
  }

  /**
   * The value a ramp is heading to (the last value set).
   *
   * @param index The parameter index.
   * @returns The target.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ParamBank } from "./param_bank.ts";
   *
   * const bank = new ParamBank([{ name: "x", min: 0, max: 1, default: 0, smooth: true }], 10);
   * bank.set(0, 1);
   * equal(bank.target(0), 1);
   * ```
   */
  target(index: number): number {
    return this.state[this.#count + index];
  }

  /**
   * The effective value at the start of the current segment: the ramp
   * position plus the segment's modulation, clamped to the range and rounded
   * for integer parameters.
   *
   * @param index The parameter index.
   * @returns The effective value.
   *
   * @example Modulation is clamped to the range
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ParamBank } from "./param_bank.ts";
   *
   * const bank = new ParamBank([{ name: "x", min: 0, max: 1, default: 0.5 }], 0);
   * bank.modStart[0] = 2;
   * equal(bank.start(0), 1);
   * ```
   */
  start(index: number): number {
    return this.#effective(index, this.state[index] + this.modStart[index]);
  }

  /**
   * The effective value at the end of a segment of `frames` frames.
   *
   * @param index The parameter index.
   * @param frames The segment length.
   * @returns The effective value.
   *
   * @example Half-way through a ramp
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ParamBank } from "./param_bank.ts";
   *
   * const bank = new ParamBank([{ name: "x", min: 0, max: 1, default: 0, smooth: true }], 10);
   * bank.set(0, 1);
   * equal(bank.end(0, 5), 0.5);
   * ```
   */
  end(index: number, frames: number): number {
    const n = this.#count;
    const s = this.state;
    const left = s[3 * n + index];
    let v = s[index];
    if (left > 0) {
      v = frames >= left ? s[n + index] : v + s[2 * n + index] * frames;
    }
    return this.#effective(index, v + this.modEnd[index]);
  }

  /**
   * Fills {@linkcode ParamBank.starts} and {@linkcode ParamBank.ends} for a
   * segment whose next control point is `span` frames away: the same values
   * as {@linkcode ParamBank.start} and {@linkcode ParamBank.end}, computed
   * for every parameter at once so the render path never returns a number
   * from a call (which V8 may box and allocate).
   *
   * @param span Frames to the next control point (>= 1).
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ParamBank } from "./param_bank.ts";
   *
   * const bank = new ParamBank([{ name: "x", min: 0, max: 1, default: 0, smooth: true }], 10);
   * bank.set(0, 1);
   * bank.prepare(5);
   * equal(bank.starts[0], 0);
   * equal(bank.ends[0], 0.5);
   * ```
   */
  prepare(span: number): void {
    const n = this.#count;
    const s = this.state;
    const min = this.#min;
    const max = this.#max;
    const integer = this.#integer;
    for (let i = 0; i < n; i++) {
      const value = s[i];
      let v = value + this.modStart[i];
      if (integer[i] === 1) v = Math.round(v);
      this.starts[i] = v < min[i] ? min[i] : v > max[i] ? max[i] : v;
      const left = s[3 * n + i];
      let e = value;
      if (left > 0) e = span >= left ? s[n + i] : value + s[2 * n + i] * span;
      e += this.modEnd[i];
      if (integer[i] === 1) e = Math.round(e);
      this.ends[i] = e < min[i] ? min[i] : e > max[i] ? max[i] : e;
    }
  }

  /**
   * Moves every ramp `frames` frames on (called after each segment).
   *
   * @param frames The segment length.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ParamBank } from "./param_bank.ts";
   *
   * const bank = new ParamBank([{ name: "x", min: 0, max: 1, default: 0, smooth: true }], 4);
   * bank.set(0, 1);
   * bank.advance(100);
   * equal(bank.value(0), 1);
   * ```
   */
  advance(frames: number): void {
    const n = this.#count;
    const s = this.state;
    for (let i = 0; i < n; i++) {
      const left = s[3 * n + i];
      if (left <= 0) continue;
      if (frames >= left) {
        s[i] = s[n + i];
        s[2 * n + i] = 0;
        s[3 * n + i] = 0;
      } else {
        s[i] += s[2 * n + i] * frames;
        s[3 * n + i] = left - frames;
      }
    }
  }

  /**
   * Zeroes all modulation inputs (when a new graph is wired).
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ParamBank } from "./param_bank.ts";
   *
   * const bank = new ParamBank([{ name: "x", min: 0, max: 1, default: 0 }], 0);
   * bank.modStart[0] = 0.5;
   * bank.clearModulation();
   * equal(bank.start(0), 0);
   * ```
   */
  clearModulation(): void {
    this.modStart.fill(0);
    this.modEnd.fill(0);
  }

  #effective(index: number, v: number): number {
    if (this.#integer[index] === 1) v = Math.round(v);
    const min = this.#min[index];
    const max = this.#max[index];
    return v < min ? min : v > max ? max : v;
  }
}
