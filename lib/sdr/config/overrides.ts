/**
 * Command-line overrides of a {@link SdrServiceConfig}
 * ({@link applySdrCliOverrides}): `--bind`, `--port`, `--source`,
 * `--format`, `--sps`, `--frequency`, `--signal`, `--fft-size` and
 * `--html-root` win over the file.
 *
 * @module
 */

import { MAX_FFT_SIZE } from "../spectrum_layout.ts";
import { parseSampleFormat, type SampleFormat } from "../sample_format.ts";
import { isPowerOfTwo } from "./_shared.ts";
import { phantomSdrKeyOf } from "./phantomsdr_toml.ts";
import { resolveSdrInput, type SdrInputField } from "./resolve_input.ts";
import type { SdrServiceConfig } from "./service_config.ts";
import {
  formatSdrSource,
  parseSdrSource,
  type SdrSource,
} from "./source_spec.ts";
import { sdrTomlKeyOf } from "./toml_config.ts";

/**
 * The settings the command line can override. Absent fields keep the
 * file's value.
 *
 * @example Overrides
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SdrCliOverrides } from "./overrides.ts";
 *
 * const overrides: SdrCliOverrides = { source: "rtl_tcp:192.168.1.20:1234", sps: 2_400_000 };
 * equal(overrides.port, undefined);
 * ```
 */
export interface SdrCliOverrides {
  /** `--bind`: the address to listen on. */
  bind?: string;
  /** `--port`: the TCP port, 0 to 65535 (0 = any free port). */
  port?: number;
  /** `--source`: a source text (`synthetic`, `stdin`, `file:PATH`, …) or a parsed source. */
  source?: string | SdrSource;
  /** `--format`: a sample format name (`u8`, `s16`, `cf32`, …). */
  format?: string;
  /** `--sps`: the input sample rate. */
  sps?: number;
  /** `--frequency`: centre (IQ) or lower edge (real), Hz. */
  frequency?: number;
  /** `--signal`: `iq` or `real`. */
  signal?: string;
  /** `--fft-size`: a power of two from 32 to 2^23. */
  fftSize?: number;
  /** `--html-root`: the web frontend's directory. */
  htmlRoot?: string;
}

/** The flag of each receiver setting the command line can set. */
const FLAGS: Partial<Record<SdrInputField, string>> = {
  source: "--source",
  format: "--format",
  sps: "--sps",
  frequency: "--frequency",
  signal: "--signal",
  fftSize: "--fft-size",
};

function shown(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function checkInteger(
  flag: string,
  value: unknown,
  min: number,
  max: number,
  what: string,
): number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(
      `Expected ${flag} to be a number, found ${shown(value)}`,
    );
  }
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(
      `Expected ${flag} to be ${what}, found ${shown(value)}`,
    );
  }
  return value;
}

function checkText(flag: string, value: unknown, what: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new TypeError(
      `Expected ${flag} to be ${what}, found ${shown(value)}`,
    );
  }
  return value.trim();
}

/** Checks a parsed source given by a caller; returns a copy. */
function checkSource(source: SdrSource): SdrSource {
  const bad = () =>
    new TypeError(
      `Expected --source to be a source, found ${JSON.stringify(source)}`,
    );
  if (typeof source !== "object" || source === null) throw bad();
  switch (source.kind) {
    case "synthetic":
    case "stdin":
      return { kind: source.kind };
    case "file":
      if (
        typeof source.path !== "string" || source.path === "" ||
        typeof source.loop !== "boolean"
      ) {
        throw bad();
      }
      return { kind: "file", path: source.path, loop: source.loop };
    case "rtl_tcp":
      if (
        typeof source.hostname !== "string" || source.hostname === "" ||
        !Number.isInteger(source.port) || source.port < 1 ||
        source.port > 65535
      ) {
        throw bad();
      }
      return { kind: "rtl_tcp", hostname: source.hostname, port: source.port };
    default:
      throw bad();
  }
}

