/**
 * The rules a JWT issuer's settings meet before anything is stored or sent to a cluster. What passes
 * is what the gateway's verifier accepts (gateway/src/auth/jwt.ts: jose's jwtVerify, importSPKI,
 * createRemoteJWKSet), checked here so a mistake is a clear error at the desktop rather than a
 * gateway that refuses to load its config, or one that refuses every token.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { checkCaBundle } from '../../../gateway/src/config/index';
import { invalid } from '../errors';
import type { FieldIssue } from '../endpoints/validate';
import { JWT_ALGORITHMS, JWT_DEFAULTS, MAX_JWKS_CACHE_MS, MIN_HS256_SECRET_BYTES, MIN_JWKS_CACHE_MS, type GatewayJwtInput, type JwtAlgorithm } from './types';

export type StoredKeySource = { kind: 'jwks'; url: string; caBundle: string | null; cacheMs: number } | { kind: 'public_key'; pem: string } | { kind: 'hs256' };

/** What is stored now: the fields an input leaves out keep these values. */
export interface StoredJwt {
  source: StoredKeySource;
  algorithms: JwtAlgorithm[];
  projectClaim: string;
  modelsClaim: string;
  clockToleranceS: number;
}

export type CheckedKeySource =
  /** caBundle: normalised PEM (certificate blocks only), or null for the system roots. */
  | { kind: 'jwks'; url: string; caBundle: string | null; cacheMs: number }
  | { kind: 'public_key'; pem: string; key: KeyObject; keyType: string }
  /** secret: a new one to seal; absent: keep the stored one. */
  | { kind: 'hs256'; secret?: string };

export interface CheckedJwt {
  issuer: string;
  audience: string;
  algorithms: JwtAlgorithm[];
  source: CheckedKeySource;
  projectClaim: string;
  modelsClaim: string;
  clockToleranceS: number;
}

/**
 * http only to a loopback address: a key set fetched over plain http anywhere else can be swapped
 * by anyone on the network path, who could then mint tokens every gateway accepts. Loopback never
 * leaves the gateway's pod (a sidecar serving the key set), the same line browsers draw for
 * "potentially trustworthy" origins.
 */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

export function checkJwksUrl(raw: string, issues: FieldIssue[]): string {
  const issue = (message: string) => {
    issues.push({ path: ['jwksUrl'], message });
    return raw;
  };
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return issue(`"${raw.slice(0, 200)}" is not a URL; give the issuer's key set address, e.g. https://idp.example.com/.well-known/jwks.json`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return issue(`must use https, not ${url.protocol.replace(/:$/, '')}`);
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    return issue('must use https: a key set fetched over plain http can be replaced on the way, and whoever replaces it can mint tokens every gateway accepts (http is accepted only for a loopback address, e.g. a sidecar in the gateway pod)');
  }
  if (url.username || url.password) return issue("must not carry a user name or password: the URL is written into every cluster's gateway ConfigMap in clear");
  if (url.hash) return issue('must not have a #fragment');
  return url.href;
}

/**
 * The JWKS source's CA bundle and cache time. A bundle is checked with the gateway's own CA-bundle
 * check plus dates (an expired CA can never be trusted), and only fits an https URL: over plain http
 * there is no certificate to trust. The text is never echoed, only the certificate's subject.
 */
function checkJwksExtras(input: GatewayJwtInput, url: string, stored: { caBundle: string | null; cacheMs: number } | null, issues: FieldIssue[]): { caBundle: string | null; cacheMs: number } {
  let caBundle = input.jwksCaBundle === undefined ? (stored?.caBundle ?? null) : null;
  if (typeof input.jwksCaBundle === 'string') {
    const r = checkCaBundle(input.jwksCaBundle, Date.now());
    if (r.ok) caBundle = r.pem;
    else issues.push({ path: ['jwksCaBundle'], message: r.error });
  }
  if ((caBundle !== null || typeof input.jwksCaBundle === 'string') && !url.startsWith('https:')) {
    issues.push({ path: ['jwksCaBundle'], message: 'applies only to an https JWKS URL (a plain-http key set has no certificate to trust); use https, or remove the CA bundle' });
  }
  const cacheMs = input.jwksCacheMs ?? stored?.cacheMs ?? JWT_DEFAULTS.jwksCacheMs;
  if (!Number.isInteger(cacheMs) || cacheMs < MIN_JWKS_CACHE_MS || cacheMs > MAX_JWKS_CACHE_MS) {
    issues.push({ path: ['jwksCacheMs'], message: `must be a whole number of milliseconds from ${MIN_JWKS_CACHE_MS} (1 minute) to ${MAX_JWKS_CACHE_MS} (24 hours)` });
  }
  return { caBundle, cacheMs };
}

