/**
 * Loading configuration files: read a TOML or INI file
 * ({@link loadConfigFile}), or read and validate it against a schema
 * ({@link loadConfig}). Every failure, from a missing file to a bad value, is
 * a {@link ConfigError} naming the file.
 *
 * @module
 */

import {
  ConfigError,
  type ConfigIssue,
  type ConfigPathSegment,
} from "./errors.ts";
import { type IniParseOptions, parseIni } from "./ini.ts";
import { type Infer, parseWithWarnings, type Schema } from "./schema.ts";
import { locateTomlKeys, parseToml } from "./toml.ts";

/** A configuration file format. */
export type ConfigFormat = "toml" | "ini";

/** Options of {@link loadConfigFile}. */
export interface LoadConfigFileOptions {
  /**
   * The format; `"auto"` (default) uses the extension (`.toml`; `.ini`,
   * `.conf`, `.cfg`) and otherwise the content (see
   * {@link detectConfigFormat}).
   */
  format?: ConfigFormat | "auto";
  /** INI dialect and key case, for INI files. */
  ini?: Omit<IniParseOptions, "file">;
  /**
   * The largest file accepted, in bytes. Default 4 MiB. Larger files (or
   * endless ones such as `/dev/zero`) are a {@link ConfigError}.
   */
  maxBytes?: number;
}

/** A configuration file read by {@link loadConfigFile}. */
export interface LoadedConfigFile {
  /** The format it was parsed as. */
  format: ConfigFormat;
  /**
   * The values: the TOML document, or for INI section → key → string (keys
   * before any section are in the section `""`).
   */
  data: Record<string, unknown>;
  /** The line of a key path (`["server", "port"]`), when known. */
  lineOf: (path: readonly ConfigPathSegment[]) => number | undefined;
}

/** Options of {@link loadConfig}. */
export type LoadConfigOptions = LoadConfigFileOptions;

/** A configuration read and validated by {@link loadConfig}. */
export interface LoadedConfig<T> {
  /** The validated value. */
  value: T;
  /** Problems that did not stop loading (unknown keys under `"warn"`). */
  warnings: ConfigIssue[];
  /** The format the file was parsed as. */
  format: ConfigFormat;
}

const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;

const EXTENSIONS: Readonly<Record<string, ConfigFormat>> = {
  ".toml": "toml",
  ".ini": "ini",
  ".conf": "ini",
  ".cfg": "ini",
};

function extensionOf(path: string): string {
  const base = path.slice(
    Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1,
  );
  const dot = base.lastIndexOf(".");
  return dot <= 0 ? "" : base.slice(dot).toLowerCase();
}

