/**
 * `shack service unit NAME`: prints a hardened systemd unit for a service,
 * ready for /etc/systemd/system/.
 *
 * @module
 */

import {
  Argument,
  Command,
  InvalidArgumentError,
  Option,
} from "@commander-js/extra-typings";
import {
  SERVICE_UNITS,
  type ServiceUnitName,
  systemdUnit,
  unitFileName,
} from "../lib/service/systemd_unit.ts";
import { readConfiguredServices } from "../lib/doctor/service_targets.ts";
import { positiveSeconds, writeStdout } from "./common.ts";

function userName(value: string): string {
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(value)) {
    throw new InvalidArgumentError(
      "expected a user name such as shack (lower case, at most 32 characters)",
    );
  }
  return value;
}

function absolutePath(value: string): string {
  if (!value.startsWith("/")) {
    throw new InvalidArgumentError("expected an absolute path");
  }
  return value;
}

/**
 * Whether the service's ports in a local copy of the config file are below
 * 1024 (then the unit grants CAP_NET_BIND_SERVICE). A file that is not
 * there (the config lives on the Pi) gives false.
 */
export async function configUsesLowPorts(
  service: ServiceUnitName,
  config: string,
): Promise<boolean> {
  try {
    await Deno.stat(config);
  } catch {
    return false;
  }
  const { targets } = await readConfiguredServices(config);
  return targets.some((t) => {
    if (service !== "up" && t.kind !== service && t.kind !== `${service}-osc`) {
      return false;
    }
    const port = /^https?:/.test(t.address)
      ? Number(new URL(t.address).port || 80)
      : Number(/:(\d+)$/.exec(t.address)?.[1]);
    return Number.isInteger(port) && port > 0 && port < 1024;
  });
}

/** Builds the `service` command (`service unit NAME`). */
export function serviceCommand() {
  const unit = new Command("unit")
    .description("print a hardened systemd unit for a service")
    .addArgument(
      new Argument("<service>", "the service (up: every configured service)")
        .choices(SERVICE_UNITS),
    )
    .addOption(
      new Option(
        "--exec <path>",
        "the shack binary (with --script: the deno binary)",
      )
        .argParser(absolutePath)
        .env("SHACK_SERVICE_EXEC"),
    )
    .addOption(
      new Option(
        "--script <file>",
        "run this bundle (dist/shack.js) with deno and minimal permission flags",
      )
        .argParser(absolutePath)
        .env("SHACK_SERVICE_SCRIPT"),
    )
    .addOption(
      new Option(
        "--user <name>",
        "run as this existing user instead of a dynamic one",
      )
        .argParser(userName)
        .env("SHACK_SERVICE_USER"),
    )
    .addOption(
      new Option("--config <file>", "the config file the service reads")
        .argParser(absolutePath)
        .default("/etc/shack/shack.toml")
        .env("SHACK_SERVICE_CONFIG"),
    )
    .addOption(
      new Option(
        "--low-ports",
        "the service listens below port 1024 (adds CAP_NET_BIND_SERVICE; found from --config when it exists here)",
      ).env("SHACK_SERVICE_LOW_PORTS"),
    )
    .addOption(
      new Option("--restart-sec <seconds>", "delay before a restart")
        .argParser(positiveSeconds)
        .default(2)
        .env("SHACK_SERVICE_RESTART_SEC"),
    )
    .addHelpText(
      "after",
      `
Examples:
  $ shack service unit ysf | sudo tee /etc/systemd/system/shack-ysf.service
  $ shack service unit sdr --user shack
  $ shack service unit bridge --script /opt/shack/shack.js --exec /usr/bin/deno
  $ sudo systemctl daemon-reload && sudo systemctl enable --now shack-ysf`,
    )
    .action(async (service, opts) => {
      const lowPorts = opts.lowPorts === true ||
        await configUsesLowPorts(service, opts.config);
      writeStdout(systemdUnit(service, {
        config: opts.config,
        restartSec: opts.restartSec,
        ...(opts.exec !== undefined ? { exec: opts.exec } : {}),
        ...(opts.script !== undefined ? { script: opts.script } : {}),
        ...(opts.user !== undefined ? { user: opts.user } : {}),
        ...(lowPorts ? { lowPorts } : {}),
      }));
      Deno.exitCode = 0;
    });
  return new Command("service")
    .description(
      `run shack under systemd (units: ${
        SERVICE_UNITS.map((s) => unitFileName(s)).join(", ")
      })`,
    )
    .addCommand(unit);
}
