/**
 * Reading G4KLX's `YSFReflector.ini` (hand parser: case-sensitive keys,
 * `Key=Value`, `#` comments, quoted values) into a {@link YsfServiceConfig}
 * in single-room mode, with G4KLX's code defaults for absent keys
 * (reference ysf.md §4): operators switching from G4KLX keep the behaviour
 * they had (every linked client hears every other, no DG-ID rooms, no
 * time-outs, block list by substring).
 *
 * Where we differ from G4KLX, always by refusing less or saying more:
 * - a value that does not parse (`Port=abc`) is a {@link ConfigError}
 *   naming the file, the line and the key; G4KLX's `atoi` reads it as 0;
 * - an absent `Network.Port` means 42000 (G4KLX would bind a random port);
 * - `General.Daemon` and `Network.Debug` are ignored (notes): run shack as
 *   a service, no packet hex dumps;
 * - `[Block List] Time` may have decimals (G4KLX truncates to whole
 *   minutes); 0 keeps G4KLX's meaning, no periodic reload;
 * - unknown sections and keys are notes (G4KLX ignores them silently);
 * - relative paths are relative to the ini file's directory.
 *
 * @module
 */

import {
  type ConfigPathSegment,
  type ObjectShape,
  parseWithWarnings,
  s,
} from "../../core/config/mod.ts";
import {
  monitorPortAfter,
  printableText,
  resolveConfigPath,
  unknownKeyNote,
  whereOf,
  withoutEmptyValues,
} from "./_shared.ts";
import { YSF_DEFAULTS, type YsfServiceConfig } from "./service_config.ts";

function section<T extends ObjectShape>(shape: T) {
  return s.object(shape, { unknownKeys: "warn" }).optional();
}

const g4klxSchema = s.object({
  General: section({ Daemon: s.integer().optional() }),
  Info: section({
    Id: s.integer({ min: 0, max: 4_294_967_295 }).optional(),
    Name: printableText().optional(),
    Description: printableText().optional(),
  }),
  Log: section({
    DisplayLevel: s.integer({ min: 0, max: 6 }).optional(),
    FileLevel: s.integer({ min: 0, max: 6 }).optional(),
    FilePath: s.string().optional(),
    FileRoot: s.string().optional(),
    FileRotate: s.integer().optional(),
  }),
  Network: section({
    Port: s.port().optional(),
    Debug: s.integer().optional(),
  }),
  "Block List": section({
    File: s.string().optional(),
    Time: s.number({ min: 0 }).optional(),
  }),
}, { unknownKeys: "warn" });

/**
 * Options of {@link ysfConfigFromG4klxIni}.
 *
 * @example Options
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { YsfConfigFromG4klxOptions } from "./g4klx_ini.ts";
 *
 * const options: YsfConfigFromG4klxOptions = { file: "/etc/YSFReflector.ini" };
 * equal(options.lineOf, undefined);
 * ```
 */
export interface YsfConfigFromG4klxOptions {
  /** The file's path (messages, relative paths). */
  file: string;
  /** The line of a `[section, key]` path. */
  lineOf?: (path: readonly ConfigPathSegment[]) => number | undefined;
}

/**
 * Converts the sections of a G4KLX `YSFReflector.ini` (parsed with the
 * g4klx dialect) into a {@link YsfServiceConfig} in single-room mode. See
 * the module documentation for the differences from G4KLX.
 *
 * @example A minimal file
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { ysfConfigFromG4klxIni } from "./g4klx_ini.ts";
 *
 * const config = ysfConfigFromG4klxIni(
 *   { Info: { Name: "SHACK", Id: "12345" }, "Block List": { File: "BlockList.txt" } },
 *   { file: "/etc/YSFReflector/YSFReflector.ini" },
 * );
 * equal(config.reflector.mode, "single-room");
 * equal(config.reflector.id, 12345);
 * equal(config.files.blockListFile, "/etc/YSFReflector/BlockList.txt");
 * deepEqual(config.network.bind, ["0.0.0.0", "::"]);
 * ```
 *
 * @param sections Section → key → value.
 * @param options The file name and line lookup.
 * @returns The configuration.
 * @throws {ConfigError} Listing every bad value.
 */
