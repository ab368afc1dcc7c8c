// Calibration only: the bare fastify + undici proxy the issue compares against (no auth, limits,
// routing, accounting or metrics). `node gateway/bench/bare-proxy.mjs <port> <upstream-url>`.
import Fastify from 'fastify';
import { Pool } from 'undici';

const [port, upstream] = [Number(process.argv[2] ?? 0), process.argv[3]];
const pool = new Pool(upstream, { connections: 128 });
const app = Fastify();
app.removeAllContentTypeParsers();
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.post('/v1/chat/completions', async (req, reply) => {
  const res = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json' }, body: req.body });
  reply.code(res.statusCode).header('content-type', 'application/json');
  return Buffer.from(await res.body.arrayBuffer());
});
app.listen({ port, host: '127.0.0.1' }).then((address) => console.log(JSON.stringify({ address })));
// A clean exit on SIGTERM, so `--cpu-prof` can write its profile when comparing against the gateway.
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
