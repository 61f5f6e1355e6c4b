/**
 * `BridgeServer`: the bridge's I/O edge — the HTTP port (HDHomeRun API,
 * stream URLs, `/healthz`, `/metrics`), the session registry and its orphan
 * sweep, the stream proxy, and optionally the SSDP and HDHomeRun UDP
 * discovery responders, all stopped by one `close()` within 1 s.
 *
 * @module
 */

import type { Logger } from "../core/log.ts";
import { Registry } from "../core/metrics.ts";
import type { HealthCheck, HealthReport } from "../core/http/health.ts";
import { type HttpServerHandle, startHttpServer } from "../core/http/server.ts";
import { VERSION } from "../version.ts";
import type { ChannelLookup } from "./channel.ts";
import { type HdhrDevice, hdhrDevice } from "./hdhr/device.ts";
import { deviceUuid } from "./hdhr/device_id.ts";
import { HdhrHandler } from "./hdhr/hdhr_handler.ts";
import type { SessionRecord } from "./session/session.ts";
import {
  SessionRegistry,
  type SessionRegistryOptions,
} from "./session/session_registry.ts";
import {
  HdhrDiscoverResponder,
  type HdhrDiscoverResponderOptions,
} from "./ssdp/hdhr_discover_responder.ts";
import {
  SsdpResponder,
  type SsdpResponderOptions,
} from "./ssdp/ssdp_responder.ts";
import { createUpstreamOpener } from "./stream/select_upstream.ts";
import { StreamProxy, type StreamProxyOptions } from "./stream/stream_proxy.ts";
import { settlesWithin } from "../core/settles_within.ts";

/**
 * Options of {@link BridgeServer.start}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { BridgeServerOptions } from "./server.ts";
 *
 * const options: BridgeServerOptions = {
 *   channels: { channels: () => [], byGuideNumber: () => undefined, byId: () => undefined },
 *   deviceId: "10101010",
 *   tunerCount: 2,
 *   port: 5004,
 *   advertisedUrl: "http://192.0.2.5:5004",
 *   ssdp: { port: 1900 },
 * };
 * equal(options.tunerCount, 2);
 * ```
 */
export interface BridgeServerOptions {
  /** The lineup. */
  channels: ChannelLookup;
  /** The DeviceID (stable: see `loadOrCreateDeviceId`). */
  deviceId: string;
  /** TunerCount: concurrent upstreams. */
  tunerCount: number;
  /** Overrides of the device description (FriendlyName, ModelNumber, …). */
  device?: Partial<Omit<HdhrDevice, "deviceId" | "tunerCount">>;
  /** HTTP listen address. Default `0.0.0.0`. */
  hostname?: string;
  /** HTTP port (5004 like a real HDHomeRun; 0 picks one). */
  port: number;
  /**
   * The BaseURL clients should use (`http://192.0.2.5:5004`). Default: HTTP
   * answers use the request's Host header; SSDP and UDP discovery use the
   * listen address, or the first non-internal IPv4 address when listening
   * on all addresses.
   */
  advertisedUrl?: string;
  /** Stream proxy settings; `ffmpegPath: false` disables remuxing. */
  stream?: Pick<StreamProxyOptions, "share" | "feed" | "client" | "open"> & {
    ffmpegPath?: string | false;
  };
  /** Session registry settings. */
  sessions?: Pick<
    SessionRegistryOptions,
    | "maxSessions"
    | "historySize"
    | "idleTimeoutMs"
    | "startTimeoutMs"
    | "cleanupDeadlineMs"
  >;
  /** Period of the orphan sweep, ms. Default 15,000. */
  sweepIntervalMs?: number;
  /** SSDP responder; omitted or `false`: off. */
  ssdp?: false | Omit<SsdpResponderOptions, "uuid" | "location" | "logger">;
  /** HDHomeRun UDP discovery responder; omitted or `false`: off. */
  hdhrDiscovery?:
    | false
    | Omit<
      HdhrDiscoverResponderOptions,
      "deviceId" | "tunerCount" | "baseUrl" | "logger"
    >;
  /**
   * Extra routes tried before the HDHomeRun API (e.g. the management API,
   * the dashboard, `/xmltv.xml`); `undefined` passes the request on.
   * `/healthz` and `/metrics` are answered before these.
   */
  routes?: (
    request: Request,
    info: Deno.ServeHandlerInfo<Deno.NetAddr>,
  ) => Response | undefined | Promise<Response | undefined>;
  /** Told about every session change (the registry's `onChange`). */
  onSessionChange?: (record: SessionRecord) => void;
  /**
   * More checks for `/healthz` (merged after `tuners`); the worst of them
   * is the report's status.
   */
  healthChecks?: () => Record<string, HealthCheck>;
  /** Aborting it closes the server. */
  signal?: AbortSignal;
  /** Logs. */
  logger?: Logger;
  /** Milliseconds clock of the sessions and watchdogs. Default `performance.now`. */
  now?: () => number;
}

