/**
 * `BridgeService`: `shack bridge serve` put together — the SQLite store in
 * `data_dir` (channels, mappings, guide, settings, session history, the
 * stable DeviceID and API token), the playlist import and lineup, the
 * background XMLTV import and the `/xmltv.xml` export keyed by
 * GuideNumber, the refresh schedules, the HDHomeRun server
 * ({@link BridgeServer}) with the management API and dashboard
 * ({@link BridgeApi}) mounted on it, SIGHUP reload, and a `close()` that
 * finishes within 1 s with streams connected.
 *
 * Routes on the one HTTP port: `/healthz`, `/metrics`, `/` (redirects to
 * `/dashboard/`), `/xmltv.xml` (also `/epg.xml`, `/guide.xml`), `/api/*`,
 * `/dashboard/*`, then the HDHomeRun API (`/discover.json`,
 * `/lineup.json`, `/auto/v<N>`, …).
 *
 * @module
 */

import type { Logger } from "../core/log.ts";
import type { HealthCheck } from "../core/http/health.ts";
import { VERSION } from "../version.ts";
import { type ApiRequestInfo, BridgeApi } from "./api/bridge_api.ts";
import {
  announceDashboard,
  type ApiToken,
  ensureApiToken,
} from "./api/api_token.ts";
import type { LogRing } from "./api/log_ring.ts";
import type { Channel } from "./channel.ts";
import { type BridgeConfig, epgSourceId, playlistSourceId } from "./config.ts";
import { generateDeviceId, isValidDeviceId } from "./hdhr/device_id.ts";
import { buildLineup, type LineupSource } from "./lineup/build_lineup.ts";
import type { LineupFilter } from "./lineup/channel_filter.ts";
import { Lineup } from "./lineup/lineup.ts";
import { loadPlaylists, type PlaylistSource } from "./lineup/load_playlists.ts";
import {
  type RefreshResult,
  RefreshScheduler,
} from "./lineup/refresh_scheduler.ts";
import { fetchPlaylist, redactLocation } from "./m3u/fetch_playlist.ts";
import type { M3uEntry } from "./m3u/m3u_entry.ts";
import { BridgeServer, type BridgeServerOptions } from "./server.ts";
import type { SessionRecord } from "./session/session.ts";
import type { SsdpResponderOptions } from "./ssdp/ssdp_responder.ts";
import type { HdhrDiscoverResponderOptions } from "./ssdp/hdhr_discover_responder.ts";
import { BridgeStore } from "./store/bridge_store.ts";
import { type GuideData, mergeGuide } from "./xmltv/merge_guide.ts";
import { type ProgressOutput, renderProgress } from "./xmltv/progress.ts";
import { xmltvChunks } from "./xmltv/write_xmltv.ts";
import { parseXmltv } from "./xmltv/xmltv_parser.ts";
import type { XmltvProgramme } from "./xmltv/xmltv_guide.ts";
import { settlesWithin } from "../core/settles_within.ts";

/** The settings key of the DeviceID (8 hex digits with a valid check digit). */
const DEVICE_ID_SETTING = "device.id";
/** The SQLite file inside `data_dir`. */
export const BRIDGE_DATABASE_FILE = "bridge.sqlite";
/** Paths that serve the XMLTV guide. */
const GUIDE_PATHS = new Set(["/xmltv.xml", "/epg.xml", "/guide.xml"]);
/** Settings that only take effect after a restart. */
const RESTART_KEYS = [
  "bind",
  "port",
  "tuners",
  "data_dir",
  "advertise_url",
  "ssdp",
  "hdhr_discovery",
  "ffmpeg",
  "share_upstreams",
  "api_token",
  "friendly_name",
] as const;
const HOUR_MS = 3_600_000;
const GUIDE_PAST_MS = 12 * HOUR_MS;
const GUIDE_FUTURE_MS = 14 * 24 * HOUR_MS;
const encoder = new TextEncoder();

/**
 * Options of {@link BridgeService.start}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Logger } from "../core/log.ts";
 * import type { BridgeServiceOptions } from "./service.ts";
 *
 * const options: BridgeServiceOptions = { logger: new Logger({ sink: () => {} }) };
 * equal(options.loadConfig, undefined);
 * ```
 */
