import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { ConfigError } from "../../lib/core/config/mod.ts";
import {
  applyYsfCliOverrides,
  detectYsfIniFormat,
  loadYsfConfig,
  parseAuxPortList,
  parseReflectorAlias,
  toYsfReflectorOptions,
  YSF_DEFAULTS,
  ysfConfigSchema,
  type YsfServiceConfig,
} from "../../lib/ysf/config.ts";
import { parse, s } from "../../lib/core/config/mod.ts";
import { resolveReflectorOptions } from "../../lib/ysf/reflector/options.ts";
import { YsfReflectorCore } from "../../lib/ysf/reflector/reflector.ts";

const CONFIG_FIXTURES = new URL("../fixtures/config/", import.meta.url);
const YSF_FIXTURES = new URL("../fixtures/ysf/", import.meta.url);
const G4KLX_INI = new URL("YSFReflector.ini", CONFIG_FIXTURES).pathname;
const PYSF_INI = new URL("pysfreflector.ini", CONFIG_FIXTURES).pathname;
const PYSF_AUX_INI = new URL("pysfreflector_aux.ini", YSF_FIXTURES).pathname;
const SHACK_TOML = new URL("shack.toml", YSF_FIXTURES).pathname;
const YSF_FIXTURE_DIR = new URL(".", YSF_FIXTURES).pathname.replace(/\/$/, "");

/** Runs `fn` with a fresh temporary directory, removed afterwards. */
async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "shack_ysf_config_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Writes `text` to `dir/name` and loads it. */
async function loadText(
  dir: string,
  name: string,
  text: string,
): Promise<YsfServiceConfig> {
  await Deno.writeTextFile(`${dir}/${name}`, text);
  return await loadYsfConfig(`${dir}/${name}`);
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

// --- G4KLX ------------------------------------------------------------------

Deno.test("loadYsfConfig() maps the G4KLX fixture to single-room mode with G4KLX defaults", async () => {
  const config = await loadYsfConfig(G4KLX_INI);
  equal(config.format, "g4klx");
  equal(config.file, G4KLX_INI);
  equal(config.reflector.mode, "single-room");
  equal(config.reflector.name, "Shack #1 YSF"); // quoted: `#` kept
  equal(config.reflector.description, "Raspberry Pi"); // unquoted: comment cut
  equal(config.reflector.id, 12345);
  // G4KLX behaviour: no rooms, no protections, any callsign
  equal(config.reflector.timeoutSeconds, 0);
  equal(config.reflector.wildPttCount, 0);
  equal(config.reflector.prefix, false);
  equal(config.reflector.refuseBlockedLinks, false);
  equal(config.files.checkRe, 0);
  deepEqual(config.network, {
    bind: ["0.0.0.0", "::"],
    port: 42000,
    auxPorts: [],
  });
  equal(config.httpPort, undefined);
  equal(config.files.blockListFile, "/etc/YSFReflector/BlockList.txt");
  equal(config.files.denyFile, undefined);
  equal(config.files.homeFile, undefined);
  equal(config.files.roomDatabase, undefined);
  equal(config.files.reloadMinutes, 5);
  deepEqual(config.g4klxLog, {
    filePath: "/var/log/YSFReflector",
    fileRoot: "YSFReflector",
    fileRotate: true,
  });
  equal(config.monitor.enabled, false);
  equal(config.aprs.enabled, false);
  equal(config.notes.length, 2);
  match(config.notes[0], /YSFReflector\.ini:2: General\.Daemon: ignored/);
  match(config.notes[1], /YSFReflector\.ini:14: Log\.DisplayLevel: ignored/);
});

Deno.test("loadYsfConfig() uses G4KLX's code defaults for an almost empty YSFReflector.ini", async () => {
  await withTempDir(async (dir) => {
    const config = await loadText(dir, "YSFReflector.ini", "[Info]\nName=X\n");
    equal(config.format, "g4klx");
    equal(config.reflector.id, 0);
    equal(config.reflector.description, "");
    equal(config.network.port, 42000);
    equal(config.files.blockListFile, undefined);
    equal(config.files.reloadMinutes, 5);
    equal(config.g4klxLog, undefined); // FileLevel 0 = no log file
    ok(config.notes.some((n) => n.includes("Network.Port absent")));
  });
});

Deno.test("loadYsfConfig() reads G4KLX Time=0 as no periodic reload and resolves relative paths", async () => {
  await withTempDir(async (dir) => {
    const config = await loadText(
      dir,
      "YSFReflector.ini",
      "[Info]\nName=X\n[Network]\nPort=42002\n[Block List]\nFile=BlockList.txt\nTime=0\n" +
        "[Log]\nFileLevel=2\nFilePath=logs\nFileRoot=YSFReflector\nFileRotate=0\n",
    );
    equal(config.files.reloadMinutes, 0);
    equal(config.files.blockListFile, `${dir}/BlockList.txt`);
    deepEqual(config.g4klxLog, {
      filePath: `${dir}/logs`,
      fileRoot: "YSFReflector",
      fileRotate: false,
    });
    equal(config.monitor.port, 42003);
  });
});

Deno.test("loadYsfConfig() rejects Port=abc in a G4KLX file naming file, line and key", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/YSFReflector.ini`;
    await Deno.writeTextFile(
      path,
      "[Info]\nName=X\n\n[Network]\nPort=abc\nDebug=0\n",
    );
    const error = await configError(loadYsfConfig(path));
    equal(error.exitCode, 78);
    equal(error.file, path);
    equal(error.line, 5);
    equal(error.key, "Network.Port");
    equal(
      error.message,
      `${path}:5: Network.Port: expected a port number from 1 to 65535, found string "abc"`,
    );
  });
});

Deno.test("loadYsfConfig() reports every bad G4KLX value at once and non-ASCII names", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/YSFReflector.ini`;
    await Deno.writeTextFile(
      path,
      "[Info]\nName=Réflecteur\nId=-1\n[Network]\nPort=70000\n",
    );
    const error = await configError(loadYsfConfig(path));
    deepEqual(
      error.issues.map((i) => `${i.key}:${i.line}`).sort(),
      ["Info.Id:3", "Info.Name:2", "Network.Port:5"],
    );
    equal(error.issues.length, 3);
  });
});

