import { deepEqual, equal, match, ok } from "node:assert/strict";
import { toolChecks } from "../../lib/doctor/checks/tools.ts";
import { findExecutable, runCommand } from "../../lib/doctor/command_runner.ts";
import type { Check, CheckContext } from "../../lib/doctor/types.ts";
import { freeTcpPort, signal } from "./_services.ts";

/** A temp dir with fake executables (shell scripts) and a place for a config. */
async function toolbox(scripts: Record<string, string>) {
  const dir = await Deno.makeTempDir({ prefix: "shack_doctor_tools_" });
  let configs = 0;
  await Deno.mkdir(`${dir}/bin`);
  for (const [name, body] of Object.entries(scripts)) {
    await Deno.writeTextFile(`${dir}/bin/${name}`, `#!/bin/sh\n${body}\n`);
    await Deno.chmod(`${dir}/bin/${name}`, 0o755);
  }
  return {
    dir,
    bin: `${dir}/bin`,
    /** Writes a config file (a new name each time). */
    async config(text: string) {
      const path = `${dir}/shack_${++configs}.toml`;
      await Deno.writeTextFile(path, text);
      return path;
    },
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

function byName(checks: Check[], name: string): Check {
  return checks.find((c) => c.name === name)!;
}

const ctx = (extra: Partial<CheckContext> = {}): CheckContext => ({
  signal: signal(),
  ...extra,
});

Deno.test("tools.ffmpeg and tools.audio find fake tools on the search path with their versions", async () => {
  await using box = await toolbox({
    ffmpeg:
      'echo "ffmpeg version 6.1.1-3+deb12u1 Copyright (c) 2000-2023 the FFmpeg developers"',
    "pw-cat": 'echo "pw-cat"; echo "Compiled with libpipewire 1.0.5"',
    aplay: 'echo "aplay: version 1.2.8 by Jaroslav Kysela" >&2; exit 1',
    "not-executable": "true",
  });
  await Deno.chmod(`${box.bin}/not-executable`, 0o644);
  const checks = toolChecks({ searchPath: `/nonexistent:${box.bin}` });
  const ffmpeg = await byName(checks, "tools.ffmpeg").run(ctx());
  equal(ffmpeg.status, "ok");
  equal(ffmpeg.summary, `ffmpeg 6.1.1-3+deb12u1 (${box.bin}/ffmpeg)`);
  equal(ffmpeg.details!.versionLine, "ffmpeg version 6.1.1-3+deb12u1");

  const audio = await byName(checks, "tools.audio").run(ctx());
  equal(audio.status, "ok");
  equal(
    audio.summary,
    `pw-cat 1.0.5 (${box.bin}/pw-cat), aplay 1.2.8 (${box.bin}/aplay)`,
  );
  deepEqual(
    (audio.details!.players as { name: string; path?: string }[]).map((p) =>
      p.path !== undefined
    ),
    [true, false, true],
  );
  equal(
    await findExecutable("not-executable", { searchPath: box.bin }),
    undefined,
  );
});

Deno.test("missing tools warn when their service is configured (or nothing is) and skip otherwise", async () => {
  await using box = await toolbox({});
  const checks = toolChecks({ searchPath: box.bin });
  // A bare doctor run (no config, no targets) looks for everything.
  for (const name of ["tools.ffmpeg", "tools.audio", "tools.rtl_sdr"]) {
    equal((await byName(checks, name).run(ctx())).status, "warn", name);
  }
  // Only a reflector is configured: the other services' tools are not needed.
  const ysfOnly = await box.config('[ysf]\nname = "X"\n');
  for (const name of ["tools.ffmpeg", "tools.audio", "tools.rtl_sdr"]) {
    const out = await byName(checks, name).run(ctx({ configPath: ysfOnly }));
    equal(out.status, "skip", `${name}: ${out.summary}`);
    match(out.summary, /not needed/);
  }
  // [bridge] and [audio] sections (no schema yet) make ffmpeg and a player needed.
  const both = await box.config(
    "[bridge]\nport = 5004\n[audio]\nosc_port = 5005\n",
  );
  const ffmpeg = await byName(checks, "tools.ffmpeg").run(
    ctx({ configPath: both }),
  );
  equal(ffmpeg.status, "warn");
  match(ffmpeg.hint!, /apt install ffmpeg/);
  equal(
    (await byName(checks, "tools.audio").run(ctx({ configPath: both })))
      .status,
    "warn",
  );
  // A command-line target counts too.
  equal(
    (await byName(checks, "tools.audio").run(ctx({
      targets: [{
        kind: "audio-osc",
        address: "127.0.0.1:5005",
        source: "command line",
      }],
    }))).status,
    "warn",
  );
});

Deno.test("tools.rtl_sdr follows [sdr.input] source: stdin needs rtl_sdr, rtl_tcp needs the endpoint", async () => {
  await using box = await toolbox({});
  const checks = toolChecks({ searchPath: box.bin });
  const rtl = byName(checks, "tools.rtl_sdr");

  const stdin = await box.config('[sdr.input]\nsource = "stdin"\n');
  const missing = await rtl.run(ctx({ configPath: stdin }));
  equal(missing.status, "warn");
  match(missing.hint!, /apt install rtl-sdr/);

  const synthetic = await box.config("[sdr]\nport = 9002\n");
  equal((await rtl.run(ctx({ configPath: synthetic }))).status, "skip");

  await Deno.writeTextFile(`${box.bin}/rtl_sdr`, "#!/bin/sh\n");
  await Deno.chmod(`${box.bin}/rtl_sdr`, 0o755);
  const found = await rtl.run(ctx({ configPath: stdin }));
  equal(found.status, "ok");
  equal(found.summary, `rtl_sdr (${box.bin}/rtl_sdr)`);

  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  try {
    const live = await box.config(
      `[sdr.input]\nsource = "rtl_tcp:127.0.0.1:${port}"\n`,
    );
    const up = await rtl.run(ctx({ configPath: live }));
    equal(up.status, "ok", up.summary);
    equal(up.summary, `rtl_tcp 127.0.0.1:${port} accepts connections`);
  } finally {
    listener.close();
  }
  const deadPort = freeTcpPort();
  const dead = await box.config(
    `[sdr.input]\nsource = "rtl_tcp:127.0.0.1:${deadPort}"\n`,
  );
  const down = await rtl.run(ctx({ configPath: dead }));
  equal(down.status, "warn");
  match(down.summary, /refused/i);
  match(down.hint!, new RegExp(`rtl_tcp -a 127\\.0\\.0\\.1 -p ${deadPort}`));
});

Deno.test("runCommand() kills a command that outlives its timeout and bounds its output", async () => {
  const started = performance.now();
  const slow = await runCommand("sh", ["-c", "sleep 5"], { timeoutMs: 200 });
  ok(slow.code !== 0);
  ok(performance.now() - started < 2000, "the command was not killed");
  const loud = await runCommand("sh", ["-c", "head -c 100000 /dev/zero"], {
    maxBytes: 1000,
  });
  equal(loud.stdout.length, 1000);
});
