/**
 * `shack doctor`: runs health checks and reports them as a table, as JSON,
 * or only through the exit code (0 ok, 1 warnings, 2 failures, 78 bad config).
 *
 * @module
 */

import {
  Command,
  InvalidArgumentError,
  Option,
} from "@commander-js/extra-typings";
import { setTimeout as delay } from "node:timers/promises";
import type { Check, CheckTarget } from "../lib/doctor/types.ts";
import { Shutdown } from "../lib/core/shutdown.ts";
import { VERSION } from "../lib/version.ts";
import { parseTarget, TARGET_KINDS } from "../lib/doctor/target.ts";
import {
  configOption,
  logFormatOption,
  logLevelOption,
  makeLogger,
  positiveSeconds,
  stdoutColor,
} from "./common.ts";

/** Collects a repeatable option; commas also separate names (for the env var). */
function collect(value: string, previous: string[] | undefined): string[] {
  const names = value.split(",").map((n) => n.trim()).filter((n) => n !== "");
  return [...(previous ?? []), ...names];
}

export { TARGET_KINDS };

/** Collects `--target KIND=ADDRESS` values; commas separate several (for the env var). */
export function collectTargets(
  value: string,
  previous: CheckTarget[] | undefined,
): CheckTarget[] {
  const out = [...(previous ?? [])];
  for (
    const item of value.split(",").map((v) => v.trim()).filter((v) => v !== "")
  ) {
    try {
      out.push(parseTarget(item));
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  }
  return out;
}

/**
 * The services a config file configures, as probe targets. A file that does
 * not load gives none (the config check reports why).
 */
export async function configTargets(path: string): Promise<CheckTarget[]> {
  const { readConfiguredServices } = await import(
    "../lib/doctor/service_targets.ts"
  );
  return (await readConfiguredServices(path)).targets;
}

/** Picks the checks named by `--check` (a name or a prefix ending in "."). */
export function selectChecks(
  all: readonly Check[],
  names: readonly string[],
): Check[] {
  if (names.length === 0) return [...all];
  const unknown = names.filter((n) =>
    !all.some((c) =>
      c.name === n || c.name.startsWith(n.endsWith(".") ? n : n + ".")
    )
  );
  if (unknown.length > 0) {
    throw new Error(
      `unknown check ${unknown.map((n) => `"${n}"`).join(", ")}; known: ${
        all.map((c) => c.name).join(", ")
      }`,
    );
  }
  return all.filter((c) =>
    names.some((n) =>
      c.name === n || c.name.startsWith(n.endsWith(".") ? n : n + ".")
    )
  );
}

/** Builds the `doctor` command. */
export function doctorCommand() {
  return new Command("doctor")
    .description("check the runtime, the configuration and running services")
    .addOption(configOption())
    .addOption(
      new Option("--json", "print the report as JSON (schema shack.doctor/v1)")
        .env("SHACK_DOCTOR_JSON"),
    )
    .addOption(
      new Option("-q, --quiet", "print only warnings and failures")
        .env("SHACK_DOCTOR_QUIET"),
    )
    .addOption(
      new Option(
        "--check <name>",
        "run only this check or group (repeatable, or comma-separated)",
      )
        .argParser(collect)
        .env("SHACK_DOCTOR_CHECK"),
    )
    .addOption(
      new Option(
        "--target <kind=address>",
        `probe a running service without a config file (repeatable; kinds: ${
          TARGET_KINDS.join(", ")
        })`,
      )
        .argParser(collectTargets)
        .env("SHACK_DOCTOR_TARGET"),
    )
    .addOption(
      new Option("--timeout <seconds>", "time each check may take")
        .argParser(positiveSeconds)
        .default(5)
        .env("SHACK_DOCTOR_TIMEOUT"),
    )
    .addOption(
      new Option(
        "--watch <seconds>",
        "run the checks again every SECONDS until stopped",
      )
        .argParser(positiveSeconds)
        .env("SHACK_DOCTOR_WATCH"),
    )
    .addOption(new Option("--list", "list the checks and exit"))
    .addOption(
      new Option(
        "--schema",
        "print the JSON Schema of the --json document and exit",
      ),
    )
    .addOption(logLevelOption())
    .addOption(logFormatOption())
    .addHelpText(
      "after",
      `
Exit codes: 0 all ok, 1 warnings, 2 failures, 78 invalid configuration.

Examples:
  $ shack doctor
  $ shack doctor --json | jq .status
  $ shack doctor --config shack.toml --check config
  $ shack doctor --watch 10 --quiet
  $ shack doctor --target ysf=127.0.0.1:42000 --check ysf
  $ shack doctor --target sdr=http://127.0.0.1:9002 --target audio-osc=127.0.0.1:5005
  $ shack doctor --check system --check tools --quiet`,
    )
    .action(async (opts) => {
      const log = makeLogger(opts, { cmd: "doctor" });
      // The checks (and every service's config schema and probes) are loaded
      // only when doctor runs.
      const [
        { defaultChecks },
        { renderJson, renderTable },
        { runChecks },
        { DOCTOR_JSON_SCHEMA },
      ] = await Promise.all([
        import("../lib/doctor/checks/mod.ts"),
        import("../lib/doctor/render.ts"),
        import("../lib/doctor/runner.ts"),
        import("../lib/doctor/schema.ts"),
      ]);
      const all = defaultChecks();
      if (opts.schema) {
        console.log(JSON.stringify(DOCTOR_JSON_SCHEMA, null, 2));
        Deno.exitCode = 0;
        return;
      }
      if (opts.list) {
        for (const c of all) {
          console.log(`${c.name.padEnd(22)} ${c.description}`);
        }
        Deno.exitCode = 0;
        return;
      }
      let checks: Check[];
      try {
        checks = selectChecks(all, opts.check ?? []);
      } catch (error) {
        console.error(`error: ${(error as Error).message}`);
        Deno.exitCode = 2;
        return;
      }
      const runOnce = async (signal?: AbortSignal) => {
        const targets = [
          ...(opts.target ?? []),
          ...(opts.config !== undefined
            ? await configTargets(opts.config)
            : []),
        ];
        const report = await runChecks(checks, {
          ...(opts.config !== undefined ? { configPath: opts.config } : {}),
          targets,
          timeoutMs: opts.timeout * 1000,
          version: VERSION,
          ...(signal ? { signal } : {}),
        });
        if (opts.json) {
          console.log(opts.watch ? JSON.stringify(report) : renderJson(report));
        } else {
          const text = renderTable(report, {
            color: stdoutColor(),
            ...(opts.quiet ? { quiet: true } : {}),
          });
          if (text) console.log(text);
        }
        return report.exitCode;
      };
      if (opts.watch === undefined) {
        Deno.exitCode = await runOnce();
        return;
      }
      const shutdown = new Shutdown({
        onEvent: (e) => {
          if (e.type === "signal") {
            log.info("signal received", { signal: e.signal });
          }
        },
      }).install();
      let wake = new AbortController();
      shutdown.onReload(() => wake.abort());
      shutdown.signal.addEventListener("abort", () => wake.abort(), {
        once: true,
      });
      while (!shutdown.stopping) {
        await runOnce(shutdown.signal);
        try {
          await delay(opts.watch * 1000, undefined, { signal: wake.signal });
        } catch {
          wake = new AbortController();
        }
      }
      const result = await shutdown.done;
      Deno.exitCode = result.exitCode;
    });
}