Deno.test("loadYsfConfig() reports unknown G4KLX keys and sections as notes with their line", async () => {
  await withTempDir(async (dir) => {
    const config = await loadText(
      dir,
      "YSFReflector.ini",
      "[Info]\nName=X\n[Network]\nPort=42000\nProt=1\n[Extra]\nA=1\n",
    );
    ok(
      config.notes.includes(
        `${dir}/YSFReflector.ini:5: Network.Prot: unknown key, ignored`,
      ),
      config.notes.join("\n"),
    );
    ok(
      config.notes.includes(
        `${dir}/YSFReflector.ini:6: Extra: unknown section, ignored`,
      ),
      config.notes.join("\n"),
    );
  });
});

// --- pYSFReflector3 -----------------------------------------------------------

Deno.test("loadYsfConfig() maps the pYSFReflector3 fixture to rooms mode", async () => {
  const config = await loadYsfConfig(PYSF_INI);
  equal(config.format, "pysfreflector");
  equal(config.reflector.mode, "rooms");
  equal(config.reflector.name, "Shack Fusion");
  equal(config.reflector.description, "Raspberry Pi");
  equal(config.reflector.id, 0);
  deepEqual(config.reflector.dgidList, [1, 9, 50]);
  equal(config.reflector.defaultDgid, 50);
  equal(config.reflector.localDgid, 1);
  equal(config.reflector.prefix, true);
  equal(config.reflector.bthTimeSeconds, 900);
  equal(config.reflector.timeoutSeconds, 190);
  equal(config.reflector.wildPttTimeSeconds, 5);
  equal(config.reflector.wildPttCount, 4);
  equal(config.reflector.treactivateSeconds, 900);
  deepEqual(config.network, { bind: ["0.0.0.0"], port: 42000, auxPorts: [] });
  deepEqual(config.monitor, { enabled: true, bind: "127.0.0.1", port: 42001 });
  deepEqual(config.files, {
    denyFile: "/opt/pysfreflector/deny.db",
    checkRe: 1,
    reloadMinutes: 0.5,
    homeFile: "/opt/pysfreflector/home.db",
    roomDatabase: "/opt/pysfreflector/dgid.json",
    roomDatabaseMaxEntries: 10_000,
  });
  deepEqual(config.aprs, {
    enabled: false,
    server: "aprs.example.net",
    port: 14580,
    ssid: "-10",
  });
  deepEqual(config.g4klxLog, {
    filePath: "/var/log/mmdvm/",
    fileRoot: "YSFReflector",
    fileRotate: false,
  });
  equal(config.contact, "");
  equal(config.httpPort, undefined);
  deepEqual(config.notes, []);
});

