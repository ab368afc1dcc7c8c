import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKey, listenGateway, sse, type Running } from '../../test-support/harness';

/**
 * An upstream that sends `[DONE]` and ends its body only `tailMs` later, counting the TCP
 * connections it was opened on: a gateway that abandons the body at `[DONE]` shows up as one new
 * connection per stream.
 */
let upstream: Server;
let connections = 0;
let tailMs = 50;
const open = new Set<ServerResponse>();
const key = apiKey('k1', 'p1');
let gw: Running;

const chunk = (content: string) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
const usage = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } })}\n\n`;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('hel'));
      res.write(chunk('lo') + usage + 'data: [DONE]\n\n');
      open.add(res);
      setTimeout(() => {
        open.delete(res);
        res.end();
      }, tailMs);
    });
  });
  upstream.on('connection', () => connections++);
  upstream.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  gw = await listenGateway({
    auth: { api_keys: [key.entry] },
    providers: { up: { kind: 'openai_compatible', base_url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1` } },
    models: { m: { targets: [{ provider: 'up' }] } },
  });
});
afterAll(async () => {
  await gw.close();
  for (const r of open) r.end();
  await new Promise((r) => upstream.close(r));
});

const stream = () =>
  fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }) });

describe('stream pump', () => {
  it('keeps the upstream connection for the next request when the body ends after [DONE]', async () => {
    for (let i = 0; i < 4; i++) {
      const r = await stream();
      expect(r.status).toBe(200);
      const events = sse(await r.text());
      expect(events).toEqual([expect.stringContaining('"hel"'), expect.stringContaining('"lo"'), '[DONE]']);
      // The tail of the previous body must be read before the pool can reuse its connection.
      await new Promise((res) => setTimeout(res, tailMs + 30));
    }
    expect(connections).toBe(1);
    const feed = gw.gateway.services.usage.read(0, 100).events;
    expect(feed.map((e) => [e.prompt_tokens, e.completion_tokens, e.status])).toEqual(Array(4).fill([3, 2, 200]));
  });

  it('ends the client\'s stream at [DONE] without waiting for the upstream to end its body', async () => {
    tailMs = 3_000;
    const t0 = performance.now();
    const r = await stream();
    expect(sse(await r.text()).at(-1)).toBe('[DONE]');
    expect(performance.now() - t0).toBeLessThan(1_500);
  });
});
