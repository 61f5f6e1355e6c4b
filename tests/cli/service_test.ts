import { doesNotMatch, equal, match, ok, throws } from "node:assert/strict";
import {
  denoPermissionFlags,
  quoteExecArg,
  SERVICE_UNITS,
  systemdUnit,
  unitFileName,
} from "../../lib/service/systemd_unit.ts";
import { runShack } from "./_run.ts";

const SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze";

async function haveSystemdAnalyze(): Promise<boolean> {
  try {
    return (await Deno.stat(SYSTEMD_ANALYZE)).isFile;
  } catch {
    return false;
  }
}

/** Runs `systemd-analyze verify` on a unit; returns its exit code and output. */
async function verify(dir: string, name: string, text: string) {
  await Deno.writeTextFile(`${dir}/${name}`, text);
  const out = await new Deno.Command(SYSTEMD_ANALYZE, {
    args: ["verify", `${dir}/${name}`],
    env: { SYSTEMD_LOG_COLOR: "0", SYSTEMD_PAGER: "" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    output: dec.decode(out.stdout) + dec.decode(out.stderr),
  };
}

Deno.test("systemdUnit() hardens every service and never sets MemoryDenyWriteExecute", () => {
  for (const service of SERVICE_UNITS) {
    const unit = systemdUnit(service);
    for (
      const line of [
        "After=network-online.target",
        "Wants=network-online.target",
        "DynamicUser=yes",
        "ConfigurationDirectory=shack",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "NoNewPrivileges=yes",
        "CapabilityBoundingSet=",
        "Restart=on-failure",
        "RestartSec=2",
        "TimeoutStopSec=5",
        "KillSignal=SIGTERM",
        "WantedBy=multi-user.target",
      ]
    ) {
      ok(unit.split("\n").includes(line), `${service}: no ${line}`);
    }
    match(unit, /^RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6/m);
    match(
      unit,
      new RegExp(
        `^StateDirectory=${service === "up" ? "shack" : `shack/${service}`}$`,
        "m",
      ),
    );
    doesNotMatch(unit, /^MemoryDenyWriteExecute/m);
    doesNotMatch(unit, /^AmbientCapabilities/m);
  }
  match(
    systemdUnit("ysf"),
    /^ExecStart=\/usr\/local\/bin\/shack ysf reflect --config \/etc\/shack\/shack\.toml$/m,
  );
  match(systemdUnit("sdr"), /^ExecStart=\/usr\/local\/bin\/shack sdr serve /m);
  match(systemdUnit("bridge"), /^ExecStart=\S+ bridge serve /m);
  match(systemdUnit("up"), /^ExecStart=\S+ up --config /m);
  const audio = systemdUnit("audio");
  match(audio, /^ExecStart=\S+ audio run /m);
  match(audio, /^SupplementaryGroups=audio$/m);
  match(audio, /^DeviceAllow=char-alsa rw$/m);
  match(audio, /^KillMode=mixed$/m);
  doesNotMatch(audio, /^PrivateDevices=/m);
  doesNotMatch(audio, /^RestrictRealtime=/m);
  match(systemdUnit("ysf"), /^PrivateDevices=yes$/m);
  match(systemdUnit("bridge"), /^RestrictAddressFamilies=.*AF_NETLINK$/m);
  equal(unitFileName("ysf"), "shack-ysf.service");
});

Deno.test("systemdUnit() options: a dedicated user, low ports, a bundle with minimal permissions", () => {
  const user = systemdUnit("sdr", { user: "shack", restartSec: 10 });
  match(user, /^User=shack$/m);
  match(user, /^Group=shack$/m);
  doesNotMatch(user, /^DynamicUser/m);
  match(user, /^RestartSec=10$/m);

  const low = systemdUnit("bridge", { lowPorts: true });
  match(low, /^CapabilityBoundingSet=CAP_NET_BIND_SERVICE$/m);
  match(low, /^AmbientCapabilities=CAP_NET_BIND_SERVICE$/m);

  const script = systemdUnit("bridge", {
    script: "/opt/shack/shack.js",
    exec: "/usr/bin/deno",
    config: "/etc/shack/my shack.toml",
  });
  match(
    script,
    /^ExecStart=\/usr\/bin\/deno run --unstable-net --allow-env=SHACK_\*,NO_COLOR --allow-net --allow-read=\/etc\/shack,\/var\/lib\/shack\/bridge --allow-write=\/var\/lib\/shack\/bridge --allow-run=ffmpeg --allow-sys=networkInterfaces,hostname \/opt\/shack\/shack\.js bridge serve --config "\/etc\/shack\/my shack\.toml"$/m,
  );
  match(script, /^CacheDirectory=shack\/bridge$/m);
  match(script, /^Environment=DENO_DIR=%C\/shack\/bridge /m);
  match(
    denoPermissionFlags("audio", { exec: "/usr/local/bin/shack" }).join(" "),
    /--allow-run=\/usr\/local\/bin\/shack,pw-cat,pacat,aplay/,
  );
  equal(quoteExecArg('say "hi" $HOME'), '"say \\"hi\\" $$HOME"');
  throws(() => systemdUnit("ysf", { user: "Root User" }), TypeError);
  throws(() => systemdUnit("ysf", { restartSec: 0 }), RangeError);
  throws(() => systemdUnit("ysf", { args: ["a\nb"] }), TypeError);
});

Deno.test("every unit passes systemd-analyze verify", async () => {
  if (!(await haveSystemdAnalyze())) {
    console.log(
      `skipped: ${SYSTEMD_ANALYZE} is not installed (apt install systemd)`,
    );
    return;
  }
  const dir = await Deno.makeTempDir({ prefix: "shack_units_" });
  try {
    // verify insists that ExecStart's program exists and is executable.
    const exec = `${dir}/shack`;
    await Deno.writeTextFile(exec, "#!/bin/sh\nexit 0\n");
    await Deno.chmod(exec, 0o755);
    const variants = SERVICE_UNITS.flatMap((service) => [
      { service, options: { exec } },
      { service, options: { exec, user: "shack", lowPorts: true } },
      { service, options: { exec, script: "/opt/shack/shack.js" } },
    ]);
    for (const { service, options } of variants) {
      const text = systemdUnit(service, options);
      const result = await verify(dir, unitFileName(service), text);
      equal(
        result.code,
        0,
        `${service} ${JSON.stringify(options)}:\n${result.output}`,
      );
      // verify only warns about unknown keys and bad values: treat any remark as a failure.
      equal(
        result.output.trim(),
        "",
        `${service} ${JSON.stringify(options)}:\n${result.output}`,
      );
    }
    // The check can fail: a unit with a typo is reported.
    const broken = await verify(
      dir,
      "shack-broken.service",
      systemdUnit("ysf", { exec }).replace(
        "ProtectSystem=strict",
        "ProtectSystem=stricter",
      ),
    );
    match(broken.output, /protect system value/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shack service unit prints a unit; unknown services are usage errors", async () => {
  const r = await runShack([
    "service",
    "unit",
    "ysf",
    "--exec",
    "/opt/shack/bin/shack",
  ]);
  equal(r.code, 0, r.stderr);
  match(
    r.stdout,
    /^ExecStart=\/opt\/shack\/bin\/shack ysf reflect --config \/etc\/shack\/shack\.toml$/m,
  );
  ok(r.stdout.endsWith("WantedBy=multi-user.target\n"));

  const bad = await runShack(["service", "unit", "tv"]);
  equal(bad.code, 2);
  match(bad.stderr, /Allowed choices are ysf, sdr, audio, bridge, up/);
  const relative = await runShack([
    "service",
    "unit",
    "sdr",
    "--exec",
    "shack",
  ]);
  equal(relative.code, 2);
  match(relative.stderr, /expected an absolute path/);
});

Deno.test("shack service unit grants CAP_NET_BIND_SERVICE when the local config uses a port below 1024", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/shack.toml`,
      "[bridge]\nport = 80\n[sdr]\nport = 9002\n",
    );
    const bridge = await runShack([
      "service",
      "unit",
      "bridge",
      "--config",
      `${dir}/shack.toml`,
    ]);
    equal(bridge.code, 0, bridge.stderr);
    match(bridge.stdout, /^AmbientCapabilities=CAP_NET_BIND_SERVICE$/m);
    const sdr = await runShack([
      "service",
      "unit",
      "sdr",
      "--config",
      `${dir}/shack.toml`,
    ]);
    doesNotMatch(sdr.stdout, /^AmbientCapabilities/m);
    const up = await runShack([
      "service",
      "unit",
      "up",
      "--config",
      `${dir}/shack.toml`,
    ]);
    match(up.stdout, /^AmbientCapabilities=CAP_NET_BIND_SERVICE$/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
