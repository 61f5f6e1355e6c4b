/**
 * The typed configuration of `shack ysf reflect` ({@link YsfServiceConfig}),
 * whichever file it came from (shack.toml `[ysf]`, pYSFReflector3's
 * `pysfreflector.ini` or G4KLX's `YSFReflector.ini`), and the defaults it
 * uses for what a file leaves out ({@link YSF_DEFAULTS}).
 *
 * @module
 */

import type { CheckRe } from "../reflector/acl.ts";
import type { ReflectorMode, StatusAlias } from "../reflector/options.ts";

/**
 * The file a {@link YsfServiceConfig} was read from:
 *
 * - `toml`: the `[ysf]` table of shack's own `shack.toml`;
 * - `pysfreflector`: a pYSFReflector3 `pysfreflector.ini` (rooms mode);
 * - `g4klx`: a G4KLX `YSFReflector.ini` (single-room mode).
 *
 * @example A format
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { YsfConfigFormat } from "./service_config.ts";
 *
 * const format: YsfConfigFormat = "g4klx";
 * equal(format, "g4klx");
 * ```
 */
export type YsfConfigFormat = "toml" | "pysfreflector" | "g4klx";

/**
 * The reflector settings of a configuration: the fields of
 * `YsfReflectorOptions` that come from a file, every one resolved (no
 * `undefined`), so a status page can show them and
 * {@link toYsfReflectorOptions} can pass them on. Times are in the unit
 * their name says.
 *
 * @example Reading the room settings
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { YSF_DEFAULTS, type YsfReflectorConfig } from "./service_config.ts";
 *
 * const reflector: YsfReflectorConfig = {
 *   ...YSF_DEFAULTS.reflector("rooms"),
 *   name: "SHACK",
 *   description: "Test",
 *   id: 0,
 * };
 * equal(reflector.defaultDgid, 22);
 * ```
 */
export interface YsfReflectorConfig {
  /** Name in the YSFS status reply, printable ASCII (the reflector cuts it to 16). */
  name: string;
  /** Description in the YSFS status reply, printable ASCII (cut to 14). */
  description: string;
  /** Configured status id; 0 = hash of the name. */
  id: number;
  /** `rooms` (pYSFReflector3 semantics) or `single-room` (G4KLX). */
  mode: ReflectorMode;
  /** Allowed DG-IDs, each 1..99 (`[DGID] list`); empty = only the default room. */
  dgidList: number[];
  /** Room of a new client no other rule applies to, 0..126 (`[DGID] default`). */
  defaultDgid: number;
  /** The local room (never relayed), 1..99; 0 = none (`[DGID] local`). */
  localDgid: number;
  /** Rewrite relayed sources to `NN/CALL` for dynamic clients (`[DGID] prefix`). */
  prefix: boolean;
  /** Back-to-home time of a home set by YSFO, seconds (`[DGID] bth_time`). */
  bthTimeSeconds: number;
  /** Refuse links from locked (`GWB`/`IPB`) or block-listed gateways. */
  refuseBlockedLinks: boolean;
  /** Transmit time-out, seconds; 0 = off (`[Protections] Timeout`). */
  timeoutSeconds: number;
  /** Temporary block after a time-out or wild PTT, seconds (`Treactivate`). */
  treactivateSeconds: number;
  /** Wild-PTT window, seconds, > 0 (`WildPTTTime`). */
  wildPttTimeSeconds: number;
  /** Stream starts within the window that trigger a block; 0 = off (`WildPTTCount`). */
  wildPttCount: number;
  /** A client expires this long after its last poll, ms. */
  clientExpiryMs: number;
  /** Period of the keep-alive `YSFPREFLECTOR ` to every client, ms; 0 = off. */
  keepAliveMs: number;
  /** A stream ends after this long without frames, ms. */
  watchdogMs: number;
  /** A refused gateway stays refused until this much silence, ms. */
  rejectHoldMs: number;
  /** Most linked clients; newcomers beyond are refused. */
  maxClients: number;
  /** Most clients from one address. */
  maxClientsPerIp: number;
  /** Most open streams. */
  maxStreams: number;
  /** Entries of the last-heard list. */
  lastHeardSize: number;
  /** Most temporarily blocked callsigns. */
  maxTempBlocks: number;
  /** Most callsigns with wild-PTT history. */
  maxWildPttHistory: number;
  /** YSFS + YSFV replies per second (burst twice that); 0 = unlimited. */
  statusRepliesPerSecond: number;
}