/**
 * A running bridge.
 *
 * @example Discover, then stop
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BridgeServer } from "./server.ts";
 *
 * const bridge = await BridgeServer.start({
 *   channels: { channels: () => [], byGuideNumber: () => undefined, byId: () => undefined },
 *   deviceId: "10101010",
 *   tunerCount: 2,
 *   hostname: "127.0.0.1",
 *   port: 0,
 * });
 * const response = await fetch(`http://127.0.0.1:${bridge.addr.port}/discover.json`);
 * equal((await response.json()).TunerCount, 2);
 * await bridge.close();
 * ```
 */
export class BridgeServer {
  /** The HTTP address actually listened on. */
  readonly addr: Deno.NetAddr;
  /** The BaseURL advertised by SSDP and UDP discovery. */
  readonly baseUrl: string;
  /** The device description. */
  readonly device: HdhrDevice;
  /** The session registry. */
  readonly sessions: SessionRegistry;
  /** The stream proxy. */
  readonly proxy: StreamProxy;
  /** The metrics served on `/metrics` (prefix `shack_bridge_`). */
  readonly metrics: Registry;
  /** The SSDP responder, when enabled. */
  readonly ssdp: SsdpResponder | undefined;
  /** The UDP discovery responder, when enabled. */
  readonly discovery: HdhrDiscoverResponder | undefined;
  readonly #http: HttpServerHandle;
  readonly #log: Logger | undefined;
  readonly #startedAt = Date.now();
  #closing: Promise<void> | undefined;

  private constructor(parts: {
    addr: Deno.NetAddr;
    baseUrl: string;
    device: HdhrDevice;
    sessions: SessionRegistry;
    proxy: StreamProxy;
    metrics: Registry;
    http: HttpServerHandle;
    ssdp: SsdpResponder | undefined;
    discovery: HdhrDiscoverResponder | undefined;
    logger: Logger | undefined;
  }) {
    this.addr = parts.addr;
    this.baseUrl = parts.baseUrl;
    this.device = parts.device;
    this.sessions = parts.sessions;
    this.proxy = parts.proxy;
    this.metrics = parts.metrics;
    this.#http = parts.http;
    this.ssdp = parts.ssdp;
    this.discovery = parts.discovery;
    this.#log = parts.logger;
  }

