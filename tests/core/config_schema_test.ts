import { deepEqual, equal, ok, throws } from "node:assert/strict";
import {
  ConfigError,
  describeFound,
  formatConfigIssue,
  formatConfigPath,
  type Infer,
  type InferInput,
  parse,
  parseWithWarnings,
  s,
  type Schema,
} from "../../lib/core/config/mod.ts";

/** Exact type equality, checked by `deno check`. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends
  (<T>() => T extends B ? 1 : 2) ? true : false;

/** Runs `fn`, expects a ConfigError and returns it. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    return error;
  }
  throw new Error("Expected a ConfigError, but nothing was thrown");
}

/** The single message of a failed parse. */
function messageOf(
  schema: Schema<unknown, unknown>,
  value: unknown,
  coerce = false,
): string {
  return configError(() => parse(schema, value, { file: "f.toml", coerce }))
    .message;
}

// --- ConfigError and formatting ---------------------------------------------

Deno.test("ConfigError has name, exit code 78 and the first issue's fields", () => {
  const error = new ConfigError({
    file: "shack.toml",
    line: 4,
    key: "server.port",
    expected: "a port number from 1 to 65535",
    found: "number 70000",
  });
  ok(error instanceof Error);
  equal(error.name, "ConfigError");
  equal(error.exitCode, 78);
  equal(error.file, "shack.toml");
  equal(error.line, 4);
  equal(error.key, "server.port");
  equal(error.expected, "a port number from 1 to 65535");
  equal(error.found, "number 70000");
  equal(error.issues.length, 1);
  equal(
    error.message,
    "shack.toml:4: server.port: expected a port number from 1 to 65535, found number 70000",
  );
});

Deno.test("ConfigError lists every issue in its message", () => {
  const error = new ConfigError([
    {
      file: "a.ini",
      line: 2,
      key: "General.Port",
      expected: "an integer",
      found: 'string "x"',
    },
    { file: "a.ini", key: "Info.Name", expected: "a string", found: "nothing" },
    { file: "a.ini", detail: "file not found" },
  ]);
  equal(
    error.message,
    [
      "3 problems in the configuration",
      '  a.ini:2: General.Port: expected an integer, found string "x"',
      "  a.ini: Info.Name: expected a string, found nothing",
      "  a.ini: file not found",
    ].join("\n"),
  );
  equal(error.key, "General.Port");
  equal(error.issues.length, 3);
});

Deno.test("ConfigError caps the listed issues at 50", () => {
  const issues = Array.from(
    { length: 60 },
    (_, i) => ({ key: `k${i}`, detail: "bad" }),
  );
  const lines = new ConfigError(issues).message.split("\n");
  equal(lines.length, 1 + 50 + 1);
  equal(lines.at(-1), "  and 10 more");
});

Deno.test("ConfigError keeps its cause", () => {
  const cause = new SyntaxError("x");
  equal(new ConfigError({ detail: "d" }, { cause }).cause, cause);
});

Deno.test("formatConfigIssue() renders line, column and a missing file", () => {
  equal(
    formatConfigIssue({
      file: "c.toml",
      line: 3,
      column: 7,
      detail: "Invalid TOML document: x",
    }),
    "c.toml:3:7: Invalid TOML document: x",
  );
  equal(
    formatConfigIssue({ line: 3, key: "a", expected: "b", found: "c" }),
    "line 3: a: expected b, found c",
  );
  equal(
    formatConfigIssue({ key: "a", expected: "b", found: "c" }),
    "a: expected b, found c",
  );
});

Deno.test("formatConfigPath() joins keys with dots and indexes with brackets", () => {
  equal(formatConfigPath([]), "");
  equal(formatConfigPath(["Block List", "File"]), "Block List.File");
  equal(formatConfigPath(["a", 0, "b", 12]), "a[0].b[12]");
});

