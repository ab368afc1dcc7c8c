// Measurements quoted in e2e/sandbox/README.md. Run:
//   npx tsx e2e/sandbox/measure.ts start            # start time + RSS of one sandbox (5 runs)
//   npx tsx e2e/sandbox/measure.ts fleet 1,3,5,8    # RSS and idle CPU of N concurrent sandboxes
//   npx tsx e2e/sandbox/measure.ts nodes 500,2000   # list latency for N simulated nodes
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { startFleet, startSandbox, stopAll, type Sandbox } from './sandbox';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CLK_TCK = 100;

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime
}

/** Average CPU use of the processes over a window, in % of one core. */
async function cpuPercent(pids: number[], ms: number): Promise<number> {
  const before = pids.map(cpuTicks);
  await sleep(ms);
  const used = pids.map(cpuTicks).reduce((a, t, i) => a + t - before[i]!, 0);
  return Math.round((used / CLK_TCK / (ms / 1000)) * 1000) / 10;
}

async function timeIt(fn: () => Promise<unknown>, runs = 5): Promise<number> {
  await fn(); // warm caches and connections
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return Math.round(times.sort((a, b) => a - b)[Math.floor(runs / 2)]!);
}

async function measureStart(): Promise<void> {
  for (const profile of ['cpu-only', 'mixed']) {
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const sb = await startSandbox({ profile, name: `m${i}`, build: false });
      const wall = Math.round(performance.now() - t);
      await sleep(20_000);
      console.log(JSON.stringify({ profile, run: i, startupMs: sb.startupMs, spawnToReadyMs: wall, rssMiBAfter20s: rssMiB(sb.pid) }));
      await sb.stop();
    }
  }
}

async function measureFleet(sizes: number[]): Promise<void> {
  for (const n of sizes) {
    const t = performance.now();
    const fleet = await startFleet(n, 'mixed', { namePrefix: `f${n}`, build: false });
    const ready = Math.round(performance.now() - t);
    await sleep(30_000); // let start-up work settle
    const pids = fleet.map((s) => s.pid);
    const cpu = await cpuPercent(pids, 30_000);
    const rss = pids.map(rssMiB);
    const list = await timeIt(() => listNodes(fleet[0]!));
    console.log(JSON.stringify({ sandboxes: n, allReadyMs: ready, idleCpuPctOfOneCore: cpu, rssMiB: rss, listNodesMs: list,
      loadavg: readFileSync('/proc/loadavg', 'utf8').trim() }));
    await stopAll(fleet);
  }
}

function listNodes(sb: Sandbox): Promise<k8s.V1NodeList> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(sb.kubeconfigPath);
  return kc.makeApiClient(k8s.CoreV1Api).listNode();
}

async function measureNodes(counts: number[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-measure-'));
  try {
    for (const count of counts) {
      const profile = join(dir, `n${count}.yaml`);
      writeFileSync(profile, [
        `name: scale-${count}`,
        'nodePools:',
        `  - {name: h100, count: ${count}, instanceType: p5.48xlarge, zones: [a, b, c], cpu: "192", memory: 2048Gi,`,
        '     gpu: {product: NVIDIA-H100-80GB-HBM3, memoryMiB: 81559, count: 8, family: hopper}}',
      ].join('\n'));
      const t = performance.now();
      const sb = await startSandbox({ profile, name: `n${count}`, build: false, startTimeoutMs: 600_000 });
      const ready = Math.round(performance.now() - t);
      await sleep(30_000); // start-up work (CIDRs, leases, GC sync) settles first
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(sb.kubeconfigPath);
      const core = kc.makeApiClient(k8s.CoreV1Api);
      const listed = (await core.listNode()).items.length;
      const clientNodeMs = await timeIt(() => core.listNode());
      const kubectlMs = await timeIt(() => run('kubectl', ['--kubeconfig', sb.kubeconfigPath, 'get', 'nodes'], { maxBuffer: 1 << 28 }));
      const kubectlJsonMs = await timeIt(() =>
        run('kubectl', ['--kubeconfig', sb.kubeconfigPath, 'get', 'nodes', '-o', 'json'], { maxBuffer: 1 << 28 }));
      const cpu = await cpuPercent([sb.pid], 30_000);
      console.log(JSON.stringify({ nodes: count, listed, readyMs: ready, clientNodeListMs: clientNodeMs,
        kubectlGetNodesMs: kubectlMs, kubectlJsonMs, steadyCpuPctOfOneCore: cpu, rssMiB: rssMiB(sb.pid) }));
      await sb.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const [what, arg] = process.argv.slice(2);
const list = (arg ?? '').split(',').filter(Boolean).map(Number);
const job = what === 'start' ? measureStart() : what === 'fleet' ? measureFleet(list) : what === 'nodes' ? measureNodes(list) : null;
if (!job) {
  console.error('usage: measure.ts start | fleet 1,3,5 | nodes 500,1000');
  process.exit(2);
}
job.catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
