/**
 * The bridge's persistent state in SQLite (`node:sqlite`, no native
 * download): sources, the lineup, user mappings, guide data, settings
 * (including the stable DeviceID) and a bounded session history.
 *
 * Safe against a kill: the database runs in WAL mode with
 * `synchronous=NORMAL`, and every multi-row write is one transaction, so
 * after a crash the database holds either everything a write did or none
 * of it. A `busy_timeout` covers a second process (e.g. `shack doctor`)
 * reading at the same time.
 *
 * @module
 */

import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { Channel, ChannelLookup } from "../channel.ts";
import type { ChannelMapping } from "../lineup/channel_mapping.ts";
import type { GuideData } from "../xmltv/merge_guide.ts";
import type {
  XmltvChannel,
  XmltvEpisodeNum,
  XmltvProgramme,
} from "../xmltv/xmltv_guide.ts";
import { migrate } from "./schema.ts";
import type {
  SessionRecord,
  SourceConfig,
  SourceKind,
  SourceRefresh,
  StoredSession,
  StoredSource,
} from "./store_records.ts";

/**
 * Options of {@link BridgeStore}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { BridgeStoreOptions } from "./bridge_store.ts";
 *
 * const options: BridgeStoreOptions = { maxSessionHistory: 500 };
 * equal(options.maxSessionHistory, 500);
 * ```
 */
export interface BridgeStoreOptions {
  /** Session history rows kept; older ones are pruned. Default 1 000. */
  maxSessionHistory?: number;
  /** How long to wait for a lock held by another connection. Default 5 000 ms. */
  busyTimeoutMs?: number;
  /** Wall clock, for `updated_at` stamps. Default `Date.now`. */
  now?: () => number;
}

/**
 * Options of {@link BridgeStore.guide}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { GuideQuery } from "./bridge_store.ts";
 *
 * const query: GuideQuery = { fromMs: Date.now() };
 * equal(typeof query.fromMs, "number");
 * ```
 */
export interface GuideQuery {
  /** Leave out programmes that end at or before this time (UTC ms). */
  fromMs?: number;
  /** Leave out programmes that start at or after this time (UTC ms). */
  toMs?: number;
}

type Row = Record<string, unknown>;

const SETTING_DEVICE_ID = "device.id";
const SETTING_DEVICE_UUID = "device.uuid";
const MAX_TEXT = 512;

function text(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

function num(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}

function short(value: string | undefined): string | null {
  if (value === undefined) return null;
  return value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) : value;
}

function parseJson<T>(value: unknown, fallback: T): T {
  if (typeof value !== "string") return fallback;
  try {
    const parsed = JSON.parse(value);
    return parsed !== null && typeof parsed === "object" ? parsed : fallback;
  } catch {
    return fallback;
  }
}

function randomDeviceId(): string {
  const bytes = new Uint8Array(4);
  while (true) {
    crypto.getRandomValues(bytes);
    const id = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")
      .toUpperCase();
    // FFFFFFFF and 00000000 are HDHomeRun wildcards.
    if (id !== "FFFFFFFF" && id !== "00000000") return id;
  }
}

function rowToChannel(row: Row): Channel {
  const channel: Channel = {
    id: String(row.id),
    guideNumber: String(row.guide_number),
    name: String(row.name),
    url: String(row.url),
    enabled: Number(row.enabled) === 1,
    headers: parseJson<Record<string, string>>(row.headers, {}),
  };
  const tvgId = text(row.tvg_id);
  if (tvgId !== undefined) channel.tvgId = tvgId;
  const logo = text(row.logo);
  if (logo !== undefined) channel.logo = logo;
  const group = text(row.grp);
  if (group !== undefined) channel.group = group;
  const sourceId = text(row.source_id);
  if (sourceId !== undefined) channel.sourceId = sourceId;
  if (row.hd !== null && row.hd !== undefined) {
    channel.hd = Number(row.hd) === 1;
  }
  return channel;
}

