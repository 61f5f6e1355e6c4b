/**
 * Configuration of `shack audio run`: the `[audio]` table of `shack.toml`
 * ({@link audioConfigSchema}), Music Chronus's environment variables
 * ({@link applyChronusEnv}) and the `--sink` syntax ({@link parseSinkSpec}).
 * Precedence: defaults < file < environment < command-line flags.
 *
 * ```toml
 * [audio]
 * sample_rate = 48000          # Hz, 8000 to 384000
 * block_size = 256             # frames per block, 16 to 8192
 * channels = 2                 # 1 to 8
 * osc_host = "127.0.0.1"       # where OSC is received (CHRONUS_OSC_HOST)
 * osc_port = 5005              # (CHRONUS_OSC_PORT)
 * http_host = "0.0.0.0"        # /listen, /healthz and /metrics
 * http_port = 5080             # 0 = no HTTP server
 * sink = "auto"                # auto | pw-cat | pacat | aplay | null | raw | http | "wav:PATH"
 * sample_format = "s16le"      # or "f32le" (wav, raw and pipe sinks)
 * duration = 0                 # seconds to run; 0 = until stopped
 * realtime = true              # false renders file and null sinks as fast as possible
 * voices = 4                   # 1 to 16
 * lead_blocks = 3              # blocks a worker renders ahead
 * startup_grace_ms = 1000      # before a new worker's heartbeat is checked
 * respawn_backoff_ms = 100     # wait before restarting a failed worker
 * stall_timeout_ms = 50        # a worker silent this long is replaced
 * record_dir = "recordings"    # where /record/start writes
 * pulse_server = ""            # PULSE_SERVER for pacat (CHRONUS_PULSE_SERVER)
 * verbose = false              # (CHRONUS_VERBOSE)
 * ```
 *
 * Unknown keys inside `[audio]` are errors (a typo names the key).
 *
 * @module
 */

import { ConfigError, type ConfigIssue } from "../core/config/errors.ts";
import { type Infer, parse, s } from "../core/config/schema.ts";
import { PIPE_TOOLS, type PipeTool } from "./sinks/pipe_tools.ts";

/**
 * Where `shack audio run` sends its output, parsed from `--sink` or the
 * `sink` key.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SinkSpec } from "./config.ts";
 *
 * const spec: SinkSpec = { kind: "wav", path: "out.wav" };
 * equal(spec.kind, "wav");
 * ```
 */
export type SinkSpec =
  | { kind: "pipe"; tool: PipeTool | "auto" }
  | { kind: "wav"; path: string }
  | { kind: "raw" }
  | { kind: "null" }
  | { kind: "http" };

const SINK_WORDS = "auto, pw-cat, pacat, aplay, null, raw, http or wav:PATH";

/**
 * Parses a sink name: `auto` (the first of pw-cat, pacat, aplay on PATH),
 * `pw-cat`, `pacat`, `aplay`, `null`, `raw` (PCM on stdout), `http`
 * (browsers) or `wav:PATH`.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, throws } from "node:assert/strict";
 * import { parseSinkSpec } from "./config.ts";
 *
 * deepEqual(parseSinkSpec("wav:/tmp/out.wav"), { kind: "wav", path: "/tmp/out.wav" });
 * deepEqual(parseSinkSpec("pacat"), { kind: "pipe", tool: "pacat" });
 * throws(() => parseSinkSpec("speakers"), {
 *   message: 'Expected a sink (auto, pw-cat, pacat, aplay, null, raw, http or wav:PATH), found "speakers"',
 * });
 * ```
 *
 * @param text The sink name.
 * @returns The parsed sink.
 * @throws {TypeError} If it is not a sink name, or `wav:` has no path.
 */
export function parseSinkSpec(text: string): SinkSpec {
  if (typeof text === "string") {
    if (text === "auto") return { kind: "pipe", tool: "auto" };
    if ((PIPE_TOOLS as readonly string[]).includes(text)) {
      return { kind: "pipe", tool: text as PipeTool };
    }
    if (text === "null" || text === "raw" || text === "http") {
      return { kind: text };
    }
    if (text.startsWith("wav:") && text.length > 4 && !text.includes("\0")) {
      return { kind: "wav", path: text.slice(4) };
    }
  }
  throw new TypeError(
    `Expected a sink (${SINK_WORDS}), found ${JSON.stringify(text)}`,
  );
}

