/**
 * The gateway JWT editor's state and its mapping to gatewayJwt:set. The core judges validity (URL,
 * key type, secret length, algorithm fit) and names fields; the form puts each message beside the
 * field it names. The HS256 secret is write-only: empty keeps the stored one.
 */
import type { GatewayJwt, GatewayJwtInput, JwtAlgorithm } from '../../../main/core/gateway-jwt/types';
import type { ClientError } from '../../client';
import { fieldErrors } from '../../components/field-errors';

export type KeySourceKind = GatewayJwt['keySource']['kind'];

export const KEY_SOURCES: { value: KeySourceKind; label: string; hint: string }[] = [
  { value: 'jwks', label: 'JWKS URL', hint: "The issuer's published key set (RS256/ES256), fetched and cached by each gateway." },
  { value: 'public_key', label: 'PEM public key', hint: 'One RSA (RS256) or EC P-256 (ES256) public key, shipped to the gateways in their Secret.' },
  { value: 'hs256', label: 'HS256 secret', hint: 'A shared secret (at least 32 bytes), sealed in the vault and shipped only inside the gateway Secret.' },
];

export interface JwtForm {
  issuer: string;
  audience: string;
  source: KeySourceKind;
  jwksUrl: string;
  /** JWKS only: the algorithms accepted from the key set. */
  jwksAlgorithms: JwtAlgorithm[];
  /** JWKS only: a new CA bundle (empty keeps the stored one), or clear it. */
  jwksCaBundle: string;
  clearJwksCaBundle: boolean;
  /** JWKS only: how long gateways use fetched keys; empty keeps the stored time. */
  jwksCacheMinutes: number | string;
  publicKeyPem: string;
  /** Write-only; empty keeps the stored secret. */
  hs256Secret: string;
  projectClaim: string;
  modelsClaim: string;
  clockToleranceS: number | string;
}

export function formFromSettings(s: GatewayJwt | null): JwtForm {
  const k = s?.keySource;
  return {
    issuer: s?.issuer ?? '',
    audience: s?.audience ?? '',
    source: k?.kind ?? 'jwks',
    jwksUrl: k?.kind === 'jwks' ? k.url : '',
    jwksAlgorithms: k?.kind === 'jwks' ? s!.algorithms : ['RS256', 'ES256'],
    jwksCaBundle: '',
    clearJwksCaBundle: false,
    jwksCacheMinutes: k?.kind === 'jwks' ? k.cacheMs / 60_000 : 10,
    publicKeyPem: k?.kind === 'public_key' ? k.pem : '',
    hs256Secret: '',
    projectClaim: s?.projectClaim ?? 'project',
    modelsClaim: s?.modelsClaim ?? 'models',
    clockToleranceS: s?.clockToleranceS ?? 5,
  };
}

export function setInput(form: JwtForm): GatewayJwtInput {
  const base = {
    issuer: form.issuer.trim(),
    audience: form.audience.trim(),
    projectClaim: form.projectClaim.trim(),
    modelsClaim: form.modelsClaim.trim(),
    // An emptied number field keeps the stored tolerance rather than turning into 0.
    clockToleranceS: form.clockToleranceS === '' ? undefined : Number(form.clockToleranceS),
  };
  if (form.source === 'jwks') {
    return {
      ...base,
      jwksUrl: form.jwksUrl.trim(),
      algorithms: form.jwksAlgorithms,
      ...(form.jwksCaBundle.trim() ? { jwksCaBundle: form.jwksCaBundle } : form.clearJwksCaBundle ? { jwksCaBundle: null } : {}),
      jwksCacheMs: form.jwksCacheMinutes === '' ? undefined : Math.round(Number(form.jwksCacheMinutes) * 60_000),
    };
  }
  if (form.source === 'public_key') return { ...base, publicKeyPem: form.publicKeyPem };
  return form.hs256Secret ? { ...base, hs256Secret: form.hs256Secret } : base;
}

/** The core's field issues by form field; a missing key source belongs to the source the form shows. */
export function jwtFieldErrors(error: ClientError | null, source: KeySourceKind): Record<string, string> {
  const field = source === 'jwks' ? 'jwksUrl' : source === 'public_key' ? 'publicKeyPem' : 'hs256Secret';
  return fieldErrors(error, (p) => (p[0] === 'keySource' ? field : p[0] === 'algorithms' && source === 'jwks' ? 'jwksAlgorithms' : p[0] === 'jwksCacheMs' ? 'jwksCacheMinutes' : String(p[0])));
}

export function describeKey(s: GatewayJwt): string {
  const k = s.keySource;
  if (k.kind === 'jwks') return `${k.url}${k.caCertificates ? ` (trusted CA: ${k.caCertificates.map((c) => c.subject).join(', ')})` : ''}, keys cached ${k.cacheMs / 60_000} min`;
  if (k.kind === 'public_key') return `${k.keyType} public key, thumbprint ${k.thumbprint}`;
  return 'HS256 shared secret (never shown)';
}
