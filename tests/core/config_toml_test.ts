import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { TomlDate, TomlError } from "smol-toml";
import {
  ConfigError,
  locateTomlKeys,
  parse,
  parseToml,
  s,
} from "../../lib/core/config/mod.ts";

const FIXTURES = new URL("../fixtures/config/", import.meta.url);

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    return error;
  }
  throw new Error("Expected a ConfigError, but nothing was thrown");
}

Deno.test("parseToml() returns plain objects with typed values", () => {
  const data = parseToml(
    '[server]\nport = 9002\nhost = "0.0.0.0"\n[websdr]\nregister_online = false\nregister_urls = ["a", "b"]\n[input.driver]\nname = "stdin"\n',
  );
  deepEqual(data, {
    server: { port: 9002, host: "0.0.0.0" },
    websdr: { register_online: false, register_urls: ["a", "b"] },
    input: { driver: { name: "stdin" } },
  });
  equal(Object.getPrototypeOf(data), Object.prototype);
  equal(Object.getPrototypeOf(data.server), Object.prototype);
});

Deno.test("parseToml() accepts a BOM, CRLF and an empty document", () => {
  deepEqual(parseToml("\uFEFFa = 1\r\nb = 2\r\n"), { a: 1, b: 2 });
  deepEqual(parseToml(""), {});
  deepEqual(parseToml("# only a comment\n"), {});
});

Deno.test("parseToml() keeps dates as TomlDate", () => {
  const data = parseToml("when = 2024-04-06T12:00:00Z\n");
  ok(data.when instanceof TomlDate);
  ok(data.when instanceof Date);
});