Deno.test("describeFound() shows the type and a short JSON rendering", () => {
  equal(describeFound("abc"), 'string "abc"');
  equal(describeFound(70000), "number 70000");
  equal(describeFound(true), "boolean true");
  equal(describeFound(null), "null");
  equal(describeFound(undefined), "nothing");
  equal(describeFound([1, 2]), "array [1,2]");
  equal(describeFound({ a: 1 }), 'table {"a":1}');
  equal(describeFound(10n), "integer 10");
  const long = describeFound("x".repeat(200));
  equal(long.length, "string ".length + 60);
  ok(long.endsWith("…"));
});

// --- string -----------------------------------------------------------------

Deno.test("s.string() accepts strings and rejects other types", () => {
  equal(parse(s.string(), "abc"), "abc");
  equal(parse(s.string(), ""), "");
  equal(messageOf(s.string(), 5), "f.toml: expected a string, found number 5");
  equal(
    messageOf(s.object({ name: s.string() }), { name: true }),
    "f.toml: name: expected a string, found boolean true",
  );
});

Deno.test("s.string() checks length in code points and the pattern", () => {
  const name = s.string({ minLength: 1, maxLength: 16 });
  equal(parse(name, "a"), "a");
  equal(parse(name, "é".repeat(16)), "é".repeat(16));
  equal(parse(s.string({ maxLength: 2 }), "😀😀"), "😀😀");
  equal(
    messageOf(name, ""),
    'f.toml: expected a string of 1 to 16 characters, found string ""',
  );
  equal(
    messageOf(name, "x".repeat(17)),
    `f.toml: expected a string of 1 to 16 characters, found string "${
      "x".repeat(17)
    }"`,
  );
  equal(
    s.string({ minLength: 1 }).describe(),
    "a string of at least 1 character",
  );
  equal(
    s.string({ maxLength: 14 }).describe(),
    "a string of at most 14 characters",
  );
  equal(
    s.string({ minLength: 5, maxLength: 5 }).describe(),
    "a string of exactly 5 characters",
  );
  const call = s.string({ pattern: /^[A-Z0-9]{3,8}$/g });
  equal(parse(call, "G4KLX"), "G4KLX");
  equal(parse(call, "IU5JAE"), "IU5JAE"); // global flag: lastIndex is reset
  equal(
    messageOf(call, "g4klx"),
    'f.toml: expected a string matching /^[A-Z0-9]{3,8}$/g, found string "g4klx"',
  );
});

// --- integer / number / port ------------------------------------------------

Deno.test("s.integer() accepts safe integers within range", () => {
  const level = s.integer({ min: 0, max: 6 });
  equal(parse(level, 0), 0);
  equal(parse(level, 6), 6);
  equal(parse(s.integer(), -0), 0);
  equal(Object.is(parse(s.integer(), -0), 0), true);
  equal(parse(s.integer(), 12n), 12);
  equal(
    messageOf(level, 7),
    "f.toml: expected an integer from 0 to 6, found number 7",
  );
  equal(
    messageOf(level, -1),
    "f.toml: expected an integer from 0 to 6, found number -1",
  );
  equal(
    messageOf(s.integer(), 1.5),
    "f.toml: expected an integer, found number 1.5",
  );
  equal(
    messageOf(s.integer(), "12"),
    'f.toml: expected an integer, found string "12"',
  );
  equal(
    messageOf(s.integer(), 2 ** 60),
    `f.toml: expected an integer, found number ${2 ** 60}`,
  );
  equal(
    messageOf(s.integer(), 2n ** 60n),
    `f.toml: expected an integer, found integer ${2n ** 60n}`,
  );
  equal(s.integer({ min: 1 }).describe(), "an integer of at least 1");
  equal(s.integer({ max: 9 }).describe(), "an integer of at most 9");
});

Deno.test("s.integer() with coerce reads decimal text and rejects the rest", () => {
  const int = s.integer();
  equal(parse(int, "42", { coerce: true }), 42);
  equal(parse(int, " 42\t", { coerce: true }), 42);
  equal(parse(int, "+7", { coerce: true }), 7);
  equal(parse(int, "-10", { coerce: true }), -10);
  equal(parse(int, "0042", { coerce: true }), 42);
  for (
    const bad of [
      "12abc",
      "",
      " ",
      "1.5",
      "0x10",
      "1e3",
      "1_000",
      "inf",
      "99999999999999999999",
    ]
  ) {
    equal(
      messageOf(int, bad, true),
      `f.toml: expected an integer, found string ${JSON.stringify(bad)}`,
    );
  }
});

