/**
 * A small reader of the Prometheus text exposition format (0.0.4): enough
 * for doctor to pull key figures (clients, drops, failovers, sessions) out
 * of a service's `/metrics`. It never throws: lines it cannot read are
 * counted and skipped.
 *
 * @module
 */

/** One sample line: `name{label="value"} 12`. */
export interface PrometheusSample {
  /** The metric name, as written (`shack_sdr_clients`). */
  name: string;
  /** The labels, unescaped. */
  labels: Record<string, string>;
  /** The value (`NaN`, `+Inf` and `-Inf` included). */
  value: number;
}

/** What {@link parsePrometheusText} read. */
export interface PrometheusText {
  /** The samples, in order. */
  samples: PrometheusSample[];
  /** `# TYPE` declarations by metric family name. */
  types: Record<string, string>;
  /** Lines that were not comments, blank or valid samples. */
  invalidLines: number;
  /** Samples left out because `maxSamples` was reached. */
  droppedSamples: number;
}

/** Options of {@link parsePrometheusText}. */
export interface ParsePrometheusTextOptions {
  /** Most samples kept; the rest are counted in `droppedSamples`. Default 10000. */
  maxSamples?: number;
}

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*/;

function parseValue(text: string): number | undefined {
  if (text === "+Inf" || text === "Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (text === "NaN") return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** Parses `{a="b",c="d"}` from `text` at `start`; returns the labels and the index after `}`. */
function parseLabels(
  text: string,
  start: number,
): { labels: Record<string, string>; end: number } | undefined {
  const labels: Record<string, string> = {};
  let i = start + 1;
  while (true) {
    while (text[i] === " " || text[i] === ",") i++;
    if (text[i] === "}") return { labels, end: i + 1 };
    const name = LABEL_NAME_RE.exec(text.slice(i))?.[0];
    if (!name) return undefined;
    i += name.length;
    while (text[i] === " ") i++;
    if (text[i] !== "=") return undefined;
    i++;
    while (text[i] === " ") i++;
    if (text[i] !== '"') return undefined;
    i++;
    let value = "";
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") {
        const next = text[i + 1];
        value += next === "n" ? "\n" : next ?? "";
        i += 2;
      } else {
        value += text[i];
        i++;
      }
    }
    if (text[i] !== '"') return undefined;
    i++;
    labels[name] = value;
  }
}

/**
 * Parses Prometheus text exposition. Comments other than `# TYPE` are
 * ignored; timestamps after the value are accepted and dropped.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parsePrometheusText } from "./prometheus_text.ts";
 * const parsed = parsePrometheusText(
 *   '# TYPE shack_sdr_clients gauge\nshack_sdr_clients{socket="audio"} 3\nbogus line\n',
 * );
 * equal(parsed.samples[0].labels.socket, "audio");
 * equal(parsed.samples[0].value, 3);
 * equal(parsed.types.shack_sdr_clients, "gauge");
 * equal(parsed.invalidLines, 1);
 * ```
 */
export function parsePrometheusText(
  text: string,
  options: ParsePrometheusTextOptions = {},
): PrometheusText {
  const maxSamples = options.maxSamples ?? 10_000;
  const out: PrometheusText = {
    samples: [],
    types: {},
    invalidLines: 0,
    droppedSamples: 0,
  };
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("#")) {
      const type = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (type) out.types[type[1]] = type[2];
      continue;
    }
    const name = NAME_RE.exec(line)?.[0];
    if (!name) {
      out.invalidLines++;
      continue;
    }
    let rest = name.length;
    let labels: Record<string, string> = {};
    if (line[rest] === "{") {
      const parsed = parseLabels(line, rest);
      if (!parsed) {
        out.invalidLines++;
        continue;
      }
      labels = parsed.labels;
      rest = parsed.end;
    }
    const fields = line.slice(rest).trim().split(/\s+/);
    const value = fields[0] === undefined ? undefined : parseValue(fields[0]);
    if (value === undefined || fields.length > 2) {
      out.invalidLines++;
      continue;
    }
    if (out.samples.length >= maxSamples) {
      out.droppedSamples++;
      continue;
    }
    out.samples.push({ name, labels, value });
  }
  return out;
}

/** Options of {@link keyFigures}. */
export interface KeyFiguresOptions {
  /** Which metric names count as key figures. Default: clients, drops, failovers, sessions and the like. */
  pattern?: RegExp;
  /** Most figures returned. Default 24. */
  limit?: number;
}

/** The metric names {@link keyFigures} picks by default. */
export const KEY_FIGURE_PATTERN =
  /clients|connections|listeners|drop|failover|session|underrun|overflow|restart|refused|evict|tuner|streams/;

/**
 * Folds the samples whose names look like key figures into one total per
 * metric name (summed over labels). Histogram and summary series
 * (`_bucket`, `_sum`, `_count`) are left out.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { keyFigures, parsePrometheusText } from "./prometheus_text.ts";
 * const { samples } = parsePrometheusText([
 *   'shack_sdr_clients{socket="audio"} 2',
 *   'shack_sdr_clients{socket="waterfall"} 3',
 *   "shack_sdr_input_samples_total 9000",
 * ].join("\n"));
 * deepEqual(keyFigures(samples), { shack_sdr_clients: 5 });
 * ```
 */
export function keyFigures(
  samples: readonly PrometheusSample[],
  options: KeyFiguresOptions = {},
): Record<string, number> {
  const pattern = options.pattern ?? KEY_FIGURE_PATTERN;
  const limit = options.limit ?? 24;
  const out: Record<string, number> = {};
  let count = 0;
  for (const sample of samples) {
    if (/_(bucket|sum|count)$/.test(sample.name)) continue;
    if (!pattern.test(sample.name)) continue;
    if (!(sample.name in out)) {
      if (count >= limit) continue;
      out[sample.name] = 0;
      count++;
    }
    out[sample.name] += Number.isFinite(sample.value) ? sample.value : 0;
  }
  return out;
}

/**
 * A short label for a metric in a one-line summary: without the
 * `shack_<service>_` prefix and the `_total` suffix.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { shortMetricName } from "./prometheus_text.ts";
 * equal(shortMetricName("shack_sdr_frames_dropped_total"), "frames_dropped");
 * equal(shortMetricName("clients"), "clients");
 * ```
 */
export function shortMetricName(name: string): string {
  return name.replace(/^shack_[a-z0-9]+_/, "").replace(/_total$/, "");
}
