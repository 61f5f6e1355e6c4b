import { deepEqual, equal, ok, rejects, throws } from "node:assert/strict";
import { loadConfig } from "../../lib/core/config/load.ts";
import { ConfigError } from "../../lib/core/config/errors.ts";
import { parse, s } from "../../lib/core/config/schema.ts";
import {
  applyChronusEnv,
  audioConfigSchema,
  defaultAudioConfig,
  parseSinkSpec,
} from "../../lib/audio/config.ts";

const rootSchema = s.object({
  audio: audioConfigSchema.default({}),
}, { unknownKeys: "ignore" });

async function withFile(
  text: string,
  fn: (path: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "shack_audio_config_" });
  try {
    await Deno.writeTextFile(`${dir}/shack.toml`, text);
    await fn(`${dir}/shack.toml`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("audioConfigSchema has the issue's defaults", () => {
  deepEqual(defaultAudioConfig(), {
    sample_rate: 48000,
    block_size: 256,
    channels: 2,
    osc_host: "127.0.0.1",
    osc_port: 5005,
    http_host: "0.0.0.0",
    http_port: 5080,
    sink: "auto",
    sample_format: "s16le",
    duration: 0,
    realtime: true,
    voices: 4,
    lead_blocks: 3,
    startup_grace_ms: 1000,
    respawn_backoff_ms: 100,
    stall_timeout_ms: 50,
    record_dir: "recordings",
    pulse_server: "",
    verbose: false,
  });
});

Deno.test("audioConfigSchema reads an [audio] table from a real shack.toml", async () => {
  await withFile(
    [
      "[log]",
      'level = "debug"',
      "[audio]",
      "sample_rate = 44100",
      "block_size = 512",
      "channels = 1",
      'osc_host = "0.0.0.0"',
      "osc_port = 57110",
      'sink = "wav:/tmp/render.wav"',
      "duration = 12.5",
      "realtime = false",
      "voices = 16",
    ].join("\n"),
    async (path) => {
      const { value } = await loadConfig(path, rootSchema);
      equal(value.audio.sample_rate, 44100);
      equal(value.audio.block_size, 512);
      equal(value.audio.osc_port, 57110);
      equal(value.audio.duration, 12.5);
      equal(value.audio.realtime, false);
      deepEqual(parseSinkSpec(value.audio.sink), {
        kind: "wav",
        path: "/tmp/render.wav",
      });
    },
  );
});

Deno.test("audioConfigSchema names the file, line and key of every bad value", async () => {
  await withFile(
    [
      "[audio]",
      "sample_rate = 1000",
      "block_sise = 256",
      'sink = "speakers"',
      "osc_port = 70000",
      'sample_format = "s24le"',
    ].join("\n"),
    async (path) => {
      await rejects(loadConfig(path, rootSchema), (error) => {
        ok(error instanceof ConfigError);
        deepEqual(
          error.issues.map((i) => [i.line, i.key, i.expected, i.found]),
          [
            [
              2,
              "audio.sample_rate",
              "an integer from 8000 to 384000",
              "number 1000",
            ],
            [
              5,
              "audio.osc_port",
              "a port number from 1 to 65535",
              "number 70000",
            ],
            [
              4,
              "audio.sink",
              "a sink (auto, pw-cat, pacat, aplay, null, raw, http or wav:PATH)",
              'string "speakers"',
            ],
            [
              6,
              "audio.sample_format",
              'one of "s16le" or "f32le"',
              'string "s24le"',
            ],
            [
              3,
              "audio.block_sise",
              "one of the keys sample_rate, block_size, channels, osc_host, osc_port, http_host, http_port, sink, sample_format, duration, realtime, voices, … (19 keys)",
              "an unknown key",
            ],
          ],
        );
        ok(error.message.includes(`${path}:2: audio.sample_rate: expected`));
        return true;
      });
    },
  );
});

Deno.test("audioConfigSchema needs an HTTP port for the http sink", () => {
  throws(
    () => parse(audioConfigSchema, { sink: "http", http_port: 0 }),
    {
      message:
        'expected an http_port other than 0 when sink is "http", found table {"sink":"http","http_port":0}',
    },
  );
  equal(parse(audioConfigSchema, { sink: "http" }).http_port, 5080);
});

Deno.test("parseSinkSpec() accepts every sink of the issue", () => {
  deepEqual(
    ["auto", "pw-cat", "pacat", "aplay", "null", "raw", "http", "wav:a b.wav"]
      .map(
        parseSinkSpec,
      ),
    [
      { kind: "pipe", tool: "auto" },
      { kind: "pipe", tool: "pw-cat" },
      { kind: "pipe", tool: "pacat" },
      { kind: "pipe", tool: "aplay" },
      { kind: "null" },
      { kind: "raw" },
      { kind: "http" },
      { kind: "wav", path: "a b.wav" },
    ],
  );
  for (const bad of ["wav:", "WAV:x", "", "pw-play", "null "]) {
    throws(() => parseSinkSpec(bad), TypeError, bad);
  }
});

Deno.test("applyChronusEnv() maps Music Chronus's variables over the file", () => {
  const file = parse(audioConfigSchema, { osc_port: 6000, verbose: true });
  const config = applyChronusEnv(file, {
    CHRONUS_OSC_HOST: " 0.0.0.0 ",
    CHRONUS_OSC_PORT: "5005",
    CHRONUS_PULSE_SERVER: "/mnt/wslg/PulseServer",
    CHRONUS_VERBOSE: "off",
    CHRONUS_SAMPLE_RATE: "44100",
    CHRONUS_BUFFER_SIZE: "512",
    CHRONUS_NUM_VOICES: "8",
    CHRONUS_ROUTER: "1", // known to Chronus, not used here
    PATH: "/usr/bin",
  });
  equal(config.osc_host, "0.0.0.0");
  equal(config.osc_port, 5005);
  equal(config.pulse_server, "/mnt/wslg/PulseServer");
  equal(config.verbose, false);
  equal(config.sample_rate, 44100);
  equal(config.block_size, 512);
  equal(config.voices, 8);
  // the input is not changed; empty variables are ignored
  equal(file.osc_port, 6000);
  deepEqual(
    applyChronusEnv(file, { CHRONUS_OSC_PORT: "", CHRONUS_VERBOSE: " " }),
    file,
  );
  equal(applyChronusEnv(file, { CHRONUS_VERBOSE: "YES" }).verbose, true);
});

Deno.test("applyChronusEnv() names every variable with an invalid value", () => {
  throws(
    () =>
      applyChronusEnv(defaultAudioConfig(), {
        CHRONUS_OSC_HOST: "local host",
        CHRONUS_OSC_PORT: "0",
        CHRONUS_VERBOSE: "maybe",
        CHRONUS_SAMPLE_RATE: "48k",
        CHRONUS_BUFFER_SIZE: "8",
        CHRONUS_NUM_VOICES: "17",
      }),
    (error) => {
      ok(error instanceof ConfigError);
      equal(error.exitCode, 78);
      deepEqual(
        error.issues.map((i) => `${i.key}: ${i.expected}, ${i.found}`),
        [
          'CHRONUS_OSC_HOST: a host name or address without spaces, string "local host"',
          'CHRONUS_OSC_PORT: a port number from 1 to 65535, string "0"',
          'CHRONUS_VERBOSE: 1/0, true/false, yes/no or on/off, string "maybe"',
          'CHRONUS_SAMPLE_RATE: an integer from 8000 to 384000, string "48k"',
          'CHRONUS_BUFFER_SIZE: an integer from 16 to 8192, string "8"',
          'CHRONUS_NUM_VOICES: an integer from 1 to 16, string "17"',
        ],
      );
      return true;
    },
  );
});
