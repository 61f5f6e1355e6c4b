/**
 * Reading pYSFReflector3's `pysfreflector.ini` (Python configparser: keys
 * case-insensitive, `=` or `:`) into a {@link YsfServiceConfig} in rooms
 * mode, with pYSFReflector3's code defaults for absent keys (reference
 * ysf.md §3.7).
 *
 * Where we differ from pYSFReflector3, always by refusing less or saying
 * more:
 * - a value that does not parse (`Port=abc`, `list = 1,x`, a malformed
 *   `aux_port` or `refl_NN`) is a {@link ConfigError} naming the file, the
 *   line and the key; pYSFReflector3 silently falls back to its default
 *   (or, for `list`, to no rooms at all);
 * - keys pYSFReflector3 requires but shack does not need (`Log.FilePath`,
 *   `APRS.server`, `DGID.database`, …) may be absent: a note says that
 *   pYSFReflector3 itself would refuse the file; only `Info.Name` is
 *   required;
 * - an empty value (`Port=`) is the same as an absent key;
 * - clamped values (`CheckRE` to -1..1, `Time` to at least 0.1 minute) and
 *   names cut to 16 / 14 characters are reported as notes;
 * - `Timeout=0` and `WildPTTCount=0` turn the protection off (in
 *   pYSFReflector3 they would time out or block every stream);
 * - unknown sections and keys are notes (pYSFReflector3 ignores them
 *   silently; a typo would go unnoticed);
 * - relative paths are relative to the ini file's directory (pYSFReflector3:
 *   to its working directory).
 *
 * @module
 */

import {
  ConfigError,
  type ConfigIssue,
  type ConfigPathSegment,
  type ObjectShape,
  parseWithWarnings,
  s,
} from "../../core/config/mod.ts";
import type { StatusAlias } from "../reflector/options.ts";
import {
  issueAt,
  monitorPortAfter,
  portCollisions,
  PRINTABLE_ASCII,
  printableText,
  resolveConfigPath,
  unknownKeyNote,
  whereOf,
  withoutEmptyValues,
} from "./_shared.ts";
import {
  YSF_DEFAULTS,
  type YsfAuxPortConfig,
  type YsfServiceConfig,
} from "./service_config.ts";

/**
 * Parses pYSFReflector3's `aux_port` value, `DG:port, DG:port`: DG-IDs
 * 1..99, ports 1..65535. A value of 3 characters or fewer is no port at all,
 * as in pYSFReflector3.
 *
 * @example Two ports
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { parseAuxPortList } from "./pysfreflector_ini.ts";
 *
 * deepEqual(parseAuxPortList("10:42010, 20 : 42020"), [
 *   { dgid: 10, port: 42010 },
 *   { dgid: 20, port: 42020 },
 * ]);
 * deepEqual(parseAuxPortList(""), []);
 * equal(parseAuxPortList("10:abc"), undefined);
 * ```
 *
 * @param text The value.
 * @returns The ports, or `undefined` if the value is malformed.
 */
export function parseAuxPortList(
  text: string,
): { dgid: number; port: number }[] | undefined {
  const out: { dgid: number; port: number }[] = [];
  if (text.trim().length <= 3) return out;
  for (const item of text.split(",")) {
    const parts = item.split(":").map((part) => part.trim());
    if (parts.length !== 2 || !/^\d{1,2}$/.test(parts[0])) return undefined;
    if (!/^\d{1,5}$/.test(parts[1])) return undefined;
    const dgid = Number(parts[0]);
    const port = Number(parts[1]);
    if (dgid < 1 || dgid > 99 || port < 1 || port > 65535) return undefined;
    out.push({ dgid, port });
  }
  return out;
}

