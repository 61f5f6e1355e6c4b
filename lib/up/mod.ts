/**
 * `shack up`: several services in one process from one `shack.toml`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ServiceGroup } from "./mod.ts";
 *
 * const group = await ServiceGroup.start([]);
 * equal(group.names.length, 0);
 * await group.close();
 * ```
 *
 * @module
 */

export * from "./service_group.ts";
