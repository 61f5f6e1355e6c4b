/**
 * shack's own configuration file (`shack.toml`): one section per service.
 * Each service adds its section here as it lands (`[log]`, `[ysf]`,
 * `[sdr]`, `[audio]`, `[bridge]`); a
 * section this version does not know is reported as a warning, not
 * silently ignored.
 *
 * @module
 */

import { type Infer, s } from "./core/config/schema.ts";
import { loadConfig } from "./core/config/load.ts";
import { formatConfigIssue } from "./core/config/errors.ts";
import { LOG_FORMATS, LOG_LEVELS } from "./core/log.ts";
import { ysfConfigSchema } from "./ysf/config/toml_config.ts";
import { sdrConfigSchema } from "./sdr/config/toml_config.ts";
import { audioConfigSchema } from "./audio/config.ts";
import { bridgeConfigSchema } from "./bridge/config.ts";

/**
 * The schema of `shack.toml`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parse } from "./core/config/schema.ts";
 * import { shackConfigSchema } from "./config.ts";
 * equal(parse(shackConfigSchema, {}).log.level, "info");
 * ```
 */
export const shackConfigSchema = s.object({
  log: s.object({
    level: s.enum(LOG_LEVELS).default("info"),
    format: s.enum(LOG_FORMATS).default("text"),
  }, { unknownKeys: "error" }).default({}),
  /** `shack ysf reflect` (see lib/ysf/config). */
  ysf: ysfConfigSchema.optional(),
  /** `shack sdr serve` (see lib/sdr/config), validated ahead of the command. */
  sdr: sdrConfigSchema.optional(),
  /** `shack audio run` (see lib/audio/config). */
  audio: audioConfigSchema.optional(),
  /** `shack bridge serve` (see lib/bridge/config). */
  bridge: bridgeConfigSchema.optional(),
}, { unknownKeys: "warn" });

/** The validated contents of `shack.toml`. */
export type ShackConfig = Infer<typeof shackConfigSchema>;

/** A loaded `shack.toml`. */
export interface LoadedShackConfig {
  /** The validated values with defaults applied. */
  config: ShackConfig;
  /** Warnings (unknown sections), one line each. */
  warnings: string[];
  /** The file's format. */
  format: "toml" | "ini";
}

/**
 * Reads and validates a `shack.toml`.
 *
 * @throws {ConfigError} When the file is missing, unreadable or invalid.
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { loadShackConfig } from "./config.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/shack.toml`, '[log]\nlevel = "debug"\n');
 * const { config } = await loadShackConfig(`${dir}/shack.toml`);
 * equal(config.log.level, "debug");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadShackConfig(
  path: string,
): Promise<LoadedShackConfig> {
  const loaded = await loadConfig(path, shackConfigSchema, { format: "toml" });
  return {
    config: loaded.value,
    warnings: loaded.warnings.map(formatConfigIssue),
    format: loaded.format,
  };
}
