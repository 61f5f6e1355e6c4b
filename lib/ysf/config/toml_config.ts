/**
 * The `[ysf]` table of `shack.toml` ({@link ysfConfigSchema}) and its
 * conversion to a {@link YsfServiceConfig} ({@link ysfConfigFromToml}).
 *
 * ```toml
 * [ysf]
 * name = "SHACK YSF"            # 16 printable ASCII characters at most
 * description = "Raspberry Pi"  # 14 at most
 * id = 0                        # 0 = hash of the name
 * mode = "rooms"                # or "single-room" (G4KLX behaviour)
 * bind = ["0.0.0.0", "::"]
 * port = 42000
 * http_port = 42080             # status page and /metrics; 0 = off
 * http_bind = "127.0.0.1"       # default: the UDP address (one), else "::"
 * contact = ""
 * web = ""
 *
 * [[ysf.aux_ports]]             # extra UDP ports, one DG-ID each
 * dgid = 10
 * port = 42010
 * alias = { name = "OLD REFLECTOR", description = "Now room 10", id = 0 }
 *
 * [ysf.dgid]
 * list = [1, 9, 50]
 * default = 50
 * local = 1                     # 0 = no local room
 * prefix = true                 # default: true in rooms mode
 * bth_time = 900                # seconds
 * home_file = "home.db"
 * database = "dgid.json"        # pYSFReflector3's tinydb file format
 * max_remembered = 10000
 *
 * [ysf.acl]
 * deny_file = "deny.db"         # pYSFReflector3 format
 * block_list = "BlockList.txt"  # G4KLX format
 * reload_minutes = 5            # 0 = only on SIGHUP
 * check_re = 1                  # -1, 0 or 1; default 1 (rooms), 0 (single-room)
 * refuse_blocked_links = false
 *
 * [ysf.protections]             # seconds; 0 = off for timeout and count
 * timeout = 240
 * treactivate = 1800
 * wild_ptt_time = 5
 * wild_ptt_count = 3
 *
 * [ysf.timers]                  # seconds
 * client_expiry = 60
 * keep_alive = 5                # 0 = no keep-alive polls
 * watchdog = 1.5
 * reject_hold = 1.5
 *
 * [ysf.limits]
 * max_clients = 1000
 * max_clients_per_ip = 16
 * max_streams = 256
 * last_heard = 100
 * max_temp_blocks = 1000
 * max_wild_ptt_history = 1000
 * status_replies_per_second = 20
 *
 * [ysf.monitor]                 # pYSFReflector3 JSON feed (collector3)
 * enabled = false
 * json_bind = "127.0.0.1"
 * json_port = 42001             # default: port + 1
 *
 * [ysf.log]                     # G4KLX-format log file (dashboards)
 * g4klx_file_path = "/var/log/YSFReflector"
 * g4klx_file_root = "YSFReflector"
 * g4klx_file_rotate = true
 *
 * [ysf.aprs]
 * enable = false
 * server = "euro.aprs2.net"
 * port = 14580
 * ssid = "-10"
 * ```
 *
 * Unknown keys anywhere inside `[ysf]` are errors (a typo names the file,
 * the line and the key). Relative paths are relative to the file's
 * directory.
 *
 * @module
 */

import {
  ConfigError,
  type ConfigIssue,
  type ConfigPathSegment,
  type Infer,
  s,
} from "../../core/config/mod.ts";
import {
  monitorPortAfter,
  portCollisions,
  printableText,
  resolveConfigPath,
} from "./_shared.ts";
import { YSF_DEFAULTS, type YsfServiceConfig } from "./service_config.ts";

const seconds = (min: number) => s.number({ min });

const auxPortSchema = s.object({
  dgid: s.integer({ min: 1, max: 99 }),
  port: s.port(),
  alias: s.object({
    name: printableText(16).refine(
      (name) => name.trim() !== "",
      "a name of 1 to 16 printable ASCII characters",
    ),
    description: printableText(14).default(""),
    id: s.integer({ min: 0, max: 99999 }).default(0),
  }).optional(),
});

