// Calibration only: compiled reverse proxies, one worker or thread each, in front of the same upstream: what the
// fastest single-threaded proxies reach on this machine, doing none of the gateway's work (no auth, limits, routing,
// accounting, metrics or access log). The issue sets the gateway beside "the best gateways written in Rust"; nginx and
// HAProxy are the C ones Debian ships (apt-get install nginx-light haproxy). Each runs only where it is installed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, start } from './common.mjs';

const installed = (bin) => spawnSync(bin, ['-v'], { stdio: 'ignore' }).error === undefined;
const NGINX = '/usr/sbin/nginx';
const HAPROXY = '/usr/sbin/haproxy';

function nginxConfig(dir, port, upstreamPort) {
  // master_process off: one process, so its /proc CPU time is the whole proxy's. Keep-alive to the upstream, as the gateway.
  return `worker_processes 1; daemon off; master_process off; error_log ${dir}/nginx-error.log; pid ${dir}/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  upstream up { server 127.0.0.1:${upstreamPort}; keepalive 128; }
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
`;
}

function haproxyConfig(port, upstreamPort) {
  return ['global', '  nbthread 1', 'defaults', '  mode http', '  timeout connect 5s', '  timeout client 30s', '  timeout server 30s',
    'frontend bench', `  bind 127.0.0.1:${port}`, '  default_backend upstream', 'backend upstream', '  http-reuse always', `  server s1 127.0.0.1:${upstreamPort}`, ''].join('\n');
}

async function listening(url) {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url, { method: 'HEAD' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${url} did not start listening`);
}

/** Starts each installed native proxy in front of `upstream`; returns `{ name: { url, pid } }` (empty when none is installed). */
export async function startNativeProxies(upstream) {
  const upstreamPort = new URL(upstream).port;
  const dir = mkdtempSync(join(tmpdir(), 'fdy-native-'));
  const proxies = {};
  if (installed(NGINX)) {
    const port = await freePort();
    writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, port, upstreamPort));
    const p = start(NGINX, ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
    proxies.nginx = { url: `http://127.0.0.1:${port}`, pid: p.pid };
  }
  if (installed(HAPROXY)) {
    const port = await freePort();
    writeFileSync(join(dir, 'haproxy.cfg'), haproxyConfig(port, upstreamPort));
    const p = start(HAPROXY, ['-f', join(dir, 'haproxy.cfg'), '-db'], { stdio: 'ignore' });
    proxies.haproxy = { url: `http://127.0.0.1:${port}`, pid: p.pid };
  }
  await Promise.all(Object.values(proxies).map((p) => listening(p.url)));
  return proxies;
}