function rowToSource(row: Row): StoredSource {
  const source: StoredSource = {
    id: String(row.id),
    kind: String(row.kind) as SourceKind,
    location: String(row.location),
    enabled: Number(row.enabled) === 1,
    options: parseJson<Record<string, unknown>>(row.options, {}),
    position: Number(row.position),
  };
  const lastRefreshAt = num(row.last_refresh_at);
  if (lastRefreshAt !== undefined) source.lastRefreshAt = lastRefreshAt;
  const lastSuccessAt = num(row.last_success_at);
  if (lastSuccessAt !== undefined) source.lastSuccessAt = lastSuccessAt;
  const lastError = text(row.last_error);
  if (lastError !== undefined) source.lastError = lastError;
  const itemCount = num(row.item_count);
  if (itemCount !== undefined) source.itemCount = itemCount;
  return source;
}

function rowToProgramme(row: Row): XmltvProgramme {
  const programme: XmltvProgramme = {
    channel: String(row.channel),
    start: Number(row.start),
    title: String(row.title),
    categories: parseJson<string[]>(row.categories, []),
    episodeNums: parseJson<XmltvEpisodeNum[]>(row.episode_nums, []),
  };
  const stop = num(row.stop);
  if (stop !== undefined) programme.stop = stop;
  const subTitle = text(row.sub_title);
  if (subTitle !== undefined) programme.subTitle = subTitle;
  const desc = text(row.descr);
  if (desc !== undefined) programme.desc = desc;
  const icon = text(row.icon);
  if (icon !== undefined) programme.icon = icon;
  return programme;
}

function rowToSession(row: Row): StoredSession {
  const session: StoredSession = {
    id: Number(row.id),
    startedAt: Number(row.started_at),
    bytes: Number(row.bytes ?? 0),
  };
  const fields: [keyof SessionRecord, string][] = [
    ["channelId", "channel_id"],
    ["guideNumber", "guide_number"],
    ["channelName", "channel_name"],
    ["client", "client"],
    ["userAgent", "user_agent"],
    ["endReason", "end_reason"],
  ];
  for (const [key, column] of fields) {
    const value = text(row[column]);
    if (value !== undefined) (session as unknown as Row)[key] = value;
  }
  const endedAt = num(row.ended_at);
  if (endedAt !== undefined) session.endedAt = endedAt;
  return session;
}

