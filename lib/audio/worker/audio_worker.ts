/**
 * The worker side of `shack audio run`: one {@linkcode AudioEngine} driven
 * by frames from the supervisor (init or restore, commands, credits,
 * snapshot requests) that renders each block it has credit for into one
 * preallocated block frame and writes it out with its index and checksum.
 * No I/O of its own: frames come in through `handleFrame`, bytes go out
 * through a synchronous `write`, so it runs the same in a child process
 * (`runAudioWorker`) and in a test.
 *
 * @module
 */

import { AudioEngine } from "../engine/engine.ts";
import { decodeCommand } from "../engine/command_codec.ts";
import type { PatchSpec } from "../engine/patch_spec.ts";
import type { EngineCommand } from "../engine/commands.ts";
import {
  BLOCK_HEADER_BYTES,
  blockFrameBytes,
  encodeFrame,
  FRAME_HEADER_BYTES,
  FromWorker,
  PROTOCOL_VERSION,
  readF64,
  ToWorker,
  type WorkerInit,
  writeF64,
  writeU32,
} from "./protocol.ts";

/**
 * Options of {@linkcode AudioWorker}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { AudioWorkerOptions } from "./audio_worker.ts";
 * const o: AudioWorkerOptions = { write: () => {}, exit: () => {} };
 * equal(typeof o.write, "function");
 * ```
 */
export interface AudioWorkerOptions {
  /** Writes all of `bytes` before returning (the pipe to the supervisor). */
  write: (bytes: Uint8Array) => void;
  /** Ends the worker with an exit code (after `Stop` or a fatal error). */
  exit: (code: number) => void;
  /** The pid sent in the hello. Default `Deno.pid`. */
  pid?: number;
}

/**
 * Counters of a worker.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { AudioWorkerStats } from "./audio_worker.ts";
 * const s: AudioWorkerStats = { blocks: 0, commands: 0, rejected: 0, snapshots: 0 };
 * equal(s.blocks, 0);
 * ```
 */
export interface AudioWorkerStats {
  /** Blocks rendered and sent. */
  blocks: number;
  /** Commands received. */
  commands: number;
  /** Commands the engine refused or rejected. */
  rejected: number;
  /** Snapshots sent. */
  snapshots: number;
}

const encoder = new TextEncoder();

/**
 * The engine's `blockChecksum` (32-bit FNV-1a) over bytes already viewed
 * as bytes, so the per-block path creates no view.
 *
 * @param bytes The samples' bytes.
 * @returns The unsigned 32-bit checksum.
 *
 * @example Same as blockChecksum
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { blockChecksum } from "../engine/checksum.ts";
 * import { checksumBytes } from "./audio_worker.ts";
 * const block = new Float32Array([0.5, -0.25, 1]);
 * equal(checksumBytes(new Uint8Array(block.buffer)), blockChecksum(block));
 * ```
 */
export function checksumBytes(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h = Math.imul(h ^ bytes[i], 0x01000193);
  }
  return h >>> 0;
}
const decoder = new TextDecoder();

/**
 * The engine host of one worker process.
 *
 * @example Init, one credit, one block out
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { AudioWorker } from "./audio_worker.ts";
 * import { encodeFrame, FromWorker, readU32, ToWorker, writeF64 } from "./protocol.ts";
 * const out: Uint8Array[] = [];
 * const worker = new AudioWorker({ write: (b) => out.push(b.slice()), exit: () => {}, pid: 1 });
 * const feed = (f: Uint8Array) => worker.handleFrame(readU32(f, 4), f, 0, f.length);
 * worker.hello();
 * feed(encodeFrame(ToWorker.Init, new TextEncoder().encode(
 *   JSON.stringify({ sampleRate: 8000, blockSize: 16, channels: 1, seed: 1 }),
 * )));
 * const credit = new Uint8Array(8);
 * writeF64(credit, 0, 1);
 * feed(encodeFrame(ToWorker.Credit, credit));
 * equal(readU32(out[2], 4), FromWorker.Block);
 * equal(worker.stats.blocks, 1);
 * ```
 */
