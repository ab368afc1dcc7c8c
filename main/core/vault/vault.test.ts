import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openDatabase, type Db } from '../store/db';
import { createVault, type Vault } from './vault';
import { createOsKeychain, type Keychain } from './keychain';
import { keychainTestsAvailable, clearKeychainService, tempDir, testKeychainService } from '../testing/harness';

/** These tests use the real OS keychain (Secret Service); npm test provides one under D-Bus. */
const available = await keychainTestsAvailable();

interface Fixture {
  dir: ReturnType<typeof tempDir>;
  db: Db;
  service: string;
  keychain: Keychain;
  vault: Vault;
}
const fixtures: Fixture[] = [];

function fixture(rsaBits = 2048): Fixture {
  const dir = tempDir();
  const db = openDatabase(join(dir.path, 'foundry.db'));
  const service = testKeychainService();
  const keychain = createOsKeychain(service);
  const f = { dir, db, service, keychain, vault: createVault({ db, keychain, rsaBits }) };
  fixtures.push(f);
  return f;
}

afterEach(async () => {
  for (const f of fixtures.splice(0)) {
    f.db.close();
    await clearKeychainService(f.service);
    f.dir.remove();
  }
});

describe.skipIf(!available)('vault (real OS keychain)', () => {
  it('round-trips secrets and replaces one stored under the same name', async () => {
    const { vault } = fixture();
    await vault.init();
    const a = await vault.put('kubeconfig', 'prod-eks', 'apiVersion: v1\nusers: [{token: abc}]');
    await vault.put('provider-key', 'openai', Buffer.from([0, 1, 2, 255]));
    expect((await vault.get(a.id)).toString()).toContain('token: abc');
    expect([...(await vault.getByName('provider-key', 'openai'))]).toEqual([0, 1, 2, 255]);
    const again = await vault.put('kubeconfig', 'prod-eks', 'v2');
    expect(again.id).toBe(a.id);
    expect((await vault.get(a.id)).toString()).toBe('v2');
    expect(vault.list().map((s) => `${s.kind}/${s.name}`)).toEqual(['kubeconfig/prod-eks', 'provider-key/openai']);
  });

  it('uses an RSA-4096 key pair by default', async () => {
    const { vault, db } = fixture(4096);
    await vault.init();
    const { public_key_pem } = db.prepare('SELECT public_key_pem FROM vault_keys').get() as { public_key_pem: string };
    const { createPublicKey } = await import('node:crypto');
    expect(createPublicKey(public_key_pem).asymmetricKeyDetails?.modulusLength).toBe(4096);
  }, 60_000);

  it('never writes plaintext to the database file, its WAL, or temp files', async () => {
    const { vault, dir } = fixture();
    await vault.init();
    const marker = `PLAINTEXT-MARKER-${Math.random().toString(36).slice(2)}`;
    const before = new Set(readdirSync(tmpdir()));
    for (let i = 0; i < 50; i++) await vault.put('kubeconfig', `c${i}`, `${marker}-${i} ${'x'.repeat(2000)}`);
    expect((await vault.getByName('kubeconfig', 'c7')).toString()).toContain(marker);
    const needles = [marker, Buffer.from(marker).toString('base64').slice(0, 20), Buffer.from(marker, 'utf16le').toString('latin1')];
    const files = readdirSync(dir.path).map((f) => join(dir.path, f));
    expect(files.some((f) => f.endsWith('-wal'))).toBe(true);
    const fresh = readdirSync(tmpdir()).filter((f) => !before.has(f)).map((f) => join(tmpdir(), f)).filter((f) => existsSync(f) && statSync(f).isFile());
    for (const file of [...files, ...fresh]) {
      const bytes = readFileSync(file).toString('latin1');
      for (const needle of needles) expect(bytes.includes(needle), `${needle} found in ${file}`).toBe(false);
    }
  });

  it('reopens with only the keychain entry, as after a restart', async () => {
    const f = fixture();
    await f.vault.init();
    const s = await f.vault.put('ssh-key', 'dgx-01', 'PRIVATE KEY');
    const reopened = createVault({ db: f.db, keychain: createOsKeychain(f.service) });
    expect((await reopened.status()).state).toBe('locked');
    expect((await reopened.get(s.id)).toString()).toBe('PRIVATE KEY');
  });

  it('refuses to open when the keychain entry is missing, and does not overwrite the vault', async () => {
    const f = fixture();
    await f.vault.init();
    const s = await f.vault.put('kubeconfig', 'a', 'secret');
    const keysBefore = f.db.prepare('SELECT * FROM vault_keys').get();
    await clearKeychainService(f.service);
    const reopened = createVault({ db: f.db, keychain: createOsKeychain(f.service) });
    await expect(reopened.get(s.id)).rejects.toMatchObject({ code: 'KEYCHAIN_MISMATCH', message: expect.stringContaining('no master secret') });
    await expect(reopened.init()).rejects.toMatchObject({ code: 'KEYCHAIN_MISMATCH' });
    expect(f.db.prepare('SELECT * FROM vault_keys').get()).toEqual(keysBefore);
  });

  it('refuses a wrong master secret in the keychain without changing anything', async () => {
    const f = fixture();
    await f.vault.init();
    const s = await f.vault.put('kubeconfig', 'a', 'secret');
    const [entry] = await (await import('keytar')).default.findCredentials(f.service);
    await f.keychain.set(entry!.account, Buffer.alloc(32, 7).toString('base64'));
    const reopened = createVault({ db: f.db, keychain: f.keychain });
    await expect(reopened.get(s.id)).rejects.toMatchObject({ code: 'KEYCHAIN_MISMATCH', message: expect.stringContaining('does not open') });
  });

  it('rotates: new generation, every data key re-wrapped, ciphertexts untouched, old entry gone', async () => {
    const f = fixture();
    await f.vault.init();
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push((await f.vault.put('kubeconfig', `c${i}`, `value-${i}`)).id);
    const before = f.db.prepare('SELECT id, wrapped_key, sealed FROM secrets ORDER BY id').all() as { id: string; wrapped_key: Buffer; sealed: Buffer }[];
    const progress: number[] = [];
    const status = await f.vault.rotate((done) => progress.push(done));
    expect(status.generation).toBe(2);
    expect(progress.at(-1)).toBe(20);
    const after = f.db.prepare('SELECT id, wrapped_key, sealed FROM secrets ORDER BY id').all() as typeof before;
    after.forEach((row, i) => {
      expect(row.sealed.equals(before[i]!.sealed)).toBe(true);
      expect(row.wrapped_key.equals(before[i]!.wrapped_key)).toBe(false);
    });
    const accounts = (await (await import('keytar')).default.findCredentials(f.service)).map((c) => c.account);
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatch(/-g2$/);
    const fresh = createVault({ db: f.db, keychain: createOsKeychain(f.service) });
    for (const [i, id] of ids.entries()) expect((await fresh.get(id)).toString()).toBe(`value-${i}`);
  });

  it('leaves the vault as it was when rotation is cancelled part-way', async () => {
    const f = fixture();
    await f.vault.init();
    for (let i = 0; i < 40; i++) await f.vault.put('kubeconfig', `c${i}`, `value-${i}`);
    const before = f.db.prepare('SELECT * FROM vault_keys').get();
    const controller = new AbortController();
    await expect(f.vault.rotate((done) => done === 10 && controller.abort(), controller.signal)).rejects.toThrow();
    expect(f.db.prepare('SELECT * FROM vault_keys').get()).toEqual(before);
    const accounts = (await (await import('keytar')).default.findCredentials(f.service)).map((c) => c.account);
    expect(accounts.every((a) => a.endsWith('-g1'))).toBe(true);
    expect((await f.vault.getByName('kubeconfig', 'c33')).toString()).toBe('value-33');
  });

  it('detects a ciphertext moved to another row', async () => {
    const f = fixture();
    await f.vault.init();
    const a = await f.vault.put('k', 'a', 'alpha');
    const b = await f.vault.put('k', 'b', 'bravo');
    const rowA = f.db.prepare('SELECT wrapped_key, sealed FROM secrets WHERE id = ?').get(a.id) as { wrapped_key: Buffer; sealed: Buffer };
    f.db.prepare('UPDATE secrets SET wrapped_key = ?, sealed = ? WHERE id = ?').run(rowA.wrapped_key, rowA.sealed, b.id);
    const fresh = createVault({ db: f.db, keychain: f.keychain });
    await expect(fresh.get(b.id)).rejects.toMatchObject({ code: 'VAULT_CORRUPT' });
  });
});

