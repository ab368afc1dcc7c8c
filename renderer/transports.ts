/**
 * The two ways the renderer reaches the core: Electron's preload bridge, or browser mode's local
 * HTTP + WebSocket server. Both return the core's Result values untouched; turning them into
 * exceptions is client.ts's job, so the two transports stay thin and interchangeable.
 */
import type { ChannelName } from '../main/core/channel-names';
import type { ErrorCode, FoundryErrorShape } from '../main/core/errors';
import type { CoreEvent, PreloadApi } from '../main/core/transport';
import { WEB_API } from '../main/core/transport';

export type EventStatus = 'open' | 'closed';

/**
 * A core error code, or TRANSPORT when no core answered at all: the core's closed code table has no
 * code for "could not reach me", and inventing one there would leak a client concern into the core.
 */
export type ClientErrorCode = ErrorCode | 'TRANSPORT';
export type ClientErrorShape = Omit<FoundryErrorShape, 'code'> & { code: ClientErrorCode };
/** The core's Result, widened by the transport's own failure. */
export type WireResult = { ok: true; value: unknown } | { ok: false; error: ClientErrorShape };

export interface Transport {
  kind: 'electron' | 'web';
  call(name: ChannelName, input: unknown, session: string | undefined): Promise<WireResult>;
  /** Streams core events for a session until the returned function is called. */
  subscribe(session: string, listener: (event: CoreEvent) => void, onStatus?: (status: EventStatus) => void): () => void;
}

/** A failure of the transport itself (no core answer at all), shaped like a core error. */
export const transportFailure = (message: string, hint?: string): WireResult => ({
  ok: false,
  error: hint === undefined ? { code: 'TRANSPORT', message } : { code: 'TRANSPORT', message, hint },
});

/** Checks the minimum shape of a Result that arrived from outside the renderer. */
export function isResult(value: unknown): value is WireResult {
  if (!value || typeof value !== 'object' || !('ok' in value)) return false;
  if (value.ok === true) return 'value' in value;
  return value.ok === false && 'error' in value && !!value.error && typeof value.error === 'object';
}

export function createElectronTransport(api: PreloadApi): Transport {
  return {
    kind: 'electron',
    async call(name, input, session) {
      const fn = api.channels[name];
      if (typeof fn !== 'function') return transportFailure(`This build of Foundry does not expose ${name}.`, 'Update or rebuild the app.');
      const result = await fn({ session, input });
      return isResult(result) ? result : transportFailure(`${name} returned something that is not a result.`);
    },
    subscribe(session, listener, onStatus) {
      const off = api.onEvent(session, listener);
      onStatus?.('open');
      return off;
    },
  };
}

export type SocketLike = Pick<WebSocket, 'close' | 'onopen' | 'onclose' | 'onerror' | 'onmessage'>;

export interface WebTransportOptions {
  /** e.g. http://127.0.0.1:5173 — the server that served this page. */
  origin: string;
  launchToken: string;
  fetch: typeof fetch;
  WebSocket: new (url: string) => SocketLike;
  /** Reconnect delays grow from `minDelayMs` doubling up to `maxDelayMs`. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

const SESSION_REFUSED = 4401;

export function eventsUrl(origin: string, launchToken: string, session: string): string {
  const url = new URL(WEB_API.eventsPath, origin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = new URLSearchParams({ token: launchToken, session }).toString();
  return url.toString();
}

async function postCall(opts: WebTransportOptions, name: ChannelName, input: unknown, session: string | undefined): Promise<WireResult> {
  const headers: Record<string, string> = {
    [WEB_API.launchTokenHeader]: `Bearer ${opts.launchToken}`,
    'content-type': 'application/json',
  };
  if (session) headers[WEB_API.sessionHeader] = session;
  let response: Response;
  try {
    response = await opts.fetch(new URL(WEB_API.callPath(name), opts.origin).toString(), {
      method: 'POST',
      headers,
      body: JSON.stringify(input ?? {}),
    });
  } catch {
    return transportFailure('Foundry’s local server did not answer.', 'Check that `npm run web` is still running, then reload.');
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (isResult(body)) return body;
  return transportFailure(
    `Foundry’s local server answered ${name} with HTTP ${response.status} and no result.`,
    response.status === 401 || response.status === 403 ? 'Open the URL printed by `npm run web` again (it carries a fresh token).' : undefined,
  );
}

function subscribeSocket(opts: WebTransportOptions, session: string, listener: (event: CoreEvent) => void, onStatus?: (s: EventStatus) => void) {
  const min = opts.minDelayMs ?? 500;
  const max = opts.maxDelayMs ?? 15_000;
  let attempt = 0;
  let stopped = false;
  let socket: SocketLike | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const connect = () => {
    socket = new opts.WebSocket(eventsUrl(opts.origin, opts.launchToken, session));
    socket.onopen = () => {
      attempt = 0;
      onStatus?.('open');
    };
    socket.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      try {
        listener(JSON.parse(ev.data) as CoreEvent);
      } catch {
        // A malformed frame is dropped; the next jobs:list refresh restores the truth.
      }
    };
    socket.onerror = () => undefined;
    socket.onclose = (ev) => {
      socket = null;
      if (stopped) return;
      onStatus?.('closed');
      // 4401: the server refused this session; retrying cannot help, and the next call will find out why.
      if ((ev as { code?: number } | undefined)?.code === SESSION_REFUSED) return;
      const delay = Math.min(max, min * 2 ** attempt);
      attempt += 1;
      timer = setTimeout(connect, delay);
    };
  };
  connect();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    socket?.close();
  };
}

export function createWebTransport(opts: WebTransportOptions): Transport {
  return {
    kind: 'web',
    call: (name, input, session) => postCall(opts, name, input, session),
    subscribe: (session, listener, onStatus) => subscribeSocket(opts, session, listener, onStatus),
  };
}
