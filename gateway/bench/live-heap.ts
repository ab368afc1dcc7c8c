// `node --expose-gc --import tsx gateway/bench/live-heap.ts [--requests N]` — not a test. A leak check: one
// gateway (limits, budgets, p2c over two targets, usage feed, metrics) in front of the vLLM simulator, both
// in this process, takes N requests (a quarter of them streams) from 32 connections in 8 rounds; after each
// round a full GC, then the live heap. A leak shows as heapUsed climbing round after round; RSS alone cannot
// tell (V8 and the allocator keep pages they freed), which is why the soak's RSS is not the verdict.
import { Pool } from 'undici';
import { startSimulator } from '../../e2e/fixtures/vllm-sim';
import { apiKey, listenGateway } from '../test-support/harness';

async function main() {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc: node --expose-gc --import tsx gateway/bench/live-heap.ts');
  const i = process.argv.indexOf('--requests');
  const total = i > 0 ? Number(process.argv[i + 1]) : 256_000;
  const sim = await startSimulator({ model: 'm', zeroDelay: true });
  const k = apiKey('k', 'p', { requests_per_minute: 1e9, tokens_per_minute: 1e12, monthly_token_budget: 1e15 });
  const gw = await listenGateway({
    auth: { api_keys: [k.entry] },
    projects: { p: { requests_per_minute: 1e9 } },
    providers: { a: { kind: 'openai_compatible', base_url: `${sim.url}/v1` }, b: { kind: 'openai_compatible', base_url: `${sim.url}/v1` } },
    models: { m: { strategy: 'p2c_ewma', targets: [{ provider: 'a' }, { provider: 'b' }] } },
  });
  const pool = new Pool(gw.url, { connections: 32 });
  const headers = { authorization: `Bearer ${k.key}`, 'content-type': 'application/json' };
  const unary = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi there' }], max_tokens: 4 });
  const stream = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi there' }], max_tokens: 4, stream: true });
  let sent = 0;
  const worker = async (n: number) => {
    for (let j = 0; j < n; j++) {
      const r = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers, body: j % 4 === 0 ? stream : unary });
      await r.body.text();
      if (r.statusCode !== 200) throw new Error(`status ${r.statusCode}`);
      sent++;
    }
  };
  const samples: { requests: number; heap_used_mib: number; rss_mib: number }[] = [];
  for (let round = 0; round <= 8; round++) {
    if (round > 0) await Promise.all(Array.from({ length: 32 }, () => worker(Math.round(total / 8 / 32))));
    gc();
    gc();
    const m = process.memoryUsage();
    samples.push({ requests: sent, heap_used_mib: +(m.heapUsed / 1048576).toFixed(1), rss_mib: +(m.rss / 1048576).toFixed(1) });
  }
  await pool.close();
  await gw.close();
  await sim.close();
  const after = samples.slice(1).map((s) => s.heap_used_mib);
  console.log(JSON.stringify({ samples, heap_after_first_round_mib: { min: Math.min(...after), max: Math.max(...after), last: after.at(-1) } }, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