/**
 * The schema of the `[ysf]` table of `shack.toml` (see the module
 * documentation for every key and default). Plug it into the root schema as
 * `ysf: ysfConfigSchema.optional()`, then convert the value with
 * {@link ysfConfigFromToml}.
 *
 * @example Validating a table
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parse } from "../../core/config/mod.ts";
 * import { ysfConfigSchema } from "./toml_config.ts";
 *
 * const value = parse(ysfConfigSchema, { name: "SHACK", dgid: { list: [1, 9, 50] } });
 * equal(value.port, 42000);
 * equal(value.dgid.default, 22);
 * ```
 */
export const ysfConfigSchema = s.object({
  name: printableText(16).refine(
    (name) => name.trim() !== "",
    "a name of 1 to 16 printable ASCII characters",
  ),
  description: printableText(14).default(""),
  id: s.integer({ min: 0, max: 99999 }).default(0),
  mode: s.enum(["rooms", "single-room"]).default("rooms"),
  bind: s.array(s.string({ minLength: 1 }), { minLength: 1, maxLength: 16 })
    .default([...YSF_DEFAULTS.bind]),
  port: s.port().default(YSF_DEFAULTS.port),
  http_port: s.port({ allowZero: true }).default(YSF_DEFAULTS.httpPort),
  http_bind: s.string({ minLength: 1 }).optional(),
  contact: s.string().default(""),
  web: s.string().default(""),
  aux_ports: s.array(auxPortSchema, { maxLength: 99 }).default([]),
  dgid: s.object({
    list: s.array(s.integer({ min: 1, max: 99 }), { maxLength: 99 })
      .default([]),
    default: s.integer({ min: 0, max: 126 }).default(22),
    local: s.integer({ min: 0, max: 99 }).default(1),
    prefix: s.boolean().optional(),
    bth_time: seconds(0).default(900),
    home_file: s.string({ minLength: 1 }).optional(),
    database: s.string({ minLength: 1 }).optional(),
    max_remembered: s.integer({ min: 1, max: 1_000_000 })
      .default(YSF_DEFAULTS.roomDatabaseMaxEntries),
  }).default({}),
  acl: s.object({
    deny_file: s.string({ minLength: 1 }).optional(),
    block_list: s.string({ minLength: 1 }).optional(),
    reload_minutes: s.number({ min: 0 })
      .refine(
        (minutes) => minutes === 0 || minutes >= 0.1,
        "0 (only on SIGHUP) or a number of minutes of at least 0.1",
      )
      .default(YSF_DEFAULTS.reloadMinutes),
    check_re: s.integer({ min: -1, max: 1 }).optional(),
    refuse_blocked_links: s.boolean().default(false),
  }).default({}),
  protections: s.object({
    timeout: seconds(0).optional(),
    treactivate: seconds(0).default(1800),
    wild_ptt_time: s.number().refine(
      (value) => value > 0,
      "a number of seconds greater than 0",
    ).default(5),
    wild_ptt_count: s.integer({ min: 0 }).optional(),
  }).default({}),
  timers: s.object({
    client_expiry: s.number({ min: 1 }).default(60),
    keep_alive: seconds(0).default(5),
    watchdog: s.number({ min: 0.01 }).default(1.5),
    reject_hold: seconds(0).default(1.5),
  }).default({}),
  limits: s.object({
    max_clients: s.integer({ min: 1, max: 100_000 }).default(1000),
    max_clients_per_ip: s.integer({ min: 1, max: 100_000 }).default(16),
    max_streams: s.integer({ min: 1, max: 100_000 }).default(256),
    last_heard: s.integer({ min: 1, max: 100_000 }).default(100),
    max_temp_blocks: s.integer({ min: 1, max: 1_000_000 }).default(1000),
    max_wild_ptt_history: s.integer({ min: 1, max: 1_000_000 }).default(1000),
    status_replies_per_second: s.number({ min: 0 }).default(20),
  }).default({}),
  monitor: s.object({
    enabled: s.boolean().default(false),
    json_bind: s.string({ minLength: 1 }).default(YSF_DEFAULTS.monitorBind),
    json_port: s.port().optional(),
  }).default({}),
  log: s.object({
    g4klx_file_path: s.string({ minLength: 1 }).optional(),
    g4klx_file_root: s.string({ minLength: 1 }).default("YSFReflector"),
    g4klx_file_rotate: s.boolean().default(true),
  }).default({}),
  aprs: s.object({
    enable: s.boolean().default(false),
    server: s.string().default(""),
    port: s.port().default(YSF_DEFAULTS.aprsPort),
    ssid: s.string({ pattern: /^(?:-\d{1,2})?$/ }).default(""),
  }).default({}),
}, { unknownKeys: "error" });

