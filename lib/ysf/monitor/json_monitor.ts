/**
 * pYSFReflector3's JSON monitor feed over UDP, which collector3 (and its
 * SQLite/PHP dashboard) reads: a client sends `CONNREQ` and gets
 * `CONNOK:<ip>:<port>` and the `system` message, keeps its subscription
 * with `PING` (→ `PONG`) at least every 60 s, and leaves with `BYE` (→
 * `BYE:<ip>:<port>`). Every reflector event is sent to every subscriber as
 * one datagram holding one JSON object (see {@link toMonitorMessages}), and
 * every 120 s the linked-client and temporary-block dumps.
 *
 * The subscriber table is bounded (newcomers refused when full), expiry and
 * dumps run in {@link JsonMonitor.tick} with an injected clock, sends are
 * bounded by a pending-send cap; everything refused or dropped is counted.
 *
 * @module
 */

import type { Logger } from "../../core/log.ts";
import type { Registry } from "../../core/metrics.ts";
import { BoundedMap } from "../../core/bounded/bounded_map.ts";
import type { ReflectorEvent } from "../reflector/events.ts";
import type { ReflectorSnapshot } from "../reflector/snapshot.ts";
import {
  encodeMonitorMessage,
  type MonitorMessage,
  type MonitorSystemInfo,
  streamIdSalt,
  toDumpMessages,
  toMonitorMessages,
  toSystemMessage,
  toVd2MonitorMessage,
} from "./format.ts";
import type { Vd2Change } from "../aprs/vd2_collector.ts";

/**
 * Options of {@link JsonMonitor.start}.
 *
 * @example pYSFReflector3's defaults next to a reflector on 42000
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { JsonMonitorOptions } from "./json_monitor.ts";
 *
 * const options: JsonMonitorOptions = {
 *   port: 42001,
 *   system: { name: "SHACK", description: "Test", statusId: "12345", version: "shack 1.0.0" },
 * };
 * equal(options.bind ?? "127.0.0.1", "127.0.0.1");
 * ```
 */
export interface JsonMonitorOptions {
  /** Address to bind ["127.0.0.1", pYSFReflector3's `Json_IP` default]. */
  bind?: string;
  /** UDP port: the reflector's main port + 1 in pYSFReflector3 (0 picks a free one, for tests). */
  port: number;
  /** What the `system` message says. */
  system: MonitorSystemInfo;
  /** The reflector's state, for the 120 s dumps; no dumps without it. */
  snapshot?: () => ReflectorSnapshot | undefined;
  /** Most subscribers; more `CONNREQ`s are refused and counted [64]. */
  maxSubscribers?: number;
  /** A subscriber is dropped this long after its last `PING`/`CONNREQ`, ms [60 000]. */
  subscriberTimeoutMs?: number;
  /** Period of the linked-client / temporary-block dumps, ms [120 000]. */
  dumpIntervalMs?: number;
  /** Most sends waiting for the kernel; more are dropped and counted [10 000]. */
  maxPendingSends?: number;
  /** Stream-id salt (see `monitorStreamId`); default drawn from `random`. */
  streamIdSalt?: number;
  /** Random source in [0, 1) for the stream-id salt [`Math.random`]. */
  random?: () => number;
  /** Wall-clock ms [`Date.now`]: expiry, dump period, `time` of blocked events. */
  now?: () => number;
  /** Lines about subscribers and socket errors. */
  logger?: Logger;
}

/**
 * A subscribed monitor client.
 *
 * @example Reading subscribers
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { MonitorSubscriber } from "./json_monitor.ts";
 *
 * const subscriber: MonitorSubscriber = { address: "127.0.0.1", port: 50000, since: 0, lastSeen: 0 };
 * equal(subscriber.port, 50000);
 * ```
 */
export interface MonitorSubscriber {
  /** Its address. */
  address: string;
  /** Its port. */
  port: number;
  /** When it subscribed (clock ms). */
  since: number;
  /** Its last `CONNREQ` or `PING` (clock ms). */
  lastSeen: number;
}