/**
 * An auxiliary UDP port statically bound to one DG-ID (pYSFReflector3
 * `aux_port = DG:port`), optionally answering YSFS as a "virtual" reflector
 * (`[REFL_ALIAS]`). Without an alias it answers YSFS as the reflector itself
 * (pYSFReflector3 answers with the last alias defined, or not at all).
 *
 * @example An auxiliary port with an alias
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { YsfAuxPortConfig } from "./service_config.ts";
 *
 * const aux: YsfAuxPortConfig = {
 *   dgid: 10,
 *   port: 42010,
 *   alias: { id: 0, name: "OLD REFLECTOR", description: "Now room 10" },
 * };
 * equal(aux.alias?.name, "OLD REFLECTOR");
 * ```
 */
export interface YsfAuxPortConfig {
  /** The DG-ID of every client linked through this port, 1..99. */
  dgid: number;
  /** The UDP port. */
  port: number;
  /** The YSFS identity of this port, if any. */
  alias?: StatusAlias;
}

/**
 * Where the reflector listens.
 *
 * @example Dual stack
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import type { YsfNetworkConfig } from "./service_config.ts";
 *
 * const network: YsfNetworkConfig = { bind: ["0.0.0.0", "::"], port: 42000, auxPorts: [] };
 * deepEqual(network.bind, ["0.0.0.0", "::"]);
 * ```
 */
export interface YsfNetworkConfig {
  /**
   * The addresses the UDP sockets bind to, at least one. The default
   * `["0.0.0.0", "::"]` asks for IPv4 and IPv6; on Linux with
   * `net.ipv6.bindv6only = 0` a socket bound to `::` already receives IPv4
   * (as `::ffff:a.b.c.d`) and a second bind of `0.0.0.0` on the same port
   * fails with "address in use", which the I/O layer has to allow for.
   */
  bind: string[];
  /** The main UDP port. */
  port: number;
  /** Auxiliary ports, each with its own DG-ID. */
  auxPorts: YsfAuxPortConfig[];
}

/**
 * The rule files and the room database. Paths are absolute, or relative to
 * the working directory when the configuration file's path was.
 *
 * @example Files of a pYSFReflector3 setup
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { YsfFilesConfig } from "./service_config.ts";
 *
 * const files: YsfFilesConfig = {
 *   denyFile: "/opt/pysfreflector/deny.db",
 *   checkRe: 1,
 *   reloadMinutes: 0.5,
 *   roomDatabaseMaxEntries: 10_000,
 * };
 * equal(files.blockListFile, undefined);
 * ```
 */
export interface YsfFilesConfig {
  /** A pYSFReflector3 deny file (`deny.db`: CS/AL/SB/GW/GWB/IP/IPB/SN lines). */
  denyFile?: string;
  /** A G4KLX block list (`BlockList.txt`: one callsign per line, substring match). */
  blockListFile?: string;
  /** How callsigns on neither list are treated (`CheckRE`): -1, 0 or 1. */
  checkRe: CheckRe;
  /**
   * How often the rule files and the home file are checked for changes,
   * minutes; 0 = only on SIGHUP (G4KLX `Time=0`).
   */
  reloadMinutes: number;
  /** The pYSFReflector3 home file (`CALL:DGID:minutes` lines). */
  homeFile?: string;
  /** The tinydb JSON file remembering the last room of each gateway. */
  roomDatabase?: string;
  /** Most gateways remembered in the room database. */
  roomDatabaseMaxEntries: number;
}

/**
 * The pYSFReflector3 JSON monitor feed (UDP, `CONNREQ`/`PING`/`BYE`,
 * read by collector3 and its dashboard).
 *
 * @example The pYSFReflector3 defaults
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { YsfMonitorConfig } from "./service_config.ts";
 *
 * const monitor: YsfMonitorConfig = { enabled: true, bind: "127.0.0.1", port: 42001 };
 * equal(monitor.port, 42001);
 * ```
 */
