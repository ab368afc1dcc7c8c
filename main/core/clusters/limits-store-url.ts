import { invalid } from '../errors';

/**
 * Checks a Redis URL for a cluster's gateway limits store before it is sealed in the vault. The URL
 * may carry a password, so no message here ever repeats it (or any part of it but the scheme): a
 * refusal says which rule was broken and what a valid URL looks like.
 */

export const REDIS_URL_MAX = 2048;
const SHAPE = 'redis://[user:password@]host[:port][/db], or rediss:// for TLS';

export function checkRedisUrl(raw: string): string {
  const text = raw.trim();
  if (!text) throw invalid('The Redis URL is empty.', `Enter ${SHAPE}; to count limits in each replica again, clear the store instead.`);
  if (text.length > REDIS_URL_MAX) throw invalid(`The Redis URL is ${text.length} characters; at most ${REDIS_URL_MAX} are accepted.`, `Use ${SHAPE}.`);
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(text)) throw invalid('The Redis URL contains spaces or control characters.', `Percent-encode them in the password, e.g. %20 for a space; the URL is ${SHAPE}.`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid('The Redis URL is not a URL.', `Use ${SHAPE}; percent-encode @ : / in the password.`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    const scheme = /^[a-z][a-z0-9+.-]{0,20}:$/i.test(url.protocol) ? url.protocol.slice(0, -1) : 'another';
    throw invalid(`The Redis URL uses the ${scheme} scheme; the gateway's limits store speaks only Redis.`, `Use ${SHAPE}.`);
  }
  if (!url.hostname) throw invalid('The Redis URL names no host.', `Use ${SHAPE}, e.g. redis://redis.foundry-system.svc:6379.`);
  if (url.search || url.hash) throw invalid('The Redis URL has a query (?…) or fragment (#…), which the gateway does not read.', `Use ${SHAPE} with nothing after the database number.`);
  const db = url.pathname.replace(/^\//, '');
  if (db && !/^\d{1,5}$/.test(db)) throw invalid('The Redis URL path must be a database number (e.g. /0), or nothing.', `Use ${SHAPE}.`);
  return text;
}
