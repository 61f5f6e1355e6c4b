/**
 * One shutdown coordinator per process: SIGINT and SIGTERM abort one
 * `AbortSignal`, registered closers run in reverse order within a deadline, a
 * second signal forces the exit at once, and SIGHUP runs reload callbacks.
 *
 * SIGUSR1 is deliberately not used: Deno 2.9 opens a debugger port on it.
 *
 * @module
 */

import { ExitCode } from "./exit_codes.ts";

/** What ended (or is ending) the process. */
export type StopReason = "SIGINT" | "SIGTERM" | string;

/** A function that releases one resource during shutdown. */
export type Closer = (signal: AbortSignal) => void | Promise<void>;

/** A function run on SIGHUP (reload config, ACL files, markers). */
export type Reloader = () => void | Promise<void>;

/** Outcome of a shutdown, resolved by {@link Shutdown.done}. */
export interface ShutdownResult {
  /** What started the shutdown. */
  reason: StopReason;
  /** True when every closer finished before the deadline. */
  graceful: boolean;
  /** Names of closers that did not finish before the deadline. */
  timedOut: string[];
  /** Names of closers that threw, with their errors. */
  failed: { name: string; error: unknown }[];
  /** Milliseconds from the trigger to the last closer finishing. */
  elapsedMs: number;
  /** The exit code the process should end with. */
  exitCode: number;
}

/** Options of {@link Shutdown}. */
export interface ShutdownOptions {
  /** Milliseconds the closers get in total before the stop is forced. Default 2000. */
  deadlineMs?: number;
  /**
   * Called with the exit code when the stop must be forced: a second signal
   * during shutdown, or the deadline passing. Default `Deno.exit`.
   */
  exit?: (code: number) => void;
  /** Told about signals, slow closers and closer errors (for logging). */
  onEvent?: (event: ShutdownEvent) => void;
  /** Monotonic clock in milliseconds. Default `performance.now`. */
  now?: () => number;
}

/** Events reported to {@link ShutdownOptions.onEvent}. */
export type ShutdownEvent =
  | { type: "signal"; signal: Deno.Signal }
  | { type: "stopping"; reason: StopReason }
  | { type: "closer-failed"; name: string; error: unknown }
  | { type: "deadline"; pending: string[] }
  | { type: "forced"; signal: Deno.Signal; exitCode: number }
  | { type: "reload-failed"; error: unknown }
  | { type: "stopped"; result: ShutdownResult };

