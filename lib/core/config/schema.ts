/**
 * A small typed schema library for configuration files: builders
 * ({@link s}), static type inference ({@link Infer}) and validation
 * ({@link parse}, {@link parseWithWarnings}) that reports every problem at
 * once as a {@link ConfigError} (`FILE: KEY: expected X, found Y`).
 *
 * Why our own instead of zod or valibot: INI values are all strings, and the
 * peers whose files we read unchanged spell numbers and booleans their own way
 * (G4KLX's C++ reads `atoi(value) == 1`, Python's configparser accepts
 * `1/yes/true/on` and `0/no/false/off` in any case), so coercion has to be
 * ours; and the error text has to be exactly `file: key: expected …, found …`
 * with line numbers from our own INI parser, which would mean rewriting the
 * error layer of a general library anyway. The whole library is a few hundred
 * lines, has no dependency and does only what configuration needs.
 *
 * Coercion (`coerce: true`, used for INI files) turns strings into:
 * - integers and numbers: decimal text with optional sign and surrounding
 *   whitespace (`" 42 "`); `"12abc"`, `""` and `"0x10"` are rejected (G4KLX's
 *   `atoi` would read 12, 0 and 0; Python's `int()` rejects them as we do);
 * - booleans: `1/0`, `true/false`, `yes/no`, `on/off`, case-insensitive
 *   (configparser's `getboolean` words; G4KLX only understands `1`, so `1` and
 *   `0` are the portable spellings);
 * - arrays: comma-separated items, each trimmed (`list = 1,9,50`); an empty
 *   string is an empty array.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, throws } from "node:assert/strict";
 * import { type Infer, parse, s } from "./schema.ts";
 *
 * const schema = s.object({
 *   server: s.object({
 *     port: s.port().default(9002),
 *     host: s.string().default("0.0.0.0"),
 *   }).default({}),
 * });
 * type Config = Infer<typeof schema>;
 * const config: Config = parse(schema, { server: { port: 8080 } });
 * deepEqual(config, { server: { port: 8080, host: "0.0.0.0" } });
 * throws(() => parse(schema, { server: { port: 70000 } }, { file: "a.toml" }), {
 *   name: "ConfigError",
 *   message: "a.toml: server.port: expected a port number from 1 to 65535, found number 70000",
 * });
 * ```
 *
 * @module
 */

import {
  ConfigError,
  type ConfigIssue,
  type ConfigPathSegment,
  describeFound,
  formatConfigPath,
} from "./errors.ts";
import { isTable, setOwn } from "./_object.ts";

/** The key of the internal validation method of every {@link Schema}. */
const RUN: unique symbol = Symbol("run");
/** Returned by a schema for an invalid value (its issues are recorded). */
const INVALID: unique symbol = Symbol("invalid");
type Result<T> = T | typeof INVALID;

/** The state of one validation run. */
interface Context {
  readonly coerce: boolean;
  readonly file: string | undefined;
  readonly lineOf:
    | ((path: readonly ConfigPathSegment[]) => number | undefined)
    | undefined;
  readonly issues: ConfigIssue[];
  readonly warnings: ConfigIssue[];
}

function makeIssue(
  ctx: Context,
  path: readonly ConfigPathSegment[],
  expected: string,
  found: string,
): ConfigIssue {
  const issue: ConfigIssue = {};
  if (ctx.file !== undefined) issue.file = ctx.file;
  const line = ctx.lineOf?.(path);
  if (line !== undefined) issue.line = line;
  issue.key = formatConfigPath(path);
  issue.path = [...path];
  issue.expected = expected;
  issue.found = found;
  return issue;
}

function fail(
  ctx: Context,
  path: readonly ConfigPathSegment[],
  expected: string,
  value: unknown,
): typeof INVALID {
  ctx.issues.push(makeIssue(ctx, path, expected, describeFound(value)));
  return INVALID;
}

/**
 * A schema: validates a value and gives it the type `Out`. `In` is the type
 * it accepts before defaults are applied (fields with defaults may be
 * missing). Create schemas with {@link s}; validate with {@link parse}.
 *
 * @typeParam Out The type of a validated value.
 * @typeParam In The type of an acceptable input value.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parse, s, type Schema } from "./schema.ts";
 *
 * const level: Schema<number, number | undefined> = s.integer({ min: 0, max: 6 }).default(1);
 * equal(parse(level, undefined), 1);
 * equal(level.describe(), "an integer from 0 to 6");
 * ```
 */
