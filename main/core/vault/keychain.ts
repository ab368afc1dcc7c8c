import { FoundryError } from '../errors';

/**
 * Where the vault's master secret lives. The production backend is the OS keychain through keytar
 * (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows).
 */
export interface Keychain {
  readonly name: string;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
}

export const KEYCHAIN_SERVICE = 'foundry';

type Keytar = {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
};

function unavailable(cause: unknown): FoundryError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new FoundryError({
    code: 'KEYCHAIN_UNAVAILABLE',
    message: `The OS keychain could not be reached (${detail.split('\n')[0]}).`,
    hint:
      'Unlock your keychain and retry. On Linux, Foundry needs a Secret Service provider (GNOME Keyring or KWallet) on the session D-Bus. Nothing in the vault was changed.',
    cause,
  });
}

export function createOsKeychain(service = KEYCHAIN_SERVICE): Keychain {
  let loaded: Promise<Keytar> | undefined;
  const keytar = () => {
    loaded ??= import('keytar').then((m) => ((m as { default?: Keytar }).default ?? (m as unknown as Keytar)));
    return loaded;
  };
  const guard = async <T>(fn: (k: Keytar) => Promise<T>): Promise<T> => {
    try {
      return await fn(await keytar());
    } catch (err) {
      throw unavailable(err);
    }
  };
  return {
    name: 'os-keychain',
    get: (account) => guard((k) => k.getPassword(service, account)),
    set: (account, secret) => guard((k) => k.setPassword(service, account, secret)),
    delete: (account) => guard((k) => k.deletePassword(service, account)),
  };
}

/** Probes the keychain without touching any real entry. */
export async function keychainHealth(keychain: Keychain): Promise<{ ok: true } | { ok: false; message: string }> {
  try {
    await keychain.get('health-probe');
    return { ok: true };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}
