/**
 * `shack up`: every service configured in one `shack.toml`, in one
 * process (one systemd unit instead of four), each stopped within its
 * own budget.
 *
 * @module
 */

import { Command, InvalidArgumentError } from "@commander-js/extra-typings";
import { ConfigError } from "../lib/core/config/errors.ts";
import {
  type LogFormat,
  Logger,
  type LogLevel,
  stderrSink,
} from "../lib/core/log.ts";
import type { GroupEntry, GroupMember } from "../lib/up/service_group.ts";
import {
  configOption,
  logFormatOption,
  logLevelOption,
  makeLogger,
  runService,
} from "./common.ts";

/** The services `shack up` knows, in start order. */
const SERVICES = ["ysf", "sdr", "audio", "bridge"] as const;
type ServiceName = typeof SERVICES[number];

function parseOnly(value: string): ServiceName[] {
  const names = value.split(",").map((n) => n.trim()).filter((n) => n !== "");
  for (const name of names) {
    if (!(SERVICES as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(
        `expected a comma-separated list of ${SERVICES.join(", ")}`,
      );
    }
  }
  if (names.length === 0) {
    throw new InvalidArgumentError("expected at least one service");
  }
  return names as ServiceName[];
}

/** How each service starts from the shared file (its code loaded lazily). */
function entryFor(
  name: ServiceName,
  path: string,
  log: Logger,
  settings: { logLevel: LogLevel; logFormat: LogFormat },
): GroupEntry {
  const logger = log.child({ service: name });
  switch (name) {
    case "ysf":
      return {
        name,
        start: async (): Promise<GroupMember> => {
          const [{ loadYsfConfig }, { YsfService }] = await Promise.all([
            import("../lib/ysf/config.ts"),
            import("../lib/ysf/service.ts"),
          ]);
          const config = await loadYsfConfig(path);
          return await YsfService.start(config, {
            logger,
            loadConfig: () => loadYsfConfig(path),
          });
        },
      };
    case "sdr":
      return {
        name,
        start: async (): Promise<GroupMember> => {
          const [{ loadSdrConfig }, { SdrService }] = await Promise.all([
            import("../lib/sdr/config/load_sdr_config.ts"),
            import("../lib/sdr/service.ts"),
          ]);
          const config = await loadSdrConfig(path);
          return await SdrService.start(config, { logger });
        },
      };
    case "audio":
      return {
        name,
        start: async (): Promise<GroupMember> => {
          const [{ loadShackConfig }, { AudioService }] = await Promise.all([
            import("../lib/config.ts"),
            import("../lib/audio/service.ts"),
          ]);
          const load = async () => {
            const { config } = await loadShackConfig(path);
            if (config.audio === undefined) {
              throw new ConfigError({
                file: path,
                key: "audio",
                expected: "an [audio] table",
                found: "none",
              });
            }
            return config.audio;
          };
          return await AudioService.start(await load(), {
            logger,
            loadConfig: load,
          });
        },
      };
    case "bridge":
      return {
        name,
        start: async (): Promise<GroupMember> => {
          const [{ loadBridgeConfig }, { BridgeService }, { LogRing }] =
            await Promise.all([
              import("../lib/bridge/config.ts"),
              import("../lib/bridge/service.ts"),
              import("../lib/bridge/api/log_ring.ts"),
            ]);
          // The dashboard's log tail: the bridge's own lines, also on stderr.
          const logRing = new LogRing();
          const bridgeLog = new Logger({
            level: settings.logLevel,
            format: settings.logFormat,
            fields: { service: name },
            sink: logRing.tee(stderrSink),
          });
          const load = () => loadBridgeConfig(path);
          return await BridgeService.start(await load(), {
            logger: bridgeLog,
            loadConfig: load,
            logRing,
          });
        },
      };
  }
}

/** Builds `up`. */
export function upCommand() {
  return new Command("up")
    .description(
      "run every service configured in shack.toml, in one process",
    )
    .addOption(configOption().makeOptionMandatory())
    .option(
      "--only <services>",
      `start only these sections (comma-separated: ${SERVICES.join(", ")})`,
      parseOnly,
    )
    .addOption(logLevelOption())
    .addOption(logFormatOption())
    .addHelpText(
      "after",
      `
Each [ysf] / [sdr] / [audio] / [bridge] table of the file starts its service with the same
settings as 'shack <service> --config FILE'. SIGHUP reloads them all;
SIGTERM stops them together, each within its own 1 s budget.

Examples:
  $ shack up --config /etc/shack/shack.toml
  $ shack up --config shack.toml --only ysf`,
    )
    .action(async (opts) => {
      const log = makeLogger(opts, { service: "up" });
      const path = opts.config;
      const { loadShackConfig } = await import("../lib/config.ts");
      const { config } = await loadShackConfig(path);
      const configured = SERVICES.filter((name) => config[name] !== undefined);
      const wanted = opts.only ?? configured;
      const missing = wanted.filter((name) => !configured.includes(name));
      if (configured.length === 0 || missing.length > 0) {
        const tables = (missing.length > 0 ? missing : SERVICES)
          .map((n) => `[${n}]`);
        throw new ConfigError({
          file: path,
          expected: missing.length > 0
            ? `the tables ${tables.join(", ")}`
            : `at least one service table: ${tables.join(", ")}`,
          found: "none",
        });
      }
      const { ServiceGroup } = await import("../lib/up/service_group.ts");
      const entries = wanted.map((name) => entryFor(name, path, log, opts));
      const budget = Math.max(
        ...entries.map((e) => e.stopBudgetMs ?? 1000),
      );
      await runService(
        log,
        async () => {
          const group = await ServiceGroup.start(entries, {
            onEvent: (event) => {
              if (event.type === "started") {
                log.info("service started", {
                  name: event.name,
                  ms: event.ms,
                });
              } else if (event.stop.result !== "ok") {
                log.error("service stop", { ...event.stop });
              }
            },
          });
          log.info("up", { services: group.names });
          return {
            close: async () => {
              await group.close();
            },
            reload: () => group.reload(),
          };
        },
        { deadlineMs: budget + 200 },
      );
    });
}
