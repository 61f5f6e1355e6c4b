/**
 * Several services in one process (`shack up`): started in order, stopped
 * together, each within its own shutdown budget.
 *
 * @module
 */

/** What a group member must offer once started. */
export interface GroupMember {
  /** Stops the service. */
  close(): Promise<void>;
  /** SIGHUP: re-reads its configuration and files. */
  reload(): Promise<void>;
}

/** One service of a group: its name, how to start it, its stop budget. */
export interface GroupEntry {
  /** The service's name (`ysf`, `sdr`, ...), used in errors and reports. */
  name: string;
  /** Starts the service. */
  start(): Promise<GroupMember>;
  /** How long its `close()` may take, in ms (default 1000). */
  stopBudgetMs?: number;
}

/** How one member's stop went. */
export interface MemberStop {
  /** The service. */
  name: string;
  /** Time its `close()` took (or the budget, when it overran). */
  ms: number;
  /** `"ok"`, `"overran"` (budget exceeded, left behind) or `"failed"`. */
  result: "ok" | "overran" | "failed";
  /** The error of a failed close. */
  error?: unknown;
}

/** Thrown by {@link ServiceGroup.start} when a member cannot start. */
export class GroupStartError extends Error {
  /** The member that failed. */
  readonly service: string;

  /**
   * @param service The member that failed.
   * @param cause Its error.
   */
  constructor(service: string, cause: unknown) {
    super(
      `Expected service ${service} to start, found: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
    this.name = "GroupStartError";
    this.service = service;
  }
}

/** Options of {@link ServiceGroup.start}. */
export interface ServiceGroupOptions {
  /** Told about each member as it starts and stops. */
  onEvent?: (
    event:
      | { type: "started"; name: string; ms: number }
      | { type: "stopped"; stop: MemberStop },
  ) => void;
  /** The clock for the reported times (default `performance.now`). */
  now?: () => number;
}

async function stopWithin(
  name: string,
  member: GroupMember,
  budgetMs: number,
  now: () => number,
): Promise<MemberStop> {
  const started = now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const overran = new Promise<"overran">((resolve) => {
    timer = setTimeout(() => resolve("overran"), budgetMs);
  });
  try {
    const outcome = await Promise.race([
      member.close().then(() => "ok" as const),
      overran,
    ]);
    return { name, ms: Math.round(now() - started), result: outcome };
  } catch (error) {
    return { name, ms: Math.round(now() - started), result: "failed", error };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Services started together from one configuration. `start()` starts the
 * entries in order; if one fails, those already running are stopped
 * (newest first) and a {@link GroupStartError} names the culprit.
 * `close()` stops all members at once, each bounded by its own budget, so
 * a slow one cannot eat the others' time.
 *
 * @example Two members
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { ServiceGroup } from "./service_group.ts";
 *
 * const log: string[] = [];
 * const member = (name: string) => ({
 *   name,
 *   start: () => {
 *     log.push(`start ${name}`);
 *     return Promise.resolve({
 *       close: () => Promise.resolve(void log.push(`close ${name}`)),
 *       reload: () => Promise.resolve(),
 *     });
 *   },
 * });
 * const group = await ServiceGroup.start([member("a"), member("b")]);
 * deepEqual(group.names, ["a", "b"]);
 * const stops = await group.close();
 * deepEqual(stops.map((s) => s.result), ["ok", "ok"]);
 * deepEqual(log, ["start a", "start b", "close a", "close b"]);
 * ```
 */
export class ServiceGroup {
  readonly #members: { entry: GroupEntry; member: GroupMember }[];
  readonly #options: ServiceGroupOptions;
  #closing: Promise<MemberStop[]> | undefined;

  private constructor(
    members: { entry: GroupEntry; member: GroupMember }[],
    options: ServiceGroupOptions,
  ) {
    this.#members = members;
    this.#options = options;
  }

  /**
   * Starts every entry, in order.
   *
   * @param entries The services.
   * @param options Events and clock.
   * @returns The running group.
   * @throws {GroupStartError} When a member fails to start (the others
   * are stopped first).
   */
  static async start(
    entries: readonly GroupEntry[],
    options: ServiceGroupOptions = {},
  ): Promise<ServiceGroup> {
    const now = options.now ?? (() => performance.now());
    const running: { entry: GroupEntry; member: GroupMember }[] = [];
    for (const entry of entries) {
      const started = now();
      try {
        running.push({ entry, member: await entry.start() });
      } catch (error) {
        for (const { entry: e, member } of running.reverse()) {
          const stop = await stopWithin(
            e.name,
            member,
            e.stopBudgetMs ?? 1000,
            now,
          );
          options.onEvent?.({ type: "stopped", stop });
        }
        throw new GroupStartError(entry.name, error);
      }
      options.onEvent?.({
        type: "started",
        name: entry.name,
        ms: Math.round(now() - started),
      });
    }
    return new ServiceGroup(running, options);
  }

  /** The members' names, in start order. */
  get names(): string[] {
    return this.#members.map((m) => m.entry.name);
  }

  /**
   * Reloads every member; one member's failure does not stop the others.
   *
   * @throws {AggregateError} Listing the members whose reload failed.
   */
  async reload(): Promise<void> {
    const results = await Promise.allSettled(
      this.#members.map((m) => m.member.reload()),
    );
    const failed = results.flatMap((r, i) =>
      r.status === "rejected"
        ? [new Error(`${this.#members[i].entry.name}: ${String(r.reason)}`)]
        : []
    );
    if (failed.length > 0) {
      throw new AggregateError(failed, "Reload failed for some services");
    }
  }

  /**
   * Stops every member at once, each within its budget. Idempotent: later
   * calls return the first call's result.
   *
   * @returns How each member's stop went, in start order.
   */
  close(): Promise<MemberStop[]> {
    const now = this.#options.now ?? (() => performance.now());
    this.#closing ??= Promise.all(
      this.#members.map(async ({ entry, member }) => {
        const stop = await stopWithin(
          entry.name,
          member,
          entry.stopBudgetMs ?? 1000,
          now,
        );
        this.#options.onEvent?.({ type: "stopped", stop });
        return stop;
      }),
    );
    return this.#closing;
  }
}
