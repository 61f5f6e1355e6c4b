/**
 * Runtime checks: the Deno version and the permissions shack was granted.
 *
 * @module
 */

import type { Check, CheckOutcome } from "../types.ts";

/** The oldest Deno version shack is built and tested with. */
export const MIN_DENO_VERSION = "2.9.5";

/**
 * Compares two `major.minor.patch` versions (pre-release tags are ignored).
 * Returns a negative number, zero or a positive number.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { compareVersions } from "./runtime.ts";
 * equal(compareVersions("2.9.5", "2.10.0") < 0, true);
 * equal(compareVersions("2.9.5", "2.9.5"), 0);
 * ```
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.split("-")[0].split(".").map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split("-")[0].split(".").map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Judges a Deno version: older than {@link MIN_DENO_VERSION} fails, another
 * major version warns.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { judgeDenoVersion } from "./runtime.ts";
 * equal(judgeDenoVersion("2.9.5").status, "ok");
 * equal(judgeDenoVersion("2.8.0").status, "fail");
 * equal(judgeDenoVersion("3.0.0").status, "warn");
 * ```
 */
export function judgeDenoVersion(version: string): CheckOutcome {
  const details = { deno: version, minimum: MIN_DENO_VERSION };
  if (compareVersions(version, MIN_DENO_VERSION) < 0) {
    return {
      status: "fail",
      summary: `deno ${version} is older than ${MIN_DENO_VERSION}`,
      hint:
        `Run shack with Deno ${MIN_DENO_VERSION} or newer: npx -y deno@${MIN_DENO_VERSION} …`,
      details,
    };
  }
  if (version.split(".")[0] !== MIN_DENO_VERSION.split(".")[0]) {
    return {
      status: "warn",
      summary: `deno ${version} is a major version shack is not tested with`,
      hint: `shack is tested with Deno ${MIN_DENO_VERSION}`,
      details,
    };
  }
  return { status: "ok", summary: `deno ${version}`, details };
}

/** The Deno version check. */
export const denoVersionCheck: Check = {
  name: "runtime.deno",
  description:
    `Deno version is ${MIN_DENO_VERSION} or newer within the same major version`,
  run() {
    const outcome = judgeDenoVersion(Deno.version.deno);
    outcome.details = {
      ...outcome.details,
      v8: Deno.version.v8,
      typescript: Deno.version.typescript,
      os: Deno.build.os,
      arch: Deno.build.arch,
    };
    return outcome;
  },
};

/** One permission shack may use, as queried. */
interface PermissionProbe {
  label: string;
  descriptor: Deno.PermissionDescriptor;
  /** Needed by every command (doctor included), not just some services. */
  essential: boolean;
  why: string;
}

function probes(configPath: string | undefined): PermissionProbe[] {
  return [
    {
      label: "env",
      descriptor: { name: "env", variable: "SHACK_CONFIG" },
      essential: true,
      why: "SHACK_* settings",
    },
    {
      label: "read",
      descriptor: { name: "read", path: configPath ?? "." },
      essential: true,
      why: "config files",
    },
    {
      label: "net",
      descriptor: { name: "net", host: "127.0.0.1" },
      essential: true,
      why: "service ports and health probes",
    },
    {
      label: "write",
      descriptor: { name: "write" },
      essential: false,
      why: "data directories",
    },
    {
      label: "run",
      descriptor: { name: "run" },
      essential: false,
      why: "ffmpeg, audio sinks",
    },
    {
      label: "sys",
      descriptor: { name: "sys" },
      essential: false,
      why: "memory and load figures",
    },
  ];
}

/** The granted-permissions check. */
export const permissionsCheck: Check = {
  name: "runtime.permissions",
  description: "Deno permissions shack needs are granted",
  run(ctx) {
    const states: Record<string, Deno.PermissionState> = {};
    const missing: string[] = [];
    for (const probe of probes(ctx.configPath)) {
      const state = Deno.permissions.querySync(probe.descriptor).state;
      states[probe.label] = state;
      if (state !== "granted" && probe.essential) {
        missing.push(`${probe.label} (${probe.why})`);
      }
    }
    const granted = Object.entries(states).filter(([, s]) => s === "granted")
      .map(([k]) => k);
    if (missing.length > 0) {
      return {
        status: "warn",
        summary: `not granted: ${missing.join(", ")}`,
        hint:
          "See the permission table in README.md for the flags each command needs",
        details: states,
      };
    }
    return {
      status: "ok",
      summary: `granted: ${granted.join(", ")}`,
      details: states,
    };
  },
};
