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

/**
 * What prom-client's registry asks of a metric, and the series map both kinds share: a series is
 * made once per label key (the only place a subclass is called on the hot path is a new key).
 */
abstract class FastMetric<S extends { readonly labels: Labels }> {
  readonly aggregator = 'sum';
  abstract readonly type: string;
  protected readonly series = new Map<string, S>();

  constructor(registry: Registry, readonly name: string, readonly help: string, private readonly labelNames: readonly string[]) {
    registry.registerMetric(this as never);
  }

  protected abstract newSeries(labels: Labels): S;
  /** The exposition values of one series. */
  protected abstract valuesOf(series: S, out: Value[]): void;

  /** The series for these label values; `key` must identify them (callers pass a joined string). */
  get_(key: string, values: readonly string[]): S {
    let s = this.series.get(key);
    if (!s) {
      s = this.newSeries(toLabels(this.labelNames, values));
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
    for (const s of this.series.values()) this.valuesOf(s, values);
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

export class CounterSeries {
  value = 0;
  constructor(readonly labels: Labels) {}
  inc(n = 1): void {
    this.value += n;
  }
}

export class FastCounter extends FastMetric<CounterSeries> {
  readonly type = 'counter';

  protected newSeries(labels: Labels): CounterSeries {
    return new CounterSeries(labels);
  }

  protected valuesOf(s: CounterSeries, out: Value[]): void {
    out.push({ value: s.value, labels: s.labels });
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

export class FastHistogram extends FastMetric<HistogramSeries> {
  readonly type = 'histogram';

  constructor(registry: Registry, name: string, help: string, labelNames: readonly string[], private readonly bounds: readonly number[]) {
    super(registry, name, help, labelNames);
  }

  protected newSeries(labels: Labels): HistogramSeries {
    return new HistogramSeries(labels, this.bounds);
  }

  protected valuesOf(s: HistogramSeries, out: Value[]): void {
    const bucket = `${this.name}_bucket`;
    let acc = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      acc += s.buckets[i]!;
      out.push({ labels: { le: String(this.bounds[i]) }, sharedLabels: s.labels, value: acc, metricName: bucket });
    }
    out.push({ labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: bucket });
    out.push({ labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
    out.push({ labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count` });
  }
}
