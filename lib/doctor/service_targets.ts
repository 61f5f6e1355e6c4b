/**
 * Which services doctor probes and where: `--target KIND=ADDRESS` values
 * and the services a `shack.toml` configures. `[ysf]` and `[sdr]` come from
 * the validated config; `[audio]` and `[bridge]` are read tolerantly (their
 * ports, when present), so doctor works before those sections have schemas.
 *
 * @module
 */

import { loadConfigFile } from "../core/config/load.ts";
import { loadShackConfig } from "../config.ts";
import type { CheckTarget } from "./types.ts";

export {
  DEFAULT_PORTS,
  HTTP_KINDS,
  parseTarget,
  TARGET_KINDS,
  type TargetKind,
} from "./target.ts";
import { DEFAULT_PORTS } from "./target.ts";

/** The services a config file configures, and what doctor needs to know of them. */
export interface ConfiguredServices {
  /** Probe targets (services with a fixed port). */
  targets: CheckTarget[];
  /** Service kinds with a section in the file (`sdr`, `audio`, …), port or not. */
  kinds: Set<string>;
  /** `[sdr.input] source`, when `[sdr]` is configured. */
  sdrSource?: string;
  /** Data directories named in the file (`data_dir`, `state_dir`, `record_dir`), resolved against its directory. */
  dataDirs: string[];
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hostFor(bind: string): string {
  if (bind === "0.0.0.0" || bind === "") return "127.0.0.1";
  if (bind === "::" || bind === "[::]") return "::1";
  return bind.replace(/^\[(.*)\]$/, "$1");
}

function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function localAddress(bind: readonly string[], port: number): string {
  const host = bind.find((b) => b !== "0.0.0.0" && b !== "::") ??
    (bind.includes("::") && !bind.includes("0.0.0.0") ? "::1" : "127.0.0.1");
  return hostPort(host.replace(/^\[(.*)\]$/, "$1"), port);
}

function portOf(value: unknown): number | undefined {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 65535
    ? n
    : undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== ""
    ? value.trim()
    : undefined;
}

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : path.slice(0, i);
}

/**
 * Reads the services a `shack.toml` configures. Sections that do not
 * validate are left out (the `config` check reports why); a file that does
 * not parse gives none.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { readConfiguredServices } from "./service_targets.ts";
 * const dir = await Deno.makeTempDir();
 * try {
 *   await Deno.writeTextFile(`${dir}/shack.toml`, '[sdr]\nport = 9100\n[bridge]\nport = 5004\n');
 *   const found = await readConfiguredServices(`${dir}/shack.toml`);
 *   deepEqual(found.targets.map((t) => t.address), ["http://127.0.0.1:9100", "http://127.0.0.1:5004"]);
 *   equal(found.sdrSource, "synthetic");
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export async function readConfiguredServices(
  path: string,
): Promise<ConfiguredServices> {
  const out: ConfiguredServices = {
    targets: [],
    kinds: new Set(),
    dataDirs: [],
  };
  try {
    const { config } = await loadShackConfig(path);
    if (config.ysf) {
      out.kinds.add("ysf");
      out.targets.push({
        kind: "ysf",
        address: localAddress(config.ysf.bind, config.ysf.port),
        source: "config",
        bind: config.ysf.bind.includes("0.0.0.0")
          ? "0.0.0.0"
          : config.ysf.bind[0] ?? "0.0.0.0",
      });
    }
    if (config.sdr) {
      out.kinds.add("sdr");
      out.sdrSource = config.sdr.input.source;
      if (config.sdr.port !== 0) {
        out.targets.push({
          kind: "sdr",
          address: `http://${
            hostPort(hostFor(config.sdr.bind), config.sdr.port)
          }`,
          source: "config",
          bind: config.sdr.bind,
        });
      }
    }
  } catch {
    // An invalid file: the config check reports it; still read what can be read.
  }
  let data: Record<string, unknown>;
  try {
    data = (await loadConfigFile(path, { format: "toml" })).data;
  } catch {
    return out;
  }
  const audio = data.audio;
  if (isTable(audio)) {
    // lib/audio/config.ts: http_host/http_port (0 = no HTTP), osc_host/osc_port.
    out.kinds.add("audio");
    const httpHost = stringOf(audio.http_host) ?? "0.0.0.0";
    const http = audio.http_port === 0
      ? undefined
      : portOf(audio.http_port) ?? DEFAULT_PORTS.audio;
    if (http !== undefined) {
      out.targets.push({
        kind: "audio",
        address: `http://${hostPort(hostFor(httpHost), http)}`,
        source: "config",
        bind: httpHost,
      });
    }
    const oscHost = stringOf(audio.osc_host) ?? "127.0.0.1";
    const osc = portOf(audio.osc_port) ?? DEFAULT_PORTS["audio-osc"];
    out.targets.push({
      kind: "audio-osc",
      address: hostPort(hostFor(oscHost), osc),
      source: "config",
      bind: oscHost,
    });
  }
  const bridge = data.bridge;
  if (isTable(bridge)) {
    out.kinds.add("bridge");
    const bind = stringOf(bridge.bind) ?? "0.0.0.0";
    const port = portOf(bridge.port) ?? portOf(bridge.http_port) ??
      DEFAULT_PORTS.bridge;
    out.targets.push({
      kind: "bridge",
      address: `http://${hostPort(hostFor(bind), port)}`,
      source: "config",
      bind,
    });
  }
  const base = dirname(path);
  for (const section of Object.values(data)) {
    if (!isTable(section)) continue;
    for (const key of ["data_dir", "state_dir", "record_dir"]) {
      const dir = stringOf(section[key]);
      if (dir) out.dataDirs.push(dir.startsWith("/") ? dir : `${base}/${dir}`);
    }
  }
  return out;
}

/**
 * Whether doctor should treat a service kind as wanted: it has a target or
 * a config section, or nothing at all was configured (a bare `shack
 * doctor`, which checks for everything).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { serviceWanted } from "./service_targets.ts";
 * equal(serviceWanted("bridge", { targets: [] }), true);
 * equal(serviceWanted("bridge", { targets: [{ kind: "ysf", address: "h:1", source: "command line" }] }), false);
 * equal(serviceWanted("audio", { targets: [{ kind: "audio-osc", address: "h:1", source: "command line" }] }), true);
 * ```
 */
export function serviceWanted(
  kind: "ysf" | "sdr" | "audio" | "bridge",
  context: {
    targets?: readonly CheckTarget[];
    configPath?: string;
    configuredKinds?: ReadonlySet<string>;
  },
): boolean {
  const targets = context.targets ?? [];
  if (targets.some((t) => t.kind === kind || t.kind.startsWith(`${kind}-`))) {
    return true;
  }
  if (context.configuredKinds?.has(kind)) return true;
  return targets.length === 0 && context.configPath === undefined;
}
