/**
 * SDR-list registration (`[websdr] register_online`): the periodic POST
 * that PhantomSDR+ sends to directories such as sdr-list.xyz, with timeouts
 * and a per-URL backoff so an unreachable directory is neither hammered nor
 * able to hold up a shutdown.
 *
 * @module
 */

/** The JSON body PhantomSDR+ posts (same keys, so directories accept us). */
export interface ListingUpdate {
  id: string;
  name: string;
  software: string;
  software_version: string;
  version: string;
  antenna: string;
  bandwidth: number;
  users: number;
  center_frequency: number;
  grid_locator: string;
  hostname: string;
  max_users: number;
  port: number;
}

/** Options of {@link ListingRegistrar}. */
export interface ListingRegistrarOptions {
  /** Directory endpoints, e.g. `https://sdr-list.xyz/api/update_websdr`. */
  urls: readonly string[];
  /** Builds the body at each round (the user count changes). */
  body: () => ListingUpdate;
  /** Time between rounds, ms. Default 60,000. */
  intervalMs?: number;
  /** Time to get the response headers, ms. Default 10,000. */
  responseTimeoutMs?: number;
  /** Time for a whole request, ms. Default 30,000. */
  totalTimeoutMs?: number;
  /** Longest wait after repeated failures, ms. Default 3,600,000 (1 h). */
  maxBackoffMs?: number;
  /** Told about each attempt. */
  onResult?: (
    url: string,
    result: { ok: boolean; status?: number; error?: string; nextInMs: number },
  ) => void;
  /** The fetch to use (tests). Default `fetch`. */
  fetch?: typeof fetch;
}

interface Target {
  url: string;
  failures: number;
  dueAt: number;
}

/**
 * Posts the listing update to every URL every interval; a URL that fails
 * waits interval × 2^failures (capped at `maxBackoffMs`) before its next
 * try, and goes back to the interval after a success. `stop()` aborts an
 * in-flight request and the wait at once.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ListingRegistrar } from "./listing.ts";
 * const posted: string[] = [];
 * const registrar = new ListingRegistrar({
 *   urls: ["http://directory.invalid/api/update_websdr"],
 *   body: () => ({ id: "1", name: "X", software: "shack", software_version: "0", version: "0",
 *     antenna: "", bandwidth: 1, users: 0, center_frequency: 1, grid_locator: "-", hostname: "",
 *     max_users: 1, port: 9002 }),
 *   fetch: (input) => { posted.push(String(input)); return Promise.resolve(new Response("ok")); },
 * });
 * registrar.start();
 * await registrar.stop();
 * equal(posted.length, 1);
 * ```
 */
export class ListingRegistrar {
  #options:
    & Required<Omit<ListingRegistrarOptions, "onResult">>
    & Pick<ListingRegistrarOptions, "onResult">;
  #targets: Target[];
  #abort = new AbortController();
  #loop: Promise<void> | undefined;
  /** Successful and failed posts. */
  readonly stats = { ok: 0, failed: 0 };

  /** Creates a registrar; nothing is sent before {@link start}. */
  constructor(options: ListingRegistrarOptions) {
    this.#options = {
      intervalMs: 60_000,
      responseTimeoutMs: 10_000,
      totalTimeoutMs: 30_000,
      maxBackoffMs: 3_600_000,
      fetch: globalThis.fetch,
      ...options,
    };
    this.#targets = options.urls.map((url) => ({ url, failures: 0, dueAt: 0 }));
  }

  /** Starts posting (the first round at once). */
  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops at once, aborting any request in flight. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      const now = performance.now();
      const due = this.#targets.filter((t) => t.dueAt <= now);
      await Promise.all(due.map((t) => this.#post(t)));
      if (signal.aborted) return;
      const next = Math.min(...this.#targets.map((t) => t.dueAt)) -
        performance.now();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(10, next));
        signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
    }
  }

  async #post(target: Target): Promise<void> {
    const o = this.#options;
    const total = AbortSignal.timeout(o.totalTimeoutMs);
    const headers = new AbortController();
    const headerTimer = setTimeout(
      () =>
        headers.abort(
          new DOMException("no response within the time limit", "TimeoutError"),
        ),
      o.responseTimeoutMs,
    );
    const signal = AbortSignal.any([this.#abort.signal, total, headers.signal]);
    let result: { ok: boolean; status?: number; error?: string };
    try {
      const response = await o.fetch(target.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(o.body()),
        signal,
      });
      clearTimeout(headerTimer);
      await response.body?.cancel();
      result = response.ok
        ? { ok: true, status: response.status }
        : { ok: false, status: response.status };
    } catch (error) {
      clearTimeout(headerTimer);
      if (this.#abort.signal.aborted) return;
      result = {
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      };
    }
    if (result.ok) {
      target.failures = 0;
      this.stats.ok++;
    } else {
      target.failures++;
      this.stats.failed++;
    }
    const wait = result.ok
      ? o.intervalMs
      : Math.min(o.maxBackoffMs, o.intervalMs * 2 ** target.failures);
    target.dueAt = performance.now() + wait;
    o.onResult?.(target.url, { ...result, nextInMs: wait });
  }
}
