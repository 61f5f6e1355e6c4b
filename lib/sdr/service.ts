/**
 * `shack sdr serve` as a library: an {@link SdrServiceConfig} in, a running
 * WebSDR out — the sample source it names, the server with its DSP Worker,
 * chat, SDR-list registration, SIGHUP reloads — and one `close()`.
 *
 * SIGHUP ({@link SdrService.reload}) re-reads `markers.json` and the
 * configuration file, and applies without dropping anyone: the connection
 * limits (`[limits]`: audio, waterfall, events, the per-address caps, rate
 * and bans; open connections stay, new ones obey), `trust_forwarded_for`,
 * the chat settings (`chat_enabled`, `chat_masked_words`), the codec of new
 * listeners (`audio_compression`), and the station's description
 * (`[websdr]`: `/server-info.json`, the settings JSON's `grid_locator`, and
 * the SDR-list registration, re-sent at once with the new name, antenna,
 * …). Other changed settings are reported as needing a restart; a
 * configuration that does not load is reported and the running one kept.
 *
 * @module
 */

import type { Logger } from "../core/log.ts";
import type { SdrServiceConfig } from "./config/service_config.ts";
import { loadSdrConfig } from "./config/load_sdr_config.ts";
import { MarkersFile } from "./config/markers_file.ts";
import type { SampleSource } from "./sources/source.ts";
import { FileSource } from "./sources/file_source.ts";
import { RtlTcpSource } from "./sources/rtl_tcp_source.ts";
import { StdinSource } from "./sources/stdin_source.ts";
import { SyntheticSource } from "./sources/synthetic_source.ts";
import {
  SdrServer,
  type SdrServerOptions,
  type SdrServerReload,
} from "./server/sdr_server.ts";
import { ListingRegistrar } from "./listing.ts";
import { VERSION } from "../version.ts";

/**
 * The sample source a configuration names.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { defaultSdrServiceConfig } from "./config/service_config.ts";
 * import { sourceFromConfig } from "./service.ts";
 * equal(sourceFromConfig(defaultSdrServiceConfig()).kind, "synthetic");
 * ```
 */
export function sourceFromConfig(config: SdrServiceConfig): SampleSource {
  const input = config.input;
  const common = {
    format: input.format,
    signal: input.signal,
    sps: input.sps,
    frequency: input.frequency,
  };
  switch (input.source.kind) {
    case "synthetic":
      return new SyntheticSource({
        sps: input.sps,
        frequency: input.frequency,
        signal: input.signal,
      });
    case "stdin":
      return new StdinSource(common);
    case "file":
      return new FileSource({
        ...common,
        path: input.source.path,
        loop: input.source.loop,
      });
    case "rtl_tcp":
      return new RtlTcpSource({
        hostname: input.source.hostname,
        port: input.source.port,
        frequency: input.frequency,
        sps: input.sps,
      });
  }
}

/**
 * The reloadable parts of a configuration, as {@link SdrServer} options.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { defaultSdrServiceConfig } from "./config/service_config.ts";
 * import { reloadableOptions } from "./service.ts";
 *
 * const options = reloadableOptions(defaultSdrServiceConfig());
 * equal(options.limits?.audio, 1000);
 * equal(options.ipLimits?.sockets, 64);
 * equal(options.chatEnabled, true);
 * ```
 *
 * @param config The configuration.
 * @returns What {@link SdrServer.reload} takes.
 */
export function reloadableOptions(
  config: SdrServiceConfig,
): Required<SdrServerReload> {
  const { limits, listing } = config;
  return {
    // The per-address caps are the IP guard's (any path, listeners).
    limits: {
      audio: limits.audio,
      waterfall: limits.waterfall,
      events: limits.events,
      perIp: 0,
    },
    ipLimits: {
      sockets: limits.perIp.sockets,
      listeners: limits.perIp.listeners,
      connectionsPerMinute: limits.perIp.connectionsPerMinute,
      banAfter: limits.perIp.banAfter,
      banSeconds: limits.perIp.banSeconds,
    },
    trustForwardedFor: config.server.trustForwardedFor,
    chatEnabled: listing.chatEnabled,
    chatMaskedWords: config.chat.maskedWords,
    serverInfo: {
      serverName: listing.name,
      location: listing.gridLocator,
      operator: listing.operator,
      email: listing.email,
    },
    gridLocator: listing.gridLocator,
    audioCompression: config.input.audioCompression,
  };
}