Deno.test("s.number() accepts finite numbers and coerces decimal text", () => {
  const time = s.number({ min: 0.1 });
  equal(parse(time, 0.5), 0.5);
  equal(parse(time, 5), 5);
  equal(parse(s.number(), 7n), 7);
  equal(parse(time, "0.5", { coerce: true }), 0.5);
  equal(parse(time, " 900.0 ", { coerce: true }), 900);
  equal(parse(s.number(), "-.5", { coerce: true }), -0.5);
  equal(parse(s.number(), "1e3", { coerce: true }), 1000);
  equal(parse(s.number(), "5.", { coerce: true }), 5);
  equal(
    messageOf(time, 0.05),
    "f.toml: expected a number of at least 0.1, found number 0.05",
  );
  equal(
    messageOf(s.number(), Infinity),
    "f.toml: expected a finite number, found number Infinity",
  );
  equal(
    messageOf(s.number(), NaN),
    "f.toml: expected a finite number, found number NaN",
  );
  equal(
    messageOf(s.number(), "nan", true),
    'f.toml: expected a finite number, found string "nan"',
  );
  equal(
    messageOf(s.number(), "1.2.3", true),
    'f.toml: expected a finite number, found string "1.2.3"',
  );
  equal(
    messageOf(s.number(), "5", false),
    'f.toml: expected a finite number, found string "5"',
  );
  equal(s.number({ min: 0, max: 1 }).describe(), "a number from 0 to 1");
});

Deno.test("s.port() accepts 1..65535, or 0 with allowZero", () => {
  equal(parse(s.port(), 1), 1);
  equal(parse(s.port(), 65535), 65535);
  equal(parse(s.port(), "42000", { coerce: true }), 42000);
  equal(
    messageOf(s.port(), 0),
    "f.toml: expected a port number from 1 to 65535, found number 0",
  );
  equal(
    messageOf(s.port(), 70000),
    "f.toml: expected a port number from 1 to 65535, found number 70000",
  );
  equal(parse(s.port({ allowZero: true }), 0), 0);
  equal(
    messageOf(s.port({ allowZero: true }), -1),
    "f.toml: expected a port number from 0 to 65535, found number -1",
  );
  equal(
    messageOf(s.port(), 80.5),
    "f.toml: expected a port number from 1 to 65535, found number 80.5",
  );
});

// --- boolean ----------------------------------------------------------------

Deno.test("s.boolean() accepts booleans only without coerce", () => {
  equal(parse(s.boolean(), true), true);
  equal(parse(s.boolean(), false), false);
  equal(
    messageOf(s.boolean(), 1),
    "f.toml: expected a boolean, found number 1",
  );
  equal(
    messageOf(s.boolean(), "true"),
    'f.toml: expected a boolean, found string "true"',
  );
});

Deno.test("s.boolean() with coerce accepts the configparser and G4KLX words", () => {
  for (const word of ["1", "true", "TRUE", "yes", "Yes", "on", " ON "]) {
    equal(parse(s.boolean(), word, { coerce: true }), true, word);
  }
  for (const word of ["0", "false", "False", "no", "NO", "off", "Off\t"]) {
    equal(parse(s.boolean(), word, { coerce: true }), false, word);
  }
  for (const word of ["2", "", "y", "enabled", "-1"]) {
    equal(
      messageOf(s.boolean(), word, true),
      `f.toml: expected a boolean (1/0, true/false, yes/no, on/off), found string ${
        JSON.stringify(word)
      }`,
    );
  }
});

// --- enum -------------------------------------------------------------------

