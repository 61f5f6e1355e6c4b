/**
 * The configuration of `shack sdr serve`: one typed
 * {@link SdrServiceConfig} from either file, so operators switching from
 * PhantomSDR keep their configuration file:
 *
 * - shack's own `shack.toml`, table `[sdr]` ({@link sdrConfigSchema},
 *   strict: unknown keys are errors);
 * - a PhantomSDR / PhantomSDR+ `config.toml`, read unchanged with
 *   PhantomSDR's defaults ({@link phantomSdrConfigSchema}: a missing key
 *   falls back to its default, unknown keys are notes).
 *
 * {@link loadSdrConfig} detects the kind, {@link applySdrCliOverrides}
 * lets command-line flags win, {@link resolveSdrInput} checks the receiver
 * settings together and computes the default window, and
 * {@link MarkersFile} serves and watches `markers.json`. Every bad value is
 * a `ConfigError` (exit code 78) naming the file, the line and the key; a
 * bad flag is a `TypeError` or `RangeError`.
 *
 * @example A PhantomSDR+ config.toml with a flag on top
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { spectrumLayout } from "../spectrum_layout.ts";
 * import { applySdrCliOverrides, loadSdrConfig } from "./mod.ts";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   await Deno.writeTextFile(
 *     `${dir}/config.toml`,
 *     '[input]\nsps = 2048000\nfrequency = 14200000\nsignal = "iq"\n' +
 *       '[input.driver]\nname = "stdin"\nformat = "u8"\n' +
 *       '[input.defaults]\nfrequency = 14074000\nmodulation = "usb"\n',
 *   );
 *   const config = applySdrCliOverrides(await loadSdrConfig(`${dir}/config.toml`), { port: 9100 });
 *   equal(config.server.port, 9100);
 *   equal(config.input.defaults.modulation, "USB");
 *   equal(spectrumLayout(config.input).audioFftSize, 768);
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 *
 * @module
 */

export * from "./service_config.ts";
export * from "./source_spec.ts";
export * from "./resolve_input.ts";
export * from "./phantomsdr_toml.ts";
export * from "./toml_config.ts";
export * from "./load_sdr_config.ts";
export * from "./overrides.ts";
export * from "./markers.ts";
export * from "./markers_file.ts";
