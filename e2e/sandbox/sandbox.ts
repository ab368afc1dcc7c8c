// Starts and stops kube-sandbox processes (a real Kubernetes control plane with
// simulated GPU nodes, built from e2e/sandbox by build.sh) for Vitest,
// Playwright global setup and `npm run sandbox`.
import { spawn, execFile, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { KubeConfig } from '@kubernetes/client-node';

/** Directory of this file. tsx, Vitest and Playwright all provide __dirname here; import.meta would make
 * Playwright's loader treat the file as an ES module, which this CommonJS package is not. */
const here: string = __dirname;

export const SANDBOX_DIR = here;
export const PROFILES_DIR = join(here, 'profiles');
const BUILD_SCRIPT = join(here, 'build.sh');

export interface SandboxOptions {
  /** Profile name in e2e/sandbox/profiles (e.g. "mixed") or a path to a YAML file. */
  profile?: string;
  /** Cluster/context name in the kubeconfig. */
  name?: string;
  /** Where the admin kubeconfig goes (default: inside the data dir). */
  kubeconfigPath?: string;
  /** Image globs that fail to pull (ImagePullBackOff), added to the profile's list. */
  denyImages?: string[];
  /** Give up if the ready line does not arrive in time (default 120 s). */
  startTimeoutMs?: number;
  /** Use this binary instead of the cached build. */
  binary?: string;
  /** Build the binary if it is missing (default true). */
  build?: boolean;
  /** klog verbosity of the sandbox (its log goes to <dataDir>/kube-sandbox.log). */
  verbosity?: number;
}

export interface Sandbox {
  name: string;
  server: string;
  kubeconfigPath: string;
  dataDir: string;
  pid: number;
  /** Milliseconds from process start to the ready line, as the sandbox measured it. */
  startupMs: number;
  nodes: number;
  /** Last lines of the sandbox's log, for error messages. */
  logTail(): string;
  /** SIGTERM, wait for exit (SIGKILL after 20 s), remove the data dir. Idempotent. */
  stop(): Promise<void>;
}

interface ReadyLine {
  ready: boolean;
  error?: string;
  name?: string;
  server?: string;
  kubeconfig?: string;
  pid?: number;
  startupMs?: number;
  nodes?: number;
}

function runBuildScript(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile('bash', [BUILD_SCRIPT, ...args], { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      res({ code, stdout: stdout.trim(), stderr });
    });
  });
}

/** Path of the cached binary for the current sources, or null when it is not built. */
export async function findSandboxBinary(): Promise<string | null> {
  const fromEnv = process.env.FOUNDRY_KUBE_SANDBOX_BIN;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  const r = await runBuildScript(['--check']);
  return r.code === 0 && r.stdout ? r.stdout.split('\n').pop()! : null;
}

/** Path of the binary, building it first when missing (minutes on a cold machine). */
export async function ensureSandboxBinary(): Promise<string> {
  const found = await findSandboxBinary();
  if (found) return found;
  const r = await runBuildScript([]);
  if (r.code !== 0) throw new Error(`e2e/sandbox/build.sh failed (exit ${r.code}):\n${r.stderr.slice(-4000)}`);
  return r.stdout.split('\n').pop()!;
}

export function resolveProfile(profile: string): string {
  if (isAbsolute(profile) || profile.includes('/') || profile.endsWith('.yaml')) return resolve(profile);
  return join(PROFILES_DIR, `${profile}.yaml`);
}

