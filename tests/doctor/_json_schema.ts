// A validator for the subset of JSON Schema that lib/doctor/schema.json
// uses: type, const, enum, properties, required, additionalProperties
// (boolean), items, minimum, pattern. Unknown keywords throw, so the schema
// cannot grow a keyword this validator silently ignores.

type Schema = Record<string, unknown>;

const KNOWN = new Set([
  "$schema",
  "$id",
  "title",
  "description",
  "type",
  "const",
  "enum",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "minimum",
  "pattern",
]);

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") {
    return Number.isInteger(value) ? "integer" : "number";
  }
  return typeof value;
}

function typeMatches(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === "number" && actual === "integer");
}

/** Returns every violation of `schema` by `value`, as "path: problem" lines. */
export function validate(
  schema: Schema,
  value: unknown,
  path = "$",
): string[] {
  const errors: string[] = [];
  for (const key of Object.keys(schema)) {
    if (!KNOWN.has(key)) {
      throw new Error(`unsupported keyword ${key} at ${path}`);
    }
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => typeMatches(value, t as string))) {
      errors.push(
        `${path}: expected ${types.join(" or ")}, found ${typeOf(value)}`,
      );
      return errors;
    }
  }
  if ("const" in schema && value !== schema.const) {
    errors.push(
      `${path}: expected ${JSON.stringify(schema.const)}, found ${
        JSON.stringify(value)
      }`,
    );
  }
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) {
    errors.push(
      `${path}: expected one of ${JSON.stringify(schema.enum)}, found ${
        JSON.stringify(value)
      }`,
    );
  }
  if (
    typeof schema.minimum === "number" && typeof value === "number" &&
    value < schema.minimum
  ) {
    errors.push(`${path}: expected at least ${schema.minimum}, found ${value}`);
  }
  if (
    typeof schema.pattern === "string" && typeof value === "string" &&
    !new RegExp(schema.pattern, "u").test(value)
  ) {
    errors.push(
      `${path}: expected to match ${schema.pattern}, found ${
        JSON.stringify(value)
      }`,
    );
  }
  if (typeOf(value) === "object") {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) {
      if (!(key in object)) errors.push(`${path}: missing required "${key}"`);
    }
    for (const [key, child] of Object.entries(object)) {
      if (properties[key]) {
        errors.push(...validate(properties[key], child, `${path}.${key}`));
      } else if (schema.additionalProperties === false) {
        errors.push(`${path}: unexpected property "${key}"`);
      }
    }
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) =>
      errors.push(...validate(schema.items as Schema, item, `${path}[${i}]`))
    );
  }
  return errors;
}
