/**
 * An APRS-IS client for the reflector's position reports: one TCP
 * connection kept open to the server (`[APRS] server`/`port`), login
 * `user YSF<id> pass <passcode> vers shack <version>`, the positions
 * pYSFReflector3 would send, with its 30-minute duplicate suppression and
 * one packet per 5 s; a bounded queue, timeouts on every wait, reconnects
 * with jittered exponential backoff, and a `close()` that returns at once.
 *
 * @module
 */

import { BoundedMap } from "../../core/bounded/bounded_map.ts";
import { BoundedQueue } from "../../core/bounded/bounded_queue.ts";
import { TokenBucket } from "../../core/bounded/token_bucket.ts";
import { VERSION } from "../../version.ts";
import {
  aprsBaseCallsign,
  type AprsPositionReport,
  buildAprsPositionPacket,
  formatAprsLatitude,
  formatAprsLongitude,
  formatReflectorId,
  normalizeAprsSsid,
} from "./aprs_packet.ts";
import { backoffDelayMs } from "./backoff.ts";
import { aprsPasscode } from "./passcode.ts";

/**
 * Why a connection to APRS-IS failed or ended, as carried by
 * {@link AprsConnectionError}:
 *
 * - `connect-timeout`: TCP connect took longer than `connectTimeoutMs`.
 * - `io-timeout`: no login answer, or a write not done, within `ioTimeoutMs`.
 * - `idle-timeout`: nothing from the server for `idleTimeoutMs` (servers
 *   send a `#` keep-alive about every 20 s).
 * - `closed-by-server`: the server closed the connection.
 * - `login-rejected`: the `# logresp` line was not `verified` for our call.
 * - `io-error`: the connect, a read or a write failed (`cause` says why).
 *
 * @example A reason
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { AprsConnectionFailure } from "./aprs_client.ts";
 *
 * const reason: AprsConnectionFailure = "login-rejected";
 * equal(reason, "login-rejected");
 * ```
 */
export type AprsConnectionFailure =
  | "connect-timeout"
  | "io-timeout"
  | "idle-timeout"
  | "closed-by-server"
  | "login-rejected"
  | "io-error";

/**
 * A connection to APRS-IS failed or ended; the client reconnects after a
 * backoff. Reported through {@link AprsClientEvent} `disconnected`.
 *
 * @example Creating the error
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { AprsConnectionError } from "./aprs_client.ts";
 *
 * const error = new AprsConnectionError("closed-by-server", "Expected the server to stay connected, found it closed");
 * equal(error.name, "AprsConnectionError");
 * equal(error.reason, "closed-by-server");
 * ```
 */
export class AprsConnectionError extends Error {
  /** What went wrong. */
  readonly reason: AprsConnectionFailure;

  /**
   * Creates the error.
   *
   * @param reason What went wrong.
   * @param message What was expected and what was found.
   * @param options The standard error options (`cause`).
   *
   * @example With a cause
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AprsConnectionError } from "./aprs_client.ts";
   *
   * const cause = new Error("Connection refused");
   * const error = new AprsConnectionError("io-error", "Expected to connect, found an error", { cause });
   * equal(error.cause, cause);
   * ```
   */
  constructor(
    reason: AprsConnectionFailure,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "AprsConnectionError";
    this.reason = reason;
  }
}

/**
 * Where the client is:
 * `idle` (not started), `connecting` (TCP), `logging-in` (waiting for
 * `# logresp`), `connected`, `backoff` (waiting to reconnect), `closed`.
 *
 * @example A state
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { AprsClientState } from "./aprs_client.ts";
 *
 * const state: AprsClientState = "backoff";
 * equal(state, "backoff");
 * ```
 */
export type AprsClientState =
  | "idle"
  | "connecting"
  | "logging-in"
  | "connected"
  | "backoff"
  | "closed";

