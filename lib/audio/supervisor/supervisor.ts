/**
 * The audio supervisor: two worker processes render the same blocks in
 * lockstep (every command goes to both with a sequence number and the
 * frame at which it applies), the supervisor plays the primary's blocks
 * from a ring into the sink and compares the standby's checksums.
 *
 * - **Credits.** Workers render only blocks below `creditLimit` =
 *   `playhead + leadBlocks`; each block written to the sink grants one more.
 *   Commands for frames inside newly granted blocks are sent before the
 *   credit, so both workers always have them in time.
 * - **Failover.** A primary that exits, stalls (owes a block the standby
 *   delivered more than `stallTimeoutMs` ago) or diverges (a checksum differs from the standby's)
 *   is replaced by the standby at the next block boundary: the writer plays
 *   block `k` from the other ring, which holds the same samples, so nothing
 *   is missing or repeated. In non-real-time mode block `k` is written only
 *   when both checksums are in (or a worker is declared dead), so a
 *   diverging block never reaches the sink.
 * - **Respawn.** A new worker is brought to the exact current state — a
 *   snapshot of the primary plus the commands logged since — and back into
 *   lockstep (its first checksum equal to the primary's). Backoff grows
 *   while workers keep dying. Periodic checkpoints (snapshot + log) also
 *   rebuild both workers after a double fault.
 *
 * @module
 */

import type { EngineCommand } from "../engine/commands.ts";
import { encodeCommand } from "../engine/command_codec.ts";
import type { PatchSpec } from "../engine/patch_spec.ts";
import type { Sink } from "../sinks/sink.ts";
import { Logger } from "../../core/log.ts";
import {
  BLOCK_HEADER_BYTES,
  blockFrameBytes,
  FromWorker,
  readF64,
  readU32,
  ToWorker,
  type WorkerInit,
} from "../worker/protocol.ts";
import { BlockRing } from "./block_ring.ts";
import { CommandLog } from "./command_log.ts";
import { type WorkerCommand, workerCommand } from "./worker_command.ts";
import { type WorkerExit, WorkerProcess } from "./worker_process.ts";

/**
 * An {@linkcode EngineCommand} without its `seq` and `frame` (the
 * supervisor assigns both).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { CommandDraft } from "./supervisor.ts";
 * const c: CommandDraft = { kind: "set", module: "filter1", param: "cutoff", value: 800 };
 * equal(c.kind, "set");
 * ```
 */
export type CommandDraft = EngineCommand extends infer C
  ? C extends EngineCommand ? Omit<C, "seq" | "frame"> : never
  : never;

/**
 * The state of one worker as the supervisor sees it.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { WorkerState } from "./supervisor.ts";
 * const s: WorkerState = "synced";
 * equal(s, "synced");
 * ```
 */
export type WorkerState =
  | "starting" // spawned, no hello yet
  | "waiting" // hello received, waiting for a snapshot to restore
  | "loading" // init or restore sent, no ready yet
  | "ready" // engine built; its blocks are not yet verified
  | "synced" // a checksum matched the other worker's: in lockstep
  | "dead";

/**
 * Why a worker was replaced.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { FailureReason } from "./supervisor.ts";
 * const r: FailureReason = "stall";
 * equal(r, "stall");
 * ```
 */
export type FailureReason =
  | "exit"
  | "stall"
  | "divergence"
  | "start-timeout"
  | "protocol";

/**
 * One worker, as reported by {@linkcode AudioSupervisor.workers}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { WorkerInfo } from "./supervisor.ts";
 * const w: WorkerInfo = { slot: 0, pid: 1, role: "primary", state: "synced", nextBlock: 9 };
 * equal(w.role, "primary");
 * ```
 */
export interface WorkerInfo {
  /** Slot 0 or 1 (the rings belong to slots; workers are disposable). */
  slot: number;
  /** The process id. */
  pid: number;
  /** Played (primary) or checked (standby). */
  role: "primary" | "standby";
  /** Its state. */
  state: WorkerState;
  /** The next block index it will deliver. */
  nextBlock: number;
}

/**
 * What the supervisor reports (logging, metrics, tests).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SupervisorEvent } from "./supervisor.ts";
 * const e: SupervisorEvent = { type: "underrun", block: 3 };
 * equal(e.type, "underrun");
 * ```
 */
export type SupervisorEvent =
  | { type: "worker-started"; slot: number; pid: number }
  | { type: "worker-ready"; slot: number; pid: number; block: number }
  | {
    type: "lockstep";
    slot: number;
    pid: number;
    block: number;
    /** From spawn to the first matching checksum. */
    ms: number;
  }
  | {
    type: "worker-lost";
    slot: number;
    pid: number;
    reason: FailureReason;
    role: "primary" | "standby";
    exit?: WorkerExit;
  }
  | {
    type: "failover";
    reason: FailureReason;
    fromPid: number;
    toPid: number;
    /** The first block played from the new primary. */
    block: number;
    /** Samples missing (or repeated, negative) at the switch. */
    gapSamples: number;
    /** From the failed worker's last frame to the decision. */
    detectionMs: number;
  }
  | {
    type: "divergence";
    block: number;
    primary: number;
    standby: number;
  }
  | { type: "double-fault"; block: number }
  | { type: "underrun"; block: number }
  | { type: "rejected"; seq: number; message: string }
  | { type: "worker-error"; pid: number; message: string }
  | { type: "finished"; frames: number };

