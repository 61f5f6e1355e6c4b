/**
 * `--target KIND=ADDRESS` values of `shack doctor`: the kinds, their
 * default ports and the parser (kept apart from the config reading so the
 * CLI parses flags without loading every service's config schema).
 *
 * @module
 */

import { parseHostPort } from "./host_port.ts";
import type { CheckTarget } from "./types.ts";

/** The kinds `--target` accepts. */
export const TARGET_KINDS = [
  "ysf",
  "sdr",
  "audio",
  "audio-osc",
  "bridge",
] as const;

/** One of {@link TARGET_KINDS}. */
export type TargetKind = typeof TARGET_KINDS[number];

/** Kinds probed over HTTP (`/healthz`, `/metrics`). */
export const HTTP_KINDS: readonly TargetKind[] = ["sdr", "audio", "bridge"];

/** Default ports used when a config section exists but names no port. */
export const DEFAULT_PORTS = {
  ysf: 42000,
  sdr: 9002,
  /** `[audio] http_port`. */
  audio: 5080,
  /** `[audio] osc_port` (Music Chronus's port). */
  "audio-osc": 5005,
  /** `[bridge] port` (Threadfin's and xTeVe's default). */
  bridge: 34400,
} as const satisfies Record<TargetKind, number>;

/**
 * Parses one `KIND=ADDRESS` value. HTTP kinds take a URL or `host:port`
 * (made `http://host:port`); UDP kinds (`ysf`, `audio-osc`) take `host:port`.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, throws } from "node:assert/strict";
 * import { parseTarget } from "./target.ts";
 * deepEqual(parseTarget("sdr=127.0.0.1:9002"), {
 *   kind: "sdr", address: "http://127.0.0.1:9002", source: "command line",
 * });
 * deepEqual(parseTarget("audio-osc=[::1]:5005").address, "[::1]:5005");
 * throws(() => parseTarget("nope=1.2.3.4"), TypeError);
 * ```
 *
 * @throws {TypeError} When the kind is unknown or the address malformed.
 */
export function parseTarget(text: string): CheckTarget {
  const eq = text.indexOf("=");
  const kind = eq > 0 ? text.slice(0, eq).trim() : "";
  const address = eq > 0 ? text.slice(eq + 1).trim() : "";
  if (!(TARGET_KINDS as readonly string[]).includes(kind) || address === "") {
    throw new TypeError(
      `expected KIND=ADDRESS with KIND one of ${
        TARGET_KINDS.join(", ")
      }, found "${text}"`,
    );
  }
  if ((HTTP_KINDS as readonly string[]).includes(kind)) {
    const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(address)
      ? address
      : `http://${address}`;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new TypeError(
        `expected ${kind}=http://HOST:PORT, found "${text}"`,
      );
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new TypeError(
        `expected an http or https URL for ${kind}, found "${address}"`,
      );
    }
    return {
      kind,
      address: url.replace(/\/+$/, ""),
      source: "command line",
    };
  }
  try {
    parseHostPort(address, DEFAULT_PORTS[kind as TargetKind]);
  } catch {
    throw new TypeError(`expected ${kind}=HOST:PORT, found "${text}"`);
  }
  return { kind, address, source: "command line" };
}