/** The key of a receiver setting in the configuration's own file format. */
function fileKey(config: SdrServiceConfig, field: SdrInputField): string {
  switch (config.format) {
    case "phantomsdr":
      return phantomSdrKeyOf(field).join(".");
    case "toml":
      return sdrTomlKeyOf(field).join(".");
    case "defaults":
      return `input.${field}`;
  }
}

/**
 * Returns a copy of a configuration with command-line values in place of
 * the file's (flags win), and the receiver checked again as a whole. Each
 * override adds a note (`command line: --port 9100 (file: 9002)`).
 *
 * When `--frequency`, `--sps`, `--signal` or `--fft-size` moves the band
 * away from the file's default frequency, the default window moves to the
 * centre of the new band (with a note) rather than failing.
 *
 * @example The command line wins
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { applySdrCliOverrides, defaultSdrServiceConfig } from "./mod.ts";
 *
 * const config = defaultSdrServiceConfig();
 * const merged = applySdrCliOverrides(config, {
 *   port: 9100, source: "rtl_tcp:10.0.0.5", frequency: 145_500_000, sps: 2_400_000,
 * });
 * equal(merged.server.port, 9100);
 * deepEqual(merged.input.source, { kind: "rtl_tcp", hostname: "10.0.0.5", port: 1234 });
 * equal(merged.input.format, "u8"); // rtl_tcp sends u8
 * equal(merged.input.defaults.frequency, 145_500_000); // centred default follows
 * equal(config.server.port, 9002); // the input is not changed
 * ```
 *
 * @example A rejected value
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { applySdrCliOverrides, defaultSdrServiceConfig } from "./mod.ts";
 *
 * throws(() => applySdrCliOverrides(defaultSdrServiceConfig(), { fftSize: 100000 }), {
 *   name: "RangeError",
 *   message: "Expected --fft-size to be a power of two from 32 to 8388608, found 100000",
 * });
 * ```
 *
 * @param config The configuration from the file.
 * @param overrides The command-line values.
 * @returns The merged configuration (the input is not changed).
 * @throws {TypeError} If a value has the wrong type or form (a bind
 * address or HTML root that is empty, a source text that is not one of
 * the forms).
 * @throws {RangeError} If a number is out of range, the format or signal
 * is unknown, or the merged receiver settings do not fit together (e.g.
 * `--fft-size` below the file's `waterfall_size`).
 */
