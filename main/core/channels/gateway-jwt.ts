import { z } from 'zod';
import type { GatewayJwt, GatewayJwtChange } from '../gateway-jwt/types';
import { JWT_ALGORITHMS, MAX_CLOCK_TOLERANCE_S, MAX_JWKS_CACHE_MS, MIN_JWKS_CACHE_MS } from '../gateway-jwt/types';
import { CA_BUNDLE_MAX_BYTES } from '../../../gateway/src/config/index';
import { channel, empty, returns } from './spec';

// Sizes and shapes only; what the URL, key and secret must be is checked in gateway-jwt/validate.ts,
// which names every problem by field at once.
const text = z.string().max(512, 'use at most 512 characters');
const claim = z.string().max(256, 'use at most 256 characters');
const algorithm = z.enum(JWT_ALGORITHMS, { message: `must be one of ${JWT_ALGORITHMS.join(', ')}` });

/**
 * Who may change the issuer is who may decide who signs in: a trusted issuer (or whoever holds an
 * HS256 secret) can mint a token for any project, so this is the admin-only user:manage. Every role
 * may see the settings (nothing secret is shown), as with the vault's status.
 */
export const GATEWAY_JWT_CHANNELS = {
  'gatewayJwt:get': channel({
    input: empty,
    output: returns<GatewayJwt | null>(),
    access: 'settings:view',
    mutates: false,
    summary: 'The JWT issuer every gateway trusts, or null when JWTs are off (an HS256 secret is never returned).',
  }),
  'gatewayJwt:set': channel({
    input: z
      .object({
        issuer: text,
        audience: text,
        algorithms: z.array(algorithm).max(3).optional(),
        jwksUrl: z.string().max(2048, 'use at most 2048 characters').optional(),
        jwksCaBundle: z.string().max(CA_BUNDLE_MAX_BYTES, `is larger than ${CA_BUNDLE_MAX_BYTES / 1024} KiB; give only the CA certificates the identity provider needs`).nullable().optional(),
        jwksCacheMs: z
          .number()
          .int('must be a whole number of milliseconds')
          .min(MIN_JWKS_CACHE_MS, `must be at least ${MIN_JWKS_CACHE_MS} (1 minute)`)
          .max(MAX_JWKS_CACHE_MS, `must be at most ${MAX_JWKS_CACHE_MS} (24 hours)`)
          .optional(),
        publicKeyPem: z.string().max(16 * 1024, 'is larger than 16 KiB; give only the public key').optional(),
        hs256Secret: z.string().max(4096, 'is longer than 4096 characters').optional(),
        projectClaim: claim.optional(),
        modelsClaim: claim.optional(),
        clockToleranceS: z.number().int('must be a whole number of seconds').min(0, 'must be 0 or more').max(MAX_CLOCK_TOLERANCE_S, `must be at most ${MAX_CLOCK_TOLERANCE_S} seconds`).optional(),
      })
      .strict(),
    output: returns<GatewayJwtChange>(),
    access: 'user:manage',
    mutates: true,
    summary: 'Trust one JWT issuer on every gateway: issuer, audience, and a JWKS URL (optionally with a private CA bundle and cache time), a PEM public key or an HS256 secret (sealed in the vault); no key source keeps the stored one.',
  }),
  'gatewayJwt:disable': channel({
    input: z.object({ confirm: z.literal(true, { message: 'must be true: every gateway will refuse every JWT once it is synced' }) }).strict(),
    output: returns<GatewayJwt>(),
    access: 'user:manage',
    mutates: true,
    summary: 'Stop accepting JWTs on every gateway (API keys keep working); the HS256 secret is deleted from the vault.',
  }),
};
