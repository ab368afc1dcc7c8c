/**
 * The JWT issuer the gateways trust: read, set (enable or change) and disable. An HS256 secret is
 * sealed in the vault the moment it arrives, under a name carrying its revision, and is never
 * returned, logged or audited; the row only names the vault secret. render.ts turns the row into
 * the gateway's [auth.jwt]; the audit record of each change is what triggers the resync.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { checkCaBundle } from '../../../gateway/src/config/index';
import { FoundryError } from '../errors';
import type { Db } from '../store/db';
import { nowIso } from '../store/db';
import type { User } from '../access/users';
import type { Vault } from '../vault/vault';
import { checkJwtSettings, type StoredJwt } from './validate';
import { JWT_DEFAULTS, type GatewayJwt, type GatewayJwtChange, type GatewayJwtInput, type JwtAlgorithm } from './types';

export const JWT_SECRET_KIND = 'gateway-jwt-secret';

export interface GatewayJwtRow {
  enabled: number;
  issuer: string;
  audience: string;
  algorithms: string;
  key_source: 'jwks' | 'public_key' | 'hs256';
  jwks_url: string | null;
  jwks_ca_bundle: string | null;
  jwks_cache_ms: number;
  public_key_pem: string | null;
  secret_id: string | null;
  secret_revision: number;
  secret_updated_at: string | null;
  project_claim: string;
  models_claim: string;
  clock_tolerance_s: number;
  updated_at: string;
  updated_by: string;
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url): what IdPs often use as the key's `kid`. */
export function jwkThumbprint(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  const members = jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

function keyType(key: KeyObject): string {
  const d = key.asymmetricKeyDetails ?? {};
  return key.asymmetricKeyType === 'rsa' ? `RSA ${d.modulusLength}` : 'EC P-256';
}

function caCertificates(pem: string | null) {
  if (pem === null) return null;
  const parsed = checkCaBundle(pem);
  return parsed.ok ? parsed.certificates : [];
}

export function readJwtRow(db: Db): GatewayJwtRow | undefined {
  return db.prepare<[], GatewayJwtRow>('SELECT * FROM gateway_jwt WHERE id = 1').get();
}

function toView(r: GatewayJwtRow): GatewayJwt {
  let keySource: GatewayJwt['keySource'];
  if (r.key_source === 'jwks') keySource = { kind: 'jwks', url: r.jwks_url!, caCertificates: caCertificates(r.jwks_ca_bundle), cacheMs: r.jwks_cache_ms };
  else if (r.key_source === 'public_key') {
    const key = createPublicKey(r.public_key_pem!);
    keySource = { kind: 'public_key', pem: r.public_key_pem!, keyType: keyType(key), thumbprint: jwkThumbprint(key) };
  } else keySource = { kind: 'hs256', secretSet: true, secretUpdatedAt: r.secret_updated_at! };
  return {
    issuer: r.issuer,
    audience: r.audience,
    algorithms: JSON.parse(r.algorithms) as JwtAlgorithm[],
    keySource,
    projectClaim: r.project_claim,
    modelsClaim: r.models_claim,
    clockToleranceS: r.clock_tolerance_s,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}

function stored(r: GatewayJwtRow | undefined): StoredJwt | null {
  if (!r?.enabled) return null;
  const source: StoredJwt['source'] = r.key_source === 'jwks' ? { kind: 'jwks', url: r.jwks_url!, caBundle: r.jwks_ca_bundle, cacheMs: r.jwks_cache_ms } : r.key_source === 'public_key' ? { kind: 'public_key', pem: r.public_key_pem! } : { kind: 'hs256' };
  return { source, algorithms: JSON.parse(r.algorithms) as JwtAlgorithm[], projectClaim: r.project_claim, modelsClaim: r.models_claim, clockToleranceS: r.clock_tolerance_s };
}

export function createGatewayJwtService({ db, vault }: { db: Db; vault: Vault }) {
  const service = {
    /** The issuer the gateways trust, or null when JWTs are off. */
    get(): GatewayJwt | null {
      const r = readJwtRow(db);
      return r?.enabled ? toView(r) : null;
    },

    async set(input: GatewayJwtInput, actor: User): Promise<GatewayJwtChange> {
      const before = readJwtRow(db);
      const checked = checkJwtSettings(input, stored(before));
      const s = checked.source;
      const revision = (before?.secret_revision ?? 0) + (s.kind === 'hs256' && s.secret !== undefined ? 1 : 0);
      // Sealed under a new name first: until the row points at it, the old secret stays intact.
      const sealed = s.kind === 'hs256' && s.secret !== undefined ? await vault.put(JWT_SECRET_KIND, `hs256-r${revision}`, s.secret) : null;
      const keptSecret = s.kind === 'hs256' && !sealed ? before?.secret_id ?? null : null;
      const secretId = sealed?.id ?? keptSecret;
      const now = nowIso();
      try {
        db.prepare(
          `INSERT INTO gateway_jwt (id, enabled, issuer, audience, algorithms, key_source, jwks_url, jwks_ca_bundle, jwks_cache_ms, public_key_pem, secret_id, secret_revision, secret_updated_at,
             project_claim, models_claim, clock_tolerance_s, updated_at, updated_by)
           VALUES (1, 1, @issuer, @audience, @algorithms, @kind, @jwks, @jwksCa, @jwksCacheMs, @pem, @secretId, @revision, @secretAt, @projectClaim, @modelsClaim, @tolerance, @now, @by)
           ON CONFLICT(id) DO UPDATE SET enabled = 1, issuer = @issuer, audience = @audience, algorithms = @algorithms, key_source = @kind, jwks_url = @jwks,
             jwks_ca_bundle = @jwksCa, jwks_cache_ms = @jwksCacheMs, public_key_pem = @pem, secret_id = @secretId, secret_revision = @revision, secret_updated_at = @secretAt, project_claim = @projectClaim,
             models_claim = @modelsClaim, clock_tolerance_s = @tolerance, updated_at = @now, updated_by = @by`,
        ).run({
          issuer: checked.issuer,
          audience: checked.audience,
          algorithms: JSON.stringify(checked.algorithms),
          kind: s.kind,
          jwks: s.kind === 'jwks' ? s.url : null,
          jwksCa: s.kind === 'jwks' ? s.caBundle : null,
          jwksCacheMs: s.kind === 'jwks' ? s.cacheMs : JWT_DEFAULTS.jwksCacheMs,
          pem: s.kind === 'public_key' ? s.pem : null,
          secretId,
          revision,
          secretAt: sealed ? now : keptSecret ? before!.secret_updated_at : null,
          projectClaim: checked.projectClaim,
          modelsClaim: checked.modelsClaim,
          tolerance: checked.clockToleranceS,
          now,
          by: actor.username,
        });
      } catch (err) {
        if (sealed) vault.remove(sealed.id);
        throw err;
      }
      // The old secret is gone once nothing names it: replaced, or the issuer moved to a key.
      if (before?.secret_id && before.secret_id !== secretId) vault.remove(before.secret_id);
      return { settings: service.get()!, change: before?.enabled ? 'changed' : 'enabled', secretReplaced: sealed !== null && Boolean(before?.enabled && before.key_source === 'hs256') };
    },

    /** Turns JWTs off: every gateway refuses every token after its next sync. The secret leaves the vault. */
    disable(actor: User): GatewayJwt {
      const before = readJwtRow(db);
      if (!before?.enabled) {
        throw new FoundryError({ code: 'FAILED_PRECONDITION', message: 'Gateway JWT authentication is already off; nothing was changed.', hint: 'Set an issuer first (Settings → Gateway authentication, or `foundry gateway jwt set`).' });
      }
      const view = toView(before);
      db.prepare('UPDATE gateway_jwt SET enabled = 0, secret_id = NULL, updated_at = ?, updated_by = ? WHERE id = 1').run(nowIso(), actor.username);
      if (before.secret_id) vault.remove(before.secret_id);
      return view;
    },
  };
  return service;
}

export type GatewayJwtService = ReturnType<typeof createGatewayJwtService>;
