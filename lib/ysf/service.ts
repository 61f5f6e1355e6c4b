/**
 * `shack ysf reflect` as a library: a {@link YsfServiceConfig} in, a running
 * reflector out — sockets, room database, rule files with periodic and
 * SIGHUP reloads, event logging — and one `close()` that stops it all.
 *
 * @module
 */

import type { Logger } from "../core/log.ts";
import type { YsfServiceConfig } from "./config/service_config.ts";
import { toYsfReflectorOptions } from "./config/reflector_options.ts";
import type { ReflectorEvent } from "./reflector/events.ts";
import { YsfServer } from "./server.ts";
import { RoomMemoryFile } from "./stores/room_memory_file.ts";
import { RuleFiles } from "./stores/rule_files.ts";
import { JsonMonitor } from "./monitor/json_monitor.ts";
import { G4klxLogFile } from "./monitor/g4klx_log.ts";
import { VERSION } from "../version.ts";
import { BoundedMap } from "../core/bounded/bounded_map.ts";
import { AprsClient } from "./aprs/aprs_client.ts";
import { Vd2Collector } from "./aprs/vd2_collector.ts";

/** Options of {@link YsfService.start}. */
export interface YsfServiceOptions {
  /** Where service lines go. */
  logger: Logger;
  /** Re-reads the configuration on reload (SIGHUP); without it only rule files reload. */
  loadConfig?: () => Promise<YsfServiceConfig>;
  /** Also receives every reflector event (JSON monitor, dashboards, tests). */
  onEvent?: (event: ReflectorEvent) => void;
}

/** Resolves host names of IP/IPB deny rules (A and AAAA records). */
async function resolveHosts(
  hosts: readonly string[],
): Promise<ReadonlyMap<string, readonly string[]>> {
  const out = new Map<string, string[]>();
  await Promise.all(hosts.map(async (host) => {
    const found: string[] = [];
    for (const type of ["A", "AAAA"] as const) {
      try {
        found.push(
          ...await Deno.resolveDns(host, type, {
            signal: AbortSignal.timeout(5000),
          }),
        );
      } catch {
        // unresolvable now; the rule matches nothing until the next reload
      }
    }
    out.set(host, found);
  }));
  return out;
}

function logEvent(log: Logger, event: ReflectorEvent): void {
  switch (event.type) {
    case "client-linked":
      log.info("client linked", {
        call: event.client.callsign,
        peer: `${event.client.address}:${event.client.port}`,
        room: event.client.room,
        access: event.access,
      });
      break;
    case "client-unlinked":
      log.info(
        event.reason === "expired" ? "client expired" : "client unlinked",
        {
          call: event.client.callsign,
          peer: `${event.client.address}:${event.client.port}`,
        },
      );
      break;
    case "room-changed":
      log.info("room changed", {
        call: event.client.callsign,
        from: event.from,
        to: event.to,
        reason: event.reason,
      });
      break;
    case "stream-start":
      log.info("stream start", {
        id: event.stream.id,
        source: event.stream.source,
        destination: event.stream.destination,
        gateway: event.stream.gateway,
        room: event.stream.room,
      });
      break;
    case "stream-end":
      log.info("stream end", {
        id: event.stream.id,
        source: event.stream.source,
        reason: event.reason,
        seconds: Math.round(event.durationMs / 100) / 10,
        frames: event.frames,
      });
      break;
    case "blocked":
      log.warn("transmission blocked", {
        reason: event.reason,
        source: event.source,
        gateway: event.gateway,
      });
      break;
    case "dropped":
      log.debug("transmission dropped", {
        reason: event.reason,
        source: event.source,
        gateway: event.gateway,
        room: event.room,
      });
      break;
    case "temp-block-added":
      log.warn("temporary block", { block: event.block });
      break;
    case "temp-block-removed":
      log.info("temporary block lifted", {
        block: event.block,
        reason: event.reason,
      });
      break;
  }
}

/**
 * A running reflector service.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Logger } from "../core/log.ts";
 * import { defaultYsfConfig } from "./config/service_config.ts";
 * import { YsfService } from "./service.ts";
 * const config = defaultYsfConfig();
 * config.network = { bind: ["127.0.0.1"], port: 0, auxPorts: [] };
 * delete config.httpPort;
 * const service = await YsfService.start(config, { logger: new Logger({ sink: () => {} }) });
 * equal(service.server.sockets.length, 1);
 * await service.close();
 * ```
 */
export class YsfService {
  readonly server: YsfServer;
  #config: YsfServiceConfig;
  #rules: RuleFiles;
  #rooms: RoomMemoryFile | undefined;
  #ruleTimer: ReturnType<typeof setInterval> | undefined;
  #monitorTimer: ReturnType<typeof setInterval> | undefined;
  #monitor: JsonMonitor | undefined;
  #logFile: G4klxLogFile | undefined;
  #aprs: AprsClient | undefined;
  #log: Logger;
  #options: YsfServiceOptions;
  #closing: Promise<void> | undefined;

