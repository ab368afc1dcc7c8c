// Bundles the gateway into one file that a stock Node 20 image runs: out/gateway/gateway.js.
// Everything (fastify, undici, pino, jose, ioredis, prom-client, zod, smol-toml) is inlined, so the
// desktop can ship it in a ConfigMap with no registry or npm install in the cluster.
import { build } from 'esbuild';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outfile = resolve(root, process.env.GATEWAY_OUTFILE ?? 'out/gateway/gateway.js');
// GATEWAY_ENTRY lets bench/compare.mjs bundle an older tree (extracted under out/) the same way.
const entry = resolve(root, process.env.GATEWAY_ENTRY ?? 'gateway/src/main.ts');

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: process.env.GATEWAY_MINIFY !== '0',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  banner: { js: '// Foundry gateway — bundled; see gateway/README.md' },
});
// A ConfigMap holds at most 1 MiB; the minified bundle is ~2 MB, gzip brings it to ~0.55 MB, which
// fits as binaryData (base64). The Deployment's init container unpacks it (see src/manifests.ts).
writeFileSync(`${outfile}.gz`, gzipSync(readFileSync(outfile), { level: 9 }));
console.log(`built ${outfile} (${Math.round(statSync(outfile).size / 1024)} KiB, gzip ${Math.round(statSync(`${outfile}.gz`).size / 1024)} KiB)`);
