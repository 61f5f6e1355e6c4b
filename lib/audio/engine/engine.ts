/**
 * `AudioEngine`: the deterministic rendering core that both audio workers
 * run in lockstep. No I/O, no clock, no `Math.random`: the output depends
 * only on the options, the seed and the commands (with their frames), so
 * two engines fed the same commands render bit-identical blocks, and a
 * snapshot restored elsewhere continues bit-identically.
 *
 * Rendering: each block is cut into segments at absolute multiples of 32
 * frames and at the frame of every scheduled command; commands apply at the
 * start of their segment (in frame, then seq order), so a command for frame
 * F affects sample F exactly. A command for a frame already rendered
 * applies at the start of the next block. Values interpolated per sample
 * (gains, levels, LFO outputs) run along the 32-frame grid, so a command at
 * F leaves every sample before F as it would have been; a smoothed
 * parameter's 5 ms ramp starts at F. `patch_commit` is the exception:
 * the new graph swaps in at the first block boundary at or after its frame.
 * Nothing is allocated per block in steady state (patch commands allocate
 * module instances and wiring when they apply).
 *
 * Patching (Music Chronus's `/patch/*`, audio-engine.md §5): a pending
 * patch starts as a copy of the active one; `patch_create`/`connect`/
 * `disconnect`/`clear` edit it off to the side (each edit is validated at
 * once: a cycle or an unknown port is rejected, the pending patch is left as
 * it was); `patch_commit` validates the whole patch and swaps it in;
 * `patch_abort` resets it to the active patch. A module kept with the same
 * id and type keeps its instance and state (phase, filter memory, delay
 * line, voices); a parameter may be set on a pending module before the
 * commit, so a new patch starts with the values it should have.
 *
 * Bad commands never throw out of `renderBlock`: they are counted in
 * `stats.rejected` and passed to `onReject`.
 *
 * @module
 */

import {
  checkCommandTiming,
  type ControlPair,
  type EngineCommand,
} from "./commands.ts";
import { decodeCommand, encodeCommand } from "./command_codec.ts";
import { CommandQueue } from "./command_queue.ts";
import { EngineCommandError } from "./engine_command_error.ts";
import { CompiledGraph } from "./graph_runtime.ts";
import { GroupTable, MAX_GROUPS } from "./group_table.ts";
import type { EngineModule, ModuleContext } from "./module.ts";
import { findModuleDef } from "./modules/module_registry.ts";
import {
  checkVoiceControl,
  MAX_VOICES,
  type PolyModule,
  type VoiceInfo,
} from "./modules/poly_module.ts";
import { checkParamValue, findParam } from "./param_spec.ts";
import { PatchError } from "./patch_error.ts";
import { planPatch, resolveConnection } from "./patch_graph.ts";
import {
  checkModuleId,
  MAX_PATCH_CONNECTIONS,
  MAX_PATCH_MODULES,
  type PatchConnection,
  type PatchSpec,
} from "./patch_spec.ts";
import { Prng } from "./prng.ts";
import { StateReader, StateWriter } from "./state_codec.ts";

/**
 * The segment grid: control values (LFOs, ramps, filter coefficients) are
 * updated at least every this many frames, at absolute multiples of it.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { CONTROL_INTERVAL } from "./engine.ts";
 *
 * equal(CONTROL_INTERVAL, 32);
 * ```
 */
export const CONTROL_INTERVAL = 32;

/**
 * The smoothing time of smoothed parameters, in seconds.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SMOOTHING_SECONDS } from "./engine.ts";
 *
 * equal(SMOOTHING_SECONDS, 0.005);
 * ```
 */
export const SMOOTHING_SECONDS = 0.005;

const CLOCK_FRAME = 0;
const CLOCK_BLOCKS = 1;
const SNAPSHOT_MAGIC = 0x45414853; // "SHAE" little-endian
const SNAPSHOT_VERSION = 1;
const VOICE_FREQ_DEFAULT_PARAM = "freq";

/**
 * Options of {@linkcode AudioEngine}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { AudioEngineOptions } from "./engine.ts";
 *
 * const options: AudioEngineOptions = { sampleRate: 48000, blockSize: 256, channels: 2, seed: 7 };
 * equal(options.seed, 7);
 * ```
 */
export interface AudioEngineOptions {
  /** Frames per second, an integer from 8000 to 384000 (default 48000). */
  sampleRate?: number;
  /** Frames per block, an integer from 16 to 8192 (default 256). */
  blockSize?: number;
  /** Interleaved output channels, 1 to 8 (default 2). */
  channels?: number;
  /** Seed of every random generator, 0 to 2^32 − 1 (default 1). */
  seed?: number;
  /** The patch active from frame 0 (default: none, silence). */
  patch?: PatchSpec;
  /** The most scheduled commands waiting (default 4096). */
  queueCapacity?: number;
  /** Called with each command the engine rejects and the reason. */
  onReject?: (command: EngineCommand, error: Error) => void;
}

/**
 * Options of {@linkcode AudioEngine.restore}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RestoreOptions } from "./engine.ts";
 *
 * const options: RestoreOptions = { queueCapacity: 1024 };
 * equal(options.queueCapacity, 1024);
 * ```
 */
export interface RestoreOptions {
  /** The most scheduled commands waiting (default 4096, at least those saved). */
  queueCapacity?: number;
  /** Called with each command the engine rejects and the reason. */
  onReject?: (command: EngineCommand, error: Error) => void;
}

