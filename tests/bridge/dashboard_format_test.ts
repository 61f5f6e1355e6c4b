// The dashboard page's pure helpers (lib/bridge/web/dashboard_format.js),
// run in Deno.
import { deepEqual, equal } from "node:assert/strict";
import {
  appendLog,
  applySessions,
  formatBitrate,
  formatBytes,
  formatDuration,
  pageRange,
  sortedSessions,
} from "../../lib/bridge/web/dashboard_format.js";

Deno.test("formatDuration(), formatBitrate() and formatBytes() give short readable text", () => {
  equal(formatDuration(0), "0:00");
  equal(formatDuration(65_000), "1:05");
  equal(formatDuration(3_725_000), "1:02:05");
  equal(formatDuration(-5), "0:00");
  equal(formatBitrate(0), "0 b/s");
  equal(formatBitrate(850_400), "850 kb/s");
  equal(formatBitrate(3_600_000), "3.6 Mb/s");
  equal(formatBitrate(2_500_000_000), "2.50 Gb/s");
  equal(formatBytes(999), "999 B");
  equal(formatBytes(2_500_000), "2.5 MB");
  equal(formatBytes(45_000_000_000), "45 GB");
  equal(formatBytes(Number.NaN), "0 B");
});

Deno.test("pageRange() describes a channel page", () => {
  equal(
    pageRange({ total: 1234, offset: 50, items: new Array(50) }),
    "51–100 of 1,234",
  );
  equal(pageRange({ total: 0, offset: 0, items: [] }), "0 of 0");
});

Deno.test("applySessions() replaces on a snapshot, upserts and removes on a delta, and ignores other messages", () => {
  const sessions = new Map<
    string,
    { id: string; startedAt: number; [key: string]: unknown }
  >();
  equal(
    applySessions(sessions, {
      type: "snapshot",
      sessions: [{ id: "a", startedAt: 2 }, { id: "b", startedAt: 1 }],
    }, 10),
    true,
  );
  deepEqual(sortedSessions(sessions).map((s) => s.id), ["b", "a"]);
  equal(sessions.get("a")?.receivedAt, 10);
  applySessions(sessions, {
    type: "sessions",
    upsert: [{ id: "c", startedAt: 3 }, { id: "a", startedAt: 2, bytes: 5 }],
    remove: ["b"],
  }, 20);
  deepEqual(sortedSessions(sessions).map((s) => s.id), ["a", "c"]);
  equal(sessions.get("a")?.bytes, 5);
  equal(applySessions(sessions, { type: "log" }, 30), false);
  applySessions(sessions, { type: "snapshot", sessions: [] }, 40);
  equal(sessions.size, 0);
});

Deno.test("appendLog() skips lines already shown and keeps at most max", () => {
  const lines = [{ seq: 1 }, { seq: 2 }];
  equal(appendLog(lines, [{ seq: 2 }, { seq: 3 }, { seq: 4 }], 3), 1);
  deepEqual(lines.map((l) => l.seq), [2, 3, 4]);
});