/** Options of {@link SdrService.start}. */
export interface SdrServiceOptions {
  /** Where service lines go. */
  logger: Logger;
  /**
   * Re-reads the configuration on reload (SIGHUP). Default: the file the
   * configuration came from (`config.file`), read again; without a file
   * only markers.json reloads.
   */
  loadConfig?: () => Promise<SdrServiceConfig>;
}

/** Settings no command-line flag overrides that need a restart. */
function restartNeeded(
  running: SdrServiceConfig,
  next: SdrServiceConfig,
): string[] {
  const changed: string[] = [];
  const input = (c: SdrServiceConfig) => {
    const {
      source: _s,
      format: _f,
      sps: _r,
      frequency: _q,
      signal: _g,
      fftSize: _n,
      audioCompression: _a,
      ...rest
    } = c.input;
    return JSON.stringify(rest);
  };
  if (input(running) !== input(next)) changed.push("input");
  if (running.server.otherUsers !== next.server.otherUsers) {
    changed.push("otherusers");
  }
  if (running.markersFile !== next.markersFile) changed.push("markers file");
  if (running.chat.historyFile !== next.chat.historyFile) {
    changed.push("chat history file");
  }
  return changed;
}

/**
 * A running WebSDR.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Logger } from "../core/log.ts";
 * import { defaultSdrServiceConfig } from "./config/service_config.ts";
 * import { SdrService } from "./service.ts";
 * const config = defaultSdrServiceConfig();
 * config.server.bind = "127.0.0.1";
 * config.server.port = 0;
 * const service = await SdrService.start(config, { logger: new Logger({ sink: () => {} }) });
 * equal(service.server.addr.hostname, "127.0.0.1");
 * await service.close();
 * ```
 */
