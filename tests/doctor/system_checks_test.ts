import { deepEqual, equal, match, ok } from "node:assert/strict";
import { diskCheck } from "../../lib/doctor/checks/system_disk.ts";
import { memoryCheck } from "../../lib/doctor/checks/system_memory.ts";
import {
  pageSizeCheck,
  PI5_PAGE_SIZE_FIX,
} from "../../lib/doctor/checks/system_pagesize.ts";
import { piCheck } from "../../lib/doctor/checks/system_pi.ts";
import type { CommandRunner } from "../../lib/doctor/command_runner.ts";
import { signal } from "./_services.ts";

/** A fake root with /proc and /sys files and a fake vcgencmd. */
async function fakeSystem(files: Record<string, string>) {
  const dir = await Deno.makeTempDir({ prefix: "shack_doctor_sys_" });
  for (const [name, text] of Object.entries(files)) {
    const path = `${dir}/${name}`;
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(path, text);
    if (name.startsWith("bin/")) await Deno.chmod(path, 0o755);
  }
  return {
    dir,
    path: (name: string) => `${dir}/${name}`,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

const meminfo = (totalKb: number, availableKb: number) =>
  `MemTotal:       ${totalKb} kB\nMemFree:          1000 kB\nMemAvailable:   ${availableKb} kB\nBuffers: 1 kB\n`;

const noRun: CommandRunner = () =>
  Promise.reject(new Deno.errors.NotFound("no such command"));

Deno.test("system.memory reads MemAvailable from a meminfo file and warns under 10 %", async () => {
  await using sys = await fakeSystem({
    "proc/meminfo": meminfo(8_000_000, 4_000_000),
    "proc/meminfo_low": meminfo(8_000_000, 400_000),
    "proc/meminfo_bad": "nothing useful\n",
  });
  const fine = await memoryCheck({ meminfoPath: sys.path("proc/meminfo") })
    .run({ signal: signal() });
  equal(fine.status, "ok");
  equal(fine.summary, "3.8 GiB of 7.6 GiB available (50 %)");
  equal(fine.details!.source, sys.path("proc/meminfo"));

  const low = await memoryCheck({ meminfoPath: sys.path("proc/meminfo_low") })
    .run({ signal: signal() });
  equal(low.status, "warn");
  match(low.summary, /\(5 %\)/);

  const fallback = await memoryCheck({
    meminfoPath: sys.path("proc/meminfo_bad"),
    memoryInfo: () => ({ totalBytes: 1000, availableBytes: 50 }),
  }).run({ signal: signal() });
  equal(fallback.status, "warn");
  equal(fallback.details!.source, "Deno.systemMemoryInfo()");
});

Deno.test("system.memory on this machine gives figures from /proc or Deno.systemMemoryInfo()", async () => {
  const out = await memoryCheck().run({ signal: signal() });
  ok(out.status === "ok" || out.status === "warn", out.summary);
  ok((out.details!.totalBytes as number) > 0);
});

Deno.test("system.pagesize warns on 16 KB pages with the Pi 5 fix, passes 4 KB", async () => {
  await using sys = await fakeSystem({
    "proc/smaps16k":
      "55d4c000-55d4e000 r--p 00000000 08:01 1 /usr/bin/deno\nSize:                 16 kB\nKernelPageSize:       16 kB\nMMUPageSize:          16 kB\n",
    "proc/smaps4k": "Size: 4 kB\nKernelPageSize:        4 kB\n",
    "proc/model5": "Raspberry Pi 5 Model B Rev 1.0\0",
  });
  const warn = await pageSizeCheck({
    os: "linux",
    smapsPath: sys.path("proc/smaps16k"),
    modelPath: sys.path("proc/model5"),
  }).run({ signal: signal() });
  equal(warn.status, "warn");
  match(warn.summary, /^16 KB memory pages/);
  equal(warn.hint, PI5_PAGE_SIZE_FIX);
  match(warn.hint!, /kernel=kernel8\.img/);
  match(warn.hint!, /\/boot\/firmware\/config\.txt/);
  equal(warn.details!.model, "Raspberry Pi 5 Model B Rev 1.0");

  const fine = await pageSizeCheck({
    os: "linux",
    smapsPath: sys.path("proc/smaps4k"),
  }).run({ signal: signal() });
  equal(fine.status, "ok");
  equal(fine.summary, "4 KB pages");
});

Deno.test("system.pagesize falls back to getconf, then to the kernel release", async () => {
  const getconf: CommandRunner = (command, args) =>
    Promise.resolve(
      command === "getconf" && args[0] === "PAGESIZE"
        ? { code: 0, stdout: "16384\n", stderr: "" }
        : { code: 1, stdout: "", stderr: "" },
    );
  const viaGetconf = await pageSizeCheck({
    os: "linux",
    arch: "aarch64",
    smapsPath: "/nonexistent/smaps",
    modelPath: "/nonexistent/model",
    run: getconf,
    osRelease: () => "6.12.0-generic",
  }).run({ signal: signal() });
  equal(viaGetconf.status, "warn");
  equal(viaGetconf.details!.source, "getconf PAGESIZE");
  match(viaGetconf.hint!, /^Boot a kernel built with 4 KB pages/);

  const viaRelease = await pageSizeCheck({
    os: "linux",
    arch: "aarch64",
    smapsPath: "/nonexistent/smaps",
    modelPath: "/nonexistent/model",
    run: noRun,
    osRelease: () => "6.6.51+rpt-rpi-2712",
  }).run({ signal: signal() });
  equal(viaRelease.status, "warn");
  equal(viaRelease.hint, PI5_PAGE_SIZE_FIX);

  const unknown = await pageSizeCheck({
    os: "linux",
    arch: "aarch64",
    smapsPath: "/nonexistent/smaps",
    run: noRun,
    osRelease: () => "6.12.0-generic",
  }).run({ signal: signal() });
  equal(unknown.status, "skip");

  const x86 = await pageSizeCheck({
    os: "linux",
    arch: "x86_64",
    smapsPath: "/nonexistent/smaps",
    run: noRun,
    osRelease: () => "6.12.0-generic",
  }).run({ signal: signal() });
  equal(x86.status, "ok");
  equal(x86.details!.source, "x86_64 architecture");
});

Deno.test("system.pi decodes a fake vcgencmd and the thermal zone", async () => {
  await using sys = await fakeSystem({
    "proc/model": "Raspberry Pi 4 Model B Rev 1.4\0",
    "sys/temp_ok": "48312\n",
    "sys/temp_hot": "82100\n",
    "bin/vcgencmd_ok": 'echo "throttled=0x0"',
    "bin/vcgencmd_past": 'echo "throttled=0x50000"',
    "bin/vcgencmd_now": 'echo "throttled=0x50005"',
    "bin/vcgencmd_temp":
      '[ "$1" = measure_temp ] && echo "temp=61.3\'C" || echo "throttled=0x0"',
  });
  const run = (vc: string, temp: string) =>
    piCheck({
      modelPath: sys.path("proc/model"),
      thermalPath: sys.path(temp),
      vcgencmd: sys.path(`bin/${vc}`),
    }).run({ signal: signal() });

  const fine = await run("vcgencmd_ok", "sys/temp_ok");
  equal(fine.status, "ok");
  equal(fine.summary, "Raspberry Pi 4 Model B Rev 1.4, 48.3 °C, power ok");

  const hot = await run("vcgencmd_ok", "sys/temp_hot");
  equal(hot.status, "warn");
  match(hot.summary, /82\.1 °C/);
  match(hot.hint!, /heatsink or fan/);

  const past = await run("vcgencmd_past", "sys/temp_ok");
  equal(past.status, "warn");
  match(past.summary, /under-voltage since boot, throttled since boot/);
  match(past.hint!, /official supply/);

  const now = await run("vcgencmd_now", "sys/temp_ok");
  equal(now.status, "fail");
  match(now.summary, /under-voltage now, throttled now/);
  deepEqual(
    (now.details!.throttled as { raw: number }).raw,
    0x50005,
  );

  // No thermal file: the temperature comes from vcgencmd measure_temp.
  const measured = await run("vcgencmd_temp", "sys/missing");
  equal(measured.status, "ok");
  match(measured.summary, /61\.3 °C/);

  // No vcgencmd at all: still the temperature.
  const noVc = await run("vcgencmd_missing", "sys/temp_ok");
  equal(noVc.status, "ok");
  match(noVc.summary, /48\.3 °C, throttling unknown/);
  match(noVc.details!.throttledError as string, /not found/);
});

Deno.test("system.pi skips when the model is not a Raspberry Pi", async () => {
  await using sys = await fakeSystem({ "proc/model": "Generic x86 board\0" });
  const out = await piCheck({
    modelPath: sys.path("proc/model"),
    run: noRun,
  }).run({ signal: signal() });
  equal(out.status, "skip");
  equal(out.summary, "not a Raspberry Pi");
});

Deno.test("system.disk warns under 10 % and fails under 2 % free, one row per file system", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const at = (percent: number) =>
      diskCheck({
        dirs: [dir, dir, "/nonexistent/data"],
        statfs: () =>
          Promise.resolve({
            totalBytes: 1000 * 1024 ** 2,
            freeBytes: percent * 10 * 1024 ** 2,
          }),
      }).run({ signal: signal() });
    const fine = await at(50);
    equal(fine.status, "ok");
    equal(fine.summary, `${dir} 50 % free (500.0 MiB of 1000.0 MiB)`);
    equal((fine.details!.filesystems as unknown[]).length, 1);
    equal((await at(5)).status, "warn");
    const full = await at(1);
    equal(full.status, "fail");
    match(full.hint!, /Free some space/);

    const real = await diskCheck({ dirs: [dir] }).run({ signal: signal() });
    ok(["ok", "warn", "fail"].includes(real.status), real.summary);
    ok(
      (real.details!.filesystems as { totalBytes: number }[])[0].totalBytes >
        0,
    );
  } finally {
    await Deno.remove(dir);
  }
});
