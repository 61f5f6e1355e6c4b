/**
 * {@link PipeSink}: plays through `pw-cat`, `pacat` or `aplay` by writing
 * raw PCM to the tool's stdin. The tool is found on `PATH` (or named), and
 * on close gets end-of-file, then SIGTERM, then SIGKILL, and is always
 * reaped.
 *
 * @module
 */

import { settlesWithin } from "../../core/settles_within.ts";
import { PcmBlockWriter } from "./_pcm_block_writer.ts";
import { detectPipeTool, type PipeTool, pipeToolArgs } from "./pipe_tools.ts";
import {
  checkSampleEncoding,
  checkSinkFormat,
  type SampleEncoding,
  type Sink,
  type SinkFormat,
  SinkStateError,
  type SinkStats,
} from "./sink.ts";

const STDERR_TAIL_BYTES = 4096;

/**
 * Options of {@link PipeSink.start}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PipeSinkOptions } from "./pipe_sink.ts";
 *
 * const options: PipeSinkOptions = { sampleRate: 48000, channels: 2, blockSize: 256, tool: "pacat" };
 * equal(options.tool, "pacat");
 * ```
 */
export interface PipeSinkOptions extends SinkFormat {
  /** The tool, or `"auto"` (default): pw-cat, then pacat, then aplay. */
  tool?: PipeTool | "auto";
  /** `s16le` (default) or `f32le`. */
  encoding?: SampleEncoding;
  /** The `PATH` to search. Default: the `PATH` environment variable. */
  path?: string;
  /** Extra environment for the tool. */
  env?: Record<string, string>;
  /** Sets `PULSE_SERVER` for the tool (Music Chronus's `CHRONUS_PULSE_SERVER`). */
  pulseServer?: string;
  /**
   * How long `close` lets the tool drain after end-of-file before SIGTERM
   * (and as long again before SIGKILL), in ms. Default 300.
   */
  closeTimeoutMs?: number;
}

/**
 * Counters of a {@link PipeSink}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PipeSinkStats } from "./pipe_sink.ts";
 *
 * const stats: PipeSinkStats = { blocks: 1, frames: 256, bytes: 1024, writeErrors: 0 };
 * equal(stats.writeErrors, 0);
 * ```
 */
export interface PipeSinkStats extends SinkStats {
  /** Writes that failed because the tool had gone. */
  writeErrors: number;
}

/**
 * The playback tool stopped taking audio: it exited, was killed, or closed
 * its input. `stderr` holds the end of what it printed (at most 4 KiB).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { PipeExitedError } from "./pipe_sink.ts";
 *
 * const error = new PipeExitedError("pacat", { code: 1, signal: null }, "Connection refused");
 * equal(error.message, "Expected pacat to keep playing, found it exited with code 1: Connection refused");
 * ```
 */
export class PipeExitedError extends Error {
  /** The tool. */
  readonly tool: string;
  /** Its exit code, or `null` if it was killed or is still running. */
  readonly code: number | null;
  /** The signal that ended it, or `null`. */
  readonly signal: string | null;
  /** The end of its stderr. */
  readonly stderr: string;

  /**
   * @param tool The tool.
   * @param status How it ended, or `undefined` if it is still running.
   * @param stderr The end of its stderr.
   * @param options The cause.
   */
  constructor(
    tool: string,
    status: { code: number; signal: string | null } | undefined,
    stderr: string,
    options?: ErrorOptions,
  ) {
    const detail = stderr.trim() === "" ? "" : `: ${stderr.trim()}`;
    const how = status === undefined
      ? "it closed its input"
      : status.signal !== null
      ? `it was killed by ${status.signal}`
      : `it exited with code ${status.code}`;
    super(`Expected ${tool} to keep playing, found ${how}${detail}`, options);
    this.name = "PipeExitedError";
    this.tool = tool;
    this.code = status?.signal === null ? status.code : null;
    this.signal = status?.signal ?? null;
    this.stderr = stderr;
  }
}