export function applySdrCliOverrides(
  config: SdrServiceConfig,
  overrides: SdrCliOverrides,
): SdrServiceConfig {
  const out = structuredClone(config);
  const origin = config.format === "defaults" ? "default" : "file";
  const note = (flag: string, value: unknown, was: unknown) =>
    out.notes.push(
      `command line: ${flag} ${shown(value)} (${origin}: ${shown(was)})`,
    );
  const input = out.input;
  const changed = new Set<SdrInputField>();

  if (overrides.bind !== undefined) {
    const bind = checkText("--bind", overrides.bind, "an address");
    if (/\s/.test(bind) || bind.length > 255) {
      throw new TypeError(
        `Expected --bind to be an address, found ${shown(overrides.bind)}`,
      );
    }
    note("--bind", bind, out.server.bind);
    out.server.bind = bind;
  }
  if (overrides.port !== undefined) {
    const port = checkInteger(
      "--port",
      overrides.port,
      0,
      65535,
      "a port number from 0 to 65535",
    );
    note("--port", port, out.server.port);
    out.server.port = port;
  }
  if (overrides.htmlRoot !== undefined) {
    const root = checkText("--html-root", overrides.htmlRoot, "a directory");
    note("--html-root", root, out.server.htmlRoot ?? "built-in page");
    out.server.htmlRoot = root;
  }
  if (overrides.source !== undefined) {
    const source = typeof overrides.source === "string"
      ? parseSdrSource(overrides.source)
      : checkSource(overrides.source);
    note("--source", formatSdrSource(source), formatSdrSource(input.source));
    input.source = source;
    changed.add("source");
  }
  if (overrides.format !== undefined) {
    if (typeof overrides.format !== "string") {
      throw new TypeError(
        `Expected --format to be a sample format name, found ${
          shown(overrides.format)
        }`,
      );
    }
    let format: SampleFormat;
    try {
      format = parseSampleFormat(overrides.format.trim());
    } catch {
      throw new RangeError(
        `Expected --format to be one of u8, s8, u16, s16, f32, f64, cs16, cf32, found ${
          shown(overrides.format)
        }`,
      );
    }
    note("--format", format, input.format);
    input.format = format;
    changed.add("format");
  }
  if (overrides.sps !== undefined) {
    const sps = checkInteger(
      "--sps",
      overrides.sps,
      1,
      2_147_483_647,
      "a sample rate from 1 to 2147483647",
    );
    note("--sps", sps, input.sps);
    input.sps = sps;
    changed.add("sps");
  }
  if (overrides.frequency !== undefined) {
    const frequency = checkInteger(
      "--frequency",
      overrides.frequency,
      0,
      Number.MAX_SAFE_INTEGER,
      "a frequency in Hz of at least 0",
    );
    note("--frequency", frequency, input.frequency);
    input.frequency = frequency;
    changed.add("frequency");
  }
  if (overrides.signal !== undefined) {
    if (typeof overrides.signal !== "string") {
      throw new TypeError(
        `Expected --signal to be "iq" or "real", found ${
          shown(overrides.signal)
        }`,
      );
    }
    const signal = overrides.signal.trim().toLowerCase();
    if (signal !== "iq" && signal !== "real") {
      throw new RangeError(
        `Expected --signal to be "iq" or "real", found ${
          shown(overrides.signal)
        }`,
      );
    }
    note("--signal", signal, input.signal);
    input.signal = signal;
    changed.add("signal");
  }
  if (overrides.fftSize !== undefined) {
    if (typeof overrides.fftSize !== "number") {
      throw new TypeError(
        `Expected --fft-size to be a number, found ${shown(overrides.fftSize)}`,
      );
    }
    if (!isPowerOfTwo(overrides.fftSize, 32, MAX_FFT_SIZE)) {
      throw new RangeError(
        `Expected --fft-size to be a power of two from 32 to ${MAX_FFT_SIZE}, found ${overrides.fftSize}`,
      );
    }
    note("--fft-size", overrides.fftSize, input.fftSize);
    input.fftSize = overrides.fftSize;
    changed.add("fftSize");
  }
  if (changed.size === 0) return out;

  let resolved = resolveSdrInput(input);
  const bandMoved = ["sps", "frequency", "signal", "fftSize", "source"].some(
    (field) => changed.has(field as SdrInputField),
  );
  if (
    bandMoved && !input.defaults.centered &&
    resolved.problems.some((p) => p.field === "defaults.frequency")
  ) {
    out.notes.push(
      `command line: the default frequency ${input.defaults.frequency} Hz ` +
        `is outside the new band: the default window moves to its centre`,
    );
    input.defaults.centered = true;
    resolved = resolveSdrInput(input);
  }
  const problem = resolved.problems[0];
  if (problem !== undefined) {
    const flag = FLAGS[problem.field];
    const name = flag !== undefined && changed.has(problem.field)
      ? flag
      : fileKey(config, problem.field);
    const after = name.startsWith("--")
      ? ""
      : " after the command-line overrides";
    throw new RangeError(
      `Expected ${name} to be ${problem.expected}, found ${problem.found}${after}`,
    );
  }
  for (const item of resolved.notes) {
    const text = `command line: ${item.text}`;
    if (!out.notes.some((line) => line.endsWith(item.text))) {
      out.notes.push(text);
    }
  }
  out.input = resolved.input;
  return out;
}