const HANDLED_SIGNALS: Deno.Signal[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Coordinates a graceful stop. Create one per process, {@link Shutdown.install}
 * it to catch signals, pass {@link Shutdown.signal} to every server, timer and
 * child, and register closers with {@link Shutdown.onClose}.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { Shutdown } from "./shutdown.ts";
 * const order: string[] = [];
 * const shutdown = new Shutdown({ exit: () => {} });
 * shutdown.onClose("db", () => { order.push("db"); });
 * shutdown.onClose("server", () => { order.push("server"); });
 * const result = await shutdown.trigger("SIGTERM");
 * deepEqual(order, ["server", "db"]);
 * equal(result.exitCode, 0);
 * equal(shutdown.signal.aborted, true);
 * ```
 */
export class Shutdown {
  #controller = new AbortController();
  #closers: { name: string; fn: Closer }[] = [];
  #reloaders: Reloader[] = [];
  #deadlineMs: number;
  #exit: (code: number) => void;
  #onEvent: (event: ShutdownEvent) => void;
  #now: () => number;
  #installed = false;
  #listeners = new Map<Deno.Signal, () => void>();
  #done: PromiseWithResolvers<ShutdownResult> = Promise.withResolvers();
  #stopping: Promise<ShutdownResult> | undefined;
  #reloading: Promise<void> | undefined;
  #reloadAgain = false;

  /** Creates a coordinator; it does nothing until installed or triggered. */
  constructor(options: ShutdownOptions = {}) {
    const deadlineMs = options.deadlineMs ?? 2000;
    if (!Number.isFinite(deadlineMs) || deadlineMs <= 0) {
      throw new RangeError(
        `Cannot create shutdown: deadlineMs must be a positive number, found ${deadlineMs}`,
      );
    }
    this.#deadlineMs = deadlineMs;
    this.#exit = options.exit ?? ((code) => Deno.exit(code));
    this.#onEvent = options.onEvent ?? (() => {});
    this.#now = options.now ?? (() => performance.now());
  }

  /** Aborted when the shutdown starts; its reason is the {@link StopReason}. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** True once the shutdown has started. */
  get stopping(): boolean {
    return this.#stopping !== undefined;
  }

  /** Resolves when the shutdown has finished (all closers ran or the deadline passed). */
  get done(): Promise<ShutdownResult> {
    return this.#done.promise;
  }

  /** The deadline in milliseconds the closers share. */
  get deadlineMs(): number {
    return this.#deadlineMs;
  }

  /**
   * Registers a closer. Closers run in reverse registration order (the last
   * resource opened is the first closed), one after another. Returns a
   * function that unregisters it (for resources closed earlier by themselves).
   */
  onClose(name: string, fn: Closer): () => void {
    const entry = { name, fn };
    this.#closers.push(entry);
    return () => {
      const i = this.#closers.indexOf(entry);
      if (i >= 0) this.#closers.splice(i, 1);
    };
  }

  /** Registers a SIGHUP reload callback. Returns a function that unregisters it. */
  onReload(fn: Reloader): () => void {
    this.#reloaders.push(fn);
    return () => {
      const i = this.#reloaders.indexOf(fn);
      if (i >= 0) this.#reloaders.splice(i, 1);
    };
  }

  /** Installs the SIGINT, SIGTERM and SIGHUP listeners. Returns `this`. */
  install(): this {
    if (this.#installed) return this;
    this.#installed = true;
    for (const sig of HANDLED_SIGNALS) {
      const listener = () => this.handleSignal(sig);
      this.#listeners.set(sig, listener);
      Deno.addSignalListener(sig, listener);
    }
    return this;
  }

  /** Removes the signal listeners (done automatically when the shutdown finishes). */
  uninstall(): void {
    for (const [sig, listener] of this.#listeners) {
      Deno.removeSignalListener(sig, listener);
    }
    this.#listeners.clear();
    this.#installed = false;
  }

  /**
   * Reacts to a signal as the installed listeners do: SIGHUP reloads,
   * SIGINT/SIGTERM start the shutdown, and a second SIGINT/SIGTERM during the
   * shutdown forces the exit with 130 or 143.
   */
  handleSignal(sig: Deno.Signal): void {
    this.#onEvent({ type: "signal", signal: sig });
    if (sig === "SIGHUP") {
      if (!this.stopping) void this.reload();
      return;
    }
    if (this.stopping) {
      const exitCode = sig === "SIGINT"
        ? ExitCode.ForcedSigint
        : ExitCode.ForcedSigterm;
      this.#onEvent({ type: "forced", signal: sig, exitCode });
      this.#exit(exitCode);
      return;
    }
    void this.trigger(sig);
  }

  /**
   * Runs every reload callback once, in registration order. A SIGHUP that
   * arrives while a reload runs schedules exactly one more reload. Errors are
   * reported, never thrown: a bad reload must not stop a running service.
   */
  reload(): Promise<void> {
    if (this.#reloading) {
      this.#reloadAgain = true;
      return this.#reloading;
    }
    this.#reloading = (async () => {
      do {
        this.#reloadAgain = false;
        for (const fn of [...this.#reloaders]) {
          try {
            await fn();
          } catch (error) {
            this.#onEvent({ type: "reload-failed", error });
          }
        }
      } while (this.#reloadAgain && !this.stopping);
    })().finally(() => {
      this.#reloading = undefined;
    });
    return this.#reloading;
  }

  /**
   * Starts the shutdown (idempotent: later calls return the same promise).
   * Aborts {@link Shutdown.signal}, then runs the closers in reverse order.
   * If they have not all finished within the deadline, the exit is forced
   * with code 1 through the `exit` option.
   */
  trigger(reason: StopReason = "requested"): Promise<ShutdownResult> {
    if (this.#stopping) return this.#stopping;
    this.#stopping = this.#run(reason);
    return this.#stopping;
  }

  async #run(reason: StopReason): Promise<ShutdownResult> {
    const started = this.#now();
    this.#onEvent({ type: "stopping", reason });
    this.#controller.abort(reason);
    const closers = [...this.#closers].reverse();
    const pending = new Set(closers.map((c) => c.name));
    const failed: { name: string; error: unknown }[] = [];
    const deadline = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let unfinished: string[] = [];
    const expired = new Promise<"deadline">((resolve) => {
      timer = setTimeout(() => {
        // Snapshot before aborting: closers that give up on abort still missed the deadline.
        unfinished = [...pending];
        deadline.abort(
          new DOMException("Shutdown deadline passed", "TimeoutError"),
        );
        resolve("deadline");
      }, this.#deadlineMs);
    });
    const all = (async () => {
      for (const closer of closers) {
        if (deadline.signal.aborted) break;
        try {
          await closer.fn(deadline.signal);
        } catch (error) {
          failed.push({ name: closer.name, error });
          this.#onEvent({ type: "closer-failed", name: closer.name, error });
        }
        pending.delete(closer.name);
      }
      return "closed" as const;
    })();
    const outcome = await Promise.race([all, expired]);
    clearTimeout(timer);
    const timedOut = outcome === "deadline" ? unfinished : [];
    const graceful = timedOut.length === 0;
    const result: ShutdownResult = {
      reason,
      graceful,
      timedOut,
      failed,
      elapsedMs: this.#now() - started,
      exitCode: graceful && failed.length === 0
        ? ExitCode.Ok
        : ExitCode.Failure,
    };
    if (!graceful) this.#onEvent({ type: "deadline", pending: timedOut });
    this.#onEvent({ type: "stopped", result });
    this.uninstall();
    this.#done.resolve(result);
    if (!graceful) this.#exit(result.exitCode);
    return result;
  }
}
