/**
 * The stored issuer as the gateway reads it: `[auth.jwt]`, whose key material travels as files in
 * the gateway Secret. The HS256 secret's file is named by its revision and the PEM's by a hash of
 * the key, so a replaced secret or key changes the config itself, and every gateway reloads (a
 * changed Secret alone would leave a running gateway verifying with the old key).
 */
import { createHash } from 'node:crypto';
import type { GatewayConfigInput } from '../../../gateway/src/config/index';
import type { Db } from '../store/db';
import { readJwtRow } from './service';
import { JWT_DEFAULTS } from './types';

export interface RenderedJwt {
  /** Absent when JWTs are off. */
  jwt?: NonNullable<GatewayConfigInput['auth']>['jwt'];
  /** Secret data key → vault secret id (the HS256 secret, opened at sync time). */
  secretFiles: Record<string, string>;
  /** Secret data key → file text (the PEM public key, the JWKS CA bundle; not secret, but the mount is where the gateway reads key files). Named by a hash of the content, so a new one changes the config and every gateway reloads. */
  files: Record<string, string>;
}

export const jwtSecretFileName = (revision: number) => `jwt-hs256-secret-r${revision}`;
export const jwksCaFileName = (pem: string) => `jwt-jwks-ca-${createHash('sha256').update(pem).digest('hex').slice(0, 16)}.pem`;
export const jwtPublicKeyFileName = (pem: string) => `jwt-public-key-${createHash('sha256').update(pem).digest('hex').slice(0, 16)}.pem`;

export function renderGatewayJwt(db: Db, secretsMount: string): RenderedJwt {
  const r = readJwtRow(db);
  if (!r?.enabled) return { secretFiles: {}, files: {} };
  const out: RenderedJwt = { secretFiles: {}, files: {} };
  const jwt: NonNullable<RenderedJwt['jwt']> = {
    issuer: r.issuer,
    audience: r.audience,
    algorithms: JSON.parse(r.algorithms) as ('HS256' | 'RS256' | 'ES256')[],
    project_claim: r.project_claim,
    models_claim: r.models_claim,
    clock_tolerance_s: r.clock_tolerance_s,
  };
  if (r.key_source === 'jwks') {
    jwt.jwks_url = r.jwks_url!;
    // Left out at the gateway's own default, so configs rendered before this setting existed keep their hash.
    if (r.jwks_cache_ms !== JWT_DEFAULTS.jwksCacheMs) jwt.jwks_cache_ms = r.jwks_cache_ms;
    if (r.jwks_ca_bundle) {
      const file = jwksCaFileName(r.jwks_ca_bundle);
      out.files[file] = r.jwks_ca_bundle;
      jwt.jwks_ca_file = `${secretsMount}/${file}`;
    }
  } else if (r.key_source === 'public_key') {
    const file = jwtPublicKeyFileName(r.public_key_pem!);
    out.files[file] = r.public_key_pem!;
    jwt.public_key_file = `${secretsMount}/${file}`;
  } else {
    const file = jwtSecretFileName(r.secret_revision);
    out.secretFiles[file] = r.secret_id!;
    jwt.secret_file = `${secretsMount}/${file}`;
  }
  out.jwt = jwt;
  return out;
}
