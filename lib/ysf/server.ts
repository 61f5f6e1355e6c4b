/**
 * The YSF reflector's I/O edge: UDP sockets (one per bound address and
 * port, auxiliary ports included) feeding {@link YsfReflectorCore}, the
 * periodic tick, bounded asynchronous sends, metrics, and an HTTP port with
 * `/healthz`, `/metrics` and a JSON API.
 *
 * @module
 */

import { Registry } from "../core/metrics.ts";
import type { Logger } from "../core/log.ts";
import { type HttpServerHandle, startHttpServer } from "../core/http/server.ts";
import { VERSION } from "../version.ts";
import { YsfReflectorCore } from "./reflector/reflector.ts";
import type {
  AuxPort,
  StatusAlias,
  YsfReflectorOptions,
} from "./reflector/options.ts";
import type { ReloadableOptions } from "./reflector/options.ts";
import type { ReflectorEvent } from "./reflector/events.ts";
import type { LocalEndpointId, Peer } from "./reflector/peer.ts";
import { DROP_REASONS, OUT_KINDS, PACKET_KINDS } from "./reflector/counters.ts";
import { BLOCK_REASONS } from "./reflector/acl.ts";
import { YsfDashboard, type YsfDashboardOptions } from "./web/dashboard.ts";

/** Receive buffer size: the largest UDP payload, as Deno's default. */
const RECEIVE_BUFFER_BYTES = 65_507;

/** An auxiliary UDP port bound to one DG-ID. */
export interface YsfAuxPortConfig {
  /** The DG-ID every client of this port sits in. */
  dgid: number;
  /** The UDP port. */
  port: number;
  /** YSFS identity of this port (pYSFReflector3 REFL_ALIAS). */
  alias?: StatusAlias;
}

/** Options of {@link YsfServer.start}. */
export interface YsfServerOptions {
  /** The state machine's options (`auxPorts` and `now` are set by the server). */
  reflector: Omit<YsfReflectorOptions, "auxPorts" | "now">;
  /**
   * Addresses to bind, default `["::"]` (IPv4 and IPv6 on one dual-stack
   * socket, falling back to `0.0.0.0` where IPv6 is off). Bind the host's
   * own addresses on a multi-homed host so replies leave from the address
   * each client targeted.
   */
  bind?: readonly string[];
  /** The main UDP port (42000; 0 picks a free one, for tests). */
  port: number;
  /** Auxiliary ports. */
  auxPorts?: readonly YsfAuxPortConfig[];
  /** HTTP status port; omitted = no HTTP server. */
  http?: { hostname?: string; port: number };
  /** Tick period of the state machine, ms. Default 100. */
  tickMs?: number;
  /** Most sends waiting for the kernel; more are dropped and counted. Default 20,000. */
  maxPendingSends?: number;
  /** Receives every reflector event (logging, JSON monitor, dashboards). */
  onEvent?: (event: ReflectorEvent) => void;
  /** Receives every frame accepted into a stream (data-channel decoders, APRS). */
  onFrame?: (streamId: number, datagram: Uint8Array) => void;
  /**
   * The live web dashboard on the HTTP port (`/`, its files, `/api/ws`);
   * `false` turns it off. Default on (with its defaults) when `http` is set.
   */
  dashboard?: false | Omit<YsfDashboardOptions, "now" | "counters">;
  /** Log lines about sockets and errors. */
  logger?: Logger;
  /** Milliseconds clock. Default `Date.now`. */
  now?: () => number;
}

/** One bound UDP socket. */
export interface YsfSocketInfo {
  /** The endpoint id the state machine sees. */
  endpoint: LocalEndpointId;
  /** Bound address. */
  hostname: string;
  /** Bound port (the real one when 0 was asked). */
  port: number;
  /** The DG-ID of an auxiliary port. */
  dgid?: number;
}

/**
 * A running reflector. Start it with {@link YsfServer.start}; stop it with
 * {@link YsfServer.close}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { YsfServer } from "./server.ts";
 * const server = await YsfServer.start({
 *   reflector: { name: "DOC TEST" },
 *   bind: ["127.0.0.1"],
 *   port: 0,
 * });
 * equal(server.sockets.length, 1);
 * await server.close();
 * ```
 */
