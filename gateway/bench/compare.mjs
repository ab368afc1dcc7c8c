// A/B of the gateway's own CPU cost: `node gateway/bench/compare.mjs [--base REF] [--rounds N]
// [--seconds S] [--stream] [--cpu-prof DIR]`. Not a test.
// Bundles the gateway at git REF (default HEAD; its gateway/src extracted under out/bench-base) and
// the working tree, starts both beside the bare fastify + undici proxy on one zero-delay upstream,
// and in every round runs the same wrk load against each of the three, in rotating order. Each
// run's CPU µs per request comes from /proc (utime + stime over wrk's request count); each round's
// gateway/bare ratio compares processes measured within the same minute, which is what survives
// the shared machine's load swings. --stream adds streaming CPU per request and time to first byte
// (500 req/s, client-side and the gateway's own header) for base and current.
import { execFileSync } from 'node:child_process';
import { mkdirSync, openSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BODY, PATH, STREAM_BODY, benchConfig, cpuMs, userCpuMs, firstJsonLine, freePort, start, waitHealthy, wrk } from './common.mjs';
import { fixedRate, maxThroughput, percentile } from './load.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const opt = (n, d) => {
  const i = process.argv.indexOf(n);
  return i >= 0 ? process.argv[i + 1] : d;
};
const BASE = opt('--base', 'HEAD');
// --current REF compares two commits (REF instead of the working tree); the same REF twice is an A/A run.
const CURRENT = opt('--current', null);
const ROUNDS = Number(opt('--rounds', 4));
const SECONDS = Number(opt('--seconds', 4));
const STREAM = process.argv.includes('--stream');
const CPU_PROF = opt('--cpu-prof', null);
// --base-node-args / --current-node-args "…": extra node flags per side (an A/B of runtime flags:
// the same REF as --base and --current, flags on one side only).
const NODE_ARGS = { base: opt('--base-node-args', '').split(' ').filter(Boolean), current: opt('--current-node-args', '').split(' ').filter(Boolean) };

function bundle(entry, outfile) {
  execFileSync(process.execPath, [join(root, 'gateway/scripts/build.mjs')], { stdio: 'inherit', env: { ...process.env, GATEWAY_ENTRY: entry, GATEWAY_OUTFILE: outfile } });
  return outfile;
}