Deno.test("s.enum() accepts listed strings, optionally case-insensitively", () => {
  const signal = s.enum(["real", "iq"]);
  equal(parse(signal, "iq"), "iq");
  equal(
    messageOf(signal, "IQ"),
    'f.toml: expected one of "real" or "iq", found string "IQ"',
  );
  equal(
    messageOf(signal, 1),
    'f.toml: expected one of "real" or "iq", found number 1',
  );
  const loose = s.enum(["USB", "LSB", "AM", "FM"], { caseInsensitive: true });
  equal(parse(loose, "usb"), "USB");
  equal(parse(loose, " am ", { coerce: true }), "AM");
  equal(
    messageOf(loose, "cw"),
    'f.toml: expected one of "USB", "LSB", "AM" or "FM", found string "cw"',
  );
  equal(s.enum(["only"]).describe(), '"only"');
  throws(() => s.enum([] as unknown as [string]), RangeError);
});

// --- array ------------------------------------------------------------------

Deno.test("s.array() validates every item and reports each bad one", () => {
  const list = s.array(s.integer({ min: 1, max: 99 }), { maxLength: 4 });
  deepEqual(parse(list, [1, 9, 50]), [1, 9, 50]);
  deepEqual(parse(list, []), []);
  const error = configError(() =>
    parse(s.object({ list }), { list: [1, 0, "x", 100] }, { file: "f.toml" })
  );
  deepEqual(error.issues.map((issue) => issue.key), [
    "list[1]",
    "list[2]",
    "list[3]",
  ]);
  equal(
    error.issues[1].expected + " / " + error.issues[1].found,
    'an integer from 1 to 99 / string "x"',
  );
  equal(
    messageOf(list, [1, 2, 3, 4, 5]),
    "f.toml: expected an array of at most 4 items, found array [1,2,3,4,5]",
  );
  equal(
    messageOf(list, "1,2"),
    'f.toml: expected an array of at most 4 items, found string "1,2"',
  );
  equal(
    messageOf(s.array(s.string(), { minLength: 1 }), []),
    "f.toml: expected an array of at least 1 item, found array []",
  );
});

Deno.test("s.array() with coerce splits comma-separated strings", () => {
  const list = s.array(s.integer({ min: 1, max: 99 }));
  deepEqual(parse(list, "1,9,50", { coerce: true }), [1, 9, 50]);
  deepEqual(parse(list, " 1 , 9 ,50 ", { coerce: true }), [1, 9, 50]);
  deepEqual(parse(list, "", { coerce: true }), []);
  deepEqual(parse(list, "  ", { coerce: true }), []);
  deepEqual(parse(s.array(s.string()), "a, b", { coerce: true }), ["a", "b"]);
  const error = configError(() =>
    parse(
      s.object({ DGID: s.object({ list }) }),
      { DGID: { list: "1,,100" } },
      { coerce: true, file: "p.ini" },
    )
  );
  equal(
    error.message,
    [
      "2 problems in the configuration",
      '  p.ini: DGID.list[1]: expected an integer from 1 to 99, found string ""',
      '  p.ini: DGID.list[2]: expected an integer from 1 to 99, found string "100"',
    ].join("\n"),
  );
  equal(
    messageOf(list, 5, true),
    "f.toml: expected a comma-separated list, found number 5",
  );
});

// --- object -----------------------------------------------------------------

Deno.test("s.object() reports a missing required key as found nothing", () => {
  const schema = s.object({ Info: s.object({ Name: s.string() }) });
  equal(
    messageOf(schema, { Info: {} }),
    "f.toml: Info.Name: expected a string, found nothing",
  );
  equal(messageOf(schema, {}), "f.toml: Info: expected a table, found nothing");
  equal(
    messageOf(schema, { Info: [] }),
    "f.toml: Info: expected a table, found array []",
  );
  equal(messageOf(schema, "x"), 'f.toml: expected a table, found string "x"');
  equal(messageOf(schema, null), "f.toml: expected a table, found null");
});