/**
 * What the client reports through `onEvent`:
 *
 * - `connecting`: a TCP connect starts (`attempt` counts failures since the
 *   last stable session).
 * - `logged-in`: the server verified the login; `response` is its line.
 * - `sent`: a packet was written; `at` is the clock then.
 * - `disconnected`: a connection attempt or session ended with `error`.
 * - `backoff`: the client waits `delayMs` before reconnecting.
 * - `dropped`: the queue was full; its oldest packet was dropped.
 *
 * @example Logging events
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { AprsClientEvent } from "./aprs_client.ts";
 *
 * const lines: string[] = [];
 * const onEvent = (event: AprsClientEvent) => {
 *   if (event.type === "sent") lines.push(event.packet);
 * };
 * onEvent({ type: "backoff", delayMs: 1000, attempt: 1 });
 * equal(lines.length, 0);
 * ```
 */
export type AprsClientEvent =
  | { type: "connecting"; attempt: number }
  | { type: "logged-in"; response: string }
  | { type: "sent"; packet: string; at: number }
  | { type: "disconnected"; error: Error }
  | { type: "backoff"; delayMs: number; attempt: number }
  | { type: "dropped"; packet: string };

/**
 * What {@link AprsClient.submit} did with a report: `queued`; `duplicate`
 * (same callsign and position sent within the duplicate window);
 * `invalid` (a callsign that is not 3..9 letters and digits, or a position
 * out of range); `closed` (the client is closed).
 *
 * @example A result
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { AprsSubmitResult } from "./aprs_client.ts";
 *
 * const result: AprsSubmitResult = "duplicate";
 * equal(result, "duplicate");
 * ```
 */
export type AprsSubmitResult = "queued" | "duplicate" | "invalid" | "closed";

/**
 * Counters of an {@link AprsClient}, since it was created.
 *
 * @example Reading the counters
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { AprsClient, type AprsClientStats } from "./aprs_client.ts";
 *
 * const client = new AprsClient({ server: "127.0.0.1", reflectorId: 1 });
 * const stats: AprsClientStats = client.stats;
 * equal(stats.sent, 0);
 * await client.close();
 * ```
 */
export interface AprsClientStats {
  /** Reports passed to `submit`. */
  submitted: number;
  /** Packets waiting to be sent now (including one being sent). */
  queued: number;
  /** Reports suppressed as duplicates. */
  duplicates: number;
  /** Reports refused as invalid. */
  invalid: number;
  /** Packets dropped because the queue was full. */
  droppedQueueFull: number;
  /** Packets written to a server. */
  sent: number;
  /** TCP connections made. */
  connects: number;
  /** Logins the server verified. */
  logins: number;
  /** Connection attempts and sessions that ended in an error. */
  failures: number;
  /** Sends that had to wait for the rate limit. */
  rateLimited: number;
}

/**
 * Options of {@link AprsClient}.
 *
 * @example Options for a pYSFReflector3-style `[APRS]` section
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { AprsClientOptions } from "./aprs_client.ts";
 *
 * const options: AprsClientOptions = {
 *   server: "euro.aprs2.net", port: 14580, reflectorId: 90123, ssid: "-10",
 * };
 * equal(options.port, 14580);
 * ```
 */
export interface AprsClientOptions {
  /** The APRS-IS server host. */
  server: string;
  /** Its port. Default 14580. */
  port?: number;
  /** The reflector id: login `YSF<id>` and comment `YSF#<id>`. */
  reflectorId: number;
  /** Appended to reported callsigns (`-10`; `-0` or empty: none). Default none. */
  ssid?: string;
  /** Software version in the login line. Default shack's version. */
  version?: string;
  /** TCP connect timeout, ms. Default 10 000. */
  connectTimeoutMs?: number;
  /** Longest wait for the login answer and for each write, ms. Default 30 000. */
  ioTimeoutMs?: number;
  /** Reconnect after this long without a byte from the server, ms. Default 120 000. */
  idleTimeoutMs?: number;
  /** First reconnect delay, ms. Default 1000. */
  backoffInitialMs?: number;
  /** Largest reconnect delay, ms. Default 300 000 (5 min). */
  backoffMaxMs?: number;
  /** A session logged in for this long resets the backoff, ms. Default 60 000. */
  stableSessionMs?: number;
  /** Packets held while disconnected or rate-limited (the oldest is dropped). Default 32. */
  queueCapacity?: number;
  /** Same callsign and position are not re-sent within this, ms. Default 1 800 000 (30 min). */
  duplicateWindowMs?: number;
  /** Callsigns remembered for duplicate suppression (least recent evicted). Default 1024. */
  duplicateCapacity?: number;
  /** At most one packet per this interval, ms. Default 5000. */
  minIntervalMs?: number;
  /** The clock (epoch ms): packet timestamps, duplicate window, rate limit, backoff reset. Default `Date.now`. */
  now?: () => number;
  /** Jitter source in [0, 1). Default `Math.random`. */
  random?: () => number;
  /**
   * Waits `ms` (backoff, rate limit) unless `signal` aborts, which must
   * reject at once. Default: a timer. Tests pass one that advances their
   * clock instead.
   */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Opens the TCP connection. Default `Deno.connect`. */
  connect?: (options: Deno.ConnectOptions) => Promise<Deno.Conn>;
  /** Receives events (see {@link AprsClientEvent}); exceptions it throws are ignored. */
  onEvent?: (event: AprsClientEvent) => void;
}