export interface BridgeServiceOptions {
  /** Where the service logs. */
  logger: Logger;
  /** Re-reads the configuration on SIGHUP; absent: reload only refreshes the sources. */
  loadConfig?: () => Promise<BridgeConfig>;
  /** The logger's lines, for `/api/log` and the dashboard. */
  logRing?: LogRing;
  /** Where import progress lines go (only on a terminal). Default stderr. */
  progress?: ProgressOutput;
  /** Wall clock, ms since the epoch (guide windows, refresh times). Default `Date.now`. */
  now?: () => number;
  /** The fetch used for playlists and guides. Default `fetch`. */
  fetch?: typeof fetch;
  /** SSDP socket settings (tests bind port 0); used when `ssdp` is on. */
  ssdpSocket?: Omit<SsdpResponderOptions, "uuid" | "location" | "logger">;
  /** UDP 65001 socket settings (tests bind port 0); used when `hdhr_discovery` is on. */
  discoverySocket?: Omit<
    HdhrDiscoverResponderOptions,
    "deviceId" | "tunerCount" | "baseUrl" | "logger"
  >;
  /** Stream settings passed to the server (tests shorten watchdogs). */
  stream?: BridgeServerOptions["stream"];
}

/**
 * The figures of the imports, for `/metrics` and `/healthz`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ImportStats } from "./service.ts";
 *
 * const stats: ImportStats = { ok: 1, failed: 0, lastSeconds: 0.2, items: 40 };
 * equal(stats.items, 40);
 * ```
 */
export interface ImportStats {
  /** Refreshes that succeeded. */
  ok: number;
  /** Refreshes that failed. */
  failed: number;
  /** Duration of the last refresh, seconds. */
  lastSeconds: number;
  /** Items of the last refresh (channels or programmes). */
  items: number;
  /** When the last refresh ended, ms since the epoch. */
  lastAt?: number;
  /** When the last successful refresh ended, ms since the epoch. */
  lastSuccessAt?: number;
  /** The last error message. */
  lastError?: string;
}

/**
 * The result of {@link BridgeService.reload}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { BridgeReloadReport } from "./service.ts";
 *
 * const report: BridgeReloadReport = { applied: true, needRestart: ["port"] };
 * equal(report.needRestart[0], "port");
 * ```
 */
export interface BridgeReloadReport {
  /** Whether a new configuration was read and applied. */
  applied: boolean;
  /** Changed settings that wait for a restart. */
  needRestart: string[];
}

/** Whether an address is loopback only (the API then needs no token). */
function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\./.test(h);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The stored DeviceID, or a new one (kept in the store from then on). */
function resolveDeviceId(store: BridgeStore): string {
  const stored = store.getSetting(DEVICE_ID_SETTING);
  if (stored !== undefined && isValidDeviceId(stored)) {
    return stored.toUpperCase();
  }
  const id = generateDeviceId();
  store.setSetting(DEVICE_ID_SETTING, id);
  return id;
}

function playlistFilter(
  p: BridgeConfig["playlists"][number],
): LineupFilter | undefined {
  const filter: LineupFilter = {};
  if (p.include_groups) filter.includeGroups = p.include_groups;
  if (p.exclude_groups) filter.excludeGroups = p.exclude_groups;
  if (p.include_names) filter.includeNames = p.include_names;
  if (p.exclude_names) filter.excludeNames = p.exclude_names;
  if (p.include_tvg_ids) filter.includeTvgIds = p.include_tvg_ids;
  if (p.exclude_tvg_ids) filter.excludeTvgIds = p.exclude_tvg_ids;
  return Object.keys(filter).length > 0 ? filter : undefined;
}

function playlistHeaders(
  p: BridgeConfig["playlists"][number],
): Record<string, string> {
  const headers: Record<string, string> = {};
  if (p.user_agent) headers["User-Agent"] = p.user_agent;
  if (p.referrer) headers["Referer"] = p.referrer;
  return headers;
}

/** A stored channel as a playlist entry (when its playlist cannot be read). */
function entryOf(channel: Channel, sourceId: string): M3uEntry {
  const entry: M3uEntry = {
    sourceId,
    line: 0,
    duration: -1,
    name: channel.name,
    url: channel.url,
    attributes: {},
    headers: { ...channel.headers },
    vlcOptions: {},
    kodiProps: {},
  };
  if (channel.tvgId !== undefined) entry.tvgId = channel.tvgId;
  if (channel.logo !== undefined) entry.tvgLogo = channel.logo;
  if (channel.group !== undefined) entry.group = channel.group;
  return entry;
}

