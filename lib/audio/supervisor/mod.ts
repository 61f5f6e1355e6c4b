/**
 * lib/audio/supervisor: the fault-tolerant half of `shack audio run` — two
 * worker processes in lockstep, credits, the block rings, checksum
 * comparison, failover without a gap, respawn to the exact current state
 * (snapshot + command log), and the worker command line.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { workerCommand } from "./mod.ts";
 * deepEqual(workerCommand({ execPath: "/usr/bin/shack" }).args, ["audio", "worker"]);
 * ```
 *
 * @module
 */

export * from "./block_ring.ts";
export * from "./command_log.ts";
export * from "./pipe_writer.ts";
export * from "./supervisor.ts";
export * from "./worker_command.ts";
export * from "./worker_process.ts";
