/**
 * {@link WavRecorder}: records the output to a WAV file on command
 * (`/record/start [file]`, `/record/stop`, `/record/status`). Blocks are
 * copied into a preallocated ring and written by a background loop, so
 * recording never makes the audio path wait for the disk; if the disk
 * cannot keep up, blocks are dropped and counted, and a write error stops
 * the recording (reported in the status) instead of stopping the audio.
 *
 * Files go into one directory and are named by the command: a plain file
 * name (`take1.wav`, `.wav` added if missing), never a path, so a remote
 * OSC sender cannot write anywhere else. Existing files are not replaced.
 * Without a name: `recording_YYYYMMDD_HHMMSS.wav` (Music Chronus's).
 *
 * @module
 */

import {
  blockFrames,
  checkSinkFormat,
  type SampleEncoding,
  type SinkFormat,
  SinkStateError,
} from "./sink.ts";
import { WavSink, type WavSinkOptions } from "./wav_sink.ts";

/**
 * The file a {@link WavRecorder} writes: a `WavSink`, or a stand-in in
 * tests.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RecorderFile } from "./wav_recorder.ts";
 *
 * const file: RecorderFile = {
 *   seconds: 0,
 *   stats: { frames: 0, droppedFull: 0 },
 *   write: () => Promise.resolve(),
 *   close: () => Promise.resolve(),
 * };
 * equal(file.seconds, 0);
 * ```
 */
export interface RecorderFile {
  /** Seconds written. */
  readonly seconds: number;
  /** Frames written, and blocks dropped at the size limit. */
  readonly stats: { readonly frames: number; readonly droppedFull: number };
  /** Appends a block. */
  write(block: Float32Array): Promise<void>;
  /** Finalises and closes the file. */
  close(): Promise<void>;
}

/**
 * Options of {@link WavRecorder}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { WavRecorderOptions } from "./wav_recorder.ts";
 *
 * const options: WavRecorderOptions = { sampleRate: 48000, channels: 2, blockSize: 256, directory: "recordings" };
 * equal(options.directory, "recordings");
 * ```
 */
export interface WavRecorderOptions extends SinkFormat {
  /** Where recordings are written (created if missing). */
  directory: string;
  /** `s16le` (default, as Music Chronus) or `f32le`. */
  encoding?: SampleEncoding;
  /** Longest recording in seconds; later blocks are dropped. Default 3600. */
  maxSeconds?: number;
  /** Blocks buffered between the audio path and the disk. Default 256. */
  bufferBlocks?: number;
  /** Header rewrite interval (ms), as in `WavSink`. Default 1000. */
  headerIntervalMs?: number;
  /** The wall clock for default file names. Default `() => new Date()`. */
  date?: () => Date;
  /** Opens a recording. Default `WavSink.open` (tests inject failures). */
  openFile?: (path: string, options: WavSinkOptions) => Promise<RecorderFile>;
}

/**
 * What {@link WavRecorder.status} reports.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RecorderStatus } from "./wav_recorder.ts";
 *
 * const status: RecorderStatus = {
 *   recording: false, file: null, seconds: 0, frames: 0, droppedBlocks: 0, error: null,
 * };
 * equal(status.recording, false);
 * ```
 */
export interface RecorderStatus {
  /** Whether a recording is running. */
  recording: boolean;
  /** The current (or last) recording's full path. */
  file: string | null;
  /** Seconds written to the current (or last) recording. */
  seconds: number;
  /** Frames written to it. */
  frames: number;
  /** Blocks dropped from it (disk too slow, or the size limit reached). */
  droppedBlocks: number;
  /** The write error that ended it, if any. */
  error: string | null;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,123}$/;

