/**
 * Hardened systemd units for shack's services (`shack service unit NAME`):
 * a dynamic or dedicated user, a read-only system, per-service state
 * directories, restart on failure, a SIGTERM stop within 5 s, and only the
 * address families and capabilities the service uses.
 *
 * `MemoryDenyWriteExecute=` is deliberately absent: V8's JIT needs
 * writable-then-executable memory and the process would die at start.
 *
 * @module
 */

/** The services a unit can be generated for (`up` runs every configured service). */
export const SERVICE_UNITS = ["ysf", "sdr", "audio", "bridge", "up"] as const;

/** One of {@link SERVICE_UNITS}. */
export type ServiceUnitName = typeof SERVICE_UNITS[number];

/** Options of {@link systemdUnit}. */
export interface SystemdUnitOptions {
  /**
   * The program: the compiled `shack` binary (default
   * `/usr/local/bin/shack`), or the `deno` binary when `script` is set
   * (default `/usr/local/bin/deno` then).
   */
  exec?: string;
  /** Run this bundle (`dist/shack.js`) with `exec` as deno and the minimal permission flags. */
  script?: string;
  /** Run as this existing user instead of `DynamicUser=yes`. */
  user?: string;
  /** The config file the service reads. Default `/etc/shack/shack.toml`. */
  config?: string;
  /** The service listens on a port below 1024: adds `CAP_NET_BIND_SERVICE`. */
  lowPorts?: boolean;
  /** Seconds between a failure and the restart. Default 2. */
  restartSec?: number;
  /** More arguments for the service command. */
  args?: readonly string[];
}

interface ServiceSpec {
  description: string;
  command: string[];
  families: string[];
  devices: boolean;
  realtime: boolean;
  manyFiles: boolean;
  children: boolean;
  groups: string[];
  run: (exec: string) => string | undefined;
  sys: string | undefined;
}

const INET = ["AF_UNIX", "AF_INET", "AF_INET6"];

const SPECS: Record<ServiceUnitName, ServiceSpec> = {
  ysf: {
    description: "shack YSF reflector",
    command: ["ysf", "reflect"],
    families: INET,
    devices: false,
    realtime: false,
    manyFiles: false,
    children: false,
    groups: [],
    run: () => undefined,
    sys: undefined,
  },
  sdr: {
    description: "shack WebSDR",
    command: ["sdr", "serve"],
    families: INET,
    devices: false,
    realtime: false,
    manyFiles: true,
    children: false,
    groups: [],
    run: () => undefined,
    sys: undefined,
  },
  audio: {
    description: "shack audio engine",
    command: ["audio", "run"],
    families: INET,
    devices: true,
    realtime: true,
    manyFiles: false,
    children: true,
    groups: ["audio"],
    run: (exec) => `${exec},pw-cat,pacat,aplay`,
    sys: undefined,
  },
  bridge: {
    description: "shack IPTV to HDHomeRun bridge",
    command: ["bridge", "serve"],
    families: [...INET, "AF_NETLINK"],
    devices: false,
    realtime: false,
    manyFiles: true,
    children: true,
    groups: [],
    run: () => "ffmpeg",
    sys: "networkInterfaces,hostname",
  },
  up: {
    description: "shack services",
    command: ["up"],
    families: [...INET, "AF_NETLINK"],
    devices: true,
    realtime: true,
    manyFiles: true,
    children: true,
    groups: ["audio"],
    run: (exec) => `${exec},ffmpeg,pw-cat,pacat,aplay`,
    sys: "networkInterfaces,hostname",
  },
};

function stateSubdir(service: ServiceUnitName): string {
  return service === "up" ? "shack" : `shack/${service}`;
}

/**
 * The unit's file name (`shack-ysf.service`; `shack.service` for `up`).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { unitFileName } from "./systemd_unit.ts";
 * equal(unitFileName("sdr"), "shack-sdr.service");
 * equal(unitFileName("up"), "shack.service");
 * ```
 */
