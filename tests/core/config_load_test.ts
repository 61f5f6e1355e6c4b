import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import {
  ConfigError,
  detectConfigFormat,
  formatConfigIssue,
  type Infer,
  loadConfig,
  loadConfigFile,
  s,
} from "../../lib/core/config/mod.ts";

const FIXTURES = new URL("../fixtures/config/", import.meta.url);
const fixture = (name: string) => new URL(name, FIXTURES).pathname;

/** Runs `fn` with a fresh temporary directory, removed afterwards. */
async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "shack_config_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    return error;
  }
  throw new Error("Expected a ConfigError, but nothing was thrown");
}

// --- Schemas of the peers' files --------------------------------------------

/** G4KLX YSFReflector.ini: keys case-sensitive, values from `atoi`. */
const g4klxSchema = s.object({
  General: s.object({ Daemon: s.boolean().default(false) }).default({}),
  Info: s.object({
    Id: s.integer({ min: 0, max: 99999 }).default(0),
    Name: s.string({ maxLength: 16 }),
    Description: s.string({ maxLength: 14 }),
  }),
  Log: s.object({
    DisplayLevel: s.integer({ min: 0, max: 6 }).default(0),
    FileLevel: s.integer({ min: 0, max: 6 }).default(0),
    FilePath: s.string().default("."),
    FileRoot: s.string().default("YSFReflector"),
    FileRotate: s.boolean().default(true),
  }).default({}),
  Network: s.object({
    Port: s.port().default(42000),
    Debug: s.boolean().default(false),
  }).default({}),
  "Block List": s.object({
    File: s.string().default(""),
    Time: s.integer({ min: 0 }).default(5),
  }).default({}),
}, { unknownKeys: "warn" });

/** pYSFReflector3 pysfreflector.ini: configparser, option names lower-cased. */
const pysfSchema = s.object({
  General: s.object({}, { unknownKeys: "ignore" }).optional(),
  Info: s.object({
    name: s.string(),
    description: s.string(),
    id: s.integer({ min: 0, max: 999999 }).default(0),
    contact: s.string().default(""),
    web: s.string().default(""),
  }),
  Log: s.object({
    filepath: s.string(),
    fileroot: s.string(),
    filerotate: s.boolean().default(true),
    filelevel: s.integer({ min: 0, max: 2 }).default(1),
    displaylevel: s.integer().default(1),
  }),
  Network: s.object({
    ip: s.string().default("0.0.0.0"),
    port: s.port().default(42000),
    json_ip: s.string().default("127.0.0.1"),
    json_port: s.port().optional(),
    debug: s.boolean().default(false),
  }).default({}),
  "Block List": s.object({
    file: s.string().default(""),
    time: s.number({ min: 0.1 }).default(5),
    checkre: s.integer({ min: -1, max: 1 }).default(1),
  }).default({}),
  Protections: s.object({
    timeout: s.number().default(240),
    wildptttime: s.number().default(5),
    wildpttcount: s.integer().default(3),
    treactivate: s.number().default(1800),
  }).default({}),
  APRS: s.object({
    enable: s.boolean().default(false),
    server: s.string(),
    port: s.port().default(14580),
    ssid: s.string(),
  }),
  DGID: s.object({
    list: s.array(s.integer({ min: 1, max: 99 })),
    default: s.integer().default(22),
    local: s.integer().default(1),
    database: s.string(),
    home: s.string(),
    aux_port: s.string(),
    prefix: s.boolean().default(true),
    bth_time: s.number().default(900),
  }),
  REFL_ALIAS: s.record(s.string()).default({}),
});

