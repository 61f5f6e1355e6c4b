/**
 * The engine's queue of scheduled commands: a fixed-capacity binary heap
 * ordered by (frame, seq), preallocated so pushing and popping allocate
 * nothing. When full, a new command is refused (drop-newest) and counted;
 * the queue never grows with remote input.
 *
 * @module
 */

import type { EngineCommand } from "./commands.ts";

/**
 * Scheduled commands in (frame, seq) order.
 *
 * @example Earliest frame first
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { CommandQueue } from "./command_queue.ts";
 *
 * const queue = new CommandQueue(8);
 * queue.push({ kind: "patch_commit", seq: 1, frame: 512 }, 512);
 * queue.push({ kind: "patch_abort", seq: 2, frame: 256 }, 256);
 * equal(queue.peekFrame(), 256);
 * equal(queue.pop()?.seq, 2);
 * ```
 */
export class CommandQueue {
  readonly #items: (EngineCommand | undefined)[];
  readonly #frames: Float64Array;
  #size = 0;
  #refused = 0;

  /**
   * Creates an empty queue.
   *
   * @param capacity The most commands it holds, an integer >= 1.
   * @throws {RangeError} For a capacity that is not such an integer.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { CommandQueue } from "./command_queue.ts";
   *
   * equal(new CommandQueue(4).capacity, 4);
   * ```
   */
  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `Expected capacity to be an integer >= 1 but found ${capacity}`,
      );
    }
    this.#items = new Array<EngineCommand | undefined>(capacity).fill(
      undefined,
    );
    this.#frames = new Float64Array(capacity);
  }

  /**
   * The most commands it holds.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { CommandQueue } from "./command_queue.ts";
   *
   * equal(new CommandQueue(2).capacity, 2);
   * ```
   */
  get capacity(): number {
    return this.#items.length;
  }

  /**
   * The number of commands waiting.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { CommandQueue } from "./command_queue.ts";
   *
   * equal(new CommandQueue(2).size, 0);
   * ```
   */
  get size(): number {
    return this.#size;
  }

  /**
   * Commands refused because the queue was full.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { CommandQueue } from "./command_queue.ts";
   *
   * const queue = new CommandQueue(1);
   * queue.push({ kind: "patch_clear", seq: 1, frame: 0 }, 0);
   * equal(queue.push({ kind: "patch_clear", seq: 2, frame: 0 }, 0), false);
   * equal(queue.refused, 1);
   * ```
   */
  get refused(): number {
    return this.#refused;
  }

  /**
   * Adds a command at an effective frame.
   *
   * @param command The command.
   * @param frame The frame it is ordered by (its own, or a later one).
   * @returns `false` (and counts it) when the queue is full.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { CommandQueue } from "./command_queue.ts";
   *
   * equal(new CommandQueue(1).push({ kind: "patch_clear", seq: 1, frame: 0 }, 0), true);
   * ```
   */
  push(command: EngineCommand, frame: number): boolean {
    if (this.#size === this.#items.length) {
      this.#refused++;
      return false;
    }
    const items = this.#items;
    const frames = this.#frames;
    const seq = command.seq;
    let i = this.#size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(frame, seq, frames[parent], items[parent]!.seq)) break;
      items[i] = items[parent];
      frames[i] = frames[parent];
      i = parent;
    }
    items[i] = command;
    frames[i] = frame;
    return true;
  }

  /**
   * The effective frame of the first command, or `Infinity` when empty.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { CommandQueue } from "./command_queue.ts";
   *
   * equal(new CommandQueue(1).peekFrame(), Infinity);
   * ```
   */
  peekFrame(): number {
    return this.#size === 0 ? Infinity : this.#frames[0];
  }

  /**
   * Removes and returns the first command.
   *
   * @returns The command, or `undefined` when empty.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { CommandQueue } from "./command_queue.ts";
   *
   * equal(new CommandQueue(1).pop(), undefined);
   * ```
   */
  pop(): EngineCommand | undefined {
    if (this.#size === 0) return undefined;
    const items = this.#items;
    const frames = this.#frames;
    const top = items[0];
    const n = --this.#size;
    const last = items[n]!;
    const lastFrame = frames[n];
    items[n] = undefined;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        const right = child + 1;
        if (
          right < n &&
          less(
            frames[right],
            items[right]!.seq,
            frames[child],
            items[child]!.seq,
          )
        ) {
          child = right;
        }
        if (!less(frames[child], items[child]!.seq, lastFrame, last.seq)) break;
        items[i] = items[child];
        frames[i] = frames[child];
        i = child;
      }
      items[i] = last;
      frames[i] = lastFrame;
    }
    return top;
  }

  /**
   * The waiting commands with their effective frames, in pop order
   * (allocates; for snapshots).
   *
   * @returns `[frame, command]` pairs.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { CommandQueue } from "./command_queue.ts";
   *
   * const queue = new CommandQueue(4);
   * queue.push({ kind: "patch_clear", seq: 2, frame: 9 }, 9);
   * queue.push({ kind: "patch_clear", seq: 1, frame: 9 }, 9);
   * equal(queue.entries()[0][1].seq, 1);
   * ```
   */
  entries(): [number, EngineCommand][] {
    const out: [number, EngineCommand][] = [];
    for (let i = 0; i < this.#size; i++) {
      out.push([this.#frames[i], this.#items[i]!]);
    }
    return out.sort((a, b) => a[0] - b[0] || a[1].seq - b[1].seq);
  }
}

/** Whether (f1, s1) sorts before (f2, s2). */
function less(f1: number, s1: number, f2: number, s2: number): boolean {
  return f1 !== f2 ? f1 < f2 : s1 < s2;
}
