import type { HandlerTable } from './types';
import { signedIn } from './types';
import type { GatewayJwt } from '../gateway-jwt/types';

type GatewayJwtHandlers = Pick<HandlerTable, 'gatewayJwt:get' | 'gatewayJwt:set' | 'gatewayJwt:disable'>;

// Audit records name the issuer and which key it trusts (URL and its CA's fingerprints, thumbprint, or that a secret is set), never the secret.
const describe = (s: GatewayJwt) => ({
  issuer: s.issuer,
  audience: s.audience,
  algorithms: s.algorithms,
  keySource: s.keySource.kind,
  ...(s.keySource.kind === 'jwks'
    ? { jwksUrl: s.keySource.url, jwksCaFingerprints: s.keySource.caCertificates?.map((c) => c.fingerprint256) ?? null, jwksCacheMs: s.keySource.cacheMs }
    : {}),
  ...(s.keySource.kind === 'public_key' ? { publicKey: `${s.keySource.keyType} ${s.keySource.thumbprint}` } : {}),
  projectClaim: s.projectClaim,
  modelsClaim: s.modelsClaim,
  clockToleranceS: s.clockToleranceS,
});

export const gatewayJwtHandlers: GatewayJwtHandlers = {
  'gatewayJwt:get': { run: (ctx) => ctx.core.gatewayJwt.get() },
  'gatewayJwt:set': {
    run: (ctx, input) => ctx.core.gatewayJwt.set(input, signedIn(ctx)),
    audit: (_i, r) => ({ target: 'gateway-jwt', details: { change: r.change, ...describe(r.settings), secretReplaced: r.secretReplaced } }),
  },
  'gatewayJwt:disable': {
    run: (ctx) => ctx.core.gatewayJwt.disable(signedIn(ctx)),
    audit: (_i, s) => ({ target: 'gateway-jwt', details: { change: 'disabled', issuer: s.issuer, keySource: s.keySource.kind } }),
  },
};
