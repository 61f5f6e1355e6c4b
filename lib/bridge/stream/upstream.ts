/**
 * The contract between the proxy and an upstream: something that yields
 * the channel's bytes until it ends, and releases everything (connection,
 * child process) on `close()`.
 *
 * @module
 */

import type { Channel } from "../channel.ts";

/**
 * An open upstream.
 *
 * @example A reader over fixed chunks
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { UpstreamReader } from "./upstream.ts";
 *
 * const chunks = [new Uint8Array(188)];
 * const reader: UpstreamReader = {
 *   description: "memory",
 *   read: () => Promise.resolve(chunks.shift() ?? null),
 *   close: () => Promise.resolve(),
 * };
 * equal((await reader.read())?.length, 188);
 * equal(await reader.read(), null);
 * ```
 */
export interface UpstreamReader {
  /** What it reads, for logs (`direct http://…`, `ffmpeg pid 123`). */
  readonly description: string;
  /**
   * The next bytes.
   *
   * @returns A chunk, or `null` when the upstream ended normally.
   * @throws {UpstreamError} (as a rejection) When the upstream failed.
   */
  read(): Promise<Uint8Array | null>;
  /**
   * Releases the connection and any child process (killed and reaped);
   * idempotent. A pending `read()` settles (with `null` or an error).
   */
  close(): Promise<void>;
}

/**
 * Options passed to an {@link UpstreamOpener}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { UpstreamOpenOptions } from "./upstream.ts";
 *
 * const options: UpstreamOpenOptions = { signal: new AbortController().signal };
 * equal(options.signal.aborted, false);
 * ```
 */
export interface UpstreamOpenOptions {
  /** Aborted when the opening must stop (startup deadline, close). */
  signal: AbortSignal;
}

/**
 * Opens the upstream of a channel.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { UpstreamOpener } from "./upstream.ts";
 *
 * const opener: UpstreamOpener = () =>
 *   Promise.resolve({ description: "empty", read: () => Promise.resolve(null), close: () => Promise.resolve() });
 * const reader = await opener(
 *   { id: "c", guideNumber: "1", name: "One", url: "http://x/", enabled: true, headers: {} },
 *   { signal: new AbortController().signal },
 * );
 * equal(reader.description, "empty");
 * ```
 */
export type UpstreamOpener = (
  channel: Channel,
  options: UpstreamOpenOptions,
) => Promise<UpstreamReader>;