/**
 * One `[REFL_ALIAS]` entry: the YSFS identity of the auxiliary port(s) of
 * a DG-ID.
 *
 * @example An alias
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseReflectorAlias, type ReflectorAlias } from "./pysfreflector_ini.ts";
 *
 * const alias: ReflectorAlias = parseReflectorAlias("10, 0, OLD REF, Now room 10")!;
 * equal(alias.dgid, 10);
 * ```
 */
export interface ReflectorAlias extends StatusAlias {
  /** The DG-ID of the auxiliary port it answers on, 1..99. */
  dgid: number;
  /** The configured id, 0 (hash of the name) or 1..999999. */
  id: number;
}

/**
 * Parses a `[REFL_ALIAS] refl_NN = DGID, ID, name, desc` value as
 * pYSFReflector3 does: exactly four comma-separated fields, DG-ID 1..99,
 * a numeric id (0 or 1 000 000 and more mean the hash of the name), the
 * name cut to 16 and the description to 14 characters, then trimmed.
 *
 * @example Parsing
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { parseReflectorAlias } from "./pysfreflector_ini.ts";
 *
 * deepEqual(parseReflectorAlias("10, 12345, OLD REFLECTOR, Now room 10"), {
 *   dgid: 10,
 *   id: 12345,
 *   name: "OLD REFLECTOR",
 *   description: "Now room 10",
 * });
 * equal(parseReflectorAlias("10, x, A, B"), undefined);
 * ```
 *
 * @param text The value.
 * @returns The alias, or `undefined` if the value is malformed.
 */
export function parseReflectorAlias(text: string): ReflectorAlias | undefined {
  const parts = text.split(",");
  if (parts.length !== 4) return undefined;
  const dgidText = parts[0].trim();
  const idText = parts[1].trim();
  if (!/^\d{1,2}$/.test(dgidText) || !/^\d{1,12}$/.test(idText)) {
    return undefined;
  }
  const dgid = Number(dgidText);
  if (dgid < 1 || dgid > 99) return undefined;
  const rawId = Number(idText);
  // pYSFReflector3 strips the leading space only after cutting.
  const name = parts[2].trimStart().slice(0, 16).trim();
  const description = parts[3].trimStart().slice(0, 14).trim();
  if (
    name === "" || !PRINTABLE_ASCII.test(name) ||
    !PRINTABLE_ASCII.test(description)
  ) {
    return undefined;
  }
  return {
    dgid,
    id: rawId > 0 && rawId < 1_000_000 ? rawId : 0,
    name,
    description,
  };
}

const optionalString = () => s.string().optional();
function section<T extends ObjectShape>(shape: T) {
  return s.object(shape, { unknownKeys: "warn" }).optional();
}

/** The file, keys lower-cased (configparser's `optionxform`). */
const pysfSchema = s.object({
  General: section({ daemon: optionalString() }),
  Info: s.object({
    name: printableText(),
    description: printableText().optional(),
    id: s.integer().optional(),
    contact: optionalString(),
    web: optionalString(),
  }, { unknownKeys: "warn" }),
  Log: section({
    displaylevel: s.integer().optional(),
    filelevel: s.integer().optional(),
    filepath: optionalString(),
    fileroot: optionalString(),
    filerotate: optionalString(),
  }),
  Network: section({
    ip: optionalString(),
    port: s.port().optional(),
    json_ip: optionalString(),
    json_port: s.port().optional(),
    debug: s.integer().optional(),
  }),
  "Block List": section({
    file: optionalString(),
    time: s.number().optional(),
    checkre: s.integer().optional(),
  }),
  Protections: section({
    timeout: s.number({ min: 0 }).optional(),
    wildptttime: s.number().refine(
      (value) => value > 0,
      "a number of seconds greater than 0",
    ).optional(),
    wildpttcount: s.integer({ min: 0 }).optional(),
    treactivate: s.number({ min: 0 }).optional(),
  }),
  APRS: section({
    enable: s.integer().optional(),
    server: optionalString(),
    port: s.port().optional(),
    ssid: optionalString(),
  }),
  DGID: section({
    list: s.array(s.integer({ min: 1, max: 99 }), { maxLength: 99 })
      .optional(),
    default: s.integer({ min: 0, max: 126 }).optional(),
    local: s.integer({ min: 0, max: 99 }).optional(),
    prefix: s.integer().optional(),
    bth_time: s.number({ min: 0 }).optional(),
    database: optionalString(),
    home: optionalString(),
    aux_port: s.string().refine(
      (text) => parseAuxPortList(text) !== undefined,
      "DG-ID:port pairs separated by commas, like 10:42010, 20:42020 (DG-ID 1..99)",
    ).optional(),
  }),
  REFL_ALIAS: s.record(
    s.string().refine(
      (text) => parseReflectorAlias(text) !== undefined,
      "DGID, ID, name, description (DG-ID 1..99, a numeric ID, printable ASCII)",
    ),
    { maxEntries: 99 },
  ).optional(),
}, { unknownKeys: "warn" });

