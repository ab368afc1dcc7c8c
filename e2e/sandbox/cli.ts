// npm run sandbox -- --clusters 3 --profile mixed [--kubeconfig PATH] [--name-prefix P]
// Starts N independent kube-sandboxes, writes ONE kubeconfig with a context per
// cluster, prints its path, and stops them all on SIGINT/SIGTERM.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mergeKubeconfigs, startFleet, stopAll } from './sandbox';

function usage(): never {
  console.error(
    'usage: npm run sandbox -- [--clusters N] [--profile NAME|PATH] [--kubeconfig PATH] [--name-prefix PREFIX] [--deny-images GLOB,...]',
  );
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        clusters: { type: 'string', default: '1' },
        profile: { type: 'string', default: 'mixed' },
        kubeconfig: { type: 'string' },
        'name-prefix': { type: 'string' },
        'deny-images': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    console.error((err as Error).message);
    usage();
  }
  if (values.help) usage();
  const n = Number(values.clusters);
  if (!Number.isInteger(n) || n < 1 || n > 20) usage();

  const kubeconfigPath = resolve(values.kubeconfig ?? join(homedir(), '.cache', 'foundry', 'sandbox', 'kubeconfig'));
  const prefix = values['name-prefix'] ?? `sandbox-${values.profile.replace(/[^a-z0-9-]/gi, '')}`;
  console.error(`starting ${n} sandbox cluster(s) with profile ${values.profile}...`);
  const started = Date.now();
  const fleet = await startFleet(n, values.profile, {
    namePrefix: prefix,
    denyImages: values['deny-images']?.split(',').filter(Boolean),
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: stopping ${fleet.length} sandbox cluster(s)...`);
    await stopAll(fleet);
    rmSync(kubeconfigPath, { force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  mkdirSync(dirname(kubeconfigPath), { recursive: true, mode: 0o700 });
  writeFileSync(kubeconfigPath, mergeKubeconfigs(fleet), { mode: 0o600 });

  for (const s of fleet) {
    console.error(`  ${s.name.padEnd(24)} ${s.server}  ${s.nodes} nodes  ready in ${s.startupMs} ms  (pid ${s.pid})`);
  }
  console.error(`all ready in ${Date.now() - started} ms; Ctrl-C stops them.`);
  console.error(`  export KUBECONFIG=${kubeconfigPath}`);
  // The path alone on stdout, so scripts can capture it.
  console.log(kubeconfigPath);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
