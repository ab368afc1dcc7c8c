/**
 * Time-limited image URLs the gateway itself serves: HMAC-SHA256 over the path and the expiry,
 * with a key every replica shares. Checks run in constant time and say exactly what is wrong
 * (expired, or not a URL this gateway signed) without saying which byte differed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../errors';

export const IMAGE_ROUTE_PREFIX = '/files/images/';

function mac(key: Buffer, name: string, expires: number): Buffer {
  return createHmac('sha256', key).update(`GET\n${IMAGE_ROUTE_PREFIX}${name}\n${expires}`).digest();
}

/** The path and query of a signed URL for `name` (a store key), valid until `expires` (Unix seconds). */
export function signImagePath(key: Buffer, name: string, expires: number): string {
  return `${IMAGE_ROUTE_PREFIX}${name}?expires=${expires}&signature=${mac(key, name, expires).toString('base64url')}`;
}

/** null when the URL is valid now; else the 403 to answer with. */
export function verifyImagePath(key: Buffer, name: string, expires: string | undefined, signature: string | undefined, nowS: number): GatewayError | null {
  if (expires === undefined || signature === undefined) {
    return new GatewayError('signed_url_invalid', 'This image URL is missing its expires or signature parameter; use the URL exactly as the gateway returned it.');
  }
  const exp = /^[0-9]{1,12}$/.test(expires) ? Number(expires) : NaN;
  const given = /^[A-Za-z0-9_-]{43}$/.test(signature) ? Buffer.from(signature, 'base64url') : null;
  // Compare before looking at the expiry, so a tampered URL is never reported as merely expired.
  if (!Number.isFinite(exp) || !given || given.length !== 32 || !timingSafeEqual(given, mac(key, name, exp))) {
    return new GatewayError('signed_url_invalid', 'This image URL was not signed by this gateway, or it was altered.');
  }
  if (nowS > exp) {
    return new GatewayError('signed_url_expired', `This image URL expired at ${new Date(exp * 1000).toISOString()}; request the image again for a new URL.`);
  }
  return null;
}
