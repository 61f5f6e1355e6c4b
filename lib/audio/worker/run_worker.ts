/**
 * The body of the hidden `shack audio worker` subcommand: an
 * {@linkcode AudioWorker} on this process's stdin and stdout. It needs no
 * permissions. SIGINT is ignored (a Ctrl-C in the terminal reaches the
 * whole process group; the supervisor decides when its workers stop); the
 * worker ends on a `Stop` frame, at the end of stdin (the supervisor is
 * gone) or when stdout breaks.
 *
 * @module
 */

import { AudioWorker } from "./audio_worker.ts";
import { FrameReader, readerSource } from "./frame_reader.ts";

/**
 * Options of {@linkcode runAudioWorker} (tests swap the pipes).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RunAudioWorkerOptions } from "./run_worker.ts";
 * const o: RunAudioWorkerOptions = { ignoreSigint: false };
 * equal(o.ignoreSigint, false);
 * ```
 */
export interface RunAudioWorkerOptions {
  /** Where frames come from. Default `Deno.stdin`. */
  input?: { read(p: Uint8Array): Promise<number | null> };
  /** Where frames go (must write synchronously). Default `Deno.stdout`. */
  output?: { writeSync(p: Uint8Array): number };
  /** Ignore SIGINT while running. Default true. */
  ignoreSigint?: boolean;
}

/**
 * Writes all of `bytes` with `writeSync`, which may write only part.
 *
 * @param output The writer.
 * @param bytes The bytes.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { writeAllSync } from "./run_worker.ts";
 * let n = 0;
 * writeAllSync({ writeSync: (p) => { n += Math.min(2, p.length); return Math.min(2, p.length); } }, new Uint8Array(5));
 * equal(n, 5);
 * ```
 */
export function writeAllSync(
  output: { writeSync(p: Uint8Array): number },
  bytes: Uint8Array,
): void {
  let offset = 0;
  while (offset < bytes.length) {
    offset += output.writeSync(
      offset === 0 ? bytes : bytes.subarray(offset),
    );
  }
}

/**
 * Runs a worker until it is told to stop or its input ends.
 *
 * @param options The pipes (default stdin/stdout).
 * @returns The exit code: 0 after `Stop` or the end of input, 1 after a
 * fatal error or a broken output pipe.
 *
 * @example A worker whose input is empty ends at once
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { runAudioWorker } from "./run_worker.ts";
 * const code = await runAudioWorker({
 *   input: { read: () => Promise.resolve(null) },
 *   output: { writeSync: (p) => p.length },
 *   ignoreSigint: false,
 * });
 * equal(code, 0);
 * ```
 */
export async function runAudioWorker(
  options: RunAudioWorkerOptions = {},
): Promise<number> {
  const input = options.input ?? Deno.stdin;
  const output = options.output ?? Deno.stdout;
  const ignore = () => {};
  const ignoreSigint = options.ignoreSigint ?? true;
  if (ignoreSigint) Deno.addSignalListener("SIGINT", ignore);
  const exited = Promise.withResolvers<number>();
  const worker = new AudioWorker({
    write: (bytes) => writeAllSync(output, bytes),
    exit: (code) => exited.resolve(code),
  });
  try {
    worker.hello();
    const reader = new FrameReader(readerSource(input));
    const ended = reader.run((type, bytes, offset, length) =>
      worker.handleFrame(type, bytes, offset, length)
    ).then(() => 0, (error) => {
      worker.fail(error instanceof Error ? error.message : String(error));
      return 1;
    });
    return await Promise.race([ended, exited.promise]);
  } catch {
    // stdout is broken: the supervisor is gone
    return 1;
  } finally {
    if (ignoreSigint) Deno.removeSignalListener("SIGINT", ignore);
  }
}
