/**
 * API keys issued by the desktop: `fdy_` + 43 base64url characters (32 random bytes). The gateway
 * only ever holds their SHA-256 hex digests; lookups compare digests with timingSafeEqual.
 */
import * as crypto from 'node:crypto';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyConfig } from '../config/schema';
import { GatewayError } from '../errors';
import type { ModelScopes } from './model-scopes';
import { modelSet, type Principal } from './principal';

export const API_KEY_PATTERN = /^fdy_[A-Za-z0-9_-]{43}$/;

export function generateApiKey(): string {
  return `fdy_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

// crypto.hash (Node >= 20.12) is one native call, ~5x cheaper than createHash().update().digest()
// on a key-sized input, and this runs on every request; older Node 20 releases take the long way.
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;
export const sha256Hex: (s: string) => string = typeof oneShot === 'function' ? (s) => oneShot('sha256', s, 'hex') : hashApiKey;

interface Entry {
  /** The hex digest's characters as bytes, for the constant-time compare. */
  digest: Buffer;
  principal: Principal;
  expiresAt: number;
  revoked: boolean;
}

const INVALID = new GatewayError('invalid_api_key', 'Incorrect API key provided.');

export class ApiKeyTable {
  private readonly byHash = new Map<string, Entry>();

  constructor(keys: readonly ApiKeyConfig[], scopes: ModelScopes) {
    for (const k of keys) {
      const expires = k.expires_at === undefined ? Infinity : new Date(k.expires_at).getTime();
      this.byHash.set(k.hash, {
        digest: Buffer.from(k.hash.toLowerCase(), 'latin1'),
        expiresAt: expires,
        revoked: k.revoked,
        principal: {
          kind: 'key',
          id: k.id,
          project: k.project,
          allowedModels: modelSet(k.allowed_models),
          hiddenModels: scopes.hiddenFor(k.project),
          monthlyTokenBudget: k.monthly_token_budget,
          requestsPerMinute: k.requests_per_minute,
          tokensPerMinute: k.tokens_per_minute,
        },
      });
    }
  }

  get size(): number {
    return this.byHash.size;
  }

  /** Untrusted input: `key` is whatever followed "Bearer " in the request. */
  verify(key: string, now: number): Principal | GatewayError {
    if (!API_KEY_PATTERN.test(key)) return INVALID;
    const hex = sha256Hex(key);
    const entry = this.byHash.get(hex);
    const digest = Buffer.from(hex, 'latin1');
    // The map lookup is keyed by the digest, which an attacker cannot steer; the constant-time
    // compare keeps the final check free of early exits all the same.
    if (!entry || !timingSafeEqual(entry.digest, digest)) return INVALID;
    if (entry.revoked) return new GatewayError('invalid_api_key', 'This API key has been revoked.');
    if (entry.expiresAt <= now) return new GatewayError('invalid_api_key', 'This API key has expired.');
    return entry.principal;
  }
}
