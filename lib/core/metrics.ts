/**
 * Counters, gauges and histograms rendered in the Prometheus text exposition
 * format (version 0.0.4). Label sets are bounded per metric: series beyond
 * `maxSeries` are dropped and counted, so remote input can never grow the
 * registry without limit.
 *
 * @module
 */

/** Content type of {@link Registry.render}'s output. */
export const PROMETHEUS_CONTENT_TYPE =
  "text/plain; version=0.0.4; charset=utf-8";

/** Label values keyed by label name. */
export type Labels = Record<string, string | number>;

/** Options shared by every metric. */
export interface MetricOptions<L extends string = string> {
  /** Metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`. */
  name: string;
  /** One line of help text. */
  help: string;
  /** Names of the labels every series carries. */
  labelNames?: readonly L[];
  /** Most label combinations kept; more are dropped and counted. Default 1000. */
  maxSeries?: number;
}

/** Options of a histogram. */
export interface HistogramOptions<L extends string = string>
  extends MetricOptions<L> {
  /** Upper bounds of the buckets, ascending; `+Inf` is added. */
  buckets?: readonly number[];
}

/** What a `collect` callback returns: one value, or one value per label set. */
export type Collected = number | { labels: Labels; value: number }[];

/**
 * Options of a counter. With `collect`, the count is kept elsewhere (e.g. a
 * state machine's own counters) and read at every render.
 */
export interface CounterOptions<L extends string = string>
  extends MetricOptions<L> {
  /** Called at every render; returns the total, or totals per label set. */
  collect?: () => Collected;
}

/** Options of a gauge whose value is read at scrape time. */
export interface GaugeOptions<L extends string = string>
  extends MetricOptions<L> {
  /** Called at every render; returns the value, or values per label set. */
  collect?: () => number | { labels: Labels; value: number }[];
}

/** Default histogram buckets, in seconds (Prometheus client defaults). */
export const DEFAULT_BUCKETS: readonly number[] = [
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
];

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll(
    '"',
    '\\"',
  );
}

function escapeHelp(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

abstract class Metric<L extends string, S> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly maxSeries: number;
  protected series = new Map<string, { labels: string; state: S }>();
  /** Label sets refused because `maxSeries` was reached. */
  droppedSeries = 0;
  abstract readonly type: "counter" | "gauge" | "histogram";

  constructor(options: MetricOptions<L>) {
    if (!NAME_RE.test(options.name)) {
      throw new TypeError(
        `Cannot create metric: invalid name "${options.name}"`,
      );
    }
    for (const label of options.labelNames ?? []) {
      if (!LABEL_RE.test(label) || label === "le") {
        throw new TypeError(
          `Cannot create metric "${options.name}": invalid label "${label}"`,
        );
      }
    }
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames ?? [];
    this.maxSeries = options.maxSeries ?? 1000;
  }

  protected abstract initial(): S;

  protected key(labels: Labels | undefined): string {
    if (this.labelNames.length === 0) return "";
    const parts: string[] = [];
    for (const name of this.labelNames) {
      const value = labels?.[name];
      if (value === undefined) {
        throw new TypeError(
          `Cannot update metric "${this.name}": label "${name}" is missing`,
        );
      }
      parts.push(`${name}="${escapeLabel(String(value))}"`);
    }
    return parts.join(",");
  }

  /** Returns the series state, or undefined when the series cap is reached. */
  protected state(labels: Labels | undefined): S | undefined {
    const key = this.key(labels);
    let entry = this.series.get(key);
    if (!entry) {
      if (this.series.size >= this.maxSeries) {
        this.droppedSeries++;
        return undefined;
      }
      entry = { labels: key, state: this.initial() };
      this.series.set(key, entry);
    }
    return entry.state;
  }

  /** Removes every series (e.g. when the labelled objects are gone). */
  reset(): void {
    this.series.clear();
  }

  /** Removes one series. */
  remove(labels: Labels): void {
    this.series.delete(this.key(labels));
  }

  protected header(): string {
    return `# HELP ${this.name} ${
      escapeHelp(this.help)
    }\n# TYPE ${this.name} ${this.type}\n`;
  }

  abstract render(): string;
}

/**
 * A metric with one number per series (counters and gauges), set directly
 * or read from a `collect` callback at every render.
 */
