/**
 * One worker child process as the supervisor sees it: spawned with piped
 * stdin/stdout, frames read from its stdout with a BYOB reader into one
 * reusable buffer, frames written to its stdin through a
 * {@linkcode PipeWriter}, its exit reported once. `close()` ends it within
 * a deadline (a `Stop` frame and the end of its input, then SIGKILL) and
 * releases every resource.
 *
 * @module
 */

import { byobSource, FrameReader } from "../worker/frame_reader.ts";
import type { FrameHandler } from "../worker/frame_reader.ts";
import { ToWorker } from "../worker/protocol.ts";
import { PipeWriter } from "./pipe_writer.ts";
import type { WorkerCommand } from "./worker_command.ts";

/**
 * How a worker process ended.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { WorkerExit } from "./worker_process.ts";
 * const e: WorkerExit = { code: 137, signal: "SIGKILL", error: undefined };
 * equal(e.signal, "SIGKILL");
 * ```
 */
export interface WorkerExit {
  /** The exit code (128 + n for a signal). */
  code: number;
  /** The signal that ended it, if any. */
  signal: Deno.Signal | null;
  /** A problem reading its output (bad framing), if any. */
  error: Error | undefined;
}

/**
 * Options of {@linkcode WorkerProcess.spawn}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { WorkerProcessOptions } from "./worker_process.ts";
 * const o: WorkerProcessOptions = {
 *   command: { command: "deno", args: [] },
 *   onFrame: () => {},
 *   onExit: () => {},
 * };
 * equal(o.command.command, "deno");
 * ```
 */
export interface WorkerProcessOptions {
  /** The program to start. */
  command: WorkerCommand;
  /** Each frame from the worker (synchronous; the bytes are reused). */
  onFrame: FrameHandler;
  /** Once, when the process has ended (after its last frame). */
  onExit: (exit: WorkerExit) => void;
  /** The worker's stderr: inherited (default) or discarded. */
  stderr?: "inherit" | "null";
  /** Initial size of the read buffer (a few block frames). Default 64 KiB. */
  readBufferBytes?: number;
  /** Extra environment variables. */
  env?: Record<string, string>;
}

/**
 * A running worker process.
 *
 * @example Spawning a process that exits at once
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { WorkerProcess } from "./worker_process.ts";
 * const exited = Promise.withResolvers<number>();
 * const w = WorkerProcess.spawn({
 *   command: { command: Deno.execPath(), args: ["eval", "Deno.exit(3)"] },
 *   onFrame: () => {},
 *   onExit: (e) => exited.resolve(e.code),
 *   stderr: "null",
 * });
 * equal(await exited.promise, 3);
 * await w.close();
 * ```
 */
export class WorkerProcess {
  /** The process id. */
  readonly pid: number;
  /** Frames to the worker. */
  readonly writer: PipeWriter;
  readonly #child: Deno.ChildProcess;
  readonly #finished: Promise<void>;
  #exit: WorkerExit | undefined;
  #killed = false;

  private constructor(child: Deno.ChildProcess, options: WorkerProcessOptions) {
    this.#child = child;
    this.pid = child.pid;
    this.writer = new PipeWriter(child.stdin);
    const source = byobSource(child.stdout);
    const reader = new FrameReader(source, {
      initialBytes: options.readBufferBytes ?? 65536,
    });
    const read = reader.run(options.onFrame).then(
      () => undefined,
      (error: unknown) => {
        // bad framing: the worker cannot be trusted; end it
        this.kill("SIGKILL");
        return error instanceof Error ? error : new Error(String(error));
      },
    );
    this.#finished = Promise.all([read, child.status]).then(
      async ([error, status]) => {
        source.release();
        try {
          await child.stdout.cancel();
        } catch {
          // already closed
        }
        await this.writer.abort();
        this.#exit = {
          code: status.code,
          signal: status.signal,
          error,
        };
        options.onExit(this.#exit);
      },
    );
  }

  /**
   * Starts a worker process.
   *
   * @param options Command, callbacks, stderr handling.
   * @returns The process.
   * @throws {Deno.errors.NotFound} If the executable does not exist.
   */
  static spawn(options: WorkerProcessOptions): WorkerProcess {
    const child = new Deno.Command(options.command.command, {
      args: options.command.args,
      stdin: "piped",
      stdout: "piped",
      stderr: options.stderr ?? "inherit",
      ...(options.env ? { env: options.env } : {}),
    }).spawn();
    return new WorkerProcess(child, options);
  }

  /** How it ended, once it has. */
  get exit(): WorkerExit | undefined {
    return this.#exit;
  }

  /** Resolves after the process ended and its pipes are closed. */
  get finished(): Promise<void> {
    return this.#finished;
  }

  /**
   * Sends a signal; ignores a process that is already gone.
   *
   * @param signal The signal.
   */
  kill(signal: Deno.Signal = "SIGKILL"): void {
    if (this.#exit !== undefined) return;
    if (signal === "SIGKILL") this.#killed = true;
    try {
      this.#child.kill(signal);
    } catch {
      // already exited
    }
  }

  /** True once SIGKILL was sent. */
  get killed(): boolean {
    return this.#killed;
  }

  /**
   * Ends the worker: a `Stop` frame and the end of its input, then SIGKILL
   * after `graceMs` (and at once for a stopped process). Resolves when it
   * is gone and its pipes are released; never rejects.
   *
   * @param graceMs Time for a clean exit. Default 200 ms.
   */
  async close(graceMs = 200): Promise<void> {
    if (this.#exit === undefined) {
      this.writer.send(ToWorker.Stop, new Uint8Array(0));
      void this.writer.close();
      // a stopped (SIGSTOP) process can still be killed; SIGCONT is not needed
      const timer = setTimeout(() => this.kill("SIGKILL"), graceMs);
      try {
        await this.#finished;
      } finally {
        clearTimeout(timer);
      }
    }
    await this.#finished;
  }
}
