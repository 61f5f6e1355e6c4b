/**
 * The configuration of `shack ysf reflect`: one typed
 * {@link YsfServiceConfig} from any of three files, so operators switching
 * from another reflector keep their configuration file:
 *
 * - shack's own `shack.toml`, table `[ysf]` ({@link ysfConfigSchema});
 * - pYSFReflector3's `pysfreflector.ini` → rooms mode;
 * - G4KLX's `YSFReflector.ini` → single-room mode.
 *
 * {@link loadYsfConfig} detects the format, {@link applyYsfCliOverrides}
 * lets command-line flags win, {@link toYsfReflectorOptions} feeds the
 * reflector state machine. Every bad value is a `ConfigError` (exit code 78)
 * naming the file, the line and the key.
 *
 * @example Loading a pYSFReflector3 file
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { loadYsfConfig } from "./config.ts";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   const path = `${dir}/pysfreflector.ini`;
 *   await Deno.writeTextFile(path, "[Info]\nName= SHACK\n[DGID]\nlist = 1,9,50\ndefault = 50\n");
 *   const config = await loadYsfConfig(path);
 *   equal(config.format, "pysfreflector");
 *   deepEqual(config.reflector.dgidList, [1, 9, 50]);
 *   equal(config.reflector.timeoutSeconds, 240);
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 *
 * @module
 */

import {
  ConfigError,
  type ConfigPathSegment,
  type IniSections,
  loadConfigFile,
  type LoadedConfigFile,
  parse,
  s,
} from "../core/config/mod.ts";
import { ysfConfigFromG4klxIni } from "./config/g4klx_ini.ts";
import { ysfConfigFromPysfIni } from "./config/pysfreflector_ini.ts";
import type {
  YsfConfigFormat,
  YsfServiceConfig,
} from "./config/service_config.ts";
import { ysfConfigFromToml, ysfConfigSchema } from "./config/toml_config.ts";

export * from "./config/service_config.ts";
export * from "./config/toml_config.ts";
export * from "./config/pysfreflector_ini.ts";
export * from "./config/g4klx_ini.ts";
export * from "./config/overrides.ts";
export * from "./config/reflector_options.ts";

/** Sections only pYSFReflector3 files have. */
const PYSF3_SECTIONS = ["DGID", "Protections", "APRS", "REFL_ALIAS"];

/**
 * Tells which reflector an INI file is for: pYSFReflector3 when it has any
 * of the sections `[DGID]`, `[Protections]`, `[APRS]`, `[REFL_ALIAS]` or the
 * key `Json_Port` (any case, in any section), G4KLX otherwise.
 *
 * @example Both peers
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { detectYsfIniFormat } from "./config.ts";
 *
 * equal(detectYsfIniFormat({ Info: { Name: "A" }, DGID: { list: "1" } }), "pysfreflector");
 * equal(detectYsfIniFormat({ Network: { Json_Port: "42001" } }), "pysfreflector");
 * equal(detectYsfIniFormat({ Info: { Name: "A" }, "Block List": {} }), "g4klx");
 * ```
 *
 * @param sections Section → key → value.
 * @returns `pysfreflector` or `g4klx`.
 */
export function detectYsfIniFormat(
  sections: IniSections,
): "pysfreflector" | "g4klx" {
  for (const name of Object.keys(sections)) {
    if (PYSF3_SECTIONS.includes(name)) return "pysfreflector";
    for (const key of Object.keys(sections[name])) {
      if (key.toLowerCase() === "json_port") return "pysfreflector";
    }
  }
  return "g4klx";
}

/** A TOML file read as INI: a `[ysf]` or `[ysf.…]` section. */
function looksLikeShackToml(sections: IniSections): boolean {
  return Object.keys(sections).some((section) => {
    const name = section.replace(/^\[/, "").replace(/\]$/, "").trim();
    return name === "ysf" || name.startsWith("ysf.");
  });
}

/** Sections of the peers' files. */
const PEER_SECTIONS = ["General", "Info", "Log", "Network", ...PYSF3_SECTIONS];

/** A file without a `.toml` extension whose TOML tables are a peer's sections. */
function looksLikePeerIni(path: string, loaded: LoadedConfigFile): boolean {
  return !path.toLowerCase().endsWith(".toml") &&
    Object.keys(loaded.data).some((name) => PEER_SECTIONS.includes(name));
}