const PUBLIC_KEY_HINT = 'give the issuer\'s public key in PEM form ("-----BEGIN PUBLIC KEY-----"; `openssl pkey -in key.pem -pubout` prints it)';

/** A PEM public key (SPKI, PKCS#1 or a certificate), returned as SPKI PEM, which is what the gateway imports. */
export function checkPublicKey(text: string, issues: FieldIssue[]): { pem: string; key: KeyObject; keyType: string; algorithm: JwtAlgorithm } | null {
  const issue = (message: string) => {
    issues.push({ path: ['publicKeyPem'], message });
    return null;
  };
  // Never echo the text: a private key pasted by mistake must not travel on in an error message.
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    return issue('contains a private key, which must stay with the token issuer; give only the public key (`openssl pkey -in key.pem -pubout`). Nothing was stored');
  }
  if (!/-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE)-----/.test(text)) return issue(`holds no PEM public key; ${PUBLIC_KEY_HINT}`);
  let key: KeyObject;
  try {
    key = createPublicKey(text.trim());
  } catch (err) {
    return issue(`cannot be read as a public key (${(err as Error).message.replace(/^error:[0-9A-F]+:/i, '').slice(0, 160)}); ${PUBLIC_KEY_HINT}`);
  }
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits < 2048) return issue(`is an RSA key of ${bits} bits; RS256 needs at least 2048 bits`);
    return { pem: spki(key), key, keyType: `RSA ${bits}`, algorithm: 'RS256' };
  }
  if (key.asymmetricKeyType === 'ec') {
    if (details.namedCurve !== 'prime256v1') return issue(`is an EC key on ${curveName(details.namedCurve)}; ES256 needs a P-256 key (RS256 needs an RSA key)`);
    return { pem: spki(key), key, keyType: 'EC P-256', algorithm: 'ES256' };
  }
  return issue(`is an ${key.asymmetricKeyType ?? 'unknown'} key; the gateway verifies RS256 (an RSA key) and ES256 (an EC P-256 key)`);
}

const spki = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
const curveName = (c: string | undefined) => ({ secp384r1: 'P-384', secp521r1: 'P-521', secp256k1: 'secp256k1' })[c ?? ''] ?? c ?? 'an unknown curve';

/** Shared secrets: at least as long as the HS256 hash (RFC 7518 §3.2); the gateway trims the file, so no outer whitespace. */
export function checkHs256Secret(secret: string, issues: FieldIssue[]): void {
  const issue = (message: string) => issues.push({ path: ['hs256Secret'], message });
  if (secret !== secret.trim()) issue('must not start or end with whitespace (the gateway trims it, and tokens signed with the untrimmed secret would be refused)');
  else if (/[\x00-\x1f\x7f]/.test(secret)) issue('must not contain control characters or line breaks');
  else if (Buffer.byteLength(secret, 'utf8') < MIN_HS256_SECRET_BYTES) issue(`is ${Buffer.byteLength(secret, 'utf8')} bytes; HS256 needs at least ${MIN_HS256_SECRET_BYTES} (256 bits), e.g. \`openssl rand -base64 48\``);
}

const TEXT_RULE = /^[^\s\x00-\x1f\x7f]{1,512}$/;

function checkText(field: 'issuer' | 'audience', value: string, issues: FieldIssue[]): string {
  const v = value.trim();
  if (!v) issues.push({ path: [field], message: `is required: tokens must name ${field === 'issuer' ? 'who issued them (the "iss" claim), e.g. https://idp.example.com' : 'this gateway as their audience (the "aud" claim), e.g. foundry-gateway'}` });
  else if (!TEXT_RULE.test(v)) issues.push({ path: [field], message: 'must be 1–512 characters without spaces, exactly as the tokens carry it' });
  return v;
}

function checkClaim(field: 'projectClaim' | 'modelsClaim', value: string, issues: FieldIssue[]): string {
  if (!/^[^\s\x00-\x1f\x7f]{1,256}$/.test(value)) issues.push({ path: [field], message: 'must be a claim name of 1–256 characters without spaces, e.g. "project" or "https://example.com/project"' });
  return value;
}

