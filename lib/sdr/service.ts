/**
 * `shack sdr serve` as a library: an {@link SdrServiceConfig} in, a running
 * WebSDR out — the sample source it names, the server with its DSP Worker,
 * markers.json reloads — and one `close()`.
 *
 * @module
 */

import type { Logger } from "../core/log.ts";
import type { SdrServiceConfig } from "./config/service_config.ts";
import { MarkersFile } from "./config/markers_file.ts";
import type { SampleSource } from "./sources/source.ts";
import { FileSource } from "./sources/file_source.ts";
import { RtlTcpSource } from "./sources/rtl_tcp_source.ts";
import { StdinSource } from "./sources/stdin_source.ts";
import { SyntheticSource } from "./sources/synthetic_source.ts";
import { SdrServer } from "./server/sdr_server.ts";
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

/** Options of {@link SdrService.start}. */
export interface SdrServiceOptions {
  /** Where service lines go. */
  logger: Logger;
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
  #log: Logger;
  #closing: Promise<void> | undefined;

  private constructor(
    server: SdrServer,
    markers: MarkersFile | undefined,
    log: Logger,
  ) {
    this.server = server;
    this.markers = markers;
    this.#log = log;
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
    const server = await SdrServer.start({
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
      limits: {
        audio: config.limits.audio,
        waterfall: config.limits.waterfall,
        events: config.limits.events,
        perIp: config.limits.perIp.sockets,
      },
      showOtherUsers: config.server.otherUsers,
      smeterOffset: input.smeterOffset,
      analogSmeterOffset: input.analogSmeterOffset,
      ...(config.listing.gridLocator
        ? { gridLocator: config.listing.gridLocator }
        : {}),
      ...(markers ? { markers: markers.json } : {}),
      logger: log,
    });
    log.info("websdr started", {
      http: `${server.addr.hostname}:${server.addr.port}`,
      source: input.source.kind,
      sps: input.sps,
      frequency: input.frequency,
      fft: input.fftSize,
      backend: server.backend,
    });
    const service = new SdrService(server, markers, log);
    if (
      config.listing.registerOnline && config.listing.registerUrls.length > 0
    ) {
      // PhantomSDR+'s listing body; a real-input band is half its sample rate wide.
      const bandwidth = input.signal === "real" ? input.sps / 2 : input.sps;
      const id = String(crypto.getRandomValues(new Uint32Array(1))[0]);
      service.#listing = new ListingRegistrar({
        urls: config.listing.registerUrls,
        body: () => ({
          id,
          name: config.listing.name,
          software: "shack",
          software_version: VERSION,
          version: VERSION,
          antenna: config.listing.antenna,
          bandwidth,
          users: server.stats().sockets.audio.clients,
          center_frequency: input.frequency,
          grid_locator: config.listing.gridLocator,
          hostname: config.listing.hostname,
          max_users: config.limits.audio,
          port: config.server.port,
        }),
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
      service.#listing.start();
      log.info("listing registration on", {
        urls: config.listing.registerUrls,
      });
    }
    return service;
  }

  /** SIGHUP: re-reads markers.json (served to clients that connect from now on). */
  async reload(): Promise<void> {
    if (this.markers && await this.markers.reloadNow()) {
      this.#log.info("markers reloaded", {
        count: this.markers.markers.length,
      });
    }
  }

  /** Stops the server, its Worker and the source. */
  close(): Promise<void> {
    this.#closing ??= Promise.all([this.#listing?.stop(), this.server.close()])
      .then(() => {});
    return this.#closing;
  }
}