abstract class ValueMetric<L extends string>
  extends Metric<L, { value: number }> {
  #collect: (() => Collected) | undefined;

  constructor(options: CounterOptions<L> | GaugeOptions<L>) {
    super(options);
    this.#collect = options.collect;
  }

  protected initial(): { value: number } {
    return { value: 0 };
  }

  /** The current value of one series (0 when absent). */
  get(labels?: Partial<Record<L, string | number>>): number {
    return this.series.get(this.key(labels as Labels | undefined))?.state
      .value ?? 0;
  }

  /** Adds to a series (no sign check; counters check before calling). */
  protected add(labels: Labels | undefined, amount: number): void {
    const s = this.state(labels);
    if (s) s.value += amount;
  }

  /** Sets a series (also used for values from `collect` callbacks). */
  protected setValue(value: number, labels: Labels | undefined): void {
    const s = this.state(labels);
    if (s) s.value = value;
  }

  render(): string {
    if (this.#collect) {
      const collected = this.#collect();
      if (typeof collected === "number") {
        this.setValue(collected, undefined);
      } else {
        this.reset();
        for (const { labels, value } of collected) this.setValue(value, labels);
      }
    }
    let out = this.header();
    if (this.series.size === 0 && this.labelNames.length === 0) {
      return out + `${this.name} 0\n`;
    }
    for (const { labels, state } of this.series.values()) {
      out += `${this.name}${labels ? `{${labels}}` : ""} ${
        formatValue(state.value)
      }\n`;
    }
    return out;
  }
}

/**
 * A monotonically increasing count.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Registry } from "./metrics.ts";
 * const reg = new Registry();
 * const drops = reg.counter({ name: "drops_total", help: "Dropped", labelNames: ["reason"] });
 * drops.inc({ reason: "short" });
 * equal(drops.get({ reason: "short" }), 1);
 * ```
 */
export class Counter<L extends string = string> extends ValueMetric<L> {
  readonly type = "counter" as const;

  /** Adds `amount` (default 1, must not be negative). */
  inc(labels?: Partial<Record<L, string | number>>, amount = 1): void {
    if (!(amount >= 0)) {
      throw new RangeError(
        `Cannot increment counter "${this.name}" by ${amount}`,
      );
    }
    this.add(labels as Labels | undefined, amount);
  }
}

/**
 * A value that goes up and down, set directly or collected at scrape time.
 *
 * @example Usage
 * ```ts
 * import { match } from "node:assert/strict";
 * import { Registry } from "./metrics.ts";
 * const reg = new Registry();
 * reg.gauge({ name: "clients", help: "Linked clients", collect: () => 3 });
 * match(reg.render(), /^clients 3$/m);
 * ```
 */
export class Gauge<L extends string = string> extends ValueMetric<L> {
  readonly type = "gauge" as const;

  /** Sets the value. */
  set(value: number, labels?: Partial<Record<L, string | number>>): void {
    this.setValue(value, labels as Labels | undefined);
  }

  /** Adds `amount` (may be negative). */
  inc(labels?: Partial<Record<L, string | number>>, amount = 1): void {
    this.add(labels as Labels | undefined, amount);
  }

  /** Subtracts `amount`. */
  dec(labels?: Partial<Record<L, string | number>>, amount = 1): void {
    this.add(labels as Labels | undefined, -amount);
  }
}

interface HistogramState {
  counts: Float64Array;
  sum: number;
  count: number;
}

/**
 * Counts observations in cumulative buckets.
 *
 * @example Usage
 * ```ts
 * import { match } from "node:assert/strict";
 * import { Registry } from "./metrics.ts";
 * const reg = new Registry();
 * const h = reg.histogram({ name: "cleanup_seconds", help: "Cleanup", buckets: [0.1, 1] });
 * h.observe(0.05);
 * h.observe(0.5);
 * match(reg.render(), /cleanup_seconds_bucket\{le="0.1"\} 1\ncleanup_seconds_bucket\{le="1"\} 2/);
 * ```
 */