/**
 * Counters of a {@link JsonMonitor}, since it started.
 *
 * @example Reading counters
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { JsonMonitor, type JsonMonitorCounters } from "./json_monitor.ts";
 *
 * const monitor = JsonMonitor.start({ port: 0, system: { name: "R", description: "", statusId: "00000", version: "x" } });
 * const counters: JsonMonitorCounters = monitor.counters;
 * equal(counters.malformed, 0);
 * await monitor.close();
 * ```
 */
export interface JsonMonitorCounters {
  /** Datagrams received. */
  datagrams: number;
  /** Accepted `CONNREQ`s (new subscribers and repeats). */
  connects: number;
  /** `CONNREQ`s refused because the table was full. */
  refused: number;
  /** `PING`s answered. */
  pings: number;
  /** `BYE`s that removed a subscriber. */
  byes: number;
  /** Subscribers dropped for silence. */
  expired: number;
  /** Datagrams that are none of `CONNREQ`, `PING`, `BYE`. */
  malformed: number;
  /** `PING`/`BYE` from an address that is not subscribed (no reply, as pYSFReflector3). */
  ignored: number;
  /** Messages published (each counts once, whatever the number of subscribers). */
  messages: number;
  /** Datagrams the kernel accepted. */
  sends: number;
  /** Sends the kernel refused. */
  sendErrors: number;
  /** Sends dropped because too many were pending. */
  sendBacklogDrops: number;
  /** Failed socket receives. */
  receiveErrors: number;
  /** Events whose formatting failed (a bug guard). */
  formatErrors: number;
}

const MAX_COMMAND_LENGTH = 64;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function fmtHost(hostname: string): string {
  return hostname.includes(":") ? `[${hostname}]` : hostname;
}

/**
 * The JSON monitor server. Start it with {@link JsonMonitor.start}, feed it
 * reflector events with {@link JsonMonitor.publish} (e.g. from
 * `YsfServer`'s `onEvent`), call {@link JsonMonitor.tick} about once a
 * second, and stop it with {@link JsonMonitor.close}.
 *
 * @example A subscriber session
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { JsonMonitor } from "./json_monitor.ts";
 *
 * const monitor = JsonMonitor.start({
 *   bind: "127.0.0.1",
 *   port: 0,
 *   system: { name: "SHACK", description: "Doc", statusId: "12345", version: "shack 1.0.0" },
 * });
 * const client = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
 * await client.send(new TextEncoder().encode("CONNREQ"), monitor.addr);
 * const [reply] = await client.receive();
 * equal(new TextDecoder().decode(reply), `CONNOK:127.0.0.1:${(client.addr as Deno.NetAddr).port}`);
 * const [system] = await client.receive();
 * equal(JSON.parse(new TextDecoder().decode(system)).system, "pYSFReflector3");
 * client.close();
 * await monitor.close();
 * ```
 */