/** PhantomSDR+ config.toml: a missing key takes its default. */
const phantomSchema = s.object({
  server: s.object({
    port: s.port().default(9002),
    html_root: s.string().default("html/"),
    otherusers: s.integer().default(1),
    threads: s.integer({ min: 1 }).default(1),
    host: s.string().default("0.0.0.0"),
  }).default({}),
  websdr: s.object({
    register_online: s.boolean().default(false),
    register_urls: s.array(s.string(), { maxLength: 16 }).default([
      "https://sdr-list.xyz/api/update_websdr",
    ]),
    name: s.string().default("PhantomSDR+"),
    antenna: s.string().default("N/A"),
    grid_locator: s.string().default("-"),
    hostname: s.string().default(""),
  }, { unknownKeys: "warn" }).default({}),
  limits: s.object({
    audio: s.integer({ min: 0 }).default(1000),
    waterfall: s.integer({ min: 0 }).default(1000),
    events: s.integer({ min: 0 }).default(1000),
  }).default({}),
  input: s.object({
    sps: s.integer({ min: 1 }),
    frequency: s.integer(),
    signal: s.enum(["real", "iq"], { caseInsensitive: true }),
    fft_size: s.integer({ min: 2 })
      .refine((n) => (n & (n - 1)) === 0, "a power of two").default(131072),
    fft_threads: s.integer({ min: 1 }).default(1),
    brightness_offset: s.integer().default(0),
    accelerator: s.enum(["none", "opencl", "cuda", "mkl"]).default("none"),
    audio_sps: s.integer({ min: 1 }).default(12000),
    audio_compression: s.enum(["flac", "opus"]).default("flac"),
    waterfall_size: s.integer({ min: 1 }).default(1024),
    waterfall_compression: s.enum(["zstd", "av1"]).default("zstd"),
    smeter_offset: s.integer().default(0),
    driver: s.object({
      name: s.string(),
      format: s.enum(["u8", "s8", "u16", "s16", "f32", "f64", "cs16", "cf32"])
        .default("f32"),
    }),
    defaults: s.object({
      frequency: s.integer().default(-1),
      modulation: s.enum(["USB", "LSB", "AM", "SAM", "FM", "WBFM"], {
        caseInsensitive: true,
      }).default("USB"),
    }).default({}),
  }),
});

// --- Peer files ---------------------------------------------------------------

Deno.test("loadConfig() reads G4KLX YSFReflector.ini with its dialect", async () => {
  const { value, warnings, format } = await loadConfig(
    fixture("YSFReflector.ini"),
    g4klxSchema,
    {
      ini: { dialect: "g4klx" },
    },
  );
  equal(format, "ini");
  deepEqual(warnings, []);
  const config: Infer<typeof g4klxSchema> = value;
  deepEqual(config, {
    General: { Daemon: true },
    Info: { Id: 12345, Name: "Shack #1 YSF", Description: "Raspberry Pi" },
    Log: {
      DisplayLevel: 1,
      FileLevel: 1,
      FilePath: "/var/log/YSFReflector",
      FileRoot: "YSFReflector",
      FileRotate: true,
    },
    Network: { Port: 42000, Debug: false },
    "Block List": { File: "/etc/YSFReflector/BlockList.txt", Time: 5 },
  });
});

Deno.test("loadConfig() reads pYSFReflector3 pysfreflector.ini (CRLF, configparser)", async () => {
  const { value, warnings } = await loadConfig(
    fixture("pysfreflector.ini"),
    pysfSchema,
    {
      ini: { dialect: "configparser", caseSensitiveKeys: false },
    },
  );
  deepEqual(warnings, []);
  deepEqual(value.Info, {
    name: "Shack Fusion",
    description: "Raspberry Pi",
    id: 0,
    contact: "",
    web: "",
  });
  deepEqual(value.Network, {
    ip: "0.0.0.0",
    port: 42000,
    json_ip: "127.0.0.1",
    json_port: 42001,
    debug: false,
  });
  deepEqual(value["Block List"], {
    file: "/opt/pysfreflector/deny.db",
    time: 0.5,
    checkre: 1,
  });
  deepEqual(value.Protections, {
    timeout: 190,
    wildptttime: 5,
    wildpttcount: 4,
    treactivate: 900,
  });
  deepEqual(value.APRS, {
    enable: false,
    server: "aprs.example.net",
    port: 14580,
    ssid: "-10",
  });
  deepEqual(value.DGID.list, [1, 9, 50]);
  equal(value.DGID.bth_time, 900);
  equal(value.Log.filerotate, false);
  deepEqual(value.REFL_ALIAS, { refl_01: "" });
});