/** Bundles gateway/src as it is at `ref`, extracted under out/ so node_modules resolve as usual. */
function bundleAt(ref, name) {
  const dir = join(root, 'out', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('bash', ['-c', `git -C "${root}" archive "${ref}" gateway/src | tar -x -C "${dir}"`]);
  return bundle(join(dir, 'gateway/src/main.ts'), join(dir, 'gateway.js'));
}

async function startGateway(file, upstream, name) {
  const { dir, headers } = benchConfig(upstream);
  const port = await freePort();
  const prof = CPU_PROF && name === 'current' ? ['--cpu-prof', '--cpu-prof-dir', resolve(CPU_PROF)] : [];
  const proc = start(process.execPath, [...prof, ...NODE_ARGS[name], file, '--config', dir, '--port', String(port)], { stdio: ['ignore', openSync(join(dir, 'access.log'), 'w'), 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url);
  return { name, proc, url, headers };
}

function cpuPerRequest(t, body) {
  const c0 = cpuMs(t.proc.pid);
  const u0 = userCpuMs(t.proc.pid);
  const r = wrk(`${t.url}${PATH}`, t.headers, body, SECONDS);
  if (r.errors) throw new Error(`${t.name}: ${r.errors} errors`);
  return { us: ((cpuMs(t.proc.pid) - c0) * 1000) / r.requests, userUs: ((userCpuMs(t.proc.pid) - u0) * 1000) / r.requests, rps: r.rps };
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;

async function main() {
  const baseFile = bundleAt(BASE, 'bench-base');
  const curFile = CURRENT ? bundleAt(CURRENT, 'bench-current') : bundle(join(root, 'gateway/src/main.ts'), join(root, 'out/bench-current/gateway.js'));

  const up = start(process.execPath, [join(root, 'gateway/bench/upstream.mjs')]);
  const upstream = await firstJsonLine(up, 'url');
  const base = await startGateway(baseFile, upstream, 'base');
  const cur = await startGateway(curFile, upstream, 'current');
  const bareProc = start(process.execPath, [join(root, 'gateway/bench/bare-proxy.mjs'), '0', upstream]);
  const bare = { name: 'bare', proc: bareProc, url: await firstJsonLine(bareProc, 'address'), headers: base.headers };
  for (const t of [base, cur, bare]) await maxThroughput({ url: t.url, path: PATH, headers: t.headers, body: BODY, seconds: 2 });

  const kinds = STREAM ? [['unary', BODY], ['stream', STREAM_BODY]] : [['unary', BODY]];
  const rows = [];
  for (let r = 0; r < ROUNDS; r++) {
    const order = [[base, cur, bare], [cur, bare, base], [bare, base, cur]][r % 3];
    for (const [kind, body] of kinds) {
      const row = { round: r + 1, kind };
      for (const t of order) row[t.name] = cpuPerRequest(t, body);
      rows.push(row);
      console.log(`round ${r + 1} ${kind}: CPU µs/req base ${row.base.us.toFixed(1)} current ${row.current.us.toFixed(1)} bare ${row.bare.us.toFixed(1)} (user ${row.base.userUs.toFixed(1)} ${row.current.userUs.toFixed(1)} ${row.bare.userUs.toFixed(1)}) | ratio to bare ${(row.base.us / row.bare.us).toFixed(2)} → ${(row.current.us / row.bare.us).toFixed(2)} | req/s ${Math.round(row.base.rps)} ${Math.round(row.current.rps)} ${Math.round(row.bare.rps)}`);
    }
  }
  const summary = {};
  for (const [kind] of kinds) {
    const rs = rows.filter((x) => x.kind === kind);
    const col = (n) => rs.map((x) => x[n].us);
    const ratio = (n) => rs.map((x) => x[n].us / x.bare.us);
    summary[kind] = {
      cpu_us_median: { base: +median(col('base')).toFixed(1), current: +median(col('current')).toFixed(1), bare: +median(col('bare')).toFixed(1) },
      ratio_to_bare_mean: { base: +mean(ratio('base')).toFixed(3), current: +mean(ratio('current')).toFixed(3) },
      user_us_median: { base: +median(rs.map((x) => x.base.userUs)).toFixed(1), current: +median(rs.map((x) => x.current.userUs)).toFixed(1), bare: +median(rs.map((x) => x.bare.userUs)).toFixed(1) },
      // Paired within each round: the figure that decides whether a change helped.
      current_vs_base: { mean: +mean(rs.map((x) => x.current.us / x.base.us)).toFixed(3), median: +median(rs.map((x) => x.current.us / x.base.us)).toFixed(3), user_median: +median(rs.map((x) => x.current.userUs / x.base.userUs)).toFixed(3) },
    };
  }
  if (STREAM) {
    summary.ttfb_at_500_rps_ms = {};
    for (const t of [base, cur, base, cur]) {
      const s = await fixedRate({ url: t.url, path: PATH, headers: t.headers, body: STREAM_BODY, rate: 500, seconds: 4, firstByte: true });
      (summary.ttfb_at_500_rps_ms[t.name] ??= []).push({ p50: +percentile(s.ttfb, 50).toFixed(3), p99: +percentile(s.ttfb, 99).toFixed(3), inside_p50: +percentile(s.overhead, 50).toFixed(3), inside_p99: +percentile(s.overhead, 99).toFixed(3) });
    }
  }
  console.log(JSON.stringify({ base: BASE, current: CURRENT ?? 'working tree', rounds: ROUNDS, seconds: SECONDS, summary }, null, 2));
  if (CPU_PROF) {
    const exited = new Promise((r) => cur.proc.once('exit', r));
    cur.proc.kill('SIGTERM');
    await exited;
  }
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
