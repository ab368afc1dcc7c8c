/** Request bodies: JSON objects only. Shared by fastify's content-type parser and the fast path. */
import { GatewayError } from '../errors';

const EMPTY = new GatewayError('invalid_json', 'request body is empty');
const NOT_JSON = new GatewayError('invalid_json', 'request body is not valid JSON');
const NOT_OBJECT = new GatewayError('invalid_request', 'request body must be a JSON object');

export function parseJsonObject(buf: Buffer): Record<string, unknown> | GatewayError {
  if (buf.length === 0) return EMPTY;
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.toString('utf8'));
  } catch {
    return NOT_JSON;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return NOT_OBJECT;
  return parsed as Record<string, unknown>;
}