Deno.test("s.object() reports all issues at once, not just the first", () => {
  const schema = s.object({
    server: s.object({
      port: s.port(),
      host: s.string(),
      threads: s.integer({ min: 1 }),
    }),
    input: s.object({
      sps: s.integer({ min: 1 }),
      signal: s.enum(["real", "iq"]),
    }),
  });
  const error = configError(() =>
    parse(schema, {
      server: { port: 70000, host: 5, threads: 0 },
      input: { signal: "x" },
    }, { file: "config.toml" })
  );
  equal(error.issues.length, 5);
  equal(
    error.message,
    [
      "5 problems in the configuration",
      "  config.toml: server.port: expected a port number from 1 to 65535, found number 70000",
      "  config.toml: server.host: expected a string, found number 5",
      "  config.toml: server.threads: expected an integer of at least 1, found number 0",
      "  config.toml: input.sps: expected an integer of at least 1, found nothing",
      '  config.toml: input.signal: expected one of "real" or "iq", found string "x"',
    ].join("\n"),
  );
  deepEqual(error.issues[0].path, ["server", "port"]);
  equal(error.file, "config.toml");
});

Deno.test("s.object() unknownKeys: error (default), warn and ignore", () => {
  const shape = { port: s.port(), host: s.string().optional() };
  const input = { port: 80, prot: 81, extra: true };

  const error = configError(() =>
    parse(s.object(shape), input, { file: "a.toml" })
  );
  equal(
    error.message,
    [
      "2 problems in the configuration",
      "  a.toml: prot: expected one of the keys port, host, found an unknown key",
      "  a.toml: extra: expected one of the keys port, host, found an unknown key",
    ].join("\n"),
  );

  const warned = parseWithWarnings(
    s.object(shape, { unknownKeys: "warn" }),
    input,
    { file: "a.toml" },
  );
  deepEqual(warned.value, { port: 80 });
  deepEqual(warned.warnings.map(formatConfigIssue), [
    "a.toml: prot: expected one of the keys port, host, found an unknown key",
    "a.toml: extra: expected one of the keys port, host, found an unknown key",
  ]);

  const ignored = parseWithWarnings(
    s.object(shape, { unknownKeys: "ignore" }),
    input,
  );
  deepEqual(ignored.value, { port: 80 });
  deepEqual(ignored.warnings, []);
  equal(parse(s.object(shape, { unknownKeys: "warn" }), input).port, 80);
});

Deno.test("s.object() does not read inherited properties or pollute prototypes", () => {
  const schema = s.object({
    toString: s.string().optional(),
    constructor: s.string().optional(),
  }, { unknownKeys: "ignore" });
  deepEqual(parse(schema, {}), {});
  const input = JSON.parse('{"__proto__": {"polluted": 1}}');
  const out = parse(s.record(s.record(s.integer())), input) as Record<
    string,
    unknown
  >;
  equal(Object.getPrototypeOf(out), Object.prototype);
  deepEqual(Object.keys(out), ["__proto__"]);
  equal(({} as Record<string, unknown>).polluted, undefined);
});

// --- record -----------------------------------------------------------------

Deno.test("s.record() validates every value under any key", () => {
  const aliases = s.record(s.string(), { maxEntries: 2 });
  deepEqual(parse(aliases, { refl_01: "", refl_02: "9,12345,Room,Desc" }), {
    refl_01: "",
    refl_02: "9,12345,Room,Desc",
  });
  equal(
    messageOf(s.record(s.integer()), { a: 1, b: "x" }),
    'f.toml: b: expected an integer, found string "x"',
  );
  equal(
    messageOf(aliases, { a: "", b: "", c: "" }),
    'f.toml: expected a table of at most 2 entries, found table {"a":"","b":"","c":""}',
  );
  equal(
    messageOf(aliases, [1]),
    "f.toml: expected a table of at most 2 entries, found array [1]",
  );
});

// --- optional / default / refine ---------------------------------------------

Deno.test("Schema.optional() accepts a missing value and omits the key", () => {
  const schema = s.object({ id: s.integer().optional() });
  deepEqual(parse(schema, {}), {});
  ok(!Object.hasOwn(parse(schema, {}), "id"));
  deepEqual(parse(schema, { id: 5 }), { id: 5 });
  equal(
    messageOf(schema, { id: "5" }),
    'f.toml: id: expected an integer, found string "5"',
  );
});

