import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../../../gateway/src/config/index';
import { keychainAvailable, requireInCi, startAdminCore, type TestCore } from '../testing/harness';
import { SECRETS_MOUNT } from '../gateway/render';
import { desiredGatewayConfig } from '../gateway/sync-objects';
import { LIMITS_REDIS_URL_KIND } from './limits-store';
import { insertTestCluster } from './testing';

/**
 * A cluster's limits store through the channel table, on a real database and vault: the URL is sealed,
 * never returned or audited, rendered into that cluster's config alone, replaced and cleared.
 */
const available = requireInCi(await keychainAvailable(), 'The OS keychain (Secret Service)');

let core: TestCore;
let admin: string;
beforeEach(async () => {
  if (available) ({ core, admin } = await startAdminCore());
});
afterEach(async () => core?.dispose());

const PASSWORD = 'limits-store-test-password-9d2e';
const URL_1 = `redis://:${PASSWORD}@redis.foundry-system.svc:6379/0`;
const URL_2 = `rediss://default:${PASSWORD}-2@redis.example.com:6380`;

const limitsOf = (toml: string) => {
  const parsed = parseGatewayConfig(toml);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.value.limits;
};

describe.skipIf(!available)('cluster limits store', () => {
  it('seals the URL, renders [limits] for that cluster only, and never returns or audits the URL', async () => {
    const east = await insertTestCluster(core, 'east');
    const west = await insertTestCluster(core, 'west');
    const shared = desiredGatewayConfig(core.services.db);

    const set = await core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: `  ${URL_1} ` }, admin);
    expect(set.change).toEqual({ clusterId: east, change: 'set', revision: 1 });
    expect(set.cluster.limitsStore).toMatchObject({ backend: 'redis', revision: 1, updatedBy: 'ada' });

    const [sealed] = core.services.vault.list(LIMITS_REDIS_URL_KIND);
    expect((await core.services.vault.get(sealed!.id)).toString()).toBe(URL_1);

    const eastConfig = desiredGatewayConfig(core.services.db, east);
    expect(limitsOf(eastConfig.toml)).toEqual({ backend: 'redis', redis_url_file: `${SECRETS_MOUNT}/limits-redis-url-r1`, key_prefix: 'fdy' });
    expect(eastConfig.providerKeys).toEqual({ ...shared.providerKeys, 'limits-redis-url-r1': sealed!.id });
    expect(eastConfig.limitsBackend).toBe('redis');
    expect(eastConfig.toml).not.toContain(PASSWORD);
    // The other cluster keeps the shared config, byte for byte: counted in each replica's memory.
    const westConfig = desiredGatewayConfig(core.services.db, west);
    expect(westConfig).toEqual({ ...shared, input: undefined, limitsBackend: 'memory' } as never);
    expect(westConfig.configHash).toBe(shared.configHash);
    expect(limitsOf(westConfig.toml).backend).toBe('memory');
    expect(eastConfig.configHash).not.toBe(shared.configHash);

    const printed = await core.call('gateway:config', { clusterId: 'east' }, admin);
    expect(printed).toMatchObject({ toml: eastConfig.toml, limits: 'redis' });
    expect(await core.call('gateway:config', {}, admin)).toMatchObject({ toml: shared.toml, limits: 'memory' });
    await expect(core.call('gateway:config', { clusterId: 'nowhere' }, admin)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const everything = JSON.stringify([
      set,
      await core.call('clusters:list', {}, admin),
      await core.call('clusters:get', { clusterId: east }, admin),
      await core.call('audit:list', { limit: 500 }, admin),
    ]);
    expect(everything).not.toContain(PASSWORD);
    const [record] = await core.call('audit:list', { action: 'clusters:setLimitsStore' }, admin);
    expect(record).toMatchObject({ actor: 'ada', target: east, details: { name: 'east', limitsStore: 'set', backend: 'redis', revision: 1 } });
  });

  it('a new URL gets a new revision (a new Secret file, so gateways reload) and the old one leaves the vault', async () => {
    const east = await insertTestCluster(core, 'east');
    await core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: URL_1 }, admin);
    const first = desiredGatewayConfig(core.services.db, east);
    const replaced = await core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: URL_2 }, admin);
    expect(replaced.change).toMatchObject({ change: 'replaced', revision: 2 });
    const secrets = core.services.vault.list(LIMITS_REDIS_URL_KIND);
    expect(secrets).toHaveLength(1);
    expect((await core.services.vault.get(secrets[0]!.id)).toString()).toBe(URL_2);
    const second = desiredGatewayConfig(core.services.db, east);
    expect(limitsOf(second.toml).redis_url_file).toBe(`${SECRETS_MOUNT}/limits-redis-url-r2`);
    expect(second.configHash).not.toBe(first.configHash);
  });

  it('refuses a bad URL saying why, and keeps what was stored', async () => {
    const east = await insertTestCluster(core, 'east');
    await core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: URL_1 }, admin);
    const before = desiredGatewayConfig(core.services.db, east).configHash;
    const bad = await core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: `https://u:${PASSWORD}@redis:6379` }, admin).catch((e: unknown) => e as { code: string; message: string });
    expect(bad).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('https scheme') });
    expect(JSON.stringify(bad)).not.toContain(PASSWORD);
    await expect(core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: '' }, admin)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(core.call('clusters:setLimitsStore', { clusterId: 'cl_nowhere', redisUrl: URL_1 }, admin)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(desiredGatewayConfig(core.services.db, east).configHash).toBe(before);
    expect(core.services.vault.list(LIMITS_REDIS_URL_KIND)).toHaveLength(1);
    expect((await core.call('clusters:get', { clusterId: east }, admin)).limitsStore).toMatchObject({ revision: 1 });
  });

  it('clearing goes back to per-replica memory and removes the URL; the revision still grows afterwards', async () => {
    const east = await insertTestCluster(core, 'east');
    const shared = desiredGatewayConfig(core.services.db);
    await core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: URL_1 }, admin);
    const cleared = await core.call('clusters:clearLimitsStore', { clusterId: east }, admin);
    expect(cleared.change).toMatchObject({ change: 'cleared', revision: 1 });
    expect(cleared.cluster.limitsStore).toBeNull();
    expect(core.services.vault.list(LIMITS_REDIS_URL_KIND)).toEqual([]);
    expect(desiredGatewayConfig(core.services.db, east).configHash).toBe(shared.configHash);
    await expect(core.call('clusters:clearLimitsStore', { clusterId: east }, admin)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: expect.stringContaining('already count limits each on their own') });
    const [record] = await core.call('audit:list', { action: 'clusters:clearLimitsStore' }, admin);
    expect(record).toMatchObject({ target: east, details: { limitsStore: 'cleared', backend: 'memory' } });

    const again = await core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: URL_2 }, admin);
    expect(again.change).toMatchObject({ change: 'set', revision: 2 });
  });

  it("out of date is judged per cluster: a URL set on one cluster leaves the other one synced", async () => {
    await core.dispose();
    // No automatic resync here: the states below are what the list reports before any job runs.
    ({ core, admin } = await startAdminCore({ gatewayAutoSync: { debounceMs: 3_600_000, intervalMs: 3_600_000 } }));
    const east = await insertTestCluster(core, 'east');
    const west = await insertTestCluster(core, 'west');
    const at = new Date().toISOString();
    for (const id of [east, west]) core.services.clusters.store.recordSyncSuccess(id, at, { configHash: desiredGatewayConfig(core.services.db, id).configHash, installed: false, drift: [] });
    const states = async () => (await core.call('clusters:list', {}, admin)).map((c) => [c.name, c.gateway!.state]);
    expect(await states()).toEqual([['east', 'synced'], ['west', 'synced']]);
    await core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: URL_1 }, admin);
    expect(await states()).toEqual([['east', 'out-of-date'], ['west', 'synced']]);
    expect((await core.call('clusters:get', { clusterId: east }, admin)).gateway!.state).toBe('out-of-date');
    core.services.clusters.store.recordSyncSuccess(east, at, { configHash: desiredGatewayConfig(core.services.db, east).configHash, installed: false, drift: [] });
    expect(await states()).toEqual([['east', 'synced'], ['west', 'synced']]);
  });

  it('removing the cluster removes its URL from the vault; a viewer may see the store but not set it', async () => {
    const east = await insertTestCluster(core, 'east');
    await core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: URL_1 }, admin);
    await core.call('users:create', { username: 'vera', password: 'viewer password 1', role: 'viewer' }, admin);
    const { token } = await core.call('auth:signIn', { username: 'vera', password: 'viewer password 1' });
    expect((await core.call('clusters:list', {}, token))[0]!.limitsStore).toMatchObject({ backend: 'redis' });
    await expect(core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: URL_2 }, token)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(core.call('clusters:clearLimitsStore', { clusterId: east }, token)).rejects.toMatchObject({ code: 'FORBIDDEN' });

    await core.call('clusters:remove', { clusterId: east, confirmName: 'east' }, admin);
    expect(core.services.vault.list(LIMITS_REDIS_URL_KIND)).toEqual([]);
  });
});