  private constructor(
    config: YsfServiceConfig,
    options: YsfServiceOptions,
    server: YsfServer,
    rules: RuleFiles,
    rooms: RoomMemoryFile | undefined,
  ) {
    this.#config = config;
    this.#options = options;
    this.#log = options.logger;
    this.server = server;
    this.#rules = rules;
    this.#rooms = rooms;
  }

  /** Opens the stores, binds the sockets and starts the timers. */
  static async start(
    config: YsfServiceConfig,
    options: YsfServiceOptions,
  ): Promise<YsfService> {
    const log = options.logger;
    for (const note of config.notes) log.info("config note", { note });
    const rules = new RuleFiles({
      ...(config.files.denyFile ? { denyFile: config.files.denyFile } : {}),
      ...(config.files.blockListFile
        ? { blockListFile: config.files.blockListFile }
        : {}),
      ...(config.files.homeFile ? { homeFile: config.files.homeFile } : {}),
      checkRe: config.files.checkRe,
      allowedDgids: config.reflector.dgidList,
      resolveHosts,
      onWarning: (message) => log.warn("rule file", { message }),
    });
    const state = await rules.load();
    const rooms = config.files.roomDatabase
      ? await RoomMemoryFile.open(config.files.roomDatabase, {
        capacity: config.files.roomDatabaseMaxEntries,
        onWarning: (message) => log.warn("room database", { message }),
      })
      : undefined;
    const reflector = toYsfReflectorOptions(config, {
      acl: state.acl,
      homeEntries: state.homeEntries,
      ...(rooms ? { roomMemory: rooms } : {}),
    });
    let monitor: JsonMonitor | undefined;
    let logFile: G4klxLogFile | undefined;
    let aprs: AprsClient | undefined;
    // APRS and the JSON monitor's stream_id01..04: one data-channel
    // collector per open stream (bounded like the streams).
    const collectors = new BoundedMap<number, Vd2Collector>({
      capacity: config.reflector.maxStreams,
    });
    const vd2Event = (event: ReflectorEvent) => {
      if (!aprs && !monitor) return;
      if (event.type === "stream-start") {
        collectors.set(event.stream.id, new Vd2Collector());
      } else if (event.type === "stream-end") {
        const collector = collectors.peek(event.stream.id);
        collectors.delete(event.stream.id);
        const position = collector?.position;
        if (!aprs) return;
        // As pYSFReflector3: only transmissions that ended properly are reported.
        if (
          position &&
          (event.reason === "terminator" || event.reason === "end-flag")
        ) {
          const result = aprs.submit({
            source: event.stream.source,
            latitude: position.latitude,
            longitude: position.longitude,
            ...(collector?.radioCode !== undefined
              ? { radioCode: collector.radioCode }
              : {}),
          });
          log.debug("aprs position", { source: event.stream.source, result });
        }
      }
    };
    let server: YsfServer;
    try {
      server = await YsfServer.start({
        reflector,
        bind: config.network.bind,
        port: config.network.port,
        auxPorts: config.network.auxPorts,
        ...(config.httpPort !== undefined
          ? {
            http: {
              hostname: config.httpBind ??
                (config.network.bind.length === 1
                  ? config.network.bind[0]
                  : "::"),
              port: config.httpPort,
            },
          }
          : {}),
        logger: log,
        onFrame: (streamId, datagram) => {
          const changes = collectors.peek(streamId)?.push(datagram);
          if (changes === undefined || monitor === undefined) return;
          for (const change of changes) monitor.publishVd2(streamId, change);
        },
        onEvent: (event) => {
          logEvent(log, event);
          vd2Event(event);
          monitor?.publish(event);
          logFile?.writeEvent(event);
          options.onEvent?.(event);
        },
      });
    } catch (error) {
      await rooms?.close();
      throw error;
    }
    const snapshot = () => server.core.snapshot();
    try {
      if (config.monitor.enabled) {
        monitor = JsonMonitor.start({
          bind: config.monitor.bind,
          port: config.monitor.port,
          snapshot,
          logger: log,
          system: {
            name: config.reflector.name,
            description: config.reflector.description,
            statusId: snapshot().statusId,
            version: VERSION,
            aprsEnabled: config.aprs.enabled,
            aprsSsid: config.aprs.ssid,
            contact: config.contact,
            web: config.web,
            localDgid: config.reflector.localDgid,
            defaultDgid: config.reflector.defaultDgid,
            dgidList: config.reflector.dgidList,
          },
        });
        monitor.registerMetrics(server.metrics);
        log.info("json monitor listening", {
          udp: `${config.monitor.bind}:${monitor.addr.port}`,
        });
      }
      if (config.aprs.enabled) {
        aprs = new AprsClient({
          server: config.aprs.server,
          port: config.aprs.port,
          reflectorId: Number(snapshot().statusId),
          ssid: config.aprs.ssid,
          onEvent: (e) => log.debug("aprs", { event: e.type }),
        });
        aprs.start();
        log.info("aprs enabled", {
          server: `${config.aprs.server}:${config.aprs.port}`,
        });
      }
      if (config.g4klxLog) {
        logFile = new G4klxLogFile({
          filePath: config.g4klxLog.filePath,
          fileRoot: config.g4klxLog.fileRoot,
          fileRotate: config.g4klxLog.fileRotate,
          style: config.format === "pysfreflector" ? "pysf3" : "g4klx",
          snapshot,
          clientExpirySeconds: config.reflector.clientExpiryMs / 1000,
          ...(monitor ? { streamIdSalt: monitor.streamIdSalt } : {}),
          onError: (error, path) => log.warn("log file", { path, error }),
        });
        logFile.writeStart(VERSION);
        logFile.registerMetrics(server.metrics);
      }
    } catch (error) {
      await aprs?.close();
      await monitor?.close();
      await logFile?.close();
      await server.close();
      await rooms?.close();
      throw error;
    }
    const service = new YsfService(config, options, server, rules, rooms);
    service.#monitor = monitor;
    service.#logFile = logFile;
    service.#aprs = aprs;
    if (monitor || logFile) {
      service.#monitorTimer = setInterval(() => {
        monitor?.tick();
        logFile?.tick();
      }, 1000);
    }
    if (config.files.reloadMinutes > 0) {
      service.#ruleTimer = setInterval(
        () => void service.#checkRules(),
        config.files.reloadMinutes * 60_000,
      );
    }
    log.info("reflector started", {
      name: config.reflector.name,
      id: server.core.snapshot().statusId,
      mode: config.reflector.mode,
      config: config.format,
    });
    return service;
  }

  /** The configuration in force. */
  get config(): YsfServiceConfig {
    return this.#config;
  }

  /** The JSON monitor feed, when `[monitor]` is enabled. */
  get monitor(): JsonMonitor | undefined {
    return this.#monitor;
  }

  async #checkRules(): Promise<void> {
    try {
      const update = await this.#rules.checkForChanges();
      if (update) {
        this.server.reload(update.options);
        this.#log.info("rule files reloaded", { changed: update.changed });
      }
    } catch (error) {
      this.#log.warn("rule file check failed", { error });
    }
  }

  /**
   * SIGHUP: re-reads the rule files and, when a loader was given, the
   * configuration, and applies both without unlinking anyone. Settings that
   * need new sockets (ports, addresses, mode) are reported and kept.
   * A bad configuration is logged and the running one kept.
   */
  async reload(): Promise<void> {
    const update = await this.#rules.reloadNow();
    if (this.#options.loadConfig) {
      let next: YsfServiceConfig;
      try {
        next = await this.#options.loadConfig();
      } catch (error) {
        this.#log.error(
          "reload: configuration refused, keeping the running one",
          { error },
        );
        this.server.reload(update.options);
        return;
      }
      const restart: string[] = [];
      if (next.reflector.mode !== this.#config.reflector.mode) {
        restart.push("mode");
      }
      if (
        JSON.stringify(next.network) !== JSON.stringify(this.#config.network)
      ) restart.push("network");
      if (next.httpPort !== this.#config.httpPort) restart.push("http port");
      if (next.httpBind !== this.#config.httpBind) restart.push("http bind");
      if (restart.length > 0) {
        this.#log.warn("reload: these settings need a restart", {
          settings: restart,
        });
      }
      const { mode: _mode, now: _now, ...reloadable } = toYsfReflectorOptions(
        next,
        {
          acl: this.#rules.acl,
          homeEntries: this.#rules.homeEntries,
          ...(this.#rooms ? { roomMemory: this.#rooms } : {}),
        },
      );
      this.server.reload(reloadable);
      this.#config = {
        ...next,
        network: this.#config.network,
        httpPort: this.#config.httpPort,
        httpBind: this.#config.httpBind,
      };
      this.#log.info("configuration reloaded", { changed: update.changed });
    } else {
      this.server.reload(update.options);
      this.#log.info("rule files reloaded", { changed: update.changed });
    }
  }

  /** Stops the sockets and timers and writes the room database. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#ruleTimer);
      clearInterval(this.#monitorTimer);
      await this.server.close();
      await Promise.all([
        this.#aprs?.close(),
        this.#monitor?.close(),
        this.#logFile?.close(),
        this.#rooms?.close(),
      ]);
    })();
    return this.#closing;
  }
}
