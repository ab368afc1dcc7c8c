/**
 * Hot-path counters and histograms that prom-client's registry exposes unchanged. prom-client's
 * own `labels(...).inc()` re-validates and re-hashes the label set on every call (even on a cached
 * child), which at tens of thousands of requests/s is a visible share of the gateway's CPU. Here
 * a series is looked up once per label key and updating it is a few additions; the registry asks
 * for the values (get()) only when /metrics is scraped.
 */
import type { Registry } from 'prom-client';

type Labels = Record<string, string>;
interface Value {
  value: number;
  labels?: Labels;
  sharedLabels?: Labels;
  metricName?: string;
}

function toLabels(names: readonly string[], values: readonly string[]): Labels {
  const out: Labels = {};
  for (let i = 0; i < names.length; i++) out[names[i]!] = values[i]!;
  return out;
}

export class CounterSeries {
  value = 0;
  constructor(readonly labels: Labels) {}
  inc(n = 1): void {
    this.value += n;
  }
}

export class FastCounter {
  readonly type = 'counter';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, CounterSeries>();

  constructor(registry: Registry, readonly name: string, readonly help: string, private readonly labelNames: readonly string[]) {
    registry.registerMetric(this as never);
  }

  /** The series for these label values; `key` must identify them (callers pass a joined string). */
  get_(key: string, values: readonly string[]): CounterSeries {
    let s = this.series.get(key);
    if (!s) {
      s = new CounterSeries(toLabels(this.labelNames, values));
      this.series.set(key, s);
    }
    return s;
  }

  reset(): void {
    this.series.clear();
  }

  get size(): number {
    return this.series.size;
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: Value[] } {
    const values: Value[] = [];
    for (const s of this.series.values()) values.push({ value: s.value, labels: s.labels });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

export class HistogramSeries {
  sum = 0;
  count = 0;
  readonly buckets: Float64Array;
  constructor(readonly labels: Labels, private readonly bounds: readonly number[]) {
    this.buckets = new Float64Array(bounds.length);
  }
  observe(v: number): void {
    this.sum += v;
    this.count += 1;
    const b = this.bounds;
    for (let i = 0; i < b.length; i++) {
      if (v <= b[i]!) {
        this.buckets[i]! += 1;
        return;
      }
    }
  }
}

export class FastHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, HistogramSeries>();

  constructor(registry: Registry, readonly name: string, readonly help: string, private readonly labelNames: readonly string[], private readonly bounds: readonly number[]) {
    registry.registerMetric(this as never);
  }

  get_(key: string, values: readonly string[]): HistogramSeries {
    let s = this.series.get(key);
    if (!s) {
      s = new HistogramSeries(toLabels(this.labelNames, values), this.bounds);
      this.series.set(key, s);
    }
    return s;
  }

  reset(): void {
    this.series.clear();
  }

  get size(): number {
    return this.series.size;
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: Value[] } {
    const values: Value[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.series.values()) {
      let acc = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        acc += s.buckets[i]!;
        values.push({ labels: { le: String(this.bounds[i]) }, sharedLabels: s.labels, value: acc, metricName: bucket });
      }
      values.push({ labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: bucket });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
