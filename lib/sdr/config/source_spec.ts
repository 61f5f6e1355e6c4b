/**
 * Where `shack sdr serve` reads its samples from ({@link SdrSource}), and
 * the one-string form used by `--source` and by `source` in shack.toml
 * ({@link parseSdrSource}, {@link formatSdrSource}):
 *
 * | text | source |
 * |---|---|
 * | `synthetic` | the built-in synthetic band (no hardware) |
 * | `stdin` or `-` | raw samples on standard input (PhantomSDR's only input: `rtl_sdr … - \| shack sdr serve`) |
 * | `file:PATH` | a recording, played once |
 * | `loop:PATH` | a recording, played again and again |
 * | `rtl_tcp`, `rtl_tcp:HOST`, `rtl_tcp:HOST:PORT` | an rtl_tcp server (default 127.0.0.1:1234; IPv6 as `[::1]:1234`; `rtl_tcp://` also accepted) |
 *
 * @module
 */

import { resolveConfigPath } from "./_shared.ts";

/**
 * A sample source:
 *
 * - `synthetic`: the generated test band;
 * - `stdin`: standard input (what PhantomSDR reads);
 * - `file`: a recording, played once or looped;
 * - `rtl_tcp`: an rtl_tcp server (always u8 IQ).
 *
 * @example A looping recording
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SdrSource } from "./source_spec.ts";
 *
 * const source: SdrSource = { kind: "file", path: "/srv/rec.cu8", loop: true };
 * equal(source.kind, "file");
 * ```
 */
export type SdrSource =
  | { kind: "synthetic" }
  | { kind: "stdin" }
  | { kind: "file"; path: string; loop: boolean }
  | { kind: "rtl_tcp"; hostname: string; port: number };

/**
 * Options of {@link parseSdrSource}.
 *
 * @example Relative to a configuration file
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ParseSdrSourceOptions } from "./source_spec.ts";
 *
 * const options: ParseSdrSourceOptions = { relativeTo: "/etc/shack/shack.toml" };
 * equal(options.relativeTo, "/etc/shack/shack.toml");
 * ```
 */
export interface ParseSdrSourceOptions {
  /**
   * A configuration file: a relative `file:`/`loop:` path is resolved
   * against its directory. Without it the path is kept as written
   * (relative to the working directory).
   */
  relativeTo?: string;
}

/** The rtl_tcp port when none is given. */
const RTL_TCP_PORT = 1234;
/** The rtl_tcp host when none is given. */
const RTL_TCP_HOST = "127.0.0.1";
/** The longest source text accepted. */
const MAX_SOURCE_LENGTH = 4096;

/**
 * The source text forms, as listed in messages and `--help`.
 *
 * @example Usage
 * ```ts
 * import { match } from "node:assert/strict";
 * import { SDR_SOURCE_FORMS } from "./source_spec.ts";
 *
 * match(SDR_SOURCE_FORMS, /rtl_tcp:HOST:PORT/);
 * ```
 */
export const SDR_SOURCE_FORMS =
  '"synthetic", "stdin", "file:PATH", "loop:PATH" or "rtl_tcp:HOST:PORT"';

function invalid(text: string, why?: string): TypeError {
  const shown = JSON.stringify(
    text.length > 80 ? `${text.slice(0, 79)}…` : text,
  );
  return new TypeError(
    `Expected a source ${SDR_SOURCE_FORMS}${
      why === undefined ? "" : ` (${why})`
    }, found ${shown}`,
  );
}

function parseRtlTcp(text: string, rest: string): SdrSource {
  let body = rest.startsWith("//") ? rest.slice(2) : rest;
  if (body.endsWith("/")) body = body.slice(0, -1);
  if (body === "") {
    return { kind: "rtl_tcp", hostname: RTL_TCP_HOST, port: RTL_TCP_PORT };
  }
  let hostname: string;
  let portText: string | undefined;
  if (body.startsWith("[")) {
    const close = body.indexOf("]");
    if (close < 0) throw invalid(text, "an IPv6 address needs its closing ]");
    hostname = body.slice(1, close);
    const after = body.slice(close + 1);
    if (after !== "" && !after.startsWith(":")) {
      throw invalid(text, "expected :PORT after the IPv6 address");
    }
    portText = after === "" ? undefined : after.slice(1);
  } else {
    const colon = body.indexOf(":");
    if (colon >= 0 && body.indexOf(":", colon + 1) >= 0) {
      throw invalid(text, "write an IPv6 address in brackets: [::1]:1234");
    }
    hostname = colon < 0 ? body : body.slice(0, colon);
    portText = colon < 0 ? undefined : body.slice(colon + 1);
  }
  if (hostname === "" || /[\s/\\@?#]/.test(hostname)) {
    throw invalid(text, "expected a host name or address");
  }
  let port = RTL_TCP_PORT;
  if (portText !== undefined) {
    port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) {
      throw invalid(text, "expected a port from 1 to 65535");
    }
  }
  return { kind: "rtl_tcp", hostname, port };
}