export interface YsfMonitorConfig {
  /** Whether the feed runs. */
  enabled: boolean;
  /** The address its UDP socket binds to. */
  bind: string;
  /** Its UDP port. */
  port: number;
}

/**
 * A log file in the G4KLX format (`M: YYYY-MM-DD HH:MM:SS.mmm text`, UTC),
 * the one the dg9vh YSFReflector-Dashboard parses, written as well as
 * shack's own log.
 *
 * @example A daily file
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { YsfG4klxLogConfig } from "./service_config.ts";
 *
 * const log: YsfG4klxLogConfig = {
 *   filePath: "/var/log/YSFReflector",
 *   fileRoot: "YSFReflector",
 *   fileRotate: true,
 * };
 * equal(log.fileRotate, true);
 * ```
 */
export interface YsfG4klxLogConfig {
  /** The directory of the log files. */
  filePath: string;
  /** The file name stem. */
  fileRoot: string;
  /** `true`: one file per UTC day, `ROOT-YYYY-MM-DD.log`; `false`: `ROOT.log`. */
  fileRotate: boolean;
}

/**
 * APRS-IS positions of stations whose radios send GPS (pYSFReflector3
 * `[APRS]`).
 *
 * @example Off
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { YsfAprsConfig } from "./service_config.ts";
 *
 * const aprs: YsfAprsConfig = { enabled: false, server: "", port: 14580, ssid: "" };
 * equal(aprs.enabled, false);
 * ```
 */
export interface YsfAprsConfig {
  /** Whether positions are sent. */
  enabled: boolean;
  /** The APRS-IS server host (non-empty when enabled). */
  server: string;
  /** The APRS-IS server port. */
  port: number;
  /** The SSID appended to the callsign, e.g. `-10`; empty for none (`-0` in the ini). */
  ssid: string;
}

/**
 * The whole configuration of `shack ysf reflect`, as plain data.
 *
 * @example Loading a file
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { loadYsfConfig, type YsfServiceConfig } from "../config.ts";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   await Deno.writeTextFile(`${dir}/YSFReflector.ini`, "[Info]\nName=SHACK\n[Network]\nPort=42000\n");
 *   const config: YsfServiceConfig = await loadYsfConfig(`${dir}/YSFReflector.ini`);
 *   equal(config.format, "g4klx");
 *   equal(config.reflector.mode, "single-room");
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export interface YsfServiceConfig {
  /** Which kind of file it came from. */
  format: YsfConfigFormat;
  /** The file's path, as given. */
  file: string;
  /** The reflector state machine's settings. */
  reflector: YsfReflectorConfig;
  /** The UDP sockets. */
  network: YsfNetworkConfig;
  /** The TCP port of the HTTP status page and `/metrics`; absent = off. */
  httpPort?: number;
  /**
   * The address of the HTTP server; absent = the UDP address when there
   * is one, else `::` (all addresses).
   */
  httpBind?: string;
  /** Contact shown by the monitor feed and status page (`[Info] Contact`). */
  contact: string;
  /** Web address shown by the monitor feed and status page (`[Info] Web`). */
  web: string;
  /** Rule files and the room database. */
  files: YsfFilesConfig;
  /** The pYSFReflector3 JSON monitor feed. */
  monitor: YsfMonitorConfig;
  /** The G4KLX-format log file, when one is wanted. */
  g4klxLog?: YsfG4klxLogConfig;
  /** APRS-IS positions. */
  aprs: YsfAprsConfig;
  /**
   * Things worth telling the operator that are not errors: keys accepted
   * but ignored, values clamped or cut as the peers do, unknown keys of INI
   * files (the peers ignore them too), command-line overrides. One line each.
   */
  notes: string[];
}

/** The default HTTP status/metrics port: 42080 (the YSF port's "80"). */
const HTTP_PORT = 42080;

/**
 * The reflector defaults of one mode (pYSFReflector3's code defaults in
 * rooms mode, G4KLX behaviour in single-room mode).
 */