export class YsfServer {
  readonly core: YsfReflectorCore;
  readonly metrics: Registry;
  readonly startedAt: number;
  #conns = new Map<LocalEndpointId, Deno.DatagramConn>();
  #sockets: YsfSocketInfo[] = [];
  #http: HttpServerHandle | undefined;
  #dashboard: YsfDashboard | undefined;
  #tick: ReturnType<typeof setInterval> | undefined;
  #loops: Promise<void>[] = [];
  #closed = false;
  #closing: Promise<void> | undefined;
  #pendingSends = 0;
  #maxPendingSends: number;
  #sendErrors = 0;
  #sendBacklogDrops = 0;
  #receiveErrors = 0;
  #log: Logger | undefined;
  #now: () => number;

  private constructor(options: YsfServerOptions, auxPorts: AuxPort[]) {
    this.#log = options.logger;
    this.#now = options.now ?? Date.now;
    this.#maxPendingSends = options.maxPendingSends ?? 20_000;
    this.startedAt = this.#now();
    const dashboard = options.http && options.dashboard !== false
      ? new YsfDashboard(() => this.core.snapshot(), {
        ...options.dashboard,
        now: this.#now,
        counters: () => this.core.counters,
        version: options.dashboard?.version ?? `shack ${VERSION}`,
      })
      : undefined;
    this.#dashboard = dashboard;
    const onEvent = options.onEvent;
    this.core = new YsfReflectorCore(
      { ...options.reflector, auxPorts, now: this.#now },
      {
        send: (data, to, via) => this.#send(data, to, via),
        ...(options.onFrame ? { frame: options.onFrame } : {}),
        event: dashboard === undefined ? onEvent : (event) => {
          dashboard.onEvent(event);
          onEvent?.(event);
        },
      },
    );
    this.metrics = this.#registry();
    dashboard?.registerMetrics(this.metrics);
  }

  /** Binds every socket, starts receiving, ticking and the HTTP port. */
  static async start(options: YsfServerOptions): Promise<YsfServer> {
    const bind = normaliseBind(options.bind ?? ["::"]);
    const plan: {
      endpoint: string;
      hostname: string;
      port: number;
      dgid?: number;
    }[] = [];
    for (const hostname of bind) {
      plan.push({ endpoint: `main@${hostname}`, hostname, port: options.port });
      for (const aux of options.auxPorts ?? []) {
        plan.push({
          endpoint: `aux${aux.port}@${hostname}`,
          hostname,
          port: aux.port,
          dgid: aux.dgid,
        });
      }
    }
    const conns: { info: YsfSocketInfo; conn: Deno.DatagramConn }[] = [];
    try {
      for (const p of plan) {
        const { conn, hostname } = bindUdp(
          p.hostname,
          p.port,
          options.bind === undefined,
        );
        const addr = conn.addr as Deno.NetAddr;
        const info: YsfSocketInfo = {
          endpoint: p.endpoint.replace(`@${p.hostname}`, `@${hostname}`),
          hostname,
          port: addr.port,
          ...(p.dgid !== undefined ? { dgid: p.dgid } : {}),
        };
        conns.push({ info, conn });
      }
    } catch (error) {
      for (const { conn } of conns) conn.close();
      throw error;
    }
    const auxPorts: AuxPort[] = [];
    for (const { info } of conns) {
      if (info.dgid === undefined) continue;
      const cfg = options.auxPorts?.find((a) =>
        a.dgid === info.dgid && (a.port === info.port || a.port === 0)
      );
      auxPorts.push({
        endpoint: info.endpoint,
        dgid: info.dgid,
        ...(cfg?.alias ? { alias: cfg.alias } : {}),
      });
    }
    const server = new YsfServer(options, auxPorts);
    for (const { info, conn } of conns) {
      server.#conns.set(info.endpoint, conn);
      server.#sockets.push(info);
      server.#loops.push(server.#receive(conn, info.endpoint));
      options.logger?.info("listening", {
        udp: `${fmtHost(info.hostname)}:${info.port}`,
        endpoint: info.endpoint,
      });
    }
    server.#tick = setInterval(() => server.#safeTick(), options.tickMs ?? 100);
    if (options.http) {
      try {
        server.#http = startHttpServer({
          hostname: options.http.hostname ?? "0.0.0.0",
          port: options.http.port,
          service: "ysf",
          handler: async (req) =>
            await server.#dashboard?.handle(req) ?? server.#api(req),
          routes: {
            healthz: () => server.health(),
            metrics: server.metrics,
          },
          shutdownDeadlineMs: 500,
          onError: (err, context) =>
            options.logger?.warn("http error", { context, error: err }),
        });
        options.logger?.info("http listening", {
          http: `${
            fmtHost(server.#http.addr.hostname)
          }:${server.#http.addr.port}`,
        });
      } catch (error) {
        await server.close();
        throw error;
      }
    }
    return server;
  }

  /** The bound sockets. */
  get sockets(): readonly YsfSocketInfo[] {
    return this.#sockets;
  }

  /** The HTTP port's address, when it runs. */
  get httpAddr(): Deno.NetAddr | undefined {
    return this.#http?.addr;
  }

  /** Send and receive failures, and sends dropped because too many were pending. */
  get ioCounters(): {
    sendErrors: number;
    sendBacklogDrops: number;
    receiveErrors: number;
    pendingSends: number;
  } {
    return {
      sendErrors: this.#sendErrors,
      sendBacklogDrops: this.#sendBacklogDrops,
      receiveErrors: this.#receiveErrors,
      pendingSends: this.#pendingSends,
    };
  }

  /** The `/healthz` report. */
  health() {
    const sizes = this.core.sizes;
    return {
      status: this.#closed ? "failing" as const : "ok" as const,
      service: "ysf",
      version: VERSION,
      uptimeSeconds: Math.round((this.#now() - this.startedAt) / 1000),
      checks: {
        sockets: {
          status: "ok" as const,
          message: `${this.#sockets.length} bound`,
          count: this.#sockets.length,
        },
        clients: {
          status: "ok" as const,
          message: `${sizes.clients} linked`,
          count: sizes.clients,
        },
      },
    };
  }

  /** Applies new options (SIGHUP); clients stay linked. */
  reload(options: ReloadableOptions): void {
    this.core.reload(options);
  }

  /**
   * Stops: no more datagrams are handled, sockets and the HTTP port close.
   * Resolves when every receive loop has ended.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    clearInterval(this.#tick);
    this.core.close();
    this.#closing = (async () => {
      for (const conn of this.#conns.values()) {
        try {
          conn.close();
        } catch {
          // already closed
        }
      }
      await Promise.all([
        ...this.#loops,
        this.#dashboard?.close(),
        this.#http ? this.#http.shutdown(500) : Promise.resolve(),
      ]);
    })();
    return this.#closing;
  }

  #safeTick(): void {
    try {
      this.core.tick();
    } catch (error) {
      this.#log?.error("tick failed", { error });
    }
  }

  async #receive(
    conn: Deno.DatagramConn,
    endpoint: LocalEndpointId,
  ): Promise<void> {
    // Without a buffer Deno allocates (and zeroes) a new 64 KiB one per
    // datagram: reusing one saves CPU per frame and keeps resident memory
    // from growing with every poll (bench/RESULTS.md, relay load). Same
    // size as Deno's own, so oversized datagrams are cut exactly as before.
    const buffer = new Uint8Array(RECEIVE_BUFFER_BYTES);
    let consecutiveErrors = 0;
    while (!this.#closed) {
      let received: [Uint8Array, Deno.Addr];
      try {
        received = await conn.receive(buffer);
      } catch (error) {
        if (this.#closed) return;
        this.#receiveErrors++;
        consecutiveErrors++;
        this.#log?.warn("receive failed", { endpoint, error });
        // Never spin on a socket that keeps failing.
        await new Promise((r) =>
          setTimeout(r, Math.min(1000, 10 * consecutiveErrors))
        );
        continue;
      }
      consecutiveErrors = 0;
      // The state machine may pass the datagram to asynchronous sends
      // (relays): it gets its own copy, the buffer is refilled next turn.
      const data = received[0].slice();
      const from = received[1] as Deno.NetAddr;
      try {
        this.core.handle(
          data,
          { address: from.hostname, port: from.port },
          endpoint,
        );
      } catch (error) {
        // The state machine counts its own drops; this is a bug guard only.
        this.#log?.error("handle failed", { endpoint, error });
      }
    }
  }

  #send(data: Uint8Array, to: Peer, via: LocalEndpointId): void {
    const conn = this.#conns.get(via);
    if (!conn || this.#closed) return;
    if (this.#pendingSends >= this.#maxPendingSends) {
      this.#sendBacklogDrops++;
      return;
    }
    this.#pendingSends++;
    // One reaction per send (not .catch().finally(): two promises more).
    conn.send(data, { transport: "udp", hostname: to.address, port: to.port })
      .then(this.#sent, this.#sendFailed);
  }

  readonly #sent = (): void => {
    this.#pendingSends--;
  };

  readonly #sendFailed = (): void => {
    this.#pendingSends--;
    this.#sendErrors++;
  };

  #api(req: Request): Response {
    const url = new URL(req.url);
    if (req.method !== "GET" && req.method !== "HEAD") {
      return new Response("Method Not Allowed\n", {
        status: 405,
        headers: { allow: "GET, HEAD" },
      });
    }
    const json = (body: unknown) =>
      new Response(JSON.stringify(body), {
        headers: {
          "content-type": "application/json; charset=utf-8",
          "cache-control": "no-store",
        },
      });
    switch (url.pathname) {
      case "/api/status":
        return json({
          ...this.core.snapshot(),
          sockets: this.#sockets,
          io: this.ioCounters,
        });
      case "/api/clients":
        return json(this.core.snapshot().clients);
      case "/api/rooms":
        return json(this.core.snapshot().rooms);
      case "/api/lastheard":
        return json(this.core.snapshot().lastHeard);
      default:
        return new Response("Not Found\n", { status: 404 });
    }
  }

  #registry(): Registry {
    const reg = new Registry({ prefix: "shack_ysf_" });
    const core = this.core;
    const byKey = <K extends string>(
      keys: readonly K[],
      label: string,
      values: Record<K, number>,
    ) => keys.map((k) => ({ labels: { [label]: k }, value: values[k] }));
    reg.counter({
      name: "datagrams_total",
      help: "Datagrams received",
      collect: () => core.counters.datagrams,
    });
    reg.counter({
      name: "packets_in_total",
      help: "Datagrams received, by parsed type",
      labelNames: ["type"],
      collect: () => byKey(PACKET_KINDS, "type", core.counters.packetsIn),
    });
    reg.counter({
      name: "packets_out_total",
      help: "Packets sent, by kind (each receiver counts)",
      labelNames: ["kind"],
      collect: () => byKey(OUT_KINDS, "kind", core.counters.packetsOut),
    });
    reg.counter({
      name: "drops_total",
      help: "Datagrams dropped, by reason",
      labelNames: ["reason"],
      collect: () => byKey(DROP_REASONS, "reason", core.counters.drops),
    });
    reg.counter({
      name: "blocked_streams_total",
      help: "Transmissions refused by the access rules, by reason",
      labelNames: ["reason"],
      collect: () =>
        byKey(BLOCK_REASONS, "reason", core.counters.blockedStreams),
    });
    reg.counter({
      name: "send_errors_total",
      help: "Sends the kernel refused",
      collect: () => this.#sendErrors,
    });
    reg.counter({
      name: "send_backlog_drops_total",
      help: "Sends dropped because too many were waiting for the kernel",
      collect: () => this.#sendBacklogDrops,
    });
    reg.counter({
      name: "receive_errors_total",
      help: "Failed socket receives",
      collect: () => this.#receiveErrors,
    });
    reg.gauge({
      name: "clients",
      help: "Linked clients",
      collect: () => core.sizes.clients,
    });
    reg.gauge({
      name: "streams",
      help: "Open streams",
      collect: () => core.sizes.streams,
    });
    reg.gauge({
      name: "rooms",
      help: "Rooms with listeners",
      collect: () => core.sizes.rooms,
    });
    reg.gauge({
      name: "temp_blocks",
      help: "Temporarily blocked callsigns",
      collect: () => core.sizes.tempBlocks,
    });
    reg.gauge({
      name: "pending_sends",
      help: "Sends waiting for the kernel",
      collect: () => this.#pendingSends,
    });
    return reg;
  }
}

function fmtHost(hostname: string): string {
  return hostname.includes(":") ? `[${hostname}]` : hostname;
}

/** Drops duplicates; `::` is dual-stack on Linux, so it covers `0.0.0.0`. */
function normaliseBind(bind: readonly string[]): string[] {
  const out = [...new Set(bind.map((b) => b.trim()).filter((b) => b !== ""))];
  if (out.includes("::") && out.includes("0.0.0.0")) {
    return out.filter((b) => b !== "0.0.0.0");
  }
  return out.length > 0 ? out : ["::"];
}

function bindUdp(
  hostname: string,
  port: number,
  fallbackToIpv4: boolean,
): { conn: Deno.DatagramConn; hostname: string } {
  try {
    return {
      conn: Deno.listenDatagram({ transport: "udp", hostname, port }),
      hostname,
    };
  } catch (error) {
    // A host with IPv6 disabled cannot bind "::"; the default then falls back to IPv4.
    if (
      fallbackToIpv4 && hostname === "::" &&
      !(error instanceof Deno.errors.AddrInUse)
    ) {
      return {
        conn: Deno.listenDatagram({
          transport: "udp",
          hostname: "0.0.0.0",
          port,
        }),
        hostname: "0.0.0.0",
      };
    }
    if (error instanceof Deno.errors.AddrInUse) {
      throw new Deno.errors.AddrInUse(
        `UDP ${fmtHost(hostname)}:${port} is already in use`,
      );
    }
    throw error;
  }
}
