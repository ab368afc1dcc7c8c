/**
 * JWT bearer tokens via jose: HS256 with a shared secret, RS256/ES256 with a PEM public key or a
 * JWKS URL (jose caches the key set and rate-limits refetches; our own HTTP client fetches it, so
 * jwks_ca_file can be trusted for it alone). Claims map to project and models.
 */
import { createRemoteJWKSet, customFetch, importSPKI, jwtVerify, type FetchImplementation, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { GatewayConfig } from '../config/schema';
import { GatewayError } from '../errors';
import { KeySetError, keySetFailure } from './jwks-fetch';
import type { ModelScopes } from './model-scopes';
import { modelSet, type Principal } from './principal';

type JwtConfig = NonNullable<GatewayConfig['auth']['jwt']>;

export interface JwtKeyMaterial {
  secret?: string;
  publicKeyPem?: string;
}

export type JwtVerifier = (token: string) => Promise<Principal | GatewayError>;

export interface KeySetOptions {
  /**
   * The remote key set to use (remoteKeySet), so its cache can outlive a config reload; one is made
   * from the config when absent.
   */
  remote?: JWTVerifyGetKey;
  /** Fetches the JWKS URL (createKeySetClient) when the key set is made here; jose's global fetch when absent. */
  fetch?: FetchImplementation;
  /** Told of every failed key-set fetch (unreachable, untrusted certificate, bad answer). */
  onFailure?: (err: KeySetError) => void;
}

/** jose's cached, refetch-limited key set for a JWKS URL, fetched with `fetch` (or jose's global fetch). */
export function remoteKeySet(url: string, cacheMs: number, fetch?: FetchImplementation): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(url), { cacheMaxAge: cacheMs, cooldownDuration: 30_000, timeoutDuration: 5_000, ...(fetch ? { [customFetch]: fetch } : {}) });
}

const KEY_SET_DOWN = new GatewayError('invalid_api_key', "Cannot verify the token: the identity provider's key set (JWKS) could not be fetched.");

function claimModels(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  return [];
}

export async function createJwtVerifier(cfg: JwtConfig, keys: JwtKeyMaterial, scopes: ModelScopes, keySet: KeySetOptions = {}): Promise<JwtVerifier> {
  const secret = keys.secret ? new TextEncoder().encode(keys.secret) : undefined;
  const asym = cfg.algorithms.filter((a) => a !== 'HS256');
  const staticKeys = new Map<string, CryptoKey>();
  if (keys.publicKeyPem) {
    // A PEM holds one key type (RSA or EC): import it for the algorithms it fits, JWKS covers the rest.
    for (const alg of asym) {
      try {
        staticKeys.set(alg, await importSPKI(keys.publicKeyPem, alg));
      } catch {
        // not this key type
      }
    }
    if (staticKeys.size === 0) throw new Error(`public key fits none of ${asym.join(', ')}`);
  }
  const jwks = cfg.jwks_url ? (keySet.remote ?? remoteKeySet(cfg.jwks_url, cfg.jwks_cache_ms, keySet.fetch)) : undefined;
  const jwksOrigin = cfg.jwks_url ? new URL(cfg.jwks_url).origin : '';
  const fromKeySet: JWTVerifyGetKey = async (header, token) => {
    try {
      return await jwks!(header, token);
    } catch (err) {
      const failure = keySetFailure(err, jwksOrigin);
      if (!failure) throw err;
      keySet.onFailure?.(failure);
      throw failure;
    }
  };

  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (header.alg === 'HS256' && secret) return secret;
    const k = staticKeys.get(header.alg);
    if (k) return k;
    if (jwks) return fromKeySet(header, token);
    throw new Error(`no key for ${header.alg}`);
  };

  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        algorithms: cfg.algorithms,
        issuer: cfg.issuer,
        audience: cfg.audience,
        clockTolerance: cfg.clock_tolerance_s,
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      return err instanceof KeySetError ? KEY_SET_DOWN : new GatewayError('invalid_api_key', 'Invalid or expired token.');
    }
    const project = payload[cfg.project_claim];
    if (typeof project !== 'string' || !project) return new GatewayError('invalid_api_key', `Token has no "${cfg.project_claim}" claim.`);
    return {
      kind: 'jwt',
      id: `jwt:${payload.sub ?? 'anonymous'}`,
      project,
      // A token without the models claim may use no model: access is granted, never assumed.
      allowedModels: modelSet(claimModels(payload[cfg.models_claim])),
      hiddenModels: scopes.hiddenFor(project),
      monthlyTokenBudget: undefined,
      requestsPerMinute: undefined,
      tokensPerMinute: undefined,
    };
  };
}