Deno.test("loadConfig() reads PhantomSDR+ config.toml and warns on unread keys", async () => {
  const { value, warnings, format } = await loadConfig(
    fixture("phantomsdr.toml"),
    phantomSchema,
  );
  equal(format, "toml");
  equal(value.server.port, 9002);
  equal(value.input.signal, "iq");
  equal(value.input.defaults.modulation, "USB");
  deepEqual(value.websdr.register_urls, [
    "https://sdr-list.xyz/api/update_websdr",
  ]);
  deepEqual(warnings.map(formatConfigIssue), [
    `${
      fixture("phantomsdr.toml")
    }:15: websdr.callsign_lookup_url: expected one of the keys register_online, register_urls, name, antenna, grid_locator, hostname, found an unknown key`,
  ]);
});

Deno.test("loadConfig() applies defaults to a minimal PhantomSDR+ config.toml", async () => {
  const { value } = await loadConfig(
    fixture("phantomsdr_minimal.toml"),
    phantomSchema,
  );
  deepEqual(value, {
    server: {
      port: 9002,
      html_root: "html/",
      otherusers: 1,
      threads: 1,
      host: "0.0.0.0",
    },
    websdr: {
      register_online: false,
      register_urls: ["https://sdr-list.xyz/api/update_websdr"],
      name: "PhantomSDR+",
      antenna: "N/A",
      grid_locator: "-",
      hostname: "",
    },
    limits: { audio: 1000, waterfall: 1000, events: 1000 },
    input: {
      sps: 2048000,
      frequency: 100000000,
      signal: "iq",
      fft_size: 131072,
      fft_threads: 1,
      brightness_offset: 0,
      accelerator: "none",
      audio_sps: 12000,
      audio_compression: "flac",
      waterfall_size: 1024,
      waterfall_compression: "zstd",
      smeter_offset: 0,
      driver: { name: "stdin", format: "f32" },
      defaults: { frequency: -1, modulation: "USB" },
    },
  });
});

// --- Errors with file and line ----------------------------------------------

Deno.test("loadConfig() reports every bad INI value with file, line and key", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/YSFReflector.ini`;
    await Deno.writeTextFile(
      path,
      "[Info]\nName=Shack\nDescription=Pi\nId=12abc\n\n[Network]\nPort=70000\nDebug=maybe\n",
    );
    const error = await configError(
      loadConfig(path, g4klxSchema, { ini: { dialect: "g4klx" } }),
    );
    equal(error.exitCode, 78);
    equal(error.file, path);
    equal(error.line, 4);
    equal(error.key, "Info.Id");
    equal(
      error.message,
      [
        "3 problems in the configuration",
        `  ${path}:4: Info.Id: expected an integer from 0 to 99999, found string "12abc"`,
        `  ${path}:7: Network.Port: expected a port number from 1 to 65535, found string "70000"`,
        `  ${path}:8: Network.Debug: expected a boolean (1/0, true/false, yes/no, on/off), found string "maybe"`,
      ].join("\n"),
    );
    // An unknown section is only a warning (unknownKeys: "warn" at the top
    // level) but an unknown key in a section is an error (the default).
    await Deno.writeTextFile(
      path,
      "[Info]\nName=a\nDescription=b\n[Log]\nColour=1\n[Extra]\nx=1\n",
    );
    const unknown = await configError(
      loadConfig(path, g4klxSchema, { ini: { dialect: "g4klx" } }),
    );
    equal(unknown.issues.length, 1);
    equal(
      unknown.message,
      `${path}:5: Log.Colour: expected one of the keys DisplayLevel, FileLevel, FilePath, FileRoot, FileRotate, found an unknown key`,
    );
  });
});

Deno.test("loadConfig() reports a TOML syntax error with line and column", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/config.toml`;
    await Deno.writeTextFile(
      path,
      "[server]\nport = 9002\nhtml_root = html/\n",
    );
    const error = await configError(loadConfig(path, phantomSchema));
    equal(error.file, path);
    equal(error.line, 3);
    equal(error.column, 13);
    ok(
      error.message.startsWith(`${path}:3:13: Invalid TOML document: `),
      error.message,
    );
  });
});