/**
 * Counters of an engine since it was created (not part of snapshots).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { AudioEngine } from "./engine.ts";
 *
 * equal(new AudioEngine().stats.applied, 0);
 * ```
 */
export interface EngineStats {
  /** Commands accepted by `schedule`. */
  scheduled: number;
  /** Commands refused by `schedule` because their seq was not new. */
  stale: number;
  /** Commands refused by `schedule` because the queue was full. */
  overflow: number;
  /** Commands executed. */
  applied: number;
  /** Commands that could not be executed (counted in `applied` too). */
  rejected: number;
  /** Output samples clipped to [−1, 1] (or NaN replaced by 0). */
  clipped: number;
}

interface PatchEntry {
  readonly id: string;
  readonly type: string;
  readonly instance: EngineModule;
}

interface PatchState {
  modules: PatchEntry[];
  connections: PatchConnection[];
}

function checkInteger(
  name: string,
  value: number,
  min: number,
  max: number,
): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `Expected ${name} to be an integer from ${min} to ${max} but found ${value}`,
    );
  }
  return value;
}

function specOf(state: PatchState): PatchSpec {
  return {
    modules: state.modules.map((m) => ({ id: m.id, type: m.type })),
    connections: state.connections,
  };
}

/**
 * The deterministic audio engine.
 *
 * @example A tone, rendered the same way twice
 * ```ts
 * import { deepEqual, ok } from "node:assert/strict";
 * import { AudioEngine } from "./engine.ts";
 *
 * const patch = {
 *   modules: [{ id: "osc1", type: "osc", params: { wave: 1, freq: 220 } }, { id: "out", type: "output" }],
 *   connections: [{ from: "osc1", to: "out" }],
 * };
 * const a = new AudioEngine({ patch, seed: 1 });
 * const b = new AudioEngine({ patch, seed: 1 });
 * const blockA = new Float32Array(a.blockSize * a.channels);
 * const blockB = new Float32Array(b.blockSize * b.channels);
 * a.schedule({ kind: "set", seq: 1, frame: 100, module: "osc1", param: "freq", value: 330 });
 * b.schedule({ kind: "set", seq: 1, frame: 100, module: "osc1", param: "freq", value: 330 });
 * a.renderBlock(blockA);
 * b.renderBlock(blockB);
 * deepEqual(blockA, blockB);
 * ok(blockA.some((v) => v !== 0));
 * ```
 */
export class AudioEngine {
  readonly #sampleRate: number;
  readonly #blockSize: number;
  readonly #channels: number;
  readonly #rampFrames: number;
  readonly #prng: Prng;
  #queue: CommandQueue;
  #onReject: ((command: EngineCommand, error: Error) => void) | undefined;
  #graph: CompiledGraph;
  #active: PatchState = { modules: [], connections: [] };
  #pending: PatchState = { modules: [], connections: [] };
  readonly #groups = new GroupTable();
  /** Frame and block counters, in an array so counting never allocates. */
  readonly #clock = new Float64Array(2);
  #lastScheduledSeq = -1;
  #lastAppliedSeq = -1;
  #scheduled = 0;
  #stale = 0;
  #applied = 0;
  #rejected = 0;
  readonly #clipped = new Float64Array(1);

