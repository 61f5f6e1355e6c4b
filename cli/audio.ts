/**
 * `shack audio run`: the fault-tolerant audio engine (a supervisor and two
 * worker processes in lockstep, OSC control), configured by shack.toml's
 * `[audio]`, Music Chronus's `CHRONUS_*` variables and these flags (each
 * also a `SHACK_AUDIO_…` variable). The hidden `shack audio worker` is the
 * worker process the supervisor starts from this same program.
 *
 * @module
 */

import {
  Command,
  InvalidArgumentError,
  Option,
} from "@commander-js/extra-typings";
import type { AudioConfig } from "../lib/audio/config.ts";
import {
  configOption,
  configOrUsageError,
  intInRange,
  logFormatOption,
  logLevelOption,
  makeLogger,
  runService,
} from "./common.ts";

function seconds(value: string): number {
  const n = Number(value.trim());
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError("expected a number of seconds, 0 or more");
  }
  return n;
}

function sinkWord(value: string): string {
  const v = value.trim();
  const ok = ["auto", "pw-cat", "pacat", "aplay", "null", "raw", "http"]
    .includes(v) || (v.startsWith("wav:") && v.length > 4);
  if (!ok) {
    throw new InvalidArgumentError(
      "expected auto, pw-cat, pacat, aplay, null, raw, http or wav:PATH",
    );
  }
  return v;
}

const FALSE_WORDS = new Set(["", "0", "false", "no", "off"]);

/** Reads the `CHRONUS_*` variables this process may read (others are skipped). */
function chronusEnv(names: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of names) {
    try {
      const value = Deno.env.get(name);
      if (value !== undefined) env[name] = value;
    } catch {
      // no permission for this variable: as if unset
    }
  }
  return env;
}

