/**
 * The binary framing between the audio supervisor and its worker processes
 * (stdin/stdout pipes). Every frame is `u32 length` (little-endian, the
 * bytes that follow) + `u32 type` + payload. Block frames have a fixed
 * 24-byte header (`length`, `type`, `f64 blockIndex`, `u32 checksum`,
 * `u32 flags`) followed by the interleaved float32 samples, so both sides
 * preallocate one buffer per block and never allocate per block.
 *
 * Supervisor → worker: {@linkcode ToWorker}. Worker → supervisor:
 * {@linkcode FromWorker}. Numbers that can exceed 2^32 (block indices,
 * sequence numbers) travel as float64 (exact for safe integers).
 *
 * @module
 */

/** Version of the framing; the worker sends it in its hello. */
export const PROTOCOL_VERSION = 1;

/** Bytes of `u32 length` + `u32 type`. */
export const FRAME_HEADER_BYTES = 8;

/** Bytes before the samples in a block frame. */
export const BLOCK_HEADER_BYTES = 24;

/** Largest frame accepted on either pipe (snapshots are the large ones). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/**
 * Frame types sent by the supervisor to a worker.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ToWorker } from "./protocol.ts";
 * equal(ToWorker.Credit, 4);
 * ```
 */
export const ToWorker = Object.freeze(
  {
    /** JSON {@linkcode WorkerInit}: build a fresh engine. */
    Init: 1,
    /** Engine snapshot bytes: build the engine from them. */
    Restore: 2,
    /** One encoded engine command (`encodeCommand`). */
    Command: 3,
    /** `f64 untilBlock`: render every block with a smaller index. */
    Credit: 4,
    /** `f64 requestId`: answer with a snapshot at the current block boundary. */
    Snapshot: 5,
    /** `f64 blockIndex`: test hook, flip one sample of that block after rendering it. */
    Inject: 6,
    /** Exit now (code 0). */
    Stop: 7,
  } as const,
);

/**
 * Frame types sent by a worker to the supervisor.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { FromWorker } from "./protocol.ts";
 * equal(FromWorker.Block, 3);
 * ```
 */
export const FromWorker = Object.freeze(
  {
    /** `u32 pid`, `u32 protocol version`: sent once at start. */
    Hello: 1,
    /** `f64 blockIndex`, `f64 lastScheduledSeq`: the engine is built. */
    Ready: 2,
    /** `f64 blockIndex`, `u32 checksum`, `u32 flags`, samples. */
    Block: 3,
    /** `f64 requestId`, `f64 blockIndex`, `f64 lastScheduledSeq`, snapshot bytes. */
    Snapshot: 4,
    /** UTF-8 message: a fatal error; the worker exits after sending it. */
    Error: 5,
    /** `f64 seq`, UTF-8 reason: the engine rejected a command. */
    Reject: 6,
  } as const,
);

/**
 * What a worker needs to build a fresh engine (the `Init` frame, as JSON).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { WorkerInit } from "./protocol.ts";
 * const init: WorkerInit = { sampleRate: 48000, blockSize: 256, channels: 2, seed: 1 };
 * equal(init.channels, 2);
 * ```
 */
export interface WorkerInit {
  /** Frames per second. */
  sampleRate: number;
  /** Frames per block. */
  blockSize: number;
  /** Interleaved channels. */
  channels: number;
  /** Seed of the engine's random generators. */
  seed: number;
  /** The patch active from frame 0 (an engine `PatchSpec`); none = silence. */
  patch?: unknown;
  /** Most scheduled commands waiting in the engine. */
  queueCapacity?: number;
}

const scratch = new Float64Array(1);
const scratchBytes = new Uint8Array(scratch.buffer);

/**
 * Reads a little-endian u32 at `offset`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { readU32 } from "./protocol.ts";
 * equal(readU32(new Uint8Array([1, 2, 0, 0]), 0), 513);
 * ```
 */
export function readU32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] | (bytes[offset + 1] << 8) |
    (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0;
}

/**
 * Writes a little-endian u32 at `offset`.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { writeU32 } from "./protocol.ts";
 * const b = new Uint8Array(4);
 * writeU32(b, 0, 513);
 * deepEqual([...b], [1, 2, 0, 0]);
 * ```
 */
export function writeU32(
  bytes: Uint8Array,
  offset: number,
  value: number,
): void {
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >>> 8) & 0xff;
  bytes[offset + 2] = (value >>> 16) & 0xff;
  bytes[offset + 3] = (value >>> 24) & 0xff;
}

/**
 * Reads a little-endian float64 at `offset` (any alignment, no allocation).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { readF64, writeF64 } from "./protocol.ts";
 * const b = new Uint8Array(9);
 * writeF64(b, 1, 2 ** 40 + 3);
 * equal(readF64(b, 1), 2 ** 40 + 3);
 * ```
 */
export function readF64(bytes: Uint8Array, offset: number): number {
  for (let i = 0; i < 8; i++) scratchBytes[i] = bytes[offset + i];
  return scratch[0];
}

/**
 * Writes a little-endian float64 at `offset` (any alignment, no allocation).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { readF64, writeF64 } from "./protocol.ts";
 * const b = new Uint8Array(8);
 * writeF64(b, 0, -1.5);
 * equal(readF64(b, 0), -1.5);
 * ```
 */
export function writeF64(
  bytes: Uint8Array,
  offset: number,
  value: number,
): void {
  scratch[0] = value;
  for (let i = 0; i < 8; i++) bytes[offset + i] = scratchBytes[i];
}

/**
 * Bytes of a whole block frame (header + samples).
 *
 * @param blockSize Frames per block.
 * @param channels Interleaved channels.
 * @returns The frame size in bytes.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { blockFrameBytes } from "./protocol.ts";
 * equal(blockFrameBytes(256, 2), 24 + 256 * 2 * 4);
 * ```
 */
export function blockFrameBytes(blockSize: number, channels: number): number {
  return BLOCK_HEADER_BYTES + blockSize * channels * 4;
}

/**
 * Builds one frame with a copy of `payload` (for the rare, variable-size
 * frames: init, restore, snapshot, errors). Block and credit frames are
 * written in place instead.
 *
 * @param type The frame type.
 * @param payload The payload.
 * @returns The frame bytes.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { encodeFrame, readU32, ToWorker } from "./protocol.ts";
 * const f = encodeFrame(ToWorker.Stop, new Uint8Array(0));
 * equal(readU32(f, 0), 4);
 * equal(readU32(f, 4), ToWorker.Stop);
 * ```
 */
export function encodeFrame(type: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  writeU32(out, 0, 4 + payload.length);
  writeU32(out, 4, type);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}
