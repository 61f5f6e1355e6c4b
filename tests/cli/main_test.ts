import { equal, match, ok } from "node:assert/strict";
import { runShack, spawnShack } from "./_run.ts";
import { VERSION } from "../../lib/version.ts";

Deno.test("shack --help lists the commands, env vars and examples, exit 0", async () => {
  const r = await runShack(["--help"]);
  equal(r.code, 0);
  match(r.stdout, /Usage: shack/);
  match(r.stdout, /doctor/);
  match(r.stdout, /completions/);
  match(r.stdout, /Examples:/);
  const d = await runShack(["doctor", "--help"]);
  equal(d.code, 0);
  match(d.stdout, /env:\s+SHACK_CONFIG/);
  match(d.stdout, /env:\s+SHACK_LOG_LEVEL/);
  match(d.stdout, /choices: "debug", "info",\s+"warn", "error"/);
  match(d.stdout, /Exit codes: 0 all ok, 1 warnings, 2 failures, 78/);
});

Deno.test("shack --version prints the version, exit 0", async () => {
  const r = await runShack(["--version"]);
  equal(r.code, 0);
  equal(r.stdout.trim(), VERSION);
});

Deno.test("shack without arguments prints help and exits 2", async () => {
  const r = await runShack([]);
  equal(r.code, 2);
  match(r.stdout + r.stderr, /Usage: shack/);
});

Deno.test("usage errors exit 2 with a message", async () => {
  const cases: [string[], RegExp][] = [
    [["frobnicate"], /unknown command 'frobnicate'/],
    [["doctor", "--frob"], /unknown option '--frob'/],
    [["doctor", "--log-level", "loud"], /argument 'loud' is invalid/],
    [
      ["doctor", "--timeout", "-1"],
      /expected a number of seconds greater than 0/,
    ],
    [["doctor", "--check", "nope"], /unknown check "nope"/],
    [["completions", "tcsh"], /'tcsh' is invalid/],
  ];
  for (const [args, pattern] of cases) {
    const r = await runShack(args);
    equal(r.code, 2, `${args.join(" ")}: exit ${r.code}\n${r.stderr}`);
    match(r.stderr, pattern);
  }
});

Deno.test("an invalid SHACK_ env value is a usage error too", async () => {
  const r = await runShack(["doctor"], { env: { SHACK_LOG_LEVEL: "loud" } });
  equal(r.code, 2);
  match(r.stderr, /loud/);
});

Deno.test("shack doctor --json prints a versioned report", async () => {
  const r = await runShack(["doctor", "--json"]);
  ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
  const doc = JSON.parse(r.stdout);
  equal(doc.schema, "shack.doctor/v1");
  equal(doc.version, VERSION);
  equal(doc.exitCode, r.code);
  const names = doc.checks.map((c: { name: string }) => c.name);
  ok(names.includes("runtime.deno"));
  ok(names.includes("runtime.permissions"));
  equal(
    doc.checks.find((c: { name: string }) => c.name === "config").status,
    "skip",
  );
});

Deno.test("shack doctor --check selects checks; --quiet hides ok rows", async () => {
  const r = await runShack(["doctor", "--check", "runtime.deno"]);
  equal(r.code, 0, r.stderr);
  match(r.stdout, /✓ runtime\.deno +deno \d/);
  ok(!r.stdout.includes("runtime.permissions"));
  const q = await runShack(["doctor", "--check", "runtime.deno", "--quiet"]);
  equal(q.code, 0);
  equal(q.stdout.trim(), "");
});

Deno.test("shack doctor with a bad config exits 78 naming the file and key", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bad = `${dir}/shack.toml`;
    await Deno.writeTextFile(bad, `[log]\nlevel = "loud"\n`);
    const r = await runShack(["doctor", "--config", bad]);
    equal(r.code, 78, r.stdout + r.stderr);
    match(r.stdout, /shack\.toml/);
    match(r.stdout, /log\.level/);
    match(r.stdout, /loud/);
    const env = await runShack(["doctor", "--json"], {
      env: { SHACK_CONFIG: bad },
    });
    equal(env.code, 78);
    equal(JSON.parse(env.stdout).exitCode, 78);
    const missing = await runShack(["doctor", "--config", `${dir}/nope.toml`]);
    equal(missing.code, 78);
    match(missing.stdout, /nope\.toml/);
    await Deno.writeTextFile(bad, `[log]\nlevel = "debug"\n`);
    const good = await runShack([
      "doctor",
      "--config",
      bad,
      "--check",
      "config",
    ]);
    equal(good.code, 0, good.stdout);
    match(good.stdout, /✓ config/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shack doctor --watch: SIGHUP re-runs, SIGTERM exits 0 within 2 s", async () => {
  const child = spawnShack([
    "doctor",
    "--watch",
    "60",
    "--check",
    "runtime.deno",
  ]);
  await child.waitFor(/OK: 1 ok/);
  child.proc.kill("SIGHUP");
  await child.waitFor(/OK: 1 ok/, 2);
  const sent = performance.now();
  child.proc.kill("SIGTERM");
  const r = await child.finish();
  const elapsed = performance.now() - sent;
  equal(r.code, 0, r.stderr);
  ok(elapsed < 2000, `SIGTERM took ${elapsed} ms`);
});

Deno.test("shack doctor --watch: SIGINT exits 0", async () => {
  const child = spawnShack([
    "doctor",
    "--watch",
    "60",
    "--check",
    "runtime.deno",
    "--json",
  ]);
  await child.waitFor(/"schema":"shack.doctor\/v1"/);
  child.proc.kill("SIGINT");
  const r = await child.finish();
  equal(r.code, 0, r.stderr);
  equal(JSON.parse(r.stdout.trim().split("\n")[0]).status, "ok");
});

Deno.test("every doctor option has a SHACK_ env var; boolean env vars honour 0/false", async () => {
  const help = await runShack(["doctor", "--help"]);
  for (
    const name of [
      "SHACK_DOCTOR_JSON",
      "SHACK_DOCTOR_QUIET",
      "SHACK_DOCTOR_CHECK",
      "SHACK_DOCTOR_WATCH",
    ]
  ) {
    match(help.stdout, new RegExp(`env:\\s+${name}`));
  }
  const json = await runShack(["doctor"], {
    env: { SHACK_DOCTOR_JSON: "1", SHACK_DOCTOR_CHECK: "runtime.deno,config" },
  });
  equal(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout);
  equal(
    doc.checks.map((c: { name: string }) => c.name).join(","),
    "runtime.deno,config",
  );
  const text = await runShack(["doctor", "--check", "runtime.deno"], {
    env: { SHACK_DOCTOR_JSON: "0" },
  });
  equal(text.code, 0, text.stderr);
  match(text.stdout, /^✓ runtime\.deno/m);
});