/**
 * Records to WAV files on command.
 *
 * @example Recording three blocks
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { WavRecorder } from "./wav_recorder.ts";
 *
 * const directory = await Deno.makeTempDir();
 * try {
 *   const recorder = new WavRecorder({ sampleRate: 48000, channels: 1, blockSize: 4, directory });
 *   recorder.write(new Float32Array(4)); // not recording: ignored
 *   const path = await recorder.start("take1");
 *   equal(path, `${directory}/take1.wav`);
 *   for (let i = 0; i < 3; i++) recorder.write(new Float32Array(4).fill(0.5));
 *   const status = await recorder.stop();
 *   equal(status.frames, 12);
 *   equal((await Deno.stat(path)).size, 44 + 12 * 2);
 * } finally {
 *   await Deno.remove(directory, { recursive: true });
 * }
 * ```
 */
export class WavRecorder {
  /** The stream format. */
  readonly format: Readonly<SinkFormat>;
  /** Where recordings go. */
  readonly directory: string;
  readonly #encoding: SampleEncoding;
  readonly #maxSeconds: number;
  readonly #headerIntervalMs: number | undefined;
  readonly #date: () => Date;
  readonly #openFile: (
    path: string,
    options: WavSinkOptions,
  ) => Promise<RecorderFile>;
  readonly #slots: Float32Array[];
  readonly #lengths: Uint32Array;
  #head = 0;
  #count = 0;
  #sink: RecorderFile | undefined;
  #accepting = false;
  #busy: Promise<void> | undefined;
  #drain: Promise<void> | undefined;
  #file: string | null = null;
  #frames = 0;
  #dropped = 0;
  #error: string | null = null;
  #lastSeconds = 0;

  /**
   * @param options Format, directory and limits.
   * @throws {RangeError} If the format or a limit is invalid.
   */
  constructor(options: WavRecorderOptions) {
    this.format = checkSinkFormat(options);
    this.directory = options.directory.replace(/\/+$/, "") || "/";
    this.#encoding = options.encoding ?? "s16le";
    this.#maxSeconds = options.maxSeconds ?? 3600;
    if (!(this.#maxSeconds > 0)) {
      throw new RangeError(
        `Expected maxSeconds to be a positive number, found ${this.#maxSeconds}`,
      );
    }
    const blocks = options.bufferBlocks ?? 256;
    if (!Number.isSafeInteger(blocks) || blocks < 1) {
      throw new RangeError(
        `Expected bufferBlocks to be a positive integer, found ${blocks}`,
      );
    }
    this.#headerIntervalMs = options.headerIntervalMs;
    this.#date = options.date ?? (() => new Date());
    this.#openFile = options.openFile ??
      ((path, wavOptions) => WavSink.open(path, wavOptions));
    const samples = this.format.blockSize * this.format.channels;
    this.#slots = Array.from(
      { length: blocks },
      () => new Float32Array(samples),
    );
    this.#lengths = new Uint32Array(blocks);
  }

  /** Whether a recording is running. */
  get recording(): boolean {
    return this.#accepting;
  }

  /**
   * The state of the current or last recording.
   *
   * @returns A snapshot.
   */
  status(): RecorderStatus {
    return {
      recording: this.#accepting,
      file: this.#file,
      seconds: this.#sink?.seconds ?? this.#lastSeconds,
      frames: this.#frames,
      droppedBlocks: this.#dropped + (this.#sink?.stats.droppedFull ?? 0),
      error: this.#error,
    };
  }

  /**
   * Starts recording into `directory/<file>`.
   *
   * @param file A plain file name (`.wav` is added if missing); default
   * `recording_YYYYMMDD_HHMMSS.wav` (local time).
   * @returns The recording's full path.
   * @throws {SinkStateError} If a recording is already running.
   * @throws {TypeError} If the name is not a plain file name of `A-Z a-z
   * 0-9 . _ -` starting with a letter or digit.
   * @throws {Deno.errors.AlreadyExists} If the file exists.
   */
  async start(file?: string): Promise<string> {
    if (this.#accepting || this.#busy) {
      throw new SinkStateError(
        `Expected no recording in progress, found one writing ${this.#file}`,
      );
    }
    let name = file ?? defaultName(this.#date());
    if (!NAME.test(name)) {
      throw new TypeError(
        `Expected a plain file name of A-Z a-z 0-9 . _ - (at most 124 characters), found ${
          JSON.stringify(name)
        }`,
      );
    }
    if (!/\.wav$/i.test(name)) name += ".wav";
    // A recording ended by a write error still holds its file: close it.
    if (this.#sink !== undefined) await this.stop();
    const path = `${this.directory === "/" ? "" : this.directory}/${name}`;
    const opening = Promise.withResolvers<void>();
    this.#busy = opening.promise;
    try {
      await Deno.mkdir(this.directory, { recursive: true });
      const frameBytes = this.format.channels *
        (this.#encoding === "s16le" ? 2 : 4);
      this.#sink = await this.#openFile(path, {
        ...this.format,
        encoding: this.#encoding,
        headerIntervalMs: this.#headerIntervalMs,
        maxDataBytes: Math.floor(this.#maxSeconds * this.format.sampleRate) *
          frameBytes,
        overwrite: false,
      });
    } finally {
      this.#busy = undefined;
      opening.resolve();
    }
    this.#file = path;
    this.#frames = 0;
    this.#dropped = 0;
    this.#error = null;
    this.#lastSeconds = 0;
    this.#accepting = true;
    return path;
  }

  /**
   * Queues a copy of the block for the current recording; does nothing
   * when not recording. Never waits for the disk and never throws for disk
   * trouble.
   *
   * @param block Interleaved samples (at most `blockSize` frames).
   * @throws {RangeError} If the block is not whole frames.
   */
  write(block: Float32Array): void {
    if (!this.#accepting) return;
    blockFrames(block, this.format.channels);
    const slots = this.#slots;
    if (this.#count === slots.length || block.length > slots[0].length) {
      this.#dropped++;
      return;
    }
    const index = (this.#head + this.#count) % slots.length;
    slots[index].set(block);
    this.#lengths[index] = block.length;
    this.#count++;
    this.#drain ??= this.#drainLoop();
  }

  /**
   * Stops recording: writes what is queued, finalises the header and
   * closes the file. Does nothing (but report) when not recording.
   *
   * @returns The final status.
   */
  async stop(): Promise<RecorderStatus> {
    this.#accepting = false;
    await this.#busy;
    this.#accepting = false;
    await this.#drain;
    const sink = this.#sink;
    if (sink !== undefined) {
      this.#sink = undefined;
      try {
        await sink.close();
      } catch (error) {
        this.#error ??= error instanceof Error ? error.message : String(error);
      }
      this.#lastSeconds = sink.seconds;
      this.#dropped += sink.stats.droppedFull;
    }
    return this.status();
  }

  /** Same as {@link WavRecorder.stop}, for shutdown. */
  async close(): Promise<void> {
    await this.stop();
  }

  async #drainLoop(): Promise<void> {
    try {
      while (this.#count > 0) {
        const index = this.#head;
        const sink = this.#sink;
        if (sink === undefined) break;
        try {
          await sink.write(
            this.#slots[index].subarray(0, this.#lengths[index]),
          );
          this.#frames = sink.stats.frames;
        } catch (error) {
          this.#error = error instanceof Error ? error.message : String(error);
          this.#accepting = false;
          this.#dropped += this.#count;
          this.#count = 0;
          break;
        }
        this.#head = (this.#head + 1) % this.#slots.length;
        this.#count--;
      }
    } finally {
      this.#drain = undefined;
    }
  }
}

function defaultName(date: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `recording_${date.getFullYear()}${two(date.getMonth() + 1)}${
    two(date.getDate())
  }_${two(date.getHours())}${two(date.getMinutes())}${
    two(date.getSeconds())
  }.wav`;
}
