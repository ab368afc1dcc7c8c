import { describe, expect, it, vi } from 'vitest';
import { LAUNCH_TOKEN_KEY, SESSION_TOKEN_KEY, createMemoryStore, createSessionTokenStore, takeLaunchToken } from './tokens';

function at(hash: string) {
  const storage = createMemoryStore();
  const history = { replaceState: vi.fn() };
  return { storage, history, location: { hash, pathname: '/', search: '' } };
}

describe('takeLaunchToken', () => {
  it('reads the token from the URL fragment, stores it, and removes it from the address bar', () => {
    const env = at('#token=abc123');
    expect(takeLaunchToken(env)).toBe('abc123');
    expect(env.storage.getItem(LAUNCH_TOKEN_KEY)).toBe('abc123');
    expect(env.history.replaceState).toHaveBeenCalledWith(null, '', '/');
  });

  it('decodes a percent-encoded token and ignores what follows it', () => {
    const env = at('#token=a%2Bb&x=1');
    expect(takeLaunchToken(env)).toBe('a+b');
  });

  it('falls back to the token stored earlier in this tab after a reload', () => {
    const env = at('#/audit');
    env.storage.setItem(LAUNCH_TOKEN_KEY, 'kept');
    expect(takeLaunchToken(env)).toBe('kept');
    expect(env.history.replaceState).not.toHaveBeenCalled();
  });

  it('returns null when the page was opened without a token', () => {
    expect(takeLaunchToken(at(''))).toBeNull();
  });
});

describe('session token store', () => {
  it('keeps the session token in the given storage and clears it', () => {
    const storage = createMemoryStore();
    const sessions = createSessionTokenStore(storage);
    expect(sessions.get()).toBeUndefined();
    sessions.set('s1');
    expect(storage.getItem(SESSION_TOKEN_KEY)).toBe('s1');
    sessions.clear();
    expect(sessions.get()).toBeUndefined();
  });
});