Deno.test("loadYsfConfig() applies every pYSFReflector3 code default (§3.7) when keys are absent", async () => {
  await withTempDir(async (dir) => {
    const config = await loadText(
      dir,
      "pysfreflector.ini",
      "[Info]\nName=SHACK\n[DGID]\nlist=1\n[Log]\nFilePath=/var/log\nFileRoot=pysf\n",
    );
    equal(config.format, "pysfreflector");
    const r = config.reflector;
    equal(r.id, 0); // hash of the name
    equal(r.description, "");
    equal(config.contact, "");
    equal(config.web, "");
    deepEqual(config.network.bind, ["0.0.0.0"]);
    equal(config.network.port, 42000);
    deepEqual(config.monitor, {
      enabled: true,
      bind: "127.0.0.1",
      port: 42001,
    });
    equal(config.files.denyFile, undefined);
    equal(config.files.reloadMinutes, 5);
    equal(config.files.checkRe, 1);
    equal(r.timeoutSeconds, 240);
    equal(r.wildPttTimeSeconds, 5);
    equal(r.wildPttCount, 3);
    equal(r.treactivateSeconds, 1800);
    equal(config.aprs.enabled, false);
    equal(config.aprs.port, 14580);
    equal(r.defaultDgid, 22);
    equal(r.localDgid, 1);
    equal(r.prefix, true);
    equal(r.bthTimeSeconds, 900);
    equal(config.files.homeFile, undefined);
    equal(config.files.roomDatabase, undefined);
    deepEqual(config.network.auxPorts, []);
    deepEqual(config.g4klxLog, {
      filePath: "/var/log",
      fileRoot: "pysf",
      fileRotate: true, // FileRotate default "1": daily files
    });
    // keys pYSFReflector3 requires are named in one note
    const note = config.notes.find((n) => n.includes("would refuse"));
    ok(note !== undefined, config.notes.join("\n"));
    match(note, /Info\.description, APRS\.server, APRS\.ssid, DGID\.database/);
  });
});

Deno.test("loadYsfConfig() derives the pYSFReflector3 Json_Port from Port and treats empty values as absent", async () => {
  await withTempDir(async (dir) => {
    const config = await loadText(
      dir,
      "pysfreflector.ini",
      "[Info]\nName=SHACK\n[Network]\nPort=42100\nJson_Port=\nJson_IP=\n[DGID]\nlist=1,2\naux_port =\n",
    );
    equal(config.network.port, 42100);
    equal(config.monitor.port, 42101);
    equal(config.monitor.bind, "127.0.0.1");
  });
});

