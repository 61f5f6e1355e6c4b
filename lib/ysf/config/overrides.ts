/**
 * Command-line overrides of a {@link YsfServiceConfig}
 * ({@link applyYsfCliOverrides}): flags win over the file.
 *
 * @module
 */

import { PRINTABLE_ASCII } from "./_shared.ts";
import type { YsfServiceConfig } from "./service_config.ts";

/**
 * The settings the command line can override. Absent fields keep the
 * file's value.
 *
 * @example Overrides
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { YsfCliOverrides } from "./overrides.ts";
 *
 * const overrides: YsfCliOverrides = { port: 42100, bind: ["::"] };
 * equal(overrides.name, undefined);
 * ```
 */
export interface YsfCliOverrides {
  /** Addresses to bind the UDP sockets to (replaces the file's list). */
  bind?: readonly string[];
  /** The main UDP port. */
  port?: number;
  /** The reflector name (1 to 16 printable ASCII characters). */
  name?: string;
  /** The description (at most 14 printable ASCII characters). */
  description?: string;
  /** The status id, 0 (hash of the name) to 99999. */
  id?: number;
  /** The HTTP status/metrics port; 0 turns it off. */
  httpPort?: number;
  /** The address of the HTTP status/metrics server. */
  httpBind?: string;
}

function checkPort(value: number, flag: string, allowZero: boolean): void {
  const min = allowZero ? 0 : 1;
  if (!Number.isInteger(value) || value < min || value > 65535) {
    throw new RangeError(
      `Expected ${flag} to be a port number from ${min} to 65535, found ${value}`,
    );
  }
}

function checkText(value: string, flag: string, max: number, min = 0): void {
  if (
    typeof value !== "string" || !PRINTABLE_ASCII.test(value) ||
    value.length > max || value.trim().length < min
  ) {
    throw new TypeError(
      `Expected ${flag} to be ${
        min > 0 ? `1 to ${max}` : `at most ${max}`
      } printable ASCII characters, found ${JSON.stringify(value)}`,
    );
  }
}

/**
 * Returns a copy of a configuration with command-line values in place of
 * the file's (flags win). Each override adds a note
 * (`command line: port 42100 (file: 42000)`). The main port is checked
 * against the auxiliary ports and, when it runs, the monitor port.
 *
 * @example The command line wins
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { applyYsfCliOverrides, loadYsfConfig } from "../config.ts";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   await Deno.writeTextFile(`${dir}/YSFReflector.ini`, "[Info]\nName=FILE\n[Network]\nPort=42000\n");
 *   const config = await loadYsfConfig(`${dir}/YSFReflector.ini`);
 *   const merged = applyYsfCliOverrides(config, { port: 42100, name: "CLI" });
 *   equal(merged.network.port, 42100);
 *   equal(merged.reflector.name, "CLI");
 *   equal(config.network.port, 42000);
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 *
 * @param config The configuration from the file.
 * @param overrides The command-line values.
 * @returns The merged configuration (the input is not changed).
 * @throws {RangeError} If a port or the id is out of range, or the port is
 * already used by an auxiliary port or the monitor.
 * @throws {TypeError} If the name or description is not printable ASCII of
 * the right length, or `bind` is empty.
 */
export function applyYsfCliOverrides(
  config: YsfServiceConfig,
  overrides: YsfCliOverrides,
): YsfServiceConfig {
  const out = structuredClone(config);
  const note = (what: string, value: unknown, was: unknown) =>
    out.notes.push(
      `command line: ${what} ${JSON.stringify(value)} (file: ${
        JSON.stringify(was)
      })`,
    );
  if (overrides.bind !== undefined) {
    const bind = [...new Set(overrides.bind.map((address) => address.trim()))];
    if (bind.length === 0 || bind.some((address) => address === "")) {
      throw new TypeError(
        `Expected bind to be one or more addresses, found ${
          JSON.stringify(overrides.bind)
        }`,
      );
    }
    note("bind", bind, out.network.bind);
    out.network.bind = bind;
  }
  if (overrides.port !== undefined) {
    checkPort(overrides.port, "port", false);
    const aux = out.network.auxPorts.find((a) => a.port === overrides.port);
    if (aux !== undefined) {
      throw new RangeError(
        `Expected port to differ from the auxiliary port of DG-ID ${aux.dgid}, found ${overrides.port}`,
      );
    }
    if (out.monitor.enabled && out.monitor.port === overrides.port) {
      throw new RangeError(
        `Expected port to differ from the monitor port, found ${overrides.port}`,
      );
    }
    note("port", overrides.port, out.network.port);
    out.network.port = overrides.port;
  }
  if (overrides.name !== undefined) {
    checkText(overrides.name, "name", 16, 1);
    note("name", overrides.name, out.reflector.name);
    out.reflector.name = overrides.name;
  }
  if (overrides.description !== undefined) {
    checkText(overrides.description, "description", 14);
    note("description", overrides.description, out.reflector.description);
    out.reflector.description = overrides.description;
  }
  if (overrides.id !== undefined) {
    if (
      !Number.isInteger(overrides.id) || overrides.id < 0 ||
      overrides.id > 99999
    ) {
      throw new RangeError(
        `Expected id to be an integer from 0 to 99999, found ${overrides.id}`,
      );
    }
    note("id", overrides.id, out.reflector.id);
    out.reflector.id = overrides.id;
  }
  if (overrides.httpPort !== undefined) {
    checkPort(overrides.httpPort, "httpPort", true);
    note("http port", overrides.httpPort, out.httpPort ?? 0);
    if (overrides.httpPort === 0) delete out.httpPort;
    else out.httpPort = overrides.httpPort;
  }
  if (overrides.httpBind !== undefined) {
    note("http bind", overrides.httpBind, out.httpBind ?? "");
    out.httpBind = overrides.httpBind;
  }
  return out;
}
