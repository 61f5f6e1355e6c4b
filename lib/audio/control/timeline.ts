/**
 * Timed control actions fed to the supervisor as its horizon advances: a
 * `--script` file (every line checked up front, so a bad line is a
 * configuration error with its line number, not a surprise an hour in) or
 * the engine's demo phrase. Entries are released only when the horizon
 * reaches them, so the engines' queues stay short however long the script.
 *
 * @module
 */

import { ConfigError, type ConfigIssue } from "../../core/config/errors.ts";
import type { EngineCommand } from "../engine/commands.ts";
import { OscCommandError, parseOscCommand } from "../osc/command.ts";
import type { ScriptEntry } from "../script.ts";
import type { CommandDraft } from "../supervisor/supervisor.ts";
import { type ControlAction, mapOscCommand } from "./map_command.ts";

/**
 * One timed action.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { TimelineEntry } from "./timeline.ts";
 * const e: TimelineEntry = { frame: 480, action: { kind: "record_stop" } };
 * equal(e.frame, 480);
 * ```
 */
export interface TimelineEntry {
  /** The absolute frame at which it applies. */
  frame: number;
  /** What to do. */
  action: ControlAction;
  /** The script line, when it came from a script. */
  line?: number;
}

/**
 * A frame-ordered list of actions with a read position.
 *
 * @example Feeding up to a horizon
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { Timeline } from "./timeline.ts";
 * const t = new Timeline([
 *   { frame: 100, action: { kind: "record_stop" } },
 *   { frame: 0, action: { kind: "record_start" } },
 * ]);
 * const seen: number[] = [];
 * t.feed(100, (e) => seen.push(e.frame));
 * deepEqual(seen, [0]);
 * t.feed(101, (e) => seen.push(e.frame));
 * deepEqual(seen, [0, 100]);
 * ```
 */
export class Timeline {
  readonly #entries: TimelineEntry[];
  #next = 0;

  /** @param entries The actions (sorted by frame here; equal frames keep their order). */
  constructor(entries: readonly TimelineEntry[]) {
    this.#entries = entries.map((e, i) => ({ e, i }))
      .sort((a, b) => a.e.frame - b.e.frame || a.i - b.i)
      .map(({ e }) => e);
  }

  /**
   * Builds a timeline from a parsed script, checking every line.
   *
   * @param entries The script's entries (`parseScript` / `loadScript`).
   * @param file The file name for messages.
   * @returns The timeline.
   * @throws {ConfigError} Listing each line that is not a known command.
   *
   * @example A bad line is reported with its number
   * ```ts
   * import { throws } from "node:assert/strict";
   * import { parseScript } from "../script.ts";
   * import { Timeline } from "./timeline.ts";
   * const entries = parseScript("0 /mod/filter1/cutoff 800\n0.5 /nope 1\n");
   * throws(() => Timeline.fromScript(entries, "a.osc"), { name: "ConfigError", message: /a\.osc:2/ });
   * ```
   */
  static fromScript(entries: readonly ScriptEntry[], file?: string): Timeline {
    const out: TimelineEntry[] = [];
    const issues: ConfigIssue[] = [];
    for (const entry of entries) {
      try {
        out.push({
          frame: entry.frame,
          action: mapOscCommand(parseOscCommand(entry.message)),
          line: entry.line,
        });
      } catch (error) {
        if (
          !(error instanceof OscCommandError || error instanceof RangeError)
        ) {
          throw error;
        }
        issues.push({
          ...(file !== undefined ? { file } : {}),
          line: entry.line,
          detail: error.message,
        });
      }
    }
    if (issues.length > 0) throw new ConfigError(issues);
    return new Timeline(out);
  }

  /**
   * Builds a timeline from engine commands (the demo phrase), dropping
   * their seq (the supervisor assigns its own).
   *
   * @param commands The commands.
   * @param offsetFrames Added to every frame. Default 0.
   * @returns The timeline.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { demoPhrase } from "../engine/demo_phrase.ts";
   * import { Timeline } from "./timeline.ts";
   * const t = Timeline.fromCommands(demoPhrase().commands);
   * equal(t.remaining, demoPhrase().commands.length);
   * ```
   */
  static fromCommands(
    commands: readonly EngineCommand[],
    offsetFrames = 0,
  ): Timeline {
    return new Timeline(commands.map((command) => {
      const { seq: _seq, frame, ...draft } = command;
      return {
        frame: frame + offsetFrames,
        action: { kind: "engine", commands: [draft as CommandDraft] },
      };
    }));
  }

  /** Entries not yet fed. */
  get remaining(): number {
    return this.#entries.length - this.#next;
  }

  /** The frame of the last entry (-1 when empty). */
  get lastFrame(): number {
    return this.#entries.at(-1)?.frame ?? -1;
  }

  /**
   * Hands every entry with a frame below `untilFrame` to `apply`, in order.
   *
   * @param untilFrame The horizon (exclusive).
   * @param apply Receives each entry.
   * @returns How many were fed.
   */
  feed(untilFrame: number, apply: (entry: TimelineEntry) => void): number {
    let n = 0;
    while (
      this.#next < this.#entries.length &&
      this.#entries[this.#next].frame < untilFrame
    ) {
      apply(this.#entries[this.#next++]);
      n++;
    }
    return n;
  }
}