Deno.test("parseToml() keeps __proto__ as an own key without polluting", () => {
  const data = parseToml('"__proto__" = { polluted = 1 }\n');
  equal(Object.getPrototypeOf(data), Object.prototype);
  deepEqual(Object.keys(data), ["__proto__"]);
  equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("parseToml() turns a syntax error into ConfigError with line and column", () => {
  const error = configError(() =>
    parseToml('[server]\nport = 9002\nhost = "0.0.0.0\n', {
      file: "config.toml",
    })
  );
  equal(error.exitCode, 78);
  equal(error.file, "config.toml");
  equal(error.line, 3);
  equal(typeof error.column, "number");
  ok(error.cause instanceof TomlError);
  equal(error.line, (error.cause as TomlError).line);
  equal(error.column, (error.cause as TomlError).column);
  ok(
    error.message.startsWith(
      `config.toml:3:${error.column}: Invalid TOML document: `,
    ),
    error.message,
  );
  equal(error.message.includes("\n"), false);
});

Deno.test("parseToml() reports the exact position of an invalid value", () => {
  const error = configError(() =>
    parseToml("a = 1\nb = = 2\n", { file: "c.toml" })
  );
  equal(error.message, "c.toml:2:5: Invalid TOML document: invalid value");
  equal(error.line, 2);
  equal(error.column, 5);
});

Deno.test("parseToml() rejects redefined tables and unsafe integers", () => {
  const redefined = configError(() =>
    parseToml("[x]\na = 1\n[x]\nb = 2\n", { file: "c.toml" })
  );
  equal(redefined.line, 3);
  const big = configError(() => parseToml("a = 9007199254740993\n"));
  equal(big.line, 1);
  ok(big.message.includes("Invalid TOML document"), big.message);
});

Deno.test("parseToml() reads the PhantomSDR+ config.toml fixture", async () => {
  const data = parseToml(
    await Deno.readTextFile(new URL("phantomsdr.toml", FIXTURES)),
  );
  deepEqual(data.server, {
    port: 9002,
    html_root: "frontend/dist/",
    otherusers: 1,
    threads: 1,
  });
  deepEqual((data.input as Record<string, unknown>).driver, {
    name: "stdin",
    format: "u8",
  });
  deepEqual((data.input as Record<string, unknown>).defaults, {
    frequency: 14074000,
    modulation: "usb",
  });
});

Deno.test("locateTomlKeys() finds tables, keys, dotted keys and array values", () => {
  const lineOf = locateTomlKeys(
    [
      "# comment", // 1
      "title = 'x'", // 2
      "[server]", // 3
      "port = 9002", // 4
      'text = """', // 5
      "fake = 1", // 6 (inside a multi-line string)
      '"""', // 7
      "[input . driver] # the driver", // 8
      "name = 'stdin'", // 9
      "limits.audio = 100", // 10
      '"quoted key" = 1', // 11
      "list = [", // 12
      "  1,", // 13
      "]", // 14
      "[[markers]]", // 15
      "name = 'x'", // 16
    ].join("\n"),
  );
  equal(lineOf(["title"]), 2);
  equal(lineOf(["server"]), 3);
  equal(lineOf(["server", "port"]), 4);
  equal(lineOf(["server", "fake"]), undefined);
  equal(lineOf(["input"]), 8);
  equal(lineOf(["input", "driver"]), 8);
  equal(lineOf(["input", "driver", "name"]), 9);
  equal(lineOf(["input", "driver", "limits", "audio"]), 10);
  equal(lineOf(["input", "driver", "quoted key"]), 11);
  equal(lineOf(["input", "driver", "list", 0]), 12);
  equal(lineOf(["markers", 0, "name"]), undefined);
  equal(lineOf([]), undefined);
});

Deno.test("parse() with locateTomlKeys() names the line of a bad value", () => {
  const text = "[server]\nport = 70000\n[input]\nsps = 0\n";
  const schema = s.object({
    server: s.object({ port: s.port() }),
    input: s.object({
      sps: s.integer({ min: 1 }),
      signal: s.enum(["real", "iq"]),
    }),
  });
  const error = configError(() =>
    parse(schema, parseToml(text), {
      file: "config.toml",
      lineOf: locateTomlKeys(text),
    })
  );
  equal(
    error.message,
    [
      "3 problems in the configuration",
      "  config.toml:2: server.port: expected a port number from 1 to 65535, found number 70000",
      "  config.toml:4: input.sps: expected an integer of at least 1, found number 0",
      '  config.toml: input.signal: expected one of "real" or "iq", found nothing',
    ].join("\n"),
  );
});

const tomlChar = fc.constantFrom(
  "[",
  "]",
  "[[",
  "]]",
  "{",
  "}",
  "=",
  ".",
  ",",
  "#",
  '"',
  "'",
  '"""',
  "'''",
  "\\",
  " ",
  "\n",
  "\r\n",
  "\t",
  "a",
  "b",
  "1",
  "0x",
  "e",
  "-",
  "+",
  "_",
  ":",
  "T",
  "Z",
  "true",
  "inf",
  "nan",
  "1979-05-27",
  "\uFEFF",
  "é",
);
const tomlText = fc.array(tomlChar, { maxLength: 150 }).map((chars) =>
  chars.join("")
);

Deno.test("parseToml() returns or throws ConfigError on random text (fuzz)", () => {
  fc.assert(
    fc.property(tomlText, (text) => {
      try {
        parseToml(text, { file: "f.toml" });
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        equal(error.file, "f.toml");
      }
      // The line finder must never throw either.
      locateTomlKeys(text)(["a", "b"]);
    }),
    { seed: 0x70e1, numRuns: 1500 },
  );
});

Deno.test("parseToml() returns or throws ConfigError on mutated fixtures (fuzz)", async () => {
  const fixture = await Deno.readTextFile(new URL("phantomsdr.toml", FIXTURES));
  const edit = fc.record({
    at: fc.nat(),
    remove: fc.integer({ min: 0, max: 10 }),
    insert: tomlText,
  });
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 5 }), (edits) => {
      let text = fixture;
      for (const { at, remove, insert } of edits) {
        const index = at % (text.length + 1);
        text = text.slice(0, index) + insert + text.slice(index + remove);
      }
      try {
        parseToml(text);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
      }
    }),
    { seed: 0xfab, numRuns: 500 },
  );
});

Deno.test("parseToml() turns absurd nesting into ConfigError", () => {
  const error = configError(() =>
    parseToml(`a = ${"[".repeat(5000)}${"]".repeat(5000)}\n`)
  );
  equal(error.line, 1);
  const deepKey = configError(() => parseToml(`${"a.".repeat(50_000)}b = 1\n`));
  equal(deepKey.message, "Invalid TOML document: too deeply nested");
});