export function unitFileName(service: ServiceUnitName): string {
  return service === "up" ? "shack.service" : `shack-${service}.service`;
}

/**
 * Quotes one argument for a systemd command line: double quotes around
 * whitespace or quotes, `%` doubled (specifiers), `$` doubled (variables).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { quoteExecArg } from "./systemd_unit.ts";
 * equal(quoteExecArg("/etc/shack/shack.toml"), "/etc/shack/shack.toml");
 * equal(quoteExecArg("My Shack 100%"), '"My Shack 100%%"');
 * equal(quoteExecArg("SHACK_*"), "SHACK_*");
 * ```
 */
export function quoteExecArg(arg: string): string {
  if (/[\n\r]/.test(arg)) {
    throw new TypeError(
      `Expected an argument without line breaks, found ${JSON.stringify(arg)}`,
    );
  }
  const escaped = arg.replaceAll("%", "%%").replaceAll("$", "$$$$");
  if (escaped !== "" && !/[\s"'\\;]/.test(escaped)) return escaped;
  return `"${escaped.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/**
 * The Deno permission flags a service needs when run from the bundle (and
 * that `deno compile` should bake in): its config directory to read, its
 * state directory to write, the network, `SHACK_*` variables, and the
 * programs it starts.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { denoPermissionFlags } from "./systemd_unit.ts";
 * deepEqual(denoPermissionFlags("ysf"), [
 *   "--allow-env=SHACK_*,NO_COLOR",
 *   "--allow-net",
 *   "--allow-read=/etc/shack,/var/lib/shack/ysf",
 *   "--allow-write=/var/lib/shack/ysf",
 * ]);
 * ```
 */
export function denoPermissionFlags(
  service: ServiceUnitName,
  options: Pick<SystemdUnitOptions, "exec" | "config"> = {},
): string[] {
  const spec = SPECS[service];
  const state = `/var/lib/${stateSubdir(service)}`;
  const config = options.config ?? "/etc/shack/shack.toml";
  const configDir = config.slice(0, config.lastIndexOf("/")) || "/";
  const reads = [...new Set([configDir, "/etc/shack", state])];
  const run = spec.run(options.exec ?? "/usr/local/bin/deno");
  return [
    "--allow-env=SHACK_*,NO_COLOR",
    "--allow-net",
    `--allow-read=${reads.join(",")}`,
    `--allow-write=${state}`,
    ...(run ? [`--allow-run=${run}`] : []),
    ...(spec.sys ? [`--allow-sys=${spec.sys}`] : []),
  ];
}

/**
 * Generates the unit file text for `service`.
 *
 * @example Usage
 * ```ts
 * import { match, doesNotMatch } from "node:assert/strict";
 * import { systemdUnit } from "./systemd_unit.ts";
 * const unit = systemdUnit("ysf");
 * match(unit, /^ExecStart=\/usr\/local\/bin\/shack ysf reflect --config \/etc\/shack\/shack\.toml$/m);
 * match(unit, /^DynamicUser=yes$/m);
 * match(unit, /^ProtectSystem=strict$/m);
 * doesNotMatch(unit, /^MemoryDenyWriteExecute=/m);
 * ```
 *
 * @throws {TypeError} When an option has a line break or `user` is not a valid user name.
 * @throws {RangeError} When `restartSec` is not a positive number.
 */
export function systemdUnit(
  service: ServiceUnitName,
  options: SystemdUnitOptions = {},
): string {
  const spec = SPECS[service];
  if (spec === undefined) {
    throw new TypeError(
      `Expected a service of ${SERVICE_UNITS.join(", ")}, found "${service}"`,
    );
  }
  if (
    options.user !== undefined &&
    !/^[a-z_][a-z0-9_-]{0,31}$/.test(options.user)
  ) {
    throw new TypeError(
      `Expected a user name such as "shack", found "${options.user}"`,
    );
  }
  const restartSec = options.restartSec ?? 2;
  if (!(restartSec > 0) || !Number.isFinite(restartSec)) {
    throw new RangeError(
      `Expected a restart delay above 0 seconds, found ${restartSec}`,
    );
  }
  const subdir = stateSubdir(service);
  const config = options.config ?? "/etc/shack/shack.toml";
  const exec = options.exec ??
    (options.script ? "/usr/local/bin/deno" : "/usr/local/bin/shack");
  const serviceArgs = [
    ...spec.command,
    "--config",
    config,
    ...(options.args ?? []),
  ];
  const argv = options.script
    ? [
      exec,
      "run",
      "--unstable-net",
      ...denoPermissionFlags(service, { exec, config }),
      options.script,
      ...serviceArgs,
    ]
    : [exec, ...serviceArgs];
  const lines: string[] = [
    `# ${
      unitFileName(service)
    }: generated by \`shack service unit ${service}\``,
    "# Install: sudo cp it to /etc/systemd/system/, then",
    `#   sudo systemctl daemon-reload && sudo systemctl enable --now ${
      unitFileName(service)
    }`,
    "[Unit]",
    `Description=${spec.description}`,
    "Wants=network-online.target",
    "After=network-online.target",
    "",
    "[Service]",
    "Type=exec",
    `ExecStart=${argv.map(quoteExecArg).join(" ")}`,
    "ExecReload=/bin/kill -HUP $MAINPID",
  ];
  if (!options.script) {
    lines.push(
      "# Deno permissions are compiled into the binary; build it with at least:",
      `#   deno compile ${
        denoPermissionFlags(service, { config, exec }).join(" ")
      } …`,
    );
  } else {
    lines.push(
      `Environment=DENO_DIR=%C/${subdir} DENO_NO_UPDATE_CHECK=1`,
      `CacheDirectory=${subdir}`,
    );
  }
  lines.push(
    "Restart=on-failure",
    `RestartSec=${restartSec}`,
    "KillSignal=SIGTERM",
    ...(spec.children ? ["KillMode=mixed"] : []),
    "TimeoutStopSec=5",
    "",
    "# Identity and files",
    ...(options.user !== undefined
      ? [`User=${options.user}`, `Group=${options.user}`]
      : ["DynamicUser=yes"]),
    ...(spec.groups.length > 0
      ? [`SupplementaryGroups=${spec.groups.join(" ")}`]
      : []),
    `StateDirectory=${subdir}`,
    "ConfigurationDirectory=shack",
    `WorkingDirectory=%S/${subdir}`,
    "UMask=0027",
    ...(spec.manyFiles ? ["LimitNOFILE=65536"] : []),
    "",
    "# Hardening (no MemoryDenyWriteExecute: V8's JIT needs W+X memory)",
    "ProtectSystem=strict",
    "ProtectHome=yes",
    "PrivateTmp=yes",
    // ProtectClock= implies a device allow-list: sound cards must be on it.
    ...(spec.devices ? ["DeviceAllow=char-alsa rw"] : ["PrivateDevices=yes"]),
    "NoNewPrivileges=yes",
    `RestrictAddressFamilies=${spec.families.join(" ")}`,
    ...(options.lowPorts
      ? [
        "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
        "AmbientCapabilities=CAP_NET_BIND_SERVICE",
      ]
      : ["CapabilityBoundingSet="]),
    "ProtectProc=invisible",
    "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes",
    "ProtectKernelLogs=yes",
    "ProtectControlGroups=yes",
    "ProtectClock=yes",
    "ProtectHostname=yes",
    "RestrictNamespaces=yes",
    ...(spec.realtime ? [] : ["RestrictRealtime=yes"]),
    "RestrictSUIDSGID=yes",
    "LockPersonality=yes",
    "SystemCallArchitectures=native",
    "SystemCallFilter=@system-service",
    "SystemCallErrorNumber=EPERM",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  );
  return lines.join("\n");
}
