import { deepEqual, equal, match, ok } from "node:assert/strict";
import { isLogLevel, Logger } from "../../lib/core/log.ts";

function capture(options: ConstructorParameters<typeof Logger>[0] = {}) {
  const lines: string[] = [];
  const log = new Logger({
    now: () => Date.UTC(2026, 10, 21, 12),
    sink: (l) => lines.push(l),
    ...options,
  });
  return { log, lines };
}

Deno.test("Logger filters below its level", () => {
  const { log, lines } = capture({ level: "warn" });
  log.debug("d");
  log.info("i");
  log.warn("w");
  log.error("e");
  equal(lines.length, 2);
  match(lines[0], /WARN {2}w$/);
  match(lines[1], /ERROR e$/);
});

Deno.test("Logger text format: timestamp, level, message, fields", () => {
  const { log, lines } = capture();
  log.info("client linked", {
    peer: "127.0.0.1:42000",
    call: "G4KLX 1",
    count: 3,
  });
  equal(
    lines[0],
    '2026-11-21T12:00:00.000Z INFO  client linked peer=127.0.0.1:42000 call="G4KLX 1" count=3',
  );
});

Deno.test("Logger text format escapes newlines so one call is one line", () => {
  const { log, lines } = capture();
  log.warn("bad\nline", { v: "a\nb" });
  equal(lines.length, 1);
  ok(!lines[0].includes("\n"));
});

Deno.test("Logger json format: one parseable object per line with fields", () => {
  const { log, lines } = capture({
    format: "json",
    fields: { service: "ysf" },
  });
  log.error("send failed", { error: new TypeError("closed"), n: 1n });
  const doc = JSON.parse(lines[0]);
  deepEqual(doc, {
    ts: "2026-11-21T12:00:00.000Z",
    level: "error",
    msg: "send failed",
    service: "ysf",
    error: { name: "TypeError", message: "closed" },
    n: "1",
  });
});

Deno.test("Logger.child() adds fields and shares the level", () => {
  const { log, lines } = capture({ format: "json" });
  const child = log.child({ room: 10 });
  log.level = "error";
  child.info("hidden");
  child.error("shown");
  equal(lines.length, 1);
  equal(JSON.parse(lines[0]).room, 10);
});

Deno.test("Logger colours only when asked", () => {
  const plain = capture();
  plain.log.info("x");
  ok(!plain.lines[0].includes("\x1b["));
  const colored = capture({ color: true });
  colored.log.info("x");
  ok(colored.lines[0].includes("\x1b[36mINFO"));
  const json = capture({ format: "json", color: true });
  json.log.info("x");
  ok(!json.lines[0].includes("\x1b["));
});

Deno.test("Logger survives unserialisable fields", () => {
  const { log, lines } = capture({ format: "json" });
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  log.info("odd", { cyclic });
  equal(JSON.parse(lines[0]).msg, "odd");
  const text = capture();
  text.log.info("odd", { cyclic });
  match(text.lines[0], /cyclic=/);
});

Deno.test("isLogLevel() accepts exactly the levels", () => {
  deepEqual(["debug", "info", "warn", "error", "trace", ""].map(isLogLevel), [
    true,
    true,
    true,
    true,
    false,
    false,
  ]);
});
