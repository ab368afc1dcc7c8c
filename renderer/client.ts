/**
 * The renderer's one way to talk to the core: `call(name, input)` typed from the channel table,
 * over whichever transport this window has (Electron preload or browser mode). A failed Result
 * becomes a thrown ClientError carrying the core's code, message and hint — never a stack.
 */
import type { ChannelInput, ChannelName, ChannelOutput } from '../main/core/channels';
import type { CoreEvent, PreloadApi } from '../main/core/transport';
import { createSessionTokenStore, takeLaunchToken, type KeyValueStore, type SessionTokenStore } from './tokens';
import {
  createElectronTransport,
  createWebTransport,
  type ClientErrorCode,
  type ClientErrorShape,
  type EventStatus,
  type Transport,
} from './transports';

export class ClientError extends Error {
  readonly code: ClientErrorCode;
  readonly hint?: string;
  readonly details?: unknown;

  constructor(shape: ClientErrorShape) {
    super(shape.message);
    this.name = 'ClientError';
    this.code = shape.code;
    this.hint = shape.hint;
    this.details = shape.details;
  }
}

/** Turns anything caught in UI code into something safe to show: message and hint, no stack. */
export function toClientError(err: unknown): ClientError {
  if (err instanceof ClientError) return err;
  return new ClientError({ code: 'INTERNAL', message: 'Something went wrong in the window.', hint: 'Reload; if it happens again, report it.' });
}

const SESSION_LOST: ReadonlySet<ClientErrorCode> = new Set(['UNAUTHENTICATED', 'EXPIRED']);
// Sign-in and setup answer UNAUTHENTICATED for a wrong password, which is not a lost session.
const PASSWORD_CHANNELS: ReadonlySet<ChannelName> = new Set(['auth:signIn', 'auth:setup']);

export interface Client {
  readonly kind: Transport['kind'];
  call<K extends ChannelName>(name: K, input: ChannelInput<K>): Promise<ChannelOutput<K>>;
  /** Subscribes to core events for the current session; a no-op when signed out. */
  onEvent(listener: (event: CoreEvent) => void, onStatus?: (status: EventStatus) => void): () => void;
  hasSession(): boolean;
  /** Called when a call fails because the session ended (expired, revoked, signed out elsewhere). */
  onSessionLost(listener: (error: ClientError) => void): () => void;
}

export function createClient(transport: Transport, sessions: SessionTokenStore): Client {
  const lostListeners = new Set<(error: ClientError) => void>();

  async function call<K extends ChannelName>(name: K, input: ChannelInput<K>): Promise<ChannelOutput<K>> {
    const session = sessions.get();
    const result = await transport.call(name, input, session);
    if (!result.ok) {
      const error = new ClientError(result.error);
      if (session && SESSION_LOST.has(error.code) && !PASSWORD_CHANNELS.has(name)) {
        sessions.clear();
        for (const l of lostListeners) l(error);
      }
      throw error;
    }
    const value = result.value as ChannelOutput<K>;
    if (name === 'auth:setup' || name === 'auth:signIn') sessions.set((value as { token: string }).token);
    if (name === 'auth:signOut') sessions.clear();
    return value;
  }

  return {
    kind: transport.kind,
    call,
    onEvent(listener, onStatus) {
      const session = sessions.get();
      return session ? transport.subscribe(session, listener, onStatus) : () => undefined;
    },
    hasSession: () => sessions.get() !== undefined,
    onSessionLost(listener) {
      lostListeners.add(listener);
      return () => lostListeners.delete(listener);
    },
  };
}

export type Boot = { client: Client } | { missingLaunchToken: true };

interface BootWindow {
  foundry?: PreloadApi;
  location: Pick<Location, 'hash' | 'pathname' | 'search' | 'origin'>;
  history: Pick<History, 'replaceState'>;
  sessionStorage: KeyValueStore;
  fetch: typeof fetch;
  WebSocket: typeof WebSocket;
}

/** Picks the transport for this window: the preload bridge if present, else browser mode. */
export function bootClient(win: BootWindow): Boot {
  const sessions = createSessionTokenStore(win.sessionStorage);
  if (win.foundry) return { client: createClient(createElectronTransport(win.foundry), sessions) };
  const launchToken = takeLaunchToken({ location: win.location, history: win.history, storage: win.sessionStorage });
  if (!launchToken) return { missingLaunchToken: true };
  const transport = createWebTransport({
    origin: win.location.origin,
    launchToken,
    fetch: win.fetch.bind(win),
    WebSocket: win.WebSocket,
  });
  return { client: createClient(transport, sessions) };
}

let installed: Client | null = null;

/** Set once by main.tsx after boot; pages then use `call` without threading the client around. */
export function installClient(client: Client): void {
  installed = client;
}

export function getClient(): Client {
  if (!installed) throw new Error('The client was used before main.tsx installed it.');
  return installed;
}

export function call<K extends ChannelName>(name: K, input: ChannelInput<K>): Promise<ChannelOutput<K>> {
  return getClient().call(name, input);
}