/** Keys pYSFReflector3 reads without a fallback (a KeyError at start). */
const REQUIRED_BY_PYSF3: readonly [string, string][] = [
  ["Info", "description"],
  ["Log", "filepath"],
  ["Log", "fileroot"],
  ["APRS", "server"],
  ["APRS", "ssid"],
  ["DGID", "list"],
  ["DGID", "database"],
  ["DGID", "home"],
  ["DGID", "aux_port"],
];

/**
 * Options of {@link ysfConfigFromPysfIni}.
 *
 * @example Options
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { YsfConfigFromIniOptions } from "./pysfreflector_ini.ts";
 *
 * const options: YsfConfigFromIniOptions = { file: "/etc/pysfreflector.ini", lineOf: () => undefined };
 * equal(options.file, "/etc/pysfreflector.ini");
 * ```
 */
export interface YsfConfigFromIniOptions {
  /** The file's path (messages, relative paths). */
  file: string;
  /** The line of a `[section, key]` path. */
  lineOf?: (path: readonly ConfigPathSegment[]) => number | undefined;
}

/**
 * Converts the sections of a pYSFReflector3 `pysfreflector.ini` (parsed
 * with the configparser dialect and case-insensitive keys) into a
 * {@link YsfServiceConfig} in rooms mode. See the module documentation for
 * the differences from pYSFReflector3.
 *
 * @example The smallest file
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { ysfConfigFromPysfIni } from "./pysfreflector_ini.ts";
 *
 * const config = ysfConfigFromPysfIni(
 *   { Info: { name: "SHACK" }, DGID: { list: "1,9,50", default: "50" } },
 *   { file: "/etc/pysfreflector.ini" },
 * );
 * equal(config.reflector.mode, "rooms");
 * deepEqual(config.reflector.dgidList, [1, 9, 50]);
 * equal(config.monitor.port, 42001);
 * ```
 *
 * @param sections Section → lower-cased key → value.
 * @param options The file name and line lookup.
 * @returns The configuration.
 * @throws {ConfigError} Listing every bad value.
 */
