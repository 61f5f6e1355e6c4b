import { equal, match } from "node:assert/strict";
import { YsfServer } from "../../lib/ysf/server.ts";
import { parseHostPort, ysfStatusCheck } from "../../lib/doctor/checks/ysf.ts";
import { runShack } from "../cli/_run.ts";
import { cliTarget, freeUdpPort, runCheck } from "./_services.ts";

Deno.test("ysf.status check: ok against a running reflector, fail on a dead port, skip without targets", async () => {
  const server = await YsfServer.start({
    reflector: { name: "PEER G4KLX", description: "Loopback test" },
    bind: ["127.0.0.1"],
    port: 0,
  });
  // A port nothing answers on.
  const deadPort = freeUdpPort();
  try {
    const live = `127.0.0.1:${server.sockets[0].port}`;
    const ok = await runCheck(ysfStatusCheck, [cliTarget("ysf", live)]);
    equal(ok.status, "ok");
    match(ok.summary, /94296 "PEER G4KLX", 0 linked, [\d.]+ ms/);

    const r = await runShack([
      "doctor",
      "--json",
      "--check",
      "ysf",
      "--target",
      `ysf=${live}`,
    ]);
    equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    equal(doc.checks[0].details.reflectors[0].id, "94296");

    const bad = await runShack([
      "doctor",
      "--check",
      "ysf",
      "--timeout",
      "3",
      "--target",
      `ysf=127.0.0.1:${deadPort}`,
    ]);
    equal(bad.code, 2, bad.stdout);
    match(bad.stdout, /✗ ysf\.status/);

    const skip = await ysfStatusCheck.run({
      signal: new AbortController().signal,
    });
    equal(skip.status, "skip");
  } finally {
    await server.close();
  }
});

Deno.test("--target is validated as a usage error", async () => {
  const r = await runShack(["doctor", "--target", "nope=1.2.3.4"]);
  equal(r.code, 2);
  match(r.stderr, /expected KIND=ADDRESS/);
});

Deno.test("parseHostPort() handles IPv4, IPv6 and default ports", () => {
  equal(parseHostPort("127.0.0.1:42001", 42000).port, 42001);
  equal(parseHostPort("[::1]", 42000).hostname, "::1");
  equal(parseHostPort("::1", 42000).hostname, "::1");
});