function isSinkSpec(text: string): boolean {
  try {
    parseSinkSpec(text);
    return true;
  } catch {
    return false;
  }
}

const RANGES = {
  sample_rate: { min: 8000, max: 384000 },
  block_size: { min: 16, max: 8192 },
  channels: { min: 1, max: 8 },
  voices: { min: 1, max: 16 },
} as const;

const hostSchema = s.string({ minLength: 1, maxLength: 253 }).refine(
  (host) => !/\s/.test(host),
  "a host name or address without spaces",
);

/**
 * The schema of the `[audio]` table (see the module documentation for
 * every key and default). Plug it into the root schema as
 * `audio: audioConfigSchema.optional()`.
 *
 * @example Validating a table
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { parse } from "../core/config/schema.ts";
 * import { audioConfigSchema } from "./config.ts";
 *
 * const config = parse(audioConfigSchema, { block_size: 512 });
 * equal(config.block_size, 512);
 * equal(config.osc_port, 5005);
 * throws(() => parse(audioConfigSchema, { sink: "speakers" }, { file: "shack.toml" }), {
 *   message: 'shack.toml: sink: expected a sink (auto, pw-cat, pacat, aplay, null, raw, http or wav:PATH), found string "speakers"',
 * });
 * ```
 */
export const audioConfigSchema = s.object({
  sample_rate: s.integer(RANGES.sample_rate).default(48000),
  block_size: s.integer(RANGES.block_size).default(256),
  channels: s.integer(RANGES.channels).default(2),
  osc_host: hostSchema.default("127.0.0.1"),
  osc_port: s.port().default(5005),
  http_host: hostSchema.default("0.0.0.0"),
  http_port: s.port({ allowZero: true }).default(5080),
  sink: s.string().refine(isSinkSpec, `a sink (${SINK_WORDS})`).default(
    "auto",
  ),
  sample_format: s.enum(["s16le", "f32le"]).default("s16le"),
  duration: s.number({ min: 0 }).default(0),
  realtime: s.boolean().default(true),
  voices: s.integer(RANGES.voices).default(4),
  lead_blocks: s.integer({ min: 1, max: 64 }).default(3),
  startup_grace_ms: s.integer({ min: 0, max: 60_000 }).default(1000),
  respawn_backoff_ms: s.integer({ min: 0, max: 60_000 }).default(100),
  stall_timeout_ms: s.integer({ min: 1, max: 60_000 }).default(50),
  record_dir: s.string({ minLength: 1 }).default("recordings"),
  pulse_server: s.string().default(""),
  verbose: s.boolean().default(false),
}).refine(
  (config) => config.sink !== "http" || config.http_port !== 0,
  'an http_port other than 0 when sink is "http"',
);

/**
 * The validated `[audio]` table.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type AudioConfig, defaultAudioConfig } from "./config.ts";
 *
 * const config: AudioConfig = defaultAudioConfig();
 * equal(config.sample_rate, 48000);
 * ```
 */
export type AudioConfig = Infer<typeof audioConfigSchema>;

/**
 * The configuration with every default: 48 kHz, 256-frame blocks, stereo,
 * OSC on 127.0.0.1:5005.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { defaultAudioConfig } from "./config.ts";
 *
 * const { sample_rate, block_size, channels, osc_host, osc_port } = defaultAudioConfig();
 * deepEqual(
 *   { sample_rate, block_size, channels, osc_host, osc_port },
 *   { sample_rate: 48000, block_size: 256, channels: 2, osc_host: "127.0.0.1", osc_port: 5005 },
 * );
 * ```
 *
 * @returns A fresh default configuration.
 */
export function defaultAudioConfig(): AudioConfig {
  return parse(audioConfigSchema, {});
}

/**
 * The environment variables {@link applyChronusEnv} reads, and the key
 * each one sets.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { CHRONUS_ENV } from "./config.ts";
 *
 * equal(CHRONUS_ENV.CHRONUS_OSC_PORT, "osc_port");
 * ```
 */
export const CHRONUS_ENV = Object.freeze(
  {
    CHRONUS_OSC_HOST: "osc_host",
    CHRONUS_OSC_PORT: "osc_port",
    CHRONUS_PULSE_SERVER: "pulse_server",
    CHRONUS_VERBOSE: "verbose",
    CHRONUS_SAMPLE_RATE: "sample_rate",
    CHRONUS_BUFFER_SIZE: "block_size",
    CHRONUS_NUM_VOICES: "voices",
  } as const,
);

