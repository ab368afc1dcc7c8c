/**
 * The JWT issuer every cluster's gateway trusts, as the desktop keeps it and shows it. It mirrors
 * the gateway's `[auth.jwt]` (gateway/src/config/schema.ts) with exactly one key source. The HS256
 * secret is write-only: views say that one is set and when it changed, never what it is.
 */

export const JWT_ALGORITHMS = ['HS256', 'RS256', 'ES256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export type JwtKeySource =
  | { kind: 'jwks'; url: string }
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
  publicKeyPem?: string;
  hs256Secret?: string;
  projectClaim?: string;
  modelsClaim?: string;
  clockToleranceS?: number;
}

export const JWT_DEFAULTS = { projectClaim: 'project', modelsClaim: 'models', clockToleranceS: 5 } as const;
export const MAX_CLOCK_TOLERANCE_S = 300;
export const MIN_HS256_SECRET_BYTES = 32;

export interface GatewayJwtChange {
  settings: GatewayJwt;
  /** enabled: there was no issuer before; changed: there was one. */
  change: 'enabled' | 'changed';
  secretReplaced: boolean;
}
