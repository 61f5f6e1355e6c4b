/**
 * Configuration of `shack bridge serve`: the `[bridge]` table of
 * `shack.toml` ({@link bridgeConfigSchema}), its loader
 * ({@link loadBridgeConfig}) and the command-line overrides
 * ({@link applyBridgeOverrides}). Precedence: defaults < file <
 * environment (`SHACK_BRIDGE_…`) < command-line flags.
 *
 * ```toml
 * [bridge]
 * bind = "0.0.0.0"              # HTTP listen address
 * port = 34400                  # HTTP port (Threadfin's and xTeVe's default)
 * tuners = 2                    # TunerCount: concurrent upstreams, 1 to 255
 * data_dir = "bridge-data"      # SQLite database (channels, guide, settings, DeviceID)
 * advertise_url = "http://192.0.2.5:34400"  # BaseURL for Plex/Jellyfin (default: from the request / first LAN address)
 * ssdp = true                   # answer SSDP M-SEARCH and send NOTIFY (UDP 1900)
 * hdhr_discovery = false        # answer HDHomeRun discovery on UDP 65001
 * ffmpeg = "ffmpeg"             # remuxer for HLS and other non-TS upstreams; "" disables it
 * share_upstreams = true        # clients of one channel share one upstream
 * refresh_minutes = 360         # playlist refresh period
 * epg_refresh_minutes = 720     # guide refresh period
 * placeholder_guide = true      # channels without programmes get hourly placeholders
 * friendly_name = "shack bridge"
 * # api_token = "…"             # 16+ characters; default: generated once, kept in the database
 *
 * [[bridge.playlists]]
 * name = "provider"             # source id (letters, digits, . _ -); channel ids derive from it
 * url = "https://example.net/get.php?type=m3u_plus"   # or a file path
 * start_number = 100
 * include_groups = ["News", "Sports"]
 * exclude_names = ["(?i)adult"]  # regular expressions
 * include_tvg_ids = []
 * user_agent = "VLC/3.0"
 * referrer = "https://example.net/"
 *
 * [[bridge.epg]]
 * url = "https://example.net/xmltv.php"   # plain or gzip XMLTV, or a file path
 * ```
 *
 * Unknown keys inside `[bridge]` are errors (a typo names the key).
 *
 * @module
 */

import { ConfigError } from "../core/config/errors.ts";
import { loadConfig } from "../core/config/load.ts";
import { type Infer, parse, s } from "../core/config/schema.ts";
import { isValidApiToken } from "./api/api_token.ts";

/** Default HTTP port: Threadfin's and xTeVe's, and what `shack doctor` probes. */
export const DEFAULT_BRIDGE_PORT = 34400;

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") &&
      url.hostname !== "" && url.search === "" && url.hash === "";
  } catch {
    return false;
  }
}

function isRegex(text: string): boolean {
  try {
    new RegExp(text, "i");
    return true;
  } catch {
    return false;
  }
}

const textList = s.array(s.string({ minLength: 1, maxLength: 256 }), {
  maxLength: 1000,
});
const regexList = s.array(
  s.string({ minLength: 1, maxLength: 512 }).refine(
    isRegex,
    "a regular expression",
  ),
  { maxLength: 1000 },
);
const location = s.string({ minLength: 1, maxLength: 4096 }).refine(
  (text) => !/[\0\r\n]/.test(text),
  "a URL or a file path",
);
const headerValue = s.string({ minLength: 1, maxLength: 1024 }).refine(
  (text) => !/[\0\r\n]/.test(text),
  "a header value on one line",
);

/**
 * The schema of one `[[bridge.playlists]]` entry.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parse } from "../core/config/schema.ts";
 * import { bridgePlaylistSchema } from "./config.ts";
 *
 * equal(parse(bridgePlaylistSchema, { url: "/srv/tv.m3u" }).enabled, true);
 * ```
 */
export const bridgePlaylistSchema = s.object({
  name: s.string().refine(
    (name) => NAME.test(name),
    "a name of 1 to 64 letters, digits, '.', '_' or '-'",
  ).optional(),
  url: location,
  enabled: s.boolean().default(true),
  start_number: s.integer({ min: 1, max: 999_999 }).optional(),
  include_groups: textList.optional(),
  exclude_groups: textList.optional(),
  include_names: regexList.optional(),
  exclude_names: regexList.optional(),
  include_tvg_ids: textList.optional(),
  exclude_tvg_ids: textList.optional(),
  user_agent: headerValue.optional(),
  referrer: headerValue.optional(),
});