/** What each key source can verify, and why the others do not fit. */
function checkAlgorithms(given: JwtAlgorithm[] | undefined, fits: readonly JwtAlgorithm[], source: string, issues: FieldIssue[]): JwtAlgorithm[] {
  if (!given) return [...fits];
  const misfits = given.filter((a) => !fits.includes(a));
  if (given.length === 0) issues.push({ path: ['algorithms'], message: `name at least one; ${source} verifies ${fits.join(' and ')}` });
  else if (misfits.length) issues.push({ path: ['algorithms'], message: `${misfits.join(', ')} ${misfits.length === 1 ? 'does' : 'do'} not fit ${source}, which verifies ${fits.join(' and ')} only` });
  return JWT_ALGORITHMS.filter((a) => given.includes(a));
}

/**
 * Checks and normalises a new or changed issuer against what is stored (null: none). A field left
 * out keeps its stored value (or the gateway's default); algorithms left out keep the stored ones
 * while the key source stays, and are what a new key source verifies otherwise. Throws
 * INVALID_INPUT naming every problem by field; nothing has been stored when it does.
 */
export function checkJwtSettings(input: GatewayJwtInput, current: StoredJwt | null): CheckedJwt {
  const issues: FieldIssue[] = [];
  const stored = current?.source ?? null;
  const issuer = checkText('issuer', input.issuer, issues);
  const audience = checkText('audience', input.audience, issues);
  const projectClaim = checkClaim('projectClaim', input.projectClaim ?? current?.projectClaim ?? JWT_DEFAULTS.projectClaim, issues);
  const modelsClaim = checkClaim('modelsClaim', input.modelsClaim ?? current?.modelsClaim ?? JWT_DEFAULTS.modelsClaim, issues);
  if (projectClaim === modelsClaim) issues.push({ path: ['modelsClaim'], message: `must differ from the project claim ("${projectClaim}")` });
  const clockToleranceS = input.clockToleranceS ?? current?.clockToleranceS ?? JWT_DEFAULTS.clockToleranceS;

  const given = (['jwksUrl', 'publicKeyPem', 'hs256Secret'] as const).filter((k) => input[k] !== undefined);
  const wanted = input.algorithms ?? (given.length === 0 ? current?.algorithms : undefined);
  let source: CheckedKeySource | null = null;
  let algorithms: JwtAlgorithm[] = [];
  if (given.length > 1) {
    issues.push({ path: [given[1]!], message: `give one key source only: ${given.join(' and ')} were both given. A JWKS URL, a PEM public key or an HS256 secret` });
  } else if (input.jwksUrl !== undefined || (given.length === 0 && stored?.kind === 'jwks')) {
    const url = input.jwksUrl !== undefined ? checkJwksUrl(input.jwksUrl, issues) : (stored as { url: string }).url;
    source = { kind: 'jwks', url, ...checkJwksExtras(input, url, stored?.kind === 'jwks' ? stored : null, issues) };
    algorithms = checkAlgorithms(wanted, ['RS256', 'ES256'], 'a JWKS key set (HS256 needs a shared secret instead)', issues);
  } else if (input.publicKeyPem !== undefined || (given.length === 0 && stored?.kind === 'public_key')) {
    const key = checkPublicKey(input.publicKeyPem ?? (stored as { pem: string }).pem, issues);
    if (key) {
      source = { kind: 'public_key', pem: key.pem, key: key.key, keyType: key.keyType };
      algorithms = checkAlgorithms(wanted, [key.algorithm], `an ${key.keyType} public key`, issues);
    }
  } else if (input.hs256Secret !== undefined || (given.length === 0 && stored?.kind === 'hs256')) {
    if (input.hs256Secret !== undefined) checkHs256Secret(input.hs256Secret, issues);
    source = input.hs256Secret !== undefined ? { kind: 'hs256', secret: input.hs256Secret } : { kind: 'hs256' };
    algorithms = checkAlgorithms(wanted, ['HS256'], 'a shared secret', issues);
  } else {
    issues.push({ path: ['keySource'], message: 'is required: give a JWKS URL, a PEM public key (RS256/ES256) or an HS256 shared secret' });
  }
  if (source?.kind !== 'jwks') {
    const extra = (['jwksCaBundle', 'jwksCacheMs'] as const).filter((k) => input[k] !== undefined && input[k] !== null);
    for (const k of extra) issues.push({ path: [k], message: 'applies only to a JWKS key source; give a JWKS URL, or leave it out' });
  }
  if (issues.length || !source) throw jwtInvalid(issues);
  return { issuer, audience, algorithms, source, projectClaim, modelsClaim, clockToleranceS };
}

export function jwtInvalid(issues: FieldIssue[]) {
  return invalid(`The gateway JWT settings are not valid: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`, 'Fix the fields named above; nothing was changed.', issues);
}