Deno.test("loadYsfConfig() parses aux_port and REFL_ALIAS, clamps and notes like pYSFReflector3", async () => {
  const config = await loadYsfConfig(PYSF_AUX_INI);
  const note = (pattern: RegExp) =>
    ok(config.notes.some((n) => pattern.test(n)), config.notes.join("\n"));
  equal(config.format, "pysfreflector");
  equal(config.reflector.name, "Shack Fusion Ref");
  note(/:5: Info\.name: cut to 16 characters: "Shack Fusion Ref"/);
  equal(config.reflector.description, "Raspberry Pi 4");
  note(/:6: Info\.description: cut to 14 characters/);
  deepEqual(config.network, {
    bind: ["192.0.2.1"],
    port: 42100,
    auxPorts: [
      {
        dgid: 10,
        port: 42010,
        alias: { id: 12345, name: "OLD REFLECTOR", description: "Now room 10" },
      },
      { dgid: 20, port: 42020 },
    ],
  });
  equal(config.monitor.port, 42101);
  note(/REFL_ALIAS: no auxiliary port has DG-ID 30, alias "NO PORT" ignored/);
  // clamped as pYSFReflector3 does
  equal(config.files.reloadMinutes, 0.1);
  note(/Block List\.time: 0\.01 raised to 0\.1 minute/);
  equal(config.files.checkRe, 1);
  note(/Block List\.checkre: 5 clamped to 1/);
  // 0 turns protections off
  equal(config.reflector.timeoutSeconds, 0);
  equal(config.reflector.wildPttCount, 0);
  note(/Protections\.timeout: 0 turns the transmit time-out off/);
  equal(config.reflector.localDgid, 0);
  equal(config.reflector.prefix, false);
  equal(config.reflector.bthTimeSeconds, 600.5);
  // relative paths: relative to the ini file's directory
  equal(config.files.denyFile, `${YSF_FIXTURE_DIR}/deny.db`);
  equal(config.files.homeFile, `${YSF_FIXTURE_DIR}/home.db`);
  equal(config.files.roomDatabase, `${YSF_FIXTURE_DIR}/dgid.json`);
  equal(config.g4klxLog?.filePath, `${YSF_FIXTURE_DIR}/logs`);
  deepEqual(config.aprs, {
    enabled: true,
    server: "euro.aprs2.net",
    port: 14580,
    ssid: "", // -0: none
  });
  equal(config.contact, "g4abc@example.org");
  equal(config.web, "https://ysf.example.org");
  note(/pysfreflector_aux\.ini:43: DGID\.unknwon: unknown key, ignored/);
});

Deno.test("parseAuxPortList() and parseReflectorAlias() follow pYSFReflector3's rules", () => {
  deepEqual(parseAuxPortList("10:42010,20:42020"), [
    { dgid: 10, port: 42010 },
    { dgid: 20, port: 42020 },
  ]);
  deepEqual(parseAuxPortList(" 1:2 "), []); // 3 characters or fewer: none
  equal(parseAuxPortList("10:42010, 0:42020"), undefined);
  equal(parseAuxPortList("100:42010"), undefined);
  equal(parseAuxPortList("10:70000"), undefined);
  equal(parseAuxPortList("10-42010"), undefined);
  equal(parseAuxPortList("10:42010,"), undefined);
  deepEqual(
    parseReflectorAlias("9,0,  A VERY LONG ALIAS NAME,A VERY LONG DESCRIPTION"),
    {
      dgid: 9,
      id: 0,
      name: "A VERY LONG ALIA",
      description: "A VERY LONG DE",
    },
  );
  equal(parseReflectorAlias("9, 1000000, NAME, D")?.id, 0); // out of range: hash
  equal(parseReflectorAlias("9, 999999, NAME, D")?.id, 999999);
  equal(parseReflectorAlias("9, 1, NAME"), undefined);
  equal(parseReflectorAlias("9, 1, NAME, D, E"), undefined);
  equal(parseReflectorAlias("0, 1, NAME, D"), undefined);
  equal(parseReflectorAlias("9, -1, NAME, D"), undefined);
  equal(parseReflectorAlias("9, 1, , D"), undefined);
});