/**
 * The schema of one `[[bridge.epg]]` entry.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parse } from "../core/config/schema.ts";
 * import { bridgeEpgSchema } from "./config.ts";
 *
 * equal(parse(bridgeEpgSchema, { url: "/srv/guide.xml.gz" }).url, "/srv/guide.xml.gz");
 * ```
 */
export const bridgeEpgSchema = s.object({
  name: s.string().refine(
    (name) => NAME.test(name),
    "a name of 1 to 64 letters, digits, '.', '_' or '-'",
  ).optional(),
  url: location,
  enabled: s.boolean().default(true),
});

function uniqueNames(
  list: readonly { name?: string }[],
  prefix: string,
): boolean {
  const names = list.map((item, i) => item.name ?? `${prefix}${i + 1}`);
  return new Set(names).size === names.length;
}

/**
 * The schema of the `[bridge]` table (see the module documentation for
 * every key and default). Plugged into the root schema as
 * `bridge: bridgeConfigSchema.optional()`.
 *
 * @example Validating a table
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { parse } from "../core/config/schema.ts";
 * import { bridgeConfigSchema } from "./config.ts";
 *
 * const config = parse(bridgeConfigSchema, { playlists: [{ url: "tv.m3u" }] });
 * equal(config.port, 34400);
 * equal(config.tuners, 2);
 * throws(() => parse(bridgeConfigSchema, { tuners: 0 }, { file: "shack.toml" }), {
 *   name: "ConfigError",
 *   message: "shack.toml: tuners: expected an integer from 1 to 255, found number 0",
 * });
 * ```
 */
export const bridgeConfigSchema = s.object({
  bind: s.string({ minLength: 1, maxLength: 253 }).refine(
    (host) => !/\s/.test(host),
    "an address without spaces",
  ).default("0.0.0.0"),
  port: s.port({ allowZero: true }).default(DEFAULT_BRIDGE_PORT),
  tuners: s.integer({ min: 1, max: 255 }).default(2),
  data_dir: s.string({ minLength: 1, maxLength: 4096 }).default(
    "bridge-data",
  ),
  advertise_url: s.string({ maxLength: 2048 }).refine(
    isHttpUrl,
    "an http(s) URL like http://192.0.2.5:34400",
  ).optional(),
  ssdp: s.boolean().default(true),
  hdhr_discovery: s.boolean().default(false),
  ffmpeg: s.string({ maxLength: 4096 }).default("ffmpeg"),
  share_upstreams: s.boolean().default(true),
  refresh_minutes: s.integer({ min: 1, max: 525_600 }).default(360),
  epg_refresh_minutes: s.integer({ min: 1, max: 525_600 }).default(720),
  placeholder_guide: s.boolean().default(true),
  api_token: s.string().refine(
    isValidApiToken,
    "16 to 256 visible ASCII characters",
  ).optional(),
  friendly_name: s.string({ minLength: 1, maxLength: 64 }).default(
    "shack bridge",
  ),
  playlists: s.array(bridgePlaylistSchema, { maxLength: 64 })
    .refine(
      (list) => uniqueNames(list, "playlist"),
      "playlists with different names",
    ).default([]),
  epg: s.array(bridgeEpgSchema, { maxLength: 64 }).refine(
    (list) => uniqueNames(list, "epg"),
    "guides with different names",
  ).default([]),
});

/**
 * The validated `[bridge]` table.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type BridgeConfig, defaultBridgeConfig } from "./config.ts";
 *
 * const config: BridgeConfig = defaultBridgeConfig();
 * equal(config.ssdp, true);
 * ```
 */
export type BridgeConfig = Infer<typeof bridgeConfigSchema>;

/**
 * The configuration with every default (no playlists).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { defaultBridgeConfig } from "./config.ts";
 *
 * equal(defaultBridgeConfig().data_dir, "bridge-data");
 * ```
 *
 * @returns A fresh default configuration.
 */
export function defaultBridgeConfig(): BridgeConfig {
  return parse(bridgeConfigSchema, {});
}

/**
 * The source id of the playlist at `index`: its `name`, or `playlist<n>`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { playlistSourceId } from "./config.ts";
 *
 * equal(playlistSourceId({ url: "a.m3u" }, 0), "playlist1");
 * equal(playlistSourceId({ name: "iptv", url: "a.m3u" }, 3), "iptv");
 * ```
 *
 * @param playlist The entry.
 * @param index Its position in the list.
 * @returns The id.
 */
export function playlistSourceId(
  playlist: { name?: string; url: string },
  index: number,
): string {
  return playlist.name ?? `playlist${index + 1}`;
}

