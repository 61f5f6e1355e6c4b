/**
 * `shack bridge serve`: an IPTV to HDHomeRun bridge for Plex, Jellyfin and
 * Emby, configured by shack.toml's `[bridge]` and these flags (each also a
 * `SHACK_BRIDGE_…` variable; the repeatable ones accept commas there).
 *
 * @module
 */

import {
  Command,
  InvalidArgumentError,
  Option,
} from "@commander-js/extra-typings";
import { Logger, stderrSink } from "../lib/core/log.ts";
import type { BridgeOverrides } from "../lib/bridge/config.ts";
import {
  configOption,
  configOrUsageError,
  intInRange,
  logFormatOption,
  logLevelOption,
  runService,
} from "./common.ts";

/** Collects a repeatable location; commas separate several (env variables). */
function collectLocations(
  value: string,
  previous: string[] | undefined,
): string[] {
  const list = value.split(",").map((v) => v.trim()).filter((v) => v !== "");
  if (list.length === 0) {
    throw new InvalidArgumentError("expected a URL or a file path");
  }
  return [...(previous ?? []), ...list];
}

function httpUrl(value: string): string {
  try {
    const url = new URL(value.trim());
    if (url.protocol === "http:" || url.protocol === "https:") {
      return value.trim();
    }
  } catch {
    // below
  }
  throw new InvalidArgumentError(
    "expected an http(s) URL like http://192.0.2.5:34400",
  );
}

/** Builds `bridge` with its `serve` subcommand. */
export function bridgeCommand() {
  const bridge = new Command("bridge").description(
    "IPTV to HDHomeRun bridge (Plex, Jellyfin, Emby)",
  );
  bridge.addCommand(
    new Command("serve")
      .description(
        "serve M3U playlists as an HDHomeRun tuner, with an XMLTV guide and a dashboard",
      )
      .addOption(configOption())
      .addOption(
        new Option("--bind <address>", "HTTP address (default 0.0.0.0)")
          .env("SHACK_BRIDGE_BIND"),
      )
      .addOption(
        new Option("-p, --port <port>", "HTTP port (default 34400)")
          .argParser(intInRange(0, 65535))
          .env("SHACK_BRIDGE_PORT"),
      )
      .addOption(
        new Option(
          "--playlist <url|path>",
          "M3U playlist (repeatable; replaces the file's playlists)",
        )
          .argParser(collectLocations)
          .env("SHACK_BRIDGE_PLAYLIST"),
      )
      .addOption(
        new Option(
          "--epg <url|path>",
          "XMLTV guide, plain or gzip (repeatable; replaces the file's guides)",
        )
          .argParser(collectLocations)
          .env("SHACK_BRIDGE_EPG"),
      )
      .addOption(
        new Option("--tuners <n>", "TunerCount, 1 to 255 (default 2)")
          .argParser(intInRange(1, 255))
          .env("SHACK_BRIDGE_TUNERS"),
      )
      .addOption(
        new Option(
          "--data-dir <dir>",
          "database directory (default bridge-data)",
        ).env("SHACK_BRIDGE_DATA_DIR"),
      )
      .addOption(
        new Option(
          "--advertise-url <url>",
          "BaseURL given to Plex/Jellyfin (default: from the request)",
        )
          .argParser(httpUrl)
          .env("SHACK_BRIDGE_ADVERTISE_URL"),
      )
      .addOption(
        new Option("--no-ssdp", "do not answer SSDP discovery").env(
          "SHACK_BRIDGE_NO_SSDP",
        ),
      )
      .addOption(logLevelOption())
      .addOption(logFormatOption())
      .addHelpText(
        "after",
        `
Add the tuner in Plex (Live TV & DVR) or Jellyfin (HDHomeRun tuner) at
http://<this host>:34400, and the guide at http://<this host>:34400/xmltv.xml.
The dashboard is at /dashboard/ (off loopback, the API token is logged at
start). SIGHUP re-reads the config and refreshes playlists and guides.

Examples:
  $ shack bridge serve --playlist https://provider.example/get.php?type=m3u_plus
  $ shack bridge serve --playlist tv.m3u --epg guide.xml.gz --tuners 4
  $ shack bridge serve --config /etc/shack/shack.toml`,
      )
      .action(async (opts, command) => {
        const [
          { LogRing },
          { applyBridgeOverrides, defaultBridgeConfig, loadBridgeConfig },
          { BridgeService },
        ] = await Promise.all([
          import("../lib/bridge/api/log_ring.ts"),
          import("../lib/bridge/config.ts"),
          import("../lib/bridge/service.ts"),
        ]);
        const ring = new LogRing();
        const log = new Logger({
          level: opts.logLevel,
          format: opts.logFormat,
          fields: { service: "bridge" },
          sink: ring.tee(stderrSink),
        });
        // `SHACK_BRIDGE_NO_SSDP=0` means "not off"
        let ssdp: boolean | undefined = opts.ssdp === false ? false : undefined;
        if (command.getOptionValueSource("ssdp") === "env") {
          const raw = Deno.env.get("SHACK_BRIDGE_NO_SSDP") ?? "";
          if (["", "0", "false", "no", "off"].includes(raw.trim())) {
            ssdp = undefined;
          }
        }
        const overrides: BridgeOverrides = {
          ...(opts.bind !== undefined ? { bind: opts.bind } : {}),
          ...(opts.port !== undefined ? { port: opts.port } : {}),
          ...(opts.tuners !== undefined ? { tuners: opts.tuners } : {}),
          ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}),
          ...(opts.advertiseUrl !== undefined
            ? { advertiseUrl: opts.advertiseUrl }
            : {}),
          ...(ssdp !== undefined ? { ssdp } : {}),
          ...(opts.playlist ? { playlists: opts.playlist } : {}),
          ...(opts.epg ? { epg: opts.epg } : {}),
        };
        const load = async () => {
          const base = opts.config
            ? await loadBridgeConfig(opts.config)
            : defaultBridgeConfig();
          return applyBridgeOverrides(base, overrides);
        };
        const config = await configOrUsageError(load);
        if (config === undefined) return;
        await runService(log, () =>
          BridgeService.start(config, {
            logger: log,
            logRing: ring,
            ...(opts.config ? { loadConfig: load } : {}),
          }));
      }),
  );
  return bridge;
}
