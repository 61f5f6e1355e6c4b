// `shack ysf reflect` as a real process: config formats, reloads, signals.
import { equal, match, ok } from "node:assert/strict";
import { probeYsfStatus } from "../../lib/ysf/probe.ts";
import { MAIN, PERMS, runShack } from "../cli/_run.ts";
import { transmission } from "./_reflector_harness.ts";
import { tag, UdpClient, until } from "./_udp_client.ts";
import { freeTcpPort, freeUdpPort } from "../_ports.ts";

interface Reflector {
  proc: Deno.ChildProcess;
  port: number;
  stderr: () => string;
  exit: Promise<{ code: number; ms: number }>;
  signalled: { at: number };
}

/** Starts `shack ysf reflect ARGS` and waits until it answers a status poll. */
async function startReflector(
  args: string[],
  port: number,
): Promise<Reflector> {
  const proc = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...PERMS, MAIN, "ysf", "reflect", ...args],
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let err = "";
  const reading = (async () => {
    for await (
      const chunk of proc.stderr.pipeThrough(new TextDecoderStream())
    ) err += chunk;
  })();
  const signalled = { at: 0 };
  const exit = Promise.all([proc.status, reading]).then(([s]) => ({
    code: s.code,
    ms: performance.now() - signalled.at,
  }));
  const deadline = performance.now() + 15_000;
  while (true) {
    try {
      await probeYsfStatus("127.0.0.1", port, { timeoutMs: 300 });
      break;
    } catch {
      if (performance.now() > deadline) {
        proc.kill("SIGKILL");
        await exit;
        throw new Error(`reflector did not start:\n${err}`);
      }
    }
  }
  return { proc, port, stderr: () => err, exit, signalled };
}

async function stop(r: Reflector, signal: Deno.Signal = "SIGTERM") {
  r.signalled.at = performance.now();
  r.proc.kill(signal);
  return await r.exit;
}

Deno.test("ysf reflect: flags only; SIGTERM with 200 linked clients and a live stream exits 0 within 1 s", async () => {
  const port = freeUdpPort();
  const httpPort = freeTcpPort();
  const r = await startReflector([
    "--bind",
    "127.0.0.1",
    "--port",
    String(port),
    "--http-port",
    String(httpPort),
    "--name",
    "CLI TEST",
  ], port);
  const clients: UdpClient[] = [];
  let streaming = true;
  try {
    // 200 gateways over 20 loopback addresses (the per-address limit is 16).
    for (let i = 0; i < 200; i++) {
      clients.push(
        new UdpClient(
          { hostname: "127.0.0.1", port },
          `127.0.1.${1 + (i % 20)}`,
        ),
      );
    }
    await Promise.all(
      clients.map((c, i) => c.link(`GW${String(i).padStart(3, "0")}X`)),
    );
    const status = await probeYsfStatus("127.0.0.1", port);
    equal(status.count, 200);
    equal(status.name, "CLI TEST");
    // A live stream: header, then a voice frame every 100 ms until the stop.
    const tx = transmission({
      dgid: 0,
      gateway: "GW000X",
      source: "G4ABC",
      count: 7,
    });
    await clients[0].send(tx.header);
    const stream = (async () => {
      for (let i = 0; streaming; i++) {
        await clients[0].send(tx.body[i % tx.body.length]).catch(() => {});
        await new Promise((res) => setTimeout(res, 100));
      }
    })();
    await until(() => clients[1].count("YSFD") >= 3, 5000, "relayed frames");
    const health = await (await fetch(`http://127.0.0.1:${httpPort}/healthz`))
      .json();
    equal(health.checks.clients.count, 200);

    const { code, ms } = await stop(r);
    streaming = false;
    await stream;
    equal(code, 0, r.stderr());
    ok(ms < 1000, `SIGTERM took ${ms.toFixed(0)} ms`);
    match(r.stderr(), /stopped .*reason=SIGTERM/);
  } finally {
    streaming = false;
    for (const c of clients) await c.close();
    try {
      r.proc.kill("SIGKILL");
    } catch {
      // already gone
    }
    await r.exit;
  }
});

