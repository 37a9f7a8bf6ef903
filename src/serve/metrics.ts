/**
 * A small Prometheus registry: counters and histograms with labels, rendered in the text
 * exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/).
 * Written here rather than pulled in as a client library: the server needs two metric kinds.
 */

/** The Content-Type of {@link MetricsRegistry.render}'s output. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Labels = Record<string, string>;

interface Metric {
  render(lines: string[]): void;
}

/** A monotonically increasing count per label set. */
export class Counter implements Metric {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    private readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    this.entry(labels).value += by;
  }

  /**
   * The series of one label set, looked up once: a hot path (one call per request) increments it
   * without building the label key again. The labels are copied, so the caller may reuse its object.
   */
  child(labels: Labels): { inc(by?: number): void } {
    const entry = this.entry(labels);
    return {
      inc: (by = 1) => {
        entry.value += by;
      },
    };
  }

  private entry(labels: Labels): { labels: Labels; value: number } {
    const key = labelKey(labels);
    let entry = this.values.get(key);
    if (!entry) {
      entry = { labels: { ...labels }, value: 0 };
      this.values.set(key, entry);
    }
    return entry;
  }

  /** The current value for one label set (0 when never incremented). */
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels))?.value ?? 0;
  }

  render(lines: string[]): void {
    header(lines, this.name, this.help, 'counter');
    for (const { labels, value } of this.values.values())
      lines.push(`${this.name}${formatLabels(labels)} ${formatNumber(value)}`);
  }
}

interface HistogramSeries {
  labels: Labels;
  /** Per bucket, not cumulative while observing; render() accumulates. */
  counts: number[];
  sum: number;
  count: number;
}

function observeInto(entry: HistogramSeries, buckets: readonly number[], value: number): void {
  for (let i = 0; i < buckets.length; i++) {
    if (value <= buckets[i]!) {
      entry.counts[i]!++;
      break;
    }
  }
  entry.sum += value;
  entry.count++;
}

/** Observations counted into cumulative buckets (`le`), with their sum and count, per label set. */
export class Histogram implements Metric {
  private readonly series = new Map<string, HistogramSeries>();
  constructor(
    readonly name: string,
    private readonly help: string,
    /** Upper bounds, ascending; +Inf is implied. */
    private readonly buckets: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    observeInto(this.entry(labels), this.buckets, value);
  }

  /** The series of one label set, looked up once (see {@link Counter.child}). */
  child(labels: Labels): { observe(value: number): void } {
    const entry = this.entry(labels);
    return { observe: (value) => observeInto(entry, this.buckets, value) };
  }

  private entry(labels: Labels): HistogramSeries {
    const key = labelKey(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels: { ...labels }, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, entry);
    }
    return entry;
  }

  render(lines: string[]): void {
    header(lines, this.name, this.help, 'histogram');
    for (const { labels, counts, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((bound, i) => {
        cumulative += counts[i]!;
        lines.push(
          `${this.name}_bucket${formatLabels({ ...labels, le: formatNumber(bound) })} ${cumulative}`,
        );
      });
      lines.push(`${this.name}_bucket${formatLabels({ ...labels, le: '+Inf' })} ${count}`);
      lines.push(`${this.name}_sum${formatLabels(labels)} ${formatNumber(sum)}`);
      lines.push(`${this.name}_count${formatLabels(labels)} ${count}`);
    }
  }
}

/** A value read when the metrics are rendered (process CPU time, memory). */
class Sampled implements Metric {
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly type: 'counter' | 'gauge',
    private readonly read: () => number,
  ) {}

  render(lines: string[]): void {
    header(lines, this.name, this.help, this.type);
    lines.push(`${this.name} ${formatNumber(this.read())}`);
  }
}

/** A set of metrics rendered together, in registration order. */
export class MetricsRegistry {
  private readonly metrics: Metric[] = [];

  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help));
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, buckets));
  }

  /** A counter or gauge without labels whose value is read at each render. */
  sampled(name: string, help: string, type: 'counter' | 'gauge', read: () => number): void {
    this.add(new Sampled(name, help, type, read));
  }

  /** The whole registry in text format 0.0.4, ending with a newline. */
  render(): string {
    const lines: string[] = [];
    for (const metric of this.metrics) metric.render(lines);
    return lines.join('\n') + '\n';
  }

  private add<T extends Metric>(metric: T): T {
    this.metrics.push(metric);
    return metric;
  }
}

function header(lines: string[], name: string, help: string, type: string): void {
  // In HELP text only backslash and newline are escaped; in label values the double quote too.
  lines.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
  lines.push(`# TYPE ${name} ${type}`);
}

function formatLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(
    ([key, value]) => `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return pairs.length ? `{${pairs.join(',')}}` : '';
}

function formatNumber(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return Number.isNaN(value) ? 'NaN' : String(value);
}

function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels));
}
