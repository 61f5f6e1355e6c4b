/**
 * `shack ysf reflect`: a YSF reflector that reads shack.toml's `[ysf]`, a
 * pYSFReflector3 `pysfreflector.ini` or a G4KLX `YSFReflector.ini`.
 *
 * @module
 */

import {
  Command,
  InvalidArgumentError,
  Option,
} from "@commander-js/extra-typings";
import type { YsfCliOverrides } from "../lib/ysf/config/overrides.ts";
import {
  configOption,
  configOrUsageError,
  intInRange,
  logFormatOption,
  logLevelOption,
  makeLogger,
  runService,
} from "./common.ts";

function collectBind(value: string, previous: string[] | undefined): string[] {
  const list = value.split(",").map((v) => v.trim()).filter((v) => v !== "");
  if (list.length === 0) throw new InvalidArgumentError("expected an address");
  return [...(previous ?? []), ...list];
}

/** Builds `ysf` with its `reflect` subcommand. */
export function ysfCommand() {
  const ysf = new Command("ysf").description("Yaesu System Fusion services");
  ysf.addCommand(
    new Command("reflect")
      .description(
        "run a YSF reflector (G4KLX YSFReflector and pYSFReflector3 compatible)",
      )
      .addOption(configOption())
      .addOption(
        new Option(
          "--bind <address>",
          "address to bind (repeatable; default :: = IPv6 and IPv4)",
        )
          .argParser(collectBind)
          .env("SHACK_YSF_BIND"),
      )
      .addOption(
        new Option("-p, --port <port>", "UDP port (default 42000)")
          .argParser(intInRange(1, 65535))
          .env("SHACK_YSF_PORT"),
      )
      .addOption(
        new Option(
          "--http-port <port>",
          "HTTP port for /healthz, /metrics and /api (default 42080)",
        )
          .argParser(intInRange(1, 65535))
          .env("SHACK_YSF_HTTP_PORT"),
      )
      .addOption(
        new Option(
          "--http-bind <addr>",
          "address of the HTTP server (default: the UDP address, or ::)",
        ).env("SHACK_YSF_HTTP_BIND"),
      )
      .addOption(
        new Option("--name <name>", "reflector name (16 characters)").env(
          "SHACK_YSF_NAME",
        ),
      )
      .addOption(
        new Option(
          "--description <text>",
          "reflector description (14 characters)",
        )
          .env("SHACK_YSF_DESCRIPTION"),
      )
      .addOption(
        new Option("--id <id>", "status id (default: hash of the name)")
          .argParser(intInRange(0, 99999))
          .env("SHACK_YSF_ID"),
      )
      .addOption(logLevelOption())
      .addOption(logFormatOption())
      .addHelpText(
        "after",
        `
The config file may be shack.toml (its [ysf] table), pYSFReflector3's
pysfreflector.ini or G4KLX's YSFReflector.ini, read unchanged. A G4KLX file
gives single-room mode (everyone hears everyone); the others DG-ID rooms.
SIGHUP reloads the config and the deny/block/home files without unlinking.

Examples:
  $ shack ysf reflect --name "SHACK REF" --description "Home lab"
  $ shack ysf reflect --config /etc/pysfreflector.ini
  $ shack ysf reflect --config YSFReflector.ini --port 42001 --http-port 8080`,
      )
      .action(async (opts) => {
        const log = makeLogger(opts, { service: "ysf" });
        // The reflector's code is loaded only when it runs: the other
        // commands (and their memory) never carry it.
        const [
          { loadYsfConfig },
          { applyYsfCliOverrides },
          { defaultYsfConfig },
          { YsfService },
        ] = await Promise.all([
          import("../lib/ysf/config.ts"),
          import("../lib/ysf/config/overrides.ts"),
          import("../lib/ysf/config/service_config.ts"),
          import("../lib/ysf/service.ts"),
        ]);
        const overrides: YsfCliOverrides = {
          ...(opts.bind ? { bind: opts.bind } : {}),
          ...(opts.port !== undefined ? { port: opts.port } : {}),
          ...(opts.httpPort !== undefined ? { httpPort: opts.httpPort } : {}),
          ...(opts.httpBind !== undefined ? { httpBind: opts.httpBind } : {}),
          ...(opts.name !== undefined ? { name: opts.name } : {}),
          ...(opts.description !== undefined
            ? { description: opts.description }
            : {}),
          ...(opts.id !== undefined ? { id: opts.id } : {}),
        };
        const load = async () => {
          const base = opts.config
            ? await loadYsfConfig(opts.config)
            : defaultYsfConfig();
          return applyYsfCliOverrides(base, overrides);
        };
        const config = await configOrUsageError(load);
        if (config === undefined) return;
        await runService(log, () =>
          YsfService.start(config, {
            logger: log,
            ...(opts.config ? { loadConfig: load } : {}),
          }));
      }),
  );
  return ysf;
}