Deno.test("ysf reflect: a pysfreflector.ini with a deny file; SIGHUP reloads it; SIGINT exits 0", async () => {
  const dir = await Deno.makeTempDir();
  const port = freeUdpPort();
  const jsonPort = freeUdpPort();
  await Deno.writeTextFile(`${dir}/deny.db`, "# blocked talkers\nG4ABC\n");
  await Deno.writeTextFile(
    `${dir}/pysfreflector.ini`,
    [
      "[General]",
      "Daemon=0",
      "[Info]",
      "Name=PYSF TEST",
      "Description=cli test",
      "[Log]",
      `FilePath=${dir}`,
      "FileRoot=YSFReflector",
      "FileRotate=1",
      "FileLevel=1",
      "[Network]",
      "IP=127.0.0.1",
      `Port=${port}`,
      "Json_IP=127.0.0.1",
      `Json_Port=${jsonPort}`,
      "[Block List]",
      "File=deny.db",
      "Time=5",
      "CheckRE=1",
      "[DGID]",
      "list=1,9,50",
      "default=50",
      "prefix=0",
      "database=dgid.json",
      "",
    ].join("\n"),
  );
  const r = await startReflector(
    ["--config", `${dir}/pysfreflector.ini`],
    port,
  );
  const talker = new UdpClient({ hostname: "127.0.0.1", port });
  const listener = new UdpClient({ hostname: "127.0.0.1", port });
  // pYSFReflector3's JSON monitor, as its collector3 dashboard connects to it.
  const monitor = new UdpClient({ hostname: "127.0.0.1", port: jsonPort });
  try {
    const text = (d: Uint8Array) => new TextDecoder().decode(d);
    const connok = monitor.next((d) => text(d).startsWith("CONNOK:"));
    const system = monitor.next((d) => text(d).includes('"system"'));
    await monitor.send(new TextEncoder().encode("CONNREQ"));
    await connok;
    equal(JSON.parse(text(await system)).REF_NAME, "PYSF TEST");
    await talker.link("GW1TLK");
    await listener.link("GW2LSN");
    const tx = transmission({
      dgid: 50,
      gateway: "GW1TLK",
      source: "G4ABC",
      count: 2,
    });
    for (const f of [tx.header, ...tx.body, tx.terminator]) {
      await talker.send(f);
    }
    await new Promise((res) => setTimeout(res, 300));
    equal(listener.count("YSFD"), 0, "a denied talker was relayed");
    match(r.stderr(), /transmission blocked .*reason=CS .*source=G4ABC/);

    await Deno.writeTextFile(`${dir}/deny.db`, "# nobody blocked\n");
    r.proc.kill("SIGHUP");
    await until(
      () => /rule files reloaded|configuration reloaded/.test(r.stderr()),
      5000,
      "reload",
    );
    await new Promise((res) => setTimeout(res, 1600)); // the refused gateway's 1.5 s hold
    const frames = [tx.header, ...tx.body, tx.terminator];
    for (const f of frames) await talker.send(f);
    await until(
      () => listener.count("YSFD") === frames.length,
      5000,
      "relay after reload",
    );
    const events = () =>
      monitor.received.map(text).filter((t) => t.startsWith("{")).map((t) =>
        JSON.parse(t)
      );
    await until(
      () => events().some((e) => "stream_end" in e),
      5000,
      "monitor stream_end",
    );
    ok(events().some((e) => "blocked" in e), JSON.stringify(events()));

    // A PTT on DG-ID 9 moves the talker's gateway to room 9 (and is swallowed).
    const switchTx = transmission({
      dgid: 9,
      gateway: "GW1TLK",
      source: "G4ABC",
      count: 1,
    });
    for (const f of [switchTx.header, ...switchTx.body, switchTx.terminator]) {
      await talker.send(f);
    }
    await until(
      () => /room changed .*to=9/.test(r.stderr()),
      5000,
      "room switch",
    );

    const { code } = await stop(r, "SIGINT");
    equal(code, 0, r.stderr());
    // The G4KLX/pYSF3-format log the dg9vh dashboard parses.
    const logs = [...Deno.readDirSync(dir)].filter((e) =>
      e.name.startsWith("YSFReflector")
    );
    equal(logs.length, 1, JSON.stringify(logs));
    const logText = await Deno.readTextFile(`${dir}/${logs[0].name}`);
    match(
      logText,
      /^M: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} .*Adding GW1TLK/m,
    );
    match(logText, /Received end of transmission/);
    // The room was remembered in pYSFReflector3's tinydb format on the way out.
    const db = JSON.parse(await Deno.readTextFile(`${dir}/dgid.json`));
    const rows = Object.values(db._default) as {
      gateway: string;
      dgid: string;
    }[];
    ok(
      rows.some((row) => row.gateway === "GW1TLK" && row.dgid === "9"),
      JSON.stringify(db),
    );
  } finally {
    await talker.close();
    await listener.close();
    await monitor.close();
    try {
      r.proc.kill("SIGKILL");
    } catch {
      // already gone
    }
    await r.exit;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ysf reflect: a G4KLX YSFReflector.ini gives single-room relaying", async () => {
  const dir = await Deno.makeTempDir();
  const port = freeUdpPort();
  await Deno.writeTextFile(
    `${dir}/YSFReflector.ini`,
    `[General]\nDaemon=0\n\n[Info]\nId=12345\nName=G4KLX TEST\nDescription=single room\n\n[Log]\nDisplayLevel=1\nFileLevel=0\nFilePath=.\nFileRoot=YSFReflector\n\n[Network]\nPort=${port}\nDebug=0\n\n[Block List]\nFile=BlockList.txt\nTime=5\n`,
  );
  const r = await startReflector([
    "--config",
    `${dir}/YSFReflector.ini`,
    "--bind",
    "127.0.0.1",
  ], port);
  const a = new UdpClient({ hostname: "127.0.0.1", port });
  const b = new UdpClient({ hostname: "127.0.0.1", port });
  try {
    const status = await probeYsfStatus("127.0.0.1", port);
    equal(status.id, "12345");
    equal(status.name, "G4KLX TEST");
    await a.link("GW1AAA");
    await b.link("GW2BBB");
    // Different DG-IDs and no header: single-room mode relays it all anyway.
    const tx = transmission({
      dgid: 9,
      gateway: "GW1AAA",
      source: "G4ABC",
      count: 3,
    });
    for (const f of tx.body) await a.send(f);
    await until(() => b.count("YSFD") === 3, 5000, "single-room relay");
    equal(a.count("YSFD"), 0);
    equal((await stop(r)).code, 0, r.stderr());
  } finally {
    await a.close();
    await b.close();
    try {
      r.proc.kill("SIGKILL");
    } catch {
      // already gone
    }
    await r.exit;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ysf reflect: bad configs exit 78 naming file, line and key; bad flags exit 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/YSFReflector.ini`,
      "[Info]\nName=X\n\n[Network]\nPort=abc\n",
    );
    const ini = await runShack([
      "ysf",
      "reflect",
      "--config",
      `${dir}/YSFReflector.ini`,
    ]);
    equal(ini.code, 78, ini.stderr);
    match(ini.stderr, /YSFReflector\.ini:5: Network\.Port: expected/);
    await Deno.writeTextFile(
      `${dir}/shack.toml`,
      `[ysf]\nname = "T"\nprot = 1\n`,
    );
    const toml = await runShack([
      "ysf",
      "reflect",
      "--config",
      `${dir}/shack.toml`,
    ]);
    equal(toml.code, 78, toml.stderr);
    match(toml.stderr, /shack\.toml:3: ysf\.prot/);
    const flag = await runShack(["ysf", "reflect", "--port", "70000"]);
    equal(flag.code, 2);
    match(flag.stderr, /expected a whole number from 1 to 65535/);
    const name = await runShack([
      "ysf",
      "reflect",
      "--name",
      "a name much too long",
    ]);
    equal(name.code, 2);
    match(name.stderr, /name/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("doctor --config shack.toml probes the reflector configured there", async () => {
  const dir = await Deno.makeTempDir();
  const port = freeUdpPort();
  await Deno.writeTextFile(
    `${dir}/shack.toml`,
    `[ysf]\nname = "TOML REF"\nbind = ["127.0.0.1"]\nport = ${port}\nhttp_port = ${freeTcpPort()}\n`,
  );
  const r = await startReflector(["--config", `${dir}/shack.toml`], port);
  try {
    const doc = await runShack([
      "doctor",
      "--config",
      `${dir}/shack.toml`,
      "--json",
    ]);
    const report = JSON.parse(doc.stdout);
    const check = report.checks.find((c: { name: string }) =>
      c.name === "ysf.status"
    );
    equal(check.status, "ok", doc.stdout);
    equal(check.details.reflectors[0].name, "TOML REF");
    equal(
      report.checks.find((c: { name: string }) => c.name === "config").status,
      "ok",
    );
    equal((await stop(r)).code, 0);
  } finally {
    try {
      r.proc.kill("SIGKILL");
    } catch {
      // already gone
    }
    await r.exit;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tag() helper sanity", () => {
  equal(tag(new TextEncoder().encode("YSFP")), "YSFP");
});
