import { randomBytes, timingSafeEqual } from 'node:crypto';
import { FoundryError, invalid, notFound } from '../errors';
import type { Db } from '../store/db';
import { nowIso } from '../store/db';
import type { KeyLimits } from './limits';
import { newId, sha256Hex } from './tokens';

/**
 * API keys for the gateway. The secret is `fdy_` + 32 random bytes (base64url); it is returned
 * once at creation and only its SHA-256 is stored. `prefix` (the first characters) lets people
 * tell keys apart without exposing them.
 */
export const API_KEY_PREFIX = 'fdy_';
const API_KEY_PATTERN = /^fdy_[A-Za-z0-9_-]{43}$/;

export interface ApiKey {
  id: string;
  projectId: string;
  name: string;
  prefix: string;
  allowedModels: string[];
  monthlyTokenBudget: number | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  expiresAt: string | null;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  status: 'active' | 'expired' | 'revoked';
}

interface KeyRow {
  id: string;
  project_id: string;
  name: string;
  prefix: string;
  hash: string;
  allowed_models: string;
  monthly_token_budget: number | null;
  requests_per_minute: number | null;
  tokens_per_minute: number | null;
  expires_at: string | null;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface CreateApiKeyInput {
  projectId: string;
  name: string;
  allowedModels: string[];
  monthlyTokenBudget: number | null;
  requestsPerMinute?: number | null;
  tokensPerMinute?: number | null;
  expiresAt: string | null;
}

/** Absent: keep; null: no limit. */
export type ApiKeyLimitsPatch = Partial<KeyLimits>;

export const keyLimitsOf = (k: KeyLimits): KeyLimits => ({
  monthlyTokenBudget: k.monthlyTokenBudget,
  requestsPerMinute: k.requestsPerMinute,
  tokensPerMinute: k.tokensPerMinute,
});

export function createApiKeyService(db: Db, now: () => number = Date.now) {
  const toKey = (r: KeyRow): ApiKey => ({
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    prefix: r.prefix,
    allowedModels: JSON.parse(r.allowed_models) as string[],
    monthlyTokenBudget: r.monthly_token_budget,
    requestsPerMinute: r.requests_per_minute,
    tokensPerMinute: r.tokens_per_minute,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    createdBy: r.created_by,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
    status: r.revoked_at ? 'revoked' : r.expires_at && Date.parse(r.expires_at) <= now() ? 'expired' : 'active',
  });

  const byId = db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE id = ?');

  return {
    list(projectId: string): ApiKey[] {
      return db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE project_id = ? ORDER BY created_at DESC').all(projectId).map(toKey);
    },

    get(id: string): ApiKey {
      const row = byId.get(id);
      if (!row) throw notFound(`API key ${id}`);
      return toKey(row);
    },

    create(input: CreateApiKeyInput, createdBy: string): { key: ApiKey; secret: string } {
      if (input.expiresAt && Date.parse(input.expiresAt) <= now()) {
        throw invalid(`The expiry ${input.expiresAt} is in the past.`, 'Choose a future date, or no expiry.');
      }
      const clash = db.prepare('SELECT 1 FROM api_keys WHERE project_id = ? AND name = ?').get(input.projectId, input.name);
      if (clash) {
        throw new FoundryError({
          code: 'CONFLICT',
          message: `This project already has an API key named "${input.name}".`,
          hint: 'Pick another name, or revoke the old key first.',
        });
      }
      const secret = API_KEY_PREFIX + randomBytes(32).toString('base64url');
      const row: KeyRow = {
        id: newId('key'),
        project_id: input.projectId,
        name: input.name,
        prefix: secret.slice(0, 12),
        hash: sha256Hex(secret),
        allowed_models: JSON.stringify(input.allowedModels),
        monthly_token_budget: input.monthlyTokenBudget,
        requests_per_minute: input.requestsPerMinute ?? null,
        tokens_per_minute: input.tokensPerMinute ?? null,
        expires_at: input.expiresAt,
        created_at: nowIso(),
        created_by: createdBy,
        revoked_at: null,
        last_used_at: null,
      };
      db.prepare(
        `INSERT INTO api_keys (id, project_id, name, prefix, hash, allowed_models, monthly_token_budget, requests_per_minute, tokens_per_minute, expires_at, created_at, created_by, revoked_at, last_used_at)
         VALUES (@id, @project_id, @name, @prefix, @hash, @allowed_models, @monthly_token_budget, @requests_per_minute, @tokens_per_minute, @expires_at, @created_at, @created_by, @revoked_at, @last_used_at)`,
      ).run(row);
      return { key: toKey(row), secret };
    },

    /** Changes a key's budget and rates in place: the secret stays valid, so nobody has to reissue it. */
    setLimits(id: string, patch: ApiKeyLimitsPatch): ApiKey {
      const row = byId.get(id);
      if (!row) throw notFound(`API key ${id}`);
      const key = toKey(row);
      if (key.status === 'revoked') {
        throw new FoundryError({
          code: 'FAILED_PRECONDITION',
          message: `API key "${key.name}" was revoked on ${key.revokedAt}; its limits were not changed.`,
          hint: 'A revoked key serves no requests. Create a new key with the limits you want.',
        });
      }
      const next = { ...keyLimitsOf(key), ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as KeyLimits;
      db.prepare('UPDATE api_keys SET monthly_token_budget = ?, requests_per_minute = ?, tokens_per_minute = ? WHERE id = ?').run(
        next.monthlyTokenBudget,
        next.requestsPerMinute,
        next.tokensPerMinute,
        id,
      );
      return toKey(byId.get(id)!);
    },

    revoke(id: string): ApiKey {
      const row = byId.get(id);
      if (!row) throw notFound(`API key ${id}`);
      if (!row.revoked_at) db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(nowIso(), id);
      return toKey(byId.get(id)!);
    },

    /** Checks a presented secret (untrusted input). Constant-time on the hash; distinct errors for expired and revoked. */
    verify(secret: string): ApiKey {
      const unknown = new FoundryError({ code: 'UNAUTHENTICATED', message: 'The API key is not valid.', hint: 'Check that the whole key was copied.' });
      if (!API_KEY_PATTERN.test(secret)) throw unknown;
      const hash = sha256Hex(secret);
      const row = db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE hash = ?').get(hash);
      if (!row || !timingSafeEqual(Buffer.from(row.hash, 'hex'), Buffer.from(hash, 'hex'))) throw unknown;
      const key = toKey(row);
      if (key.status === 'revoked') {
        throw new FoundryError({ code: 'REVOKED', message: `API key "${key.name}" was revoked on ${key.revokedAt}.`, hint: 'Create a new key.' });
      }
      if (key.status === 'expired') {
        throw new FoundryError({ code: 'EXPIRED', message: `API key "${key.name}" expired on ${key.expiresAt}.`, hint: 'Create a new key.' });
      }
      return key;
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