export abstract class Schema<Out, In = Out> {
  /** Type-only marker of the output type (never set at run time). */
  declare readonly _output: Out;
  /** Type-only marker of the input type (never set at run time). */
  declare readonly _input: In;

  /**
   * Describes what this schema expects, as used after "expected" in
   * messages, e.g. `an integer from 1 to 65535`.
   *
   * @param coerce Whether values are coerced from strings (INI).
   * @returns The description.
   */
  abstract describe(coerce?: boolean): string;

  /** @internal Validates `value` at `path`, recording issues in `ctx`. */
  abstract [RUN](
    value: unknown,
    ctx: Context,
    path: readonly ConfigPathSegment[],
  ): Result<Out>;

  /**
   * Makes the value optional: a missing value (`undefined`) is accepted and
   * stays `undefined`; in an object the key becomes optional in the type.
   *
   * @returns The optional schema.
   */
  optional(): Schema<Out | undefined, In | undefined> {
    return new OptionalSchema(this);
  }

  /**
   * Gives a default for a missing value (`undefined`). The default is
   * validated like a given value, so the defaults of an object's fields apply
   * to an object default: `s.object({ port: s.port().default(1) }).default({})`.
   * In an object the key stays required in the output type.
   *
   * @param value The default (copied with `structuredClone` at each use).
   * @returns The schema with a default.
   */
  default(value: In): Schema<Out, In | undefined> {
    return new DefaultSchema(this, value);
  }

  /**
   * Adds a check after validation; when it returns false the value is
   * reported as `expected <expected>, found <value>`.
   *
   * @param check Tells whether the validated value is acceptable.
   * @param expected What is expected, e.g. `a power of two`.
   * @returns The refined schema.
   */
  refine(
    check: (value: Out) => boolean,
    expected: string,
  ): Schema<Out, In> {
    return new RefinedSchema(this, check, expected);
  }
}

// ---------------------------------------------------------------------------
// Type inference

/**
 * The type of a value validated by schema `S`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type Infer, s } from "./schema.ts";
 *
 * const schema = s.object({ port: s.port(), name: s.string().optional() });
 * const value: Infer<typeof schema> = { port: 80 };
 * equal(value.name, undefined);
 * ```
 */
export type Infer<S extends Schema<unknown, unknown>> = S["_output"];

/**
 * The type of an input accepted by schema `S` (fields with a default may be
 * missing).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type InferInput, s } from "./schema.ts";
 *
 * const schema = s.object({ port: s.port().default(9002) });
 * const input: InferInput<typeof schema> = {};
 * equal(input.port, undefined);
 * ```
 */
export type InferInput<S extends Schema<unknown, unknown>> = S["_input"];

/** The fields of an object schema: key → schema. */
export type ObjectShape = { readonly [key: string]: Schema<unknown, unknown> };

type Simplify<T> = { [K in keyof T]: T[K] } & unknown;

/** The output type of `s.object(shape)`. */
export type ObjectOutput<S extends ObjectShape> = Simplify<
  & {
    -readonly [K in keyof S as undefined extends Infer<S[K]> ? never : K]:
      Infer<S[K]>;
  }
  & {
    -readonly [K in keyof S as undefined extends Infer<S[K]> ? K : never]?:
      Infer<S[K]>;
  }
>;

/** The input type of `s.object(shape)`. */
export type ObjectInput<S extends ObjectShape> = Simplify<
  & {
    -readonly [K in keyof S as undefined extends InferInput<S[K]> ? never : K]:
      InferInput<S[K]>;
  }
  & {
    -readonly [K in keyof S as undefined extends InferInput<S[K]> ? K : never]?:
      InferInput<S[K]>;
  }
>;

// ---------------------------------------------------------------------------
// Builders' options

/** Options of `s.string()`. */
export interface StringSchemaOptions {
  /** The fewest characters (code points). */
  minLength?: number;
  /** The most characters (code points). */
  maxLength?: number;
  /** A regular expression the whole value must match (anchor it yourself). */
  pattern?: RegExp;
}

/** Options of `s.integer()` and `s.number()`. */
export interface NumberSchemaOptions {
  /** The smallest accepted value (inclusive). */
  min?: number;
  /** The largest accepted value (inclusive). */
  max?: number;
}

