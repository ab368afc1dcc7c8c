import { describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../../../gateway/src/config/index';
import { keychainTestsAvailable, useAdminCore } from '../testing/harness';
import { SECRETS_MOUNT } from '../gateway/render';
import { desiredGatewayConfig } from '../gateway/sync-objects';
import { LIMITS_REDIS_URL_KIND } from './limits-store';
import { insertTestCluster } from './testing';

/**
 * A cluster's limits store through the channel table, on a real database and vault: the URL is sealed,
 * never returned or audited, rendered into that cluster's config alone, replaced and cleared.
 */
const available = await keychainTestsAvailable();

const app = useAdminCore({ when: available });

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
    const east = await insertTestCluster(app.core, 'east');
    const west = await insertTestCluster(app.core, 'west');
    const shared = desiredGatewayConfig(app.services.db);

    const set = await app.core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: `  ${URL_1} ` }, app.token);
    expect(set.change).toEqual({ clusterId: east, change: 'set', revision: 1 });
    expect(set.cluster.limitsStore).toMatchObject({ backend: 'redis', revision: 1, updatedBy: 'ada' });

    const [sealed] = app.services.vault.list(LIMITS_REDIS_URL_KIND);
    expect((await app.services.vault.get(sealed!.id)).toString()).toBe(URL_1);

    const eastConfig = desiredGatewayConfig(app.services.db, east);
    expect(limitsOf(eastConfig.toml)).toEqual({ backend: 'redis', redis_url_file: `${SECRETS_MOUNT}/limits-redis-url-r1`, key_prefix: 'fdy' });
    expect(eastConfig.providerKeys).toEqual({ ...shared.providerKeys, 'limits-redis-url-r1': sealed!.id });
    expect(eastConfig.limitsBackend).toBe('redis');
    expect(eastConfig.toml).not.toContain(PASSWORD);
    // The other cluster keeps the shared config, byte for byte: counted in each replica's memory.
    const westConfig = desiredGatewayConfig(app.services.db, west);
    expect(westConfig).toEqual({ ...shared, input: undefined, limitsBackend: 'memory' } as never);
    expect(westConfig.configHash).toBe(shared.configHash);
    expect(limitsOf(westConfig.toml).backend).toBe('memory');
    expect(eastConfig.configHash).not.toBe(shared.configHash);

    const printed = await app.core.call('gateway:config', { clusterId: 'east' }, app.token);
    expect(printed).toMatchObject({ toml: eastConfig.toml, limits: 'redis' });
    expect(await app.core.call('gateway:config', {}, app.token)).toMatchObject({ toml: shared.toml, limits: 'memory' });
    await expect(app.core.call('gateway:config', { clusterId: 'nowhere' }, app.token)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const everything = JSON.stringify([
      set,
      await app.core.call('clusters:list', {}, app.token),
      await app.core.call('clusters:get', { clusterId: east }, app.token),
      await app.core.call('audit:list', { limit: 500 }, app.token),
    ]);
    expect(everything).not.toContain(PASSWORD);
    const [record] = await app.core.call('audit:list', { action: 'clusters:setLimitsStore' }, app.token);
    expect(record).toMatchObject({ actor: 'ada', target: east, details: { name: 'east', limitsStore: 'set', backend: 'redis', revision: 1 } });
  });

  it('a new URL gets a new revision (a new Secret file, so gateways reload) and the old one leaves the vault', async () => {
    const east = await insertTestCluster(app.core, 'east');
    await app.core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: URL_1 }, app.token);
    const first = desiredGatewayConfig(app.services.db, east);
    const replaced = await app.core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: URL_2 }, app.token);
    expect(replaced.change).toMatchObject({ change: 'replaced', revision: 2 });
    const secrets = app.services.vault.list(LIMITS_REDIS_URL_KIND);
    expect(secrets).toHaveLength(1);
    expect((await app.services.vault.get(secrets[0]!.id)).toString()).toBe(URL_2);
    const second = desiredGatewayConfig(app.services.db, east);
    expect(limitsOf(second.toml).redis_url_file).toBe(`${SECRETS_MOUNT}/limits-redis-url-r2`);
    expect(second.configHash).not.toBe(first.configHash);
  });

  it('refuses a bad URL saying why, and keeps what was stored', async () => {
    const east = await insertTestCluster(app.core, 'east');
    await app.core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: URL_1 }, app.token);
    const before = desiredGatewayConfig(app.services.db, east).configHash;
    const bad = await app.core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: `https://u:${PASSWORD}@redis:6379` }, app.token).catch((e: unknown) => e as { code: string; message: string });
    expect(bad).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('https scheme') });
    expect(JSON.stringify(bad)).not.toContain(PASSWORD);
    await expect(app.core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: '' }, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(app.core.call('clusters:setLimitsStore', { clusterId: 'cl_nowhere', redisUrl: URL_1 }, app.token)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(desiredGatewayConfig(app.services.db, east).configHash).toBe(before);
    expect(app.services.vault.list(LIMITS_REDIS_URL_KIND)).toHaveLength(1);
    expect((await app.core.call('clusters:get', { clusterId: east }, app.token)).limitsStore).toMatchObject({ revision: 1 });
  });

  it('clearing goes back to per-replica memory and removes the URL; the revision still grows afterwards', async () => {
    const east = await insertTestCluster(app.core, 'east');
    const shared = desiredGatewayConfig(app.services.db);
    await app.core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: URL_1 }, app.token);
    const cleared = await app.core.call('clusters:clearLimitsStore', { clusterId: east }, app.token);
    expect(cleared.change).toMatchObject({ change: 'cleared', revision: 1 });
    expect(cleared.cluster.limitsStore).toBeNull();
    expect(app.services.vault.list(LIMITS_REDIS_URL_KIND)).toEqual([]);
    expect(desiredGatewayConfig(app.services.db, east).configHash).toBe(shared.configHash);
    await expect(app.core.call('clusters:clearLimitsStore', { clusterId: east }, app.token)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: expect.stringContaining('already count limits each on their own') });
    const [record] = await app.core.call('audit:list', { action: 'clusters:clearLimitsStore' }, app.token);
    expect(record).toMatchObject({ target: east, details: { limitsStore: 'cleared', backend: 'memory' } });

    const again = await app.core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: URL_2 }, app.token);
    expect(again.change).toMatchObject({ change: 'set', revision: 2 });
  });

  it("out of date is judged per cluster: a URL set on one cluster leaves the other one synced", async () => {
    // No automatic resync here: the states below are what the list reports before any job runs.
    await app.startFresh({ gatewayAutoSync: { debounceMs: 3_600_000, intervalMs: 3_600_000 } });
    const east = await insertTestCluster(app.core, 'east');
    const west = await insertTestCluster(app.core, 'west');
    const at = new Date().toISOString();
    for (const id of [east, west]) app.services.clusters.store.recordSyncSuccess(id, at, { configHash: desiredGatewayConfig(app.services.db, id).configHash, installed: false, drift: [] });
    const states = async () => (await app.core.call('clusters:list', {}, app.token)).map((c) => [c.name, c.gateway!.state]);
    expect(await states()).toEqual([['east', 'synced'], ['west', 'synced']]);
    await app.core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: URL_1 }, app.token);
    expect(await states()).toEqual([['east', 'out-of-date'], ['west', 'synced']]);
    expect((await app.core.call('clusters:get', { clusterId: east }, app.token)).gateway!.state).toBe('out-of-date');
    app.services.clusters.store.recordSyncSuccess(east, at, { configHash: desiredGatewayConfig(app.services.db, east).configHash, installed: false, drift: [] });
    expect(await states()).toEqual([['east', 'synced'], ['west', 'synced']]);
  });

  it('removing the cluster removes its URL from the vault; a viewer may see the store but not set it', async () => {
    const east = await insertTestCluster(app.core, 'east');
    await app.core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: URL_1 }, app.token);
    await app.core.call('users:create', { username: 'vera', password: 'viewer password 1', role: 'viewer' }, app.token);
    const { token } = await app.core.call('auth:signIn', { username: 'vera', password: 'viewer password 1' });
    expect((await app.core.call('clusters:list', {}, token))[0]!.limitsStore).toMatchObject({ backend: 'redis' });
    await expect(app.core.call('clusters:setLimitsStore', { clusterId: east, redisUrl: URL_2 }, token)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(app.core.call('clusters:clearLimitsStore', { clusterId: east }, token)).rejects.toMatchObject({ code: 'FORBIDDEN' });

    await app.core.call('clusters:remove', { clusterId: east, confirmName: 'east' }, app.token);
    expect(app.services.vault.list(LIMITS_REDIS_URL_KIND)).toEqual([]);
  });
});