/**
 * A running `shack bridge serve`.
 *
 * @example Serve a one-channel playlist on loopback, then stop
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Logger } from "../core/log.ts";
 * import { parse } from "../core/config/schema.ts";
 * import { bridgeConfigSchema } from "./config.ts";
 * import { BridgeService } from "./service.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/tv.m3u`, "#EXTM3U\n#EXTINF:-1,News\nhttp://192.0.2.1/news.ts\n");
 * const config = parse(bridgeConfigSchema, {
 *   bind: "127.0.0.1", port: 0, ssdp: false, data_dir: `${dir}/data`,
 *   playlists: [{ url: `${dir}/tv.m3u` }],
 * });
 * const service = await BridgeService.start(config, { logger: new Logger({ sink: () => {} }) });
 * const base = `http://127.0.0.1:${service.server.addr.port}`;
 * const lineup = await (await fetch(`${base}/lineup.json`)).json();
 * equal(lineup[0].GuideName, "News");
 * await service.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class BridgeService {
  /** The database. */
  readonly store: BridgeStore;
  /** The live lineup. */
  readonly lineup: Lineup;
  /** The DeviceID (the same in discover.json, device.xml and SSDP). */
  readonly deviceId: string;
  /** The API token. */
  readonly token: ApiToken;
  /** Playlist import figures. */
  readonly playlistStats: ImportStats = {
    ok: 0,
    failed: 0,
    lastSeconds: 0,
    items: 0,
  };
  /** Guide import figures. */
  readonly guideStats: ImportStats = {
    ok: 0,
    failed: 0,
    lastSeconds: 0,
    items: 0,
  };
  #config: BridgeConfig;
  readonly #options: BridgeServiceOptions;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #abort = new AbortController();
  /** Last good entries per playlist (at most 64 playlists, each capped by the parser). */
  readonly #entries = new Map<string, readonly M3uEntry[]>();
  #inputs: LineupSource[] = [];
  #server: BridgeServer | undefined;
  #api: BridgeApi | undefined;
  #playlists: RefreshScheduler | undefined;
  #guides: RefreshScheduler | undefined;
  #guideVersion = 0;
  #guideCache:
    | { key: string; programmes: Map<string, XmltvProgramme[]> }
    | undefined;
  #firstGuide = Promise.withResolvers<void>();
  #closing: Promise<void> | undefined;
  #lastReload: BridgeReloadReport | undefined;

  private constructor(
    config: BridgeConfig,
    options: BridgeServiceOptions,
    store: BridgeStore,
  ) {
    this.#config = config;
    this.#options = options;
    this.#log = options.logger;
    this.#now = options.now ?? Date.now;
    this.store = store;
    this.deviceId = resolveDeviceId(store);
    this.token = ensureApiToken(store, config.api_token);
    let stored: Channel[] = [];
    try {
      stored = store.allChannels();
      this.lineup = new Lineup(stored);
    } catch {
      this.lineup = new Lineup();
    }
  }

  /**
   * Opens the store, imports the playlists (the stored lineup is served
   * when they cannot be read), starts the HTTP port, discovery, the API
   * and the refresh schedules; the guide is imported in the background.
   *
   * @param config The validated `[bridge]` table.
   * @param options Logger, reload and test hooks.
   * @returns The running service.
   * @throws {Deno.errors.AddrInUse} If the port is taken.
   */
  static async start(
    config: BridgeConfig,
    options: BridgeServiceOptions,
  ): Promise<BridgeService> {
    await Deno.mkdir(config.data_dir, { recursive: true });
    const store = new BridgeStore(
      `${config.data_dir.replace(/\/+$/, "")}/${BRIDGE_DATABASE_FILE}`,
    );
    let service: BridgeService;
    try {
      service = new BridgeService(config, options, store);
    } catch (error) {
      store.close();
      throw error;
    }
    try {
      await service.#start();
    } catch (error) {
      await service.close();
      throw error;
    }
    return service;
  }

  /** The HDHomeRun server (HTTP port, sessions, proxy, discovery). */
  get server(): BridgeServer {
    if (this.#server === undefined) {
      throw new Error("Expected a started bridge, found none");
    }
    return this.#server;
  }

  /** The management API. */
  get api(): BridgeApi {
    if (this.#api === undefined) {
      throw new Error("Expected a started bridge, found none");
    }
    return this.#api;
  }

  /** The configuration in effect. */
  get config(): BridgeConfig {
    return this.#config;
  }

  /** Resolves once the first guide import has finished (or failed). */
  get guideImported(): Promise<void> {
    return this.#firstGuide.promise;
  }

  async #start(): Promise<void> {
    const config = this.#config;
    const log = this.#log;
    this.#syncSources();
    if (config.playlists.length === 0) {
      log.warn(
        "no playlists configured: add [[bridge.playlists]] or --playlist; serving the stored lineup",
        { channels: this.lineup.all().length },
      );
    }
    // The first import happens before the port opens, so Plex never sees
    // an empty lineup; when it fails the stored lineup is served.
    let firstOk = true;
    if (config.playlists.some((p) => p.enabled)) {
      try {
        await this.#refreshPlaylists(this.#abort.signal);
      } catch (error) {
        firstOk = false;
        log.warn("playlist import failed, serving the stored lineup", {
          error: message(error),
          channels: this.lineup.all().length,
        });
      }
    }

    const requireToken = !isLoopback(config.bind);
    const serverOptions = (discovery: boolean): BridgeServerOptions => ({
      channels: this.lineup,
      deviceId: this.deviceId,
      tunerCount: config.tuners,
      device: { friendlyName: config.friendly_name },
      hostname: config.bind,
      port: config.port,
      ...(config.advertise_url !== undefined
        ? { advertisedUrl: config.advertise_url }
        : {}),
      stream: {
        ffmpegPath: config.ffmpeg === "" ? false : config.ffmpeg,
        share: config.share_upstreams,
        ...this.#options.stream,
      },
      ssdp: discovery && config.ssdp ? (this.#options.ssdpSocket ?? {}) : false,
      hdhrDiscovery: discovery && config.hdhr_discovery
        ? (this.#options.discoverySocket ?? {})
        : false,
      routes: (request, info) => this.#route(request, info),
      onSessionChange: (record) => this.#onSessionChange(record),
      healthChecks: () => this.#healthChecks(),
      logger: log,
    });
    try {
      this.#server = await BridgeServer.start(serverOptions(true));
    } catch (error) {
      if (
        (!config.ssdp && !config.hdhr_discovery) ||
        error instanceof Deno.errors.AddrInUse &&
          !/\b(1900|65001)\b/.test(String(error))
      ) {
        throw error;
      }
      // The HTTP port works but a discovery socket does not: serve anyway,
      // clients can add the tuner by address.
      log.warn("discovery disabled: its socket could not be opened", {
        error: message(error),
      });
      this.#server = await BridgeServer.start(serverOptions(false));
    }
    this.#api = new BridgeApi({
      sessions: this.#server.sessions,
      store: this.store,
      lineup: this.lineup,
      rebuildLineup: () => this.#rebuild(),
      refreshSources: () => this.refresh(),
      token: this.token.token,
      requireToken,
      ...(this.#options.logRing ? { log: this.#options.logRing } : {}),
      logger: log,
      version: VERSION,
    });
    this.#registerMetrics();

    announceDashboard(log, {
      baseUrl: this.#server.baseUrl,
      token: this.token,
      requireToken,
    });
    log.info("bridge ready", {
      deviceId: this.deviceId,
      channels: this.lineup.channels().length,
      lineup: `${this.#server.baseUrl}/lineup.json`,
      guide: `${this.#server.baseUrl}/xmltv.xml`,
    });
    this.#startSchedules(firstOk);
  }

  #startSchedules(playlistsOk: boolean): void {
    const config = this.#config;
    const playlistMs = config.refresh_minutes * 60_000;
    this.#playlists = new RefreshScheduler({
      intervalMs: playlistMs,
      initialDelayMs: playlistsOk ? playlistMs : Math.min(30_000, playlistMs),
      timeoutMs: 10 * 60_000,
      run: (signal) => this.#refreshPlaylists(signal),
      onResult: (result) => this.#logResult("playlist", result),
    });
    const guideMs = config.epg_refresh_minutes * 60_000;
    this.#guides = new RefreshScheduler({
      intervalMs: guideMs,
      initialDelayMs: 0,
      timeoutMs: 15 * 60_000,
      run: (signal) => this.#refreshGuides(signal),
      onResult: (result) => {
        this.#logResult("guide", result);
        this.#firstGuide.resolve();
      },
    });
    if (config.playlists.some((p) => p.enabled)) this.#playlists.start();
    if (config.epg.some((e) => e.enabled)) this.#guides.start();
    else this.#firstGuide.resolve();
  }

  #logResult(what: string, result: RefreshResult): void {
    if (result.ok || this.#abort.signal.aborted) return;
    this.#log.warn(`${what} refresh failed`, {
      error: message(result.error),
      failures: result.consecutiveFailures,
      ...(result.nextRunAt !== undefined
        ? { retryInSeconds: Math.round((result.nextRunAt - Date.now()) / 1000) }
        : {}),
    });
  }

  /** Writes the configured sources to the store and drops the others. */
  #syncSources(): void {
    const config = this.#config;
    const wanted = new Set<string>();
    this.store.transaction(() => {
      config.playlists.forEach((p, index) => {
        const id = playlistSourceId(p, index);
        wanted.add(id);
        this.store.putSource({
          id,
          kind: "m3u",
          location: p.url,
          enabled: p.enabled,
          options: {
            ...(p.start_number !== undefined
              ? { startNumber: p.start_number }
              : {}),
            ...(playlistFilter(p) ? { filter: playlistFilter(p) } : {}),
          },
          position: index,
        });
      });
      config.epg.forEach((e, index) => {
        const id = epgSourceId(e, index);
        wanted.add(id);
        this.store.putSource({
          id,
          kind: "xmltv",
          location: e.url,
          enabled: e.enabled,
          options: {},
          position: 1000 + index,
        });
      });
      for (const source of this.store.sources()) {
        if (!wanted.has(source.id)) this.store.deleteSource(source.id);
      }
    });
    for (const id of [...this.#entries.keys()]) {
      if (!wanted.has(id)) this.#entries.delete(id);
    }
  }

  /** Imports every enabled playlist and rebuilds the lineup. */
  async #refreshPlaylists(signal: AbortSignal): Promise<void> {
    const config = this.#config;
    const started = performance.now();
    const sources: PlaylistSource[] = [];
    const headersOf = new Map<string, Record<string, string>>();
    const previous = new Map(this.#entries);
    const stored = this.store.allChannels();
    config.playlists.forEach((p, index) => {
      if (!p.enabled) return;
      const sourceId = playlistSourceId(p, index);
      const headers = playlistHeaders(p);
      headersOf.set(sourceId, headers);
      const source: PlaylistSource = { sourceId, location: p.url, headers };
      if (p.start_number !== undefined) source.startNumber = p.start_number;
      const filter = playlistFilter(p);
      if (filter) source.filter = filter;
      sources.push(source);
      if (!previous.has(sourceId)) {
        const kept = stored.filter((c) => c.sourceId === sourceId);
        if (kept.length > 0) {
          previous.set(sourceId, kept.map((c) => entryOf(c, sourceId)));
        }
      }
    });
    const shown = new Set<string>();
    const output = this.#options.progress;
    const { sources: inputs, loads } = await loadPlaylists(sources, {
      previous,
      signal,
      ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
      onProgress: (sourceId, progress) => {
        if (!progress.done) shown.add(sourceId);
        else if (!shown.has(sourceId)) return;
        renderProgress(
          {
            bytes: progress.bytes,
            entries: progress.entries,
            done: progress.done,
          },
          { label: `playlist ${sourceId}`, ...(output ? { output } : {}) },
        );
      },
    });
    const at = this.#now();
    let failed = 0;
    let entries = 0;
    for (const load of loads) {
      if (load.ok) {
        this.#entries.set(load.sourceId, load.entries);
        entries += load.entries.length;
        for (const warning of load.warnings.slice(0, 5)) {
          this.#log.warn("playlist", { source: load.sourceId, warning });
        }
      } else {
        failed++;
        this.#log.warn("playlist could not be read", {
          source: load.sourceId,
          error: message(load.error),
          kept: load.entries.length,
        });
      }
      this.#record(load.sourceId, {
        at,
        ok: load.ok,
        ...(load.ok
          ? { itemCount: load.entries.length }
          : { error: message(load.error) }),
      });
    }
    this.#inputs = inputs.map((input) => {
      const headers = headersOf.get(input.sourceId) ?? {};
      if (Object.keys(headers).length === 0) return input;
      return {
        ...input,
        entries: input.entries.map((entry) => ({
          ...entry,
          headers: { ...headers, ...entry.headers },
        })),
      };
    });
    await this.#rebuild();
    const stats = this.playlistStats;
    stats.lastSeconds = (performance.now() - started) / 1000;
    stats.lastAt = at;
    stats.items = this.lineup.all().length;
    if (failed > 0 && failed === loads.length) {
      stats.failed++;
      stats.lastError = message(loads[0].error);
      throw new Error(
        `Expected the playlists to be readable, found ${failed} of ${loads.length} failing: ${stats.lastError}`,
      );
    }
    stats.ok++;
    stats.lastSuccessAt = at;
    delete stats.lastError;
    this.#log.info("lineup updated", {
      entries,
      channels: this.lineup.all().length,
      enabled: this.lineup.channels().length,
      failedSources: failed,
      seconds: Math.round(stats.lastSeconds * 100) / 100,
    });
  }

  /** Rebuilds the lineup from the last entries and the stored mappings. */
  #rebuild(): void {
    const build = buildLineup(this.#inputs, {
      mappings: this.store.mappings(),
      previous: this.lineup.all(),
    });
    for (const warning of build.warnings.slice(0, 10)) {
      this.#log.warn("lineup", { warning });
    }
    this.lineup.replace(build.channels);
    this.store.replaceChannels(build.channels);
    this.#guideCache = undefined;
  }

  #record(
    id: string,
    refresh: { at: number; ok: boolean; error?: string; itemCount?: number },
  ): void {
    try {
      this.store.recordRefresh(id, refresh);
    } catch {
      // The store is closing: the result is lost, nothing else.
    }
  }

  /** Imports every enabled guide into the store. */
  async #refreshGuides(signal: AbortSignal): Promise<void> {
    const config = this.#config;
    const started = performance.now();
    const output = this.#options.progress;
    let programmes = 0;
    let failed = 0;
    let total = 0;
    let lastError = "";
    for (const [index, epg] of config.epg.entries()) {
      if (!epg.enabled) continue;
      total++;
      signal.throwIfAborted();
      const sourceId = epgSourceId(epg, index);
      const now = this.#now();
      let shown = false;
      try {
        const stream = await fetchPlaylist(epg.url, {
          signal,
          timeoutMs: 120_000,
          maxBytes: 1024 * 1024 * 1024,
          ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
        });
        const guide = await parseXmltv(stream, {
          signal,
          fromMs: now - GUIDE_PAST_MS,
          toMs: now + GUIDE_FUTURE_MS,
          onProgress: (progress) => {
            if (!progress.done) shown = true;
            else if (!shown) return;
            renderProgress(progress, {
              label: `guide ${sourceId}`,
              ...(output ? { output } : {}),
            });
          },
        });
        signal.throwIfAborted();
        const count = this.store.replaceGuide(sourceId, guide);
        programmes += count;
        this.#record(sourceId, { at: this.#now(), ok: true, itemCount: count });
        this.#log.info("guide imported", {
          source: sourceId,
          channels: guide.channels.length,
          programmes: count,
          dropped: guide.stats.droppedInvalid + guide.stats.droppedOverLimit,
        });
      } catch (error) {
        if (signal.aborted) throw error;
        failed++;
        lastError = `${redactLocation(epg.url)}: ${message(error)}`;
        this.#record(sourceId, {
          at: this.#now(),
          ok: false,
          error: message(error),
        });
        this.#log.warn("guide could not be read", {
          source: sourceId,
          error: message(error),
        });
      }
    }
    try {
      this.store.pruneProgrammes(this.#now() - GUIDE_PAST_MS);
    } catch {
      // closing
    }
    this.#guideVersion++;
    this.#guideCache = undefined;
    const stats = this.guideStats;
    stats.lastSeconds = (performance.now() - started) / 1000;
    stats.lastAt = this.#now();
    stats.items = programmes;
    if (total > 0 && failed === total) {
      stats.failed++;
      stats.lastError = lastError;
      throw new Error(`Expected a readable guide, found ${lastError}`);
    }
    stats.ok++;
    stats.lastSuccessAt = stats.lastAt;
    delete stats.lastError;
  }

  /**
   * Refreshes the playlists (lineup) and the guides now; resolves when both
   * are done. Used by `POST /api/sources/refresh` and SIGHUP.
   *
   * @throws {Error} If every playlist failed.
   */
  async refresh(): Promise<void> {
    const playlists = this.#playlists;
    const guides = this.#guides;
    const [lineup] = await Promise.all([
      this.#config.playlists.some((p) => p.enabled) && playlists
        ? playlists.refreshNow()
        : undefined,
      this.#config.epg.some((e) => e.enabled) && guides
        ? guides.refreshNow()
        : undefined,
    ]);
    if (lineup && !lineup.ok) throw lineup.error;
  }

  /** The merged guide, keyed by GuideNumber (cached per lineup and import). */
  #programmes(now: number): Map<string, XmltvProgramme[]> {
    const key = `${this.lineup.version}:${this.#guideVersion}:${
      Math.floor(now / HOUR_MS)
    }`;
    if (this.#guideCache?.key === key) return this.#guideCache.programmes;
    const guides: GuideData[] = [];
    for (const source of this.store.sources("xmltv")) {
      if (!source.enabled) continue;
      guides.push(this.store.guide(source.id, { fromMs: now - HOUR_MS }));
    }
    const programmes = mergeGuide(this.lineup, guides);
    this.#guideCache = { key, programmes };
    return programmes;
  }

  #guideResponse(request: Request): Response {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("Method not allowed\n", {
        status: 405,
        headers: { allow: "GET, HEAD" },
      });
    }
    const headers = {
      "content-type": "application/xml; charset=utf-8",
      "cache-control": "no-cache",
    };
    if (request.method === "HEAD") return new Response(null, { headers });
    const now = this.#now();
    const chunks = xmltvChunks(this.lineup, this.#programmes(now), {
      placeholders: this.#config.placeholder_guide,
      fromMs: now,
      now: () => now,
    });
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        let text = "";
        while (text.length < 64 * 1024) {
          const next = chunks.next();
          if (next.done) {
            if (text !== "") controller.enqueue(encoder.encode(text));
            controller.close();
            return;
          }
          text += next.value;
        }
        controller.enqueue(encoder.encode(text));
      },
      cancel() {
        chunks.return(undefined);
      },
    });
    return new Response(body, { headers });
  }

  async #route(
    request: Request,
    info: Deno.ServeHandlerInfo<Deno.NetAddr>,
  ): Promise<Response | undefined> {
    let path: string;
    try {
      path = new URL(request.url).pathname;
    } catch {
      return undefined;
    }
    if (path === "/") {
      return new Response(null, {
        status: 302,
        headers: { location: "/dashboard/" },
      });
    }
    if (GUIDE_PATHS.has(path)) return this.#guideResponse(request);
    const apiInfo: ApiRequestInfo = { remoteAddr: info.remoteAddr };
    return await this.#api?.handle(request, apiInfo);
  }

  #onSessionChange(record: SessionRecord): void {
    this.#api?.onSessionChange(record);
    if (record.state !== "closed") return;
    // Session times are on the registry's clock; the history keeps wall time.
    const offset = Date.now() - performance.now();
    try {
      this.store.recordSession({
        channelId: record.channel.id,
        guideNumber: record.channel.guideNumber,
        channelName: record.channel.name,
        ...(record.client.address !== undefined
          ? { client: record.client.address }
          : {}),
        ...(record.client.userAgent !== undefined
          ? { userAgent: record.client.userAgent }
          : {}),
        startedAt: Math.round(record.startedAt + offset),
        endedAt: Math.round((record.endedAt ?? performance.now()) + offset),
        bytes: record.bytes,
        ...(record.endReason !== undefined
          ? { endReason: record.endReason }
          : {}),
      });
    } catch (error) {
      this.#log.debug("session history not recorded", {
        error: message(error),
      });
    }
  }

  #healthChecks(): Record<string, HealthCheck> {
    const check = (stats: ImportStats, configured: boolean): HealthCheck => {
      const out: HealthCheck = {
        status: !configured || stats.lastError === undefined
          ? "ok"
          : "degraded",
        refreshes: stats.ok,
        failures: stats.failed,
      };
      if (stats.lastSuccessAt !== undefined) {
        out.lastSuccess = new Date(stats.lastSuccessAt).toISOString();
      }
      if (stats.lastError !== undefined) out.message = stats.lastError;
      return out;
    };
    return {
      sessions: {
        status: "ok",
        live: this.#server?.sessions.size ?? 0,
      },
      playlists: {
        ...check(
          this.playlistStats,
          this.#config.playlists.some((p) => p.enabled),
        ),
        channels: this.lineup.channels().length,
      },
      guide: {
        ...check(this.guideStats, this.#config.epg.some((e) => e.enabled)),
        programmes: this.guideStats.items,
      },
    };
  }

  #registerMetrics(): void {
    const metrics = this.server.metrics;
    metrics.gauge<"enabled">({
      name: "channels",
      help: "Channels in the lineup",
      labelNames: ["enabled"],
      collect: () => {
        const all = this.lineup.all().length;
        const enabled = this.lineup.channels().length;
        return [
          { labels: { enabled: "true" }, value: enabled },
          { labels: { enabled: "false" }, value: all - enabled },
        ];
      },
    });
    for (
      const [kind, stats, items] of [
        ["playlist", this.playlistStats, "channels"],
        ["epg", this.guideStats, "programmes"],
      ] as const
    ) {
      metrics.counter<"result">({
        name: `${kind}_refreshes_total`,
        help: `${kind} refreshes by result`,
        labelNames: ["result"],
        collect: () => [
          { labels: { result: "ok" }, value: stats.ok },
          { labels: { result: "failed" }, value: stats.failed },
        ],
      });
      metrics.gauge({
        name: `${kind}_import_seconds`,
        help: `Duration of the last ${kind} refresh`,
        collect: () => stats.lastSeconds,
      });
      metrics.gauge({
        name: `${kind}_last_success_timestamp_seconds`,
        help: `When the last ${kind} refresh succeeded (0: never)`,
        collect: () => (stats.lastSuccessAt ?? 0) / 1000,
      });
      metrics.gauge({
        name: `${kind}_imported_${items}`,
        help: `${items} of the last ${kind} refresh`,
        collect: () => stats.items,
      });
    }
  }

  /**
   * SIGHUP: re-reads the configuration (when there is a file), applies the
   * playlists, filters, guides and refresh periods by refreshing, and logs
   * the changed settings that need a restart (address, port, tuners, …).
   * Without a file it refreshes the sources. {@link lastReload} tells
   * what was applied.
   *
   * @throws {ConfigError} If the new configuration is invalid (nothing changes).
   */
  async reload(): Promise<void> {
    if (this.#closing) return;
    const load = this.#options.loadConfig;
    if (load === undefined) {
      this.#log.info("reload: no configuration file, refreshing the sources");
      this.#lastReload = { applied: false, needRestart: [] };
      await this.refresh().catch((error) =>
        this.#log.warn("reload refresh failed", { error: message(error) })
      );
      return;
    }
    const next = await load();
    const old = this.#config;
    const needRestart = RESTART_KEYS.filter((key) =>
      JSON.stringify(old[key]) !== JSON.stringify(next[key])
    );
    const applied: BridgeConfig = { ...next };
    for (const key of needRestart) {
      (applied as Record<string, unknown>)[key] = old[key];
    }
    this.#config = applied;
    this.#syncSources();
    if (
      old.refresh_minutes !== applied.refresh_minutes ||
      old.epg_refresh_minutes !== applied.epg_refresh_minutes ||
      JSON.stringify(old.playlists) !== JSON.stringify(applied.playlists) ||
      JSON.stringify(old.epg) !== JSON.stringify(applied.epg)
    ) {
      await Promise.all([this.#playlists?.close(), this.#guides?.close()]);
      this.#startSchedules(true);
    }
    if (needRestart.length > 0) {
      this.#log.warn("reload: these settings take effect after a restart", {
        keys: needRestart.join(","),
      });
    }
    this.#log.info("reload: configuration applied, refreshing the sources");
    this.#lastReload = { applied: true, needRestart };
    await this.refresh().catch((error) =>
      this.#log.warn("reload refresh failed", { error: message(error) })
    );
  }

  /** What the last {@link reload} applied. */
  get lastReload(): BridgeReloadReport | undefined {
    return this.#lastReload;
  }

  /**
   * Stops everything within 1 s: imports are aborted, live viewers get
   * 1001, every stream's response ends, discovery says byebye, the port
   * closes, then the store is closed. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#abort.abort(new DOMException("Bridge closing", "AbortError"));
      this.#firstGuide.resolve();
      const work = Promise.all([
        this.#playlists?.close(),
        this.#guides?.close(),
        this.#api?.close(),
        this.#server?.close(),
      ]);
      if (!await settlesWithin(work, 900)) {
        this.#log.warn("bridge service close missed its 900 ms budget");
      }
      try {
        this.store.close();
      } catch (error) {
        this.#log.warn("store close failed", { error: message(error) });
      }
    })();
    return this.#closing;
  }
}
