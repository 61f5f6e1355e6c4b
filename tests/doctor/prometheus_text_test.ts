import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { Registry } from "../../lib/core/metrics.ts";
import {
  keyFigures,
  parsePrometheusText,
  shortMetricName,
} from "../../lib/doctor/prometheus_text.ts";

Deno.test("parsePrometheusText() reads labels with escapes, special values and timestamps", () => {
  const parsed = parsePrometheusText([
    "# HELP shack_sdr_clients Open sockets",
    "# TYPE shack_sdr_clients gauge",
    'shack_sdr_clients{socket="audio",note="a \\"quoted\\" \\\\ b\\nc"} 3 1700000000000',
    "up +Inf",
    "down NaN",
    "neg -1.5e3",
    "",
    "{broken} 1",
    'unterminated{a="b} 1',
    "novalue",
    "too many fields here",
  ].join("\n"));
  equal(parsed.samples.length, 4);
  deepEqual(parsed.samples[0].labels, {
    socket: "audio",
    note: 'a "quoted" \\ b\nc',
  });
  equal(parsed.samples[0].value, 3);
  equal(parsed.samples[1].value, Infinity);
  ok(Number.isNaN(parsed.samples[2].value));
  equal(parsed.samples[3].value, -1500);
  equal(parsed.types.shack_sdr_clients, "gauge");
  equal(parsed.invalidLines, 4);
});

Deno.test("parsePrometheusText() keeps at most maxSamples samples and counts the rest", () => {
  const text = Array.from({ length: 50 }, (_, i) => `m${i} ${i}`).join("\n");
  const parsed = parsePrometheusText(text, { maxSamples: 10 });
  equal(parsed.samples.length, 10);
  equal(parsed.droppedSamples, 40);
});

Deno.test("keyFigures() sums key series over labels and skips histograms and other series", () => {
  const { samples } = parsePrometheusText([
    'shack_sdr_clients{socket="audio"} 2',
    'shack_sdr_clients{socket="waterfall"} 3',
    'shack_sdr_frames_dropped_total{socket="audio",reason="slow"} 4',
    'shack_sdr_frames_dropped_total{socket="events",reason="slow"} 1',
    "shack_audio_failovers_total 1",
    'shack_bridge_sessions{state="streaming"} 2',
    'shack_sdr_dsp_stage_seconds_bucket{le="0.005"} 9',
    "shack_sdr_clients_count 7",
    "shack_sdr_input_samples_total 123",
    "weird_clients NaN",
  ].join("\n"));
  deepEqual(keyFigures(samples), {
    shack_sdr_clients: 5,
    shack_sdr_frames_dropped_total: 5,
    shack_audio_failovers_total: 1,
    shack_bridge_sessions: 2,
    weird_clients: 0,
  });
  equal(Object.keys(keyFigures(samples, { limit: 2 })).length, 2);
  equal(shortMetricName("shack_audio_failovers_total"), "failovers");
});

Deno.test("parsePrometheusText() reads back what lib/core's Registry renders (property)", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          label: fc.string({ maxLength: 12 }),
          amount: fc.integer({ min: 0, max: 1_000_000 }),
        }),
        { maxLength: 20 },
      ),
      (incs) => {
        const registry = new Registry({ prefix: "shack_test_" });
        const counter = registry.counter({
          name: "drops_total",
          help: "Drops by reason",
          labelNames: ["reason"],
        });
        const expected = new Map<string, number>();
        for (const { label, amount } of incs) {
          counter.inc({ reason: label }, amount);
          expected.set(label, (expected.get(label) ?? 0) + amount);
        }
        const parsed = parsePrometheusText(registry.render());
        equal(parsed.invalidLines, 0);
        const got = new Map(
          parsed.samples.filter((s) => s.name === "shack_test_drops_total")
            .map((s) => [s.labels.reason, s.value]),
        );
        deepEqual(got, expected);
        const total = [...expected.values()].reduce((a, b) => a + b, 0);
        equal(
          keyFigures(parsed.samples).shack_test_drops_total ?? 0,
          total,
        );
      },
    ),
    { seed: 20251121, numRuns: 200 },
  );
});

Deno.test("parsePrometheusText() never throws on arbitrary text (property)", () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (text) => {
      const parsed = parsePrometheusText(text);
      equal(Array.isArray(parsed.samples), true);
    }),
    { seed: 8, numRuns: 500 },
  );
});