Deno.test("Schema.default() fills missing values and applies nested defaults", () => {
  const schema = s.object({
    server: s.object({
      port: s.port().default(9002),
      html_root: s.string().default("html/"),
    }).default({}),
    urls: s.array(s.string()).default(["https://a.example/"]),
  });
  deepEqual(parse(schema, {}), {
    server: { port: 9002, html_root: "html/" },
    urls: ["https://a.example/"],
  });
  // The default is copied: changing one result does not change the next.
  const first = parse(schema, {});
  first.urls.push("x");
  deepEqual(parse(schema, {}).urls, ["https://a.example/"]);
  // A given value is still validated.
  equal(
    messageOf(schema, { server: { port: 0 } }),
    "f.toml: server.port: expected a port number from 1 to 65535, found number 0",
  );
});

Deno.test("Schema.refine() adds a check with its own expected text", () => {
  const fftSize = s.integer({ min: 1 }).refine(
    (n) => (n & (n - 1)) === 0,
    "a power of two",
  );
  equal(parse(fftSize, 131072), 131072);
  equal(
    messageOf(fftSize, 1000),
    "f.toml: expected a power of two, found number 1000",
  );
  equal(
    messageOf(fftSize, "1000", true),
    'f.toml: expected a power of two, found string "1000"',
  );
  equal(
    messageOf(fftSize, 0),
    "f.toml: expected an integer of at least 1, found number 0",
  );
  const optional = s.integer().optional().refine(
    (n) => n === undefined || n > 0,
    "a positive integer",
  );
  equal(parse(optional, undefined), undefined);
  const defaulted = s.integer().default(4).refine(
    (n) => n % 2 === 0,
    "an even integer",
  );
  equal(parse(defaulted, undefined), 4);
  equal(fftSize.describe(), "a power of two");
});

// --- static types -------------------------------------------------------------

Deno.test("Infer gives the right static type (checked by deno check)", () => {
  const schema = s.object({
    server: s.object({
      port: s.port().default(9002),
      host: s.string().optional(),
      threads: s.integer(),
    }).default({ threads: 1 }),
    signal: s.enum(["real", "iq"]),
    list: s.array(s.integer()),
    flags: s.record(s.boolean()).optional(),
    rate: s.number().default(1.5),
  });
  type Config = Infer<typeof schema>;
  type Expected = {
    server: { port: number; host?: string | undefined; threads: number };
    signal: "real" | "iq";
    list: number[];
    flags?: Record<string, boolean> | undefined;
    rate: number;
  };
  const sameType: Equals<Config, Expected> = true;
  equal(sameType, true);

  type Input = InferInput<typeof schema>;
  type ExpectedInput = {
    server?: {
      port?: number | undefined;
      host?: string | undefined;
      threads: number;
    } | undefined;
    signal: "real" | "iq";
    list: number[];
    flags?: Record<string, boolean> | undefined;
    rate?: number | undefined;
  };
  const sameInput: Equals<Input, ExpectedInput> = true;
  equal(sameInput, true);

  const value: Config = parse(schema, { signal: "iq", list: [1] });
  const port: number = value.server.port;
  const signal: "real" | "iq" = value.signal;
  const host: string | undefined = value.server.host;
  equal(port, 9002);
  equal(signal, "iq");
  equal(host, undefined);
  equal(value.server.threads, 1);
});

Deno.test("parseWithWarnings() returns the value and an empty warning list", () => {
  const result = parseWithWarnings(s.object({ a: s.integer() }), { a: 1 });
  deepEqual(result, { value: { a: 1 }, warnings: [] });
});

Deno.test("parse() uses lineOf for line numbers in issues", () => {
  const schema = s.object({
    Network: s.object({ Port: s.port(), Debug: s.boolean() }),
  });
  const lines: Record<string, number> = { "Network.Port": 7, "Network": 6 };
  const error = configError(() =>
    parse(schema, { Network: { Port: "70000" } }, {
      file: "YSFReflector.ini",
      coerce: true,
      lineOf: (path) => lines[formatConfigPath(path)],
    })
  );
  equal(
    error.message,
    [
      "2 problems in the configuration",
      '  YSFReflector.ini:7: Network.Port: expected a port number from 1 to 65535, found string "70000"',
      "  YSFReflector.ini: Network.Debug: expected a boolean (1/0, true/false, yes/no, on/off), found nothing",
    ].join("\n"),
  );
  equal(error.line, 7);
});