/**
 * The validated `[ysf]` table of `shack.toml`.
 *
 * @example A value
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parse } from "../../core/config/mod.ts";
 * import { type YsfTomlConfig, ysfConfigSchema } from "./toml_config.ts";
 *
 * const value: YsfTomlConfig = parse(ysfConfigSchema, { name: "SHACK" });
 * equal(value.mode, "rooms");
 * ```
 */
export type YsfTomlConfig = Infer<typeof ysfConfigSchema>;

/**
 * Options of {@link ysfConfigFromToml}.
 *
 * @example Options
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { YsfConfigFromTomlOptions } from "./toml_config.ts";
 *
 * const options: YsfConfigFromTomlOptions = { file: "/etc/shack/shack.toml" };
 * equal(options.file, "/etc/shack/shack.toml");
 * ```
 */
export interface YsfConfigFromTomlOptions {
  /** The file the table came from (messages, relative paths). */
  file: string;
  /** The line of a key path of the whole file (`["ysf", "port"]`). */
  lineOf?: (path: readonly ConfigPathSegment[]) => number | undefined;
}

/**
 * Converts a validated `[ysf]` table into a {@link YsfServiceConfig}:
 * applies the mode-dependent defaults, resolves relative paths against the
 * file's directory and checks what the schema cannot (UDP ports used twice,
 * APRS on without a server).
 *
 * @example Converting
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parse } from "../../core/config/mod.ts";
 * import { ysfConfigFromToml, ysfConfigSchema } from "./toml_config.ts";
 *
 * const table = parse(ysfConfigSchema, { name: "SHACK", mode: "single-room", dgid: { home_file: "home.db" } });
 * const config = ysfConfigFromToml(table, { file: "/etc/shack/shack.toml" });
 * equal(config.reflector.timeoutSeconds, 0);
 * equal(config.files.homeFile, "/etc/shack/home.db");
 * equal(config.monitor.port, 42001);
 * ```
 *
 * @param table The validated table.
 * @param options The file name and line lookup.
 * @returns The configuration.
 * @throws {ConfigError} When ports collide or APRS lacks a server.
 */
