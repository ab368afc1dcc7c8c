import { describe, expect, it } from 'vitest';
import type { GatewayJwt } from '../../../main/core/gateway-jwt/types';
import { ClientError } from '../../client';
import { formFromSettings, jwtFieldErrors, setInput } from './jwt-form';

const hs: GatewayJwt = {
  issuer: 'https://idp.example.com',
  audience: 'foundry-gateway',
  algorithms: ['HS256'],
  keySource: { kind: 'hs256', secretSet: true, secretUpdatedAt: '2026-01-01T00:00:00Z' },
  projectClaim: 'team',
  modelsClaim: 'models',
  clockToleranceS: 30,
  updatedAt: '2026-01-01T00:00:00Z',
  updatedBy: 'ada',
};

describe('the gateway JWT form', () => {
  it('starts empty with the gateway defaults, JWKS with RS256 and ES256', () => {
    expect(formFromSettings(null)).toMatchObject({ source: 'jwks', jwksAlgorithms: ['RS256', 'ES256'], projectClaim: 'project', modelsClaim: 'models', clockToleranceS: 5 });
  });

  it('never sends a secret it was not given: an empty secret field keeps the stored one', () => {
    const form = formFromSettings(hs);
    expect(form.hs256Secret).toBe('');
    expect(setInput(form)).toEqual({ issuer: 'https://idp.example.com', audience: 'foundry-gateway', projectClaim: 'team', modelsClaim: 'models', clockToleranceS: 30 });
    expect(setInput({ ...form, hs256Secret: 'new-secret' }).hs256Secret).toBe('new-secret');
    expect(setInput({ ...form, clockToleranceS: '' }).clockToleranceS).toBeUndefined();
    expect(setInput({ ...form, clockToleranceS: '0' }).clockToleranceS).toBe(0);
  });

  it('sends only the chosen key source', () => {
    const form = { ...formFromSettings(hs), jwksUrl: ' https://idp.example.com/jwks ', publicKeyPem: 'PEM', hs256Secret: 'typed-then-switched' };
    expect(setInput({ ...form, source: 'jwks' })).toMatchObject({ jwksUrl: 'https://idp.example.com/jwks', algorithms: ['RS256', 'ES256'] });
    expect(setInput({ ...form, source: 'jwks' })).not.toHaveProperty('hs256Secret');
    expect(setInput({ ...form, source: 'public_key' })).toMatchObject({ publicKeyPem: 'PEM' });
    expect(setInput({ ...form, source: 'public_key' })).not.toHaveProperty('algorithms');
  });

  it('sends a JWKS CA bundle only when one was given or removal was asked for, and the cache time in milliseconds', () => {
    const jwks: GatewayJwt = { ...hs, algorithms: ['ES256'], keySource: { kind: 'jwks', url: 'https://idp.internal/jwks', caCertificates: [{ subject: 'IdP CA', notBefore: '2026-01-01T00:00:00Z', notAfter: '2027-01-01T00:00:00Z', fingerprint256: 'AA' }], cacheMs: 3_600_000 } };
    const form = formFromSettings(jwks);
    expect(form).toMatchObject({ jwksCaBundle: '', clearJwksCaBundle: false, jwksCacheMinutes: 60 });
    expect(setInput(form)).not.toHaveProperty('jwksCaBundle');
    expect(setInput(form).jwksCacheMs).toBe(3_600_000);
    expect(setInput({ ...form, jwksCaBundle: 'PEM' }).jwksCaBundle).toBe('PEM');
    expect(setInput({ ...form, clearJwksCaBundle: true }).jwksCaBundle).toBeNull();
    expect(setInput({ ...form, jwksCacheMinutes: '' }).jwksCacheMs).toBeUndefined();
    expect(setInput({ ...form, source: 'public_key' })).not.toHaveProperty('jwksCacheMs');
    const err = new ClientError({ code: 'INVALID_INPUT', message: 'x', details: [{ path: ['jwksCacheMs'], message: 'out of bounds' }, { path: ['jwksCaBundle'], message: 'not a CA' }] });
    expect(jwtFieldErrors(err, 'jwks')).toEqual({ jwksCacheMinutes: 'out of bounds', jwksCaBundle: 'not a CA' });
  });

  it('puts a missing key source and an algorithm misfit beside the fields the form shows', () => {
    const err = new ClientError({ code: 'INVALID_INPUT', message: 'x', details: [{ path: ['keySource'], message: 'is required' }, { path: ['algorithms'], message: 'HS256 does not fit' }, { path: ['issuer'], message: 'is required' }] });
    expect(jwtFieldErrors(err, 'jwks')).toEqual({ jwksUrl: 'is required', jwksAlgorithms: 'HS256 does not fit', issuer: 'is required' });
    expect(jwtFieldErrors(err, 'hs256')).toMatchObject({ hs256Secret: 'is required', algorithms: 'HS256 does not fit' });
  });
});