  /**
   * Starts the HTTP port, the sweep and the enabled responders.
   *
   * @param options Lineup, identity, ports and settings.
   * @returns The running bridge.
   * @throws {RangeError} If the DeviceID or tuner count is invalid.
   * @throws {Deno.errors.AddrInUse} If a port is taken.
   */
  static async start(options: BridgeServerOptions): Promise<BridgeServer> {
    const log = options.logger;
    const device = hdhrDevice({
      ...options.device,
      deviceId: options.deviceId,
      tunerCount: options.tunerCount,
    });
    const sessions = new SessionRegistry({
      ...options.sessions,
      tunerCount: device.tunerCount,
      ...(log ? { logger: log } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.onSessionChange ? { onChange: options.onSessionChange } : {}),
    });
    const ffmpegPath = options.stream?.ffmpegPath;
    const proxy = new StreamProxy({
      sessions,
      open: options.stream?.open ??
        createUpstreamOpener({
          ffmpeg: ffmpegPath === false
            ? false
            : ffmpegPath === undefined
            ? {}
            : { ffmpegPath },
        }),
      ...(options.stream?.share !== undefined
        ? { share: options.stream.share }
        : {}),
      ...(options.stream?.feed ? { feed: options.stream.feed } : {}),
      ...(options.stream?.client ? { client: options.stream.client } : {}),
      ...(log ? { logger: log } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    const metrics = new Registry({ prefix: "shack_bridge_" });
    sessions.registerMetrics(metrics);
    proxy.registerMetrics(metrics);

    const hostname = options.hostname ?? "0.0.0.0";
    // The API handler needs the real port, known once the server listens.
    const api: { handler?: HdhrHandler } = {};
    const startedAt = Date.now();
    const http = startHttpServer({
      hostname,
      port: options.port,
      service: "bridge",
      onError: (err, context) =>
        log?.warn("bridge http error", { context, error: err }),
      routes: {
        healthz: (): HealthReport => {
          const extra = options.healthChecks?.() ?? {};
          const statuses = Object.values(extra).map((c) => c.status);
          return {
            // The tuners being busy is not a fault; the extra checks can be.
            status: statuses.includes("failing")
              ? "failing"
              : statuses.includes("degraded")
              ? "degraded"
              : "ok",
            service: "bridge",
            version: VERSION,
            uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
            checks: {
              tuners: {
                status: sessions.tunersInUse < sessions.tunerCount
                  ? "ok"
                  : "degraded",
                inUse: sessions.tunersInUse,
                total: sessions.tunerCount,
              },
              ...extra,
            },
          };
        },
        metrics,
      },
      handler: async (request, context) => {
        const extra = await options.routes?.(request, context.info);
        if (extra !== undefined) return extra;
        return await (api.handler?.handle(request, {
          remoteAddress: context.info.remoteAddr.hostname,
        }) ??
          new Response("Not found\n", {
            status: 404,
            headers: { "content-type": "text/plain; charset=utf-8" },
          }));
      },
    });
    const addr = http.addr;
    const baseUrl = (options.advertisedUrl ??
      `http://${advertisedHost(hostname)}:${addr.port}`).replace(/\/+$/, "");
    api.handler = new HdhrHandler({
      device,
      channels: options.channels,
      streams: proxy,
      ...(options.advertisedUrl !== undefined
        ? { advertisedUrl: options.advertisedUrl }
        : {}),
      fallbackBaseUrl: baseUrl,
      onScan: (action) => log?.info("lineup scan requested", { action }),
    });
    sessions.startSweeper(options.sweepIntervalMs ?? 15_000);

    let ssdp: SsdpResponder | undefined;
    let discovery: HdhrDiscoverResponder | undefined;
    try {
      if (options.ssdp) {
        ssdp = await SsdpResponder.start({
          ...options.ssdp,
          uuid: deviceUuid(device.deviceId),
          location: `${baseUrl}/device.xml`,
          ...(log ? { logger: log } : {}),
        });
      }
      if (options.hdhrDiscovery) {
        discovery = await HdhrDiscoverResponder.start({
          ...options.hdhrDiscovery,
          deviceId: device.deviceId,
          tunerCount: device.tunerCount,
          baseUrl,
          ...(log ? { logger: log } : {}),
        });
      }
    } catch (err) {
      await ssdp?.close();
      await proxy.close();
      await http.shutdown();
      throw err;
    }
    if (ssdp) {
      metrics.counter({
        name: "ssdp_replies_total",
        help: "SSDP search responses sent",
        collect: () => ssdp.stats.replies,
      });
    }
    const bridge = new BridgeServer({
      addr,
      baseUrl,
      device,
      sessions,
      proxy,
      metrics,
      http,
      ssdp,
      discovery,
      logger: log,
    });
    if (options.signal?.aborted) await bridge.close();
    else {
      options.signal?.addEventListener("abort", () => void bridge.close(), {
        once: true,
      });
    }
    log?.info("bridge listening", {
      address: `${addr.hostname}:${addr.port}`,
      baseUrl,
      deviceId: device.deviceId,
      tuners: device.tunerCount,
      ssdp: ssdp ? (ssdp.multicast ? "multicast" : "unicast only") : "off",
    });
    return bridge;
  }

  /** Seconds since start. */
  get uptimeSeconds(): number {
    return Math.round((Date.now() - this.#startedAt) / 1000);
  }

  /**
   * Stops everything: every session is closed (clients' responses end,
   * upstreams released, ffmpeg children reaped), byebye is sent, the HTTP
   * port shuts down. Finishes within 1 s; idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const started = performance.now();
      const work = Promise.all([
        this.proxy.close(),
        this.ssdp?.close(),
        this.discovery?.close(),
        this.#http.shutdown(800),
      ]);
      if (!await settlesWithin(work, 950)) {
        this.#log?.warn("bridge close missed its 950 ms budget", {
          sessions: this.sessions.size,
        });
      }
      this.#log?.info("bridge stopped", {
        ms: Math.round(performance.now() - started),
      });
    })();
    return this.#closing;
  }
}

/** The address to advertise for a listen address. */
function advertisedHost(hostname: string): string {
  if (hostname !== "0.0.0.0" && hostname !== "::" && hostname !== "") {
    return hostname.includes(":") ? `[${hostname}]` : hostname;
  }
  try {
    for (const nic of Deno.networkInterfaces()) {
      if (
        nic.family === "IPv4" && !nic.address.startsWith("127.") &&
        !nic.address.startsWith("169.254.")
      ) {
        return nic.address;
      }
    }
  } catch {
    // No --allow-sys: fall back to loopback.
  }
  return "127.0.0.1";
}
