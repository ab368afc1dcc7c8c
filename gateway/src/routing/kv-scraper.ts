/**
 * Scrapes vLLM /metrics for the kv_cache strategy on a short interval. Failures keep the last
 * snapshot (marked by its age) rather than pretending the target is empty.
 */
import { request, type Dispatcher } from 'undici';
import type { TargetState } from './target';

export function parseVllmMetrics(text: string): { cacheUsage: number; waiting: number } | null {
  let usage: number | null = null;
  let waiting = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    if (line.startsWith('vllm:gpu_cache_usage_perc') || line.startsWith('vllm:kv_cache_usage_perc')) {
      const v = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (Number.isFinite(v)) usage = Math.max(usage ?? 0, v);
    } else if (line.startsWith('vllm:num_requests_waiting')) {
      const v = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (Number.isFinite(v)) waiting += v;
    }
  }
  return usage === null ? null : { cacheUsage: usage, waiting };
}

export interface ScrapeTarget {
  state: TargetState;
  url: string;
  /** The target's own pool when the URL is on its origin: a provider's CA bundle applies to its scrapes too. */
  dispatcher?: Dispatcher;
}

/** Starts scraping; returns a stop function. */
export function startKvScraper(targets: readonly ScrapeTarget[], intervalMs: number): () => void {
  let stopped = false;
  const tick = async () => {
    await Promise.all(
      targets.map(async (t) => {
        try {
          const res = await request(t.url, { headersTimeout: intervalMs, bodyTimeout: intervalMs, ...(t.dispatcher ? { dispatcher: t.dispatcher } : {}) });
          const text = await res.body.text();
          const snap = res.statusCode === 200 ? parseVllmMetrics(text) : null;
          if (snap) t.state.kv = { ...snap, at: Date.now() };
        } catch {
          // keep the last snapshot
        }
      }),
    );
  };
  void tick();
  const timer = setInterval(() => {
    if (!stopped) void tick();
  }, intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