export class AudioWorker {
  readonly #write: (bytes: Uint8Array) => void;
  readonly #exit: (code: number) => void;
  readonly #pid: number;
  #engine: AudioEngine | undefined;
  #frame = new Uint8Array(0);
  #samples = new Float32Array(0);
  #sampleBytes = new Uint8Array(0);
  #credit = 0;
  #injectAt = -1;
  #stopped = false;
  #stats: AudioWorkerStats = {
    blocks: 0,
    commands: 0,
    rejected: 0,
    snapshots: 0,
  };

  /** @param options Output, exit and pid. */
  constructor(options: AudioWorkerOptions) {
    this.#write = options.write;
    this.#exit = options.exit;
    this.#pid = options.pid ?? Deno.pid;
  }

  /** The engine, once built by `Init` or `Restore`. */
  get engine(): AudioEngine | undefined {
    return this.#engine;
  }

  /** True after `Stop` or a fatal error. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** A copy of the counters. */
  get stats(): AudioWorkerStats {
    return { ...this.#stats };
  }

  /** Sends the hello frame (pid and protocol version). */
  hello(): void {
    const f = new Uint8Array(FRAME_HEADER_BYTES + 8);
    writeU32(f, 0, 12);
    writeU32(f, 4, FromWorker.Hello);
    writeU32(f, 8, this.#pid);
    writeU32(f, 12, PROTOCOL_VERSION);
    this.#write(f);
  }

  /**
   * Handles one frame from the supervisor; renders at once when a credit
   * allows it.
   *
   * @param type The frame type ({@linkcode ToWorker}).
   * @param bytes The buffer holding the frame.
   * @param offset Where the frame starts.
   * @param length The frame's total length.
   */
  handleFrame(
    type: number,
    bytes: Uint8Array,
    offset: number,
    length: number,
  ): void {
    if (this.#stopped) return;
    const p = offset + FRAME_HEADER_BYTES;
    const payloadLength = length - FRAME_HEADER_BYTES;
    try {
      switch (type) {
        case ToWorker.Credit:
          this.#need(payloadLength >= 8, "a credit of 8 bytes");
          this.#credit = Math.max(this.#credit, readF64(bytes, p));
          this.#render();
          return;
        case ToWorker.Command:
          this.#schedule(bytes.subarray(p, p + payloadLength));
          return;
        case ToWorker.Init:
          this.#init(
            JSON.parse(decoder.decode(bytes.subarray(p, p + payloadLength))),
          );
          return;
        case ToWorker.Restore:
          this.#restore(bytes.slice(p, p + payloadLength));
          return;
        case ToWorker.Snapshot:
          this.#need(payloadLength >= 8, "a snapshot request of 8 bytes");
          this.#snapshot(readF64(bytes, p));
          return;
        case ToWorker.Inject:
          this.#need(payloadLength >= 8, "an inject request of 8 bytes");
          this.#injectAt = readF64(bytes, p);
          return;
        case ToWorker.Stop:
          this.#stopped = true;
          this.#exit(0);
          return;
        default:
          throw new RangeError(
            `Expected a frame type from 1 to 7, found ${type}`,
          );
      }
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error));
    }
  }

  /**
   * Sends an error frame and exits with code 1.
   *
   * @param message What went wrong.
   */
  fail(message: string): void {
    if (this.#stopped) return;
    this.#stopped = true;
    try {
      this.#write(encodeFrame(FromWorker.Error, encoder.encode(message)));
    } finally {
      this.#exit(1);
    }
  }

  #need(ok: boolean, what: string): void {
    if (!ok) throw new RangeError(`Expected ${what}, found fewer bytes`);
  }

  #init(init: WorkerInit): void {
    if (typeof init !== "object" || init === null) {
      throw new TypeError("Expected an init object, found something else");
    }
    this.#setEngine(
      new AudioEngine({
        sampleRate: init.sampleRate,
        blockSize: init.blockSize,
        channels: init.channels,
        seed: init.seed,
        ...(init.patch !== undefined ? { patch: init.patch as PatchSpec } : {}),
        ...(init.queueCapacity !== undefined
          ? { queueCapacity: init.queueCapacity }
          : {}),
        onReject: this.#onReject,
      }),
    );
  }

  #restore(snapshot: Uint8Array): void {
    this.#setEngine(
      AudioEngine.restore(snapshot, { onReject: this.#onReject }),
    );
  }

  #setEngine(engine: AudioEngine): void {
    this.#engine = engine;
    const size = blockFrameBytes(engine.blockSize, engine.channels);
    if (this.#frame.length !== size) {
      this.#frame = new Uint8Array(size);
      this.#samples = new Float32Array(
        this.#frame.buffer,
        BLOCK_HEADER_BYTES,
        engine.blockSize * engine.channels,
      );
      this.#sampleBytes = this.#frame.subarray(BLOCK_HEADER_BYTES);
      writeU32(this.#frame, 0, size - 4);
      writeU32(this.#frame, 4, FromWorker.Block);
    }
    this.#credit = engine.blockIndex;
    const f = new Uint8Array(FRAME_HEADER_BYTES + 16);
    writeU32(f, 0, 20);
    writeU32(f, 4, FromWorker.Ready);
    writeF64(f, 8, engine.blockIndex);
    writeF64(f, 16, engine.lastScheduledSeq);
    this.#write(f);
  }

  #schedule(bytes: Uint8Array): void {
    const engine = this.#requireEngine();
    this.#stats.commands++;
    let command: EngineCommand;
    try {
      command = decodeCommand(bytes);
    } catch (error) {
      this.#reject(-1, (error as Error).message);
      return;
    }
    if (!engine.schedule(command)) {
      this.#reject(
        command.seq,
        "Expected room in the engine queue and a new seq, found neither",
      );
    }
  }

  readonly #onReject = (command: EngineCommand, error: Error): void => {
    this.#reject(command.seq, error.message);
  };

  #reject(seq: number, message: string): void {
    this.#stats.rejected++;
    const text = encoder.encode(message.slice(0, 500));
    const payload = new Uint8Array(8 + text.length);
    writeF64(payload, 0, seq);
    payload.set(text, 8);
    this.#write(encodeFrame(FromWorker.Reject, payload));
  }

  #snapshot(requestId: number): void {
    const engine = this.#requireEngine();
    const state = engine.snapshot();
    const payload = new Uint8Array(24 + state.length);
    writeF64(payload, 0, requestId);
    writeF64(payload, 8, engine.blockIndex);
    writeF64(payload, 16, engine.lastScheduledSeq);
    payload.set(state, 24);
    this.#write(encodeFrame(FromWorker.Snapshot, payload));
    this.#stats.snapshots++;
  }

  #requireEngine(): AudioEngine {
    if (this.#engine === undefined) {
      throw new RangeError(
        "Expected an init or restore frame first, found another frame",
      );
    }
    return this.#engine;
  }

  #render(): void {
    const engine = this.#requireEngine();
    const frame = this.#frame;
    const samples = this.#samples;
    while (engine.blockIndex < this.#credit && !this.#stopped) {
      const index = engine.blockIndex;
      engine.renderBlock(samples);
      if (index === this.#injectAt) {
        samples[0] = samples[0] === 0.5 ? 0.25 : 0.5;
        this.#injectAt = -1;
      }
      writeF64(frame, 8, index);
      writeU32(frame, 16, checksumBytes(this.#sampleBytes));
      this.#write(frame);
      this.#stats.blocks++;
    }
  }
}
