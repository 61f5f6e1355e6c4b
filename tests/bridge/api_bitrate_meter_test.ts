import { equal, ok, throws } from "node:assert/strict";
import { BitrateMeter } from "../../lib/bridge/api/bitrate_meter.ts";
import { sessionView } from "../../lib/bridge/api/session_view.ts";
import { redactLocation } from "../../lib/bridge/api/source_view.ts";

Deno.test("BitrateMeter.sample() follows a rate change within the window", () => {
  const meter = new BitrateMeter({ windowMs: 3000 });
  let bytes = 0;
  // 10 s at 1 Mb/s, sampled every second.
  for (let t = 0; t <= 10_000; t += 1000) {
    meter.sample("s", bytes, t);
    bytes += 125_000;
  }
  // Then 4 Mb/s: after the window the old rate is gone.
  let rate: number | undefined;
  for (let t = 11_000; t <= 16_000; t += 1000) {
    rate = meter.sample("s", bytes, t);
    bytes += 500_000;
  }
  equal(rate, 4_000_000);
});

Deno.test("BitrateMeter.sample() needs a span before it gives a rate, and restarts when a counter goes back", () => {
  const meter = new BitrateMeter({ minSpanMs: 500 });
  equal(meter.sample("s", 0, 0), undefined);
  equal(meter.sample("s", 1000, 100), undefined);
  equal(meter.sample("s", 10_000, 1000), 80_000);
  equal(
    meter.sample("s", 5, 2000),
    undefined,
    "a new session under the same id",
  );
  throws(() => new BitrateMeter({ windowMs: 0 }), RangeError);
});

Deno.test("BitrateMeter keeps at most capacity ids and forgets those not retained", () => {
  const meter = new BitrateMeter({ capacity: 10 });
  for (let i = 0; i < 100; i++) meter.sample(`s${i}`, 0, 0);
  equal(meter.size, 10);
  meter.retain(new Set(["s99", "gone"]));
  equal(meter.size, 1);
});

Deno.test("sessionView() gives the duration, idle time and the measured or average bitrate", () => {
  const record = {
    id: "s",
    channel: { id: "c", guideNumber: "1", name: "One" },
    client: { address: "192.0.2.1" },
    tunerKey: "s",
    state: "streaming" as const,
    startedAt: 1000,
    streamingAt: 1200,
    lastActivityAt: 9000,
    bytes: 1_000_000,
  };
  const measured = sessionView(record, {
    now: 11_000,
    wallNow: 50_000,
    bitrate: 123,
  });
  equal(measured.bitrate, 123);
  equal(measured.durationMs, 10_000);
  equal(measured.idleMs, 2000);
  equal(measured.startedAt, 40_000);
  const average = sessionView(record, { now: 11_200, wallNow: 50_000 });
  equal(average.bitrate, 800_000);
  const starting = sessionView({
    ...record,
    state: "starting",
    streamingAt: undefined,
  }, { now: 2000, wallNow: 0 });
  equal(starting.bitrate, 0);
  ok(!("endReason" in starting));
});

Deno.test("redactLocation() masks credentials in URLs and leaves paths alone", () => {
  equal(
    redactLocation(
      "https://a:b@iptv.example:8080/p/list.m3u?TOKEN=abc&x=1&flag",
    ),
    "https://***@iptv.example:8080/p/list.m3u?TOKEN=***&x=1&flag",
  );
  equal(redactLocation("file:///srv/x.m3u"), "file:///srv/x.m3u");
  equal(
    redactLocation("relative/list.m3u?password=x"),
    "relative/list.m3u?password=x",
  );
});
