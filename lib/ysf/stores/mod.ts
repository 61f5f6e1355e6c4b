/**
 * lib/ysf/stores: the file-backed stores of `shack ysf reflect`, for its
 * I/O layer:
 *
 * - {@link RoomMemoryFile}: the last room of each gateway in
 *   pYSFReflector3's tinydb JSON format (bounded, debounced, atomic writes);
 * - {@link RuleFiles}: the deny file, G4KLX block list and home file, with
 *   change detection and SIGHUP reload;
 * - {@link writeFileAtomic}: temporary file + rename.
 *
 * @example Rules and room memory for a reflector
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { RoomMemoryFile, RuleFiles } from "./mod.ts";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   await Deno.writeTextFile(`${dir}/deny.db`, "CS:G4XYZ\n");
 *   const rules = new RuleFiles({ denyFile: `${dir}/deny.db` });
 *   const { acl } = await rules.load();
 *   const memory = await RoomMemoryFile.open(`${dir}/dgid.json`, { onWarning: () => {} });
 *   memory.set("GWA", 9);
 *   equal(acl.checkCallsign("G4XYZ"), "CS");
 *   equal(await memory.close(), true);
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 *
 * @module
 */

export * from "./atomic_file.ts";
export * from "./room_memory_file.ts";
export * from "./rule_files.ts";
