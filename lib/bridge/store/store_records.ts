/**
 * The records the bridge store keeps besides channels: playlist and guide
 * sources with their refresh status, and the history of streaming sessions.
 *
 * @module
 */

/**
 * Which kind of file a source provides.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SourceKind } from "./store_records.ts";
 *
 * const kind: SourceKind = "xmltv";
 * equal(kind, "xmltv");
 * ```
 */
export type SourceKind = "m3u" | "xmltv";

/**
 * A playlist or guide source as configured.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SourceConfig } from "./store_records.ts";
 *
 * const source: SourceConfig = {
 *   id: "uk",
 *   kind: "m3u",
 *   location: "http://iptv.example/get.php?type=m3u",
 *   enabled: true,
 *   options: { startNumber: 1000 },
 * };
 * equal(source.kind, "m3u");
 * ```
 */
export interface SourceConfig {
  /** Unique id (part of channel ids: never reuse one for another provider). */
  id: string;
  /** Playlist or guide. */
  kind: SourceKind;
  /** File path or URL. */
  location: string;
  /** Disabled sources are not refreshed. */
  enabled: boolean;
  /** Free-form options (filters, start number, headers, ...), stored as JSON. */
  options: Record<string, unknown>;
  /** Priority: lower first. Default 0, then by id. */
  position?: number;
}

/**
 * The outcome of a refresh of one source.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SourceRefresh } from "./store_records.ts";
 *
 * const refresh: SourceRefresh = { at: 1_700_000_000_000, ok: false, error: "HTTP 503" };
 * equal(refresh.ok, false);
 * ```
 */
export interface SourceRefresh {
  /** When it finished (ms since the epoch). */
  at: number;
  /** Whether it succeeded. */
  ok: boolean;
  /** Why it failed. */
  error?: string;
  /** Entries or programmes read, on success. */
  itemCount?: number;
}

/**
 * A source with its last refresh status.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { StoredSource } from "./store_records.ts";
 *
 * const source: StoredSource = {
 *   id: "uk", kind: "m3u", location: "/srv/uk.m3u", enabled: true, options: {}, position: 0,
 *   lastSuccessAt: 1_700_000_000_000,
 * };
 * equal(source.lastError, undefined);
 * ```
 */
export interface StoredSource extends SourceConfig {
  /** Priority: lower first. */
  position: number;
  /** When the last refresh finished. */
  lastRefreshAt?: number;
  /** When the last successful refresh finished. */
  lastSuccessAt?: number;
  /** The error of the last refresh, when it failed. */
  lastError?: string;
  /** Items read by the last successful refresh. */
  itemCount?: number;
}

/**
 * One streaming session, as recorded when it ended.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SessionRecord } from "./store_records.ts";
 *
 * const session: SessionRecord = {
 *   channelId: "0123456789abcdef",
 *   guideNumber: "101",
 *   client: "192.0.2.10",
 *   userAgent: "Lavf/60.3.100",
 *   startedAt: 1_700_000_000_000,
 *   endedAt: 1_700_000_600_000,
 *   bytes: 450_000_000,
 *   endReason: "client_disconnect",
 * };
 * equal(session.bytes, 450_000_000);
 * ```
 */
export interface SessionRecord {
  /** The channel's stable id. */
  channelId?: string;
  /** Its GuideNumber at the time. */
  guideNumber?: string;
  /** Its name at the time. */
  channelName?: string;
  /** The client (address or name). */
  client?: string;
  /** The client's User-Agent. */
  userAgent?: string;
  /** When it started (ms since the epoch). */
  startedAt: number;
  /** When it ended. */
  endedAt?: number;
  /** Bytes sent to the client. */
  bytes?: number;
  /** Why it ended. */
  endReason?: string;
}

/**
 * A recorded session with its row id.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { StoredSession } from "./store_records.ts";
 *
 * const row: StoredSession = { id: 1, startedAt: 0, bytes: 0 };
 * equal(row.id, 1);
 * ```
 */
export interface StoredSession extends SessionRecord {
  /** Increasing row id. */
  id: number;
  /** Bytes sent (0 when unknown). */
  bytes: number;
}
