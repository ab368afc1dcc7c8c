/**
 * The gateway's closed error-code table. Every error a client can see has a code here; the
 * compiler checks that each maps to an HTTP status and an OpenAI error `type`, and toOpenAIError()
 * is the only place that renders the wire shape {error: {message, type, param, code}}.
 */
export const GATEWAY_ERRORS = {
  invalid_request: { status: 400, type: 'invalid_request_error' },
  invalid_json: { status: 400, type: 'invalid_request_error' },
  unsupported_media_type: { status: 415, type: 'invalid_request_error' },
  request_too_large: { status: 413, type: 'invalid_request_error' },
  invalid_api_key: { status: 401, type: 'authentication_error' },
  auth_rate_limited: { status: 429, type: 'rate_limit_error' },
  admin_forbidden: { status: 403, type: 'permission_error' },
  signed_url_invalid: { status: 403, type: 'permission_error' },
  signed_url_expired: { status: 403, type: 'permission_error' },
  guardrail_blocked: { status: 400, type: 'invalid_request_error' },
  model_not_found: { status: 404, type: 'invalid_request_error' },
  not_found: { status: 404, type: 'invalid_request_error' },
  rate_limit_exceeded: { status: 429, type: 'rate_limit_error' },
  insufficient_quota: { status: 429, type: 'insufficient_quota' },
  upstream_error: { status: 502, type: 'api_error' },
  storage_error: { status: 502, type: 'api_error' },
  upstream_rate_limited: { status: 429, type: 'rate_limit_error' },
  upstream_timeout: { status: 504, type: 'api_error' },
  upstream_client_error: { status: 400, type: 'invalid_request_error' },
  no_healthy_upstream: { status: 503, type: 'api_error' },
  shutting_down: { status: 503, type: 'api_error' },
  internal_error: { status: 500, type: 'api_error' },
} as const satisfies Record<string, { status: number; type: string }>;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly param: string | null;
  /** Seconds, for 429s: becomes Retry-After. */
  readonly retryAfterS: number | undefined;
  /** Upstream status to pass through for upstream_client_error (e.g. 400, 422). */
  readonly statusOverride: number | undefined;

  constructor(code: GatewayErrorCode, message: string, extra: { param?: string; retryAfterS?: number; status?: number; cause?: unknown } = {}) {
    super(message, { cause: extra.cause });
    this.code = code;
    this.param = extra.param ?? null;
    this.retryAfterS = extra.retryAfterS;
    this.statusOverride = extra.status;
  }

  get status(): number {
    return this.statusOverride ?? GATEWAY_ERRORS[this.code].status;
  }
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

export function toOpenAIError(err: GatewayError): OpenAIErrorBody {
  return { error: { message: err.message, type: GATEWAY_ERRORS[err.code].type, param: err.param, code: err.code } };
}

/** At the edge: anything thrown that is not ours is a bug, and its message must not leak. */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  const e = err as { code?: string; statusCode?: number; message?: string; validation?: unknown };
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new GatewayError('request_too_large', 'request body is too large');
  if (e?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new GatewayError('unsupported_media_type', 'Content-Type must be application/json');
  if (e?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || e?.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return new GatewayError('invalid_json', 'request body is not valid JSON');
  if (e?.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') return new GatewayError('invalid_request', 'Content-Length does not match the body');
  if (e?.statusCode === 400 && e?.validation) return new GatewayError('invalid_request', e.message ?? 'invalid request');
  if (e?.statusCode === 400) return new GatewayError('invalid_request', 'malformed request');
  if (e?.statusCode === 404) return new GatewayError('not_found', 'not found');
  if (e?.statusCode === 413) return new GatewayError('request_too_large', 'request body is too large');
  if (e?.statusCode === 415) return new GatewayError('unsupported_media_type', 'Content-Type must be application/json');
  return new GatewayError('internal_error', 'internal error', { cause: err });
}
