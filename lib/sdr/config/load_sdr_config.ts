/**
 * Reading the configuration of `shack sdr serve` from a file
 * ({@link loadSdrConfig}): shack's own `shack.toml` (`[sdr]` table) or a
 * PhantomSDR / PhantomSDR+ `config.toml`, told apart by their tables.
 *
 * @module
 */

import {
  ConfigError,
  loadConfigFile,
  parse,
  s,
} from "../../core/config/mod.ts";
import { sdrConfigFromPhantomToml } from "./phantomsdr_toml.ts";
import type { SdrServiceConfig } from "./service_config.ts";
import { sdrConfigFromToml, sdrConfigSchema } from "./toml_config.ts";

/** Top-level tables of PhantomSDR's files. */
const PHANTOM_TABLES = ["server", "input", "websdr", "limits", "register"];

/** shack.toml, reading only its `[sdr]` table. */
const shackTomlSchema = s.object({ sdr: sdrConfigSchema }, {
  unknownKeys: "ignore",
});

/**
 * Tells which kind of SDR configuration a parsed TOML document is:
 * `toml` (shack.toml) when it has an `[sdr]` table, `phantomsdr` when it
 * has any of PhantomSDR's tables (`[server]`, `[input]`, `[websdr]`,
 * `[limits]`, `[register]`), otherwise undefined.
 *
 * @example Both kinds
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { detectSdrConfigFormat } from "./load_sdr_config.ts";
 *
 * equal(detectSdrConfigFormat({ sdr: {}, ysf: {} }), "toml");
 * equal(detectSdrConfigFormat({ input: { sps: 2048000 } }), "phantomsdr");
 * equal(detectSdrConfigFormat({ log: {} }), undefined);
 * ```
 *
 * @param data The parsed document.
 * @returns The kind, or undefined when it is neither.
 */
export function detectSdrConfigFormat(
  data: Record<string, unknown>,
): "toml" | "phantomsdr" | undefined {
  if (Object.hasOwn(data, "sdr")) return "toml";
  if (PHANTOM_TABLES.some((name) => Object.hasOwn(data, name))) {
    return "phantomsdr";
  }
  return undefined;
}

/**
 * Reads the configuration of `shack sdr serve` from a TOML file:
 *
 * - a file with an `[sdr]` table is shack's own `shack.toml`: only that
 *   table is read (other services' tables are left to them), unknown keys
 *   inside it are errors;
 * - a file with PhantomSDR's tables (`[server]`, `[input]`, …) is a
 *   PhantomSDR / PhantomSDR+ `config.toml`, read unchanged with PhantomSDR's
 *   defaults (unknown keys are notes, not errors);
 * - anything else is a `ConfigError` naming the missing table.
 *
 * Relative paths inside the file are resolved against its directory.
 *
 * @example A PhantomSDR+ config.toml and a shack.toml
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { loadSdrConfig } from "./load_sdr_config.ts";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   await Deno.writeTextFile(`${dir}/config.toml`, '[server]\nport = 9003\n[input]\nsps = 2048000\nfrequency = 0\nsignal = "real"\n');
 *   const phantom = await loadSdrConfig(`${dir}/config.toml`);
 *   equal(phantom.format, "phantomsdr");
 *   equal(phantom.server.port, 9003);
 *   await Deno.writeTextFile(`${dir}/shack.toml`, '[sdr]\nport = 9004\n[sdr.input]\nsource = "stdin"\n');
 *   const own = await loadSdrConfig(`${dir}/shack.toml`);
 *   equal(own.format, "toml");
 *   equal(own.input.source.kind, "stdin");
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 *
 * @param path The file's path.
 * @returns The configuration.
 * @throws {ConfigError} When the file is missing, unreadable, not TOML,
 * neither kind, or a value is bad (file, line and key named).
 */
export async function loadSdrConfig(path: string): Promise<SdrServiceConfig> {
  const loaded = await loadConfigFile(path, { format: "toml" });
  const format = detectSdrConfigFormat(loaded.data);
  if (format === "toml") {
    const value = parse(shackTomlSchema, loaded.data, {
      file: path,
      lineOf: loaded.lineOf,
    });
    return sdrConfigFromToml(value.sdr, { file: path, lineOf: loaded.lineOf });
  }
  if (format === "phantomsdr") {
    return sdrConfigFromPhantomToml(loaded.data, {
      file: path,
      lineOf: loaded.lineOf,
    });
  }
  throw new ConfigError({
    file: path,
    key: "sdr",
    expected:
      "an [sdr] table (shack.toml) or PhantomSDR's [server] and [input] tables (config.toml)",
    found: "none of them",
  });
}
