import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastCounter, FastHistogram } from './fast-metrics';

// The fast series must be indistinguishable on /metrics from prom-client's own metrics.
describe('fast metrics', () => {
  it('render exactly what prom-client renders for the same observations', async () => {
    const mine = new Registry();
    const ref = new Registry();
    const buckets = [0.00005, 0.001, 0.5, 10];
    const h = new FastHistogram(mine, 'x_seconds', 'A histogram.', ['route', 'model'], buckets);
    const c = new FastCounter(mine, 'y_total', 'A counter.', ['code']);
    const rh = new Histogram({ name: 'x_seconds', help: 'A histogram.', labelNames: ['route', 'model'], buckets, registers: [ref] });
    const rc = new Counter({ name: 'y_total', help: 'A counter.', labelNames: ['code'], registers: [ref] });
    for (const [route, model, v] of [['/a', 'm1', 0.00001], ['/a', 'm1', 0.2], ['/a', 'm1', 99], ['/b', 'm"2', 0.001]] as const) {
      h.get_(`${route}\u0000${model}`, [route, model]).observe(v);
      rh.labels(route, model).observe(v);
    }
    c.get_('e1', ['e1']).inc();
    c.get_('e1', ['e1']).inc(2);
    c.get_('e\n2', ['e\n2']).inc();
    rc.labels('e1').inc();
    rc.labels('e1').inc(2);
    rc.labels('e\n2').inc();
    expect(await mine.metrics()).toBe(await ref.metrics());
    h.reset();
    expect(h.size).toBe(0);
  });
});
