import { deepEqual, equal } from "node:assert/strict";
import { parseHomeFile } from "../../lib/ysf/reflector/mod.ts";

Deno.test("parseHomeFile() reads CALL:DGID:minutes lines", () => {
  const file = parseHomeFile(
    "# back to home\n# format:\n# callsign:dg-id:time[min]\n\nIK5XMK:9:10\nik5abc : 50 : 0\nGW-FIX:22:-1\n",
  );
  deepEqual(file.entries, [
    { gateway: "IK5XMK", dgid: 9, fixed: false, timeoutMs: 600_000 },
    { gateway: "IK5ABC", dgid: 50, fixed: false, timeoutMs: 900_000 },
    { gateway: "GW-FIX", dgid: 22, fixed: true, timeoutMs: 0 },
  ]);
  deepEqual(file.warnings, []);
});

Deno.test("parseHomeFile() ignores short lines and comments, and warns about bad records", () => {
  const file = parseHomeFile(
    "a:1\nGW1:9\nGW2:x:5\nGW3:9:1.5\nGW4:0:5\nGW5:128:5\n:9:5\nGW6:9:5:1\nGW7:9:5\nGW7:10:5\n",
  );
  deepEqual(file.entries, [{
    gateway: "GW7",
    dgid: 9,
    fixed: false,
    timeoutMs: 300_000,
  }]);
  deepEqual(file.warnings.map((w) => w.line), [2, 3, 4, 5, 6, 7, 8, 10]);
});

Deno.test("parseHomeFile() keeps only DG-IDs of the reflector's list", () => {
  const file = parseHomeFile("GW1:9:5\nGW2:22:5\n", { allowedDgids: [9, 50] });
  deepEqual(file.entries.map((e) => e.gateway), ["GW1"]);
  equal(
    file.warnings[0].reason,
    "Expected a DG-ID of the reflector's list, found 22",
  );
});

Deno.test("parseHomeFile() caps the entries", () => {
  const text = Array.from({ length: 20 }, (_, i) => `GW${i}:9:5`).join("\n");
  const file = parseHomeFile(text, { maxEntries: 5 });
  equal(file.entries.length, 5);
  equal(file.warnings.length, 15);
});
