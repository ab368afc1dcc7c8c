// A small open-loop load generator on undici: fixed request rate, latency per request from a
// monotonic clock, and the gateway's own x-foundry-overhead-ms per response. Bounded in count and time.
import { Pool } from 'undici';

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Fires `rate` req/s for `seconds`; returns latencies (ms), first-byte times and overhead headers. */
export async function fixedRate({ url, path, headers, body, rate, seconds, connections = 64, firstByte = false }) {
  const u = new URL(url);
  const pool = new Pool(u.origin, { connections, pipelining: 1 });
  const lat = [];
  const ttfb = [];
  const overhead = [];
  let errors = 0;
  const total = Math.min(Math.round(rate * seconds), 200_000);
  const start = performance.now();
  const inflight = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    inflight.push(
      pool.request({ path, method: 'POST', headers, body }).then(
        async (res) => {
          let first = true;
          for await (const _ of res.body) {
            if (first && firstByte) ttfb.push(performance.now() - t0);
            first = false;
          }
          lat.push(performance.now() - t0);
          const o = res.headers['x-foundry-overhead-ms'];
          if (o !== undefined) overhead.push(Number(o));
          if (res.statusCode !== 200) errors++;
        },
        () => errors++,
      ),
    );
    if (inflight.length > 5000) await Promise.all(inflight.splice(0, 2500));
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - start) / 1000;
  await pool.close();
  const s = (a) => a.sort((x, y) => x - y);
  return { sent: total, errors, achievedRps: total / elapsed, lat: s(lat), ttfb: s(ttfb), overhead: s(overhead) };
}

/**
 * Open-loop soak at `rate` req/s for `seconds`: counts only (no latency arrays, so the load tool's
 * own memory stays flat). At most 2,000 requests in flight; beyond that the tick waits.
 */
export async function soak({ url, path, headers, body, rate, seconds, connections = 32 }) {
  const u = new URL(url);
  const pool = new Pool(u.origin, { connections, pipelining: 1 });
  let sent = 0;
  let errors = 0;
  let inflight = 0;
  const start = performance.now();
  const total = Math.round(rate * seconds);
  const one = () =>
    pool.request({ path, method: 'POST', headers, body }).then(
      async (res) => {
        await res.body.dump();
        if (res.statusCode !== 200) errors++;
      },
      () => errors++,
    ).finally(() => inflight--);
  while (sent < total) {
    const due = start + (sent * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1 || inflight >= 2000) await new Promise((r) => setTimeout(r, Math.max(1, wait)));
    const batch = Math.min(total - sent, Math.max(1, Math.floor(((performance.now() - start) * rate) / 1000) - sent));
    for (let i = 0; i < batch && inflight < 2000; i++, sent++) {
      inflight++;
      void one();
    }
  }
  while (inflight > 0) await new Promise((r) => setTimeout(r, 10));
  const elapsed = (performance.now() - start) / 1000;
  await pool.close();
  return { sent, errors, achievedRps: sent / elapsed };
}

/** Closed-loop max throughput with `connections` concurrent requests for `seconds`. */
export async function maxThroughput({ url, path, headers, body, seconds, connections = 64 }) {
  const u = new URL(url);
  const pool = new Pool(u.origin, { connections, pipelining: 1 });
  const end = performance.now() + seconds * 1000;
  let done = 0;
  let errors = 0;
  const worker = async () => {
    while (performance.now() < end) {
      try {
        const res = await pool.request({ path, method: 'POST', headers, body });
        await res.body.dump();
        if (res.statusCode !== 200) errors++;
      } catch {
        errors++;
      }
      done++;
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  await pool.close();
  return { rps: done / seconds, errors };
}
