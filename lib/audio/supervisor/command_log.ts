/**
 * The commands sent to the workers since the oldest checkpoint still kept,
 * in sequence order, so a respawned worker restored from a snapshot can be
 * given exactly the commands the snapshot does not contain. Bounded by
 * count and bytes; when full the oldest entries go, and `droppedThrough`
 * says which checkpoints can no longer be completed from the log.
 *
 * @module
 */

import { BoundedQueue } from "../../core/bounded/bounded_queue.ts";

/**
 * One logged command.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { LoggedCommand } from "./command_log.ts";
 * const e: LoggedCommand = { seq: 1, bytes: new Uint8Array(1) };
 * equal(e.seq, 1);
 * ```
 */
export interface LoggedCommand {
  /** Its sequence number. */
  seq: number;
  /** Its encoded form (as sent). */
  bytes: Uint8Array;
}

/**
 * Options of {@linkcode CommandLog}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { CommandLogOptions } from "./command_log.ts";
 * const o: CommandLogOptions = { capacity: 10 };
 * equal(o.capacity, 10);
 * ```
 */
export interface CommandLogOptions {
  /** Most commands kept. Default 65536. */
  capacity?: number;
  /** Most bytes kept. Default 8 MiB. */
  maxBytes?: number;
}

/**
 * A bounded, sequence-ordered command log.
 *
 * @example Replay after a checkpoint
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { CommandLog } from "./command_log.ts";
 * const log = new CommandLog({ capacity: 2 });
 * for (const seq of [1, 2, 3]) log.append(seq, new Uint8Array([seq]));
 * equal(log.droppedThrough, 1);
 * equal(log.canReplayAfter(0), false);
 * deepEqual(log.since(2).map((e) => e.seq), [3]);
 * ```
 */
export class CommandLog {
  readonly #queue: BoundedQueue<LoggedCommand>;
  readonly #maxBytes: number;
  #bytes = 0;
  #droppedThrough = -1;
  #lastSeq = -1;

  /** @param options Capacity by count and by bytes. */
  constructor(options: CommandLogOptions = {}) {
    this.#queue = new BoundedQueue<LoggedCommand>({
      capacity: options.capacity ?? 65536,
      policy: "drop-oldest",
    });
    this.#maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  }

  /** Commands held. */
  get size(): number {
    return this.#queue.size;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The highest seq no longer in the log (trimmed or dropped); -1 if none. */
  get droppedThrough(): number {
    return this.#droppedThrough;
  }

  /** The last seq appended; -1 if none. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /**
   * Appends a command (seqs must increase).
   *
   * @param seq Its sequence number.
   * @param bytes Its encoded form (kept, not copied).
   * @throws {RangeError} If `seq` does not increase.
   */
  append(seq: number, bytes: Uint8Array): void {
    if (!(seq > this.#lastSeq)) {
      throw new RangeError(
        `Expected a seq greater than ${this.#lastSeq}, found ${seq}`,
      );
    }
    this.#lastSeq = seq;
    if (this.#queue.size === this.#queue.capacity) {
      this.#forget(this.#queue.shift()!);
    }
    this.#bytes += bytes.length;
    this.#queue.push({ seq, bytes });
    while (this.#bytes > this.#maxBytes && this.#queue.size > 1) {
      this.#forget(this.#queue.shift()!);
    }
  }

  /**
   * True if every command after `seq` is still in the log.
   *
   * @param seq The last seq a snapshot contains.
   */
  canReplayAfter(seq: number): boolean {
    return seq >= this.#droppedThrough;
  }

  /**
   * The commands with a seq greater than `seq`, oldest first.
   *
   * @param seq The last seq a snapshot contains.
   */
  since(seq: number): LoggedCommand[] {
    const out: LoggedCommand[] = [];
    for (const entry of this.#queue) if (entry.seq > seq) out.push(entry);
    return out;
  }

  /**
   * Forgets the commands with a seq up to `seq` (a checkpoint holds them).
   *
   * @param seq The last seq the oldest kept checkpoint contains.
   */
  trimThrough(seq: number): void {
    while (this.#queue.size > 0 && this.#queue.peek()!.seq <= seq) {
      this.#forget(this.#queue.shift()!);
    }
    if (seq > this.#droppedThrough) {
      this.#droppedThrough = Math.min(seq, this.#lastSeq);
    }
  }

  #forget(entry: LoggedCommand): void {
    this.#bytes -= entry.bytes.length;
    if (entry.seq > this.#droppedThrough) this.#droppedThrough = entry.seq;
  }
}
