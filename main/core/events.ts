import type { CoreEvent } from './transport';
import { roleAllows, type Permission, type Role } from './access/permissions';

/**
 * The core's one event bus: services publish, transports (IPC bridge, browser mode) subscribe per
 * signed-in window. Each event names its audience, so a transport never has to know which service
 * an event came from: job progress goes to everyone who may view jobs, a Playground answer only to
 * the session that asked for it (it carries that user's prompt and the model's reply).
 */

export interface Audience {
  /** The viewer's role must allow this. */
  permission: Permission;
  /** When set, only the window signed in with this session token receives the event. */
  session?: string;
}

export interface Viewer {
  session: string;
  role: Role;
}

export interface CoreEventBus {
  publish(event: CoreEvent, audience: Audience): void;
  /** Delivers the events this viewer may see until the returned function is called. */
  subscribe(viewer: Viewer, listener: (event: CoreEvent) => void): () => void;
}

export function mayReceive(viewer: Viewer, audience: Audience): boolean {
  if (audience.session !== undefined && audience.session !== viewer.session) return false;
  return roleAllows(viewer.role, audience.permission);
}

export function createEventBus(): CoreEventBus {
  const subscribers = new Set<{ viewer: Viewer; listener: (event: CoreEvent) => void }>();
  return {
    publish(event, audience) {
      for (const s of subscribers) {
        if (!mayReceive(s.viewer, audience)) continue;
        try {
          s.listener(event);
        } catch {
          // One broken window must not stop the others (or the publisher) from getting events.
        }
      }
    },
    subscribe(viewer, listener) {
      const entry = { viewer, listener };
      subscribers.add(entry);
      return () => subscribers.delete(entry);
    },
  };
}

/**
 * What both transports do when a window asks for events: resolve its session token to a viewer and
 * subscribe it to the bus. Null when the token is missing, unknown or expired (the window must sign in).
 */
export function openEventStream(
  deps: { events: CoreEventBus; sessions: { resolve(token: string | undefined): { role: Role } } },
  token: string | undefined,
  listener: (event: CoreEvent) => void,
): (() => void) | null {
  if (!token) return null;
  let role: Role;
  try {
    role = deps.sessions.resolve(token).role;
  } catch {
    return null;
  }
  return deps.events.subscribe({ session: token, role }, listener);
}
