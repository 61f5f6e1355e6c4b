import { deepEqual, equal, throws } from "node:assert/strict";
import { Logger } from "../../lib/core/log.ts";
import { logLineLevel, LogRing } from "../../lib/bridge/api/log_ring.ts";

Deno.test("LogRing keeps the newest lines up to its capacity, in order, with sequence numbers", () => {
  const ring = new LogRing({ capacity: 3 });
  for (let i = 1; i <= 10; i++) ring.push(`line ${i}`);
  equal(ring.size, 3);
  equal(ring.lastSeq, 10);
  equal(ring.dropped, 7);
  deepEqual(ring.tail().map((e) => [e.seq, e.line]), [
    [8, "line 8"],
    [9, "line 9"],
    [10, "line 10"],
  ]);
  deepEqual(ring.tail(1).map((e) => e.seq), [10]);
  deepEqual(ring.tail(0), []);
  // Lines already dropped are not returned; nothing newer than the last.
  deepEqual(ring.since(2).map((e) => e.seq), [8, 9, 10]);
  deepEqual(ring.since(9).map((e) => e.seq), [10]);
  deepEqual(ring.since(10), []);
});

Deno.test("LogRing.sink takes text and JSON lines from a Logger and reads their level", () => {
  const ring = new LogRing();
  new Logger({ sink: ring.sink, level: "debug" }).debug("probe", { a: 1 });
  new Logger({ sink: ring.sink, format: "json" }).error("boom");
  const [text, json] = ring.tail();
  equal(text.level, "debug");
  equal(json.level, "error");
  equal(JSON.parse(json.line).msg, "boom");
  equal(logLineLevel("2024-01-01T00:00:00.000Z INFO  started x=1"), "info");
  equal(logLineLevel("ERROR at the start"), undefined);
});

Deno.test("LogRing.push() cuts overlong lines so memory stays bounded", () => {
  const ring = new LogRing({ capacity: 2, maxLineLength: 100 });
  ring.push("x".repeat(1_000_000));
  equal(ring.tail()[0].line.length, 100);
});

Deno.test("LogRing.subscribe() tells listeners of new lines, survives a throwing one, and is bounded", () => {
  const ring = new LogRing({ maxListeners: 2 });
  const seen: number[] = [];
  ring.subscribe(() => {
    throw new Error("listener bug");
  });
  const stop = ring.subscribe((entry) => seen.push(entry.seq));
  throws(() => ring.subscribe(() => {}), RangeError);
  ring.push("a");
  stop();
  ring.push("b");
  deepEqual(seen, [1]);
  equal(ring.size, 2);
});

Deno.test("LogRing.tee() keeps each line and passes it on", () => {
  const ring = new LogRing();
  const passed: string[] = [];
  const log = new Logger({ sink: ring.tee((line) => passed.push(line)) });
  log.info("both");
  equal(passed.length, 1);
  equal(ring.tail()[0].line, passed[0]);
});

Deno.test("LogRing constructor refuses limits that are not positive integers", () => {
  throws(() => new LogRing({ capacity: 0 }), RangeError);
  throws(() => new LogRing({ maxLineLength: 1.5 }), RangeError);
});