export function ysfConfigFromPysfIni(
  sections: Record<string, unknown>,
  options: YsfConfigFromIniOptions,
): YsfServiceConfig {
  const { file, lineOf } = options;
  const notes: string[] = [];
  const at = (path: readonly ConfigPathSegment[]) =>
    whereOf(file, lineOf, path);
  const { value, warnings } = parseWithWarnings(
    pysfSchema,
    withoutEmptyValues(sections),
    { file, coerce: true, lineOf },
  );
  for (const warning of warnings) notes.push(unknownKeyNote(warning));

  const info = value.Info;
  const log = value.Log ?? {};
  const network = value.Network ?? {};
  const blockList = value["Block List"] ?? {};
  const protections = value.Protections ?? {};
  const aprs = value.APRS ?? {};
  const dgid = value.DGID ?? {};
  const defaults = YSF_DEFAULTS.reflector("rooms");
  const path = (p: string | undefined) =>
    p === undefined ? undefined : resolveConfigPath(file, p.trim());

  // Info
  let name = info.name;
  if (name.length > 16) {
    name = name.slice(0, 16);
    notes.push(`${at(["Info", "name"])}: cut to 16 characters: "${name}"`);
  }
  let description = info.description ?? "";
  if (description.length > 14) {
    description = description.slice(0, 14);
    notes.push(
      `${at(["Info", "description"])}: cut to 14 characters: "${description}"`,
    );
  }
  let id = info.id ?? 0;
  if (id !== 0 && (id < 0 || id >= 1_000_000)) {
    notes.push(
      `${
        at(["Info", "id"])
      }: ${id} is not 1..999999, the id is the hash of the name`,
    );
    id = 0;
  }

  // Log
  if (log.filelevel !== undefined && log.filelevel !== 1) {
    notes.push(
      `${
        at(["Log", "filelevel"])
      }: ignored, the G4KLX-format log file gets every message`,
    );
  }
  if (network.debug !== undefined && network.debug >= 1) {
    notes.push(`${at(["Network", "debug"])}: ignored, no packet hex dumps`);
  }

  // Block List
  let reloadMinutes = blockList.time ?? YSF_DEFAULTS.reloadMinutes;
  if (reloadMinutes < 0.1) {
    notes.push(
      `${at(["Block List", "time"])}: ${reloadMinutes} raised to 0.1 minute`,
    );
    reloadMinutes = 0.1;
  }
  let checkRe = blockList.checkre ?? 1;
  if (checkRe < -1 || checkRe > 1) {
    const clamped = checkRe < -1 ? -1 : 1;
    notes.push(
      `${at(["Block List", "checkre"])}: ${checkRe} clamped to ${clamped}`,
    );
    checkRe = clamped;
  }

  // Protections
  if (protections.timeout === 0) {
    notes.push(
      `${at(["Protections", "timeout"])}: 0 turns the transmit time-out off`,
    );
  }
  if (protections.wildpttcount === 0) {
    notes.push(
      `${
        at(["Protections", "wildpttcount"])
      }: 0 turns the wild-PTT protection off`,
    );
  }

  // Network and DGID
  const port = network.port ?? YSF_DEFAULTS.port;
  const monitorPort = network.json_port ?? monitorPortAfter(port);
  const aliases = new Map<number, ReflectorAlias>();
  for (const [key, text] of Object.entries(value.REFL_ALIAS ?? {})) {
    const alias = parseReflectorAlias(text)!;
    if (!aliases.has(alias.dgid)) aliases.set(alias.dgid, alias);
    else {
      notes.push(
        `${
          at(["REFL_ALIAS", key])
        }: DG-ID ${alias.dgid} already has an alias, ignored`,
      );
    }
  }
  const dgidList = [...new Set(dgid.list ?? [])];
  const auxPorts: YsfAuxPortConfig[] = [];
  for (const aux of parseAuxPortList(dgid.aux_port ?? "")!) {
    const alias = aliases.get(aux.dgid);
    auxPorts.push(
      alias === undefined ? aux : {
        ...aux,
        alias: {
          id: alias.id,
          name: alias.name,
          description: alias.description,
        },
      },
    );
    if (!dgidList.includes(aux.dgid)) {
      notes.push(
        `${
          at(["DGID", "aux_port"])
        }: DG-ID ${aux.dgid} of port ${aux.port} is not in DGID.list, its clients get the usual room rules`,
      );
    }
  }
  for (const alias of aliases.values()) {
    if (!auxPorts.some((aux) => aux.dgid === alias.dgid)) {
      notes.push(
        `${file}: REFL_ALIAS: no auxiliary port has DG-ID ${alias.dgid}, alias "${alias.name}" ignored`,
      );
    }
  }

  const issues: ConfigIssue[] = portCollisions([
    {
      port,
      what: "the main port",
      path: ["Network", "port"],
      key: "Network.port",
    },
    ...auxPorts.map((aux) => ({
      port: aux.port,
      what: `auxiliary port ${aux.dgid}:${aux.port}`,
      path: ["DGID", "aux_port"] as ConfigPathSegment[],
      key: "DGID.aux_port",
    })),
    {
      port: monitorPort,
      what: "the JSON monitor port",
      path: network.json_port === undefined
        ? ["Network", "port"]
        : ["Network", "json_port"],
      key: "Network.json_port",
    },
  ], { file, lineOf });
  const aprsEnabled = (aprs.enable ?? 0) >= 1;
  const aprsServer = (aprs.server ?? "").trim();
  if (aprsEnabled && aprsServer === "") {
    issues.push(
      issueAt(
        file,
        lineOf,
        ["APRS", "server"],
        "an APRS-IS server host when APRS.enable is 1",
        "nothing",
      ),
    );
  }
  if (issues.length > 0) throw new ConfigError(issues);

  const missing = REQUIRED_BY_PYSF3.filter(([name, key]) => {
    const values = sections[name] as Record<string, unknown> | undefined;
    return values === undefined || !Object.hasOwn(values, key);
  }).map(([name, key]) => `${name}.${key}`);
  if (missing.length > 0) {
    notes.push(
      `${file}: pYSFReflector3 itself would refuse this file, it lacks ${
        missing.join(", ")
      }`,
    );
  }

  const ssid = (aprs.ssid ?? "").trim();
  const config: YsfServiceConfig = {
    format: "pysfreflector",
    file,
    reflector: {
      name,
      description,
      id,
      ...defaults,
      dgidList,
      defaultDgid: dgid.default ?? defaults.defaultDgid,
      localDgid: dgid.local ?? defaults.localDgid,
      prefix: dgid.prefix === undefined ? defaults.prefix : dgid.prefix > 0,
      bthTimeSeconds: dgid.bth_time ?? defaults.bthTimeSeconds,
      timeoutSeconds: protections.timeout ?? defaults.timeoutSeconds,
      treactivateSeconds: protections.treactivate ??
        defaults.treactivateSeconds,
      wildPttTimeSeconds: protections.wildptttime ??
        defaults.wildPttTimeSeconds,
      wildPttCount: protections.wildpttcount ?? defaults.wildPttCount,
    },
    network: {
      bind: [(network.ip ?? "0.0.0.0").trim()],
      port,
      auxPorts,
    },
    contact: info.contact ?? "",
    web: info.web ?? "",
    files: {
      checkRe: checkRe as -1 | 0 | 1,
      reloadMinutes,
      roomDatabaseMaxEntries: YSF_DEFAULTS.roomDatabaseMaxEntries,
    },
    monitor: {
      enabled: true,
      bind: (network.json_ip ?? YSF_DEFAULTS.monitorBind).trim(),
      port: monitorPort,
    },
    aprs: {
      enabled: aprsEnabled,
      server: aprsServer,
      port: aprs.port ?? YSF_DEFAULTS.aprsPort,
      ssid: ssid === "-0" ? "" : ssid,
    },
    notes,
  };
  const denyFile = path(blockList.file);
  if (denyFile !== undefined) config.files.denyFile = denyFile;
  const homeFile = path(dgid.home);
  if (homeFile !== undefined) config.files.homeFile = homeFile;
  const roomDatabase = path(dgid.database);
  if (roomDatabase !== undefined) config.files.roomDatabase = roomDatabase;
  const logPath = path(log.filepath);
  const logRoot = log.fileroot?.trim();
  if (logPath !== undefined && logRoot !== undefined) {
    config.g4klxLog = {
      filePath: logPath,
      fileRoot: logRoot,
      fileRotate: (log.filerotate ?? "1").trim() === "1",
    };
  }
  return config;
}
