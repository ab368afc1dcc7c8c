/**
 * Errors are values. Every failure that crosses a boundary (IPC, HTTP, CLI) is a FoundryError
 * with a code from the closed table below; the compiler checks that each code maps to an HTTP
 * status and a CLI exit code, so a new code cannot ship without deciding both.
 */

export const ERROR_CODES = {
  INVALID_INPUT: { http: 400, exit: 2 },
  UNAUTHENTICATED: { http: 401, exit: 3 },
  /** Browser mode: the page was not opened with this launch's token. */
  BAD_LAUNCH_TOKEN: { http: 401, exit: 3 },
  FORBIDDEN: { http: 403, exit: 3 },
  NOT_FOUND: { http: 404, exit: 4 },
  CONFLICT: { http: 409, exit: 5 },
  FAILED_PRECONDITION: { http: 412, exit: 6 },
  EXPIRED: { http: 401, exit: 3 },
  REVOKED: { http: 401, exit: 3 },
  RATE_LIMITED: { http: 429, exit: 7 },
  KEYCHAIN_UNAVAILABLE: { http: 503, exit: 8 },
  KEYCHAIN_MISMATCH: { http: 500, exit: 8 },
  VAULT_CORRUPT: { http: 500, exit: 8 },
  DB_CORRUPT: { http: 500, exit: 9 },
  DB_TOO_NEW: { http: 500, exit: 9 },
  CANCELLED: { http: 499, exit: 130 },
  /** A cluster's API server could not be reached (refused, unknown host, timed out). */
  CLUSTER_UNREACHABLE: { http: 502, exit: 12 },
  /** The API server's certificate does not match the kubeconfig's certificate authority. */
  CLUSTER_TLS: { http: 502, exit: 12 },
  /** The cluster rejected the kubeconfig's credentials (401). Not UNAUTHENTICATED: the Foundry session is fine. */
  CLUSTER_UNAUTHORIZED: { http: 502, exit: 13 },
  /** The cluster's RBAC refused an operation (403). */
  CLUSTER_FORBIDDEN: { http: 502, exit: 13 },
  /** The API server answered with an error Foundry did not expect (e.g. it rejected an object). */
  CLUSTER_API_ERROR: { http: 502, exit: 12 },
  INTERRUPTED: { http: 500, exit: 10 },
  INTERNAL: { http: 500, exit: 1 },
} as const satisfies Record<string, { http: number; exit: number }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FoundryErrorShape {
  code: ErrorCode;
  message: string;
  /** What the user can do about it; shown under the message. */
  hint?: string;
  /** Structured, secret-free context (e.g. the zod issue paths). */
  details?: unknown;
}

export class FoundryError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly details?: unknown;

  constructor(shape: FoundryErrorShape & { cause?: unknown }) {
    super(shape.message, shape.cause === undefined ? undefined : { cause: shape.cause });
    this.name = 'FoundryError';
    this.code = shape.code;
    this.hint = shape.hint;
    this.details = shape.details;
  }

  toJSON(): FoundryErrorShape {
    const out: FoundryErrorShape = { code: this.code, message: this.message };
    if (this.hint !== undefined) out.hint = this.hint;
    if (this.details !== undefined) out.details = this.details;
    return out;
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/**
 * Maps anything thrown to a FoundryError. Unknown errors become INTERNAL with a generic message:
 * their text may carry paths or secrets, so it stays in the cause (for logs), never in the message.
 */
export function toFoundryError(err: unknown): FoundryError {
  if (err instanceof FoundryError) return err;
  if (err && typeof err === 'object' && 'name' in err && err.name === 'AbortError') {
    return new FoundryError({ code: 'CANCELLED', message: 'The operation was cancelled.', cause: err });
  }
  return new FoundryError({
    code: 'INTERNAL',
    message: 'Foundry hit an unexpected error.',
    hint: 'Retry; if it happens again, report it with the log file from Settings → About.',
    cause: err,
  });
}

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code].http;
}

export function exitCodeOf(code: ErrorCode): number {
  return ERROR_CODES[code].exit;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: FoundryErrorShape };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(err: unknown): Result<never> {
  return { ok: false, error: toFoundryError(err).toJSON() };
}

/** Rebuilds a FoundryError from its wire shape on the far side of a boundary. */
export function fromShape(shape: FoundryErrorShape): FoundryError {
  return new FoundryError(isErrorCode(shape.code) ? shape : { ...shape, code: 'INTERNAL' });
}

export const notFound = (what: string, hint?: string) =>
  new FoundryError({ code: 'NOT_FOUND', message: `${what} was not found.`, hint });

export const invalid = (message: string, hint?: string, details?: unknown) =>
  new FoundryError({ code: 'INVALID_INPUT', message, hint, details });