export function ysfConfigFromToml(
  table: YsfTomlConfig,
  options: YsfConfigFromTomlOptions,
): YsfServiceConfig {
  const { file, lineOf } = options;
  const mode = table.mode;
  const defaults = YSF_DEFAULTS.reflector(mode);
  const path = (p: string | undefined) =>
    p === undefined ? undefined : resolveConfigPath(file, p);
  const monitorPort = table.monitor.json_port ??
    monitorPortAfter(table.port);

  const issues: ConfigIssue[] = portCollisions([
    {
      port: table.port,
      what: "the main port",
      path: ["ysf", "port"],
      key: "ysf.port",
    },
    ...table.aux_ports.map((aux, index) => ({
      port: aux.port,
      what: `auxiliary port ${index}`,
      path: ["ysf", "aux_ports"] as ConfigPathSegment[],
      key: `ysf.aux_ports[${index}].port`,
    })),
    ...(table.monitor.enabled
      ? [{
        port: monitorPort,
        what: "the monitor port",
        path: table.monitor.json_port === undefined
          ? ["ysf", "monitor", "enabled"]
          : ["ysf", "monitor", "json_port"],
        key: "ysf.monitor.json_port",
      }]
      : []),
  ], { file, lineOf });
  if (table.aprs.enable && table.aprs.server.trim() === "") {
    const issue: ConfigIssue = { file };
    const line = lineOf?.(["ysf", "aprs", "enable"]);
    if (line !== undefined) issue.line = line;
    issue.key = "ysf.aprs.server";
    issue.expected = "an APRS-IS server host when ysf.aprs.enable is true";
    issue.found = 'string ""';
    issues.push(issue);
  }
  if (issues.length > 0) throw new ConfigError(issues);

  const reflector = {
    name: table.name,
    description: table.description,
    id: table.id,
    ...defaults,
    dgidList: [...new Set(table.dgid.list)],
    defaultDgid: table.dgid.default,
    localDgid: table.dgid.local,
    prefix: table.dgid.prefix ?? defaults.prefix,
    bthTimeSeconds: table.dgid.bth_time,
    refuseBlockedLinks: table.acl.refuse_blocked_links,
    timeoutSeconds: table.protections.timeout ?? defaults.timeoutSeconds,
    treactivateSeconds: table.protections.treactivate,
    wildPttTimeSeconds: table.protections.wild_ptt_time,
    wildPttCount: table.protections.wild_ptt_count ?? defaults.wildPttCount,
    clientExpiryMs: table.timers.client_expiry * 1000,
    keepAliveMs: table.timers.keep_alive * 1000,
    watchdogMs: table.timers.watchdog * 1000,
    rejectHoldMs: table.timers.reject_hold * 1000,
    maxClients: table.limits.max_clients,
    maxClientsPerIp: table.limits.max_clients_per_ip,
    maxStreams: table.limits.max_streams,
    lastHeardSize: table.limits.last_heard,
    maxTempBlocks: table.limits.max_temp_blocks,
    maxWildPttHistory: table.limits.max_wild_ptt_history,
    statusRepliesPerSecond: table.limits.status_replies_per_second,
  };

  const config: YsfServiceConfig = {
    format: "toml",
    file,
    reflector,
    network: {
      bind: [...new Set(table.bind)],
      port: table.port,
      auxPorts: table.aux_ports.map((aux) => ({
        dgid: aux.dgid,
        port: aux.port,
        ...(aux.alias === undefined ? {} : {
          alias: {
            id: aux.alias.id,
            name: aux.alias.name,
            description: aux.alias.description,
          },
        }),
      })),
    },
    contact: table.contact,
    web: table.web,
    files: {
      checkRe: (table.acl.check_re ?? YSF_DEFAULTS.checkRe(mode)) as -1 | 0 | 1,
      reloadMinutes: table.acl.reload_minutes,
      roomDatabaseMaxEntries: table.dgid.max_remembered,
    },
    monitor: {
      enabled: table.monitor.enabled,
      bind: table.monitor.json_bind,
      port: monitorPort,
    },
    aprs: {
      enabled: table.aprs.enable,
      server: table.aprs.server,
      port: table.aprs.port,
      ssid: table.aprs.ssid,
    },
    notes: [],
  };
  if (table.http_port !== 0) config.httpPort = table.http_port;
  if (table.http_bind !== undefined) config.httpBind = table.http_bind;
  const denyFile = path(table.acl.deny_file);
  if (denyFile !== undefined) config.files.denyFile = denyFile;
  const blockListFile = path(table.acl.block_list);
  if (blockListFile !== undefined) config.files.blockListFile = blockListFile;
  const homeFile = path(table.dgid.home_file);
  if (homeFile !== undefined) config.files.homeFile = homeFile;
  const roomDatabase = path(table.dgid.database);
  if (roomDatabase !== undefined) config.files.roomDatabase = roomDatabase;
  const logPath = path(table.log.g4klx_file_path);
  if (logPath !== undefined) {
    config.g4klxLog = {
      filePath: logPath,
      fileRoot: table.log.g4klx_file_root,
      fileRotate: table.log.g4klx_file_rotate,
    };
  }
  return config;
}
