/**
 * Configuration for every shack service: TOML (smol-toml) and INI parsing
 * (reading the peers' `YSFReflector.ini`, `pysfreflector.ini` and
 * `config.toml` unchanged), a small typed schema library, and
 * {@link ConfigError}, whose messages name the file, the line, the key, what
 * was expected and what was found, and whose `exitCode` is 78 (EX_CONFIG).
 *
 * - {@link loadConfig}: read a file, parse it, validate it, all problems at
 *   once.
 * - {@link s}, {@link parse}, {@link parseWithWarnings}, {@link Infer}: the
 *   schema library.
 * - {@link parseIni}, {@link parseToml}, {@link loadConfigFile},
 *   {@link detectConfigFormat}: the pieces.
 *
 * @example Loading a pYSFReflector3 file with defaults for absent keys
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { type Infer, loadConfig, s } from "./mod.ts";
 *
 * const schema = s.object({
 *   Info: s.object({
 *     name: s.string({ minLength: 1 }),
 *     id: s.integer({ min: 0, max: 999999 }).default(0),
 *   }, { unknownKeys: "ignore" }),
 *   Network: s.object({
 *     ip: s.string().default("0.0.0.0"),
 *     port: s.port().default(42000),
 *   }, { unknownKeys: "ignore" }).default({}),
 * }, { unknownKeys: "ignore" });
 * type YsfConfig = Infer<typeof schema>;
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   const path = `${dir}/pysfreflector.ini`;
 *   await Deno.writeTextFile(path, "[Info]\nName= My reflector\n[Network]\nPort = 42100\n");
 *   const { value } = await loadConfig(path, schema, {
 *     ini: { dialect: "configparser", caseSensitiveKeys: false },
 *   });
 *   const config: YsfConfig = value;
 *   deepEqual(config, {
 *     Info: { name: "My reflector", id: 0 },
 *     Network: { ip: "0.0.0.0", port: 42100 },
 *   });
 *   equal(config.Network.port, 42100);
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 *
 * @module
 */

export * from "./errors.ts";
export * from "./schema.ts";
export * from "./ini.ts";
export * from "./toml.ts";
export * from "./load.ts";