/**
 * The source id of the guide at `index`: its `name`, or `epg<n>`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { epgSourceId } from "./config.ts";
 *
 * equal(epgSourceId({ url: "g.xml" }, 1), "epg2");
 * ```
 *
 * @param epg The entry.
 * @param index Its position in the list.
 * @returns The id.
 */
export function epgSourceId(
  epg: { name?: string; url: string },
  index: number,
): string {
  return epg.name ?? `epg${index + 1}`;
}

/**
 * Reads the `[bridge]` table of a `shack.toml` (other tables are left to
 * their commands); a file without one gives the defaults.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { loadBridgeConfig } from "./config.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(
 *   `${dir}/shack.toml`,
 *   '[bridge]\ntuners = 4\n[[bridge.playlists]]\nurl = "tv.m3u"\n',
 * );
 * const config = await loadBridgeConfig(`${dir}/shack.toml`);
 * equal(config.tuners, 4);
 * equal(config.playlists[0].url, "tv.m3u");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param path The file.
 * @returns The validated table.
 * @throws {ConfigError} When the file is missing, unreadable or invalid (the message names the key).
 */
export async function loadBridgeConfig(path: string): Promise<BridgeConfig> {
  const loaded = await loadConfig(
    path,
    s.object({ bridge: bridgeConfigSchema.default({}) }, {
      unknownKeys: "ignore",
    }),
    { format: "toml" },
  );
  return loaded.value.bridge;
}

/**
 * Values given on the command line (or as `SHACK_BRIDGE_…` variables).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { BridgeOverrides } from "./config.ts";
 *
 * const overrides: BridgeOverrides = { playlists: ["tv.m3u"], tuners: 3 };
 * equal(overrides.tuners, 3);
 * ```
 */
export interface BridgeOverrides {
  /** `--bind`. */
  bind?: string;
  /** `--port`. */
  port?: number;
  /** `--tuners`. */
  tuners?: number;
  /** `--data-dir`. */
  dataDir?: string;
  /** `--advertise-url`. */
  advertiseUrl?: string;
  /** `--no-ssdp`: false. */
  ssdp?: boolean;
  /** `--playlist` (repeatable): replace the file's playlists. */
  playlists?: readonly string[];
  /** `--epg` (repeatable): replace the file's guides. */
  epg?: readonly string[];
}

/**
 * Applies command-line values over a configuration and validates the
 * result. `--playlist` and `--epg` replace the file's lists.
 *
 * @example Usage
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { applyBridgeOverrides, defaultBridgeConfig } from "./config.ts";
 *
 * const config = applyBridgeOverrides(defaultBridgeConfig(), {
 *   playlists: ["/srv/tv.m3u"],
 *   port: 5004,
 *   ssdp: false,
 * });
 * equal(config.playlists[0].url, "/srv/tv.m3u");
 * equal(config.port, 5004);
 * equal(config.ssdp, false);
 * throws(() => applyBridgeOverrides(defaultBridgeConfig(), { advertiseUrl: "nope" }), {
 *   name: "ConfigError",
 * });
 * ```
 *
 * @param config The configuration from the file (or the defaults).
 * @param overrides The flags.
 * @returns The validated configuration.
 * @throws {ConfigError} If a value is invalid (the message names the flag's key).
 */
export function applyBridgeOverrides(
  config: BridgeConfig,
  overrides: BridgeOverrides,
): BridgeConfig {
  const merged: Record<string, unknown> = structuredClone(config);
  if (overrides.bind !== undefined) merged.bind = overrides.bind;
  if (overrides.port !== undefined) merged.port = overrides.port;
  if (overrides.tuners !== undefined) merged.tuners = overrides.tuners;
  if (overrides.dataDir !== undefined) merged.data_dir = overrides.dataDir;
  if (overrides.advertiseUrl !== undefined) {
    merged.advertise_url = overrides.advertiseUrl;
  }
  if (overrides.ssdp !== undefined) merged.ssdp = overrides.ssdp;
  if (overrides.playlists !== undefined && overrides.playlists.length > 0) {
    merged.playlists = overrides.playlists.map((url) => ({ url }));
  }
  if (overrides.epg !== undefined && overrides.epg.length > 0) {
    merged.epg = overrides.epg.map((url) => ({ url }));
  }
  try {
    return parse(bridgeConfigSchema, merged);
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new ConfigError(
        error.issues.map((issue) => ({ ...issue, file: "command line" })),
      );
    }
    throw error;
  }
}