/** Options of `s.enum()`. */
export interface EnumSchemaOptions {
  /**
   * Accept any letter case and return the listed spelling (PhantomSDR reads
   * `signal = "IQ"` as `iq`). Default false.
   */
  caseInsensitive?: boolean;
}

/** Options of `s.array()`. */
export interface ArraySchemaOptions {
  /** The fewest items. */
  minLength?: number;
  /** The most items; longer arrays are reported without checking items. */
  maxLength?: number;
}

/**
 * What an object schema does with keys that are not in its shape:
 * `"error"` reports them as problems, `"warn"` returns them as warnings from
 * {@link parseWithWarnings}, `"ignore"` drops them silently. Unknown keys are
 * never copied to the output.
 */
export type UnknownKeys = "error" | "warn" | "ignore";

/** Options of `s.object()`. */
export interface ObjectSchemaOptions {
  /** What to do with keys not in the shape. Default `"error"`. */
  unknownKeys?: UnknownKeys;
}

/** Options of `s.record()`. */
export interface RecordSchemaOptions {
  /** The most entries; larger tables are reported without checking entries. */
  maxEntries?: number;
}

/** Options of `s.port()`. */
export interface PortSchemaOptions {
  /** Also accept 0 ("any free port"). Default false. */
  allowZero?: boolean;
}

// ---------------------------------------------------------------------------
// Schema classes (internal; use the builders in `s`)

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function describeLength(
  min: number | undefined,
  max: number | undefined,
  noun: string,
): string {
  if (min !== undefined && max !== undefined) {
    return min === max
      ? `exactly ${plural(min, noun)}`
      : `${min} to ${max} ${noun}s`;
  }
  if (min !== undefined) return `at least ${plural(min, noun)}`;
  if (max !== undefined) return `at most ${plural(max, noun)}`;
  return "";
}

function describeRange(
  min: number | undefined,
  max: number | undefined,
): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  if (max !== undefined) return ` of at most ${max}`;
  return "";
}

function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

class StringSchema extends Schema<string> {
  readonly #options: StringSchemaOptions;

  constructor(options: StringSchemaOptions) {
    super();
    this.#options = { ...options };
  }

  describe(): string {
    const { minLength, maxLength, pattern } = this.#options;
    let text = "a string";
    const length = describeLength(minLength, maxLength, "character");
    if (length !== "") text += ` of ${length}`;
    if (pattern !== undefined) text += ` matching ${String(pattern)}`;
    return text;
  }

  [RUN](
    value: unknown,
    ctx: Context,
    path: readonly ConfigPathSegment[],
  ): Result<string> {
    if (typeof value !== "string") {
      return fail(ctx, path, this.describe(), value);
    }
    const { minLength, maxLength, pattern } = this.#options;
    if (minLength !== undefined || maxLength !== undefined) {
      const length = countCodePoints(value);
      if (
        (minLength !== undefined && length < minLength) ||
        (maxLength !== undefined && length > maxLength)
      ) {
        return fail(ctx, path, this.describe(), value);
      }
    }
    if (pattern !== undefined) {
      pattern.lastIndex = 0;
      if (!pattern.test(value)) return fail(ctx, path, this.describe(), value);
    }
    return value;
  }
}

const INTEGER_TEXT = /^[+-]?\d+$/;
const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Reads a number from a value for integer and number schemas. */
function toNumber(
  value: unknown,
  coerce: boolean,
  textPattern: RegExp,
): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") {
    const number = Number(value);
    return Number.isSafeInteger(number) ? number : undefined;
  }
  if (coerce && typeof value === "string") {
    const text = value.trim();
    if (textPattern.test(text)) return Number(text);
  }
  return undefined;
}

class NumericSchema extends Schema<number> {
  readonly #integer: boolean;
  readonly #min: number | undefined;
  readonly #max: number | undefined;
  readonly #description: string | undefined;

  constructor(
    integer: boolean,
    options: NumberSchemaOptions,
    description?: string,
  ) {
    super();
    this.#integer = integer;
    this.#min = options.min;
    this.#max = options.max;
    this.#description = description;
  }

