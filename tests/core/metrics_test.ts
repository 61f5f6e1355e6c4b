import { equal, match, throws } from "node:assert/strict";
import { PROMETHEUS_CONTENT_TYPE, Registry } from "../../lib/core/metrics.ts";

Deno.test("Registry.render() emits HELP, TYPE and values in text format 0.0.4", () => {
  const reg = new Registry({ prefix: "shack_" });
  const c = reg.counter({
    name: "packets_total",
    help: "Packets\nreceived \\ all",
  });
  c.inc();
  c.inc(undefined, 2);
  const g = reg.gauge({ name: "clients", help: "Linked clients" });
  g.set(5);
  g.dec();
  const text = reg.render();
  match(text, /^# HELP shack_packets_total Packets\\nreceived \\\\ all$/m);
  match(text, /^# TYPE shack_packets_total counter$/m);
  match(text, /^shack_packets_total 3$/m);
  match(text, /^# TYPE shack_clients gauge$/m);
  match(text, /^shack_clients 4$/m);
  match(text, /^shack_metrics_series_dropped_total 0$/m);
  equal(PROMETHEUS_CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
});

Deno.test("Counter with labels escapes label values", () => {
  const reg = new Registry();
  const c = reg.counter({
    name: "drops_total",
    help: "Drops",
    labelNames: ["reason"] as const,
  });
  c.inc({ reason: 'bad "len"\n\\' });
  c.inc({ reason: "short" }, 4);
  const text = reg.render();
  match(text, /^drops_total\{reason="bad \\"len\\"\\n\\\\"\} 1$/m);
  match(text, /^drops_total\{reason="short"\} 4$/m);
  equal(c.get({ reason: "short" }), 4);
});

Deno.test("Counter refuses negative increments and missing labels", () => {
  const reg = new Registry();
  const c = reg.counter({
    name: "x_total",
    help: "x",
    labelNames: ["a"] as const,
  });
  throws(() => c.inc({ a: "1" }, -1), RangeError);
  throws(() => c.inc({}), /label "a" is missing/);
});

Deno.test("Metric series are bounded by maxSeries and the overflow is counted", () => {
  const reg = new Registry();
  const c = reg.counter({
    name: "per_peer_total",
    help: "x",
    labelNames: ["peer"] as const,
    maxSeries: 10,
  });
  for (let i = 0; i < 1000; i++) c.inc({ peer: `10.0.0.${i}` });
  const text = reg.render();
  equal(
    text.split("\n").filter((l) => l.startsWith("per_peer_total{")).length,
    10,
  );
  equal(c.droppedSeries, 990);
  match(text, /^metrics_series_dropped_total 990$/m);
});

Deno.test("Gauge collect() is read at render time", () => {
  const reg = new Registry();
  let n = 1;
  reg.gauge({ name: "live", help: "x", collect: () => n });
  reg.gauge({
    name: "by_room",
    help: "x",
    labelNames: ["room"] as const,
    collect: () => [{ labels: { room: "10" }, value: n * 2 }],
  });
  match(reg.render(), /^live 1$/m);
  n = 7;
  const text = reg.render();
  match(text, /^live 7$/m);
  match(text, /^by_room\{room="10"\} 14$/m);
});

Deno.test("Histogram buckets are cumulative with +Inf, sum and count", () => {
  const reg = new Registry();
  const h = reg.histogram({
    name: "lat_seconds",
    help: "x",
    buckets: [0.01, 0.1, 1],
    labelNames: ["k"] as const,
  });
  for (const v of [0.005, 0.05, 0.05, 0.5, 5]) h.observe(v, { k: "a" });
  const text = reg.render();
  match(text, /^lat_seconds_bucket\{k="a",le="0.01"\} 1$/m);
  match(text, /^lat_seconds_bucket\{k="a",le="0.1"\} 3$/m);
  match(text, /^lat_seconds_bucket\{k="a",le="1"\} 4$/m);
  match(text, /^lat_seconds_bucket\{k="a",le="\+Inf"\} 5$/m);
  match(text, /^lat_seconds_sum\{k="a"\} 5.605$/m);
  match(text, /^lat_seconds_count\{k="a"\} 5$/m);
  equal(h.get({ k: "a" }).count, 5);
});

Deno.test("Histogram rejects unsorted buckets; Registry rejects duplicates and bad names", () => {
  const reg = new Registry();
  throws(
    () => reg.histogram({ name: "h", help: "x", buckets: [1, 0.5] }),
    RangeError,
  );
  reg.counter({ name: "dup", help: "x" });
  throws(() => reg.counter({ name: "dup", help: "x" }), /already registered/);
  throws(() => reg.counter({ name: "bad-name", help: "x" }), /invalid name/);
  throws(
    () => reg.counter({ name: "ok", help: "x", labelNames: ["le"] }),
    /invalid label/,
  );
});

Deno.test("Unlabelled metrics render 0 before their first update", () => {
  const reg = new Registry();
  reg.counter({ name: "c_total", help: "x" });
  reg.histogram({ name: "h", help: "x", buckets: [1] });
  const text = reg.render();
  match(text, /^c_total 0$/m);
  match(text, /^h_count 0$/m);
});

Deno.test("Counter collect() reads totals kept elsewhere at render time", () => {
  const reg = new Registry();
  const drops = { short: 2, busy: 0 };
  reg.counter({
    name: "drops_total",
    help: "x",
    labelNames: ["reason"] as const,
    collect: () =>
      Object.entries(drops).map(([reason, value]) => ({
        labels: { reason },
        value,
      })),
  });
  let text = reg.render();
  match(text, /^# TYPE drops_total counter$/m);
  match(text, /^drops_total\{reason="short"\} 2$/m);
  match(text, /^drops_total\{reason="busy"\} 0$/m);
  drops.busy = 5;
  text = reg.render();
  match(text, /^drops_total\{reason="busy"\} 5$/m);
});
