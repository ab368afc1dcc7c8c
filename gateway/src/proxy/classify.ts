/** Maps what went wrong upstream to a gateway error and whether another target may help. */
import { GatewayError } from '../errors';
import type { Provider } from '../providers/types';
import type { AttemptResult } from './types';

/** Bodies of non-200 answers are only read for their error message: the first 16 KiB are kept. */
export const ERROR_BODY_LIMIT = 16_384;

/** The codes both upstream clients give a request that went quiet: undici's, and the H1 pool's. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'H1_TIMEOUT']);

export function isTimeout(err: unknown): boolean {
  return TIMEOUT_CODES.has((err as { code?: string } | null)?.code ?? '');
}

export function classifyStatus(provider: Provider, status: number, body: string, retryAfter: string | undefined, upstreamMs: number): AttemptResult {
  const msg = `${provider.name}: HTTP ${status}: ${provider.errorMessage(body)}`;
  if (status === 429) {
    const s = Number(retryAfter);
    return { kind: 'fail', error: new GatewayError('upstream_rate_limited', msg, { retryAfterS: Number.isFinite(s) && s > 0 ? Math.ceil(s) : 1 }), retryable: true, breakerFailure: false, upstreamMs };
  }
  if (status === 400 || status === 413 || status === 422) {
    // The request itself is wrong: another target would say the same, and the target is healthy.
    return { kind: 'fail', error: new GatewayError('upstream_client_error', provider.errorMessage(body), { status }), retryable: false, breakerFailure: false, upstreamMs };
  }
  if (status === 504 || status === 408) return { kind: 'fail', error: new GatewayError('upstream_timeout', msg), retryable: true, breakerFailure: true, upstreamMs };
  return { kind: 'fail', error: new GatewayError('upstream_error', msg), retryable: true, breakerFailure: true, upstreamMs };
}

export function classifyThrown(provider: Provider, err: unknown, timedOut: boolean, upstreamMs: number): AttemptResult {
  if (timedOut) return { kind: 'fail', error: new GatewayError('upstream_timeout', `${provider.name}: timed out`), retryable: true, breakerFailure: true, upstreamMs };
  const code = (err as { code?: string })?.code ?? 'ERROR';
  return { kind: 'fail', error: new GatewayError('upstream_error', `${provider.name}: connection failed (${code})`), retryable: true, breakerFailure: true, upstreamMs };
}
