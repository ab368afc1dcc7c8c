import { vi, afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../e2e/sandbox/sandbox';
import { tempDir } from '../../core/testing/harness';
import { clusterTestsAvailable, kubeconfigOf, startTestSandbox } from '../../core/clusters/testing';
import { cliRunner } from '../testing';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Each step runs the CLI as its own process (about a second, several on a loaded 2-core CI machine).
vi.setConfig({ testTimeout: 120_000 });

/** `foundry clusters limits-store` as a user runs it: separate processes on a real FOUNDRY_HOME, a cluster imported from a real API server. */
const available = await clusterTestsAvailable();
const home = tempDir();
const foundry = cliRunner(home.path);
const PASSWORD = 'cli-limits-password-77e1';
let sb: Sandbox;

beforeAll(async () => {
  if (!available) return;
  sb = await startTestSandbox('cli-limits');
  const file = join(home.path, 'kubeconfig.yaml');
  writeFileSync(file, kubeconfigOf(sb), { mode: 0o600 });
  expect(foundry(['setup', '-u', 'ada', '--password-stdin'], 'correct horse battery\n').code).toBe(0);
  const add = foundry(['clusters', 'add', '-k', file, '--name', 'east']);
  expect(add.code, add.err).toBe(0);
}, 120_000);
afterAll(async () => {
  await sb?.stop();
  home.remove();
  delete process.env.FOUNDRY_TEST_REDIS_URL;
});

describe.skipIf(!available)('foundry clusters limits-store', () => {
  it('refuses a missing choice, a URL on the command line, an unset variable and a bad URL, without printing the password', () => {
    expect(foundry(['clusters', 'limits-store', 'east']).err).toContain('Say either --redis-url-env VAR (set the store) or --clear');
    const inline = foundry(['clusters', 'limits-store', 'east', '--redis-url', `redis://:${PASSWORD}@redis:6379`]);
    expect(inline.code).not.toBe(0);
    expect(inline.err).toContain('not taken on the command line');
    expect(inline.err).not.toContain(PASSWORD);
    expect(foundry(['clusters', 'limits-store', 'east', '--redis-url-env', 'FOUNDRY_TEST_UNSET_VARIABLE']).err).toContain('FOUNDRY_TEST_UNSET_VARIABLE (from --redis-url-env) is not set');
    process.env.FOUNDRY_TEST_REDIS_URL = `http://:${PASSWORD}@redis:6379`;
    const bad = foundry(['clusters', 'limits-store', 'east', '--redis-url-env', 'FOUNDRY_TEST_REDIS_URL']);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain("uses the http scheme; the gateway's limits store speaks only Redis");
    expect(bad.err + bad.out).not.toContain(PASSWORD);
    expect(foundry(['clusters', 'show', 'east']).out).toContain('limits store: none; each gateway replica counts limits on its own');
    expect(foundry(['clusters', 'limits-store', 'nowhere', '--clear']).err).toContain('Cluster "nowhere" was not found');
  });

  it('sets the store from an environment variable, shows it without the URL, prints the cluster config, and clears it', () => {
    process.env.FOUNDRY_TEST_REDIS_URL = `redis://:${PASSWORD}@redis.foundry-system.svc:6379/0`;
    const set = foundry(['clusters', 'limits-store', 'east', '--redis-url-env', 'FOUNDRY_TEST_REDIS_URL']);
    expect(set.code, set.err).toBe(0);
    expect(set.out).toContain('Set a Redis limits store for east');
    expect(set.out).toMatch(/limits store: Redis, shared exactly by every replica \(URL revision 1, set by ada at .*; never shown\)/);
    expect(foundry(['clusters', 'show', 'east']).out).toContain('limits store: Redis');
    const config = foundry(['gateway', 'config', '--cluster', 'east']);
    expect(config.out).toContain('redis_url_file = "/etc/foundry-gateway/secrets/limits-redis-url-r1"');
    expect(foundry(['gateway', 'config']).out).not.toContain('redis_url_file');
    const replaced = foundry(['clusters', 'limits-store', 'east', '--redis-url-env', 'FOUNDRY_TEST_REDIS_URL', '--json']);
    expect(JSON.parse(replaced.out)).toMatchObject({ change: { change: 'replaced', revision: 2 }, cluster: { name: 'east', limitsStore: { backend: 'redis', revision: 2 } } });

    const cleared = foundry(['clusters', 'limits-store', 'east', '--clear']);
    expect(cleared.code, cleared.err).toBe(0);
    expect(cleared.out).toContain('Cleared the limits store of east');
    expect(cleared.out).toContain('limits store: none');
    const again = foundry(['clusters', 'limits-store', 'east', '--clear']);
    expect(again.code).not.toBe(0);
    expect(again.err).toContain('already count limits each on their own');
    for (const out of [set.out, replaced.out, config.out, foundry(['clusters', 'list', '--json']).out, foundry(['audit', 'list', '--json']).out]) expect(out).not.toContain(PASSWORD);
  });
});
