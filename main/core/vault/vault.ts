import type { KeyObject } from 'node:crypto';
import { FoundryError, notFound } from '../errors';
import type { Db } from '../store/db';
import { nowIso } from '../store/db';
import { newId } from '../access/tokens';
import { randomBytes } from 'node:crypto';
import {
  deriveKek,
  generateRsaKeyPair,
  newDataKey,
  newMasterSecret,
  open,
  privateKeyFromPem,
  seal,
  unwrapKey,
  wrapKey,
} from './crypto';
import type { Keychain } from './keychain';

/**
 * The secret vault. Each secret has its own AES-256-GCM data key; data keys are wrapped with the
 * vault's RSA-4096 public key; the private key is sealed under a key derived from a master secret
 * that lives only in the OS keychain. Plaintext exists only in memory for the time of a call.
 *
 * Invariants: a missing or wrong keychain entry never leads to new keys being written over an
 * existing vault; rotation re-wraps every data key in one transaction or changes nothing.
 */

export interface SecretMeta {
  id: string;
  kind: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

export interface VaultStatus {
  state: 'uninitialized' | 'ready' | 'locked';
  generation: number;
  secretCount: number;
  createdAt: string | null;
  rotatedAt: string | null;
}

interface KeyRow {
  generation: number;
  public_key_pem: string;
  private_key_sealed: Buffer;
  kdf_salt: Buffer;
  created_at: string;
  rotated_at: string | null;
}

interface SecretRow {
  id: string;
  kind: string;
  name: string;
  wrapped_key: Buffer;
  sealed: Buffer;
  created_at: string;
  updated_at: string;
}

const DATA_KEY_TTL_MS = 5 * 60 * 1000;
const DATA_KEY_CACHE_MAX = 256;

export interface VaultOptions {
  db: Db;
  keychain: Keychain;
  /** RSA modulus; 4096 in production. Tests of unrelated behaviour may lower it to save seconds. */
  rsaBits?: number;
  now?: () => number;
}

export function createVault({ db, keychain, rsaBits = 4096, now = Date.now }: VaultOptions) {
  let privateKey: { generation: number; key: KeyObject } | null = null;
  const dataKeys = new Map<string, { key: Buffer; wrapped: Buffer; until: number }>();

  const keyRow = () => db.prepare<[], KeyRow>('SELECT * FROM vault_keys WHERE id = 1').get();
  const vaultId = () => db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'vault_id'`).get()?.value;
  const account = (id: string, generation: number) => `vault-${id}-g${generation}`;

  async function unlock(): Promise<{ row: KeyRow; key: KeyObject }> {
    const row = keyRow();
    if (!row) {
      throw new FoundryError({
        code: 'FAILED_PRECONDITION',
        message: 'The vault has not been set up yet.',
        hint: 'Finish the first-run setup, or run `foundry vault init`.',
      });
    }
    if (privateKey?.generation === row.generation) return { row, key: privateKey.key };
    const entry = account(vaultId()!, row.generation);
    const master = await keychain.get(entry);
    if (master === null) {
      throw new FoundryError({
        code: 'KEYCHAIN_MISMATCH',
        message: `The OS keychain has no master secret for this vault (service "foundry", account "${entry}").`,
        hint:
          'Secrets cannot be decrypted without it. Restore the keychain entry (e.g. from a keychain backup) or use the keychain this database was created with. Foundry did not change the vault.',
      });
    }
    let pem: Buffer;
    try {
      pem = open(deriveKek(master, row.kdf_salt), row.private_key_sealed, `vault-private-key-g${row.generation}`);
    } catch (cause) {
      throw new FoundryError({
        code: 'KEYCHAIN_MISMATCH',
        message: `The master secret in the OS keychain (account "${entry}") does not open this vault.`,
        hint: 'The keychain entry was changed or belongs to another database. Restore the original entry. Foundry did not change the vault.',
        cause,
      });
    }
    privateKey = { generation: row.generation, key: privateKeyFromPem(pem) };
    pem.fill(0);
    return { row, key: privateKey.key };
  }

  function dataKeyFor(row: SecretRow, key: KeyObject): Buffer {
    const cached = dataKeys.get(row.id);
    if (cached && cached.until > now() && cached.wrapped.equals(row.wrapped_key)) return cached.key;
    let dataKey: Buffer;
    try {
      dataKey = unwrapKey(key, row.wrapped_key);
    } catch (cause) {
      throw new FoundryError({ code: 'VAULT_CORRUPT', message: `The data key of secret "${row.name}" cannot be unwrapped.`, cause });
    }
    if (dataKeys.size >= DATA_KEY_CACHE_MAX) dataKeys.delete(dataKeys.keys().next().value!);
    dataKeys.set(row.id, { key: dataKey, wrapped: row.wrapped_key, until: now() + DATA_KEY_TTL_MS });
    return dataKey;
  }

  function secretRow(id: string): SecretRow {
    const row = db.prepare<[string], SecretRow>('SELECT * FROM secrets WHERE id = ?').get(id);
    if (!row) throw notFound(`Secret ${id}`);
    return row;
  }

  async function createKeys(id: string, generation: number) {
    const master = newMasterSecret();
    const salt = randomBytes(16);
    const { publicKeyPem, privateKeyPem } = await generateRsaKeyPair(rsaBits);
    const sealedPrivate = seal(deriveKek(master, salt), Buffer.from(privateKeyPem), `vault-private-key-g${generation}`);
    // Keychain first: if it fails, nothing in the database refers to a secret that does not exist.
    await keychain.set(account(id, generation), master);
    return { publicKeyPem, privateKeyPem, sealedPrivate, salt };
  }

  const vault = {
    async status(): Promise<VaultStatus> {
      const row = keyRow();
      const secretCount = (db.prepare('SELECT COUNT(*) AS n FROM secrets').get() as { n: number }).n;
      return {
        state: !row ? 'uninitialized' : privateKey?.generation === row.generation ? 'ready' : 'locked',
        generation: row?.generation ?? 0,
        secretCount,
        createdAt: row?.created_at ?? null,
        rotatedAt: row?.rotated_at ?? null,
      };
    },

    /** Creates the key pair and master secret if the vault has none; otherwise only checks it opens. */
    async init(): Promise<VaultStatus> {
      if (keyRow()) {
        await unlock();
        return vault.status();
      }
      const id = vaultId() ?? newId('v').slice(2);
      const keys = await createKeys(id, 1);
      db.transaction(() => {
        db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('vault_id', ?)`).run(id);
        db.prepare(
          'INSERT INTO vault_keys (id, generation, public_key_pem, private_key_sealed, kdf_salt, created_at) VALUES (1, 1, ?, ?, ?, ?)',
        ).run(keys.publicKeyPem, keys.sealedPrivate, keys.salt, nowIso());
      })();
      privateKey = { generation: 1, key: privateKeyFromPem(Buffer.from(keys.privateKeyPem)) };
      return vault.status();
    },

    list(kind?: string): SecretMeta[] {
      return db
        .prepare<[string | null, string | null], SecretRow>('SELECT * FROM secrets WHERE (? IS NULL OR kind = ?) ORDER BY kind, name')
        .all(kind ?? null, kind ?? null)
        .map((r) => ({ id: r.id, kind: r.kind, name: r.name, createdAt: r.created_at, updatedAt: r.updated_at }));
    },

    /** Stores (or replaces) the secret named `kind/name`. */
    async put(kind: string, name: string, plaintext: Buffer | string): Promise<SecretMeta> {
      await unlock();
      const existing = db.prepare<[string, string], SecretRow>('SELECT * FROM secrets WHERE kind = ? AND name = ?').get(kind, name);
      const id = existing?.id ?? newId('sec');
      const dataKey = newDataKey();
      const sealed = seal(dataKey, typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext, id);
      const at = nowIso();
      // IMMEDIATE + re-reading the key row: a rotation that committed meanwhile would otherwise
      // leave this secret wrapped under a key pair that no longer exists.
      const write = db.transaction(() => {
        const current = keyRow()!;
        const wrapped = wrapKey(current.public_key_pem, dataKey);
        db.prepare(
          `INSERT INTO secrets (id, kind, name, wrapped_key, sealed, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET wrapped_key = excluded.wrapped_key, sealed = excluded.sealed, updated_at = excluded.updated_at`,
        ).run(id, kind, name, wrapped, sealed, existing?.created_at ?? at, at);
        dataKeys.set(id, { key: dataKey, wrapped, until: now() + DATA_KEY_TTL_MS });
      });
      write.immediate();
      return { id, kind, name, createdAt: existing?.created_at ?? at, updatedAt: at };
    },

    async get(id: string): Promise<Buffer> {
      const { key } = await unlock();
      const row = secretRow(id);
      try {
        return open(dataKeyFor(row, key), row.sealed, row.id);
      } catch (cause) {
        if (cause instanceof FoundryError) throw cause;
        throw new FoundryError({ code: 'VAULT_CORRUPT', message: `Secret "${row.name}" fails its integrity check.`, cause });
      }
    },

    async getByName(kind: string, name: string): Promise<Buffer> {
      const row = db.prepare<[string, string], { id: string }>('SELECT id FROM secrets WHERE kind = ? AND name = ?').get(kind, name);
      if (!row) throw notFound(`Secret ${kind}/${name}`);
      return vault.get(row.id);
    },

    remove(id: string): SecretMeta {
      const row = secretRow(id);
      db.prepare('DELETE FROM secrets WHERE id = ?').run(id);
      dataKeys.delete(id);
      return { id: row.id, kind: row.kind, name: row.name, createdAt: row.created_at, updatedAt: row.updated_at };
    },

    /**
     * New master secret and RSA key pair; every data key is re-wrapped, ciphertexts stay untouched.
     * All or nothing: the database switches generation in one transaction, and the old keychain
     * entry is deleted only after that commit.
     */
    async rotate(onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<VaultStatus> {
      const { row: old, key: oldKey } = await unlock();
      const id = vaultId()!;
      const next = old.generation + 1;
      const rows = db.prepare<[], SecretRow>('SELECT * FROM secrets').all();
      const keys = await createKeys(id, next);
      try {
        const rewrapped: { id: string; wrapped: Buffer; seen: Buffer }[] = [];
        for (const [i, row] of rows.entries()) {
          signal?.throwIfAborted();
          rewrapped.push({ id: row.id, wrapped: wrapKey(keys.publicKeyPem, dataKeyFor(row, oldKey)), seen: row.wrapped_key });
          onProgress?.(i + 1, rows.length);
          if (i % 16 === 15) await new Promise((r) => setImmediate(r));
        }
        const commit = db.transaction(() => {
          const now = db.prepare<[], { id: string; wrapped_key: Buffer }>('SELECT id, wrapped_key FROM secrets').all();
          const seen = new Map(rewrapped.map((r) => [r.id, r.seen]));
          if (now.length !== rewrapped.length || now.some((r) => !seen.get(r.id)?.equals(r.wrapped_key))) {
            throw new FoundryError({ code: 'CONFLICT', message: 'Secrets changed while the vault was rotating.', hint: 'Run the rotation again.' });
          }
          const update = db.prepare('UPDATE secrets SET wrapped_key = ? WHERE id = ?');
          for (const r of rewrapped) update.run(r.wrapped, r.id);
          db.prepare(
            'UPDATE vault_keys SET generation = ?, public_key_pem = ?, private_key_sealed = ?, kdf_salt = ?, rotated_at = ? WHERE id = 1 AND generation = ?',
          ).run(next, keys.publicKeyPem, keys.sealedPrivate, keys.salt, nowIso(), old.generation);
        });
        commit.immediate();
      } catch (err) {
        await keychain.delete(account(id, next)).catch(() => undefined);
        throw err;
      }
      privateKey = { generation: next, key: privateKeyFromPem(Buffer.from(keys.privateKeyPem)) };
      dataKeys.clear();
      await keychain.delete(account(id, old.generation)).catch(() => undefined);
      return vault.status();
    },

    /** Forgets the private key and cached data keys; the next read unlocks again from the keychain. */
    lock(): void {
      privateKey = null;
      for (const entry of dataKeys.values()) entry.key.fill(0);
      dataKeys.clear();
    },
  };
  return vault;
}

export type Vault = ReturnType<typeof createVault>;
