/**
 * The JSON Schema of the `shack doctor --json` document (schema
 * `shack.doctor/v1`), embedded so `shack doctor --schema` can print it and
 * tests can validate reports against it.
 *
 * @module
 */

import schema from "./schema.json" with { type: "json" };

/**
 * The JSON Schema (draft 2020-12) of a `DoctorReport` (types.ts).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DOCTOR_JSON_SCHEMA } from "./schema.ts";
 * equal(DOCTOR_JSON_SCHEMA.properties.schema.const, "shack.doctor/v1");
 * ```
 */
export const DOCTOR_JSON_SCHEMA: typeof schema = schema;
