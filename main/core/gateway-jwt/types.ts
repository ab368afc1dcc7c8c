/**
 * The JWT issuer every cluster's gateway trusts, as the desktop keeps it and shows it. It mirrors
 * the gateway's `[auth.jwt]` (gateway/src/config/schema.ts) with exactly one key source. The HS256
 * secret is write-only: views say that one is set and when it changed, never what it is.
 */

export const JWT_ALGORITHMS = ['HS256', 'RS256', 'ES256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** One certificate of the JWKS URL's CA bundle, as shown (the PEM itself is not returned). */
export interface JwksCaCertificate {
  subject: string;
  notBefore: string;
  notAfter: string;
  fingerprint256: string;
}

export type JwtKeySource =
  /** caCertificates: the bundle trusted for the key set's TLS (an IdP behind a private CA); null: the system roots. cacheMs: how long fetched keys are used before the set is fetched again. */
  | { kind: 'jwks'; url: string; caCertificates: JwksCaCertificate[] | null; cacheMs: number }
  /** keyType e.g. "RSA 2048" or "EC P-256"; thumbprint is the key's RFC 7638 SHA-256 JWK thumbprint. */
  | { kind: 'public_key'; pem: string; keyType: string; thumbprint: string }
  | { kind: 'hs256'; secretSet: true; secretUpdatedAt: string };

export interface GatewayJwt {
  issuer: string;
  audience: string;
  algorithms: JwtAlgorithm[];
  keySource: JwtKeySource;
  projectClaim: string;
  modelsClaim: string;
  clockToleranceS: number;
  updatedAt: string;
  updatedBy: string;
}

/**
 * A new or changed issuer. At most one of jwksUrl, publicKeyPem and hs256Secret; none keeps the
 * stored key source (so the audience can change without pasting the secret again). Every other
 * optional field left out keeps its stored value too.
 */
export interface GatewayJwtInput {
  issuer: string;
  audience: string;
  /** Default: the stored ones while the key source stays; else what it verifies (JWKS: RS256 and ES256; a PEM: its key's algorithm; a secret: HS256). */
  algorithms?: JwtAlgorithm[];
  jwksUrl?: string;
  /** PEM CA bundle for an https JWKS URL behind a private CA: a new one replaces the stored one, null removes it, absent keeps it (while the key source stays JWKS). */
  jwksCaBundle?: string | null;
  /** How long the gateway uses fetched keys before fetching the set again (JWKS only); absent keeps the stored value. */
  jwksCacheMs?: number;
  publicKeyPem?: string;
  hs256Secret?: string;
  projectClaim?: string;
  modelsClaim?: string;
  clockToleranceS?: number;
}

export const JWT_DEFAULTS = { projectClaim: 'project', modelsClaim: 'models', clockToleranceS: 5, jwksCacheMs: 600_000 } as const;
/** 1 minute to 24 hours: shorter hammers the IdP from every replica; longer keeps a removed key trusted for a day. */
export const MIN_JWKS_CACHE_MS = 60_000;
export const MAX_JWKS_CACHE_MS = 86_400_000;
export const MAX_CLOCK_TOLERANCE_S = 300;
export const MIN_HS256_SECRET_BYTES = 32;

export interface GatewayJwtChange {
  settings: GatewayJwt;
  /** enabled: there was no issuer before; changed: there was one. */
  change: 'enabled' | 'changed';
  secretReplaced: boolean;
}