// Every sandbox this process started, so that an exiting test runner never
// leaves one behind (the sandbox also exits when its stdin closes).
const live = new Set<ChildProcessWithoutNullStreams>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** Start one sandbox and resolve once it printed its ready line. */
export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const binary = opts.binary ?? (opts.build === false ? await findSandboxBinary() : await ensureSandboxBinary());
  if (!binary) throw new Error('kube-sandbox is not built; run `npm run sandbox:build`');
  const name = opts.name ?? 'sandbox';
  const dataDir = mkdtempSync(join(tmpdir(), `kube-sandbox-${name}-`));
  // --exit-on-stdin-close and --remove-data-dir: nothing survives this process, even if it is SIGKILLed.
  const args = ['--name', name, '--data-dir', dataDir, '--exit-on-stdin-close', '--remove-data-dir'];
  if (opts.kubeconfigPath) args.push('--kubeconfig-out', resolve(opts.kubeconfigPath));
  if (opts.profile) {
    const p = resolveProfile(opts.profile);
    if (!existsSync(p)) throw new Error(`sandbox profile not found: ${p}`);
    args.push('--profile', p);
  }
  if (opts.denyImages?.length) args.push('--deny-images', opts.denyImages.join(','));
  if (opts.verbosity !== undefined) args.push('--v', String(opts.verbosity));

  installExitHook();
  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => { live.delete(child); res(code); }));

  // The log goes to a file; a ring of recent lines goes into error messages.
  const logFile = createWriteStream(join(dataDir, 'kube-sandbox.log'));
  const tail: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    logFile.write(line + '\n');
    tail.push(line);
    if (tail.length > 60) tail.shift();
  });
  const logTail = () => tail.join('\n');

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      logFile.end();
      rmSync(dataDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const timeoutMs = opts.startTimeoutMs ?? 120_000;
  const ready = await new Promise<ReadyLine>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`kube-sandbox ${name} not ready after ${timeoutMs} ms`)), timeoutMs);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      let msg: ReadyLine;
      try {
        msg = JSON.parse(line) as ReadyLine;
      } catch {
        return; // not the ready line
      }
      clearTimeout(timer);
      if (msg.ready) res(msg);
      else rej(new Error(`kube-sandbox ${name} failed: ${msg.error ?? 'unknown error'}`));
    });
    child.once('error', (err) => { clearTimeout(timer); rej(err); });
    void exited.then((code) => { clearTimeout(timer); rej(new Error(`kube-sandbox ${name} exited with ${code} before it was ready`)); });
  }).catch(async (err: Error) => {
    await stop();
    throw new Error(`${err.message}\n--- last log lines ---\n${logTail()}`);
  });

  return {
    name,
    server: ready.server!,
    kubeconfigPath: ready.kubeconfig!,
    dataDir,
    pid: ready.pid ?? child.pid!,
    startupMs: ready.startupMs ?? 0,
    nodes: ready.nodes ?? 0,
    logTail,
    stop,
  };
}

/** Start n independent sandboxes with the same profile, named `${prefix}-1..n`. */
export async function startFleet(
  n: number,
  profile: string,
  opts: Omit<SandboxOptions, 'profile' | 'name'> & { namePrefix?: string } = {},
): Promise<Sandbox[]> {
  const binary = opts.binary ?? (await ensureSandboxBinary());
  const prefix = opts.namePrefix ?? 'sandbox';
  const results = await Promise.allSettled(
    Array.from({ length: n }, (_, i) => startSandbox({ ...opts, binary, profile, name: `${prefix}-${i + 1}` })),
  );
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((s) => s.stop()));
    throw failed.reason;
  }
  return started;
}

/** Stop several sandboxes at once. */
export async function stopAll(sandboxes: Sandbox[]): Promise<void> {
  await Promise.all(sandboxes.map((s) => s.stop()));
}

/** One kubeconfig with each sandbox's cluster, user and context (named after the sandbox). */
export function mergeKubeconfigs(sandboxes: Sandbox[]): string {
  const clusters: unknown[] = [];
  const users: unknown[] = [];
  const contexts: unknown[] = [];
  for (const s of sandboxes) {
    const kc = new KubeConfig();
    kc.loadFromFile(s.kubeconfigPath);
    clusters.push(...kc.clusters);
    users.push(...kc.users);
    contexts.push(...kc.contexts);
  }
  const merged = new KubeConfig();
  merged.loadFromOptions({ clusters, users, contexts, currentContext: sandboxes[0]?.name });
  // JSON is valid YAML, so kubectl and every client read this file.
  return merged.exportConfig();
}
