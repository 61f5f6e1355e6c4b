/**
 * Running shack as a system service: hardened systemd units.
 *
 * @example Usage
 * ```ts
 * import { match } from "node:assert/strict";
 * import { systemdUnit } from "./mod.ts";
 * match(systemdUnit("audio"), /^SupplementaryGroups=audio$/m);
 * ```
 *
 * @module
 */

export * from "./systemd_unit.ts";