describe('vault without a keychain', () => {
  it('reports KEYCHAIN_UNAVAILABLE with a hint when no Secret Service answers, and writes no keys', () => {
    const dir = tempDir();
    try {
      const code = `
        const mod = await import(${JSON.stringify(join(process.cwd(), 'main/core/core.ts'))});
        const { createCore } = mod.createCore ? mod : mod.default;
        const core = createCore({ home: ${JSON.stringify(dir.path)}, rsaBits: 2048 });
        const setup = await core.dispatcher.call('auth:setup', { username: 'ada', password: 'correct horse battery' }, { transport: 'test' });
        const token = setup.value.token;
        const init = await core.dispatcher.call('vault:init', {}, { token, transport: 'test' });
        const status = await core.dispatcher.call('vault:status', {}, { token, transport: 'test' });
        console.log(JSON.stringify({ setupVault: setup.value.vault, init, status: status.value }));
        await core.close();`;
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
        env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${dir.path}/no-such-bus`, DISPLAY: '' },
        encoding: 'utf8',
      });
      const out = JSON.parse(child.stdout.trim().split('\n').at(-1)!);
      expect(out.setupVault.error).toMatch(/keychain could not be reached/);
      expect(out.init).toMatchObject({ ok: false, error: { code: 'KEYCHAIN_UNAVAILABLE', hint: expect.stringContaining('Secret Service') } });
      expect(out.status.vault.state).toBe('uninitialized');
      expect(out.status.keychain.ok).toBe(false);
    } finally {
      dir.remove();
    }
  }, 30_000);
});