export class SdrService {
  readonly server: SdrServer;
  readonly markers: MarkersFile | undefined;
  #listing: ListingRegistrar | undefined;
  #listingId = String(crypto.getRandomValues(new Uint32Array(1))[0]);
  #config: SdrServiceConfig;
  #loadConfig: (() => Promise<SdrServiceConfig>) | undefined;
  #log: Logger;
  #reloading: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  private constructor(
    server: SdrServer,
    markers: MarkersFile | undefined,
    config: SdrServiceConfig,
    options: SdrServiceOptions,
  ) {
    this.server = server;
    this.markers = markers;
    this.#config = config;
    this.#log = options.logger;
    const file = config.file;
    this.#loadConfig = options.loadConfig ??
      (file !== undefined ? () => loadSdrConfig(file) : undefined);
  }

  /** The configuration in force (reloaded parts included). */
  get config(): SdrServiceConfig {
    return this.#config;
  }

  /** The SDR-list registrar, while `register_online` is on. */
  get listing(): ListingRegistrar | undefined {
    return this.#listing;
  }

  /** Opens the source and starts the server. */
  static async start(
    config: SdrServiceConfig,
    options: SdrServiceOptions,
  ): Promise<SdrService> {
    const log = options.logger;
    for (const note of config.notes) log.info("config note", { note });
    let markers: MarkersFile | undefined;
    if (config.markersFile) {
      markers = new MarkersFile(config.markersFile, {
        onWarning: (message) => log.warn("markers", { message }),
      });
      await markers.load();
    }
    const input = config.input;
    const reloadable = reloadableOptions(config);
    const serverOptions: SdrServerOptions = {
      source: sourceFromConfig(config),
      hostname: config.server.bind,
      port: config.server.port,
      fftSize: input.fftSize,
      audioSps: input.audioSps,
      waterfallSize: input.waterfallSize,
      brightnessOffset: input.brightnessOffset,
      defaultFrequency: input.defaults.frequency,
      defaultModulation: input.defaults.modulation,
      ...(config.server.htmlRoot ? { htmlRoot: config.server.htmlRoot } : {}),
      limits: reloadable.limits,
      ipLimits: reloadable.ipLimits,
      trustForwardedFor: reloadable.trustForwardedFor,
      audioCompression: input.audioCompression,
      chat: {
        enabled: reloadable.chatEnabled,
        maskedWords: reloadable.chatMaskedWords,
        ...(config.chat.historyFile
          ? { historyFile: config.chat.historyFile }
          : {}),
      },
      serverInfo: reloadable.serverInfo,
      showOtherUsers: config.server.otherUsers,
      smeterOffset: input.smeterOffset,
      analogSmeterOffset: input.analogSmeterOffset,
      ...(config.listing.gridLocator
        ? { gridLocator: config.listing.gridLocator }
        : {}),
      ...(markers ? { markers: markers.json } : {}),
      logger: log,
    };
    const server = await SdrServer.start(serverOptions);
    log.info("websdr started", {
      http: `${server.addr.hostname}:${server.addr.port}`,
      source: input.source.kind,
      sps: input.sps,
      frequency: input.frequency,
      fft: input.fftSize,
      backend: server.backend,
      audio: server.audioCompression,
      chat: server.chatEnabled,
    });
    const service = new SdrService(server, markers, config, options);
    service.#startListing();
    return service;
  }

  /** Starts the SDR-list registration if the configuration asks for it. */
  #startListing(): void {
    const config = this.#config;
    if (
      !config.listing.registerOnline || config.listing.registerUrls.length === 0
    ) return;
    const log = this.#log;
    const server = this.server;
    const input = config.input;
    // PhantomSDR+'s listing body; a real-input band is half its sample rate wide.
    const bandwidth = input.signal === "real" ? input.sps / 2 : input.sps;
    const id = this.#listingId;
    this.#listing = new ListingRegistrar({
      urls: config.listing.registerUrls,
      body: () => {
        const current = this.#config;
        return {
          id,
          name: current.listing.name,
          software: "shack",
          software_version: VERSION,
          version: VERSION,
          antenna: current.listing.antenna,
          bandwidth,
          users: server.stats().sockets.audio.clients,
          center_frequency: input.frequency,
          grid_locator: current.listing.gridLocator,
          hostname: current.listing.hostname,
          max_users: current.limits.audio,
          port: current.server.port,
        };
      },
      onResult: (url, r) => {
        if (!r.ok) {
          log.warn("listing update failed", {
            url,
            status: r.status,
            error: r.error,
            retryInS: Math.round(r.nextInMs / 1000),
          });
        }
      },
    });
    this.#listing.start();
    log.info("listing registration on", {
      urls: config.listing.registerUrls,
    });
  }

  /**
   * SIGHUP: re-reads markers.json and the configuration and applies what
   * can change while running (see the module documentation). Never
   * throws; problems are logged. Concurrent calls share one reload.
   */
  reload(): Promise<void> {
    this.#reloading ??= this.#reload().finally(() => {
      this.#reloading = undefined;
    });
    return this.#reloading;
  }

  async #reload(): Promise<void> {
    if (this.#closing) return;
    if (this.markers && await this.markers.reloadNow()) {
      try {
        this.server.setMarkers(this.markers.json);
        this.#log.info("markers reloaded", {
          count: this.markers.markers.length,
        });
      } catch (error) {
        this.#log.error("reload: markers refused", { error });
      }
    }
    if (this.#loadConfig === undefined) return;
    let next: SdrServiceConfig;
    try {
      next = await this.#loadConfig();
    } catch (error) {
      this.#log.error(
        "reload: configuration refused, keeping the running one",
        { error },
      );
      return;
    }
    if (this.#closing) return;
    const running = this.#config;
    const restart = restartNeeded(running, next);
    if (restart.length > 0) {
      this.#log.warn("reload: these settings need a restart", {
        settings: restart,
      });
    }
    try {
      this.server.reload(reloadableOptions(next));
    } catch (error) {
      this.#log.error(
        "reload: configuration refused, keeping the running one",
        { error },
      );
      return;
    }
    const listingChanged =
      JSON.stringify(next.listing) !== JSON.stringify(running.listing) ||
      next.limits.audio !== running.limits.audio;
    this.#config = {
      ...running,
      server: {
        ...running.server,
        trustForwardedFor: next.server.trustForwardedFor,
      },
      listing: next.listing,
      limits: next.limits,
      chat: { ...running.chat, maskedWords: next.chat.maskedWords },
      input: {
        ...running.input,
        audioCompression: next.input.audioCompression,
      },
    };
    if (listingChanged) {
      // Re-register at once with the new description (or stop).
      const previous = this.#listing;
      this.#listing = undefined;
      await previous?.stop();
      if (!this.#closing) this.#startListing();
    }
    this.#log.info("configuration reloaded", {
      audio: next.limits.audio,
      waterfall: next.limits.waterfall,
      events: next.limits.events,
      perIpSockets: next.limits.perIp.sockets,
      chat: next.listing.chatEnabled,
      listing: listingChanged ? "re-registered" : "unchanged",
    });
  }

  /** Stops the server, its Worker and the source. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#reloading?.catch(() => {});
      await Promise.all([this.#listing?.stop(), this.server.close()]);
    })();
    return this.#closing;
  }
}