const shackTomlSchema = s.object({ ysf: ysfConfigSchema }, {
  unknownKeys: "ignore",
});

function fromToml(path: string, loaded: LoadedConfigFile): YsfServiceConfig {
  if (!Object.hasOwn(loaded.data, "ysf")) {
    throw new ConfigError({
      file: path,
      key: "ysf",
      expected: "a [ysf] table",
      found: "nothing",
    });
  }
  const value = parse(shackTomlSchema, loaded.data, {
    file: path,
    lineOf: loaded.lineOf,
  });
  return ysfConfigFromToml(value.ysf, { file: path, lineOf: loaded.lineOf });
}

/**
 * Reads the configuration of `shack ysf reflect` from a file of any of the
 * three formats:
 *
 * - TOML (`.toml`, or content that reads as TOML): shack's own file; only
 *   its `[ysf]` table is read (other services' tables are ignored), and a
 *   file without one is a `ConfigError` naming the missing table (unless
 *   it has no `.toml` extension and its tables are a peer's sections, as in
 *   a G4KLX file with only numbers: `[Network]` + `Port=42000`, read as INI);
 * - INI with a `[DGID]`, `[Protections]`, `[APRS]` or `[REFL_ALIAS]` section
 *   or a `Json_Port` key: pYSFReflector3 (configparser dialect,
 *   case-insensitive keys) → rooms mode;
 * - any other INI: G4KLX YSFReflector (g4klx dialect) → single-room mode.
 *
 * Relative paths inside the file are resolved against its directory.
 *
 * @example A shack.toml
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { loadYsfConfig } from "./config.ts";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   const path = `${dir}/shack.toml`;
 *   await Deno.writeTextFile(path, '[ysf]\nname = "SHACK"\n[ysf.dgid]\nlist = [1, 9]\n');
 *   const config = await loadYsfConfig(path);
 *   equal(config.format, "toml");
 *   equal(config.httpPort, 42080);
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 *
 * @param path The file's path.
 * @returns The configuration.
 * @throws {ConfigError} When the file is missing, unreadable or malformed,
 * or a value is bad (file, line and key named).
 */
export async function loadYsfConfig(path: string): Promise<YsfServiceConfig> {
  let loaded: LoadedConfigFile;
  let configparserError: ConfigError | undefined;
  try {
    loaded = await loadConfigFile(path, {
      ini: { dialect: "configparser", caseSensitiveKeys: false },
    });
  } catch (error) {
    // A G4KLX file the configparser rules refuse (a `:` key, say) may still
    // be a good G4KLX file. INI syntax errors have a line and no column;
    // anything else (a missing file, a TOML syntax error) is the answer.
    if (
      !(error instanceof ConfigError) || error.line === undefined ||
      error.column !== undefined
    ) {
      throw error;
    }
    configparserError = error;
    loaded = await loadConfigFile(path, {
      format: "ini",
      ini: { dialect: "g4klx" },
    }).catch(() => {
      throw error;
    });
  }
  if (loaded.format === "toml") {
    if (Object.hasOwn(loaded.data, "ysf") || !looksLikePeerIni(path, loaded)) {
      return fromToml(path, loaded);
    }
    // A peer's file that happens to be valid TOML (`[Network]` + `Port=42000`)
    loaded = await loadConfigFile(path, {
      format: "ini",
      ini: { dialect: "configparser", caseSensitiveKeys: false },
    });
  }
  const sections = loaded.data as IniSections;
  if (configparserError === undefined && looksLikeShackToml(sections)) {
    return fromToml(path, await loadConfigFile(path, { format: "toml" }));
  }
  const format: YsfConfigFormat = detectYsfIniFormat(sections);
  if (format === "pysfreflector") {
    if (configparserError !== undefined) throw configparserError;
    return ysfConfigFromPysfIni(sections, {
      file: path,
      lineOf: loaded.lineOf,
    });
  }
  const g4klx = configparserError === undefined
    ? await loadConfigFile(path, { format: "ini", ini: { dialect: "g4klx" } })
    : loaded;
  return ysfConfigFromG4klxIni(g4klx.data, {
    file: path,
    lineOf: (keyPath: readonly ConfigPathSegment[]) => g4klx.lineOf(keyPath),
  });
}