/** Longest line kept from the server; longer lines are skipped. */
const MAX_LINE = 1024;

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Reads `\n`-terminated lines (a trailing `\r` removed), bounded. */
class LineReader {
  readonly #conn: Deno.Conn;
  readonly #onData: () => void;
  readonly #chunk = new Uint8Array(2048);
  readonly #decoder = new TextDecoder();
  #text = "";
  #skipping = false;

  constructor(conn: Deno.Conn, onData: () => void) {
    this.#conn = conn;
    this.#onData = onData;
  }

  /** The next line, or `null` at end of stream. */
  async readLine(): Promise<string | null> {
    while (true) {
      const end = this.#text.indexOf("\n");
      if (end >= 0) {
        const line = this.#text.slice(0, end).replace(/\r$/, "");
        this.#text = this.#text.slice(end + 1);
        if (this.#skipping) {
          this.#skipping = false;
          continue;
        }
        return line;
      }
      if (this.#text.length > MAX_LINE) {
        this.#text = "";
        this.#skipping = true;
      }
      const n = await this.#conn.read(this.#chunk);
      if (n === null) return null;
      this.#onData();
      this.#text += this.#decoder.decode(this.#chunk.subarray(0, n), {
        stream: true,
      });
    }
  }
}

const encoder = new TextEncoder();

function positiveOption(
  value: number | undefined,
  fallback: number,
  name: string,
): number {
  const result = value ?? fallback;
  if (!(result > 0) || !Number.isFinite(result)) {
    throw new RangeError(
      `Expected ${name} to be a finite number > 0, found ${result}`,
    );
  }
  return result;
}

/**
 * Sends the reflector's APRS position reports to an APRS-IS server.
 *
 * {@link AprsClient.submit} applies pYSFReflector3's rules (same callsign and
 * position at most once per 30 min) and queues the packet (bounded, oldest
 * dropped); once {@link AprsClient.start}ed, the client keeps one connection
 * open, logs in as `YSF<id>` with the computed passcode, waits for
 * `# logresp … verified`, and writes at most one packet per 5 s. Any
 * failure (connect, login, timeout, server closing) ends the session and
 * the client reconnects after 1 s, 2 s, 4 s … up to 5 min (jittered; reset
 * after a session that lasted a minute). {@link AprsClient.close} aborts
 * whatever is in flight and returns at once.
 *
 * @example Queueing a report, then closing
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { AprsClient } from "./aprs_client.ts";
 *
 * const client = new AprsClient({ server: "127.0.0.1", reflectorId: 90123, ssid: "-10" });
 * const report = { source: "IU5JAE", latitude: 44, longitude: 10.5, radioCode: 0x31 };
 * equal(client.submit(report), "queued");
 * equal(client.submit(report), "duplicate");
 * await client.close();
 * equal(client.state, "closed");
 * ```
 */
