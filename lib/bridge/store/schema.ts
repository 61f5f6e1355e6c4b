/**
 * The bridge database schema and its migrations. The schema version is
 * SQLite's `user_version`; each migration runs in its own transaction
 * together with the version bump, so a kill during a migration leaves the
 * database at the previous version, ready to migrate again.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";

/**
 * The migrations, in order: index `i` brings the schema from version `i` to
 * `i + 1`. Append only; never edit a released migration.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MIGRATIONS, SCHEMA_VERSION } from "./schema.ts";
 *
 * equal(MIGRATIONS.length, SCHEMA_VERSION);
 * ```
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('m3u', 'xmltv')),
    location TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    options TEXT NOT NULL DEFAULT '{}',
    position INTEGER NOT NULL DEFAULT 0,
    last_refresh_at INTEGER,
    last_success_at INTEGER,
    last_error TEXT,
    item_count INTEGER
  );
  CREATE TABLE channels (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    guide_number TEXT NOT NULL,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    headers TEXT NOT NULL DEFAULT '{}',
    tvg_id TEXT,
    logo TEXT,
    grp TEXT,
    source_id TEXT,
    hd INTEGER
  );
  CREATE INDEX channels_by_guide_number ON channels (guide_number);
  CREATE TABLE mappings (
    channel_id TEXT PRIMARY KEY,
    guide_number TEXT,
    name TEXT,
    enabled INTEGER,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE epg_channels (
    source_id TEXT NOT NULL,
    id TEXT NOT NULL,
    display_names TEXT NOT NULL DEFAULT '[]',
    icon TEXT,
    PRIMARY KEY (source_id, id)
  );
  CREATE TABLE epg_programmes (
    source_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    start INTEGER NOT NULL,
    stop INTEGER,
    title TEXT NOT NULL,
    sub_title TEXT,
    descr TEXT,
    categories TEXT NOT NULL DEFAULT '[]',
    episode_nums TEXT NOT NULL DEFAULT '[]',
    icon TEXT
  );
  CREATE INDEX epg_programmes_by_channel
    ON epg_programmes (source_id, channel, start);
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE session_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id TEXT,
    guide_number TEXT,
    channel_name TEXT,
    client TEXT,
    user_agent TEXT,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    bytes INTEGER NOT NULL DEFAULT 0,
    end_reason TEXT
  );
  `,
];

/**
 * The schema version this code writes.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SCHEMA_VERSION } from "./schema.ts";
 *
 * equal(SCHEMA_VERSION >= 1, true);
 * ```
 */
export const SCHEMA_VERSION: number = MIGRATIONS.length;

/**
 * The database was written by a newer shack (its schema version is higher
 * than this code knows), so it is not touched.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { StoreSchemaError } from "./schema.ts";
 *
 * const error = new StoreSchemaError("/var/lib/shack/bridge.db", 9, 1);
 * equal(error.name, "StoreSchemaError");
 * equal(error.found, 9);
 * ```
 */
export class StoreSchemaError extends Error {
  override name = "StoreSchemaError";
  /** The database file. */
  readonly path: string;
  /** Its schema version. */
  readonly found: number;
  /** The newest version this code knows. */
  readonly expected: number;

  /**
   * Creates the error.
   *
   * @param path The database file.
   * @param found Its schema version.
   * @param expected The newest version this code knows.
   */
  constructor(path: string, found: number, expected: number) {
    super(
      `${path}: expected a schema version of at most ${expected}, found ${found} (written by a newer shack)`,
    );
    this.path = path;
    this.found = found;
    this.expected = expected;
  }
}

/**
 * Brings the database to {@link SCHEMA_VERSION}, one transaction per
 * migration.
 *
 * @example A new database
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DatabaseSync } from "node:sqlite";
 * import { migrate, SCHEMA_VERSION } from "./schema.ts";
 *
 * const db = new DatabaseSync(":memory:");
 * equal(migrate(db, ":memory:"), SCHEMA_VERSION);
 * equal(migrate(db, ":memory:"), SCHEMA_VERSION); // nothing left to do
 * db.close();
 * ```
 *
 * @param db An open database.
 * @param path Its file, for error messages.
 * @returns The schema version afterwards.
 * @throws {StoreSchemaError} If the database is newer than this code.
 */
export function migrate(db: DatabaseSync, path: string): number {
  const row = db.prepare("PRAGMA user_version").get() as
    | { user_version: number }
    | undefined;
  const version = Number(row?.user_version ?? 0);
  if (version > SCHEMA_VERSION) {
    throw new StoreSchemaError(path, version, SCHEMA_VERSION);
  }
  for (let v = version; v < SCHEMA_VERSION; v++) {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(MIGRATIONS[v]);
      db.exec(`PRAGMA user_version = ${v + 1}`);
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  }
  return SCHEMA_VERSION;
}
