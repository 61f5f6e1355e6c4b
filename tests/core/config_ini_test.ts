import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import {
  ConfigError,
  IniDocument,
  parse,
  parseIni,
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

Deno.test("parseIni() reads sections, keys and values with line numbers", () => {
  const doc = parseIni(
    "[General]\nDaemon=1\n\n[Info]\nName=Shack\nDescription=Pi\n",
  );
  ok(doc instanceof IniDocument);
  deepEqual(doc.sections, {
    General: { Daemon: "1" },
    Info: { Name: "Shack", Description: "Pi" },
  });
  equal(doc.lineOf("General"), 1);
  equal(doc.lineOf("General", "Daemon"), 2);
  equal(doc.lineOf("Info"), 4);
  equal(doc.lineOf("Info", "Description"), 6);
  equal(doc.lineOf("Info", "Missing"), undefined);
  equal(doc.lineOf("Missing"), undefined);
  equal(doc.lineOfPath(["Info", "Name"]), 5);
  equal(doc.lineOfPath(["Info", "Name", 0]), 5);
  equal(doc.lineOfPath(["Info"]), 4);
  equal(doc.lineOfPath([0]), undefined);
});

Deno.test("parseIni() skips a BOM and handles CRLF and lone CR line ends", () => {
  const doc = parseIni(
    "\uFEFF[Network]\r\nPort=42000\r\nDebug=0\rIP=0.0.0.0\r\n",
  );
  deepEqual(doc.sections, {
    Network: { Port: "42000", Debug: "0", IP: "0.0.0.0" },
  });
  equal(doc.lineOf("Network", "IP"), 4);
});

Deno.test("parseIni() treats # and ; lines (also indented) as comments", () => {
  const doc = parseIni(
    "# top\n; top\n[Log]\n  # indented\n\t; indented\nFileLevel=1\n#FileRoot=x\n",
  );
  deepEqual(doc.sections, { Log: { FileLevel: "1" } });
});

Deno.test("parseIni() accepts = and : separators and trims keys and values", () => {
  const doc = parseIni(
    "[DGID]\nlist = 1,9,50\ndefault: 50\nlocal  =   1  \nurl = http://x:8080/a=b\nk:v=w\n",
  );
  deepEqual(doc.sections.DGID, {
    list: "1,9,50",
    default: "50",
    local: "1",
    url: "http://x:8080/a=b",
    k: "v=w",
  });
});

Deno.test("parseIni() keeps empty values", () => {
  const doc = parseIni("[Info]\nContact=\nWeb =  \n[DGID]\naux_port =\n");
  deepEqual(doc.sections, {
    Info: { Contact: "", Web: "" },
    DGID: { aux_port: "" },
  });
});

Deno.test("parseIni() keeps keys case-sensitive by default and lower-cases them on request", () => {
  const text = "[Info]\nName=A\nname=b\n[info]\nId=1\n";
  deepEqual(parseIni(text).sections, {
    Info: { Name: "A", name: "b" },
    info: { Id: "1" },
  });
  const loose = parseIni(text, { caseSensitiveKeys: false });
  // configparser: option names lower-cased (last wins), section names kept
  deepEqual(loose.sections, { Info: { name: "b" }, info: { id: "1" } });
  equal(loose.lineOf("Info", "NAME"), 3);
  equal(loose.lineOf("info", "Id"), 5);
});

Deno.test('parseIni() puts keys before any section in the section ""', () => {
  const doc = parseIni("verbose=1\n[Network]\nPort=1\n");
  deepEqual(doc.sections, { "": { verbose: "1" }, Network: { Port: "1" } });
  equal(doc.lineOf("", "verbose"), 1);
  equal(Object.hasOwn(parseIni("[a]\nb=1\n").sections, ""), false);
});

Deno.test("parseIni() merges a repeated section and keeps the last value of a repeated key", () => {
  const doc = parseIni(
    "[Network]\nPort=1\n[Info]\nName=x\n[Network]\nPort=2\nDebug=1\n",
  );
  deepEqual(doc.sections, {
    Network: { Port: "2", Debug: "1" },
    Info: { Name: "x" },
  });
  equal(doc.lineOf("Network"), 1);
  equal(doc.lineOf("Network", "Port"), 6);
});

Deno.test("parseIni() trims section names and ignores text after the closing bracket", () => {
  const doc = parseIni("[ Block List ] ; comment\nFile=x\n[DEFAULT]\na=1\n");
  deepEqual(doc.sections, { "Block List": { File: "x" }, DEFAULT: { a: "1" } });
});

Deno.test("parseIni() reports malformed lines with their numbers, all at once", () => {
  const error = configError(() =>
    parseIni("[Info]\nName=x\njust some words\n[Broken\n=value\n[]\nok=1\n", {
      file: "YSFReflector.ini",
    })
  );
  equal(error.exitCode, 78);
  equal(error.file, "YSFReflector.ini");
  equal(error.line, 3);
  deepEqual(error.issues.map((issue) => issue.line), [3, 4, 5, 6]);
  equal(
    error.message,
    [
      "4 problems in the configuration",
      '  YSFReflector.ini:3: expected a [section] header, a key = value line or a comment, found text "just some words"',
      '  YSFReflector.ini:4: expected a section header like [name], found text "[Broken"',
      '  YSFReflector.ini:5: expected a key before "=", found text "=value"',
      '  YSFReflector.ini:6: expected a section name between [ and ], found text "[]"',
    ].join("\n"),
  );
});

Deno.test("parseIni() configparser dialect keeps inline comments and quotes", () => {
  const doc = parseIni(
    '[Network]\nPort = 42000 # default\nName = "Shack"\nWeb = a;b\n',
  );
  deepEqual(doc.sections.Network, {
    Port: "42000 # default",
    Name: '"Shack"',
    Web: "a;b",
  });
});

Deno.test("parseIni() configparser dialect joins continuation lines", () => {
  const doc = parseIni(
    "[REFL_ALIAS]\nrefl_01 = 9,12345,\n   Room nine,\n\n   # a comment inside\n   Description\n\n\nrefl_02 = x\n  [not a section]\n[Next]\n  indented = key\n",
  );
  deepEqual(doc.sections, {
    REFL_ALIAS: {
      refl_01: "9,12345,\nRoom nine,\n\nDescription",
      refl_02: "x\n[not a section]",
    },
    Next: { indented: "key" },
  });
  equal(doc.lineOf("REFL_ALIAS", "refl_02"), 9);
  equal(parseIni("[a]\nk =\n  v\n").sections.a.k, "\nv");
});

Deno.test("parseIni() g4klx dialect strips unquoted # comments and surrounding quotes", () => {
  const doc = parseIni(
    '[Info]\nName="YSF #1 Room"\nDescription=Pi # shown\nId=12345#x\nWeb=""\nQuote="\n[Network]\n  Port=42000\n',
    { dialect: "g4klx" },
  );
  deepEqual(doc.sections, {
    Info: {
      Name: "YSF #1 Room",
      Description: "Pi",
      Id: "12345",
      Web: "",
      Quote: '"',
    },
    Network: { Port: "42000" },
  });
});

Deno.test("parseIni() g4klx dialect only knows = as a separator", () => {
  const error = configError(() =>
    parseIni("[Network]\nPort: 42000\n", { dialect: "g4klx", file: "y.ini" })
  );
  equal(
    error.message,
    'y.ini:2: expected a [section] header, a Key=Value line or a # comment, found text "Port: 42000"',
  );
  deepEqual(parseIni("[a]\nurl=http://x:1\n", { dialect: "g4klx" }).sections, {
    a: { url: "http://x:1" },
  });
});

Deno.test("parseIni() builds plain objects even for __proto__ keys", () => {
  const doc = parseIni("[__proto__]\n__proto__=1\nconstructor=2\n");
  equal(Object.getPrototypeOf(doc.sections), Object.prototype);
  deepEqual(Object.keys(doc.sections), ["__proto__"]);
  const section = doc.sections["__proto__"];
  deepEqual(Object.keys(section), ["__proto__", "constructor"]);
  equal(({} as Record<string, unknown>)["1"], undefined);
});

Deno.test("parseIni() reads the G4KLX YSFReflector.ini fixture", async () => {
  const text = await Deno.readTextFile(new URL("YSFReflector.ini", FIXTURES));
  const doc = parseIni(text, { dialect: "g4klx", file: "YSFReflector.ini" });
  deepEqual(doc.sections, {
    General: { Daemon: "1" },
    Info: { Id: "12345", Name: "Shack #1 YSF", Description: "Raspberry Pi" },
    Log: {
      DisplayLevel: "1",
      FileLevel: "1",
      FilePath: "/var/log/YSFReflector",
      FileRoot: "YSFReflector",
      FileRotate: "1",
    },
    Network: { Port: "42000", Debug: "0" },
    "Block List": { File: "/etc/YSFReflector/BlockList.txt", Time: "5" },
  });
  equal(doc.lineOf("Network", "Port"), 21);
});

Deno.test("parseIni() reads the pYSFReflector3 pysfreflector.ini fixture (CRLF)", async () => {
  const text = await Deno.readTextFile(new URL("pysfreflector.ini", FIXTURES));
  ok(text.includes("\r\n"));
  const doc = parseIni(text, {
    caseSensitiveKeys: false,
    file: "pysfreflector.ini",
  });
  deepEqual(doc.sections.Info, {
    name: "Shack Fusion",
    description: "Raspberry Pi",
    contact: "",
    web: "",
  });
  deepEqual(doc.sections.Protections, {
    timeout: "190",
    wildptttime: "5",
    wildpttcount: "4",
    treactivate: "900",
  });
  deepEqual(doc.sections.DGID, {
    list: "1,9,50",
    default: "50",
    local: "1",
    database: "/opt/pysfreflector/dgid.json",
    home: "/opt/pysfreflector/home.db",
    aux_port: "",
    prefix: "1",
    bth_time: "900.0",
  });
  deepEqual(doc.sections.REFL_ALIAS, { refl_01: "" });
  deepEqual(Object.keys(doc.sections), [
    "General",
    "Info",
    "Log",
    "Network",
    "Block List",
    "Protections",
    "APRS",
    "DGID",
    "REFL_ALIAS",
  ]);
  // The values coerce to what pYSFReflector3 computes from them.
  const dgid = parse(
    s.object({
      list: s.array(s.integer({ min: 1, max: 99 })),
      bth_time: s.number(),
      prefix: s.boolean(),
    }, { unknownKeys: "ignore" }),
    doc.sections.DGID,
    { coerce: true },
  );
  deepEqual(dgid, { list: [1, 9, 50], bth_time: 900, prefix: true });
});

// Texts built from the characters that matter to the parser.
const iniChar = fc.constantFrom(
  "[",
  "]",
  "=",
  ":",
  "#",
  ";",
  '"',
  " ",
  "\t",
  "\n",
  "\r",
  "\r\n",
  "\uFEFF",
  "a",
  "B",
  "1",
  "_",
  ".",
  "é",
  "%",
);
const iniText = fc.array(iniChar, { maxLength: 200 }).map((chars) =>
  chars.join("")
);

Deno.test("parseIni() returns or throws ConfigError on random text (fuzz)", () => {
  for (const dialect of ["configparser", "g4klx"] as const) {
    fc.assert(
      fc.property(iniText, fc.boolean(), (text, caseSensitiveKeys) => {
        try {
          const doc = parseIni(text, { dialect, caseSensitiveKeys });
          for (const section of Object.values(doc.sections)) {
            for (const value of Object.values(section)) {
              equal(typeof value, "string");
            }
          }
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          ok(error.issues.length > 0);
          ok(error.issues.every((issue) => typeof issue.line === "number"));
        }
      }),
      { seed: 0x5ac4, numRuns: 1000 },
    );
  }
});

Deno.test("parseIni() returns or throws ConfigError on mutated fixtures (fuzz)", async () => {
  const fixtures = await Promise.all(
    ["YSFReflector.ini", "pysfreflector.ini"].map((name) =>
      Deno.readTextFile(new URL(name, FIXTURES))
    ),
  );
  const mutation = fc.record({
    fixture: fc.integer({ min: 0, max: fixtures.length - 1 }),
    edits: fc.array(
      fc.record({
        at: fc.nat(),
        remove: fc.integer({ min: 0, max: 8 }),
        insert: iniText,
      }),
      { minLength: 1, maxLength: 6 },
    ),
  });
  fc.assert(
    fc.property(
      mutation,
      fc.constantFrom("configparser", "g4klx" as const),
      ({ fixture, edits }, dialect) => {
        let text = fixtures[fixture];
        for (const { at, remove, insert } of edits) {
          const index = at % (text.length + 1);
          text = text.slice(0, index) + insert + text.slice(index + remove);
        }
        try {
          parseIni(text, { dialect: dialect as "configparser" | "g4klx" });
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
        }
      },
    ),
    { seed: 0x1e1, numRuns: 500 },
  );
});

Deno.test("parseIni() stays linear on a long pathological line", () => {
  const started = performance.now();
  const line = "[" + " ".repeat(200_000) + "\n" + " ".repeat(200_000) + "=" +
    "#".repeat(200_000);
  const error = configError(() => parseIni(line));
  deepEqual(error.issues.map((issue) => issue.line), [1, 2]);
  const g4klx = "[a]\nkey" + " ".repeat(200_000) + "=" + "#".repeat(200_000);
  deepEqual(parseIni(g4klx, { dialect: "g4klx" }).sections, { a: { key: "" } });
  ok(performance.now() - started < 2000);
});
