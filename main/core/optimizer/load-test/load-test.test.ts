import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { createServer as createHttpServer, type Server } from 'node:http';
import { startSimulator, type Simulator } from '../../../../e2e/fixtures/vllm-sim';
import { useAdminCore } from '../../testing/harness';
import { seededRandom } from '../../../../optimizer/src/index';
import { sizingFrom, words, wordsFor } from './prompts';

const KEY = 'sk-sim-measure-0123456789';
const run = {
  model: 'llama-3.1-8b',
  clusters: [{ name: 'lab', gpus: [{ gpu: 'h100_sxm', count: 1 }] }],
  workload: { isl: 512, osl: 32 },
  concurrency: [4, 16],
};

describe('prompt sizing', () => {
  it("separates the tokens per word from the chat template's fixed tokens", () => {
    // 1.5 tokens per word and 12 template tokens: 40 words → 72 tokens, 240 → 372.
    const sizing = sizingFrom({ words: 40, tokens: 72 }, { words: 240, tokens: 372 })!;
    expect(sizing.tokensPerWord).toBeCloseTo(1.5, 9);
    expect(sizing.overheadTokens).toBeCloseTo(12, 9);
    expect(wordsFor(512, sizing)).toBe(333);
    expect(wordsFor(4, sizing)).toBe(1);
    // A server whose counts do not grow with the prompt gives no sizing rather than a nonsense one.
    expect(sizingFrom({ words: 40, tokens: 50 }, { words: 240, tokens: 50 })).toBeNull();
  });

  it('draws the same words from the same seed, and different ones from another', () => {
    expect(words(30, seededRandom(7))).toBe(words(30, seededRandom(7)));
    expect(words(30, seededRandom(7))).not.toBe(words(30, seededRandom(8)));
    expect(words(30, seededRandom(7)).split(' ')).toHaveLength(30);
  });
});