Deno.test("loadYsfConfig() rejects list = 1,x in a pYSFReflector3 file naming file, line and key", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/pysfreflector.ini`;
    await Deno.writeTextFile(
      path,
      "[Info]\nName=SHACK\n\n[DGID]\ndefault = 50\nlist = 1,x\n",
    );
    const error = await configError(loadYsfConfig(path));
    equal(error.exitCode, 78);
    equal(error.line, 6);
    equal(error.key, "DGID.list[1]");
    equal(
      error.message,
      `${path}:6: DGID.list[1]: expected an integer from 1 to 99, found string "x"`,
    );
  });
});

Deno.test("loadYsfConfig() rejects malformed pYSFReflector3 values with their line", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/pysfreflector.ini`;
    await Deno.writeTextFile(
      path,
      [
        "[Info]", //                                   1
        "Name=SHACK", //                               2
        "[Network]", //                                3
        "Port=42000", //                               4
        "Json_Port=abc", //                            5
        "[Protections]", //                            6
        "Timeout=-1", //                               7
        "WildPTTTime=0", //                            8
        "[DGID]", //                                   9
        "list=1,9", //                                 10
        "default=200", //                              11
        "aux_port=10:42010, 20", //                    12
        "[REFL_ALIAS]", //                             13
        "refl_01 = 10, x, NAME, DESC", //              14
      ].join("\n"),
    );
    const error = await configError(loadYsfConfig(path));
    const found = new Map(error.issues.map((i) => [i.key, i.line]));
    deepEqual(
      [...found.entries()].sort(),
      [
        ["DGID.aux_port", 12],
        ["DGID.default", 11],
        ["Network.json_port", 5],
        ["Protections.timeout", 7],
        ["Protections.wildptttime", 8],
        ["REFL_ALIAS.refl_01", 14],
      ],
    );
    match(error.message, /^6 problems in the configuration/);
  });
});

Deno.test("loadYsfConfig() requires Info.Name in a pYSFReflector3 file", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/pysfreflector.ini`;
    await Deno.writeTextFile(path, "[Info]\nDescription=x\n[DGID]\nlist=1\n");
    const error = await configError(loadYsfConfig(path));
    equal(error.key, "Info.name");
    equal(error.found, "nothing");
  });
});

Deno.test("loadYsfConfig() refuses UDP ports used twice", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/pysfreflector.ini`;
    await Deno.writeTextFile(
      path,
      "[Info]\nName=SHACK\n[Network]\nPort=42000\n[DGID]\nlist=10\naux_port=10:42001\n",
    );
    const error = await configError(loadYsfConfig(path));
    equal(error.key, "Network.json_port");
    match(
      error.message,
      /expected a UDP port other than auxiliary port 10:42001/,
    );
    await Deno.writeTextFile(
      path,
      "[Info]\nName=SHACK\n[Network]\nPort=42000\nJson_Port=42005\n[DGID]\nlist=10\naux_port=10:42000\n",
    );
    const again = await configError(loadYsfConfig(path));
    equal(again.key, "DGID.aux_port");
    equal(again.line, 8);
  });
});

