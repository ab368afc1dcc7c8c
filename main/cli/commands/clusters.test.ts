import { vi, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadYaml } from '@kubernetes/client-node';
import type { Sandbox } from '../../../e2e/sandbox/sandbox';
import { tempDir } from '../../core/testing/harness';
import { clusterTestsAvailable, kubeconfigOf, startTestSandbox } from '../../core/clusters/testing';
import { cliRunner } from '../testing';

// Each step runs the CLI as its own process (about a second, several on a loaded 2-core CI machine).
vi.setConfig({ testTimeout: 120_000 });

/** `foundry clusters` as a user runs it: a separate process on a real FOUNDRY_HOME, against a real API server. */
const available = await clusterTestsAvailable();
const home = tempDir();
const files = tempDir('foundry-kubeconfig-');
let sb: Sandbox;
let keyData: string;

const foundry = cliRunner(home.path);

beforeAll(async () => {
  if (!available) return;
  sb = await startTestSandbox('cli-clusters');
  // A kubeconfig as many tools write it: certificates in files next to it, referenced by relative paths.
  const doc = loadYaml<{ clusters: { cluster: Record<string, string> }[]; users: { user: Record<string, string> }[] }>(kubeconfigOf(sb));
  const cluster = doc.clusters[0]!.cluster;
  const user = doc.users[0]!.user;
  keyData = user['client-key-data']!;
  writeFileSync(join(files.path, 'ca.crt'), Buffer.from(cluster['certificate-authority-data']!, 'base64'));
  writeFileSync(join(files.path, 'client.crt'), Buffer.from(user['client-certificate-data']!, 'base64'));
  writeFileSync(join(files.path, 'client.key'), Buffer.from(keyData, 'base64'), { mode: 0o600 });
  cluster['certificate-authority'] = 'ca.crt';
  user['client-certificate'] = 'client.crt';
  user['client-key'] = './client.key';
  delete cluster['certificate-authority-data'];
  delete user['client-certificate-data'];
  delete user['client-key-data'];
  writeFileSync(join(files.path, 'config'), JSON.stringify(doc));
  const setup = foundry(['setup', '-u', 'ada', '--password-stdin'], 'correct horse battery\n');
  expect(setup.code, setup.err).toBe(0);
}, 120_000);
afterAll(async () => {
  await sb?.stop();
  home.remove();
  files.remove();
});

describe.skipIf(!available)('foundry clusters', () => {
  it('adds the current context of a kubeconfig whose certificates live in files, and lists its GPUs', () => {
    const add = foundry(['clusters', 'add', '--kubeconfig', join(files.path, 'config'), '--name', 'lab']);
    expect(add.code, add.err).toBe(0);
    expect(add.out).toContain('Imported 1 cluster');
    expect(add.out).toMatch(/lab\s+https:\/\/127\.0\.0\.1:\d+\s+ok\s+v1\.33\.13\s+5\/5 ready\s+16× NVIDIA-H100-80GB-HBM3, 8× NVIDIA-A100-SXM4-40GB\s+not synced/);
    const list = foundry(['clusters', 'list', '--json']);
    expect(JSON.parse(list.out)).toEqual([expect.objectContaining({ name: 'lab', context: sb.name, authKind: 'client-certificate' })]);
    // Read into memory only: nothing in the data folder carries the key.
    for (const f of readdirSync(home.path)) expect(readFileSync(join(home.path, f)).toString('latin1').includes(keyData.slice(0, 40)), f).toBe(false);
  });

  it('explains a missing file, an unknown context and a duplicate name with exit codes', () => {
    const missing = foundry(['clusters', 'add', '--kubeconfig', join(files.path, 'nope')]);
    expect(missing).toMatchObject({ code: 2, err: expect.stringContaining('no such file') });
    const unknown = foundry(['clusters', 'add', '--kubeconfig', join(files.path, 'config'), '--context', 'staging']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no context named "staging"');
    expect(unknown.err).toContain(`hint: It has one context: ${sb.name}.`);
    const dup = foundry(['clusters', 'add', '--kubeconfig', join(files.path, 'config'), '--name', 'LAB']);
    expect(dup.code).toBe(5);
    expect(dup.err).toContain('already imported');
  });

  it('checks a cluster and shows its nodes, syncs the gateway config, and removes the cluster', () => {
    const check = foundry(['clusters', 'check', 'lab']);
    expect(check.code, check.err).toBe(0);
    expect(check.out).toMatch(/h100-1\s+true\s+p5\.48xlarge\s+us-east-1b\s+NVIDIA-H100-80GB-HBM3\s+8\/8\s+81559/);
    const sync = foundry(['clusters', 'sync', 'lab']);
    expect(sync.code, sync.err).toBe(0);
    expect(sync.out).toContain('Sync gateway config to lab: succeeded');
    expect(foundry(['clusters', 'list']).out).toMatch(/lab .* synced 20\d\d-/);
    const wrong = foundry(['clusters', 'remove', 'lab', '--confirm', 'la']);
    expect(wrong.code).toBe(2);
    const gone = foundry(['clusters', 'remove', 'lab', '--confirm', 'lab']);
    expect(gone.code, gone.err).toBe(0);
    expect(foundry(['clusters', 'list']).out.trim()).toBe('(none)');
  });
});
