// Shared by run.mjs and compare.mjs: the bench's processes, config and measuring tools, so both
// scripts measure the same gateway setup the same way.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const children = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGTERM')));

export function start(cmd, args, opts = {}) {
  const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], ...opts });
  children.push(c);
  return c;
}

export function firstJsonLine(child, key) {
  return new Promise((res, rej) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      for (const line of buf.split('\n')) {
        try {
          const j = JSON.parse(line);
          if (j[key]) return res(j[key]);
        } catch {}
      }
    });
    child.once('exit', (c) => rej(new Error(`exited ${c}: ${buf}`)));
  });
}

export function freePort() {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });
}

export async function waitHealthy(url) {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('gateway did not become healthy');
}

// utime + stime of a process in ms (USER_HZ is 100 on Linux): CPU per request is what a shared,
// noisy 2-core machine can still compare fairly, where req/s moves with the neighbours' load.
export const cpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
/** User-mode CPU ms alone: the JavaScript side, less moved by the kernel's loopback TCP work. */
export const userCpuMs = (pid) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[11]) * 10;
export const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
export const haveWrk = spawnSync('which', ['wrk']).status === 0;
export const haveVegeta = spawnSync('which', ['vegeta']).status === 0;

/**
 * Fixed-rate latency with vegeta (open loop, its own process, a Go runtime): the same result shape as load.mjs's
 * fixedRate for unary calls. Latency is to the last byte; x-foundry-overhead-ms is read from each answer's headers.
 */
export function vegetaFixedRate({ url, path, headers, body, rate, seconds }) {
  const dir = mkdtempSync(join(tmpdir(), 'fdy-vegeta-'));
  writeFileSync(join(dir, 'body.json'), body);
  writeFileSync(join(dir, 'targets.txt'), [`POST ${url}${path}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), `@${join(dir, 'body.json')}`, ''].join('\n'));
  const results = join(dir, 'results.bin');
  execFileSync('vegeta', ['attack', '-targets', join(dir, 'targets.txt'), '-rate', `${rate}/s`, '-duration', `${seconds}s`, '-http2=false', '-max-body', '0', '-output', results]);
  // CSV columns: timestamp ns, status, latency ns, bytes out, bytes in, error, body, name, seq, method, url, headers (base64).
  const csv = execFileSync('vegeta', ['encode', '--to', 'csv', results], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const lat = [];
  const overhead = [];
  let errors = 0;
  let first = Infinity;
  let last = 0;
  for (const line of csv.split('\n')) {
    if (!line) continue;
    const f = line.split(',');
    if (f[1] !== '200') errors++;
    const at = Number(f[0]) / 1e6;
    first = Math.min(first, at);
    last = Math.max(last, at);
    lat.push(Number(f[2]) / 1e6);
    const o = /x-foundry-overhead-ms: ([0-9.]+)/i.exec(Buffer.from(f[11] ?? '', 'base64').toString('latin1'));
    if (o) overhead.push(Number(o[1]));
  }
  const sorted = (a) => a.sort((x, y) => x - y);
  return { sent: lat.length, errors, achievedRps: lat.length / Math.max(1e-3, (last - first) / 1000), lat: sorted(lat), ttfb: [], overhead: sorted(overhead) };
}

export function wrk(url, headers, body, seconds) {
  const dir = mkdtempSync(join(tmpdir(), 'fdy-wrk-'));
  const lua = join(dir, 'post.lua');
  writeFileSync(lua, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\n${Object.entries(headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`).join('\n')}\n` +
    'done = function(summary, latency, requests)\n  io.write(string.format("JSON{\\"rps\\":%f,\\"requests\\":%d,\\"errors\\":%d,\\"p50\\":%f,\\"p99\\":%f,\\"p999\\":%f}\\n", summary.requests / (summary.duration / 1e6), summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000))\nend\n');
  const out = execFileSync('wrk', ['-t1', '-c64', `-d${seconds}s`, '-s', lua, url], { encoding: 'utf8' });
  return JSON.parse(/JSON(\{.*\})/.exec(out)[1]);
}

export const PATH = '/v1/chat/completions';
export const BODY = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'Say something short about GPUs.' }], max_tokens: 16 });
export const STREAM_BODY = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'Say something short about GPUs.' }], max_tokens: 16, stream: true });

/**
 * A config directory for the bench gateway: auth (one API key), 3 request buckets + 2 token
 * buckets, key and project monthly budgets, p2c_ewma over 2 targets, access log on.
 * Returns the directory and the request headers carrying the key.
 */
export function benchConfig(upstream, { guardrails = false } = {}) {
  const key = `fdy_${randomBytes(32).toString('base64url')}`;
  const dir = mkdtempSync(join(tmpdir(), 'fdy-bench-'));
  writeFileSync(join(dir, 'config.toml'), [
    '[server]', 'host = "127.0.0.1"', 'port = 0', 'access_log = true',
    '[[auth.api_keys]]', 'id = "bench"', 'project = "bench"', `hash = "${createHash('sha256').update(key).digest('hex')}"`,
    'requests_per_minute = 100000000', 'tokens_per_minute = 1000000000', 'monthly_token_budget = 1000000000000',
    '[projects.bench]', 'requests_per_minute = 100000000',
    ...(guardrails ? ['guardrail = "bench"', '[guardrails.bench]', 'deny = ["project zeus", "internal only"]'] : []),
    '[providers.a]', 'kind = "openai_compatible"', `base_url = "${upstream}/v1"`,
    '[providers.b]', 'kind = "openai_compatible"', `base_url = "${upstream}/v1"`,
    '[models.bench]', 'strategy = "p2c_ewma"', 'tokens_per_minute = 1000000000',
    '[[models.bench.targets]]', 'provider = "a"', '[[models.bench.targets]]', 'provider = "b"',
  ].join('\n'));
  return { dir, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } };
}