  /**
   * Creates an engine, optionally with a patch active from frame 0.
   *
   * @param options Rate, block size, channels, seed, initial patch.
   * @throws {RangeError} For an option out of range or a parameter value
   * out of range in the patch.
   * @throws {PatchError} For an invalid patch.
   *
   * @example Defaults
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AudioEngine } from "./engine.ts";
   *
   * const engine = new AudioEngine();
   * equal(engine.sampleRate, 48000);
   * equal(engine.blockSize, 256);
   * equal(engine.channels, 2);
   * ```
   */
  constructor(options: AudioEngineOptions = {}) {
    const {
      sampleRate = 48000,
      blockSize = 256,
      channels = 2,
      seed = 1,
      patch,
      queueCapacity = 4096,
      onReject,
    } = options;
    this.#sampleRate = checkInteger("sampleRate", sampleRate, 8000, 384000);
    this.#blockSize = checkInteger("blockSize", blockSize, 16, 8192);
    this.#channels = checkInteger("channels", channels, 1, 8);
    checkInteger("queueCapacity", queueCapacity, 1, 1 << 20);
    this.#rampFrames = Math.round(SMOOTHING_SECONDS * this.#sampleRate);
    this.#prng = new Prng(seed);
    this.#queue = new CommandQueue(queueCapacity);
    this.#onReject = onReject;
    this.#graph = new CompiledGraph(
      [],
      planPatch({ modules: [], connections: [] }),
    );
    if (patch !== undefined) this.#loadPatch(patch);
  }

  /**
   * Frames per second.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AudioEngine } from "./engine.ts";
   *
   * equal(new AudioEngine({ sampleRate: 44100 }).sampleRate, 44100);
   * ```
   */
  get sampleRate(): number {
    return this.#sampleRate;
  }

  /**
   * Frames per block.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AudioEngine } from "./engine.ts";
   *
   * equal(new AudioEngine({ blockSize: 128 }).blockSize, 128);
   * ```
   */
  get blockSize(): number {
    return this.#blockSize;
  }

  /**
   * Interleaved output channels.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AudioEngine } from "./engine.ts";
   *
   * equal(new AudioEngine({ channels: 1 }).channels, 1);
   * ```
   */
  get channels(): number {
    return this.#channels;
  }

  /**
   * The absolute index of the next frame to render (blocks × block size).
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AudioEngine } from "./engine.ts";
   *
   * const engine = new AudioEngine({ blockSize: 64, channels: 1 });
   * engine.renderBlock(new Float32Array(64));
   * equal(engine.frame, 64);
   * ```
   */
  get frame(): number {
    return this.#clock[CLOCK_FRAME];
  }

  /**
   * The number of blocks rendered.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AudioEngine } from "./engine.ts";
   *
   * const engine = new AudioEngine({ blockSize: 64, channels: 1 });
   * engine.renderBlock(new Float32Array(64));
   * equal(engine.blockIndex, 1);
   * ```
   */
  get blockIndex(): number {
    return this.#clock[CLOCK_BLOCKS];
  }

  /**
   * The highest seq accepted by `schedule` (−1 before the first).
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AudioEngine } from "./engine.ts";
   *
   * const engine = new AudioEngine();
   * engine.schedule({ kind: "patch_abort", seq: 5, frame: 0 });
   * equal(engine.lastScheduledSeq, 5);
   * ```
   */
  get lastScheduledSeq(): number {
    return this.#lastScheduledSeq;
  }

  /**
   * The highest seq executed so far (−1 before the first).
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AudioEngine } from "./engine.ts";
   *
   * const engine = new AudioEngine({ channels: 1, blockSize: 16 });
   * engine.schedule({ kind: "patch_abort", seq: 5, frame: 0 });
   * engine.renderBlock(new Float32Array(16));
   * equal(engine.lastAppliedSeq, 5);
   * ```
   */
  get lastAppliedSeq(): number {
    return this.#lastAppliedSeq;
  }

  /**
   * The number of scheduled commands not executed yet.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AudioEngine } from "./engine.ts";
   *
   * const engine = new AudioEngine();
   * engine.schedule({ kind: "patch_abort", seq: 1, frame: 1000 });
   * equal(engine.pendingCommands, 1);
   * ```
   */
  get pendingCommands(): number {
    return this.#queue.size;
  }

  /**
   * The counters (a new object).
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AudioEngine } from "./engine.ts";
   *
   * const engine = new AudioEngine();
   * engine.schedule({ kind: "patch_abort", seq: 1, frame: 0 });
   * engine.schedule({ kind: "patch_abort", seq: 1, frame: 0 });
   * equal(engine.stats.stale, 1);
   * ```
   */
  get stats(): EngineStats {
    return {
      scheduled: this.#scheduled,
      stale: this.#stale,
      overflow: this.#queue.refused,
      applied: this.#applied,
      rejected: this.#rejected,
      clipped: this.#clipped[0],
    };
  }

  /**
   * Queues a command for its frame. A command whose seq is not above every
   * seq seen so far is a duplicate or a replay and is refused (counted in
   * `stats.stale`); so is a command arriving when the queue is full
   * (`stats.overflow`). Whether the command fits the engine's state is
   * checked when it executes.
   *
   * @param command The command.
   * @returns Whether it was queued.
   * @throws {RangeError} If `seq` or `frame` is not a safe integer >= 0.
   *
   * @example A replayed command is ignored
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AudioEngine } from "./engine.ts";
   *
   * const engine = new AudioEngine();
   * equal(engine.schedule({ kind: "patch_clear", seq: 10, frame: 0 }), true);
   * equal(engine.schedule({ kind: "patch_clear", seq: 9, frame: 0 }), false);
   * ```
   */
  schedule(command: EngineCommand): boolean {
    checkCommandTiming(command);
    if (command.seq <= this.#lastScheduledSeq) {
      this.#stale++;
      return false;
    }
    let frame = command.frame;
    if (command.kind === "patch_commit") {
      frame = Math.ceil(frame / this.#blockSize) * this.#blockSize;
    }
    if (!this.#queue.push(command, frame)) return false;
    this.#lastScheduledSeq = command.seq;
    this.#scheduled++;
    return true;
  }

  /**
   * Renders the next block into `out` (interleaved, `blockSize × channels`
   * samples, clipped to [−1, 1]) and advances `frame` by `blockSize`.
   *
   * @param out The block to fill.
   * @throws {RangeError} If `out` does not have `blockSize × channels`
   * samples.
   *
   * @example Silence without a patch
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AudioEngine } from "./engine.ts";
   *
   * const engine = new AudioEngine({ blockSize: 32 });
   * const out = new Float32Array(64).fill(1);
   * engine.renderBlock(out);
   * equal(out.every((v) => v === 0), true);
   * ```
   */
  renderBlock(out: Float32Array): void {
    const size = this.#blockSize;
    const channels = this.#channels;
    if (!(out instanceof Float32Array) || out.length !== size * channels) {
      throw new RangeError(
        `Expected a Float32Array of ${size * channels} samples but found ${
          out instanceof Float32Array ? out.length : typeof out
        }`,
      );
    }
    const clock = this.#clock;
    const blockStart = clock[CLOCK_FRAME];
    const queue = this.#queue;
    // Frames into the current control-grid cell at the block start. Every
    // position below is a small integer, so nothing is boxed.
    const cell = (blockStart % CONTROL_INTERVAL) | 0;
    let pos = 0;
    while (pos < size) {
      while (queue.peekFrame() <= blockStart + pos) this.#apply(queue.pop()!);
      const span = CONTROL_INTERVAL - ((cell + pos) % CONTROL_INTERVAL);
      let next = pos + span > size ? size : pos + span;
      const due = queue.peekFrame() - blockStart;
      if (due < next) next = due | 0;
      this.#graph.renderSegment(pos, next, span);
      pos = next;
    }
    this.#mix(out);
    clock[CLOCK_FRAME] = blockStart + size;
    clock[CLOCK_BLOCKS] += 1;
  }

  /**
   * Saves the complete state: options, frame, seqs, random generators, the
   * active and pending patches with every module's parameters (values and
   * ramps) and state (phases, envelopes, filter memories, delay lines,
   * voices), groups, and the scheduled commands. Counters are not saved.
   *
   * @returns The snapshot bytes.
   *
   * @example Restored engines continue identically
   * ```ts
   * import { deepEqual } from "node:assert/strict";
   * import { AudioEngine } from "./engine.ts";
   * import { defaultPatch } from "./demo_phrase.ts";
   *
   * const a = new AudioEngine({ patch: defaultPatch() });
   * a.schedule({ kind: "s_new", seq: 1, frame: 0, defName: "lead", nodeId: 1000, addAction: 0, target: 0, controls: [["note", 57]] });
   * const block = new Float32Array(a.blockSize * a.channels);
   * a.renderBlock(block);
   * const b = AudioEngine.restore(a.snapshot());
   * const blockB = new Float32Array(block.length);
   * a.renderBlock(block);
   * b.renderBlock(blockB);
   * deepEqual(blockB, block);
   * ```
   */
  snapshot(): Uint8Array {
    const w = new StateWriter();
    w.u32(SNAPSHOT_MAGIC);
    w.u32(SNAPSHOT_VERSION);
    w.f64(this.#sampleRate);
    w.u32(this.#blockSize);
    w.u32(this.#channels);
    w.f64(this.#clock[CLOCK_FRAME]);
    w.f64(this.#clock[CLOCK_BLOCKS]);
    w.f64(this.#lastScheduledSeq);
    w.f64(this.#lastAppliedSeq);
    w.array(this.#prng.state);
    const instances: EngineModule[] = [];
    for (const m of [...this.#active.modules, ...this.#pending.modules]) {
      if (!instances.includes(m.instance)) instances.push(m.instance);
    }
    w.u32(instances.length);
    for (const m of instances) {
      w.str(m.def.type);
      w.str(m.id);
      w.array(m.params.state);
      const arrays = m.stateArrays();
      w.u32(arrays.length);
      for (const a of arrays) w.array(a);
    }
    for (const state of [this.#active, this.#pending]) {
      w.u32(state.modules.length);
      for (const m of state.modules) w.u32(instances.indexOf(m.instance));
      w.u32(state.connections.length);
      for (const c of state.connections) {
        w.str(c.from);
        w.str(c.to);
      }
    }
    const groups = this.#groups.entries();
    w.u32(groups.length);
    for (const [id, parent] of groups) {
      w.f64(id);
      w.f64(parent);
    }
    const entries = this.#queue.entries();
    w.u32(entries.length);
    for (const [frame, command] of entries) {
      w.f64(frame);
      w.bytes(encodeCommand(command));
    }
    return w.finish();
  }

  /**
   * Creates an engine from a snapshot; from then on it renders exactly
   * what the engine that took the snapshot renders.
   *
   * @param bytes The snapshot.
   * @param options Queue capacity and reject callback.
   * @returns The engine.
   * @throws {RangeError} For a truncated, corrupt or foreign snapshot.
   *
   * @example Garbage is refused
   * ```ts
   * import { throws } from "node:assert/strict";
   * import { AudioEngine } from "./engine.ts";
   *
   * throws(() => AudioEngine.restore(new Uint8Array(12)), RangeError);
   * ```
   */
  static restore(bytes: Uint8Array, options: RestoreOptions = {}): AudioEngine {
    const r = new StateReader(bytes);
    const magic = r.u32();
    const version = r.u32();
    if (magic !== SNAPSHOT_MAGIC || version !== SNAPSHOT_VERSION) {
      throw new RangeError(
        `Expected an engine snapshot (magic ${SNAPSHOT_MAGIC}, version ${SNAPSHOT_VERSION}) but found magic ${magic}, version ${version}`,
      );
    }
    const sampleRate = r.f64();
    const blockSize = r.u32();
    const channels = r.u32();
    const engine = new AudioEngine({
      sampleRate,
      blockSize,
      channels,
      queueCapacity: options.queueCapacity,
      onReject: options.onReject,
    });
    try {
      engine.#load(r);
    } catch (cause) {
      if (cause instanceof RangeError) throw cause;
      throw new RangeError(
        `Expected a consistent engine snapshot but found: ${
          (cause as Error).message
        }`,
        { cause },
      );
    }
    return engine;
  }

  /**
   * The ids of the active patch's modules, in patch order.
   *
   * @returns The ids.
   *
   * @example Usage
   * ```ts
   * import { deepEqual } from "node:assert/strict";
   * import { AudioEngine } from "./engine.ts";
   * import { defaultPatch } from "./demo_phrase.ts";
   *
   * deepEqual(new AudioEngine({ patch: defaultPatch() }).moduleIds().slice(0, 2), ["lead", "bass"]);
   * ```
   */
  moduleIds(): string[] {
    return this.#active.modules.map((m) => m.id);
  }

  /**
   * The ids of the pending patch's modules (what a commit would make
   * active).
   *
   * @returns The ids.
   *
   * @example Usage
   * ```ts
   * import { deepEqual } from "node:assert/strict";
   * import { AudioEngine } from "./engine.ts";
   *
   * const engine = new AudioEngine({ channels: 1, blockSize: 16 });
   * engine.schedule({ kind: "patch_create", seq: 1, frame: 0, id: "osc1", type: "osc" });
   * engine.renderBlock(new Float32Array(16));
   * deepEqual(engine.pendingModuleIds(), ["osc1"]);
   * deepEqual(engine.moduleIds(), []);
   * ```
   */
  pendingModuleIds(): string[] {
    return this.#pending.modules.map((m) => m.id);
  }

  /**
   * The current value of a parameter (ramp position, without modulation)
   * of an active module, or else of a pending one.
   *
   * @param moduleId The module id.
   * @param param The parameter name or alias.
   * @returns The value.
   * @throws {EngineCommandError} For an unknown module or parameter.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AudioEngine } from "./engine.ts";
   * import { defaultPatch } from "./demo_phrase.ts";
   *
   * equal(new AudioEngine({ patch: defaultPatch() }).paramValue("delay1", "time"), 0.3);
   * ```
   */
  paramValue(moduleId: string, param: string): number {
    const m = this.#findModule(moduleId);
    return m.params.value(this.#paramIndex(m, param));
  }

  /**
   * The active voices of a `poly` module, by slot (allocates).
   *
   * @param moduleId The module id.
   * @returns The voices.
   * @throws {EngineCommandError} If the module is not an active `poly`.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AudioEngine } from "./engine.ts";
   * import { defaultPatch } from "./demo_phrase.ts";
   *
   * equal(new AudioEngine({ patch: defaultPatch() }).voices("lead").length, 0);
   * ```
   */
  voices(moduleId: string): VoiceInfo[] {
    const poly = this.#graph.polys.find((p) => p.id === moduleId);
    if (poly === undefined) {
      throw new EngineCommandError(
        `Expected an active poly module but found ${moduleId}`,
      );
    }
    const out: VoiceInfo[] = [];
    for (let slot = 0; slot < MAX_VOICES; slot++) {
      if (poly.isActive(slot)) out.push(poly.voiceInfo(slot));
    }
    return out;
  }

  /**
   * The groups besides the root, as `[id, parent]`, in creation order.
   *
   * @returns The groups.
   *
   * @example Usage
   * ```ts
   * import { deepEqual } from "node:assert/strict";
   * import { AudioEngine } from "./engine.ts";
   *
   * const engine = new AudioEngine({ channels: 1, blockSize: 16 });
   * engine.schedule({ kind: "g_new", seq: 1, frame: 0, groupId: 1, addAction: 0, target: 0 });
   * engine.renderBlock(new Float32Array(16));
   * deepEqual(engine.groups(), [[1, 0]]);
   * ```
   */
  groups(): [number, number][] {
    return this.#groups.entries();
  }

  // ---------------------------------------------------------------------
  // Rendering

  #mix(out: Float32Array): void {
    const outputs = this.#graph.outputs;
    const channels = this.#channels;
    const size = this.#blockSize;
    if (outputs.length === 0) {
      out.fill(0);
      return;
    }
    let clipped = 0;
    for (let c = 0; c < channels; c++) {
      const first = outputs[0].channelBuffers[c];
      for (let i = 0; i < size; i++) {
        let v = first[i];
        for (let k = 1; k < outputs.length; k++) {
          v += outputs[k].channelBuffers[c][i];
        }
        if (v > 1) {
          v = 1;
          clipped++;
        } else if (v < -1) {
          v = -1;
          clipped++;
        } else if (v !== v) {
          v = 0;
          clipped++;
        }
        out[i * channels + c] = v;
      }
    }
    this.#clipped[0] += clipped;
  }

  // ---------------------------------------------------------------------
  // Commands

  #apply(command: EngineCommand): void {
    this.#applied++;
    if (command.seq > this.#lastAppliedSeq) this.#lastAppliedSeq = command.seq;
    try {
      switch (command.kind) {
        case "set":
          this.#setParam(command.module, command.param, command.value);
          break;
        case "gate": {
          const m = this.#findModule(command.module);
          const index = findParam(m.def.params, "gate");
          if (index < 0) {
            throw new EngineCommandError(
              `Expected a module with a gate (adsr, poly) but found ${m.id} (${m.def.type})`,
            );
          }
          m.params.set(index, command.on ? 1 : 0);
          m.paramChanged(index);
          break;
        }
        case "patch_create":
          this.#patchCreate(command.id, command.type);
          break;
        case "patch_connect":
          this.#patchConnect(command.from, command.to);
          break;
        case "patch_disconnect":
          this.#patchDisconnect(command.from, command.to);
          break;
        case "patch_clear":
          this.#pending = { modules: [], connections: [] };
          break;
        case "patch_commit":
          this.#commit();
          break;
        case "patch_abort":
          this.#pending = {
            modules: [...this.#active.modules],
            connections: [...this.#active.connections],
          };
          break;
        case "s_new":
          this.#synthNew(
            command.defName,
            command.nodeId,
            command.addAction,
            command.target,
            command.controls,
          );
          break;
        case "n_set":
          this.#nodeSet(command.nodeId, command.controls);
          break;
        case "n_free":
          this.#nodeFree(command.nodeIds);
          break;
        case "g_new":
          this.#groupNew(command.groupId, command.addAction, command.target);
          break;
        case "g_freeAll":
          this.#groupFreeAll(command.groupIds);
          break;
        default:
          throw new EngineCommandError(
            `Expected a known command kind but found ${
              JSON.stringify((command as { kind: unknown }).kind)
            }`,
          );
      }
    } catch (error) {
      this.#rejected++;
      this.#onReject?.(
        command,
        error instanceof Error ? error : new Error(String(error)),
      );
    }
  }

  #findModule(id: string): EngineModule {
    for (const m of this.#active.modules) if (m.id === id) return m.instance;
    for (const m of this.#pending.modules) if (m.id === id) return m.instance;
    throw new EngineCommandError(
      `Expected a module of the active or pending patch (${
        this.#active.modules.map((m) => m.id).join(", ") || "none"
      }) but found ${JSON.stringify(id)}`,
    );
  }

  #paramIndex(m: EngineModule, param: string): number {
    const index = findParam(m.def.params, param);
    if (index < 0) {
      throw new EngineCommandError(
        `Expected a parameter of ${m.id} (${m.def.type}: ${
          m.def.params.map((p) => p.name).join(", ")
        }) but found ${JSON.stringify(param)}`,
      );
    }
    return index;
  }

  #setParam(moduleId: string, param: string, value: number): void {
    const m = this.#findModule(moduleId);
    const index = this.#paramIndex(m, param);
    checkParamValue(m.id, m.def.type, m.def.params[index], value);
    m.params.set(index, value);
    m.paramChanged(index);
  }

  /** A module context; a new module's seed comes from the engine's generator. */
  #context(seed: number = this.#prng.nextU32()): ModuleContext {
    return {
      sampleRate: this.#sampleRate,
      blockSize: this.#blockSize,
      channels: this.#channels,
      rampFrames: this.#rampFrames,
      seed,
    };
  }

  #loadPatch(spec: PatchSpec): void {
    const plan = planPatch(spec);
    const modules: PatchEntry[] = spec.modules.map((m, i) => {
      const def = plan.defs[i];
      const instance = def.create(m.id, this.#context());
      if (m.params !== undefined) {
        for (const [name, value] of Object.entries(m.params)) {
          instance.params.setNow(findParam(def.params, name), value);
        }
      }
      return { id: m.id, type: def.type, instance };
    });
    this.#active = { modules, connections: [...spec.connections] };
    this.#graph = new CompiledGraph(modules.map((m) => m.instance), plan);
    this.#pending = {
      modules: [...modules],
      connections: [...spec.connections],
    };
  }

  #patchCreate(id: string, type: string): void {
    checkModuleId(id);
    const pending = this.#pending;
    if (pending.modules.some((m) => m.id === id)) {
      throw new PatchError(
        "duplicate_module",
        `Expected a new module id in the pending patch but found ${id}, already there`,
      );
    }
    if (pending.modules.length >= MAX_PATCH_MODULES) {
      throw new PatchError(
        "limit",
        `Expected at most ${MAX_PATCH_MODULES} modules but found one more`,
      );
    }
    const def = findModuleDef(type);
    if (def === undefined) {
      throw new PatchError(
        "unknown_type",
        `Expected a module type (osc, poly, adsr, filter, gain, mixer, delay, lfo, output) for ${id} but found ${
          JSON.stringify(type)
        }`,
      );
    }
    const kept = this.#active.modules.find((m) =>
      m.id === id && m.type === def.type
    );
    const instance = kept?.instance ?? def.create(id, this.#context());
    pending.modules = [...pending.modules, { id, type: def.type, instance }];
  }

  #patchConnect(from: string, to: string): void {
    const pending = this.#pending;
    if (pending.connections.length >= MAX_PATCH_CONNECTIONS) {
      throw new PatchError(
        "limit",
        `Expected at most ${MAX_PATCH_CONNECTIONS} connections but found one more`,
      );
    }
    const connections = [...pending.connections, { from, to }];
    // Validates ports, duplicates and cycles; the pending patch is only
    // changed when the whole patch is still valid.
    planPatch({ modules: specOf(pending).modules, connections });
    pending.connections = connections;
  }

  #patchDisconnect(from: string, to: string): void {
    const pending = this.#pending;
    const defs = pending.modules.map((m) => m.instance.def);
    const target = resolveConnection(pending.modules, defs, { from, to });
    const index = pending.connections.findIndex((c) => {
      const r = resolveConnection(pending.modules, defs, c);
      return r.from === target.from && r.fromPort === target.fromPort &&
        r.to === target.to && r.toPort === target.toPort &&
        r.kind === target.kind;
    });
    if (index < 0) {
      throw new PatchError(
        "not_connected",
        `Expected a connection ${from} -> ${to} in the pending patch but found none`,
      );
    }
    pending.connections = pending.connections.filter((_, i) => i !== index);
  }

  #commit(): void {
    const pending = this.#pending;
    const plan = planPatch(specOf(pending));
    this.#graph = new CompiledGraph(
      pending.modules.map((m) => m.instance),
      plan,
    );
    this.#active = {
      modules: [...pending.modules],
      connections: [...pending.connections],
    };
  }

  // ---------------------------------------------------------------------
  // SuperCollider-style nodes

  #resolvePoly(defName: string): PolyModule {
    const polys = this.#graph.polys;
    const named = polys.find((p) => p.id === defName);
    if (named !== undefined) return named;
    if ((defName === "default" || defName === "poly") && polys.length > 0) {
      return polys[0];
    }
    throw new EngineCommandError(
      `Expected a synth definition naming a poly module (${
        polys.map((p) => p.id).join(", ") || "none in the patch"
      }) but found ${JSON.stringify(defName)}`,
    );
  }

  /** The poly module and slot of a node id, or `undefined`. */
  #findVoice(nodeId: number): [PolyModule, number] | undefined {
    if (nodeId < 0) return undefined;
    const polys = this.#graph.polys;
    for (let i = 0; i < polys.length; i++) {
      const slot = polys[i].findNode(nodeId);
      if (slot >= 0) return [polys[i], slot];
    }
    return undefined;
  }

  #checkNewNodeId(nodeId: number, what: string): void {
    if (
      !Number.isInteger(nodeId) || nodeId < 1 ||
      this.#groups.has(nodeId) || this.#findVoice(nodeId) !== undefined
    ) {
      throw new EngineCommandError(
        `Expected an unused ${what} id >= 1 but found ${nodeId}`,
      );
    }
  }

  /** The group a new node goes to, from an add action and target. */
  #parentGroup(addAction: number, target: number): number {
    switch (addAction) {
      case 0:
      case 1:
        if (this.#groups.has(target)) return target;
        throw new EngineCommandError(
          `Expected an existing group as target of add action ${addAction} but found ${target}`,
        );
      case 2:
      case 3: {
        if (target !== 0 && this.#groups.has(target)) {
          return this.#groups.parentOf(target);
        }
        const voice = this.#findVoice(target);
        if (voice !== undefined) return voice[0].groupOf(voice[1]);
        throw new EngineCommandError(
          `Expected an existing node (not the root) as target of add action ${addAction} but found ${target}`,
        );
      }
      default:
        throw new EngineCommandError(
          `Expected an add action from 0 to 4 but found ${addAction}`,
        );
    }
  }

  #synthNew(
    defName: string,
    nodeId: number,
    addAction: number,
    target: number,
    controls: readonly ControlPair[],
  ): void {
    const poly = this.#resolvePoly(defName);
    if (nodeId !== -1) this.#checkNewNodeId(nodeId, "node");
    const indices: number[] = [];
    for (const [name, value] of controls) {
      indices.push(checkVoiceControl(poly.id, name, value));
    }
    let group: number;
    let replaced: [PolyModule, number] | undefined;
    if (addAction === 4) {
      replaced = this.#findVoice(target);
      if (replaced === undefined) {
        throw new EngineCommandError(
          `Expected a voice node as target of add action 4 (replace) but found ${target}`,
        );
      }
      group = replaced[0].groupOf(replaced[1]);
    } else {
      group = this.#parentGroup(addAction, target);
    }
    let freq = poly.params.value(
      findParam(poly.def.params, VOICE_FREQ_DEFAULT_PARAM),
    );
    let amp = 1;
    let gate = 1;
    for (let i = 0; i < controls.length; i++) {
      const value = controls[i][1];
      switch (indices[i]) {
        case 0:
          freq = value;
          break;
        case 1:
          freq = 440 * Math.pow(2, (value - 69) / 12);
          break;
        case 2:
          amp = value;
          break;
        default:
          gate = value;
      }
    }
    if (replaced !== undefined) replaced[0].freeVoice(replaced[1]);
    poly.allocate(nodeId, group, freq, amp, gate > 0, false);
  }

  #nodeSet(nodeId: number, controls: readonly ControlPair[]): void {
    const voice = this.#findVoice(nodeId);
    if (voice !== undefined) {
      const [poly, slot] = voice;
      const indices = controls.map(([name, value]) =>
        checkVoiceControl(poly.id, name, value)
      );
      for (let i = 0; i < controls.length; i++) {
        poly.setVoiceControl(slot, indices[i], controls[i][1]);
      }
      return;
    }
    if (!this.#groups.has(nodeId)) {
      throw new EngineCommandError(
        `Expected an existing node or group but found ${nodeId}`,
      );
    }
    const indices = controls.map(([name, value]) =>
      checkVoiceControl(`group ${nodeId}`, name, value)
    );
    for (const poly of this.#graph.polys) {
      for (let slot = 0; slot < MAX_VOICES; slot++) {
        if (
          !poly.isActive(slot) ||
          !this.#groups.isWithin(poly.groupOf(slot), nodeId)
        ) continue;
        for (let i = 0; i < controls.length; i++) {
          poly.setVoiceControl(slot, indices[i], controls[i][1]);
        }
      }
    }
  }

  /** Frees every voice in `group` or nested in it. */
  #freeVoicesWithin(group: number): void {
    for (const poly of this.#graph.polys) {
      for (let slot = 0; slot < MAX_VOICES; slot++) {
        if (
          poly.isActive(slot) &&
          this.#groups.isWithin(poly.groupOf(slot), group)
        ) {
          poly.freeVoice(slot);
        }
      }
    }
  }

  #nodeFree(nodeIds: readonly number[]): void {
    const missing: number[] = [];
    for (const id of nodeIds) {
      const voice = this.#findVoice(id);
      if (voice !== undefined) voice[0].freeVoice(voice[1]);
      else if (id !== 0 && this.#groups.has(id)) {
        this.#freeVoicesWithin(id);
        this.#groups.removeWithin(id, true);
      } else missing.push(id);
    }
    if (missing.length > 0) {
      throw new EngineCommandError(
        `Expected existing nodes (not the root group) but found ${
          missing.join(", ")
        }`,
      );
    }
  }

  #groupNew(groupId: number, addAction: number, target: number): void {
    this.#checkNewNodeId(groupId, "group");
    if (addAction === 4) {
      throw new EngineCommandError(
        "Expected add action 0 to 3 for a group but found 4 (replace)",
      );
    }
    const parent = this.#parentGroup(addAction, target);
    if (!this.#groups.add(groupId, parent)) {
      throw new EngineCommandError(
        `Expected room for a group but found the table full (${this.#groups.size} groups)`,
      );
    }
  }

  #groupFreeAll(groupIds: readonly number[]): void {
    const missing: number[] = [];
    for (const id of groupIds) {
      if (!this.#groups.has(id)) {
        missing.push(id);
        continue;
      }
      this.#freeVoicesWithin(id);
      this.#groups.removeWithin(id, false);
    }
    if (missing.length > 0) {
      throw new EngineCommandError(
        `Expected existing groups but found ${missing.join(", ")}`,
      );
    }
  }

  // ---------------------------------------------------------------------
  // Snapshots

  #load(r: StateReader): void {
    const frame = r.f64();
    const blocks = r.f64();
    this.#lastScheduledSeq = r.f64();
    this.#lastAppliedSeq = r.f64();
    if (
      !Number.isSafeInteger(frame) || frame < 0 ||
      !Number.isSafeInteger(blocks) || blocks < 0 ||
      !Number.isSafeInteger(this.#lastScheduledSeq) ||
      !Number.isSafeInteger(this.#lastAppliedSeq)
    ) {
      throw new RangeError(
        "Expected frame, block index and seqs to be safe integers in the snapshot but found other numbers",
      );
    }
    this.#clock[CLOCK_FRAME] = frame;
    this.#clock[CLOCK_BLOCKS] = blocks;
    r.arrayInto(this.#prng.state, "the engine's random state");
    const count = r.u32();
    if (count > 2 * MAX_PATCH_MODULES) {
      throw new RangeError(
        `Expected at most ${
          2 * MAX_PATCH_MODULES
        } modules in the snapshot but found ${count}`,
      );
    }
    const instances: EngineModule[] = [];
    for (let i = 0; i < count; i++) {
      const type = r.str();
      const id = r.str();
      const def = findModuleDef(type);
      if (def === undefined || def.type !== type) {
        throw new RangeError(
          `Expected a module type in the snapshot but found ${
            JSON.stringify(type)
          }`,
        );
      }
      checkModuleId(id);
      const instance = def.create(id, this.#context(0));
      r.arrayInto(instance.params.state, `the parameters of ${id}`);
      const arrays = instance.stateArrays();
      const n = r.u32();
      if (n !== arrays.length) {
        throw new RangeError(
          `Expected ${arrays.length} state arrays for ${id} (${type}) but found ${n}`,
        );
      }
      for (const a of arrays) r.arrayInto(a, `the state of ${id}`);
      instances.push(instance);
    }
    const readState = (): PatchState => {
      const n = r.u32();
      if (n > MAX_PATCH_MODULES) {
        throw new RangeError(
          `Expected at most ${MAX_PATCH_MODULES} modules in a patch but found ${n}`,
        );
      }
      const modules: PatchEntry[] = [];
      for (let i = 0; i < n; i++) {
        const instance = instances[r.u32()];
        if (instance === undefined) {
          throw new RangeError(
            "Expected a module index in the snapshot but found one out of range",
          );
        }
        modules.push({ id: instance.id, type: instance.def.type, instance });
      }
      const c = r.u32();
      if (c > MAX_PATCH_CONNECTIONS) {
        throw new RangeError(
          `Expected at most ${MAX_PATCH_CONNECTIONS} connections but found ${c}`,
        );
      }
      const connections: PatchConnection[] = [];
      for (let i = 0; i < c; i++) {
        connections.push({ from: r.str(), to: r.str() });
      }
      return { modules, connections };
    };
    const active = readState();
    const pending = readState();
    this.#graph = new CompiledGraph(
      active.modules.map((m) => m.instance),
      planPatch(specOf(active)),
    );
    // The modulation inputs are recomputed every segment; the wiring above
    // cleared them, as it does on a commit.
    this.#active = active;
    this.#pending = pending;
    planPatch(specOf(pending));
    const groups = r.u32();
    if (groups > MAX_GROUPS) {
      throw new RangeError(
        `Expected at most ${MAX_GROUPS} groups but found ${groups}`,
      );
    }
    for (let i = 0; i < groups; i++) this.#groups.add(r.f64(), r.f64());
    const queued = r.u32();
    if (queued > this.#queue.capacity) {
      this.#queue = new CommandQueue(queued);
    }
    for (let i = 0; i < queued; i++) {
      const frame = r.f64();
      this.#queue.push(decodeCommand(r.bytes()), frame);
    }
    if (r.remaining !== 0) {
      throw new RangeError(
        `Expected the snapshot to end but found ${r.remaining} more bytes`,
      );
    }
  }
}