const TOML_VALUE_START =
  /^(?:["'[{]|true\b|false\b|[+-]?(?:\d|inf\b|nan\b)|0[xob])/;

/**
 * Tells whether a file's content reads as INI rather than TOML: a `;`
 * comment, a `key: value` line, an empty value (`key =`), an unquoted text
 * value (`Name=My reflector`) or a section name with a space outside quotes
 * (`[Block List]`). Otherwise, including for files valid in both syntaxes
 * (`[Network]` + `Port=42000`), the answer is TOML.
 */
function looksLikeIni(text: string): boolean {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  let inMultiline = false;
  for (const raw of body.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    const quotes = (line.match(/"""|'''/g) ?? []).length;
    if (inMultiline) {
      if (quotes % 2 === 1) inMultiline = false;
      continue;
    }
    if (line === "" || line.startsWith("#")) continue;
    if (line.startsWith(";")) return true;
    if (line.startsWith("[")) {
      const close = line.lastIndexOf("]");
      const name = close > 0 ? line.slice(1, close).trim() : "";
      if (!line.startsWith("[[") && /\s/.test(name) && !/["']/.test(name)) {
        return true;
      }
      continue;
    }
    const equals = line.indexOf("=");
    const colon = line.indexOf(":");
    if (colon >= 0 && (equals < 0 || colon < equals)) {
      // `key: value`, unless the colon is inside a quoted key or a value
      // continuing a multi-line array
      if (!/["',\]]/.test(line.slice(0, colon))) return true;
      continue;
    }
    if (equals <= 0) continue; // a continuation of a multi-line value
    const value = line.slice(equals + 1).trim();
    if (value === "" || !TOML_VALUE_START.test(value)) return true;
    if (quotes % 2 === 1) inMultiline = true;
  }
  return false;
}

/**
 * Chooses the format of a configuration file: from the extension (`.toml` →
 * TOML; `.ini`, `.conf`, `.cfg` → INI, case-insensitive), otherwise from the
 * content: INI when it has INI-only traits (`;` comments, `key: value`,
 * empty or unquoted text values, section names with spaces), TOML otherwise.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { detectConfigFormat } from "./load.ts";
 *
 * equal(detectConfigFormat("YSFReflector.ini", ""), "ini");
 * equal(detectConfigFormat("config", "[Info]\nName=My reflector\n"), "ini");
 * equal(detectConfigFormat("config", '[server]\nhost = "0.0.0.0"\n'), "toml");
 * ```
 *
 * @param path The file's path (only its extension is used).
 * @param text The file's content.
 * @returns The format.
 */
export function detectConfigFormat(path: string, text: string): ConfigFormat {
  const byExtension = EXTENSIONS[extensionOf(path)];
  if (byExtension !== undefined) return byExtension;
  return looksLikeIni(text) ? "ini" : "toml";
}

function readError(path: string, error: unknown): ConfigError {
  let detail: string;
  if (error instanceof Deno.errors.NotFound) {
    detail = "file not found";
  } else if (error instanceof Deno.errors.PermissionDenied) {
    detail = "permission denied, cannot read the file";
  } else if (error instanceof Deno.errors.NotCapable) {
    detail = "read permission not granted to this process (--allow-read)";
  } else if (error instanceof Deno.errors.IsADirectory) {
    detail = "expected a file, found a directory";
  } else if (error instanceof Deno.errors.NotADirectory) {
    detail = "file not found (a parent in the path is not a directory)";
  } else {
    const message = error instanceof Error ? error.message : String(error);
    detail = `cannot read the file: ${message}`;
  }
  return new ConfigError({ file: path, detail }, { cause: error });
}

async function readConfigText(path: string, maxBytes: number): Promise<string> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    throw readError(path, error);
  }
  try {
    let info: Deno.FileInfo;
    try {
      info = await file.stat();
    } catch (error) {
      throw readError(path, error);
    }
    if (info.isDirectory) {
      throw new ConfigError({
        file: path,
        expected: "a file",
        found: "a directory",
      });
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    while (true) {
      const chunk = new Uint8Array(CHUNK_BYTES);
      let count: number | null;
      try {
        count = await file.read(chunk);
      } catch (error) {
        throw readError(path, error);
      }
      if (count === null) break;
      total += count;
      if (total > maxBytes) {
        throw new ConfigError({
          file: path,
          expected: `a file of at most ${maxBytes} bytes`,
          found: `more than ${maxBytes} bytes`,
        });
      }
      chunks.push(chunk.subarray(0, count));
    }
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    // Like Deno.readTextFile: invalid UTF-8 becomes U+FFFD, a BOM is dropped.
    return new TextDecoder().decode(bytes);
  } finally {
    file.close();
  }
}

/**
 * Reads and parses a TOML or INI file (without validating it).
 *
 * @example Usage
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { loadConfigFile } from "./load.ts";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   const path = `${dir}/YSFReflector.ini`;
 *   await Deno.writeTextFile(path, "[Network]\nPort=42000\n");
 *   const loaded = await loadConfigFile(path, { ini: { dialect: "g4klx" } });
 *   equal(loaded.format, "ini");
 *   deepEqual(loaded.data, { Network: { Port: "42000" } });
 *   equal(loaded.lineOf(["Network", "Port"]), 2);
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 *
 * @param path The file's path.
 * @param options Format, INI dialect and size limit.
 * @returns The format, the values and a line lookup.
 * @throws {ConfigError} When the file is missing, unreadable, too large or
 * malformed.
 */
export async function loadConfigFile(
  path: string,
  options: LoadConfigFileOptions = {},
): Promise<LoadedConfigFile> {
  const text = await readConfigText(
    path,
    options.maxBytes ?? DEFAULT_MAX_BYTES,
  );
  const requested = options.format ?? "auto";
  const format = requested === "auto"
    ? detectConfigFormat(path, text)
    : requested;
  if (format === "ini") {
    const doc = parseIni(text, { ...options.ini, file: path });
    return {
      format,
      data: doc.sections,
      lineOf: (keyPath) => doc.lineOfPath(keyPath),
    };
  }
  return {
    format,
    data: parseToml(text, { file: path }),
    lineOf: locateTomlKeys(text),
  };
}

/**
 * Reads a TOML or INI file and validates it against a schema; INI values are
 * coerced from strings. Problems name the file and, when known, the line.
 *
 * @example Usage
 * ```ts
 * import { equal, rejects } from "node:assert/strict";
 * import { loadConfig } from "./load.ts";
 * import { s } from "./schema.ts";
 *
 * const schema = s.object({
 *   server: s.object({ port: s.port().default(9002) }).default({}),
 * });
 * const dir = await Deno.makeTempDir();
 * try {
 *   const path = `${dir}/config.toml`;
 *   await Deno.writeTextFile(path, "[server]\nport = 8080\n");
 *   const { value } = await loadConfig(path, schema);
 *   equal(value.server.port, 8080);
 *   await Deno.writeTextFile(path, "[server]\nport = 70000\n");
 *   await rejects(loadConfig(path, schema), {
 *     name: "ConfigError",
 *     message: `${path}:2: server.port: expected a port number from 1 to 65535, found number 70000`,
 *   });
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 *
 * @typeParam S The schema type.
 * @param path The file's path.
 * @param schema The schema of the whole file.
 * @param options Format, INI dialect and size limit.
 * @returns The typed value, warnings and format.
 * @throws {ConfigError} Listing every problem found.
 */
export async function loadConfig<S extends Schema<unknown, unknown>>(
  path: string,
  schema: S,
  options: LoadConfigOptions = {},
): Promise<LoadedConfig<Infer<S>>> {
  const file = await loadConfigFile(path, options);
  const result = parseWithWarnings(schema, file.data, {
    file: path,
    coerce: file.format === "ini",
    lineOf: file.lineOf,
  });
  return {
    value: result.value,
    warnings: result.warnings,
    format: file.format,
  };
}
