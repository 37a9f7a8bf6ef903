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
    const key = labelKey(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
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

/** Observations counted into cumulative buckets (`le`), with their sum and count, per label set. */
export class Histogram implements Metric {
  private readonly series = new Map<
    string,
    { labels: Labels; counts: number[]; sum: number; count: number }
  >();
  constructor(
    readonly name: string,
    private readonly help: string,
    /** Upper bounds, ascending; +Inf is implied. */
    private readonly buckets: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, entry);
    }
    // Non-cumulative while observing; render() accumulates.
    const bucket = this.buckets.findIndex((bound) => value <= bound);
    if (bucket >= 0) entry.counts[bucket]!++;
    entry.sum += value;
    entry.count++;
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
