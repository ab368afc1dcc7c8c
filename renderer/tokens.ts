/**
 * Where the renderer keeps its two secrets: the per-launch token that browser mode hands over in
 * the URL fragment, and the session token from sign-in. Both live in sessionStorage so they die
 * with the tab and never reach disk-backed storage that other local pages could read later.
 */

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const LAUNCH_TOKEN_KEY = 'foundry.launchToken';
export const SESSION_TOKEN_KEY = 'foundry.sessionToken';

export interface LaunchLocation {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState'>;
  storage: KeyValueStore;
}

const TOKEN_IN_HASH = /^#token=([^&]+)(?:&|$)/;

/**
 * Reads the launch token from `#token=…` (untrusted input from the address bar), stores it, and
 * removes it from the URL so it is neither bookmarked nor left in history. Falls back to the token
 * stored earlier in this tab, so a reload keeps working.
 */
export function takeLaunchToken({ location, history, storage }: LaunchLocation): string | null {
  const match = TOKEN_IN_HASH.exec(location.hash);
  if (match?.[1]) {
    const token = decodeURIComponent(match[1]);
    storage.setItem(LAUNCH_TOKEN_KEY, token);
    history.replaceState(null, '', `${location.pathname}${location.search}`);
    return token;
  }
  return storage.getItem(LAUNCH_TOKEN_KEY);
}

export interface SessionTokenStore {
  get(): string | undefined;
  set(token: string): void;
  clear(): void;
}

export function createSessionTokenStore(storage: KeyValueStore): SessionTokenStore {
  return {
    get: () => storage.getItem(SESSION_TOKEN_KEY) ?? undefined,
    set: (token) => storage.setItem(SESSION_TOKEN_KEY, token),
    clear: () => storage.removeItem(SESSION_TOKEN_KEY),
  };
}

/** A store that forgets everything; used where sessionStorage is unavailable and in tests. */
export function createMemoryStore(): KeyValueStore {
  const map = new Map<string, string>();
  return {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}