describe('measuring an endpoint (optimizer:measure-endpoint)', () => {
  const app = useAdminCore();
  let sim: Simulator;

  beforeEach(async () => {
    sim = await startSimulator({ model: 'sim-llama', apiKey: KEY, recordLimit: 400 });
  });
  afterEach(async () => {
    await sim.close();
  });

  const endpoint = (over: Record<string, unknown> = {}) =>
    app.core.call('endpoints:create', { name: 'llama-8b-lab', kind: 'openai_compatible', baseUrl: `${sim.url}/v1`, upstreamModel: 'sim-llama', apiKey: KEY, ...over } as never, app.token);

  it("load-tests the deployed plan's engine and records what it measured against the plan, in the requester's name", async () => {
    const r = await app.core.call('optimizer:run', run, app.token);
    const e = await endpoint();
    const job = await app.core.call('optimizer:measure-endpoint', { runId: r.id, endpointId: e.name, concurrency: 4, requests: 16 }, app.token);
    expect(job.title).toBe('Measure llama-8b-lab: 16 requests, 4 clients');
    const done = await app.services.jobs.wait(job.id);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.steps).toEqual([{ name: 'Size the prompts', status: 'done' }, { name: 'Measure at 4 clients', status: 'done' }]);

    const { measurements: [m], tests: [test] } = done.result as { measurements: { measured: { ttftMs: number; tpotMs: number; isl: number; osl: number; concurrency: number; outputTokensPerSec: number }; note: string; planIndex: number; errorPct: { ttft: number } }[]; tests: { requests: number; tokensFrom: string; ttftMs: { mean: number }; tpotMs: { mean: number } }[] };
    expect(test).toMatchObject({ requests: 16, tokensFrom: 'usage' });
    if (!m) throw new Error('no measurement');
    // The simulator's latency model: TTFT 20 ms + 0.05 ms per prompt token (45.6 ms at 512), TPOT 5 ms + 0.2 ms per
    // other running sequence (5.6 ms with 4). Timers only run late, so the bounds above are loose and the ones below tight.
    expect(m.measured.ttftMs).toBeGreaterThan(44);
    expect(m.measured.ttftMs).toBeLessThan(90);
    expect(m.measured.tpotMs).toBeGreaterThan(4.9);
    expect(m.measured.tpotMs).toBeLessThan(12);
    // Prompts are sized by the server's own counts (4 characters a token here): within 5% of the 512 asked for.
    expect(Math.abs(m.measured.isl - 512)).toBeLessThan(26);
    expect(m.measured).toMatchObject({ concurrency: 4, osl: 32 });
    expect(m.measured.outputTokensPerSec).toBeGreaterThan(0);
    expect(m.planIndex).toBe(r.result.plans.findIndex((p) => p.maxConcurrency === r.recommended!.maxConcurrency && p.gpu === r.recommended!.gpu && p.tp === r.recommended!.tp));
    expect(m.note).toBe('Foundry load test of llama-8b-lab: 16 requests, 4 clients');
    expect(Number.isFinite(m.errorPct.ttft)).toBe(true);
    expect((await app.core.call('optimizer:get', { runId: r.id }, app.token)).measurements).toHaveLength(1);

    // Every request streamed with usage, kept every answer at max_tokens, and carried the stored key; no two prompts shared a start.
    const generations = sim.requests.filter((q) => q.path === '/v1/chat/completions').map((q) => q.body as Record<string, unknown>);
    expect(generations).toHaveLength(18); // two sizing probes + 16
    for (const b of generations) expect(b).toMatchObject({ model: 'sim-llama', stream: true, stream_options: { include_usage: true }, ignore_eos: true });
    const starts = generations.slice(2).map((b) => ((b.messages as { content: string }[])[0]!.content).split(' ').slice(0, 8).join(' '));
    expect(new Set(starts).size).toBe(16);
    expect(sim.requests.every((q) => q.headers.authorization === `Bearer ${KEY}`)).toBe(true);

    const audit = app.services.audit.list().find((a) => a.action === 'optimizer:measure-endpoint')!;
    expect(audit).toMatchObject({ target: job.id, actor: 'ada' });
    // Neither the job's stored input nor its logs hold the key.
    const row = app.services.db.prepare<[string], { input: string }>('SELECT input FROM jobs WHERE id = ?').get(job.id)!;
    expect(row.input).not.toContain(KEY);
    expect(JSON.stringify(app.services.jobs.logs(job.id))).not.toContain(KEY);
    expect(app.services.jobs.logs(job.id).map((l) => l.message).join('\n')).toMatch(/tokens per word[^]*16 requests in [\d.]+ s: TTFT mean/);
  });

  it('measures a sweep level by level, one measurement each; a level that fails keeps the ones before it', async () => {
    const r = await app.core.call('optimizer:run', run, app.token);
    const e = await endpoint();
    const job = await app.core.call('optimizer:measure-endpoint', { runId: r.id, endpointId: e.id, concurrency: [8, 2, 8], osl: 16 }, app.token);
    expect(job.title).toBe('Measure llama-8b-lab: 2, 8 clients');
    const done = await app.services.jobs.wait(job.id);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.steps.map((s) => s.name)).toEqual(['Size the prompts', 'Measure at 2 clients', 'Measure at 8 clients']);
    const list = (await app.core.call('optimizer:get', { runId: r.id }, app.token)).measurements;
    expect(list.map((m) => [m.measured.concurrency, m.note])).toEqual([
      [2, 'Foundry load test of llama-8b-lab: 16 requests, 2 clients'],
      [8, 'Foundry load test of llama-8b-lab: 32 requests, 8 clients'],
    ]);
    expect(sim.stats.completed).toBe(2 + 16 + 32);

    // Break the server once the first level is done: that level stays, and the failure says so.
    const broken = await app.core.call('optimizer:measure-endpoint', { runId: r.id, endpointId: e.id, concurrency: [2, 4], requests: 24, osl: 16 }, app.token);
    await waitUntil(() => sim.stats.completed >= 50 + 2 + 24 + 2);
    sim.setFault({ kind: 'error500' });
    const failed = await app.services.jobs.wait(broken.id);
    expect(failed.status).toBe('failed');
    expect(failed.error!.message).toMatch(/^At 4 clients: Request \d+ of 24 failed: .* The levels before it \(2 clients\) are recorded\.$/);
    expect((await app.core.call('optimizer:get', { runId: r.id }, app.token)).measurements.map((m) => m.measured.concurrency)).toEqual([2, 8, 2]);
  });

  it('refuses at once what cannot be measured: an unknown run or plan, an Anthropic endpoint, fewer requests than clients', async () => {
    const r = await app.core.call('optimizer:run', run, app.token);
    const e = await endpoint();
    await expect(app.core.call('optimizer:measure-endpoint', { runId: 'opt_nope', endpointId: e.id, concurrency: 4 }, app.token)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(app.core.call('optimizer:measure-endpoint', { runId: r.id, planIndex: 9999, endpointId: e.id, concurrency: 4 }, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/planIndex 9999/) });
    await expect(app.core.call('optimizer:measure-endpoint', { runId: r.id, endpointId: 'nope', concurrency: 4 }, app.token)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(app.core.call('optimizer:measure-endpoint', { runId: r.id, endpointId: e.id, concurrency: 8, requests: 4 }, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: '4 requests cannot keep 8 clients busy.' });
    await expect(app.core.call('optimizer:measure-endpoint', { runId: r.id, endpointId: e.id, concurrency: [2, 16], requests: 8 }, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: '8 requests cannot keep 16 clients busy.' });
    await expect(app.core.call('optimizer:measure-endpoint', { runId: r.id, endpointId: e.id, concurrency: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('at most 8 levels in one sweep') });
    await expect(app.core.call('optimizer:measure-endpoint', { runId: r.id, endpointId: e.id, concurrency: 4, osl: 1 }, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('TPOT is measured between tokens') });
    const claude = await app.core.call('endpoints:create', { name: 'claude', kind: 'anthropic', baseUrl: 'https://api.anthropic.com/v1', upstreamModel: 'claude-sonnet-4', apiKey: 'sk-ant-0123456789' } as never, app.token);
    await expect(app.core.call('optimizer:measure-endpoint', { runId: r.id, endpointId: claude.id, concurrency: 4 }, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('is Anthropic: Foundry measures engines that serve OpenAI-compatible chat completions') });
    expect(app.services.jobs.list()).toHaveLength(0);
    expect(sim.stats.received).toBe(0);
  });

  it('a wrong key, an endpoint that is down, or a failure mid-test fails the job with the reason, and records nothing', async () => {
    const r = await app.core.call('optimizer:run', run, app.token);
    const wrongKey = await endpoint({ name: 'wrong-key', apiKey: 'sk-not-the-key-000' });
    const failed = await app.services.jobs.wait((await app.core.call('optimizer:measure-endpoint', { runId: r.id, endpointId: wrongKey.id, concurrency: 2 }, app.token)).id);
    expect(failed).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/key/i) } });
    expect(JSON.stringify(failed)).not.toContain('sk-not-the-key-000');

    const port = await closedPort();
    const down = await endpoint({ name: 'down', baseUrl: `http://127.0.0.1:${port}/v1` });
    const unreachable = await app.services.jobs.wait((await app.core.call('optimizer:measure-endpoint', { runId: r.id, endpointId: down.id, concurrency: 2 }, app.token)).id);
    expect(unreachable).toMatchObject({ status: 'failed', error: { message: expect.stringContaining(`Cannot reach 127.0.0.1:${port}`) } });

    const good = await endpoint();
    sim.setFault({ kind: 'error500' });
    const broken = await app.services.jobs.wait((await app.core.call('optimizer:measure-endpoint', { runId: r.id, endpointId: good.id, concurrency: 2 }, app.token)).id);
    expect(broken).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/failed|500/) } });
    sim.setFault(null);
    expect((await app.core.call('optimizer:get', { runId: r.id }, app.token)).measurements).toEqual([]);
  });

  it('a failure after the test began stops every client, says which request failed, and records nothing', async () => {
    const r = await app.core.call('optimizer:run', run, app.token);
    const e = await endpoint();
    const job = await app.core.call('optimizer:measure-endpoint', { runId: r.id, endpointId: e.id, concurrency: 2, requests: 400, osl: 64 }, app.token);
    // Let the sizing probes and some requests pass, then break the server.
    await waitUntil(() => sim.stats.completed >= 6);
    sim.setFault({ kind: 'error500' });
    const done = await app.services.jobs.wait(job.id);
    expect(done.status).toBe('failed');
    expect(done.error!.message).toMatch(/^Request \d+ of 400 failed: .* Nothing was recorded\.$/);
    expect(sim.stats.received).toBeLessThan(400);
    expect((await app.core.call('optimizer:get', { runId: r.id }, app.token)).measurements).toEqual([]);
  });

  it('an endpoint that sends each answer in one piece is refused: its time between tokens is not observable', async () => {
    const buffered = await bufferingServer();
    try {
      const r = await app.core.call('optimizer:run', run, app.token);
      const e = await endpoint({ name: 'buffered', baseUrl: `${buffered.url}/v1` });
      const done = await app.services.jobs.wait((await app.core.call('optimizer:measure-endpoint', { runId: r.id, endpointId: e.id, concurrency: 2 }, app.token)).id);
      expect(done).toMatchObject({ status: 'failed', error: { message: 'endpoint "buffered" sent each answer\'s tokens all at once, so the time between tokens cannot be measured. Nothing was recorded.' } });
      expect((await app.core.call('optimizer:get', { runId: r.id }, app.token)).measurements).toEqual([]);
    } finally {
      buffered.server.close();
    }
  });

  it('cancelling stops the requests and records nothing', async () => {
    const r = await app.core.call('optimizer:run', run, app.token);
    const e = await endpoint();
    const job = await app.core.call('optimizer:measure-endpoint', { runId: r.id, endpointId: e.id, concurrency: 4, requests: 2000, osl: 64 }, app.token);
    await waitUntil(() => sim.stats.completed >= 6);
    app.services.jobs.cancel(job.id);
    const done = await app.services.jobs.wait(job.id);
    expect(done.status).toBe('cancelled');
    const sent = sim.stats.received;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sim.stats.received).toBe(sent);
    expect(sent).toBeLessThan(100);
    expect((await app.core.call('optimizer:get', { runId: r.id }, app.token)).measurements).toEqual([]);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A port nothing listens on: bound, read, and closed again. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** An OpenAI-compatible server that writes each streamed answer (8 tokens, with usage) in a single write. */
async function bufferingServer(): Promise<{ url: string; server: Server }> {
  const server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const chunk = (o: object) => `data: ${JSON.stringify(o)}\n\n`;
      const tokens = Array.from({ length: 8 }, (_, i) => chunk({ choices: [{ index: 0, delta: { content: ` t${i}` }, finish_reason: null }] }));
      const usage = chunk({ choices: [], usage: { prompt_tokens: Math.ceil(body.length / 4), completion_tokens: 8 } });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(tokens.join('') + usage + 'data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}
