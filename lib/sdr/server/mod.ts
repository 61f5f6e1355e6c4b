/**
 * lib/sdr/server: the running engine of `shack sdr serve`, a WebSDR backend
 * wire-compatible with PhantomSDR/PhantomSDR+ (sdr-phantomsdr.md §1–§2).
 *
 * - {@linkcode SdrServer}: HTTP + `/audio`, `/waterfall`, `/events` on one
 *   port, static files, `/healthz`, `/metrics`, limits, backpressure.
 * - {@linkcode DspEngine}: big FFT, waterfall levels and every listener's
 *   audio for one hop; run by the DSP Worker (`dsp_worker.ts`, pre-bundled
 *   into `dsp_worker_bundle.ts` by `build_dsp_worker_bundle.ts`) through
 *   {@linkcode DspWorkerClient}.
 * - {@linkcode SamplePump}: source bytes → Float32 samples → sample ring.
 * - {@linkcode SdrProbe}: a small protocol client for tests and checks.
 *
 * @example Serve the synthetic band and read one waterfall line
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SyntheticSource } from "../sources/synthetic_source.ts";
 * import { SdrProbe, SdrServer } from "./mod.ts";
 *
 * const server = await SdrServer.start({
 *   source: new SyntheticSource({ sps: 96000 }),
 *   hostname: "127.0.0.1", port: 0, fftSize: 2048, waterfallSize: 256,
 * });
 * const probe = await SdrProbe.connect(`ws://127.0.0.1:${server.addr.port}`, "waterfall");
 * await probe.waitFor(() => probe.lines.length > 0, 5000);
 * equal(probe.settings?.fft_size, 2048);
 * equal(probe.lines[0].data.length, 256);
 * await probe.close();
 * await server.close();
 * ```
 *
 * @module
 */

export * from "./connection_limits.ts";
export * from "./default_window.ts";
export * from "./dsp_engine.ts";
export * from "./dsp_protocol.ts";
export * from "./dsp_worker_client.ts";
export * from "./ip_guard.ts";
export * from "./sample_pump.ts";
export * from "./sdr_probe.ts";
export * from "./sdr_server.ts";
export * from "./server_info.ts";