/**
 * Counters and last measurements of a supervisor.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { AudioSupervisor } from "./supervisor.ts";
 * equal(typeof AudioSupervisor, "function");
 * ```
 */
export interface SupervisorStats {
  /** Blocks written to the sink. */
  blocksWritten: number;
  /** Frames written to the sink. */
  framesWritten: number;
  /** Switches to the standby. */
  failovers: number;
  /** Failovers by reason. */
  failoversByReason: Record<FailureReason, number>;
  /** Samples missing or repeated at the last failover (0 = seamless). */
  lastGapSamples: number;
  /** Sum of |gap| over all failovers. */
  totalGapSamples: number;
  /** Detection time of the last failover, ms. */
  lastDetectionMs: number;
  /** Respawn-to-lockstep time of the last worker that reached lockstep, ms. */
  lastLockstepMs: number;
  /** Blocks the writer needed and neither worker had in time (real time). */
  underruns: number;
  /** Blocks that arrived with no room in the ring (dropped). */
  overruns: number;
  /** Blocks whose checksums differed between the workers. */
  divergences: number;
  /** Workers declared stalled. */
  stalls: number;
  /** Worker processes that exited without being told to. */
  workerExits: number;
  /** Workers started after the first two. */
  respawns: number;
  /** Failures with no standby ready to take over. */
  doubleFaults: number;
  /** Blocks played without the other worker's checksum (real time, or degraded). */
  unverifiedBlocks: number;
  /** Commands sent to the workers. */
  commandsSent: number;
  /** Commands whose frame had already been granted (moved to the horizon). */
  commandsLate: number;
  /** Commands the primary's engine rejected. */
  commandsRejected: number;
  /** Snapshots kept as checkpoints. */
  checkpoints: number;
  /** Bytes of the newest checkpoint. */
  checkpointBytes: number;
  /** Commands in the replay log. */
  logCommands: number;
}

/**
 * Options of {@linkcode AudioSupervisor}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { AudioSupervisorOptions } from "./supervisor.ts";
 * import { NullSink } from "../sinks/null_sink.ts";
 * const sink = new NullSink({ sampleRate: 48000, channels: 2, blockSize: 256, realtime: false });
 * const o: AudioSupervisorOptions = { sink, realtime: false };
 * equal(o.realtime, false);
 * ```
 */
export interface AudioSupervisorOptions {
  /** Where blocks go; its format gives the rate, channels and block size. */
  sink: Sink;
  /** Seed of the engines. Default 1. */
  seed?: number;
  /** The patch active from frame 0. Default none (silence). */
  patch?: PatchSpec;
  /** Real time (a block may be played unverified rather than late). Default true. */
  realtime?: boolean;
  /** Blocks rendered ahead of the sink. Default 3. */
  leadBlocks?: number;
  /**
   * A worker owing a block this long while the other worker has already
   * delivered it is stalled. Default 50 ms.
   */
  stallTimeoutMs?: number;
  /**
   * A worker owing a block this long when the other is no further (a busy
   * machine) or absent is hung. Default 10 × `stallTimeoutMs`, at least
   * 2000 ms.
   */
  hungTimeoutMs?: number;
  /** Stall limit for a worker's first moments after it is ready. Default 1000 ms. */
  startupGraceMs?: number;
  /** First respawn delay; doubles per consecutive failure (≤ 10 s). Default 100 ms. */
  respawnBackoffMs?: number;
  /** A new worker not ready after this is replaced. Default 20 s. */
  startTimeoutMs?: number;
  /** Period of checkpoints (snapshot + log). Default 5000 ms. */
  checkpointIntervalMs?: number;
  /** Non-real-time: how long the writer waits for a new standby. Default 30 s. */
  redundancyWaitMs?: number;
  /** Real time: how long the writer waits for the second checksum. Default half a block. */
  verifyWaitMs?: number;
  /** Stop after this many frames (0 = run until closed). Default 0. */
  durationFrames?: number;
  /** How to start a worker. Default {@linkcode workerCommand}(). */
  workerCommand?: WorkerCommand;
  /** Worker stderr. Default "inherit". */
  workerStderr?: "inherit" | "null";
  /** Most commands kept for replay. Default 65536. */
  commandLogCapacity?: number;
  /** Called before granting blocks up to `untilFrame`: submit timed commands below it now. */
  onHorizon?: (untilFrame: number) => void;
  /** Called after each block is written (recorder, meters); the block is reused. */
  onBlock?: (block: Float32Array, index: number) => void;
  /** Events. */
  onEvent?: (event: SupervisorEvent) => void;
  /** Logger. Default: a silent one. */
  logger?: Logger;
  /** Monotonic clock in ms. Default `performance.now`. */
  now?: () => number;
}

interface Checkpoint {
  block: number;
  lastSeq: number;
  /** Engine snapshot; undefined = a fresh engine from the init options. */
  snapshot?: Uint8Array;
}

class Handle {
  state: WorkerState = "starting";
  proc: WorkerProcess | undefined;
  pid = 0;
  firstBlock = 0;
  nextBlock = 0;
  lastFrameAt: number;
  owingSince = NaN;
  readyAt = NaN;
  syncedAt = NaN;
  snapshotRequest = -1;
  constructor(readonly slot: number, readonly spawnedAt: number) {
    this.lastFrameAt = spawnedAt;
  }
}