function reflectorDefaults(
  mode: ReflectorMode,
): Omit<YsfReflectorConfig, "name" | "description" | "id"> {
  const rooms = mode === "rooms";
  return {
    mode,
    dgidList: [],
    defaultDgid: 22,
    localDgid: 1,
    prefix: rooms,
    bthTimeSeconds: 900,
    refuseBlockedLinks: false,
    timeoutSeconds: rooms ? 240 : 0,
    treactivateSeconds: 1800,
    wildPttTimeSeconds: 5,
    wildPttCount: rooms ? 3 : 0,
    clientExpiryMs: 60_000,
    keepAliveMs: 5000,
    watchdogMs: 1500,
    rejectHoldMs: 1500,
    maxClients: 1000,
    maxClientsPerIp: 16,
    maxStreams: 256,
    lastHeardSize: 100,
    maxTempBlocks: 1000,
    maxWildPttHistory: 1000,
    statusRepliesPerSecond: 20,
  };
}

/**
 * The defaults of a {@link YsfServiceConfig}:
 *
 * - `port` 42000 (both peers), `bind` `["0.0.0.0", "::"]` (IPv4 and IPv6,
 *   as G4KLX), `httpPort` 42080 (shack.toml only; the peers have none);
 * - `reflector(mode)`: pYSFReflector3's code defaults in `rooms` mode
 *   (default room 22, local room 1, prefix on, back-to-home 900 s, time-out
 *   240 s, re-activation 1800 s, wild PTT 3 starts in 5 s), G4KLX behaviour
 *   in `single-room` mode (no time-out, no wild-PTT, no prefix); timers
 *   and limits as the reflector's own defaults (stream watchdog 1.5 s,
 *   G4KLX's; pYSFReflector3 waits 2 s);
 * - `checkRe(mode)`: 1 in rooms mode (pYSFReflector3), 0 in single-room
 *   mode (G4KLX relays any callsign);
 * - `reloadMinutes` 5 (both peers), `roomDatabaseMaxEntries` 10 000;
 * - monitor on `127.0.0.1`, port = main port + 1; APRS port 14580.
 *
 * @example Mode-dependent defaults
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { YSF_DEFAULTS } from "./service_config.ts";
 *
 * equal(YSF_DEFAULTS.reflector("rooms").timeoutSeconds, 240);
 * equal(YSF_DEFAULTS.reflector("single-room").timeoutSeconds, 0);
 * equal(YSF_DEFAULTS.httpPort, 42080);
 * ```
 */
export const YSF_DEFAULTS = {
  port: 42000,
  bind: ["0.0.0.0", "::"] as readonly string[],
  httpPort: HTTP_PORT,
  reflector: reflectorDefaults,
  checkRe(mode: ReflectorMode): CheckRe {
    return mode === "rooms" ? 1 : 0;
  },
  reloadMinutes: 5,
  roomDatabaseMaxEntries: 10_000,
  monitorBind: "127.0.0.1",
  aprsPort: 14580,
} as const;

/**
 * The configuration used when no file is given: pYSFReflector3's defaults,
 * rooms mode, name "SHACK", IPv4 and IPv6 on port 42000, HTTP on 42080.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { defaultYsfConfig } from "./service_config.ts";
 * equal(defaultYsfConfig().network.port, 42000);
 * ```
 */
export function defaultYsfConfig(): YsfServiceConfig {
  return {
    format: "toml",
    file: "(defaults)",
    contact: "",
    web: "",
    notes: [],
    reflector: {
      ...YSF_DEFAULTS.reflector("rooms"),
      name: "SHACK",
      description: "",
      id: 0,
    },
    network: { bind: ["::"], port: YSF_DEFAULTS.port, auxPorts: [] },
    httpPort: YSF_DEFAULTS.httpPort,
    files: {
      checkRe: YSF_DEFAULTS.checkRe("rooms"),
      reloadMinutes: YSF_DEFAULTS.reloadMinutes,
      roomDatabaseMaxEntries: YSF_DEFAULTS.roomDatabaseMaxEntries,
    },
    monitor: {
      enabled: false,
      bind: YSF_DEFAULTS.monitorBind,
      port: YSF_DEFAULTS.port + 1,
    },
    aprs: { enabled: false, server: "", port: YSF_DEFAULTS.aprsPort, ssid: "" },
  };
}
