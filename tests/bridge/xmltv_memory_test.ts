// A 50 MB guide must parse in little memory: the parser runs in a child
// process whose V8 heap is capped well below the guide's size, so holding
// the document (or an unbounded part of it) would crash it. A cap rather
// than a heapUsed reading keeps the test independent of GC timing on a
// loaded machine.
import { deepEqual, equal, ok } from "node:assert/strict";

const MB = 1024 * 1024;
const CHILD = new URL("./fixtures/xmltv_memory_child.ts", import.meta.url)
  .pathname;
const HEAP_CAP_MB = 40;

Deno.test("parseXmltv() reads a 50 MB guide within a 40 MB heap", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-read",
      `--v8-flags=--max-old-space-size=${HEAP_CAP_MB}`,
      CHILD,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  equal(out.code, 0, stderr);
  const stats = JSON.parse(new TextDecoder().decode(out.stdout));
  ok(stats.bytes >= 50 * MB, `read ${stats.bytes} bytes`);
  equal(stats.channels, 100);
  equal(stats.programmeChannels, 20);
  deepEqual(stats.perChannel, Array(20).fill(200));
  ok(stats.droppedOverLimit > 0);
  ok(stats.skipped > 60_000, `skipped ${stats.skipped}`);
});