/**
 * The bridge database. Also a {@link ChannelLookup} over the stored lineup.
 *
 * @example Lineup, mappings, settings and the DeviceID
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BridgeStore } from "./bridge_store.ts";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   const store = new BridgeStore(`${dir}/bridge.db`);
 *   const id = store.deviceId();
 *   store.replaceChannels([
 *     { id: "a", guideNumber: "101", name: "BBC One", url: "http://up/1", enabled: true, headers: {} },
 *   ]);
 *   store.setMapping({ channelId: "a", name: "BBC 1" });
 *   store.close();
 *
 *   const again = new BridgeStore(`${dir}/bridge.db`);
 *   equal(again.deviceId(), id); // generated once, kept forever
 *   equal(again.byGuideNumber("101")?.name, "BBC One");
 *   equal(again.mappings()[0].name, "BBC 1");
 *   again.close();
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export class BridgeStore implements ChannelLookup {
  readonly #db: DatabaseSync;
  readonly #path: string;
  readonly #maxSessions: number;
  readonly #now: () => number;
  readonly #statements = new Map<string, StatementSync>();
  #closed = false;

  /**
   * Opens (and creates or migrates) the database.
   *
   * @param path The database file, or `":memory:"`.
   * @param options History bound, busy timeout, clock.
   * @throws {StoreSchemaError} If the database was written by a newer shack.
   * @throws {RangeError} If `maxSessionHistory` is not a positive integer.
   */
  constructor(path: string, options: BridgeStoreOptions = {}) {
    const maxSessions = options.maxSessionHistory ?? 1000;
    if (!Number.isInteger(maxSessions) || maxSessions < 1) {
      throw new RangeError(
        `Expected maxSessionHistory to be an integer >= 1, found ${maxSessions}`,
      );
    }
    this.#path = path;
    this.#maxSessions = maxSessions;
    this.#now = options.now ?? Date.now;
    const busy = Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000));
    this.#db = new DatabaseSync(path);
    try {
      this.#db.exec(`PRAGMA busy_timeout = ${busy}`);
      this.#db.exec("PRAGMA journal_mode = WAL");
      this.#db.exec("PRAGMA synchronous = NORMAL");
      this.#db.exec("PRAGMA foreign_keys = ON");
      migrate(this.#db, path);
    } catch (error) {
      this.#db.close();
      throw error;
    }
  }

  /** The database file. */
  get path(): string {
    return this.#path;
  }

  /** The journal mode in effect (`"wal"` for a file database). */
  get journalMode(): string {
    const row = this.#get("PRAGMA journal_mode") as Row;
    return String(row.journal_mode);
  }

  /**
   * Runs `fn` in one transaction (`BEGIN IMMEDIATE`): committed when it
   * returns, rolled back when it throws. Nested calls join the outer
   * transaction. `fn` must be synchronous.
   *
   * @param fn The writes.
   * @returns What `fn` returned.
   */
  transaction<T>(fn: () => T): T {
    const db = this.#db;
    if (db.isTransaction) return fn();
    db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      db.exec("COMMIT");
      return result;
    } catch (error) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw error;
    }
  }

  // --- settings ------------------------------------------------------------

  /**
   * A setting's value.
   *
   * @param key The key (dotted, e.g. `device.name`).
   * @returns The value, or `undefined`.
   */
  getSetting(key: string): string | undefined {
    const row = this.#get("SELECT value FROM settings WHERE key = ?", key);
    return row ? String(row.value) : undefined;
  }

  /**
   * Sets a setting.
   *
   * @param key The key.
   * @param value The value.
   */
  setSetting(key: string, value: string): void {
    this.#run(
      "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      key,
      value,
    );
  }

  /**
   * Removes a setting.
   *
   * @param key The key.
   * @returns Whether it existed.
   */
  deleteSetting(key: string): boolean {
    return this.#run("DELETE FROM settings WHERE key = ?", key).changes > 0;
  }

  /** Every setting. */
  settings(): Record<string, string> {
    const out: Record<string, string> = {};
    for (
      const row of this.#all("SELECT key, value FROM settings ORDER BY key")
    ) {
      out[String(row.key)] = String(row.value);
    }
    return out;
  }

  /**
   * The HDHomeRun DeviceID: 8 upper-case hex digits, generated on first use
   * and never changed (a new one would make Plex see a new tuner).
   *
   * @returns The DeviceID.
   */
  deviceId(): string {
    return this.#once(SETTING_DEVICE_ID, randomDeviceId);
  }

  /**
   * The UPnP UUID (for SSDP and `device.xml`), generated on first use and
   * never changed.
   *
   * @returns The UUID.
   */
  deviceUuid(): string {
    return this.#once(SETTING_DEVICE_UUID, () => crypto.randomUUID());
  }

  #once(key: string, make: () => string): string {
    this.#run(
      "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
      key,
      make(),
    );
    return this.getSetting(key)!;
  }

  // --- sources -------------------------------------------------------------

  /**
   * Adds a source or updates its configuration (its refresh status is kept).
   *
   * @param source The source.
   */
  putSource(source: SourceConfig): void {
    this.#run(
      `INSERT INTO sources (id, kind, location, enabled, options, position)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET kind = excluded.kind,
         location = excluded.location, enabled = excluded.enabled,
         options = excluded.options, position = excluded.position`,
      source.id,
      source.kind,
      source.location,
      source.enabled ? 1 : 0,
      JSON.stringify(source.options ?? {}),
      source.position ?? 0,
    );
  }

  /**
   * One source.
   *
   * @param id Its id.
   * @returns The source, or `undefined`.
   */
  source(id: string): StoredSource | undefined {
    const row = this.#get("SELECT * FROM sources WHERE id = ?", id);
    return row ? rowToSource(row) : undefined;
  }

  /**
   * Every source, by position then id.
   *
   * @param kind Only sources of this kind.
   * @returns The sources.
   */
  sources(kind?: SourceKind): StoredSource[] {
    const rows = kind === undefined
      ? this.#all("SELECT * FROM sources ORDER BY position, id")
      : this.#all(
        "SELECT * FROM sources WHERE kind = ? ORDER BY position, id",
        kind,
      );
    return rows.map(rowToSource);
  }

  /**
   * Removes a source and its guide data.
   *
   * @param id Its id.
   * @returns Whether it existed.
   */
  deleteSource(id: string): boolean {
    return this.transaction(() => {
      this.#run("DELETE FROM epg_programmes WHERE source_id = ?", id);
      this.#run("DELETE FROM epg_channels WHERE source_id = ?", id);
      return this.#run("DELETE FROM sources WHERE id = ?", id).changes > 0;
    });
  }

  /**
   * Records the outcome of a refresh (a failure keeps the last success time
   * and item count).
   *
   * @param id The source.
   * @param refresh The outcome.
   */
  recordRefresh(id: string, refresh: SourceRefresh): void {
    if (refresh.ok) {
      this.#run(
        `UPDATE sources SET last_refresh_at = ?, last_success_at = ?,
           last_error = NULL, item_count = ? WHERE id = ?`,
        refresh.at,
        refresh.at,
        refresh.itemCount ?? null,
        id,
      );
    } else {
      this.#run(
        "UPDATE sources SET last_refresh_at = ?, last_error = ? WHERE id = ?",
        refresh.at,
        short(refresh.error ?? "failed"),
        id,
      );
    }
  }

  // --- channels ------------------------------------------------------------

  /**
   * Replaces the whole lineup in one transaction.
   *
   * @param channels The new lineup (kept in the given order).
   */
  replaceChannels(channels: readonly Channel[]): void {
    this.transaction(() => {
      this.#run("DELETE FROM channels");
      const insert = this.#statement(
        `INSERT INTO channels (id, position, guide_number, name, url, enabled,
           headers, tvg_id, logo, grp, source_id, hd)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      channels.forEach((c, position) => {
        insert.run(
          c.id,
          position,
          c.guideNumber,
          c.name,
          c.url,
          c.enabled ? 1 : 0,
          JSON.stringify(c.headers ?? {}),
          c.tvgId ?? null,
          c.logo ?? null,
          c.group ?? null,
          c.sourceId ?? null,
          c.hd === undefined ? null : c.hd ? 1 : 0,
        );
      });
    });
  }

  /** Every stored channel, disabled ones included, in stored order. */
  allChannels(): Channel[] {
    return this.#all("SELECT * FROM channels ORDER BY position").map(
      rowToChannel,
    );
  }

  /** Every enabled channel, in stored order (by GuideNumber). */
  channels(): readonly Channel[] {
    return this.#all(
      "SELECT * FROM channels WHERE enabled = 1 ORDER BY position",
    ).map(rowToChannel);
  }

  /**
   * The enabled channel with this GuideNumber.
   *
   * @param guideNumber The number.
   * @returns The channel, or `undefined`.
   */
  byGuideNumber(guideNumber: string): Channel | undefined {
    const row = this.#get(
      "SELECT * FROM channels WHERE guide_number = ? AND enabled = 1 ORDER BY position LIMIT 1",
      guideNumber,
    );
    return row ? rowToChannel(row) : undefined;
  }

  /**
   * The enabled channel with this id.
   *
   * @param id The stable channel id.
   * @returns The channel, or `undefined`.
   */
  byId(id: string): Channel | undefined {
    const row = this.#get(
      "SELECT * FROM channels WHERE id = ? AND enabled = 1",
      id,
    );
    return row ? rowToChannel(row) : undefined;
  }

  // --- mappings ------------------------------------------------------------

  /**
   * Stores a user mapping (replacing the channel's previous one). A mapping
   * that changes nothing is deleted instead.
   *
   * @param mapping The mapping.
   */
  setMapping(mapping: ChannelMapping): void {
    if (
      mapping.guideNumber === undefined && mapping.name === undefined &&
      mapping.enabled === undefined
    ) {
      this.deleteMapping(mapping.channelId);
      return;
    }
    this.#run(
      `INSERT INTO mappings (channel_id, guide_number, name, enabled, updated_at)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (channel_id) DO UPDATE SET guide_number = excluded.guide_number,
         name = excluded.name, enabled = excluded.enabled,
         updated_at = excluded.updated_at`,
      mapping.channelId,
      mapping.guideNumber ?? null,
      mapping.name ?? null,
      mapping.enabled === undefined ? null : mapping.enabled ? 1 : 0,
      this.#now(),
    );
  }

  /**
   * Removes a channel's mapping.
   *
   * @param channelId The channel.
   * @returns Whether there was one.
   */
  deleteMapping(channelId: string): boolean {
    return this.#run("DELETE FROM mappings WHERE channel_id = ?", channelId)
      .changes > 0;
  }

  /** Every mapping, oldest change first. */
  mappings(): ChannelMapping[] {
    return this.#all(
      "SELECT * FROM mappings ORDER BY updated_at, channel_id",
    ).map((row) => {
      const mapping: ChannelMapping = { channelId: String(row.channel_id) };
      const guideNumber = text(row.guide_number);
      if (guideNumber !== undefined) mapping.guideNumber = guideNumber;
      const name = text(row.name);
      if (name !== undefined) mapping.name = name;
      if (row.enabled !== null && row.enabled !== undefined) {
        mapping.enabled = Number(row.enabled) === 1;
      }
      return mapping;
    });
  }

  // --- guide ---------------------------------------------------------------

  /**
   * Replaces the guide data of a source (its channels and programmes) in one
   * transaction.
   *
   * @param sourceId The guide source.
   * @param guide Its channels and programmes (e.g. a parsed guide).
   * @returns The number of programmes stored.
   */
  replaceGuide(sourceId: string, guide: GuideData): number {
    return this.transaction(() => {
      this.#run("DELETE FROM epg_programmes WHERE source_id = ?", sourceId);
      this.#run("DELETE FROM epg_channels WHERE source_id = ?", sourceId);
      const channel = this.#statement(
        `INSERT INTO epg_channels (source_id, id, display_names, icon)
         VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      );
      for (const c of guide.channels ?? []) {
        channel.run(
          sourceId,
          c.id,
          JSON.stringify(c.displayNames),
          c.icon ?? null,
        );
      }
      const insert = this.#statement(
        `INSERT INTO epg_programmes (source_id, channel, start, stop, title,
           sub_title, descr, categories, episode_nums, icon)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      let count = 0;
      for (const list of guide.programmes.values()) {
        for (const p of list) {
          insert.run(
            sourceId,
            p.channel,
            p.start,
            p.stop ?? null,
            p.title,
            p.subTitle ?? null,
            p.desc ?? null,
            JSON.stringify(p.categories),
            JSON.stringify(p.episodeNums),
            p.icon ?? null,
          );
          count++;
        }
      }
      return count;
    });
  }

  /**
   * The stored guide data of one source, ready for `mergeGuide`.
   *
   * @param sourceId The guide source.
   * @param query A time window.
   * @returns Its channels and programmes by channel id, ordered by start.
   */
  guide(sourceId: string, query: GuideQuery = {}): {
    channels: XmltvChannel[];
    programmes: Map<string, XmltvProgramme[]>;
  } {
    const channels = this.#all(
      "SELECT * FROM epg_channels WHERE source_id = ? ORDER BY rowid",
      sourceId,
    ).map((row): XmltvChannel => {
      const channel: XmltvChannel = {
        id: String(row.id),
        displayNames: parseJson<string[]>(row.display_names, []),
      };
      const icon = text(row.icon);
      if (icon !== undefined) channel.icon = icon;
      return channel;
    });
    const programmes = new Map<string, XmltvProgramme[]>();
    const rows = this.#statement(
      `SELECT * FROM epg_programmes WHERE source_id = ?
         AND coalesce(stop, start) > ? AND start < ?
       ORDER BY channel, start`,
    ).iterate(
      sourceId,
      query.fromMs ?? Number.MIN_SAFE_INTEGER,
      query.toMs ?? Number.MAX_SAFE_INTEGER,
    ) as Iterable<Row>;
    for (const row of rows) {
      const programme = rowToProgramme(row);
      let list = programmes.get(programme.channel);
      if (!list) programmes.set(programme.channel, list = []);
      list.push(programme);
    }
    return { channels, programmes };
  }

  /**
   * Deletes programmes that ended at or before a time, from every source.
   *
   * @param beforeMs The time (UTC ms).
   * @returns How many were deleted.
   */
  pruneProgrammes(beforeMs: number): number {
    return Number(
      this.#run(
        "DELETE FROM epg_programmes WHERE coalesce(stop, start) <= ?",
        beforeMs,
      ).changes,
    );
  }

  // --- sessions ------------------------------------------------------------

  /**
   * Records a finished session; the oldest rows beyond `maxSessionHistory`
   * are pruned in the same transaction.
   *
   * @param session The session.
   * @returns Its row id.
   */
  recordSession(session: SessionRecord): number {
    return this.transaction(() => {
      const result = this.#run(
        `INSERT INTO session_history (channel_id, guide_number, channel_name,
           client, user_agent, started_at, ended_at, bytes, end_reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        short(session.channelId),
        short(session.guideNumber),
        short(session.channelName),
        short(session.client),
        short(session.userAgent),
        session.startedAt,
        session.endedAt ?? null,
        Math.max(0, Math.floor(session.bytes ?? 0)),
        short(session.endReason),
      );
      const id = Number(result.lastInsertRowid);
      this.#run(
        "DELETE FROM session_history WHERE id <= ?",
        id - this.#maxSessions,
      );
      return id;
    });
  }

  /**
   * The session history, newest first.
   *
   * @param limit Rows at most. Default: all kept.
   * @returns The sessions.
   */
  sessionHistory(limit: number = this.#maxSessions): StoredSession[] {
    return this.#all(
      "SELECT * FROM session_history ORDER BY id DESC LIMIT ?",
      Math.max(0, Math.floor(limit)),
    ).map(rowToSession);
  }

  // --- maintenance ---------------------------------------------------------

  /**
   * Runs `PRAGMA integrity_check`.
   *
   * @returns `"ok"`, or SQLite's description of the damage.
   */
  integrityCheck(): string {
    return this.#all("PRAGMA integrity_check").map((row) =>
      String(Object.values(row)[0])
    ).join("\n");
  }

  /** Closes the database (idempotent). A transaction left open is rolled back. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
      this.#db.exec("PRAGMA optimize");
    } finally {
      this.#statements.clear();
      this.#db.close();
    }
  }

  #statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #run(sql: string, ...params: (string | number | null)[]) {
    return this.#statement(sql).run(...params);
  }

  #get(sql: string, ...params: (string | number | null)[]): Row | undefined {
    return this.#statement(sql).get(...params) as Row | undefined;
  }

  #all(sql: string, ...params: (string | number | null)[]): Row[] {
    return this.#statement(sql).all(...params) as Row[];
  }
}