Deno.test("loadYsfConfig() refuses APRS enable=1 without a server", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/pysfreflector.ini`;
    await Deno.writeTextFile(
      path,
      "[Info]\nName=SHACK\n[APRS]\nenable=1\nserver=\n",
    );
    const error = await configError(loadYsfConfig(path));
    equal(error.key, "APRS.server");
  });
});

// --- Format detection ----------------------------------------------------------

Deno.test("detectYsfIniFormat() tells pYSFReflector3 files from G4KLX ones", () => {
  equal(detectYsfIniFormat({ Protections: {} }), "pysfreflector");
  equal(detectYsfIniFormat({ APRS: {} }), "pysfreflector");
  equal(detectYsfIniFormat({ REFL_ALIAS: {} }), "pysfreflector");
  equal(detectYsfIniFormat({ Network: { json_port: "1" } }), "pysfreflector");
  equal(
    detectYsfIniFormat({ Info: {}, Log: {}, Network: {}, "Block List": {} }),
    "g4klx",
  );
});

Deno.test("loadYsfConfig() detects the format from the content whatever the file name", async () => {
  await withTempDir(async (dir) => {
    const pysf = await loadText(
      dir,
      "reflector.conf",
      "[Info]\nName: SHACK\n[Network]\nJson_Port = 42005\n",
    );
    equal(pysf.format, "pysfreflector");
    equal(pysf.monitor.port, 42005);
    const g4klx = await loadText(
      dir,
      "reflector.cfg",
      "[Info]\nName=SHACK\n[Network]\nPort=42000\n",
    );
    equal(g4klx.format, "g4klx");
    const toml = await loadText(
      dir,
      "shack",
      '[ysf]\nname = "SHACK"\nport = 42000\n',
    );
    equal(toml.format, "toml");
    const tomlAsConf = await loadText(
      dir,
      "shack.conf",
      '[ysf]\nname = "SHACK"\n[ysf.dgid]\nlist = [1, 2]\n',
    );
    equal(tomlAsConf.format, "toml");
    // valid TOML too, but a G4KLX file: read as one
    const numeric = await loadText(
      dir,
      "YSFReflector",
      "[Info]\nId=12345\n[Network]\nPort=42005\n",
    );
    equal(numeric.format, "g4klx");
    equal(numeric.network.port, 42005);
    deepEqual(tomlAsConf.reflector.dgidList, [1, 2]);
  });
});

Deno.test("loadYsfConfig() reports a TOML syntax error with its line and column", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/shack.toml`;
    await Deno.writeTextFile(path, '[ysf]\nname = "R"\nport = = 1\n');
    const error = await configError(loadYsfConfig(path));
    equal(error.line, 3);
    ok(error.column !== undefined);
    match(error.message, /Invalid TOML document/);
  });
});

Deno.test("loadYsfConfig() reads a G4KLX file that configparser rules would refuse", async () => {
  await withTempDir(async (dir) => {
    // `:Name` is a key-less line for configparser, an ordinary key for G4KLX
    const config = await loadText(
      dir,
      "YSFReflector.ini",
      "[Info]\nName=SHACK\n[Extra]\n:odd=1\n",
    );
    equal(config.format, "g4klx");
    equal(config.reflector.name, "SHACK");
  });
});

Deno.test("loadYsfConfig() reports a missing file as a ConfigError", async () => {
  const error = await configError(loadYsfConfig("/nonexistent/ysf.ini"));
  equal(error.file, "/nonexistent/ysf.ini");
  match(error.message, /file not found/);
});

// --- shack.toml ------------------------------------------------------------------

Deno.test("loadYsfConfig() reads the [ysf] table of the shack.toml fixture", async () => {
  const config = await loadYsfConfig(SHACK_TOML);
  equal(config.format, "toml");
  equal(config.reflector.name, "SHACK YSF");
  equal(config.reflector.mode, "rooms");
  deepEqual(config.reflector.dgidList, [1, 9, 10, 20, 50]);
  equal(config.reflector.defaultDgid, 50);
  equal(config.reflector.bthTimeSeconds, 600);
  equal(config.reflector.prefix, true);
  equal(config.reflector.refuseBlockedLinks, true);
  equal(config.reflector.timeoutSeconds, 190);
  equal(config.reflector.treactivateSeconds, 900);
  equal(config.reflector.wildPttCount, 4);
  equal(config.reflector.maxClients, 200);
  equal(config.reflector.maxClientsPerIp, 8);
  equal(config.reflector.maxStreams, 256); // default
  equal(config.reflector.watchdogMs, 1500);
  deepEqual(config.network, {
    bind: ["0.0.0.0", "::"],
    port: 42000,
    auxPorts: [
      {
        dgid: 10,
        port: 42010,
        alias: { id: 12345, name: "OLD REFLECTOR", description: "Now room 10" },
      },
      { dgid: 20, port: 42020 },
    ],
  });
  equal(config.httpPort, 42080);
  deepEqual(config.files, {
    checkRe: 0,
    reloadMinutes: 0.5,
    roomDatabaseMaxEntries: 10_000,
    denyFile: `${YSF_FIXTURE_DIR}/deny.db`,
    blockListFile: "/etc/shack/BlockList.txt",
    homeFile: `${YSF_FIXTURE_DIR}/home.db`,
    roomDatabase: `${YSF_FIXTURE_DIR}/state/dgid.json`,
  });
  deepEqual(config.monitor, { enabled: true, bind: "127.0.0.1", port: 42001 });
  deepEqual(config.g4klxLog, {
    filePath: "/var/log/YSFReflector",
    fileRoot: "YSFReflector",
    fileRotate: false,
  });
  deepEqual(config.aprs, {
    enabled: true,
    server: "euro.aprs2.net",
    port: 14580,
    ssid: "-10",
  });
  equal(config.contact, "g4abc@example.org");
  deepEqual(config.notes, []);
});