type Timer = ReturnType<typeof setTimeout>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MAX_BACKOFF_MS = 10_000;
const BACKOFF_RESET_MS = 10_000;

/**
 * Two worker processes in lockstep behind one sink.
 *
 * @example Ten blocks of silence through two real workers
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { AudioSupervisor } from "./supervisor.ts";
 * import { workerCommand } from "./worker_command.ts";
 * import { NullSink } from "../sinks/null_sink.ts";
 * const sink = new NullSink({ sampleRate: 8000, channels: 1, blockSize: 64, realtime: false });
 * const sup = new AudioSupervisor({
 *   sink,
 *   realtime: false,
 *   durationFrames: 640,
 *   workerCommand: workerCommand({ entry: new URL("../worker/main.ts", import.meta.url) }),
 * });
 * await sup.start();
 * await sup.finished;
 * await sup.close();
 * equal(sink.stats.frames, 640);
 * ```
 */
export class AudioSupervisor {
  readonly sampleRate: number;
  readonly blockSize: number;
  readonly channels: number;
  readonly #sink: Sink;
  readonly #realtime: boolean;
  readonly #lead: number;
  readonly #stallMs: number;
  readonly #hungMs: number;
  readonly #graceMs: number;
  readonly #backoffMs: number;
  readonly #startTimeoutMs: number;
  readonly #checkpointMs: number;
  readonly #redundancyWaitMs: number;
  readonly #verifyWaitMs: number;
  readonly #durationFrames: number;
  readonly #command: WorkerCommand;
  readonly #stderr: "inherit" | "null";
  readonly #onHorizon: ((untilFrame: number) => void) | undefined;
  readonly #onBlock: ((block: Float32Array, index: number) => void) | undefined;
  readonly #onEvent: (event: SupervisorEvent) => void;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #initBytes: Uint8Array;
  readonly #rings: [BlockRing, BlockRing];
  readonly #handles: [Handle | undefined, Handle | undefined] = [
    undefined,
    undefined,
  ];
  readonly #respawnTimers: [Timer | undefined, Timer | undefined] = [
    undefined,
    undefined,
  ];
  readonly #dying = new Set<WorkerProcess>();
  readonly #commandLog: CommandLog;
  #primarySlot = 0;
  #writerNext = 0;
  #creditLimit = 0;
  #seq = 0;
  #checkpoints: Checkpoint[] = [{ block: 0, lastSeq: -1 }];
  #checkpointRequest = -1;
  #checkpointRequestAt = 0;
  #lastCheckpointAt = 0;
  #requestSeq = 0;
  #failures = 0;
  #redundancyLostAt = NaN;
  #started = false;
  #closing = false;
  #closed: Promise<void> | undefined;
  #watchdog: ReturnType<typeof setInterval> | undefined;
  #loop: Promise<void> | undefined;
  #wakeFn: (() => void) | undefined;
  #waitBlock = -1;
  #waitStart = 0;
  #underrunBlock = -1;
  #failover:
    | {
      reason: FailureReason;
      fromPid: number;
      toPid: number;
      detectionMs: number;
      lastWritten: number;
    }
    | undefined;
  #lastWritten = -1;
  #startWallMs = NaN;
  #finished = Promise.withResolvers<void>();
  #ready = Promise.withResolvers<void>();
  #stats: SupervisorStats = {
    blocksWritten: 0,
    framesWritten: 0,
    failovers: 0,
    failoversByReason: {
      exit: 0,
      stall: 0,
      divergence: 0,
      "start-timeout": 0,
      protocol: 0,
    },
    lastGapSamples: 0,
    totalGapSamples: 0,
    lastDetectionMs: 0,
    lastLockstepMs: 0,
    underruns: 0,
    overruns: 0,
    divergences: 0,
    stalls: 0,
    workerExits: 0,
    respawns: 0,
    doubleFaults: 0,
    unverifiedBlocks: 0,
    commandsSent: 0,
    commandsLate: 0,
    commandsRejected: 0,
    checkpoints: 0,
    checkpointBytes: 0,
    logCommands: 0,
  };

  /**
   * @param options Sink, timing limits, worker command, hooks.
   * @throws {RangeError} If a limit is out of range.
   */
  constructor(options: AudioSupervisorOptions) {
    const format = options.sink.format;
    this.sampleRate = format.sampleRate;
    this.blockSize = format.blockSize;
    this.channels = format.channels;
    this.#sink = options.sink;
    this.#realtime = options.realtime ?? true;
    this.#lead = positiveInt("leadBlocks", options.leadBlocks ?? 3);
    this.#stallMs = positive("stallTimeoutMs", options.stallTimeoutMs ?? 50);
    this.#hungMs = positive(
      "hungTimeoutMs",
      options.hungTimeoutMs ?? Math.max(2000, 10 * this.#stallMs),
    );
    this.#graceMs = nonNegative(
      "startupGraceMs",
      options.startupGraceMs ?? 1000,
    );
    this.#backoffMs = nonNegative(
      "respawnBackoffMs",
      options.respawnBackoffMs ?? 100,
    );
    this.#startTimeoutMs = positive(
      "startTimeoutMs",
      options.startTimeoutMs ?? 20_000,
    );
    this.#checkpointMs = positive(
      "checkpointIntervalMs",
      options.checkpointIntervalMs ?? 5000,
    );
    this.#redundancyWaitMs = nonNegative(
      "redundancyWaitMs",
      options.redundancyWaitMs ?? 30_000,
    );
    const blockMs = this.blockSize * 1000 / this.sampleRate;
    this.#verifyWaitMs = nonNegative(
      "verifyWaitMs",
      options.verifyWaitMs ?? blockMs / 2,
    );
    this.#durationFrames = nonNegative(
      "durationFrames",
      options.durationFrames ?? 0,
    );
    this.#command = options.workerCommand ?? workerCommand();
    this.#stderr = options.workerStderr ?? "inherit";
    this.#onHorizon = options.onHorizon;
    this.#onBlock = options.onBlock;
    this.#onEvent = options.onEvent ?? (() => {});
    this.#log = options.logger ?? new Logger({ sink: () => {} });
    this.#now = options.now ?? (() => performance.now());
    this.#commandLog = new CommandLog({
      capacity: options.commandLogCapacity ?? 65536,
    });
    const init: WorkerInit = {
      sampleRate: this.sampleRate,
      blockSize: this.blockSize,
      channels: this.channels,
      seed: options.seed ?? 1,
      ...(options.patch !== undefined ? { patch: options.patch } : {}),
    };
    this.#initBytes = encoder.encode(JSON.stringify(init));
    const ringOptions = {
      slots: this.#lead + 2,
      samplesPerBlock: this.blockSize * this.channels,
    };
    this.#rings = [new BlockRing(ringOptions), new BlockRing(ringOptions)];
    // the finished promise is also awaited by callers that never look at it
    this.#finished.promise.catch(() => {});
    this.#ready.promise.catch(() => {});
  }

  /** Resolves when `durationFrames` have been written (or the writer failed). */
  get finished(): Promise<void> {
    return this.#finished.promise;
  }

  /** Real time or as fast as possible. */
  get realtime(): boolean {
    return this.#realtime;
  }

  /** The next block index to be written to the sink. */
  get playheadBlock(): number {
    return this.#writerNext;
  }

  /** The first frame not yet granted to either worker (where immediate commands land). */
  get horizonFrame(): number {
    return this.#creditLimit * this.blockSize;
  }

  /** Wall-clock ms (Unix) at which frame 0 was written; NaN before. */
  get startWallMs(): number {
    return this.#startWallMs;
  }

  /** A copy of the counters. */
  get stats(): SupervisorStats {
    return {
      ...this.#stats,
      failoversByReason: { ...this.#stats.failoversByReason },
      logCommands: this.#commandLog.size,
    };
  }

  /** The live workers. */
  workers(): WorkerInfo[] {
    const out: WorkerInfo[] = [];
    for (const h of this.#handles) {
      if (h === undefined || h.state === "dead") continue;
      out.push({
        slot: h.slot,
        pid: h.pid,
        role: h.slot === this.#primarySlot ? "primary" : "standby",
        state: h.state,
        nextBlock: h.nextBlock,
      });
    }
    return out;
  }

  /**
   * Starts both workers and the writer. Resolves once the primary is
   * ready to render.
   *
   * @throws {Error} If no worker became ready within `startTimeoutMs`.
   */
  async start(): Promise<void> {
    if (this.#started) {
      throw new Error("Expected a new supervisor, found one already started");
    }
    this.#started = true;
    this.#redundancyLostAt = this.#now();
    this.#advanceCredit();
    this.#spawn(0);
    this.#spawn(1);
    const tick = Math.max(2, Math.min(50, this.#stallMs / 4));
    this.#watchdog = setInterval(() => this.#check(), tick);
    this.#loop = this.#writerLoop().catch((error) => {
      this.#log.error("audio writer failed", { error });
      this.#finished.reject(error);
    });
    let timer: Timer | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.#startTimeoutMs);
    });
    try {
      const outcome = await Promise.race([this.#ready.promise, timeout]);
      if (outcome === "timeout") {
        await this.close();
        throw new Error(
          `Expected an audio worker to be ready within ${this.#startTimeoutMs} ms, found none`,
        );
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Sends a command to both workers. `frame` defaults to the horizon (the
   * first frame no worker may have rendered yet); an earlier frame is moved
   * to the horizon and counted as late.
   *
   * @param command The command without seq and frame.
   * @param frame The absolute frame at which it applies.
   * @returns The seq and frame assigned.
   * @throws {RangeError} If the command cannot be encoded.
   */
  submit(
    command: CommandDraft,
    frame?: number,
  ): { seq: number; frame: number } {
    const horizon = this.horizonFrame;
    let at = frame ?? horizon;
    if (!Number.isSafeInteger(at)) {
      throw new RangeError(
        `Expected a frame that is a safe integer, found ${at}`,
      );
    }
    if (at < horizon) {
      at = horizon;
      this.#stats.commandsLate++;
    }
    const seq = this.#seq + 1;
    const bytes = encodeCommand(
      { ...command, seq, frame: at } as EngineCommand,
    );
    this.#seq = seq;
    this.#commandLog.append(seq, bytes);
    this.#stats.commandsSent++;
    for (const h of this.#handles) {
      if (h !== undefined && loaded(h)) {
        h.proc!.writer.send(ToWorker.Command, bytes);
      }
    }
    return { seq, frame: at };
  }

  /**
   * Test hook: makes one worker flip a sample of block `block` after
   * rendering it (a divergence only that worker has).
   *
   * @param block The block index; at least the credit limit
   * (`horizonFrame / blockSize`), so that it is not rendered yet.
   * @param role Which worker. Default the primary.
   * @returns `false` if there is no such worker or the block may already
   * be rendered.
   */
  injectDivergence(
    block: number,
    role: "primary" | "standby" = "primary",
  ): boolean {
    const slot = role === "primary" ? this.#primarySlot : 1 - this.#primarySlot;
    const h = this.#handles[slot];
    if (h === undefined || !loaded(h) || block < this.#creditLimit) {
      return false;
    }
    return h.proc!.writer.sendF64(ToWorker.Inject, block);
  }

  /**
   * Stops the writer and both workers (a stop frame, then SIGKILL after
   * 150 ms). Does not close the sink. Idempotent; never rejects.
   */
  close(): Promise<void> {
    if (this.#closed) return this.#closed;
    this.#closing = true;
    clearInterval(this.#watchdog);
    for (const t of this.#respawnTimers) clearTimeout(t);
    this.#wake();
    this.#ready.reject(
      new Error("Expected the supervisor to start, found it closed"),
    );
    this.#finished.resolve();
    this.#closed = (async () => {
      const procs = [...this.#dying];
      for (const h of this.#handles) if (h?.proc) procs.push(h.proc);
      const loop = this.#loop ?? Promise.resolve();
      let timer: Timer | undefined;
      await Promise.all([
        Promise.race([
          loop,
          new Promise<void>((r) => timer = setTimeout(r, 500)),
        ]).finally(() => clearTimeout(timer)),
        ...procs.map((p) => p.close(150)),
      ]);
    })();
    return this.#closed;
  }

  // ---- workers -----------------------------------------------------------

  #spawn(slot: number): void {
    if (this.#closing) return;
    const h = new Handle(slot, this.#now());
    this.#handles[slot] = h;
    try {
      h.proc = WorkerProcess.spawn({
        command: this.#command,
        stderr: this.#stderr,
        readBufferBytes: 4 * blockFrameBytes(this.blockSize, this.channels),
        onFrame: (type, bytes, offset, length) =>
          this.#onFrame(h, type, bytes, offset, length),
        onExit: (exit) => this.#onExit(h, exit),
      });
    } catch (error) {
      this.#log.error("cannot start audio worker", { error });
      h.state = "dead";
      this.#handles[slot] = undefined;
      this.#failures++;
      this.#scheduleRespawn(slot);
      return;
    }
    h.pid = h.proc.pid;
    this.#log.debug("audio worker started", { slot, pid: h.pid });
    this.#onEvent({ type: "worker-started", slot, pid: h.pid });
  }

  #scheduleRespawn(slot: number): void {
    if (this.#closing || this.#respawnTimers[slot] !== undefined) return;
    const delay = this.#failures === 0 ? 0 : Math.min(
      MAX_BACKOFF_MS,
      this.#backoffMs * 2 ** Math.min(16, this.#failures - 1),
    );
    this.#respawnTimers[slot] = setTimeout(() => {
      this.#respawnTimers[slot] = undefined;
      this.#stats.respawns++;
      this.#spawn(slot);
    }, delay);
  }

  #onExit(h: Handle, exit: WorkerExit): void {
    if (h.proc) this.#dying.delete(h.proc);
    if (h.state === "dead" || this.#closing) {
      h.state = "dead";
      return;
    }
    this.#stats.workerExits++;
    if (exit.error) {
      this.#log.error("audio worker sent bad frames", {
        pid: h.pid,
        error: exit.error,
      });
    }
    this.#fail(h, "exit", exit);
  }

  #onFrame(
    h: Handle,
    type: number,
    bytes: Uint8Array,
    offset: number,
    length: number,
  ): void {
    if (h.state === "dead" || this.#closing) return;
    h.lastFrameAt = this.#now();
    switch (type) {
      case FromWorker.Block:
        this.#onBlockFrame(h, bytes, offset);
        return;
      case FromWorker.Hello:
        h.state = "waiting";
        this.#load(h);
        return;
      case FromWorker.Ready: {
        const block = readF64(bytes, offset + 8);
        h.firstBlock = block;
        h.nextBlock = block;
        h.state = "ready";
        h.readyAt = h.lastFrameAt;
        this.#updateOwing(h);
        this.#onEvent({
          type: "worker-ready",
          slot: h.slot,
          pid: h.pid,
          block,
        });
        if (h.slot === this.#primarySlot) this.#ready.resolve();
        this.#wake();
        return;
      }
      case FromWorker.Snapshot:
        this.#onSnapshot(h, bytes, offset, length);
        return;
      case FromWorker.Reject: {
        if (h.slot !== this.#primarySlot) return;
        this.#stats.commandsRejected++;
        const seq = readF64(bytes, offset + 8);
        const message = decoder.decode(
          bytes.subarray(offset + 16, offset + length),
        );
        this.#log.debug("command rejected", { seq, message });
        this.#onEvent({ type: "rejected", seq, message });
        return;
      }
      case FromWorker.Error: {
        const message = decoder.decode(
          bytes.subarray(offset + 8, offset + length),
        );
        this.#log.error("audio worker error", { pid: h.pid, message });
        this.#onEvent({ type: "worker-error", pid: h.pid, message });
        return;
      }
      default:
        this.#fail(h, "protocol");
    }
  }

  /** Brings a worker that said hello to the current state. */
  #load(h: Handle): void {
    const p = this.#handles[this.#primarySlot];
    const cp = this.#bestCheckpoint();
    if (cp.block === this.#writerNext) {
      // nothing played since the checkpoint (start-up): every block verified
      this.#restore(h, cp);
      return;
    }
    if (
      p !== undefined && p !== h &&
      (p.state === "ready" || p.state === "synced")
    ) {
      // a fresh snapshot of the primary: the shortest catch-up
      const id = ++this.#requestSeq;
      h.snapshotRequest = id;
      h.state = "waiting";
      if (p.proc!.writer.sendF64(ToWorker.Snapshot, id)) return;
      h.snapshotRequest = -1;
    }
    this.#restore(h, cp);
  }

  /** The newest checkpoint the writer has not passed and the log can complete. */
  #bestCheckpoint(): Checkpoint {
    for (let i = this.#checkpoints.length - 1; i >= 0; i--) {
      const cp = this.#checkpoints[i];
      if (
        cp.block <= this.#writerNext &&
        this.#commandLog.canReplayAfter(cp.lastSeq)
      ) {
        return cp;
      }
    }
    // nothing complete: the newest one is the closest (a gap may follow)
    this.#log.warn("no complete checkpoint; the restored state may differ");
    return this.#checkpoints[this.#checkpoints.length - 1];
  }

  #restore(h: Handle, cp: Checkpoint): void {
    const writer = h.proc!.writer;
    if (cp.snapshot) writer.send(ToWorker.Restore, cp.snapshot);
    else writer.send(ToWorker.Init, this.#initBytes);
    for (const entry of this.#commandLog.since(cp.lastSeq)) {
      writer.send(ToWorker.Command, entry.bytes);
    }
    writer.sendF64(ToWorker.Credit, this.#creditLimit);
    h.state = "loading";
    h.nextBlock = cp.block;
    h.snapshotRequest = -1;
  }

  #onSnapshot(
    from: Handle,
    bytes: Uint8Array,
    offset: number,
    length: number,
  ): void {
    const id = readF64(bytes, offset + 8);
    const cp: Checkpoint = {
      block: readF64(bytes, offset + 16),
      lastSeq: readF64(bytes, offset + 24),
      snapshot: bytes.slice(offset + 32, offset + length),
    };
    if (from.slot === this.#primarySlot || from.state === "synced") {
      this.#checkpoints.push(cp);
      if (this.#checkpoints.length > 2) this.#checkpoints.shift();
      this.#commandLog.trimThrough(this.#checkpoints[0].lastSeq);
      this.#stats.checkpoints++;
      this.#stats.checkpointBytes = cp.snapshot!.length;
      this.#lastCheckpointAt = this.#now();
    }
    if (id === this.#checkpointRequest) this.#checkpointRequest = -1;
    for (const h of this.#handles) {
      if (
        h !== undefined && h.state === "waiting" && h.snapshotRequest === id
      ) {
        this.#restore(h, cp);
      }
    }
  }

  #onBlockFrame(h: Handle, bytes: Uint8Array, offset: number): void {
    const k = readF64(bytes, offset + 8);
    const sum = readU32(bytes, offset + 16);
    if (k !== h.nextBlock || (h.state !== "ready" && h.state !== "synced")) {
      this.#fail(h, "protocol");
      return;
    }
    h.nextBlock = k + 1;
    this.#updateOwing(h);
    const ring = this.#rings[h.slot];
    if (k >= this.#writerNext) {
      if (k >= this.#writerNext + ring.size) {
        this.#stats.overruns++;
      } else {
        ring.store(k, sum, bytes, offset + BLOCK_HEADER_BYTES);
      }
    }
    const other = this.#handles[1 - h.slot];
    const otherRing = this.#rings[1 - h.slot];
    if (other !== undefined && vouches(other, k) && otherRing.has(k)) {
      if (otherRing.checksum(k) === sum) {
        this.#matched(h, k);
        this.#matched(other, k);
      } else {
        this.#diverged(k, h, other, sum, otherRing.checksum(k));
      }
    }
    this.#wake();
  }

  #matched(h: Handle, k: number): void {
    if (h.state !== "ready") return;
    h.state = "synced";
    h.syncedAt = this.#now();
    const ms = h.syncedAt - h.spawnedAt;
    this.#stats.lastLockstepMs = ms;
    this.#redundancyLostAt = NaN;
    this.#log.debug("audio worker in lockstep", {
      pid: h.pid,
      block: k,
      ms: round(ms),
    });
    this.#onEvent({ type: "lockstep", slot: h.slot, pid: h.pid, block: k, ms });
  }

  #diverged(
    k: number,
    h: Handle,
    other: Handle,
    sum: number,
    otherSum: number,
  ): void {
    this.#stats.divergences++;
    const p = h.slot === this.#primarySlot ? sum : otherSum;
    const s = h.slot === this.#primarySlot ? otherSum : sum;
    this.#log.warn("audio workers diverged", {
      block: k,
      primary: p,
      standby: s,
    });
    this.#onEvent({ type: "divergence", block: k, primary: p, standby: s });
    // a worker not yet verified is the suspect; otherwise the standby wins
    // (two opinions cannot say which is right; the primary is replaced)
    let blamed: Handle;
    if (h.state === "ready" && other.state !== "ready") blamed = h;
    else if (other.state === "ready" && h.state !== "ready") blamed = other;
    else blamed = h.slot === this.#primarySlot ? h : other;
    this.#fail(blamed, "divergence");
  }

  #updateOwing(h: Handle): void {
    if (
      h.nextBlock < this.#creditLimit &&
      (h.state === "ready" || h.state === "synced")
    ) {
      h.owingSince = this.#now();
    } else {
      h.owingSince = NaN;
    }
  }

  #fail(h: Handle, reason: FailureReason, exit?: WorkerExit): void {
    if (h.state === "dead") return;
    const wasPrimary = h.slot === this.#primarySlot;
    const detectionMs = this.#now() - h.lastFrameAt;
    const wasSyncedFor = this.#now() - h.syncedAt;
    h.state = "dead";
    if (h.proc) {
      this.#dying.add(h.proc);
      h.proc.kill("SIGKILL");
    }
    if (this.#handles[h.slot] === h) this.#handles[h.slot] = undefined;
    if (reason === "divergence") this.#rings[h.slot].clear();
    if (reason === "stall") this.#stats.stalls++;
    if (wasSyncedFor > BACKOFF_RESET_MS) this.#failures = 0;
    this.#failures++;
    this.#log.warn("audio worker lost", {
      pid: h.pid,
      role: wasPrimary ? "primary" : "standby",
      reason,
      ...(exit ? { code: exit.code, signal: exit.signal } : {}),
    });
    this.#onEvent({
      type: "worker-lost",
      slot: h.slot,
      pid: h.pid,
      reason,
      role: wasPrimary ? "primary" : "standby",
      ...(exit ? { exit } : {}),
    });
    if (this.#closing) return;
    if (Number.isNaN(this.#redundancyLostAt)) {
      this.#redundancyLostAt = this.#now();
    }
    if (wasPrimary) {
      this.#checkpointRequest = -1;
      this.#switchPrimary(h, reason, detectionMs);
    }
    this.#scheduleRespawn(h.slot);
    this.#wake();
  }

  #switchPrimary(
    old: Handle,
    reason: FailureReason,
    detectionMs: number,
  ): void {
    const otherSlot = 1 - old.slot;
    const s = this.#handles[otherSlot];
    if (s !== undefined && (s.state === "ready" || s.state === "synced")) {
      this.#primarySlot = otherSlot;
      this.#ready.resolve();
      this.#stats.failovers++;
      this.#stats.failoversByReason[reason]++;
      this.#stats.lastDetectionMs = detectionMs;
      this.#failover = {
        reason,
        fromPid: old.pid,
        toPid: s.pid,
        detectionMs,
        lastWritten: this.#lastWritten,
      };
      return;
    }
    // double fault: nobody can take over now; rebuild from a checkpoint
    this.#stats.doubleFaults++;
    this.#log.error("audio double fault: no standby ready", {
      block: this.#writerNext,
    });
    this.#onEvent({ type: "double-fault", block: this.#writerNext });
    if (s !== undefined) {
      this.#primarySlot = otherSlot;
      if (s.state === "waiting") this.#restore(s, this.#bestCheckpoint());
    }
  }

  // ---- credits, watchdog ---------------------------------------------------

  #advanceCredit(): void {
    const limit = this.#writerNext + this.#lead;
    if (limit <= this.#creditLimit) return;
    this.#onHorizon?.(limit * this.blockSize);
    this.#creditLimit = limit;
    for (const h of this.#handles) {
      if (h === undefined || !loaded(h)) continue;
      h.proc!.writer.sendF64(ToWorker.Credit, limit);
      if (Number.isNaN(h.owingSince)) this.#updateOwing(h);
    }
  }

  #check(): void {
    if (this.#closing) return;
    const now = this.#now();
    for (const h of this.#handles) {
      if (h === undefined || h.state === "dead") continue;
      if (h.state === "ready" || h.state === "synced") {
        // A stall is judged against the other worker: if it has delivered
        // blocks this one still owes, this one is stuck. If both are behind
        // (the machine is busy) or there is no one to switch to, replacing
        // it would only make things worse: only a hang counts then.
        const other = this.#handles[1 - h.slot];
        const peerAhead = other !== undefined &&
          (other.state === "ready" || other.state === "synced") &&
          other.nextBlock > h.nextBlock;
        let limit = peerAhead ? this.#stallMs : this.#hungMs;
        if (now - h.readyAt < this.#graceMs) {
          limit = Math.max(limit, this.#graceMs);
        }
        if (!Number.isNaN(h.owingSince) && now - h.owingSince > limit) {
          this.#fail(h, "stall");
        } else if (h.proc!.writer.dropped > 0) {
          this.#fail(h, "stall");
        }
      } else if (now - h.spawnedAt > this.#startTimeoutMs) {
        this.#fail(h, "start-timeout");
      }
    }
    const p = this.#handles[this.#primarySlot];
    if (
      p !== undefined && (p.state === "synced" || p.state === "ready") &&
      now - this.#lastCheckpointAt > this.#checkpointMs &&
      (this.#checkpointRequest < 0 ||
        now - this.#checkpointRequestAt > this.#startTimeoutMs)
    ) {
      this.#checkpointRequest = ++this.#requestSeq;
      this.#checkpointRequestAt = now;
      this.#lastCheckpointAt = now;
      p.proc!.writer.sendF64(ToWorker.Snapshot, this.#checkpointRequest);
    }
    this.#wake();
  }

  // ---- writer ----------------------------------------------------------------

  #wake(): void {
    const fn = this.#wakeFn;
    if (fn) {
      this.#wakeFn = undefined;
      fn();
    }
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wakeFn = undefined;
        resolve();
      }, ms);
      this.#wakeFn = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** The slot whose ring block `k` is played from, or -1 to wait. */
  #choose(k: number): number {
    const ps = this.#primarySlot;
    const p = this.#handles[ps];
    const s = this.#handles[1 - ps];
    const pHas = this.#rings[ps].has(k);
    const sHas = this.#rings[1 - ps].has(k);
    const pWill = !pHas && willDeliver(p, k);
    const sWill = !sHas && willDeliver(s, k);
    if (!this.#realtime) {
      // no deadline: keep redundancy while a worker is being brought up
      // (at start-up either one may say hello first)
      const unknown = (h: Handle | undefined) =>
        h === undefined || h.state === "starting" || h.state === "waiting";
      if (
        (unknown(s) || unknown(p)) &&
        this.#now() - this.#redundancyLostAt < this.#redundancyWaitMs
      ) {
        return -1;
      }
      if (pHas) {
        if (sWill) return -1; // both checksums before the sink
        if (!sHas) this.#stats.unverifiedBlocks++;
        return ps;
      }
      if (pWill) return -1;
      if (sHas) {
        // the primary will never deliver it (restored past it, or gone)
        this.#stats.unverifiedBlocks++;
        return 1 - ps;
      }
      return -1;
    }
    if (pHas && !sWill) {
      if (!sHas) this.#stats.unverifiedBlocks++;
      return ps;
    }
    if (!pHas && !pWill && sHas) {
      this.#stats.unverifiedBlocks++;
      return 1 - ps;
    }
    const now = this.#now();
    if (this.#waitBlock !== k) {
      this.#waitBlock = k;
      this.#waitStart = now;
    }
    if (now - this.#waitStart < this.#verifyWaitMs) return -1;
    if (pHas || sHas) {
      // the deadline is near: play what is there, unverified
      this.#stats.unverifiedBlocks++;
      return pHas ? ps : 1 - ps;
    }
    if (this.#underrunBlock !== k) {
      this.#underrunBlock = k;
      this.#stats.underruns++;
      this.#onEvent({ type: "underrun", block: k });
    }
    return -1;
  }

  async #writerLoop(): Promise<void> {
    const bs = this.blockSize;
    const totalBlocks = this.#durationFrames > 0
      ? Math.ceil(this.#durationFrames / bs)
      : Infinity;
    while (!this.#closing) {
      const k = this.#writerNext;
      if (k >= totalBlocks) break;
      const slot = this.#choose(k);
      if (slot < 0) {
        const ms = this.#realtime && this.#waitBlock === k
          ? Math.max(1, this.#verifyWaitMs - (this.#now() - this.#waitStart))
          : 50;
        await this.#wait(ms);
        continue;
      }
      this.#notePlay(k);
      let block = this.#rings[slot].samples(k);
      const frames = Math.min(
        bs,
        this.#durationFrames > 0 ? this.#durationFrames - k * bs : bs,
      );
      if (frames < bs) block = block.subarray(0, frames * this.channels);
      if (k === 0) this.#startWallMs = Date.now();
      this.#lastWritten = k; // in flight counts as written
      await this.#sink.write(block);
      this.#onBlock?.(block, k);
      this.#writerNext = k + 1;
      this.#stats.blocksWritten++;
      this.#stats.framesWritten += frames;
      this.#advanceCredit();
    }
    if (!this.#closing) {
      this.#onEvent({ type: "finished", frames: this.#stats.framesWritten });
      this.#finished.resolve();
    }
  }

  #notePlay(k: number): void {
    const f = this.#failover;
    if (f === undefined) return;
    this.#failover = undefined;
    const gapSamples = (k - (f.lastWritten + 1)) * this.blockSize *
      this.channels;
    this.#stats.lastGapSamples = gapSamples;
    this.#stats.totalGapSamples += Math.abs(gapSamples);
    this.#log.info("audio failover", {
      reason: f.reason,
      from: f.fromPid,
      to: f.toPid,
      block: k,
      gap: gapSamples,
      detectionMs: round(f.detectionMs),
    });
    this.#onEvent({
      type: "failover",
      reason: f.reason,
      fromPid: f.fromPid,
      toPid: f.toPid,
      block: k,
      gapSamples,
      detectionMs: f.detectionMs,
    });
  }
}

/** True if the worker is going to deliver block `k` (it has not yet). */
function willDeliver(h: Handle | undefined, k: number): boolean {
  return h !== undefined &&
    (h.state === "loading" || h.state === "ready" || h.state === "synced") &&
    k >= h.nextBlock;
}

function loaded(h: Handle): boolean {
  return h.state === "loading" || h.state === "ready" || h.state === "synced";
}

/** True if the worker delivered block `k` from its current engine. */
function vouches(h: Handle, k: number): boolean {
  return (h.state === "ready" || h.state === "synced") && k >= h.firstBlock &&
    k < h.nextBlock;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function positiveInt(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(
      `Expected ${name} to be a positive integer, found ${value}`,
    );
  }
  return value;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(
      `Expected ${name} to be a positive number, found ${value}`,
    );
  }
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `Expected ${name} to be a number >= 0, found ${value}`,
    );
  }
  return value;
}
