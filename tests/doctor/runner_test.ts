import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { runChecks } from "../../lib/doctor/runner.ts";
import { renderJson, renderTable } from "../../lib/doctor/render.ts";
import {
  compareVersions,
  judgeDenoVersion,
} from "../../lib/doctor/checks/runtime.ts";
import { defaultChecks } from "../../lib/doctor/checks/mod.ts";
import { selectChecks } from "../../cli/doctor.ts";
import type { Check } from "../../lib/doctor/types.ts";

const okCheck = (name: string): Check => ({
  name,
  description: name,
  run: () => ({ status: "ok", summary: "fine" }),
});

Deno.test("runChecks() folds statuses into exit codes 0, 1, 2 and 78", async () => {
  equal((await runChecks([okCheck("a")])).exitCode, 0);
  const warn: Check = {
    name: "w",
    description: "",
    run: () => ({ status: "warn", summary: "" }),
  };
  const fail: Check = {
    name: "f",
    description: "",
    run: () => ({ status: "fail", summary: "" }),
  };
  const cfg: Check = {
    name: "c",
    description: "",
    run: () => ({ status: "fail", summary: "", configError: true }),
  };
  const skip: Check = {
    name: "s",
    description: "",
    run: () => ({ status: "skip", summary: "" }),
  };
  equal((await runChecks([okCheck("a"), skip])).exitCode, 0);
  equal((await runChecks([okCheck("a"), warn])).exitCode, 1);
  equal((await runChecks([warn, fail])).exitCode, 2);
  equal((await runChecks([warn, fail, cfg])).exitCode, 78);
  equal((await runChecks([warn, fail])).status, "fail");
});

Deno.test("runChecks() turns a throwing check into a failure", async () => {
  const report = await runChecks([{
    name: "boom",
    description: "",
    run: () => {
      throw new Error("socket refused");
    },
  }]);
  equal(report.checks[0].status, "fail");
  equal(report.checks[0].summary, "socket refused");
});

Deno.test("runChecks() enforces each check's timeout and aborts its signal", async () => {
  let aborted = false;
  const hanging: Check = {
    name: "hang",
    description: "",
    timeoutMs: 50,
    run: (ctx) =>
      new Promise(() => {
        ctx.signal.addEventListener("abort", () => {
          aborted = true;
        });
      }),
  };
  const started = performance.now();
  const report = await runChecks([hanging, okCheck("quick")]);
  const elapsed = performance.now() - started;
  equal(report.checks[0].status, "fail");
  match(report.checks[0].summary, /timed out after 50 ms/);
  equal(report.checks[1].status, "ok");
  ok(elapsed < 2000, `took ${elapsed} ms`);
  await new Promise((r) => setTimeout(r, 10));
  ok(aborted, "the check's signal was not aborted");
});

Deno.test("runChecks() runs checks concurrently", async () => {
  const slow = (name: string): Check => ({
    name,
    description: "",
    run: () =>
      new Promise((r) =>
        setTimeout(() => r({ status: "ok", summary: "" }), 300)
      ),
  });
  const started = performance.now();
  const report = await runChecks([slow("a"), slow("b"), slow("c"), slow("d")]);
  const elapsed = performance.now() - started;
  deepEqual(report.checks.map((c) => c.name), ["a", "b", "c", "d"]);
  ok(elapsed < 1000, `4 x 300 ms checks took ${elapsed} ms: not concurrent`);
});

Deno.test("renderTable() shows symbols, hints and a verdict; quiet hides ok rows", async () => {
  const report = await runChecks([
    okCheck("runtime.deno"),
    {
      name: "disk",
      description: "",
      run: () => ({
        status: "warn",
        summary: "92% used",
        hint: "free some space",
      }),
    },
  ]);
  const text = renderTable(report);
  match(text, /^✓ runtime\.deno {2}fine$/m);
  match(text, /^⚠ disk {10}92% used$/m);
  match(text, /^ +free some space$/m);
  match(text, /^WARN: 1 ok, 1 warning, 0 failed, 0 skipped/m);
  const quiet = renderTable(report, { quiet: true });
  ok(!quiet.includes("runtime.deno"));
  ok(!renderTable(report).includes("\x1b["));
  ok(renderTable(report, { color: true }).includes("\x1b[33m⚠"));
  equal(JSON.parse(renderJson(report)).checks[1].hint, "free some space");
});

Deno.test("judgeDenoVersion() and compareVersions()", () => {
  equal(compareVersions("2.10.0", "2.9.5") > 0, true);
  equal(compareVersions("2.9.5-rc.1", "2.9.5"), 0);
  equal(judgeDenoVersion("2.9.4").status, "fail");
  equal(judgeDenoVersion("2.9.6").status, "ok");
  equal(judgeDenoVersion("3.1.0").status, "warn");
});

Deno.test("selectChecks() picks by name or group prefix and rejects unknown names", () => {
  const all = defaultChecks();
  deepEqual(selectChecks(all, ["runtime"]).map((c) => c.name), [
    "runtime.deno",
    "runtime.permissions",
  ]);
  deepEqual(selectChecks(all, ["config"]).map((c) => c.name), ["config"]);
  equal(selectChecks(all, []).length, all.length);
  throws(() => selectChecks(all, ["runtim"]), /unknown check "runtim"/);
});