Deno.test("loadYsfConfig() gives shack.toml the documented defaults", async () => {
  await withTempDir(async (dir) => {
    const rooms = await loadText(dir, "shack.toml", '[ysf]\nname = "R"\n');
    deepEqual(rooms.network.bind, ["0.0.0.0", "::"]);
    equal(rooms.network.port, 42000);
    equal(rooms.httpPort, YSF_DEFAULTS.httpPort);
    equal(rooms.httpPort, 42080);
    equal(rooms.reflector.timeoutSeconds, 240);
    equal(rooms.reflector.wildPttCount, 3);
    equal(rooms.reflector.prefix, true);
    equal(rooms.files.checkRe, 1);
    equal(rooms.files.reloadMinutes, 5);
    equal(rooms.monitor.enabled, false);
    equal(rooms.g4klxLog, undefined);
    const single = await loadText(
      dir,
      "shack.toml",
      '[ysf]\nname = "R"\nmode = "single-room"\nhttp_port = 0\n',
    );
    equal(single.reflector.timeoutSeconds, 0);
    equal(single.reflector.wildPttCount, 0);
    equal(single.reflector.prefix, false);
    equal(single.files.checkRe, 0);
    equal(single.httpPort, undefined);
  });
});

Deno.test("loadYsfConfig() rejects an unknown key inside [ysf] with file, line and key", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/shack.toml`;
    await Deno.writeTextFile(
      path,
      '[ysf]\nname = "R"\n\n[ysf.protections]\ntimeout = 190\ntimout = 200\n',
    );
    const error = await configError(loadYsfConfig(path));
    equal(error.exitCode, 78);
    equal(error.file, path);
    equal(error.line, 6);
    equal(error.key, "ysf.protections.timout");
    equal(error.found, "an unknown key");
    match(error.message, /expected one of the keys timeout, treactivate/);
  });
});

Deno.test("loadYsfConfig() rejects bad shack.toml values and a file without [ysf]", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/shack.toml`;
    await Deno.writeTextFile(path, '[log]\nlevel = "info"\n');
    const missing = await configError(loadYsfConfig(path));
    equal(missing.key, "ysf");
    equal(
      missing.message,
      `${path}: ysf: expected a [ysf] table, found nothing`,
    );

    await Deno.writeTextFile(
      path,
      '[ysf]\nname = "A NAME THAT IS TOO LONG"\nport = 42000\n[ysf.dgid]\nlist = [1, 100]\n',
    );
    const bad = await configError(loadYsfConfig(path));
    deepEqual(bad.issues.map((i) => [i.key, i.line]), [
      ["ysf.name", 2],
      ["ysf.dgid.list[1]", 5],
    ]);

    await Deno.writeTextFile(
      path,
      '[ysf]\nname = "R"\nport = 42000\n[[ysf.aux_ports]]\ndgid = 10\nport = 42000\n',
    );
    const clash = await configError(loadYsfConfig(path));
    equal(clash.key, "ysf.aux_ports[0].port");
  });
});