const TRUE_WORDS = new Set(["1", "true", "yes", "on"]);
const FALSE_WORDS = new Set(["0", "false", "no", "off"]);

/**
 * Returns a copy of a configuration with Music Chronus's environment
 * variables applied (they win over the file; flags win over them):
 * `CHRONUS_OSC_HOST`, `CHRONUS_OSC_PORT`, `CHRONUS_PULSE_SERVER`,
 * `CHRONUS_VERBOSE` (`1/0`, `true/false`, `yes/no`, `on/off`), and also
 * `CHRONUS_SAMPLE_RATE`, `CHRONUS_BUFFER_SIZE` and `CHRONUS_NUM_VOICES`.
 * Unset or empty variables are ignored. Every invalid value is reported at
 * once, each naming its variable.
 *
 * @example Usage
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { applyChronusEnv, defaultAudioConfig } from "./config.ts";
 *
 * const config = applyChronusEnv(defaultAudioConfig(), {
 *   CHRONUS_OSC_PORT: "5105",
 *   CHRONUS_VERBOSE: "1",
 * });
 * equal(config.osc_port, 5105);
 * equal(config.verbose, true);
 * throws(() => applyChronusEnv(defaultAudioConfig(), { CHRONUS_OSC_PORT: "http" }), {
 *   name: "ConfigError",
 *   message: 'CHRONUS_OSC_PORT: expected a port number from 1 to 65535, found string "http"',
 * });
 * ```
 *
 * @param config The configuration (from the file, or the defaults).
 * @param env The environment, e.g. `Deno.env.toObject()`.
 * @returns The updated copy.
 * @throws {ConfigError} If a variable has an invalid value.
 */
export function applyChronusEnv(
  config: AudioConfig,
  env: Readonly<Record<string, string | undefined>>,
): AudioConfig {
  const out = structuredClone(config);
  const issues: ConfigIssue[] = [];
  const get = (name: keyof typeof CHRONUS_ENV): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === "" ? undefined : value;
  };
  const problem = (name: string, expected: string, value: string) =>
    issues.push({
      key: name,
      expected,
      found: `string ${JSON.stringify(value)}`,
    });
  const integer = (
    name: keyof typeof CHRONUS_ENV,
    min: number,
    max: number,
    expected: string,
  ): number | undefined => {
    const value = get(name);
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    const number = Number(trimmed);
    if (
      !/^[+]?\d+$/.test(trimmed) || !Number.isSafeInteger(number) ||
      number < min || number > max
    ) {
      problem(name, expected, value);
      return undefined;
    }
    return number;
  };

  const host = get("CHRONUS_OSC_HOST");
  if (host !== undefined) {
    if (/\s/.test(host.trim()) || host.trim().length > 253) {
      problem(
        "CHRONUS_OSC_HOST",
        "a host name or address without spaces",
        host,
      );
    } else out.osc_host = host.trim();
  }
  const port = integer(
    "CHRONUS_OSC_PORT",
    1,
    65535,
    "a port number from 1 to 65535",
  );
  if (port !== undefined) out.osc_port = port;
  const pulse = get("CHRONUS_PULSE_SERVER");
  if (pulse !== undefined) out.pulse_server = pulse.trim();
  const verbose = get("CHRONUS_VERBOSE");
  if (verbose !== undefined) {
    const word = verbose.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) out.verbose = true;
    else if (FALSE_WORDS.has(word)) out.verbose = false;
    else {
      problem(
        "CHRONUS_VERBOSE",
        "1/0, true/false, yes/no or on/off",
        verbose,
      );
    }
  }
  const ranged = (
    name: keyof typeof CHRONUS_ENV,
    key: "sample_rate" | "block_size" | "voices",
  ) => {
    const { min, max } = RANGES[key];
    const value = integer(
      name,
      min,
      max,
      `an integer from ${min} to ${max}`,
    );
    if (value !== undefined) out[key] = value;
  };
  ranged("CHRONUS_SAMPLE_RATE", "sample_rate");
  ranged("CHRONUS_BUFFER_SIZE", "block_size");
  ranged("CHRONUS_NUM_VOICES", "voices");
  if (issues.length > 0) throw new ConfigError(issues);
  return out;
}
