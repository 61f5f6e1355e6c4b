/**
 * The response body of one stream client: a `ReadableStream` fed from a
 * bounded queue. The client's disconnect arrives as the stream's `cancel`;
 * a client that reads slower than the channel's bitrate fills the queue and
 * is dropped (its response cut), never buffered without bound.
 *
 * @module
 */

import { BoundedQueue } from "../../core/bounded/bounded_queue.ts";

/**
 * Options of {@link ClientStream}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ClientStreamOptions } from "./client_stream.ts";
 *
 * const options: ClientStreamOptions = { maxQueuedBytes: 1 << 20 };
 * equal(options.maxQueuedBytes, 1048576);
 * ```
 */
export interface ClientStreamOptions {
  /** Most bytes waiting for the client; one more and it is dropped. Default 2 MiB (2 s at 8 Mb/s). */
  maxQueuedBytes?: number;
  /** Most chunks waiting for the client. Default 1024. */
  maxQueuedChunks?: number;
  /** Called with the size of every chunk the client took. */
  onBytes?: (count: number) => void;
  /** Called once when the client went away (the body was cancelled). */
  onCancel?: (reason: unknown) => void;
  /** Called once when the client was dropped for reading too slowly. */
  onOverflow?: () => void;
}

/**
 * One client's stream of packets.
 *
 * `push()` queues a chunk; the body hands chunks over as the client reads.
 * `finish()` ends the body after the queued chunks (a clean end of the HTTP
 * response); `abort()` cuts it at once. The body's `cancel` (the client
 * left) calls `onCancel`; overflowing the queue calls `onOverflow` and cuts
 * the body. After any of these, `push()` does nothing.
 *
 * @example A client reading two chunks, then the end
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ClientStream } from "./client_stream.ts";
 *
 * let delivered = 0;
 * const client = new ClientStream({ onBytes: (n) => { delivered += n; } });
 * client.push(new Uint8Array(188));
 * client.push(new Uint8Array(376));
 * client.finish();
 * const bytes = new Uint8Array(await new Response(client.body).arrayBuffer());
 * equal(bytes.length, 564);
 * equal(delivered, 564);
 * ```
 */
export class ClientStream {
  /** The response body. */
  readonly body: ReadableStream<Uint8Array>;
  readonly #queue: BoundedQueue<Uint8Array>;
  readonly #maxQueuedBytes: number;
  readonly #options: ClientStreamOptions;
  readonly #finished = new AbortController();
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #queuedBytes = 0;
  #open = true;
  #dropped = false;

  /**
   * Creates an empty stream.
   *
   * @param options Queue limits and callbacks.
   * @throws {RangeError} If a limit is not a positive integer.
   */
  constructor(options: ClientStreamOptions = {}) {
    this.#options = options;
    this.#maxQueuedBytes = options.maxQueuedBytes ?? 2 << 20;
    if (
      !Number.isSafeInteger(this.#maxQueuedBytes) || this.#maxQueuedBytes < 1
    ) {
      throw new RangeError(
        `Expected maxQueuedBytes to be an integer >= 1 but found ${this.#maxQueuedBytes}`,
      );
    }
    this.#queue = new BoundedQueue({
      capacity: options.maxQueuedChunks ?? 1024,
      policy: "reject",
    });
    this.body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
      pull: (controller) => this.#pull(controller),
      cancel: (reason) => {
        if (!this.#open) return;
        this.#close();
        this.#options.onCancel?.(reason);
      },
    }, { highWaterMark: 0 });
  }

  /** Bytes queued and not yet taken by the client. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** Whether the stream still accepts chunks. */
  get open(): boolean {
    return this.#open;
  }

  /** Whether the client was dropped for reading too slowly. */
  get dropped(): boolean {
    return this.#dropped;
  }

  /**
   * Queues a chunk for the client (the chunk is not copied: it must not be
   * modified afterwards). Drops the client if the queue would overflow.
   *
   * @param chunk The bytes.
   */
  push(chunk: Uint8Array): void {
    if (!this.#open) return;
    if (this.#queue.waiting > 0) {
      // The client is waiting: hand the chunk over directly.
      this.#queue.push(chunk);
      return;
    }
    if (
      this.#queuedBytes + chunk.length > this.#maxQueuedBytes ||
      this.#queue.size >= this.#queue.capacity
    ) {
      this.#dropped = true;
      this.abort(
        new RangeError(
          `Expected the client to keep up within ${this.#maxQueuedBytes} queued bytes but found it behind`,
        ),
      );
      this.#options.onOverflow?.();
      return;
    }
    this.#queue.push(chunk);
    this.#queuedBytes += chunk.length;
  }

  /** Ends the body once the queued chunks are delivered. Idempotent. */
  finish(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#finished.abort();
  }

  /**
   * Cuts the body at once (the client sees a truncated response).
   *
   * @param reason The error the body fails with.
   */
  abort(reason: unknown): void {
    this.#close();
    try {
      this.#controller?.error(reason);
    } catch {
      // Already closed, errored or cancelled.
    }
  }

  async #pull(controller: ReadableStreamDefaultController<Uint8Array>) {
    let chunk = this.#queue.shift();
    if (chunk !== undefined) {
      this.#queuedBytes -= chunk.length;
    } else if (!this.#finished.signal.aborted) {
      try {
        chunk = await this.#queue.take(this.#finished.signal);
      } catch {
        chunk = undefined;
      }
    }
    if (chunk === undefined) {
      if (this.#finished.signal.aborted) {
        try {
          controller.close();
        } catch {
          // Errored meanwhile.
        }
      }
      return;
    }
    this.#options.onBytes?.(chunk.length);
    try {
      controller.enqueue(chunk);
    } catch {
      // Errored or cancelled meanwhile.
    }
  }

  #close(): void {
    this.#open = false;
    this.#queue.clear();
    this.#queuedBytes = 0;
    this.#finished.abort();
  }
}
