/**
 * The remux upstream: an ffmpeg child (`Deno.Command`) that reads an HLS
 * playlist or any other input ffmpeg understands and writes MPEG-TS with
 * `-c copy -f mpegts pipe:1`. Closing the reader kills the child (SIGTERM,
 * then SIGKILL after a grace period) and waits until it is reaped.
 *
 * @module
 */

import type { Channel } from "../channel.ts";
import type { UpstreamReader } from "./upstream.ts";
import { DEFAULT_UPSTREAM_USER_AGENT } from "./direct_upstream.ts";
import { toUpstreamError, UpstreamError } from "./upstream_error.ts";

/** Bytes of ffmpeg's stderr kept for error messages. */
const STDERR_TAIL_BYTES = 2048;

/**
 * Options of {@link ffmpegArgs} and {@link openFfmpegUpstream}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { FfmpegUpstreamOptions } from "./ffmpeg_upstream.ts";
 *
 * const options: FfmpegUpstreamOptions = { ffmpegPath: "/usr/bin/ffmpeg", killGraceMs: 300 };
 * equal(options.killGraceMs, 300);
 * ```
 */
export interface FfmpegUpstreamOptions {
  /** The ffmpeg executable. Default `ffmpeg` (looked up in PATH). */
  ffmpegPath?: string;
  /** Aborting it kills the child. */
  signal?: AbortSignal;
  /** Time between SIGTERM and SIGKILL on close. Default 300 ms. */
  killGraceMs?: number;
  /** User-Agent when the channel sets none. Default {@link DEFAULT_UPSTREAM_USER_AGENT}. */
  userAgent?: string;
  /** Extra arguments placed before `-i` (input options). */
  inputArgs?: readonly string[];
}

/** Header names ffmpeg's HTTP protocol takes as options of their own. */
const OWN_OPTIONS: Record<string, string> = {
  "user-agent": "-user_agent",
  "referer": "-referer",
};

/**
 * The ffmpeg command line for a channel: quiet, HTTP reconnect flags for
 * http(s) inputs, the channel's headers, stream copy into MPEG-TS on stdout.
 *
 * @param channel The channel (its `url` and `headers`).
 * @param options User-Agent and extra input arguments.
 * @returns The arguments (without the executable).
 *
 * @example Remuxing an HLS channel
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { ffmpegArgs } from "./ffmpeg_upstream.ts";
 *
 * const args = ffmpegArgs({ url: "http://cdn.example/live.m3u8", headers: { Referer: "http://a/" } });
 * deepEqual(args.slice(-7), ["-c", "copy", "-f", "mpegts", "-muxdelay", "0", "pipe:1"]);
 * equal(args[args.indexOf("-referer") + 1], "http://a/");
 * equal(args[args.indexOf("-i") + 1], "http://cdn.example/live.m3u8");
 * ```
 */
export function ffmpegArgs(
  channel: Pick<Channel, "url" | "headers">,
  options: Pick<FfmpegUpstreamOptions, "userAgent" | "inputArgs"> = {},
): string[] {
  const args = ["-hide_banner", "-nostdin", "-loglevel", "error"];
  const http = /^https?:/i.test(channel.url);
  if (http) {
    args.push(
      "-reconnect",
      "1",
      "-reconnect_streamed",
      "1",
      "-reconnect_delay_max",
      "2",
    );
    let userAgent = options.userAgent ?? DEFAULT_UPSTREAM_USER_AGENT;
    const extra: string[] = [];
    for (const [name, value] of Object.entries(channel.headers ?? {})) {
      if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) continue;
      const lower = name.toLowerCase();
      if (lower === "user-agent") userAgent = value;
      else if (OWN_OPTIONS[lower]) args.push(OWN_OPTIONS[lower], value);
      else extra.push(`${name}: ${value}\r\n`);
    }
    args.push("-user_agent", userAgent);
    if (extra.length > 0) args.push("-headers", extra.join(""));
  }
  args.push(...(options.inputArgs ?? []));
  args.push("-fflags", "+discardcorrupt", "-i", channel.url);
  args.push("-c", "copy", "-f", "mpegts", "-muxdelay", "0", "pipe:1");
  return args;
}

/**
 * An ffmpeg upstream: the reader plus what a test or a log wants to know
 * about the child.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { FfmpegUpstreamReader } from "./ffmpeg_upstream.ts";
 *
 * const fake: Pick<FfmpegUpstreamReader, "pid"> = { pid: 42 };
 * equal(fake.pid, 42);
 * ```
 */
export interface FfmpegUpstreamReader extends UpstreamReader {
  /** The child's process id. */
  readonly pid: number;
  /** The last bytes the child wrote to stderr. */
  readonly stderrTail: string;
  /** Resolves with the exit status once the child is reaped. */
  readonly status: Promise<Deno.CommandStatus>;
}

