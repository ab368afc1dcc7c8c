import type { Dispatcher } from 'undici';
import { FoundryError } from '../errors';

const MAX_ERROR_BODY = 16 * 1024;

/**
 * At most `maxBytes` of a body, decoded once (a character split across chunks stays whole); `truncated` says there was
 * more. Reading stops there and the rest is not drained: an endpoint that streams without end cannot hold the call.
 */
export async function readBodyUpTo(body: Dispatcher.ResponseData['body'], maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const bytes = chunk as Buffer;
    const room = maxBytes - size;
    chunks.push(bytes.length > room ? bytes.subarray(0, room) : bytes);
    size += Math.min(bytes.length, room);
    if (bytes.length > room) return { text: Buffer.concat(chunks, size).toString('utf8'), truncated: true };
  }
  return { text: Buffer.concat(chunks, size).toString('utf8'), truncated: false };
}

/** An upstream's answer body as text, at most 16 KiB of it: enough for an error message, and bounded. */
export async function readErrorBody(body: Dispatcher.ResponseData['body']): Promise<string> {
  return (await readBodyUpTo(body, MAX_ERROR_BODY)).text;
}

/**
 * Turns what the gateway (or the network) said into a FoundryError a user can act on. The
 * gateway's own message is kept (it says which model or limit), cut short, and scrubbed of the
 * API key in case anything on the way echoed it.
 */

export function upstreamMessage(body: string, apiKey: string): string | null {
  let text: unknown;
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    text = typeof parsed.error === 'object' ? parsed.error?.message : (parsed.error ?? parsed.message);
  } catch {
    text = body.trim();
  }
  if (typeof text !== 'string' || text === '') return null;
  return scrub(text, apiKey).slice(0, 300);
}

export function scrub(text: string, apiKey: string): string {
  return apiKey.length >= 4 ? text.split(apiKey).join('fdy_…') : text;
}

export function retryAfterSeconds(header: string | string[] | undefined): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

interface HttpFailure {
  status: number;
  body: string;
  retryAfter: string | string[] | undefined;
  model?: string;
}

export function fromHttpStatus(f: HttpFailure, apiKey: string): FoundryError {
  const said = upstreamMessage(f.body, apiKey);
  const because = said ? `: ${said}` : '.';
  switch (f.status) {
    case 401:
    case 403:
      // Not UNAUTHENTICATED: that code means "your Foundry session ended" and would sign the user out.
      return new FoundryError({
        code: 'FORBIDDEN',
        message: `The gateway refused the API key (HTTP ${f.status})${because}`,
        hint: 'Check the key: it starts with fdy_, is not revoked or expired, and belongs to a project this gateway serves.',
      });
    case 404:
      return new FoundryError({
        code: 'NOT_FOUND',
        message: f.model ? `The gateway has no model "${f.model}" for this key${because}` : `The gateway answered 404${because}`,
        hint: f.model ? 'Press Connect to list the models this key may use, and pick one.' : 'Check the URL: it should point at the gateway, e.g. http://127.0.0.1:8080.',
      });
    case 429: {
      const seconds = retryAfterSeconds(f.retryAfter);
      return new FoundryError({
        code: 'RATE_LIMITED',
        message: `The gateway is rate limiting this key${because}`,
        hint: seconds === null ? 'Wait a little and send again.' : `Send again in ${seconds} s.`,
        details: { retryAfterSeconds: seconds },
      });
    }
    default:
      return new FoundryError({
        code: f.status >= 500 ? 'FAILED_PRECONDITION' : 'INVALID_INPUT',
        message: `The gateway answered HTTP ${f.status}${because}`,
        hint: f.status >= 500 ? 'The endpoint behind the gateway may be down or overloaded; retry, or check the deployment.' : 'Check the request settings.',
        details: { status: f.status },
      });
  }
}

const NETWORK: Record<string, string> = {
  ECONNREFUSED: 'nothing is listening there (connection refused)',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'it did not start answering in time',
  UND_ERR_BODY_TIMEOUT: 'it stopped sending in the middle of the answer',
  UND_ERR_SOCKET: 'the connection broke',
};

function codeOf(err: unknown): string | undefined {
  for (let e: unknown = err, i = 0; e && typeof e === 'object' && i < 4; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in NETWORK) return code;
    const nested = (e as { errors?: unknown[] }).errors; // AggregateError from happy-eyeballs
    if (Array.isArray(nested)) for (const n of nested) if (typeof (n as { code?: unknown })?.code === 'string' && (n as { code: string }).code in NETWORK) return (n as { code: string }).code;
  }
  return undefined;
}

export function fromNetworkError(err: unknown, baseUrl: string): FoundryError {
  if (err instanceof FoundryError) return err;
  const code = codeOf(err);
  return new FoundryError({
    code: 'FAILED_PRECONDITION',
    message: `Could not reach the gateway at ${baseUrl}: ${code ? NETWORK[code] : 'the request failed'}.`,
    hint: 'Check the URL, and that the gateway (or your kubectl port-forward to it) is running.',
    details: code ? { network: code } : undefined,
    cause: err,
  });
}
