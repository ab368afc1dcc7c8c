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
  if (form.source === 'jwks') return { ...base, jwksUrl: form.jwksUrl.trim(), algorithms: form.jwksAlgorithms };
  if (form.source === 'public_key') return { ...base, publicKeyPem: form.publicKeyPem };
  return form.hs256Secret ? { ...base, hs256Secret: form.hs256Secret } : base;
}

/** The core's field issues by form field; a missing key source belongs to the source the form shows. */
export function jwtFieldErrors(error: ClientError | null, source: KeySourceKind): Record<string, string> {
  const field = source === 'jwks' ? 'jwksUrl' : source === 'public_key' ? 'publicKeyPem' : 'hs256Secret';
  return fieldErrors(error, (p) => (p[0] === 'keySource' ? field : p[0] === 'algorithms' && source === 'jwks' ? 'jwksAlgorithms' : String(p[0])));
}

export function describeKey(s: GatewayJwt): string {
  const k = s.keySource;
  if (k.kind === 'jwks') return k.url;
  if (k.kind === 'public_key') return `${k.keyType} public key, thumbprint ${k.thumbprint}`;
  return 'HS256 shared secret (never shown)';
}