export class AprsClient {
  readonly #host: string;
  readonly #port: number;
  readonly #reflectorId: number;
  readonly #login: string;
  readonly #ssid: string;
  readonly #version: string;
  readonly #connectTimeoutMs: number;
  readonly #ioTimeoutMs: number;
  readonly #idleTimeoutMs: number;
  readonly #backoffInitialMs: number;
  readonly #backoffMaxMs: number;
  readonly #stableSessionMs: number;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #connect: (options: Deno.ConnectOptions) => Promise<Deno.Conn>;
  readonly #onEvent: ((event: AprsClientEvent) => void) | undefined;
  readonly #queue: BoundedQueue<string>;
  readonly #recent: BoundedMap<string, string>;
  readonly #bucket: TokenBucket;
  readonly #abort = new AbortController();
  #running: Promise<void> | undefined;
  #state: AprsClientState = "idle";
  #inFlight: string | undefined;
  #submitted = 0;
  #duplicates = 0;
  #invalid = 0;
  #sent = 0;
  #connects = 0;
  #logins = 0;
  #failures = 0;
  #rateLimited = 0;

  /**
   * Creates a client; nothing connects before {@link AprsClient.start}.
   *
   * @param options The server, the reflector id, the limits and the
   * injectable clock, sleep and connect.
   * @throws {RangeError} If the reflector id, the SSID, the port or a limit
   * is out of range, or the server is empty.
   *
   * @example A client with a test clock
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AprsClient } from "./aprs_client.ts";
   *
   * const client = new AprsClient({ server: "127.0.0.1", reflectorId: 1, now: () => 0 });
   * equal(client.state, "idle");
   * await client.close();
   * ```
   */
  constructor(options: AprsClientOptions) {
    if (options.server.trim() === "") {
      throw new RangeError("Expected an APRS-IS server host, found nothing");
    }
    const port = options.port ?? 14580;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new RangeError(`Expected a port in 1..65535, found ${port}`);
    }
    this.#host = options.server.trim();
    this.#port = port;
    this.#reflectorId = options.reflectorId;
    this.#login = `YSF${formatReflectorId(options.reflectorId)}`;
    this.#ssid = normalizeAprsSsid(options.ssid ?? "");
    this.#version = options.version ?? VERSION;
    if (/[\r\n]/.test(this.#version)) {
      throw new RangeError(
        `Expected a one-line version, found ${JSON.stringify(this.#version)}`,
      );
    }
    this.#connectTimeoutMs = positiveOption(
      options.connectTimeoutMs,
      10_000,
      "connectTimeoutMs",
    );
    this.#ioTimeoutMs = positiveOption(
      options.ioTimeoutMs,
      30_000,
      "ioTimeoutMs",
    );
    this.#idleTimeoutMs = positiveOption(
      options.idleTimeoutMs,
      120_000,
      "idleTimeoutMs",
    );
    this.#backoffInitialMs = positiveOption(
      options.backoffInitialMs,
      1000,
      "backoffInitialMs",
    );
    this.#backoffMaxMs = positiveOption(
      options.backoffMaxMs,
      300_000,
      "backoffMaxMs",
    );
    if (this.#backoffMaxMs < this.#backoffInitialMs) {
      throw new RangeError(
        `Expected backoffMaxMs >= backoffInitialMs (${this.#backoffInitialMs}), found ${this.#backoffMaxMs}`,
      );
    }
    this.#stableSessionMs = positiveOption(
      options.stableSessionMs,
      60_000,
      "stableSessionMs",
    );
    const minIntervalMs = positiveOption(
      options.minIntervalMs,
      5000,
      "minIntervalMs",
    );
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#connect = options.connect ?? Deno.connect;
    this.#onEvent = options.onEvent;
    this.#queue = new BoundedQueue({
      capacity: options.queueCapacity ?? 32,
      policy: "drop-oldest",
    });
    this.#recent = new BoundedMap({
      capacity: options.duplicateCapacity ?? 1024,
      ttlMs: positiveOption(
        options.duplicateWindowMs,
        1_800_000,
        "duplicateWindowMs",
      ),
      now: this.#now,
    });
    this.#bucket = new TokenBucket({
      capacity: 1,
      refillPerSecond: 1000 / minIntervalMs,
      now: this.#now,
    });
  }

  /**
   * Where the client is now.
   *
   * @example Before start
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AprsClient } from "./aprs_client.ts";
   *
   * const client = new AprsClient({ server: "127.0.0.1", reflectorId: 1 });
   * equal(client.state, "idle");
   * await client.close();
   * ```
   */
  get state(): AprsClientState {
    return this.#state;
  }

  /**
   * The login callsign, `YSF` + the 5-digit reflector id.
   *
   * @example The login
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AprsClient } from "./aprs_client.ts";
   *
   * const client = new AprsClient({ server: "127.0.0.1", reflectorId: 4296 });
   * equal(client.login, "YSF04296");
   * await client.close();
   * ```
   */
  get login(): string {
    return this.#login;
  }

  /**
   * The counters.
   *
   * @example After a duplicate
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AprsClient } from "./aprs_client.ts";
   *
   * const client = new AprsClient({ server: "127.0.0.1", reflectorId: 1 });
   * const report = { source: "G4ABC", latitude: 51.5, longitude: -0.1 };
   * client.submit(report);
   * client.submit(report);
   * equal(client.stats.duplicates, 1);
   * equal(client.stats.queued, 1);
   * await client.close();
   * ```
   */
  get stats(): AprsClientStats {
    return {
      submitted: this.#submitted,
      queued: this.#queue.size + (this.#inFlight === undefined ? 0 : 1),
      duplicates: this.#duplicates,
      invalid: this.#invalid,
      droppedQueueFull: this.#queue.stats.droppedOldest,
      sent: this.#sent,
      connects: this.#connects,
      logins: this.#logins,
      failures: this.#failures,
      rateLimited: this.#rateLimited,
    };
  }

  /**
   * Starts connecting and sending (once; later calls do nothing).
   *
   * @example Starting and closing
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AprsClient } from "./aprs_client.ts";
   *
   * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const client = new AprsClient({
   *   server: "127.0.0.1", port: listener.addr.port, reflectorId: 1,
   * });
   * client.start();
   * await client.close();
   * listener.close();
   * equal(client.state, "closed");
   * ```
   */
  start(): void {
    if (this.#running !== undefined || this.#abort.signal.aborted) return;
    this.#running = this.#run();
  }

  /**
   * Queues a station's position, unless the same callsign was sent with the
   * same position (as formatted, to 0.01′) within the duplicate window.
   * The packet text and its timestamp are made now.
   *
   * @param report The talker (suffixes are cut), its position and radio code.
   * @returns What was done with it.
   *
   * @example A moved station is sent again
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AprsClient } from "./aprs_client.ts";
   *
   * const client = new AprsClient({ server: "127.0.0.1", reflectorId: 1 });
   * equal(client.submit({ source: "G4ABC", latitude: 51.5, longitude: -0.1 }), "queued");
   * equal(client.submit({ source: "G4ABC-7", latitude: 51.6, longitude: -0.1 }), "queued");
   * equal(client.submit({ source: "X", latitude: 51.6, longitude: -0.1 }), "invalid");
   * await client.close();
   * ```
   */
  submit(report: AprsPositionReport): AprsSubmitResult {
    if (this.#abort.signal.aborted) return "closed";
    this.#submitted++;
    let packet: string | undefined;
    let position: string;
    try {
      position = formatAprsLatitude(report.latitude) +
        formatAprsLongitude(report.longitude);
      packet = buildAprsPositionPacket(report, {
        reflectorId: this.#reflectorId,
        ssid: this.#ssid,
        now: this.#now,
      });
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      packet = undefined;
      position = "";
    }
    if (packet === undefined) {
      this.#invalid++;
      return "invalid";
    }
    const call = aprsBaseCallsign(report.source);
    if (this.#recent.get(call) === position) {
      this.#duplicates++;
      return "duplicate";
    }
    this.#recent.set(call, position);
    if (this.#queue.size === this.#queue.capacity) {
      const oldest = this.#queue.peek();
      if (oldest !== undefined) this.#emit({ type: "dropped", packet: oldest });
    }
    this.#queue.push(packet);
    return "queued";
  }

  /**
   * Stops at once: aborts a connect, a login wait, a backoff or rate-limit
   * wait and any pending read or write, closes the connection, and resolves
   * when nothing of the client runs any more. Queued packets are discarded.
   *
   * @example Closing twice
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AprsClient } from "./aprs_client.ts";
   *
   * const client = new AprsClient({ server: "127.0.0.1", reflectorId: 1 });
   * await client.close();
   * await client.close();
   * equal(client.submit({ source: "G4ABC", latitude: 0, longitude: 0 }), "closed");
   * ```
   */
  async close(): Promise<void> {
    if (!this.#abort.signal.aborted) {
      this.#abort.abort(
        new DOMException("The APRS-IS client was closed", "AbortError"),
      );
    }
    await this.#running;
    this.#queue.clear();
    this.#inFlight = undefined;
    this.#state = "closed";
  }

  #emit(event: AprsClientEvent): void {
    try {
      this.#onEvent?.(event);
    } catch {
      // An observer must not stop the client.
    }
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    let attempt = 0;
    while (!signal.aborted) {
      let loggedInAt: number | undefined;
      try {
        await this.#session(attempt, () => {
          loggedInAt = this.#now();
        });
      } catch (error) {
        if (signal.aborted) break;
        this.#failures++;
        this.#emit({
          type: "disconnected",
          error: error instanceof Error ? error : new Error(String(error)),
        });
      }
      if (signal.aborted) break;
      if (
        loggedInAt !== undefined &&
        this.#now() - loggedInAt >= this.#stableSessionMs
      ) {
        attempt = 0;
      }
      const delayMs = backoffDelayMs(attempt, {
        initialMs: this.#backoffInitialMs,
        maxMs: this.#backoffMaxMs,
        random: this.#random,
      });
      attempt = Math.min(attempt + 1, 64);
      this.#state = "backoff";
      this.#emit({ type: "backoff", delayMs, attempt });
      try {
        await this.#sleep(delayMs, signal);
      } catch {
        break;
      }
    }
    this.#state = "closed";
  }

  /** Connects with the connect timeout; close() aborts it at once. */
  async #open(): Promise<Deno.Conn> {
    const signal = this.#abort.signal;
    const controller = new AbortController();
    const onClose = () => controller.abort(signal.reason);
    signal.addEventListener("abort", onClose, { once: true });
    const timer = setTimeout(
      () =>
        controller.abort(
          new AprsConnectionError(
            "connect-timeout",
            `Expected a TCP connection to ${this.#host}:${this.#port} within ${this.#connectTimeoutMs} ms, found none`,
          ),
        ),
      this.#connectTimeoutMs,
    );
    // async: a connect that throws at once rejects like one that fails later
    const connecting = (async () =>
      await this.#connect({
        hostname: this.#host,
        port: this.#port,
        transport: "tcp",
        signal: controller.signal,
      }))();
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(controller.signal.reason);
      controller.signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      return await Promise.race([connecting, aborted]);
    } catch (error) {
      // A connect that ignores its signal and succeeds late is closed then.
      connecting.then((conn) => conn.close(), () => {});
      if (controller.signal.aborted) throw controller.signal.reason;
      throw new AprsConnectionError(
        "io-error",
        `Expected a TCP connection to ${this.#host}:${this.#port}, found ${error}`,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", onClose);
      controller.signal.removeEventListener("abort", onAbort!);
    }
  }

  async #session(attempt: number, onLogin: () => void): Promise<void> {
    const signal = this.#abort.signal;
    this.#state = "connecting";
    this.#emit({ type: "connecting", attempt });
    const conn = await this.#open();
    this.#connects++;
    const session = new AbortController();
    const onClose = () => session.abort(signal.reason);
    signal.addEventListener("abort", onClose, { once: true });
    const closeConn = () => {
      try {
        conn.close();
      } catch {
        // already closed
      }
    };
    session.signal.addEventListener("abort", closeConn, { once: true });
    if (signal.aborted) onClose();
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    const armIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(
        () =>
          session.abort(
            new AprsConnectionError(
              "idle-timeout",
              `Expected data from the server within ${this.#idleTimeoutMs} ms, found none`,
            ),
          ),
        this.#idleTimeoutMs,
      );
    };
    let loggedIn = false;
    const reader = new LineReader(conn, () => {
      if (loggedIn) armIdle();
    });
    try {
      this.#state = "logging-in";
      const passcode = aprsPasscode(this.#login);
      await this.#writeLine(
        conn,
        `user ${this.#login} pass ${passcode} vers shack ${this.#version}`,
        session,
      );
      const response = await this.#awaitLogin(reader, session);
      loggedIn = true;
      armIdle();
      this.#logins++;
      onLogin();
      this.#state = "connected";
      this.#emit({ type: "logged-in", response });
      const reading = this.#readLoop(reader, session);
      const writing = this.#writeLoop(conn, session);
      await Promise.allSettled([reading, writing]);
      throw session.signal.reason;
    } catch (error) {
      if (session.signal.aborted) throw session.signal.reason;
      throw error instanceof AprsConnectionError
        ? error
        : new AprsConnectionError(
          "io-error",
          `Expected the connection to ${this.#host}:${this.#port} to work, found ${error}`,
          { cause: error },
        );
    } finally {
      clearTimeout(idleTimer);
      signal.removeEventListener("abort", onClose);
      if (!session.signal.aborted) session.abort();
      closeConn();
    }
  }

  /** Waits for `# logresp <login> verified` within the IO timeout. */
  async #awaitLogin(
    reader: LineReader,
    session: AbortController,
  ): Promise<string> {
    const timer = setTimeout(
      () =>
        session.abort(
          new AprsConnectionError(
            "io-timeout",
            `Expected a "# logresp" line within ${this.#ioTimeoutMs} ms, found none`,
          ),
        ),
      this.#ioTimeoutMs,
    );
    try {
      while (true) {
        const line = await this.#readLine(reader, session);
        if (!line.startsWith("# logresp ")) continue;
        const [, , call = "", status = ""] = line.split(" ");
        if (
          call.toUpperCase() !== this.#login || status.replace(/,$/, "") !==
            "verified"
        ) {
          throw new AprsConnectionError(
            "login-rejected",
            `Expected "# logresp ${this.#login} verified", found ${
              JSON.stringify(line)
            }`,
          );
        }
        return line;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  async #readLine(
    reader: LineReader,
    session: AbortController,
  ): Promise<string> {
    let line: string | null;
    try {
      line = await reader.readLine();
    } catch (error) {
      if (session.signal.aborted) throw session.signal.reason;
      throw new AprsConnectionError(
        "io-error",
        `Expected to read from ${this.#host}:${this.#port}, found ${error}`,
        { cause: error },
      );
    }
    if (line === null) {
      throw new AprsConnectionError(
        "closed-by-server",
        `Expected ${this.#host}:${this.#port} to keep the connection open, found it closed`,
      );
    }
    return line;
  }

  /** Reads (and ignores) server lines until the session ends. */
  async #readLoop(
    reader: LineReader,
    session: AbortController,
  ): Promise<void> {
    try {
      while (!session.signal.aborted) await this.#readLine(reader, session);
    } catch (error) {
      if (!session.signal.aborted) session.abort(error);
    }
  }

  /** Sends queued packets, one per interval, until the session ends. */
  async #writeLoop(conn: Deno.Conn, session: AbortController): Promise<void> {
    try {
      while (!session.signal.aborted) {
        this.#inFlight ??= await this.#queue.take(session.signal);
        let waited = false;
        while (!this.#bucket.tryTake()) {
          if (!waited) this.#rateLimited++;
          waited = true;
          await this.#sleep(
            Math.max(1, this.#bucket.timeUntil(1)),
            session.signal,
          );
        }
        const packet = this.#inFlight;
        await this.#writeLine(conn, packet, session);
        this.#inFlight = undefined;
        this.#sent++;
        this.#emit({ type: "sent", packet, at: this.#now() });
      }
    } catch (error) {
      if (!session.signal.aborted) session.abort(error);
    }
  }

  /** Writes `text` + CRLF within the IO timeout. */
  async #writeLine(
    conn: Deno.Conn,
    text: string,
    session: AbortController,
  ): Promise<void> {
    const bytes = encoder.encode(`${text}\r\n`);
    const timer = setTimeout(
      () =>
        session.abort(
          new AprsConnectionError(
            "io-timeout",
            `Expected to write ${bytes.length} bytes within ${this.#ioTimeoutMs} ms, found the server not reading`,
          ),
        ),
      this.#ioTimeoutMs,
    );
    try {
      let offset = 0;
      while (offset < bytes.length) {
        offset += await conn.write(bytes.subarray(offset));
      }
    } catch (error) {
      if (session.signal.aborted) throw session.signal.reason;
      throw new AprsConnectionError(
        "io-error",
        `Expected to write to ${this.#host}:${this.#port}, found ${error}`,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
