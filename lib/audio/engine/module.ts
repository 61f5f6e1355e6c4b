/**
 * The base of every engine module: an id, a type definition (ports and
 * parameters), a {@linkcode ParamBank}, preallocated block-sized output
 * buffers, and the input references the graph wires in at commit.
 *
 * A module renders a segment `[start, end)` of the current block (at most
 * 32 frames, see the engine): it reads its inputs and parameters and writes
 * its outputs in that range. Everything a module must keep between blocks
 * lives in typed arrays it lists in {@linkcode EngineModule.stateArrays}, so
 * a snapshot saves them generically and a restored module continues
 * bit-identically.
 *
 * @module
 */

import { ParamBank } from "./param_bank.ts";
import type { ParamSpec } from "./param_spec.ts";

/**
 * What a module needs to know about the engine it runs in.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ModuleContext } from "./module.ts";
 *
 * const context: ModuleContext = { sampleRate: 48000, blockSize: 256, channels: 2, rampFrames: 240, seed: 1 };
 * equal(context.blockSize, 256);
 * ```
 */
export interface ModuleContext {
  /** Frames per second. */
  readonly sampleRate: number;
  /** Frames per block (the size of every buffer). */
  readonly blockSize: number;
  /** Output channels of the engine. */
  readonly channels: number;
  /** Length of a parameter smoothing ramp in frames. */
  readonly rampFrames: number;
  /** A 32-bit seed for the module's own random generator. */
  readonly seed: number;
}

/**
 * The typed arrays that make up a module's saved state.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { StateArray } from "./module.ts";
 *
 * const array: StateArray = new Float64Array(2);
 * equal(array.length, 2);
 * ```
 */
export type StateArray = Float64Array | Float32Array | Uint32Array;

/**
 * A module type: its name, ports, parameters and factory.
 *
 * @example Looking at a type
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { GAIN_MODULE } from "./modules/gain_module.ts";
 *
 * equal(GAIN_MODULE.type, "gain");
 * equal(GAIN_MODULE.inputs[0], "in");
 * ```
 */
export interface ModuleDef {
  /** The type name used by `/patch/create <id> <type>`. */
  readonly type: string;
  /** One line about what it does. */
  readonly description: string;
  /** Audio input ports; several connections to one port are summed. */
  readonly inputs: readonly string[];
  /** Audio output ports. */
  readonly outputs: readonly string[];
  /** Control output ports (connected to other modules' parameters). */
  readonly controls: readonly string[];
  /** Parameters, in index order. */
  readonly params: readonly ParamSpec[];
  /** Creates an instance. */
  create(id: string, context: ModuleContext): EngineModule;
}

/**
 * The base class of every module instance.
 *
 * @example A module's buffers are preallocated
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { GAIN_MODULE } from "./modules/gain_module.ts";
 *
 * const gain = GAIN_MODULE.create("g1", { sampleRate: 48000, blockSize: 64, channels: 2, rampFrames: 0, seed: 1 });
 * equal(gain.outputs[0].length, 64);
 * equal(gain.inputs[0], null);
 * ```
 */
export abstract class EngineModule {
  /** The instance id (`filter1`). */
  readonly id: string;
  /** The type definition. */
  readonly def: ModuleDef;
  /** Parameter values, ramps and modulation inputs. */
  readonly params: ParamBank;
  /**
   * Audio inputs, one per input port: a buffer to read `[start, end)` from,
   * or `null` when nothing is connected. Set by the graph at commit.
   */
  readonly inputs: (Float64Array | null)[];
  /** Audio outputs, one block-sized buffer per output port. */
  readonly outputs: Float64Array[];
  /**
   * Control outputs: `[startValue, endValue]` for the current segment, two
   * numbers per control port.
   */
  readonly controlOut: Float64Array;
  /** Frames per second. */
  readonly sampleRate: number;

  /**
   * Allocates the buffers and parameter bank.
   *
   * @param id The instance id.
   * @param def The type definition.
   * @param context The engine context.
   *
   * @example See {@linkcode EngineModule}.
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { OSC_MODULE } from "./modules/osc_module.ts";
   *
   * const osc = OSC_MODULE.create("o", { sampleRate: 8000, blockSize: 16, channels: 1, rampFrames: 0, seed: 2 });
   * equal(osc.id, "o");
   * ```
   */
  constructor(id: string, def: ModuleDef, context: ModuleContext) {
    this.id = id;
    this.def = def;
    this.sampleRate = context.sampleRate;
    this.params = new ParamBank(def.params, context.rampFrames);
    this.inputs = def.inputs.map(() => null);
    this.outputs = def.outputs.map(() => new Float64Array(context.blockSize));
    this.controlOut = new Float64Array(2 * def.controls.length);
  }

  /**
   * Renders `[start, end)` of the current block into the outputs. Before
   * the call the graph has run `params.prepare(span)`, so the effective
   * parameter values are in `params.starts` and `params.ends`; afterwards
   * it moves the ramps on. The render path reads numbers from typed arrays
   * and returns none from calls: V8 boxes (allocates) a number returned
   * from, or passed to, a call it did not inline.
   *
   * Values interpolated per sample (gains, levels, LFO outputs) go from
   * their value at `start` towards their value `span` frames later, the
   * next point of the engine's 32-frame control grid, so splitting a grid
   * cell at a command's frame leaves the samples before that frame as they
   * were.
   *
   * @param start The first frame of the segment within the block.
   * @param end One past the last frame.
   * @param span Frames from `start` to the next control point (>= the
   * segment length).
   */
  abstract process(start: number, end: number, span: number): void;

  /**
   * The typed arrays holding the module's own state (besides its
   * parameters), in a fixed order; saved and restored by snapshots.
   *
   * @returns The arrays (the live ones, not copies).
   */
  abstract stateArrays(): readonly StateArray[];

  /**
   * Called after a parameter was set by a command, so a module can react to
   * an edge (a gate) or a structural change (a voice count). Does nothing
   * by default.
   *
   * @param _index The parameter index.
   *
   * @example Usage
   * ```ts
   * import { GAIN_MODULE } from "./modules/gain_module.ts";
   *
   * const gain = GAIN_MODULE.create("g", { sampleRate: 8000, blockSize: 16, channels: 1, rampFrames: 0, seed: 2 });
   * gain.paramChanged(0);
   * ```
   */
  paramChanged(_index: number): void {}
}
