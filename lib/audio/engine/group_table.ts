/**
 * SuperCollider-style groups (`/g_new`): a fixed-capacity table of group
 * ids and their parents, with the root group 0 always present. Voices
 * record the group they were added to; freeing a group frees everything
 * nested in it. Lookups are linear scans over at most
 * {@linkcode MAX_GROUPS} entries in preallocated arrays.
 *
 * @module
 */

/**
 * The most groups besides the root.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MAX_GROUPS } from "./group_table.ts";
 *
 * equal(MAX_GROUPS, 64);
 * ```
 */
export const MAX_GROUPS = 64;

/**
 * Group ids and parents.
 *
 * @example Nested groups
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { GroupTable } from "./group_table.ts";
 *
 * const groups = new GroupTable();
 * groups.add(1, 0);
 * groups.add(2, 1);
 * equal(groups.isWithin(2, 1), true);
 * equal(groups.isWithin(1, 2), false);
 * ```
 */
export class GroupTable {
  readonly #ids = new Int32Array(MAX_GROUPS);
  readonly #parents = new Int32Array(MAX_GROUPS);
  #count = 0;

  /**
   * The number of groups besides the root.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { GroupTable } from "./group_table.ts";
   *
   * equal(new GroupTable().size, 0);
   * ```
   */
  get size(): number {
    return this.#count;
  }

  /**
   * Whether a group exists (0 always does).
   *
   * @param id The group id.
   * @returns `true` when it exists.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { GroupTable } from "./group_table.ts";
   *
   * equal(new GroupTable().has(0), true);
   * ```
   */
  has(id: number): boolean {
    return id === 0 || this.#indexOf(id) >= 0;
  }

  /**
   * The parent of a group (−1 for the root or an unknown group).
   *
   * @param id The group id.
   * @returns The parent id.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { GroupTable } from "./group_table.ts";
   *
   * const groups = new GroupTable();
   * groups.add(5, 0);
   * equal(groups.parentOf(5), 0);
   * ```
   */
  parentOf(id: number): number {
    const i = this.#indexOf(id);
    return i < 0 ? -1 : this.#parents[i];
  }

  /**
   * Adds a group.
   *
   * @param id The new id (>= 1, not in the table).
   * @param parent An existing group.
   * @returns `false` when the table is full.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { GroupTable } from "./group_table.ts";
   *
   * equal(new GroupTable().add(1, 0), true);
   * ```
   */
  add(id: number, parent: number): boolean {
    if (this.#count === MAX_GROUPS) return false;
    this.#ids[this.#count] = id;
    this.#parents[this.#count] = parent;
    this.#count++;
    return true;
  }

  /**
   * Whether `group` is `ancestor` or nested in it.
   *
   * @param group A group id.
   * @param ancestor Another group id.
   * @returns `true` when nested (or equal).
   *
   * @example Everything is within the root
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { GroupTable } from "./group_table.ts";
   *
   * const groups = new GroupTable();
   * groups.add(3, 0);
   * equal(groups.isWithin(3, 0), true);
   * ```
   */
  isWithin(group: number, ancestor: number): boolean {
    let g = group;
    for (let steps = 0; steps <= MAX_GROUPS + 1; steps++) {
      if (g === ancestor) return true;
      if (g === 0 || g < 0) return false;
      g = this.parentOf(g);
    }
    return false;
  }

  /**
   * Removes every group strictly nested in `ancestor` (and `ancestor`
   * itself when `inclusive`). The root is never removed.
   *
   * @param ancestor The group.
   * @param inclusive Whether to remove `ancestor` too.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { GroupTable } from "./group_table.ts";
   *
   * const groups = new GroupTable();
   * groups.add(1, 0);
   * groups.add(2, 1);
   * groups.removeWithin(1, true);
   * equal(groups.size, 0);
   * ```
   */
  removeWithin(ancestor: number, inclusive: boolean): void {
    // Decide first, then compact: removing a parent must not hide a child.
    const remove = new Uint8Array(this.#count);
    for (let i = 0; i < this.#count; i++) {
      const id = this.#ids[i];
      if (id === ancestor ? inclusive : this.isWithin(id, ancestor)) {
        remove[i] = 1;
      }
    }
    let w = 0;
    for (let i = 0; i < this.#count; i++) {
      if (remove[i] === 1) continue;
      this.#ids[w] = this.#ids[i];
      this.#parents[w] = this.#parents[i];
      w++;
    }
    this.#count = w;
  }

  /**
   * The groups as `[id, parent]` pairs, in creation order (allocates).
   *
   * @returns The pairs.
   *
   * @example Usage
   * ```ts
   * import { deepEqual } from "node:assert/strict";
   * import { GroupTable } from "./group_table.ts";
   *
   * const groups = new GroupTable();
   * groups.add(1, 0);
   * deepEqual(groups.entries(), [[1, 0]]);
   * ```
   */
  entries(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.#count; i++) {
      out.push([this.#ids[i], this.#parents[i]]);
    }
    return out;
  }

  /**
   * Removes every group but the root.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { GroupTable } from "./group_table.ts";
   *
   * const groups = new GroupTable();
   * groups.add(1, 0);
   * groups.clear();
   * equal(groups.size, 0);
   * ```
   */
  clear(): void {
    this.#count = 0;
  }

  #indexOf(id: number): number {
    for (let i = 0; i < this.#count; i++) if (this.#ids[i] === id) return i;
    return -1;
  }
}
