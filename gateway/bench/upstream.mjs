// A zero-delay OpenAI-compatible upstream for the benchmark: canned bytes, no parsing beyond a
// substring check, so the upstream costs as little as possible and the gateway's cost shows.
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
const created = Math.floor(Date.now() / 1000);
const json = Buffer.from(JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion', created, model: 'bench', choices: [{ index: 0, message: { role: 'assistant', content: 'the model answers with simulated tokens' }, finish_reason: 'stop' }], usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 } }));
const chunk = (delta, finish = null) => `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created, model: 'bench', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const sse = Buffer.from(
  chunk({ role: 'assistant', content: '' }) + ['the', ' model', ' answers'].map((t) => chunk({ content: t })).join('') + chunk({}, 'stop') +
    `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created, model: 'bench', choices: [], usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 } })}\n\n` + 'data: [DONE]\n\n',
);
const jsonHeaders = { 'content-type': 'application/json', 'content-length': json.length };
const sseHeaders = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

const server = createServer((req, res) => {
  let streaming = false;
  req.on('data', (d) => {
    if (!streaming && d.includes('"stream":true')) streaming = true;
  });
  req.on('end', () => {
    if (streaming) {
      res.writeHead(200, sseHeaders);
      res.end(sse);
    } else {
      res.writeHead(200, jsonHeaders);
      res.end(json);
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })));
