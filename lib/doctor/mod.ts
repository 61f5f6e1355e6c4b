/**
 * `shack doctor` as a library: checks, the concurrent runner and renderers.
 *
 * `findExecutable()` is not re-exported here: it would reach the root
 * `mod.ts`. The OSC round trip uses the audio engine's codec (lib/audio/osc).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { runChecks } from "./mod.ts";
 * const report = await runChecks([
 *   { name: "x", description: "x", run: () => ({ status: "fail", summary: "down" }) },
 * ]);
 * equal(report.exitCode, 2);
 * ```
 *
 * @module
 */

export * from "./types.ts";
export * from "./runner.ts";
export * from "./render.ts";
export * from "./schema.ts";
export * from "./service_targets.ts";
export * from "./host_port.ts";
export * from "./prometheus_text.ts";
export * from "./osc_probe.ts";
export * from "./http_probe.ts";
export * from "./port_state.ts";
export * from "./silent_service.ts";
export type {
  CommandResult,
  CommandRunner,
  RunCommandOptions,
} from "./command_runner.ts";
export * from "./system_text.ts";
export * from "./raspberry_pi.ts";
export * from "./throttled.ts";
export { defaultChecks, type DefaultChecksOptions } from "./checks/mod.ts";
export {
  compareVersions,
  judgeDenoVersion,
  MIN_DENO_VERSION,
} from "./checks/runtime.ts";
export {
  httpServiceCheck,
  type HttpServiceKind,
} from "./checks/http_service.ts";
export { audioOscCheck } from "./checks/audio_osc.ts";
export {
  AUDIO_PLAYERS,
  parseToolVersion,
  probeTool,
  toolChecks,
  type ToolChecksOptions,
  type ToolInfo,
} from "./checks/tools.ts";
export {
  diskCheck,
  type DiskCheckOptions,
  type DiskSpace,
  formatBytes,
} from "./checks/system_disk.ts";
export {
  memoryCheck,
  type MemoryCheckOptions,
  type MemoryFigures,
  parseMeminfo,
} from "./checks/system_memory.ts";
export {
  pageSizeCheck,
  type PageSizeCheckOptions,
  pageSizeFromRelease,
  parseSmapsPageSize,
  PI5_PAGE_SIZE_FIX,
} from "./checks/system_pagesize.ts";
export {
  judgeThrottled,
  parseTemperature,
  piCheck,
  type PiCheckOptions,
} from "./checks/system_pi.ts";