/** Builds `audio` with its `run` subcommand and the hidden `worker`. */
export function audioCommand() {
  const audio = new Command("audio").description(
    "fault-tolerant audio engine (Music Chronus and SuperCollider OSC)",
  );
  audio.addCommand(
    new Command("run")
      .description(
        "run the audio engine: two worker processes in lockstep, failover without a gap",
      )
      .addOption(configOption())
      .addOption(
        new Option(
          "--sink <sink>",
          "output: auto, pw-cat, pacat, aplay, null, raw (stdout), http or wav:PATH",
        ).argParser(sinkWord).env("SHACK_AUDIO_SINK"),
      )
      .addOption(
        new Option(
          "--duration <seconds>",
          "stop after this long (0 = run until stopped)",
        )
          .argParser(seconds).env("SHACK_AUDIO_DURATION"),
      )
      .addOption(
        new Option("--osc-port <port>", "OSC UDP port (default 5005)")
          .argParser(intInRange(1, 65535)).env("SHACK_AUDIO_OSC_PORT"),
      )
      .addOption(
        new Option("--bind <address>", "OSC address (default 127.0.0.1)")
          .env("SHACK_AUDIO_BIND"),
      )
      .addOption(
        new Option(
          "--http-port <port>",
          "HTTP port for /healthz, /metrics and /listen (0 = none; default 5080)",
        ).argParser(intInRange(0, 65535)).env("SHACK_AUDIO_HTTP_PORT"),
      )
      .addOption(
        new Option(
          "--script <file>",
          "timed OSC commands to play (lines: SECONDS|@FRAME /address args…)",
        ).env("SHACK_AUDIO_SCRIPT"),
      )
      .addOption(
        new Option(
          "--no-realtime",
          "render as fast as the workers can (file, raw and null sinks)",
        ).env("SHACK_AUDIO_NO_REALTIME"),
      )
      .addOption(
        new Option("--sample-rate <hz>", "frames per second (default 48000)")
          .argParser(intInRange(8000, 384000)).env("SHACK_AUDIO_SAMPLE_RATE"),
      )
      .addOption(
        new Option("--block-size <frames>", "frames per block (default 256)")
          .argParser(intInRange(16, 8192)).env("SHACK_AUDIO_BLOCK_SIZE"),
      )
      .addOption(
        new Option("--channels <n>", "output channels (default 2)")
          .argParser(intInRange(1, 8)).env("SHACK_AUDIO_CHANNELS"),
      )
      .addOption(
        new Option("--voices <n>", "voices of the lead synth (default 4)")
          .argParser(intInRange(1, 16)).env("SHACK_AUDIO_VOICES"),
      )
      .addOption(logLevelOption())
      .addOption(logFormatOption())
      .addHelpText(
        "after",
        `
Without --script and without OSC input the default patch plays the engine's
demo phrase. OSC: /mod/<module>/<param> v, /gate/<module> 0|1, /patch/*,
/record/start|stop, and /s_new, /n_set, /n_free, /g_new, /status, /sync,
/notify, /quit as in SuperCollider. SIGHUP re-reads the configuration.

Examples:
  $ shack audio run                                  play the demo phrase
  $ shack audio run --sink wav:out.wav --no-realtime --duration 10
  $ shack audio run --script song.osc --sink pw-cat
  $ oscsend localhost 5005 /mod/filter1/cutoff f 800`,
      )
      .action(async (opts, command) => {
        const log = makeLogger(opts, { service: "audio" });
        const [
          { audioConfigSchema, applyChronusEnv, CHRONUS_ENV },
          { loadConfig },
          { parse, s },
          { loadScript },
          { AudioService },
        ] = await Promise.all([
          import("../lib/audio/config.ts"),
          import("../lib/core/config/load.ts"),
          import("../lib/core/config/schema.ts"),
          import("../lib/audio/script.ts"),
          import("../lib/audio/service.ts"),
        ]);
        // `SHACK_AUDIO_NO_REALTIME=0` means "not off"
        let realtime: boolean | undefined = opts.realtime === false
          ? false
          : undefined;
        if (command.getOptionValueSource("realtime") === "env") {
          const raw = Deno.env.get("SHACK_AUDIO_NO_REALTIME") ?? "";
          if (FALSE_WORDS.has(raw.trim().toLowerCase())) realtime = undefined;
        }
        const load = async (): Promise<AudioConfig> => {
          // shack.toml's [audio] (other sections belong to other commands)
          let config = opts.config
            ? (await loadConfig(
              opts.config,
              s.object({ audio: audioConfigSchema.default({}) }, {
                unknownKeys: "ignore",
              }),
              { format: "toml" },
            )).value.audio
            : parse(audioConfigSchema, {});
          config = applyChronusEnv(
            config,
            chronusEnv(Object.keys(CHRONUS_ENV)),
          );
          const merged = {
            ...config,
            ...(opts.sink !== undefined ? { sink: opts.sink } : {}),
            ...(opts.duration !== undefined ? { duration: opts.duration } : {}),
            ...(opts.oscPort !== undefined ? { osc_port: opts.oscPort } : {}),
            ...(opts.bind !== undefined ? { osc_host: opts.bind } : {}),
            ...(opts.httpPort !== undefined
              ? { http_port: opts.httpPort }
              : {}),
            ...(realtime !== undefined ? { realtime } : {}),
            ...(opts.sampleRate !== undefined
              ? { sample_rate: opts.sampleRate }
              : {}),
            ...(opts.blockSize !== undefined
              ? { block_size: opts.blockSize }
              : {}),
            ...(opts.channels !== undefined ? { channels: opts.channels } : {}),
            ...(opts.voices !== undefined ? { voices: opts.voices } : {}),
          };
          return parse(audioConfigSchema, merged);
        };
        const config = await configOrUsageError(load);
        if (config === undefined) return;
        const script = opts.script
          ? {
            entries: await loadScript(opts.script, {
              sampleRate: config.sample_rate,
            }),
            file: opts.script,
          }
          : undefined;
        let reason = "";
        await runService(
          log,
          () =>
            AudioService.start(config, {
              logger: log,
              ...(script ? { script } : {}),
              ...(opts.config ? { loadConfig: load } : {}),
            }),
          {
            stop: async (service) => (reason = await service.done),
          },
        );
        // the output failed (a pipe tool died): let the service manager restart us
        if (reason === "error") Deno.exitCode = 1;
      }),
  );
  audio.addCommand(
    new Command("worker")
      .description("an audio worker process (started by `audio run`)")
      .action(async () => {
        const { runAudioWorker } = await import(
          "../lib/audio/worker/run_worker.ts"
        );
        Deno.exit(await runAudioWorker());
      }),
    { hidden: true },
  );
  return audio;
}