Deno.test("ysfConfigSchema plugs into a root schema as the ysf table", () => {
  const root = s.object({ ysf: ysfConfigSchema.optional() }, {
    unknownKeys: "warn",
  });
  equal(parse(root, {}).ysf, undefined);
  equal(parse(root, { ysf: { name: "R" } }).ysf?.port, 42000);
  throws(() => parse(root, { ysf: { name: "R", prot: 1 } }), {
    name: "ConfigError",
    message: /ysf\.prot: expected one of the keys/,
  });
});

// --- Overrides and reflector options ----------------------------------------------

Deno.test("applyYsfCliOverrides() lets command-line values win over the file", async () => {
  const config = await loadYsfConfig(PYSF_INI);
  const merged = applyYsfCliOverrides(config, {
    bind: ["::", "::"],
    port: 42100,
    name: "CLI NAME",
    description: "From the CLI",
    id: 54321,
    httpPort: 8080,
  });
  deepEqual(merged.network.bind, ["::"]);
  equal(merged.network.port, 42100);
  equal(merged.reflector.name, "CLI NAME");
  equal(merged.reflector.description, "From the CLI");
  equal(merged.reflector.id, 54321);
  equal(merged.httpPort, 8080);
  equal(merged.notes.length, 6);
  equal(merged.notes[1], "command line: port 42100 (file: 42000)");
  // the input is unchanged
  equal(config.network.port, 42000);
  equal(config.reflector.name, "Shack Fusion");
  deepEqual(config.notes, []);
  // absent overrides keep the file's values; httpPort 0 turns HTTP off
  const off = applyYsfCliOverrides(merged, { httpPort: 0 });
  equal(off.httpPort, undefined);
  equal(off.network.port, 42100);
});

Deno.test("applyYsfCliOverrides() refuses bad values and ports already in use", async () => {
  const config = await loadYsfConfig(SHACK_TOML);
  throws(() => applyYsfCliOverrides(config, { port: 42010 }), RangeError);
  throws(() => applyYsfCliOverrides(config, { port: 42001 }), RangeError); // monitor
  throws(() => applyYsfCliOverrides(config, { port: 0 }), RangeError);
  throws(() => applyYsfCliOverrides(config, { httpPort: 70000 }), RangeError);
  throws(() => applyYsfCliOverrides(config, { id: 100000 }), RangeError);
  throws(() => applyYsfCliOverrides(config, { name: "" }), TypeError);
  throws(
    () => applyYsfCliOverrides(config, { name: "SEVENTEEN CHARS!!" }),
    TypeError,
  );
  throws(() => applyYsfCliOverrides(config, { description: "é" }), TypeError);
  throws(() => applyYsfCliOverrides(config, { bind: [] }), TypeError);
});

Deno.test("toYsfReflectorOptions() gives options the reflector accepts for all three formats", async () => {
  for (const path of [G4KLX_INI, PYSF_INI, PYSF_AUX_INI, SHACK_TOML]) {
    const config = await loadYsfConfig(path);
    const options = toYsfReflectorOptions(config, { now: () => 0 });
    const resolved = resolveReflectorOptions(options);
    equal(resolved.mode, config.reflector.mode, path);
    equal(resolved.acl.checkRe, config.files.checkRe, path);
    equal(resolved.aux.size, 0, path); // YsfServer binds the aux ports
    const core = new YsfReflectorCore(options, { send() {} });
    const { mode: _mode, now: _now, ...reloadable } = options;
    core.reload(reloadable);
    equal(core.snapshot().name, config.reflector.name.slice(0, 16));
  }
  deepEqual((await loadYsfConfig(SHACK_TOML)).network.auxPorts, [
    {
      port: 42010,
      dgid: 10,
      alias: { id: 12345, name: "OLD REFLECTOR", description: "Now room 10" },
    },
    { port: 42020, dgid: 20 },
  ]);
  const g4klx = resolveReflectorOptions(
    toYsfReflectorOptions(await loadYsfConfig(G4KLX_INI)),
  );
  equal(g4klx.statusId, "12345");
  equal(g4klx.protections.timeoutSeconds, 0);
});