export class Histogram<L extends string = string>
  extends Metric<L, HistogramState> {
  readonly type = "histogram" as const;
  readonly buckets: readonly number[];

  constructor(options: HistogramOptions<L>) {
    super(options);
    const buckets = [...(options.buckets ?? DEFAULT_BUCKETS)];
    for (let i = 1; i < buckets.length; i++) {
      if (!(buckets[i] > buckets[i - 1])) {
        throw new RangeError(
          `Cannot create histogram "${options.name}": buckets must ascend, found ${
            buckets[i]
          } after ${buckets[i - 1]}`,
        );
      }
    }
    this.buckets = buckets;
  }

  protected initial(): HistogramState {
    return { counts: new Float64Array(this.buckets.length), sum: 0, count: 0 };
  }

  /** Records one observation. */
  observe(value: number, labels?: Partial<Record<L, string | number>>): void {
    const s = this.state(labels as Labels | undefined);
    if (!s) return;
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= this.buckets[i]) s.counts[i]++;
    }
    s.sum += value;
    s.count++;
  }

  /** Count and sum of one series. */
  get(
    labels?: Partial<Record<L, string | number>>,
  ): { count: number; sum: number } {
    const s = this.series.get(this.key(labels as Labels | undefined))?.state;
    return { count: s?.count ?? 0, sum: s?.sum ?? 0 };
  }

  render(): string {
    let out = this.header();
    const entries = [...this.series.values()];
    if (entries.length === 0 && this.labelNames.length === 0) {
      entries.push({ labels: "", state: this.initial() });
    }
    for (const { labels, state } of entries) {
      const prefix = labels ? `${labels},` : "";
      for (let i = 0; i < this.buckets.length; i++) {
        out += `${this.name}_bucket{${prefix}le="${
          formatValue(this.buckets[i])
        }"} ${state.counts[i]}\n`;
      }
      out += `${this.name}_bucket{${prefix}le="+Inf"} ${state.count}\n`;
      const tail = labels ? `{${labels}}` : "";
      out += `${this.name}_sum${tail} ${formatValue(state.sum)}\n`;
      out += `${this.name}_count${tail} ${state.count}\n`;
    }
    return out;
  }
}

/**
 * Holds a process's metrics and renders them for `/metrics`.
 *
 * @example Usage
 * ```ts
 * import { match } from "node:assert/strict";
 * import { Registry } from "./metrics.ts";
 * const reg = new Registry({ prefix: "shack_ysf_" });
 * reg.counter({ name: "packets_in_total", help: "Packets received" }).inc();
 * match(reg.render(), /^shack_ysf_packets_in_total 1$/m);
 * ```
 */
export class Registry {
  #metrics = new Map<string, Metric<string, unknown>>();
  #prefix: string;

  /** Creates a registry; `prefix` is put before every metric name. */
  constructor(options: { prefix?: string } = {}) {
    this.#prefix = options.prefix ?? "";
  }

  #add<M extends Metric<string, unknown>>(metric: M): M {
    if (this.#metrics.has(metric.name)) {
      throw new TypeError(
        `Cannot register metric: "${metric.name}" is already registered`,
      );
    }
    this.#metrics.set(metric.name, metric);
    return metric;
  }

  /** Registers a counter. */
  counter<L extends string = never>(options: CounterOptions<L>): Counter<L> {
    return this.#add(
      new Counter<L>({ ...options, name: this.#prefix + options.name }),
    );
  }

  /** Registers a gauge. */
  gauge<L extends string = never>(options: GaugeOptions<L>): Gauge<L> {
    return this.#add(
      new Gauge<L>({ ...options, name: this.#prefix + options.name }),
    );
  }

  /** Registers a histogram. */
  histogram<L extends string = never>(
    options: HistogramOptions<L>,
  ): Histogram<L> {
    return this.#add(
      new Histogram<L>({ ...options, name: this.#prefix + options.name }),
    );
  }

  /** Looks a metric up by its full name. */
  get(name: string): Counter | Gauge | Histogram | undefined {
    return this.#metrics.get(name) as Counter | Gauge | Histogram | undefined;
  }

  /** The Prometheus text exposition of every metric, plus dropped-series counts. */
  render(): string {
    let out = "";
    let dropped = 0;
    for (const metric of this.#metrics.values()) {
      out += metric.render();
      dropped += metric.droppedSeries;
    }
    const name = `${this.#prefix}metrics_series_dropped_total`;
    if (!this.#metrics.has(name)) {
      out +=
        `# HELP ${name} Label sets refused because a metric reached its series limit\n` +
        `# TYPE ${name} counter\n${name} ${dropped}\n`;
    }
    return out;
  }
}
