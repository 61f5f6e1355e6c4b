/**
 * Sample sources of `shack sdr serve`: raw samples from stdin
 * ({@linkcode StdinSource}), a file played in real time or looping
 * ({@linkcode FileSource}), an rtl_tcp server ({@linkcode RtlTcpSource}) or
 * the built-in synthetic band ({@linkcode SyntheticSource}, the default).
 * They share one pull contract ({@linkcode SampleSource}): started with an
 * `AbortSignal`, `read(buf)` into the caller's buffer until `null`, the end
 * recorded with its reason, never a spin on a dead input.
 *
 * @example The default band, pulled one FFT hop at a time
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { readFull, SyntheticSource } from "./mod.ts";
 *
 * const source = new SyntheticSource({ pace: "fast", format: "u8" });
 * await source.start(new AbortController().signal);
 * const hop = new Uint8Array(2 * 65536); // N/2 u8 IQ samples for N = 131072
 * equal(await readFull(source, hop), hop.length);
 * equal(source.stations.find((s) => s.mode === "FM")?.frequency, 7_200_000);
 * source.close();
 * ```
 *
 * @module
 */

export * from "./source.ts";
export * from "./pacer.ts";
export * from "./stdin_source.ts";
export * from "./file_source.ts";
export * from "./rtl_tcp_protocol.ts";
export * from "./rtl_tcp_source.ts";
export * from "./morse.ts";
export * from "./synthetic_stations.ts";
export * from "./synthetic_band.ts";
export * from "./synthetic_source.ts";
