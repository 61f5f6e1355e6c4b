import { deepEqual, equal, throws } from "node:assert/strict";
import {
  parseTarget,
  readConfiguredServices,
  serviceWanted,
} from "../../lib/doctor/service_targets.ts";

Deno.test("parseTarget() normalises HTTP targets and validates UDP ones", () => {
  deepEqual(parseTarget("sdr=http://pi.local:9002/"), {
    kind: "sdr",
    address: "http://pi.local:9002",
    source: "command line",
  });
  equal(parseTarget("bridge=10.0.0.5:34400").address, "http://10.0.0.5:34400");
  equal(parseTarget("audio=https://x.example").address, "https://x.example");
  equal(parseTarget("ysf=127.0.0.1:42000").address, "127.0.0.1:42000");
  equal(parseTarget("audio-osc=localhost").address, "localhost");
  throws(() => parseTarget("sdr=ftp://x"), /expected an http or https URL/);
  throws(() => parseTarget("ysf=host:99999"), /expected ysf=HOST:PORT/);
  throws(() => parseTarget("ysf="), /expected KIND=ADDRESS/);
  throws(() => parseTarget("=x"), /expected KIND=ADDRESS/);
});

Deno.test("readConfiguredServices() reads [ysf] and [sdr] from the schema and [audio]/[bridge] tolerantly", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/shack.toml`;
    await Deno.writeTextFile(
      path,
      [
        "[ysf]",
        'name = "TEST"',
        'bind = ["0.0.0.0", "::"]',
        "port = 42001",
        "[sdr]",
        'bind = "::"',
        "port = 9100",
        "[sdr.input]",
        'source = "rtl_tcp:127.0.0.1:1234"',
        "[audio]",
        'http_host = "127.0.0.1"',
        "http_port = 8091",
        "osc_port = 57120",
        'record_dir = "audio-data"',
        "[bridge]",
        'bind = "192.168.1.10"',
        "port = 5004",
        'data_dir = "/var/lib/shack/bridge"',
      ].join("\n"),
    );
    const found = await readConfiguredServices(path);
    deepEqual(found.targets, [
      {
        kind: "ysf",
        address: "127.0.0.1:42001",
        source: "config",
        bind: "0.0.0.0",
      },
      {
        kind: "sdr",
        address: "http://[::1]:9100",
        source: "config",
        bind: "::",
      },
      {
        kind: "audio",
        address: "http://127.0.0.1:8091",
        source: "config",
        bind: "127.0.0.1",
      },
      {
        kind: "audio-osc",
        address: "127.0.0.1:57120",
        source: "config",
        bind: "127.0.0.1",
      },
      {
        kind: "bridge",
        address: "http://192.168.1.10:5004",
        source: "config",
        bind: "192.168.1.10",
      },
    ]);
    deepEqual([...found.kinds], ["ysf", "sdr", "audio", "bridge"]);
    equal(found.sdrSource, "rtl_tcp:127.0.0.1:1234");
    deepEqual(found.dataDirs, [`${dir}/audio-data`, "/var/lib/shack/bridge"]);

    // Defaults for sections without ports; port 0 (any free port) cannot be probed.
    await Deno.writeTextFile(path, "[audio]\n[bridge]\n[sdr]\nport = 0\n");
    const defaults = await readConfiguredServices(path);
    deepEqual(defaults.targets.map((t) => t.address), [
      "http://127.0.0.1:5080",
      "127.0.0.1:5005",
      "http://127.0.0.1:34400",
    ]);
    // http_port = 0: the engine has no HTTP server, only OSC is probed.
    await Deno.writeTextFile(
      path,
      '[audio]\nhttp_port = 0\nosc_host = "::1"\n',
    );
    deepEqual((await readConfiguredServices(path)).targets, [
      {
        kind: "audio-osc",
        address: "[::1]:5005",
        source: "config",
        bind: "::1",
      },
    ]);
    equal(defaults.kinds.has("sdr"), true);

    // Invalid sections are left out; a file that does not parse configures nothing.
    await Deno.writeTextFile(path, "[ysf]\nport = 99999\n[bridge]\n");
    deepEqual((await readConfiguredServices(path)).targets.map((t) => t.kind), [
      "bridge",
    ]);
    await Deno.writeTextFile(path, "[ysf\n");
    equal((await readConfiguredServices(path)).targets.length, 0);
    equal(
      (await readConfiguredServices(`${dir}/missing.toml`)).targets.length,
      0,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serviceWanted() is true for configured kinds, targets, or a bare run", () => {
  equal(serviceWanted("sdr", {}), true);
  equal(serviceWanted("sdr", { configPath: "/etc/shack/shack.toml" }), false);
  equal(
    serviceWanted("sdr", {
      configPath: "/etc/shack/shack.toml",
      configuredKinds: new Set(["sdr"]),
    }),
    true,
  );
  equal(
    serviceWanted("bridge", {
      targets: [{ kind: "sdr", address: "http://h:1", source: "command line" }],
    }),
    false,
  );
});
