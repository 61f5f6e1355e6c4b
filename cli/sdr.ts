/**
 * `shack sdr serve`: a WebSDR backend that reads PhantomSDR(+)'s config.toml
 * or shack.toml's `[sdr]`, with the built-in synthetic band by default.
 *
 * @module
 */

import {
  Command,
  InvalidArgumentError,
  Option,
} from "@commander-js/extra-typings";
import {
  configOption,
  configOrUsageError,
  intInRange,
  logFormatOption,
  logLevelOption,
  makeLogger,
  runService,
} from "./common.ts";

function positiveNumber(value: string): number {
  const n = Number(value.trim());
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError("expected a number greater than 0");
  }
  return n;
}

/** Builds `sdr` with its `serve` subcommand. */
export function sdrCommand() {
  const sdr = new Command("sdr").description("software-defined radio services");
  sdr.addCommand(
    new Command("serve")
      .description("run a WebSDR (PhantomSDR(+) wire-compatible)")
      .addOption(configOption())
      .addOption(
        new Option("--bind <address>", "address to listen on (default 0.0.0.0)")
          .env("SHACK_SDR_BIND"),
      )
      .addOption(
        new Option(
          "-p, --port <port>",
          "HTTP and websocket port (default 9002)",
        )
          .argParser(intInRange(1, 65535))
          .env("SHACK_SDR_PORT"),
      )
      .addOption(
        new Option(
          "--source <source>",
          "synthetic (default), stdin or -, file:PATH, loop:PATH, rtl_tcp[:HOST[:PORT]]",
        ).env("SHACK_SDR_SOURCE"),
      )
      .addOption(
        new Option(
          "--format <format>",
          "sample format: u8 s8 u16 s16 f32 f64 cs16 cf32",
        ).env("SHACK_SDR_FORMAT"),
      )
      .addOption(
        new Option("--sps <rate>", "samples per second").argParser(
          positiveNumber,
        ).env("SHACK_SDR_SPS"),
      )
      .addOption(
        new Option("--frequency <hz>", "centre frequency in Hz").argParser(
          positiveNumber,
        ).env("SHACK_SDR_FREQUENCY"),
      )
      .addOption(
        new Option("--signal <kind>", "input signal").choices(
          ["real", "iq"] as const,
        ).env("SHACK_SDR_SIGNAL"),
      )
      .addOption(
        new Option("--fft-size <n>", "big FFT size (power of two)")
          .argParser(intInRange(1024, 2 ** 23))
          .env("SHACK_SDR_FFT_SIZE"),
      )
      .addOption(
        new Option(
          "--html-root <dir>",
          "serve this frontend directory (e.g. PhantomSDR's dist/)",
        ).env(
          "SHACK_SDR_HTML_ROOT",
        ),
      )
      .addOption(logLevelOption())
      .addOption(logFormatOption())
      .addHelpText(
        "after",
        `
The config file may be PhantomSDR(+)'s config.toml, read unchanged, or
shack.toml (its [sdr] table). Without a source the built-in synthetic band
plays (AM, FM, SSB, a CW beacon and noise around 7.1 MHz).
SIGHUP reloads markers.json, [limits], chat settings and the listing info.

Examples:
  $ shack sdr serve
  $ rtl_sdr -f 7100000 -s 2048000 - | shack sdr serve --source stdin --format u8 --sps 2048000 --frequency 7100000
  $ shack sdr serve --config config.toml --html-root /opt/PhantomSDR-Plus/frontend/dist`,
      )
      .action(async (opts) => {
        const log = makeLogger(opts, { service: "sdr" });
        // The WebSDR's code (DSP, codecs, wasm) is loaded only when it runs.
        const [
          { loadSdrConfig },
          { defaultSdrServiceConfig },
          { applySdrCliOverrides },
          { SdrService },
        ] = await Promise.all([
          import("../lib/sdr/config/load_sdr_config.ts"),
          import("../lib/sdr/config/service_config.ts"),
          import("../lib/sdr/config/overrides.ts"),
          import("../lib/sdr/service.ts"),
        ]);
        const config = await configOrUsageError(async () => {
          const base = opts.config
            ? await loadSdrConfig(opts.config)
            : defaultSdrServiceConfig();
          return applySdrCliOverrides(base, {
            ...(opts.bind !== undefined ? { bind: opts.bind } : {}),
            ...(opts.port !== undefined ? { port: opts.port } : {}),
            ...(opts.source !== undefined ? { source: opts.source } : {}),
            ...(opts.format !== undefined ? { format: opts.format } : {}),
            ...(opts.sps !== undefined ? { sps: opts.sps } : {}),
            ...(opts.frequency !== undefined
              ? { frequency: opts.frequency }
              : {}),
            ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
            ...(opts.fftSize !== undefined ? { fftSize: opts.fftSize } : {}),
            ...(opts.htmlRoot !== undefined ? { htmlRoot: opts.htmlRoot } : {}),
          });
        });
        if (config === undefined) return;
        await runService(log, () => SdrService.start(config, { logger: log }), {
          // The source ending (stdin EOF, a file without loop) ends the service cleanly.
          stop: async (service) => {
            const end = await service.server.sourceEnded;
            log.info("input ended", {
              reason: end?.reason,
              message: end?.message,
            });
            return `input ${end?.reason ?? "ended"}`;
          },
        });
      }),
  );
  return sdr;
}