  describe(): string {
    if (this.#description !== undefined) return this.#description;
    const noun = this.#integer ? "an integer" : "a number";
    const range = describeRange(this.#min, this.#max);
    return range === "" && !this.#integer ? "a finite number" : noun + range;
  }

  [RUN](
    value: unknown,
    ctx: Context,
    path: readonly ConfigPathSegment[],
  ): Result<number> {
    const number = toNumber(
      value,
      ctx.coerce,
      this.#integer ? INTEGER_TEXT : NUMBER_TEXT,
    );
    if (
      number === undefined || !Number.isFinite(number) ||
      (this.#integer && !Number.isSafeInteger(number)) ||
      (this.#min !== undefined && number < this.#min) ||
      (this.#max !== undefined && number > this.#max)
    ) {
      return fail(ctx, path, this.describe(), value);
    }
    return number === 0 ? 0 : number; // no -0
  }
}

const TRUE_WORDS = new Set(["1", "true", "yes", "on"]);
const FALSE_WORDS = new Set(["0", "false", "no", "off"]);

class BooleanSchema extends Schema<boolean> {
  describe(coerce?: boolean): string {
    return coerce ? "a boolean (1/0, true/false, yes/no, on/off)" : "a boolean";
  }

  [RUN](
    value: unknown,
    ctx: Context,
    path: readonly ConfigPathSegment[],
  ): Result<boolean> {
    if (typeof value === "boolean") return value;
    if (ctx.coerce && typeof value === "string") {
      const word = value.trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
    }
    return fail(ctx, path, this.describe(ctx.coerce), value);
  }
}

class EnumSchema<T extends string> extends Schema<T> {
  readonly #values: readonly T[];
  readonly #caseInsensitive: boolean;

  constructor(values: readonly T[], options: EnumSchemaOptions) {
    super();
    if (values.length === 0) {
      throw new RangeError(
        "Cannot create an enum schema: expected at least one value, found none",
      );
    }
    this.#values = [...values];
    this.#caseInsensitive = options.caseInsensitive ?? false;
  }

  describe(): string {
    const quoted = this.#values.map((value) => JSON.stringify(value));
    if (quoted.length === 1) return quoted[0];
    return `one of ${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
  }

  [RUN](
    value: unknown,
    ctx: Context,
    path: readonly ConfigPathSegment[],
  ): Result<T> {
    if (typeof value === "string") {
      const text = ctx.coerce ? value.trim() : value;
      for (const candidate of this.#values) {
        if (
          candidate === text ||
          (this.#caseInsensitive &&
            candidate.toLowerCase() === text.toLowerCase())
        ) {
          return candidate;
        }
      }
    }
    return fail(ctx, path, this.describe(), value);
  }
}

class ArraySchema<Out, In> extends Schema<Out[], In[]> {
  readonly #item: Schema<Out, In>;
  readonly #options: ArraySchemaOptions;

  constructor(item: Schema<Out, In>, options: ArraySchemaOptions) {
    super();
    this.#item = item;
    this.#options = { ...options };
  }

  describe(coerce?: boolean): string {
    const { minLength, maxLength } = this.#options;
    let text = coerce ? "a comma-separated list" : "an array";
    const length = describeLength(minLength, maxLength, "item");
    if (length !== "") text += ` of ${length}`;
    return text;
  }

  [RUN](
    value: unknown,
    ctx: Context,
    path: readonly ConfigPathSegment[],
  ): Result<Out[]> {
    let items: readonly unknown[];
    if (Array.isArray(value)) {
      items = value;
    } else if (ctx.coerce && typeof value === "string") {
      items = value.trim() === ""
        ? []
        : value.split(",").map((item) => item.trim());
    } else {
      return fail(ctx, path, this.describe(ctx.coerce), value);
    }
    const { minLength, maxLength } = this.#options;
    if (
      (minLength !== undefined && items.length < minLength) ||
      (maxLength !== undefined && items.length > maxLength)
    ) {
      return fail(ctx, path, this.describe(ctx.coerce), value);
    }
    const out: Out[] = [];
    let valid = true;
    for (let index = 0; index < items.length; index++) {
      const result = this.#item[RUN](items[index], ctx, [...path, index]);
      if (result === INVALID) valid = false;
      else out.push(result);
    }
    return valid ? out : INVALID;
  }
}

class ObjectSchema<S extends ObjectShape>
  extends Schema<ObjectOutput<S>, ObjectInput<S>> {
  readonly #shape: S;
  readonly #keys: readonly string[];
  readonly #unknownKeys: UnknownKeys;

  constructor(shape: S, options: ObjectSchemaOptions) {
    super();
    this.#shape = shape;
    this.#keys = Object.keys(shape);
    this.#unknownKeys = options.unknownKeys ?? "error";
  }

  describe(): string {
    return "a table";
  }

  [RUN](
    value: unknown,
    ctx: Context,
    path: readonly ConfigPathSegment[],
  ): Result<ObjectOutput<S>> {
    if (!isTable(value)) return fail(ctx, path, this.describe(), value);
    const out: Record<string, unknown> = {};
    let valid = true;
    for (const key of this.#keys) {
      const field = this.#shape[key];
      const given = Object.hasOwn(value, key) ? value[key] : undefined;
      const result = field[RUN](given, ctx, [...path, key]);
      if (result === INVALID) valid = false;
      else if (result !== undefined) setOwn(out, key, result);
    }
    if (this.#unknownKeys !== "ignore") {
      const into = this.#unknownKeys === "error" ? ctx.issues : ctx.warnings;
      for (const key of Object.keys(value)) {
        if (Object.hasOwn(this.#shape, key)) continue;
        into.push(
          makeIssue(
            ctx,
            [...path, key],
            this.#describeKeys(),
            "an unknown key",
          ),
        );
        if (this.#unknownKeys === "error") valid = false;
      }
    }
    return valid ? out as ObjectOutput<S> : INVALID;
  }

  #describeKeys(): string {
    const keys = this.#keys;
    if (keys.length === 0) return "no keys";
    const listed = keys.slice(0, 12).join(", ");
    const more = keys.length > 12 ? `, … (${keys.length} keys)` : "";
    return `one of the keys ${listed}${more}`;
  }
}

class RecordSchema<Out, In>
  extends Schema<Record<string, Out>, Record<string, In>> {
  readonly #value: Schema<Out, In>;
  readonly #maxEntries: number | undefined;

  constructor(value: Schema<Out, In>, options: RecordSchemaOptions) {
    super();
    this.#value = value;
    this.#maxEntries = options.maxEntries;
  }

  describe(): string {
    if (this.#maxEntries === undefined) return "a table";
    const noun = this.#maxEntries === 1 ? "entry" : "entries";
    return `a table of at most ${this.#maxEntries} ${noun}`;
  }

  [RUN](
    value: unknown,
    ctx: Context,
    path: readonly ConfigPathSegment[],
  ): Result<Record<string, Out>> {
    if (!isTable(value)) return fail(ctx, path, this.describe(), value);
    const keys = Object.keys(value);
    if (this.#maxEntries !== undefined && keys.length > this.#maxEntries) {
      return fail(ctx, path, this.describe(), value);
    }
    const out: Record<string, Out> = {};
    let valid = true;
    for (const key of keys) {
      const result = this.#value[RUN](value[key], ctx, [...path, key]);
      if (result === INVALID) valid = false;
      else if (result !== undefined) setOwn(out, key, result);
    }
    return valid ? out : INVALID;
  }
}

class OptionalSchema<Out, In> extends Schema<Out | undefined, In | undefined> {
  readonly #inner: Schema<Out, In>;

  constructor(inner: Schema<Out, In>) {
    super();
    this.#inner = inner;
  }

  describe(coerce?: boolean): string {
    return this.#inner.describe(coerce);
  }

  [RUN](
    value: unknown,
    ctx: Context,
    path: readonly ConfigPathSegment[],
  ): Result<Out | undefined> {
    return value === undefined ? undefined : this.#inner[RUN](value, ctx, path);
  }
}

class DefaultSchema<Out, In> extends Schema<Out, In | undefined> {
  readonly #inner: Schema<Out, In>;
  readonly #default: In;

  constructor(inner: Schema<Out, In>, value: In) {
    super();
    this.#inner = inner;
    this.#default = value;
  }

  describe(coerce?: boolean): string {
    return this.#inner.describe(coerce);
  }

  [RUN](
    value: unknown,
    ctx: Context,
    path: readonly ConfigPathSegment[],
  ): Result<Out> {
    const given = value === undefined ? structuredClone(this.#default) : value;
    return this.#inner[RUN](given, ctx, path);
  }
}

class RefinedSchema<Out, In> extends Schema<Out, In> {
  readonly #inner: Schema<Out, In>;
  readonly #check: (value: Out) => boolean;
  readonly #expected: string;

  constructor(
    inner: Schema<Out, In>,
    check: (value: Out) => boolean,
    expected: string,
  ) {
    super();
    this.#inner = inner;
    this.#check = check;
    this.#expected = expected;
  }

  describe(): string {
    return this.#expected;
  }

  [RUN](
    value: unknown,
    ctx: Context,
    path: readonly ConfigPathSegment[],
  ): Result<Out> {
    const result = this.#inner[RUN](value, ctx, path);
    if (result === INVALID) return INVALID;
    // An optional or defaulted inner value that is absent is not checked.
    if (result === undefined && value === undefined) return result;
    return this.#check(result)
      ? result
      : fail(ctx, path, this.#expected, value);
  }
}

// ---------------------------------------------------------------------------
// Builders

/**
 * A string.
 *
 * @param options Length limits and a pattern.
 * @returns The schema.
 */
function string(options: StringSchemaOptions = {}): Schema<string> {
  return new StringSchema(options);
}

/**
 * A safe integer (from TOML, or decimal text when coercing).
 *
 * @param options The inclusive range.
 * @returns The schema.
 */
function integer(options: NumberSchemaOptions = {}): Schema<number> {
  return new NumericSchema(true, options);
}

/**
 * A finite number (integers included).
 *
 * @param options The inclusive range.
 * @returns The schema.
 */
function number(options: NumberSchemaOptions = {}): Schema<number> {
  return new NumericSchema(false, options);
}

/**
 * A boolean (or, when coercing, `1/0`, `true/false`, `yes/no`, `on/off`).
 *
 * @returns The schema.
 */
function boolean(): Schema<boolean> {
  return new BooleanSchema();
}

/**
 * One of a list of strings.
 *
 * @param values The accepted strings (at least one).
 * @param options Case-insensitive matching.
 * @returns The schema.
 */
function enumOf<const T extends readonly [string, ...string[]]>(
  values: T,
  options: EnumSchemaOptions = {},
): Schema<T[number]> {
  return new EnumSchema<T[number]>(values, options);
}

/**
 * An array whose items all match `item` (or, when coercing, a
 * comma-separated string).
 *
 * @param item The schema of each item.
 * @param options Length limits.
 * @returns The schema.
 */
function array<Out, In>(
  item: Schema<Out, In>,
  options: ArraySchemaOptions = {},
): Schema<Out[], In[]> {
  return new ArraySchema(item, options);
}

/**
 * A table with known keys.
 *
 * @param shape The schema of each key.
 * @param options What to do with unknown keys (default `"error"`).
 * @returns The schema.
 */
function object<S extends ObjectShape>(
  shape: S,
  options: ObjectSchemaOptions = {},
): Schema<ObjectOutput<S>, ObjectInput<S>> {
  return new ObjectSchema(shape, options);
}

/**
 * A table with any keys whose values all match `value`.
 *
 * @param value The schema of each value.
 * @param options The most entries.
 * @returns The schema.
 */
function record<Out, In>(
  value: Schema<Out, In>,
  options: RecordSchemaOptions = {},
): Schema<Record<string, Out>, Record<string, In>> {
  return new RecordSchema(value, options);
}

/**
 * A TCP/UDP port: an integer from 1 to 65535 (or from 0 with `allowZero`).
 *
 * @param options Whether 0 is accepted.
 * @returns The schema.
 */
function port(options: PortSchemaOptions = {}): Schema<number> {
  const min = options.allowZero ? 0 : 1;
  return new NumericSchema(
    true,
    { min, max: 65535 },
    `a port number from ${min} to 65535`,
  );
}

/**
 * The schema builders:
 * - `s.string({ minLength?, maxLength?, pattern? })`
 * - `s.integer({ min?, max? })`, `s.number({ min?, max? })`
 * - `s.boolean()`
 * - `s.enum(["a", "b"], { caseInsensitive? })`
 * - `s.array(item, { minLength?, maxLength? })`
 * - `s.object({ ... }, { unknownKeys?: "error" | "warn" | "ignore" })`
 * - `s.record(value, { maxEntries? })`
 * - `s.port({ allowZero? })`
 *
 * and on every schema `.optional()`, `.default(value)`, `.refine(check,
 * expected)`.
 *
 * @example A PhantomSDR-style section where every key has a default
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parse, s } from "./schema.ts";
 *
 * const input = s.object({
 *   sps: s.integer({ min: 1 }),
 *   signal: s.enum(["real", "iq"], { caseInsensitive: true }),
 *   fft_size: s.integer().refine((n) => (n & (n - 1)) === 0, "a power of two")
 *     .default(131072),
 *   accelerator: s.enum(["none", "opencl", "cuda", "mkl"]).default("none"),
 * }, { unknownKeys: "warn" });
 * deepEqual(parse(input, { sps: 2048000, signal: "IQ" }), {
 *   sps: 2048000,
 *   signal: "iq",
 *   fft_size: 131072,
 *   accelerator: "none",
 * });
 * ```
 */
export const s = {
  string,
  integer,
  number,
  boolean,
  enum: enumOf,
  array,
  object,
  record,
  port,
} as const;

// ---------------------------------------------------------------------------
// Validation

/** Options of {@link parse} and {@link parseWithWarnings}. */
export interface ParseOptions {
  /** The file name used in messages. */
  file?: string;
  /**
   * Convert strings to the types the schema asks for (INI files). Default
   * false.
   */
  coerce?: boolean;
  /** Finds the line of a key, for messages (see `IniDocument.lineOfPath`). */
  lineOf?: (path: readonly ConfigPathSegment[]) => number | undefined;
}

/** The result of {@link parseWithWarnings}. */
export interface ParseResult<T> {
  /** The validated value. */
  value: T;
  /** Problems that did not stop validation (unknown keys under `"warn"`). */
  warnings: ConfigIssue[];
}

/**
 * Validates a value and returns it typed, with the warnings (unknown keys of
 * objects whose `unknownKeys` is `"warn"`).
 *
 * @example Usage
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { parseWithWarnings, s } from "./schema.ts";
 *
 * const schema = s.object({ port: s.port() }, { unknownKeys: "warn" });
 * const { value, warnings } = parseWithWarnings(schema, { port: 80, prot: 1 }, {
 *   file: "a.toml",
 * });
 * deepEqual(value, { port: 80 });
 * equal(warnings[0].key, "prot");
 * ```
 *
 * @typeParam S The schema type.
 * @param schema The schema.
 * @param value The value to validate (from `parseToml`, `parseIni`, …).
 * @param options File name, coercion and line lookup.
 * @returns The typed value and the warnings.
 * @throws {ConfigError} Listing every problem found.
 */
export function parseWithWarnings<S extends Schema<unknown, unknown>>(
  schema: S,
  value: unknown,
  options: ParseOptions = {},
): ParseResult<Infer<S>> {
  const ctx: Context = {
    coerce: options.coerce ?? false,
    file: options.file,
    lineOf: options.lineOf,
    issues: [],
    warnings: [],
  };
  const result = schema[RUN](value, ctx, []);
  if (ctx.issues.length > 0 || result === INVALID) {
    throw new ConfigError(
      ctx.issues.length > 0 ? ctx.issues : [{ file: options.file }],
    );
  }
  return { value: result as Infer<S>, warnings: ctx.warnings };
}

/**
 * Validates a value and returns it typed; warnings are dropped (use
 * {@link parseWithWarnings} to get them).
 *
 * @example Coercing INI strings
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parse, s } from "./schema.ts";
 *
 * const schema = s.object({
 *   Port: s.port(),
 *   Debug: s.boolean(),
 *   list: s.array(s.integer({ min: 1, max: 99 })),
 * });
 * deepEqual(
 *   parse(schema, { Port: "42000", Debug: "0", list: "1,9, 50" }, { coerce: true }),
 *   { Port: 42000, Debug: false, list: [1, 9, 50] },
 * );
 * ```
 *
 * @typeParam S The schema type.
 * @param schema The schema.
 * @param value The value to validate.
 * @param options File name, coercion and line lookup.
 * @returns The typed value.
 * @throws {ConfigError} Listing every problem found.
 */
export function parse<S extends Schema<unknown, unknown>>(
  schema: S,
  value: unknown,
  options: ParseOptions = {},
): Infer<S> {
  return parseWithWarnings(schema, value, options).value;
}
