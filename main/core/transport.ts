/**
 * Types shared by the three transports (Electron IPC, browser mode, CLI) and the renderer's client.
 * Type-only: the renderer and preload may import it.
 */
import type { ChannelName } from './channel-names';
import type { Result } from './errors';
import type { JobEvent } from './jobs/types';
import type { PlaygroundEvent } from './playground/types';

/** What travels with every call: the session token (absent before sign-in) and the raw input. */
export interface CallEnvelope {
  session?: string;
  input: unknown;
}

/** Events pushed from the core to signed-in UIs. */
export type CoreEvent = JobEvent | PlaygroundEvent;

/** What preload exposes on window.foundry: one function per channel, and an event subscription. */
export interface PreloadApi {
  channels: { [K in ChannelName]: (envelope: CallEnvelope) => Promise<Result<unknown>> };
  /** Subscribes to core events for the given session; returns an unsubscribe function. */
  onEvent(session: string, listener: (event: CoreEvent) => void): () => void;
}

/** Browser mode's HTTP surface, named once here for the server and the client. */
export const WEB_API = {
  callPath: (name: ChannelName) => `/api/call/${encodeURIComponent(name)}`,
  eventsPath: '/api/events',
  launchTokenHeader: 'authorization',
  sessionHeader: 'x-foundry-session',
} as const;

/** Electron IPC names, shared by main/ipc and preload. */
export const IPC = {
  callPrefix: 'foundry:',
  eventsSubscribe: 'foundry-events:subscribe',
  eventsChannel: 'foundry-events:event',
} as const;