/**
 * Starts ffmpeg for a channel and returns a reader of its stdout.
 *
 * @param channel The channel (its `url` and `headers`).
 * @param options Executable, signal, kill grace period, User-Agent.
 * @returns The reader; `read()` rejects with `exit` if ffmpeg ends with a
 * non-zero status.
 * @throws {UpstreamError} (as a rejection) `spawn` if the executable cannot
 * be started.
 *
 * @example A stand-in for ffmpeg
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { openFfmpegUpstream } from "./ffmpeg_upstream.ts";
 *
 * // `echo` ignores ffmpeg's arguments and prints them: enough to show the pipe.
 * const reader = await openFfmpegUpstream(
 *   { url: "http://upstream.example/live.m3u8", headers: {} },
 *   { ffmpegPath: "echo" },
 * );
 * const first = await reader.read();
 * equal(first !== null && first.length > 0, true);
 * await reader.close();
 * equal((await reader.status).success, true);
 * ```
 */
export function openFfmpegUpstream(
  channel: Pick<Channel, "url" | "headers">,
  options: FfmpegUpstreamOptions = {},
): Promise<FfmpegUpstreamReader> {
  const path = options.ffmpegPath ?? "ffmpeg";
  if (options.signal?.aborted) {
    return Promise.reject(
      new UpstreamError(
        "spawn",
        "Expected to start ffmpeg but found the tune already aborted",
      ),
    );
  }
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(path, {
      args: ffmpegArgs(channel, options),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (err) {
    return Promise.reject(
      new UpstreamError(
        "spawn",
        `Expected to start ${path} but found: ${
          err instanceof Error ? err.message : String(err)
        }`,
        { cause: err },
      ),
    );
  }
  return Promise.resolve(
    new FfmpegReader(child, path, options.killGraceMs ?? 300, options.signal),
  );
}

class FfmpegReader implements FfmpegUpstreamReader {
  readonly description: string;
  readonly pid: number;
  readonly status: Promise<Deno.CommandStatus>;
  readonly #child: Deno.ChildProcess;
  readonly #stdout: ReadableStreamDefaultReader<Uint8Array>;
  readonly #killGraceMs: number;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort: () => void;
  readonly #stderrDone: Promise<void>;
  #stderr = new Uint8Array(0);
  #exited = false;
  #closing: Promise<void> | undefined;

  constructor(
    child: Deno.ChildProcess,
    path: string,
    killGraceMs: number,
    signal: AbortSignal | undefined,
  ) {
    this.#child = child;
    this.pid = child.pid;
    this.description = `ffmpeg ${path} pid ${child.pid}`;
    this.#killGraceMs = killGraceMs;
    this.#stdout = child.stdout.getReader();
    this.status = child.status.then((status) => {
      this.#exited = true;
      return status;
    });
    this.#stderrDone = this.#drainStderr();
    this.#signal = signal;
    this.#onAbort = () => void this.close();
    signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  get stderrTail(): string {
    return new TextDecoder().decode(this.#stderr).trim();
  }

  async read(): Promise<Uint8Array | null> {
    if (this.#closing !== undefined) return null;
    let result: ReadableStreamReadResult<Uint8Array>;
    try {
      result = await this.#stdout.read();
    } catch (err) {
      if (this.#closing !== undefined) return null;
      throw toUpstreamError(err);
    }
    if (!result.done) return result.value;
    const status = await this.status;
    await this.#stderrDone;
    if (this.#closing !== undefined || status.success) return null;
    const tail = this.stderrTail.split("\n").slice(-3).join(" | ");
    throw new UpstreamError(
      "exit",
      `Expected ffmpeg to keep streaming but found it exited with code ${status.code}${
        tail ? `: ${tail.slice(0, 500)}` : ""
      }`,
    );
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#signal?.removeEventListener("abort", this.#onAbort);
    await this.#stdout.cancel().catch(() => {});
    if (!this.#exited) {
      this.#kill("SIGTERM");
      let timer: ReturnType<typeof setTimeout> | undefined;
      const graceOver = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), this.#killGraceMs);
      });
      const outcome = await Promise.race([this.status, graceOver]);
      clearTimeout(timer);
      if (outcome === "timeout") this.#kill("SIGKILL");
    }
    await this.status;
    await this.#stderrDone;
  }

  #kill(signal: Deno.Signal): void {
    try {
      this.#child.kill(signal);
    } catch {
      // Already exited between the check and the kill.
    }
  }

  async #drainStderr(): Promise<void> {
    try {
      for await (const chunk of this.#child.stderr) {
        const joined = new Uint8Array(this.#stderr.length + chunk.length);
        joined.set(this.#stderr);
        joined.set(chunk, this.#stderr.length);
        this.#stderr = joined.length > STDERR_TAIL_BYTES
          ? joined.slice(joined.length - STDERR_TAIL_BYTES)
          : joined;
      }
    } catch {
      // The pipe broke with the child: nothing more to keep.
    }
  }
}
