/**
 * Internal helpers for building plain objects from untrusted keys (config
 * files may contain `__proto__` or `constructor` as keys).
 *
 * @module
 */

/**
 * Sets an own, enumerable property, even for the key `__proto__` (a plain
 * assignment would change the prototype instead).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { setOwn } from "./_object.ts";
 *
 * const target: Record<string, unknown> = {};
 * setOwn(target, "__proto__", 1);
 * equal(Object.getPrototypeOf(target), Object.prototype);
 * equal(Object.keys(target)[0], "__proto__");
 * ```
 *
 * @param target The object to change.
 * @param key The property name.
 * @param value The property value.
 */
export function setOwn(
  target: Record<string, unknown>,
  key: string,
  value: unknown,
): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

/**
 * Tells whether a value is a table: an object that is not null, an array or
 * a date.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isTable } from "./_object.ts";
 *
 * equal(isTable({ a: 1 }), true);
 * equal(isTable([1]), false);
 * ```
 *
 * @param value Any value.
 * @returns Whether the value is a table.
 */
export function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null &&
    !Array.isArray(value) && !(value instanceof Date);
}