/**
 * A playback tool fed through its stdin. Writes wait for the pipe (the
 * tool's own buffering paces them, like a device).
 *
 * @example Playing through a stand-in `aplay` that discards its input
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { PipeSink } from "./pipe_sink.ts";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   await Deno.writeTextFile(`${dir}/aplay`, "#!/bin/sh\ncat > /dev/null\n");
 *   await Deno.chmod(`${dir}/aplay`, 0o755);
 *   const sink = PipeSink.start({ sampleRate: 48000, channels: 2, blockSize: 256, path: dir });
 *   equal(sink.tool, "aplay");
 *   deepEqual(sink.args, ["-q", "-t", "raw", "-r", "48000", "-c", "2", "-f", "S16_LE", "-"]);
 *   await sink.write(new Float32Array(512));
 *   await sink.close();
 *   equal((await sink.status).code, 0);
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export class PipeSink implements Sink {
  /** The stream format. */
  readonly format: Readonly<SinkFormat>;
  /** The sample encoding. */
  readonly encoding: SampleEncoding;
  /** The tool playing. */
  readonly tool: PipeTool;
  /** Its full path. */
  readonly executable: string;
  /** Its arguments. */
  readonly args: readonly string[];
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #closeTimeoutMs: number;
  readonly #stderrDone: Promise<void>;
  #stderrTail = new Uint8Array(0);
  #exitStatus: Deno.CommandStatus | undefined;
  readonly #pcm: PcmBlockWriter;
  #closing: Promise<void> | undefined;

  /**
   * Use {@link PipeSink.start}.
   *
   * @param token Module-private.
   * @param options The options.
   */
  constructor(token: typeof CONSTRUCT, options: PipeSinkOptions) {
    if (token !== CONSTRUCT) {
      throw new TypeError(
        "Expected PipeSink to be created by PipeSink.start(), found a direct constructor call",
      );
    }
    this.format = checkSinkFormat(options);
    this.encoding = checkSampleEncoding(options.encoding);
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 300;
    if (!(this.#closeTimeoutMs >= 0)) {
      throw new RangeError(
        `Expected closeTimeoutMs to be a non-negative number, found ${this.#closeTimeoutMs}`,
      );
    }
    const found = detectPipeTool(options.tool ?? "auto", options.path);
    this.tool = found.tool;
    this.executable = found.executable;
    this.args = pipeToolArgs(found.tool, this.format, this.encoding);
    const env: Record<string, string> = { ...options.env };
    if (options.pulseServer !== undefined) {
      env.PULSE_SERVER = options.pulseServer;
    }
    this.#child = new Deno.Command(this.executable, {
      args: [...this.args],
      stdin: "piped",
      stdout: "null",
      stderr: "piped",
      env,
    }).spawn();
    this.#writer = this.#child.stdin.getWriter();
    // A failed write is reported by write(); keep the writer's own
    // rejection from being unhandled.
    this.#writer.closed.catch(() => {});
    this.#stderrDone = this.#readStderr();
    this.#child.status.then((status) => {
      this.#exitStatus = status;
    });
    this.#pcm = new PcmBlockWriter(this.format, this.encoding);
  }

  /**
   * Finds the tool and starts it.
   *
   * @param options Format, tool, environment and close timeout.
   * @returns The running sink.
   * @throws {PipeToolNotFoundError} If the tool (or for `"auto"` every
   * tool) is missing from `PATH`; the message lists what was searched.
   * @throws {RangeError} If the format is invalid.
   */
  static start(options: PipeSinkOptions): PipeSink {
    return new PipeSink(CONSTRUCT, options);
  }

  /** The counters. */
  get stats(): PipeSinkStats {
    return this.#pcm.stats;
  }

  /** The tool's process ID. */
  get pid(): number {
    return this.#child.pid;
  }

  /** Resolves with the tool's exit status once it has been reaped. */
  get status(): Promise<Deno.CommandStatus> {
    return this.#child.status;
  }

  /**
   * Writes one block to the tool.
   *
   * @param block Interleaved samples.
   * @throws {SinkStateError} After `close`, or during another write.
   * @throws {PipeExitedError} If the tool has exited.
   * @throws {RangeError} If the block is not whole frames.
   */
  async write(block: Float32Array): Promise<void> {
    if (this.#closing) {
      throw new SinkStateError("Expected an open pipe sink, found it closed");
    }
    await this.#pcm.write(block, async (bytes) => {
      try {
        await this.#writer.write(bytes);
      } catch (error) {
        // Let the status and stderr settle so the error can say why.
        await settlesWithin(
          Promise.all([this.#child.status, this.#stderrDone]),
          200,
        );
        throw new PipeExitedError(
          this.tool,
          this.#exitStatus,
          new TextDecoder().decode(this.#stderrTail),
          { cause: error },
        );
      }
    });
  }

  /**
   * Sends end-of-file, waits up to `closeTimeoutMs` for the tool to exit,
   * then SIGTERM, then SIGKILL, and reaps it. Idempotent.
   *
   * @returns A promise that resolves once the tool has been reaped.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#writer.close().catch(() => {});
      if (!await settlesWithin(this.#child.status, this.#closeTimeoutMs)) {
        this.#kill("SIGTERM");
        if (!await settlesWithin(this.#child.status, this.#closeTimeoutMs)) {
          this.#kill("SIGKILL");
        }
      }
      await this.#child.status;
      await this.#stderrDone;
    })();
    return this.#closing;
  }

  #kill(signal: Deno.Signal): void {
    try {
      this.#child.kill(signal);
    } catch {
      // already exited
    }
  }

  async #readStderr(): Promise<void> {
    try {
      for await (const chunk of this.#child.stderr) {
        const joined = new Uint8Array(this.#stderrTail.length + chunk.length);
        joined.set(this.#stderrTail);
        joined.set(chunk, this.#stderrTail.length);
        this.#stderrTail = joined.slice(
          Math.max(0, joined.length - STDERR_TAIL_BYTES),
        );
      }
    } catch {
      // the stream was cancelled or broke: the tail so far is enough
    }
  }
}

const CONSTRUCT: unique symbol = Symbol("PipeSink");
