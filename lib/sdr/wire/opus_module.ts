/**
 * libopus in WebAssembly, loaded bundle-safely: opusscript's Emscripten glue
 * is imported directly and its `.wasm` is imported as bytes (by relative
 * path) and passed as `wasmBinary`, so nothing reads the filesystem at run
 * time and `deno bundle` / `deno compile` carry the codec inside the
 * program. opusscript's own wrapper (`index.js`) loads the `.wasm` from
 * disk, so {@linkcode OpusEncoder} and {@linkcode OpusDecoder} use the glue's
 * embind class directly.
 *
 * The glue compiles the module synchronously (opusscript is built that way),
 * so the first encoder of a thread waits a few milliseconds once; call
 * {@linkcode loadOpus} at start-up to pay that early. One instance is shared
 * by every encoder and decoder of a thread.
 *
 * @module
 */

// @ts-types="./opus_glue.d.ts"
import OpusScriptNative from "opusscript/build/opusscript_native_wasm.js";
import type { OpusScriptModule } from "./opus_glue.d.ts";
import wasmBinary from "../../../node_modules/opusscript/build/opusscript_native_wasm.wasm" with {
  type: "bytes",
};
import { OpusUnavailableError } from "./opus_unavailable_error.ts";

/**
 * The sample rates libopus encodes and decodes at.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { OPUS_SAMPLE_RATES } from "./opus_module.ts";
 *
 * deepEqual([...OPUS_SAMPLE_RATES], [8000, 12000, 16000, 24000, 48000]);
 * ```
 */
export const OPUS_SAMPLE_RATES: readonly OpusSampleRate[] = Object.freeze([
  8000,
  12000,
  16000,
  24000,
  48000,
]);

/**
 * A sample rate libopus accepts.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { OpusSampleRate } from "./opus_module.ts";
 *
 * const rate: OpusSampleRate = 12000;
 * equal(rate, 12000);
 * ```
 */
export type OpusSampleRate = 8000 | 12000 | 16000 | 24000 | 48000;

/**
 * The Opus rate nearest to a sample rate (ties go to the lower rate), as
 * sv1btl's PhantomSDR+ snaps `audio_sps`. The samples are then encoded as
 * they are, without resampling: the frontend resamples the decoded audio
 * from the listener's real rate, as it does for FLAC.
 *
 * @param sps The listener's audio rate, samples per second.
 * @returns The Opus encoder rate.
 * @throws {RangeError} If `sps` is not a positive finite number.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { nearestOpusRate } from "./opus_module.ts";
 *
 * equal(nearestOpusRate(12000), 12000);
 * equal(nearestOpusRate(12000.5), 12000);
 * equal(nearestOpusRate(44100), 48000);
 * equal(nearestOpusRate(192000), 48000);
 * equal(nearestOpusRate(10000), 8000);
 * ```
 */
export function nearestOpusRate(sps: number): OpusSampleRate {
  if (!Number.isFinite(sps) || sps <= 0) {
    throw new RangeError(
      `Expected a positive audio sample rate, found ${sps}`,
    );
  }
  let best = OPUS_SAMPLE_RATES[0];
  for (const rate of OPUS_SAMPLE_RATES) {
    if (Math.abs(rate - sps) < Math.abs(best - sps)) best = rate;
  }
  return best;
}

let loaded: OpusScriptModule | undefined;
let failure: OpusUnavailableError | undefined;

/**
 * The Opus wasm module of this thread, instantiated on first use
 * (synchronously).
 *
 * @returns The module.
 * @throws {OpusUnavailableError} If the wasm cannot be compiled or
 * instantiated; the failure is remembered and rethrown on later calls.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { opusModule } from "./opus_module.ts";
 *
 * equal(typeof opusModule().OpusScriptHandler, "function");
 * ```
 */
export function opusModule(): OpusScriptModule {
  if (loaded !== undefined) return loaded;
  if (failure !== undefined) throw failure;
  // The glue takes its Node branch under Deno (a global `process` exists)
  // and evaluates `__dirname` there, which a bundle does not define.
  const global = globalThis as { __dirname?: string };
  global.__dirname ??= "/";
  try {
    const quiet = () => {};
    const module = OpusScriptNative({
      wasmBinary,
      print: quiet,
      printErr: quiet,
    });
    if (typeof module.OpusScriptHandler !== "function") {
      throw new TypeError(
        "Expected the opusscript glue to define OpusScriptHandler, found none",
      );
    }
    loaded = module;
    return module;
  } catch (error) {
    failure = new OpusUnavailableError(error);
    throw failure;
  }
}

/**
 * Loads the Opus wasm module now (it is otherwise loaded by the first
 * encoder or decoder). Never throws.
 *
 * @returns Whether Opus is available.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { loadOpus } from "./opus_module.ts";
 *
 * equal(loadOpus(), true);
 * ```
 */
export function loadOpus(): boolean {
  try {
    opusModule();
    return true;
  } catch {
    return false;
  }
}

/**
 * Bytes of the Opus wasm heap now (it grows, never shrinks; freed encoders
 * leave room that new ones reuse). 0 when the module is not loaded.
 *
 * @returns The heap size in bytes.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { loadOpus, opusHeapBytes } from "./opus_module.ts";
 *
 * loadOpus();
 * ok(opusHeapBytes() >= 65536);
 * ```
 */
export function opusHeapBytes(): number {
  return loaded?.HEAPU8.length ?? 0;
}