/**
 * Parses a source text (see the module documentation for the forms).
 * Names are case-insensitive; paths are kept as written, or resolved
 * against the directory of `options.relativeTo`.
 *
 * @example Every form
 * ```ts
 * import { deepEqual, throws } from "node:assert/strict";
 * import { parseSdrSource } from "./source_spec.ts";
 *
 * deepEqual(parseSdrSource("stdin"), { kind: "stdin" });
 * deepEqual(parseSdrSource("-"), { kind: "stdin" });
 * deepEqual(parseSdrSource("Synthetic"), { kind: "synthetic" });
 * deepEqual(parseSdrSource("loop:rec.cu8", { relativeTo: "/etc/shack/shack.toml" }), {
 *   kind: "file", path: "/etc/shack/rec.cu8", loop: true,
 * });
 * deepEqual(parseSdrSource("rtl_tcp:192.168.1.20:1234"), {
 *   kind: "rtl_tcp", hostname: "192.168.1.20", port: 1234,
 * });
 * deepEqual(parseSdrSource("rtl_tcp://[::1]"), { kind: "rtl_tcp", hostname: "::1", port: 1234 });
 * throws(() => parseSdrSource("soapy"), TypeError);
 * ```
 *
 * @param text The source text.
 * @param options The configuration file relative paths belong to.
 * @returns The source.
 * @throws {TypeError} If the text is not one of the forms.
 */
export function parseSdrSource(
  text: string,
  options: ParseSdrSourceOptions = {},
): SdrSource {
  if (typeof text !== "string") throw invalid(String(text));
  const trimmed = text.trim();
  if (trimmed.length > MAX_SOURCE_LENGTH) throw invalid(trimmed, "too long");
  const lower = trimmed.toLowerCase();
  if (lower === "synthetic") return { kind: "synthetic" };
  if (lower === "stdin" || lower === "-") return { kind: "stdin" };
  if (lower === "rtl_tcp" || lower === "rtl-tcp") {
    return { kind: "rtl_tcp", hostname: RTL_TCP_HOST, port: RTL_TCP_PORT };
  }
  const colon = trimmed.indexOf(":");
  if (colon > 0) {
    const scheme = lower.slice(0, colon);
    const rest = trimmed.slice(colon + 1);
    if (scheme === "rtl_tcp" || scheme === "rtl-tcp") {
      return parseRtlTcp(trimmed, rest);
    }
    if (scheme === "file" || scheme === "loop") {
      // file:///abs/path (a URL) and file:/abs/path both give /abs/path
      const path = rest.startsWith("//") ? rest.slice(2) : rest;
      if (path === "") throw invalid(trimmed, "expected a file path");
      return {
        kind: "file",
        path: options.relativeTo === undefined
          ? path
          : resolveConfigPath(options.relativeTo, path),
        loop: scheme === "loop",
      };
    }
  }
  throw invalid(trimmed);
}

/**
 * Formats a source as the text {@link parseSdrSource} reads back (for
 * logs and the status page).
 *
 * @example Round trip
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { formatSdrSource } from "./source_spec.ts";
 *
 * equal(formatSdrSource({ kind: "file", path: "/srv/rec.cu8", loop: false }), "file:/srv/rec.cu8");
 * equal(formatSdrSource({ kind: "rtl_tcp", hostname: "::1", port: 1234 }), "rtl_tcp:[::1]:1234");
 * ```
 *
 * @param source The source.
 * @returns Its text.
 */
export function formatSdrSource(source: SdrSource): string {
  switch (source.kind) {
    case "synthetic":
    case "stdin":
      return source.kind;
    case "file":
      return `${source.loop ? "loop" : "file"}:${source.path}`;
    case "rtl_tcp": {
      const host = source.hostname.includes(":")
        ? `[${source.hostname}]`
        : source.hostname;
      return `rtl_tcp:${host}:${source.port}`;
    }
  }
}