export class JsonMonitor {
  readonly #conn: Deno.DatagramConn;
  readonly #addr: Deno.NetAddr;
  readonly #system: MonitorMessage;
  readonly #snapshot: (() => ReflectorSnapshot | undefined) | undefined;
  readonly #subscribers: BoundedMap<string, MonitorSubscriber>;
  readonly #dumpIntervalMs: number;
  readonly #maxPendingSends: number;
  readonly #salt: number;
  readonly #now: () => number;
  readonly #log: Logger | undefined;
  readonly #inflight = new Set<Promise<void>>();
  readonly #loop: Promise<void>;
  #nextDump: number;
  #closed = false;
  #closing: Promise<void> | undefined;
  #counters: JsonMonitorCounters = {
    datagrams: 0,
    connects: 0,
    refused: 0,
    pings: 0,
    byes: 0,
    expired: 0,
    malformed: 0,
    ignored: 0,
    messages: 0,
    sends: 0,
    sendErrors: 0,
    sendBacklogDrops: 0,
    receiveErrors: 0,
    formatErrors: 0,
  };

  private constructor(conn: Deno.DatagramConn, options: JsonMonitorOptions) {
    this.#conn = conn;
    this.#addr = conn.addr as Deno.NetAddr;
    this.#now = options.now ?? Date.now;
    this.#log = options.logger;
    this.#system = toSystemMessage(options.system);
    this.#snapshot = options.snapshot;
    this.#dumpIntervalMs = options.dumpIntervalMs ?? 120_000;
    this.#maxPendingSends = options.maxPendingSends ?? 10_000;
    this.#salt = options.streamIdSalt ??
      streamIdSalt(options.random ?? Math.random);
    this.#subscribers = new BoundedMap<string, MonitorSubscriber>({
      capacity: options.maxSubscribers ?? 64,
      ttlMs: options.subscriberTimeoutMs ?? 60_000,
      policy: "reject",
      now: this.#now,
      onEvict: (_key, sub, reason) => {
        if (reason !== "ttl") return;
        this.#counters.expired++;
        this.#log?.info("monitor client disappeared", {
          client: `${fmtHost(sub.address)}:${sub.port}`,
        });
      },
    });
    this.#nextDump = this.#now() + this.#dumpIntervalMs;
    this.#loop = this.#receive();
  }

  /**
   * Binds the UDP socket and starts receiving.
   *
   * @param options Address, port, system information, limits, clock.
   * @returns The running monitor.
   * @throws {RangeError} If a limit is not a positive integer.
   * @throws {Deno.errors.AddrInUse} If the port is taken.
   *
   * @example Starting on a free port
   * ```ts
   * import { ok } from "node:assert/strict";
   * import { JsonMonitor } from "./json_monitor.ts";
   *
   * const monitor = JsonMonitor.start({ port: 0, system: { name: "R", description: "", statusId: "00000", version: "x" } });
   * ok(monitor.addr.port > 0);
   * await monitor.close();
   * ```
   */
  static start(options: JsonMonitorOptions): JsonMonitor {
    for (
      const [name, value] of [
        ["maxSubscribers", options.maxSubscribers],
        ["maxPendingSends", options.maxPendingSends],
      ] as const
    ) {
      if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) {
        throw new RangeError(
          `Expected ${name} to be an integer >= 1, found ${value}`,
        );
      }
    }
    for (
      const [name, value] of [
        ["subscriberTimeoutMs", options.subscriberTimeoutMs],
        ["dumpIntervalMs", options.dumpIntervalMs],
      ] as const
    ) {
      if (value !== undefined && (!Number.isFinite(value) || value <= 0)) {
        throw new RangeError(
          `Expected ${name} to be a finite number > 0, found ${value}`,
        );
      }
    }
    const hostname = options.bind ?? "127.0.0.1";
    let conn: Deno.DatagramConn;
    try {
      conn = Deno.listenDatagram({
        transport: "udp",
        hostname,
        port: options.port,
      });
    } catch (error) {
      if (error instanceof Deno.errors.AddrInUse) {
        throw new Deno.errors.AddrInUse(
          `UDP ${
            fmtHost(hostname)
          }:${options.port} (JSON monitor) is already in use`,
        );
      }
      throw error;
    }
    const monitor = new JsonMonitor(conn, options);
    options.logger?.info("monitor listening", {
      udp: `${fmtHost(monitor.#addr.hostname)}:${monitor.#addr.port}`,
    });
    return monitor;
  }

  /**
   * The bound address (the real port when 0 was asked).
   *
   * @example Reading the address
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { JsonMonitor } from "./json_monitor.ts";
   *
   * const monitor = JsonMonitor.start({ port: 0, system: { name: "R", description: "", statusId: "00000", version: "x" } });
   * equal(monitor.addr.hostname, "127.0.0.1");
   * await monitor.close();
   * ```
   */
  get addr(): Deno.NetAddr {
    return this.#addr;
  }

  /**
   * The stream-id salt in use (give it to `G4klxLogFile` so the log's
   * `<stream id>`s match the feed's).
   *
   * @example A fixed salt
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { JsonMonitor } from "./json_monitor.ts";
   *
   * const monitor = JsonMonitor.start({ port: 0, streamIdSalt: 7, system: { name: "R", description: "", statusId: "00000", version: "x" } });
   * equal(monitor.streamIdSalt, 7);
   * await monitor.close();
   * ```
   */
  get streamIdSalt(): number {
    return this.#salt;
  }

  /**
   * The current subscribers, oldest activity first (expired ones are not
   * listed).
   *
   * @example No subscribers yet
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { JsonMonitor } from "./json_monitor.ts";
   *
   * const monitor = JsonMonitor.start({ port: 0, system: { name: "R", description: "", statusId: "00000", version: "x" } });
   * equal(monitor.subscribers.length, 0);
   * await monitor.close();
   * ```
   */
  get subscribers(): MonitorSubscriber[] {
    return [...this.#subscribers.values()].map((s) => ({ ...s }));
  }

  /**
   * A copy of the counters, plus the pending sends.
   *
   * @example Reading counters
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { JsonMonitor } from "./json_monitor.ts";
   *
   * const monitor = JsonMonitor.start({ port: 0, system: { name: "R", description: "", statusId: "00000", version: "x" } });
   * equal(monitor.counters.pendingSends, 0);
   * await monitor.close();
   * ```
   */
  get counters(): JsonMonitorCounters & { pendingSends: number } {
    return { ...this.#counters, pendingSends: this.#inflight.size };
  }

  /**
   * Sends the monitor messages of one reflector event to every subscriber.
   * Never throws; does nothing without subscribers or after `close()`.
   *
   * @param event The event.
   *
   * @example Publishing with nobody listening
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { JsonMonitor } from "./json_monitor.ts";
   *
   * const monitor = JsonMonitor.start({ port: 0, system: { name: "R", description: "", statusId: "00000", version: "x" } });
   * monitor.publish({ type: "temp-block-removed", block: { callsign: "G4ABC", reason: "timeout", since: 0, until: 1 }, reason: "expired" });
   * equal(monitor.counters.sends, 0);
   * await monitor.close();
   * ```
   */
  publish(event: ReflectorEvent): void {
    if (this.#closed || this.#subscribers.size === 0) return;
    let messages: MonitorMessage[];
    try {
      messages = toMonitorMessages(event, {
        now: this.#now(),
        streamIdSalt: this.#salt,
      });
    } catch (error) {
      this.#counters.formatErrors++;
      this.#log?.error("monitor format failed", { error });
      return;
    }
    for (const message of messages) this.#broadcast(message);
  }

  /**
   * Sends the `stream_id01`..`stream_id04` message for what a running
   * stream's data channel revealed (see {@link toVd2MonitorMessage}).
   * Never throws; does nothing without subscribers or after `close()`.
   *
   * @param streamId The reflector's stream id.
   * @param change The change reported by the stream's `Vd2Collector`.
   *
   * @example Publishing with nobody listening
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { JsonMonitor } from "./json_monitor.ts";
   *
   * const monitor = JsonMonitor.start({ port: 0, system: { name: "R", description: "", statusId: "00000", version: "x" } });
   * monitor.publishVd2(1, { type: "radio-code", radioCode: 0x31 });
   * equal(monitor.counters.sends, 0);
   * await monitor.close();
   * ```
   */
  publishVd2(streamId: number, change: Vd2Change): void {
    if (this.#closed || this.#subscribers.size === 0) return;
    this.#broadcast(toVd2MonitorMessage(streamId, change, this.#salt));
  }

  /**
   * Runs the timers: drops subscribers silent for `subscriberTimeoutMs`,
   * and every `dumpIntervalMs` sends the linked-client and temporary-block
   * dumps. Call it about once a second. Never throws.
   *
   * @example Expiry with an injected clock
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { JsonMonitor } from "./json_monitor.ts";
   *
   * let time = 0;
   * const monitor = JsonMonitor.start({ port: 0, now: () => time, system: { name: "R", description: "", statusId: "00000", version: "x" } });
   * time = 120_000;
   * monitor.tick();
   * equal(monitor.counters.expired, 0);
   * await monitor.close();
   * ```
   */
  tick(): void {
    if (this.#closed) return;
    try {
      this.#subscribers.sweep();
      const now = this.#now();
      if (now >= this.#nextDump) {
        this.#nextDump = now + this.#dumpIntervalMs;
        this.dump();
      }
    } catch (error) {
      this.#log?.error("monitor tick failed", { error });
    }
  }

  /**
   * Sends the dumps now (what `tick()` does every `dumpIntervalMs`); does
   * nothing without subscribers or a snapshot source.
   *
   * @example Without a snapshot source
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { JsonMonitor } from "./json_monitor.ts";
   *
   * const monitor = JsonMonitor.start({ port: 0, system: { name: "R", description: "", statusId: "00000", version: "x" } });
   * monitor.dump();
   * equal(monitor.counters.messages, 0);
   * await monitor.close();
   * ```
   */
  dump(): void {
    if (this.#closed || this.#snapshot === undefined) return;
    if (this.#subscribers.size === 0) return;
    let messages: MonitorMessage[];
    try {
      const snapshot = this.#snapshot();
      if (snapshot === undefined) return;
      messages = toDumpMessages(snapshot);
    } catch (error) {
      this.#counters.formatErrors++;
      this.#log?.error("monitor dump failed", { error });
      return;
    }
    for (const message of messages) this.#broadcast(message);
  }

  /**
   * Registers the monitor's counters in a metrics registry (names start
   * with `monitor_`, after the registry's prefix).
   *
   * @param registry The registry.
   *
   * @example Registering
   * ```ts
   * import { match } from "node:assert/strict";
   * import { Registry } from "../../core/metrics.ts";
   * import { JsonMonitor } from "./json_monitor.ts";
   *
   * const monitor = JsonMonitor.start({ port: 0, system: { name: "R", description: "", statusId: "00000", version: "x" } });
   * const registry = new Registry({ prefix: "shack_ysf_" });
   * monitor.registerMetrics(registry);
   * match(registry.render(), /^shack_ysf_monitor_subscribers 0$/m);
   * await monitor.close();
   * ```
   */
  registerMetrics(registry: Registry): void {
    const c = () => this.#counters;
    registry.gauge({
      name: "monitor_subscribers",
      help: "JSON monitor subscribers",
      collect: () => this.#subscribers.size,
    });
    registry.gauge({
      name: "monitor_pending_sends",
      help: "JSON monitor sends waiting for the kernel",
      collect: () => this.#inflight.size,
    });
    registry.counter({
      name: "monitor_requests_total",
      help: "JSON monitor requests, by command",
      labelNames: ["command"],
      collect: () => [
        { labels: { command: "connreq" }, value: c().connects },
        { labels: { command: "ping" }, value: c().pings },
        { labels: { command: "bye" }, value: c().byes },
      ],
    });
    const counters: [string, string, () => number][] = [
      [
        "monitor_datagrams_total",
        "JSON monitor datagrams received",
        () => c().datagrams,
      ],
      [
        "monitor_refused_total",
        "JSON monitor subscriptions refused (table full)",
        () => c().refused,
      ],
      [
        "monitor_expired_total",
        "JSON monitor subscribers dropped for silence",
        () => c().expired,
      ],
      [
        "monitor_malformed_total",
        "JSON monitor datagrams that are no command",
        () => c().malformed,
      ],
      [
        "monitor_ignored_total",
        "JSON monitor PING/BYE from unsubscribed addresses",
        () => c().ignored,
      ],
      [
        "monitor_messages_total",
        "JSON monitor messages published",
        () => c().messages,
      ],
      ["monitor_sends_total", "JSON monitor datagrams sent", () => c().sends],
      [
        "monitor_send_errors_total",
        "JSON monitor sends the kernel refused",
        () => c().sendErrors,
      ],
      [
        "monitor_send_backlog_drops_total",
        "JSON monitor sends dropped because too many were pending",
        () => c().sendBacklogDrops,
      ],
      [
        "monitor_receive_errors_total",
        "JSON monitor failed receives",
        () => c().receiveErrors,
      ],
    ];
    for (const [name, help, collect] of counters) {
      registry.counter({ name, help, collect });
    }
  }

  /**
   * Stops: no more datagrams are handled or sent; waits for pending sends,
   * closes the socket. Resolves when the receive loop has ended.
   * Idempotent.
   *
   * @example Closing twice
   * ```ts
   * import { JsonMonitor } from "./json_monitor.ts";
   *
   * const monitor = JsonMonitor.start({ port: 0, system: { name: "R", description: "", statusId: "00000", version: "x" } });
   * await Promise.all([monitor.close(), monitor.close()]);
   * ```
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    this.#closing = (async () => {
      await Promise.allSettled([...this.#inflight]);
      try {
        this.#conn.close();
      } catch {
        // already closed
      }
      await this.#loop;
      this.#subscribers.clear();
    })();
    return this.#closing;
  }

  async #receive(): Promise<void> {
    let consecutiveErrors = 0;
    while (!this.#closed) {
      let received: [Uint8Array, Deno.Addr];
      try {
        received = await this.#conn.receive();
      } catch (error) {
        if (this.#closed) return;
        this.#counters.receiveErrors++;
        consecutiveErrors++;
        this.#log?.warn("monitor receive failed", { error });
        await new Promise((r) =>
          setTimeout(r, Math.min(1000, 10 * consecutiveErrors))
        );
        continue;
      }
      consecutiveErrors = 0;
      if (this.#closed) return;
      try {
        this.#handle(received[0], received[1] as Deno.NetAddr);
      } catch (error) {
        this.#log?.error("monitor handle failed", { error });
      }
    }
  }

  #handle(data: Uint8Array, from: Deno.NetAddr): void {
    this.#counters.datagrams++;
    if (data.length === 0 || data.length > MAX_COMMAND_LENGTH) {
      this.#counters.malformed++;
      return;
    }
    // pYSFReflector3 compares the exact bytes; trailing CR/LF/spaces (as
    // `nc -u` sends) are tolerated.
    const command = decoder.decode(data).replace(/[\r\n\t ]+$/u, "");
    const key = `${fmtHost(from.hostname)}:${from.port}`;
    switch (command) {
      case "CONNREQ":
        return this.#connect(key, from);
      case "PING": {
        const sub = this.#subscribers.peek(key);
        if (sub === undefined) {
          this.#counters.ignored++;
          return;
        }
        sub.lastSeen = this.#now();
        this.#subscribers.touch(key);
        this.#counters.pings++;
        this.#sendTo(encoder.encode("PONG"), from.hostname, from.port);
        return;
      }
      case "BYE": {
        if (!this.#subscribers.delete(key)) {
          this.#counters.ignored++;
          return;
        }
        this.#counters.byes++;
        this.#log?.info("monitor client unlinked", { client: key });
        this.#sendTo(
          encoder.encode(`BYE:${from.hostname}:${from.port}`),
          from.hostname,
          from.port,
        );
        return;
      }
      default:
        this.#counters.malformed++;
    }
  }

  #connect(key: string, from: Deno.NetAddr): void {
    const now = this.#now();
    const existing = this.#subscribers.peek(key);
    const sub: MonitorSubscriber = existing ?? {
      address: from.hostname,
      port: from.port,
      since: now,
      lastSeen: now,
    };
    sub.lastSeen = now;
    if (!this.#subscribers.set(key, sub)) {
      this.#counters.refused++;
      this.#log?.warn("monitor client refused, too many subscribers", {
        client: key,
      });
      return;
    }
    this.#counters.connects++;
    if (existing === undefined) {
      this.#log?.info("monitor client added", { client: key });
    }
    this.#sendTo(
      encoder.encode(`CONNOK:${from.hostname}:${from.port}`),
      from.hostname,
      from.port,
    );
    // pYSFReflector3 queues the system message for every subscriber; only
    // the new one needs it (collector3 stores one row per system message).
    this.#counters.messages++;
    this.#sendTo(
      encoder.encode(encodeMonitorMessage(this.#system)),
      from.hostname,
      from.port,
    );
  }

  #broadcast(message: MonitorMessage): void {
    this.#counters.messages++;
    const bytes = encoder.encode(encodeMonitorMessage(message));
    for (const sub of this.#subscribers.values()) {
      this.#sendTo(bytes, sub.address, sub.port);
    }
  }

  #sendTo(bytes: Uint8Array, hostname: string, port: number): void {
    if (this.#closed) return;
    if (this.#inflight.size >= this.#maxPendingSends) {
      this.#counters.sendBacklogDrops++;
      return;
    }
    let sending: Promise<void>;
    try {
      sending = this.#conn.send(bytes, { transport: "udp", hostname, port })
        .then(
          () => {
            this.#counters.sends++;
          },
          () => {
            this.#counters.sendErrors++;
          },
        );
    } catch {
      this.#counters.sendErrors++;
      return;
    }
    const tracked = sending.finally(() => {
      this.#inflight.delete(tracked);
    });
    this.#inflight.add(tracked);
  }
}
