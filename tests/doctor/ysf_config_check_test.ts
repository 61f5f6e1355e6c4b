import { equal, match } from "node:assert/strict";
import { ysfStatusCheck } from "../../lib/doctor/checks/ysf.ts";
import {
  configTarget,
  freeUdpPort,
  holdUdpPort,
  runCheck,
} from "./_services.ts";

Deno.test("ysfStatusCheck: a configured reflector on a free port is 'not running' (warn), a silent holder fails", async () => {
  const dead = freeUdpPort();
  const held = holdUdpPort();
  try {
    const free = await runCheck(ysfStatusCheck, [
      configTarget("ysf", `127.0.0.1:${dead}`),
    ], 400);
    equal(free.status, "warn");
    match(
      free.summary,
      new RegExp(`not running \\(UDP port ${dead} is free\\)`),
    );
    match(free.hint!, /systemctl start shack-ysf/);
    equal(
      (free.details!.reflectors as Record<string, unknown>[])[0].port,
      "free",
    );

    const taken = await runCheck(ysfStatusCheck, [
      configTarget("ysf", `127.0.0.1:${held.port}`),
    ], 400);
    equal(taken.status, "fail");
    match(taken.summary, /in use but does not answer \(no status reply/);
  } finally {
    held.close();
  }
});