Deno.test("loadConfigFile() reports a missing file naming its path", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/missing.toml`;
    const error = await configError(loadConfigFile(path));
    equal(error.exitCode, 78);
    equal(error.file, path);
    equal(error.message, `${path}: file not found`);
    ok(error.cause instanceof Deno.errors.NotFound);
    const nested = await configError(loadConfigFile(`${dir}/no/such/dir.ini`));
    equal(nested.message, `${dir}/no/such/dir.ini: file not found`);
  });
});

Deno.test("loadConfigFile() reports a file it may not read", async () => {
  await withTempDir(async (dir) => {
    let path = `${dir}/secret.toml`;
    await Deno.writeTextFile(path, "a = 1\n");
    await Deno.chmod(path, 0o000);
    if (Deno.uid() === 0) {
      // root reads any mode-000 file; a write-only sysctl is denied even to root
      path = "/proc/sys/vm/compact_memory";
      try {
        await Deno.stat(path);
      } catch {
        return; // no such file on this system: nothing to test
      }
    }
    const error = await configError(loadConfigFile(path, { format: "toml" }));
    equal(error.exitCode, 78);
    equal(error.message, `${path}: permission denied, cannot read the file`);
    ok(error.cause instanceof Deno.errors.PermissionDenied);
  });
});

Deno.test("loadConfigFile() refuses a directory and a file larger than maxBytes", async () => {
  await withTempDir(async (dir) => {
    const error = await configError(loadConfigFile(dir));
    equal(error.message, `${dir}: expected a file, found a directory`);
    const path = `${dir}/big.toml`;
    await Deno.writeTextFile(path, `a = "${"x".repeat(2000)}"\n`);
    const big = await configError(loadConfigFile(path, { maxBytes: 1024 }));
    equal(
      big.message,
      `${path}: expected a file of at most 1024 bytes, found more than 1024 bytes`,
    );
    equal((await loadConfigFile(path, { maxBytes: 4096 })).format, "toml");
  });
});

Deno.test("loadConfigFile() stops reading an endless file at maxBytes", async () => {
  const error = await configError(
    loadConfigFile("/dev/zero", { format: "ini", maxBytes: 100_000 }),
  );
  equal(
    error.message,
    "/dev/zero: expected a file of at most 100000 bytes, found more than 100000 bytes",
  );
});

// --- Format detection ---------------------------------------------------------

Deno.test("detectConfigFormat() uses the extension first", () => {
  equal(detectConfigFormat("shack.toml", "[Info]\nName=x y\n"), "toml");
  equal(detectConfigFormat("/etc/YSFReflector.ini", 'a = "b"'), "ini");
  equal(detectConfigFormat("a.conf", ""), "ini");
  equal(detectConfigFormat("a.cfg", ""), "ini");
  equal(detectConfigFormat("A.INI", ""), "ini");
  equal(detectConfigFormat("C:\\cfg\\Shack.TOML", ""), "toml");
  equal(detectConfigFormat(".toml", "[a]\nb=c d\n"), "ini"); // a dot file has no extension
});

Deno.test("detectConfigFormat() reads the content when the extension is unknown", () => {
  // INI traits
  equal(detectConfigFormat("config", "[Info]\nName=My reflector\n"), "ini");
  equal(detectConfigFormat("config", "; comment\n"), "ini");
  equal(detectConfigFormat("config", "[DGID]\nlist : 1,9,50\n"), "ini");
  equal(detectConfigFormat("config", "[DGID]\naux_port =\n"), "ini");
  equal(detectConfigFormat("config", "[Block List]\nTime=5\n"), "ini");
  equal(
    detectConfigFormat("config", "[Log]\nFilePath=/var/log/mmdvm/\n"),
    "ini",
  );
  // TOML
  equal(detectConfigFormat("config", ""), "toml");
  equal(
    detectConfigFormat("config", '[server]\nhost = "0.0.0.0"\nport = 9002\n'),
    "toml",
  );
  equal(
    detectConfigFormat(
      "config",
      "[input]\nsps = 2_048_000\nsignal = 'iq'\nok = true\n",
    ),
    "toml",
  );
  equal(
    detectConfigFormat("config", '[[markers]]\nname = "x"\n[a."b c"]\nd = 1\n'),
    "toml",
  );
  equal(
    detectConfigFormat("config", 'list = [\n  "a:b",\n  "c",\n]\n'),
    "toml",
  );
  equal(
    detectConfigFormat("config", 'text = """\nName: not a key\n"""\n'),
    "toml",
  );
  equal(
    detectConfigFormat("config", "t = { a = 1 }\nd = 1979-05-27\nx = -inf\n"),
    "toml",
  );
  // valid in both syntaxes: TOML
  equal(detectConfigFormat("config", "[Network]\nPort=42000\n"), "toml");
});

Deno.test("loadConfigFile() auto-detects INI and TOML content in real files", async () => {
  await withTempDir(async (dir) => {
    const ini = `${dir}/reflector`;
    await Deno.writeTextFile(ini, "\uFEFF[Info]\r\nName=My reflector\r\n");
    const loadedIni = await loadConfigFile(ini);
    equal(loadedIni.format, "ini");
    deepEqual(loadedIni.data, { Info: { Name: "My reflector" } });
    equal(loadedIni.lineOf(["Info", "Name"]), 2);

    const toml = `${dir}/sdr`;
    await Deno.writeTextFile(toml, '[server]\nhtml_root = "html/"\n');
    const loadedToml = await loadConfigFile(toml);
    equal(loadedToml.format, "toml");
    deepEqual(loadedToml.data, { server: { html_root: "html/" } });
    equal(loadedToml.lineOf(["server", "html_root"]), 2);

    // An explicit format wins over the extension.
    const forced = `${dir}/odd.toml`;
    await Deno.writeTextFile(forced, "[a]\nb=c d\n");
    deepEqual((await loadConfigFile(forced, { format: "ini" })).data, {
      a: { b: "c d" },
    });
    await configError(loadConfigFile(forced));
  });
});

Deno.test("loadConfig() coerces INI strings but not TOML values", async () => {
  const schema = s.object({
    Network: s.object({ Port: s.port(), Debug: s.boolean() }),
  });
  await withTempDir(async (dir) => {
    const ini = `${dir}/a.ini`;
    await Deno.writeTextFile(ini, "[Network]\nPort=42000\nDebug=yes\n");
    deepEqual((await loadConfig(ini, schema)).value, {
      Network: { Port: 42000, Debug: true },
    });

    const toml = `${dir}/a.toml`;
    await Deno.writeTextFile(toml, '[Network]\nPort = "42000"\nDebug = true\n');
    const error = await configError(loadConfig(toml, schema));
    equal(
      error.message,
      `${toml}:2: Network.Port: expected a port number from 1 to 65535, found string "42000"`,
    );
  });
});

Deno.test("loadConfig() rejects a malformed INI line with its number", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/bad.ini`;
    await Deno.writeTextFile(path, "[Info]\nName\n");
    const error = await configError(
      loadConfig(path, s.object({}, { unknownKeys: "ignore" })),
    );
    equal(
      error.message,
      `${path}:2: expected a [section] header, a key = value line or a comment, found text "Name"`,
    );
    await rejects(loadConfig(path, s.object({})), ConfigError);
  });
});