export function ysfConfigFromG4klxIni(
  sections: Record<string, unknown>,
  options: YsfConfigFromG4klxOptions,
): YsfServiceConfig {
  const { file, lineOf } = options;
  const notes: string[] = [];
  const at = (path: readonly ConfigPathSegment[]) =>
    whereOf(file, lineOf, path);
  const { value, warnings } = parseWithWarnings(
    g4klxSchema,
    withoutEmptyValues(sections),
    { file, coerce: true, lineOf },
  );
  for (const warning of warnings) notes.push(unknownKeyNote(warning));
  const general = value.General ?? {};
  const info = value.Info ?? {};
  const log = value.Log ?? {};
  const network = value.Network ?? {};
  const blockList = value["Block List"] ?? {};
  const mode = "single-room";
  const defaults = YSF_DEFAULTS.reflector(mode);

  let name = info.Name ?? "";
  if (name.length > 16) {
    name = name.slice(0, 16);
    notes.push(`${at(["Info", "Name"])}: cut to 16 characters: "${name}"`);
  }
  let description = info.Description ?? "";
  if (description.length > 14) {
    description = description.slice(0, 14);
    notes.push(
      `${at(["Info", "Description"])}: cut to 14 characters: "${description}"`,
    );
  }
  if (general.Daemon === 1) {
    notes.push(
      `${
        at(["General", "Daemon"])
      }: ignored, shack neither forks nor changes user (run it as a systemd service)`,
    );
  }
  if (network.Debug === 1) {
    notes.push(`${at(["Network", "Debug"])}: ignored, no packet hex dumps`);
  }
  if (network.Port === undefined) {
    notes.push(
      `${file}: Network.Port absent, using ${YSF_DEFAULTS.port} (G4KLX would bind a random port)`,
    );
  }
  if (log.DisplayLevel !== undefined && log.DisplayLevel > 0) {
    notes.push(
      `${
        at(["Log", "DisplayLevel"])
      }: ignored, shack logs to stderr at its own level`,
    );
  }
  const fileLevel = log.FileLevel ?? 0;
  if (fileLevel > 2) {
    notes.push(
      `${
        at(["Log", "FileLevel"])
      }: ignored, the G4KLX-format log file gets every message`,
    );
  }

  let reloadMinutes = blockList.Time ?? YSF_DEFAULTS.reloadMinutes;
  if (reloadMinutes > 0 && reloadMinutes < 0.1) {
    notes.push(
      `${at(["Block List", "Time"])}: ${reloadMinutes} raised to 0.1 minute`,
    );
    reloadMinutes = 0.1;
  }

  const port = network.Port ?? YSF_DEFAULTS.port;
  const config: YsfServiceConfig = {
    format: "g4klx",
    file,
    reflector: { name, description, id: info.Id ?? 0, ...defaults },
    network: { bind: [...YSF_DEFAULTS.bind], port, auxPorts: [] },
    contact: "",
    web: "",
    files: {
      checkRe: YSF_DEFAULTS.checkRe(mode),
      reloadMinutes,
      roomDatabaseMaxEntries: YSF_DEFAULTS.roomDatabaseMaxEntries,
    },
    monitor: {
      enabled: false,
      bind: YSF_DEFAULTS.monitorBind,
      port: monitorPortAfter(port),
    },
    aprs: {
      enabled: false,
      server: "",
      port: YSF_DEFAULTS.aprsPort,
      ssid: "",
    },
    notes,
  };
  const blockListFile = blockList.File?.trim();
  if (blockListFile !== undefined && blockListFile !== "") {
    config.files.blockListFile = resolveConfigPath(file, blockListFile);
  }
  const filePath = log.FilePath?.trim() ?? "";
  const fileRoot = log.FileRoot?.trim() ?? "";
  if (fileLevel > 0) {
    if (filePath !== "" && fileRoot !== "") {
      config.g4klxLog = {
        filePath: resolveConfigPath(file, filePath),
        fileRoot,
        fileRotate: (log.FileRotate ?? 1) === 1,
      };
    } else {
      notes.push(
        `${file}: Log.FilePath or Log.FileRoot empty, no G4KLX-format log file`,
      );
    }
  }
  return config;
}
