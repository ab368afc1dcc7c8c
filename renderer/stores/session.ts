/**
 * Who is signed in. The session token itself stays inside the client (sessionStorage); this store
 * only holds what the UI shows and which gate (setup, sign-in, app) to render.
 */
import { create } from 'zustand';
import type { SignedInUser } from '../../main/core/channels';
import type { ChannelInput } from '../../main/core/channels';
import { call, getClient, toClientError, type ClientError } from '../client';

export type Gate = 'loading' | 'setup' | 'sign-in' | 'app' | 'unreachable';

interface SessionState {
  gate: Gate;
  user: SignedInUser | null;
  /** Why the user was sent back to sign-in (expired session), or why the core is unreachable. */
  notice: ClientError | null;
  refresh(): Promise<void>;
  setup(input: ChannelInput<'auth:setup'>): Promise<{ vaultError: string | null }>;
  signIn(input: ChannelInput<'auth:signIn'>): Promise<void>;
  signOut(): Promise<void>;
  sessionLost(error: ClientError): void;
}

export const useSession = create<SessionState>()((set) => ({
  gate: 'loading',
  user: null,
  notice: null,

  async refresh() {
    try {
      const status = await call('auth:status', {});
      if (status.setupRequired) set({ gate: 'setup', user: null });
      else if (status.user && getClient().hasSession()) set({ gate: 'app', user: status.user });
      else set({ gate: 'sign-in', user: null });
    } catch (err) {
      set({ gate: 'unreachable', notice: toClientError(err) });
    }
  },

  async setup(input) {
    const grant = await call('auth:setup', input);
    set({ gate: 'app', user: grant.user, notice: null });
    return { vaultError: 'error' in grant.vault ? grant.vault.error : null };
  },

  async signIn(input) {
    const grant = await call('auth:signIn', input);
    set({ gate: 'app', user: grant.user, notice: null });
  },

  async signOut() {
    // Sign out locally even if the core cannot be reached: the token is dropped either way.
    await call('auth:signOut', {}).catch(() => undefined);
    set({ gate: 'sign-in', user: null, notice: null });
  },

  sessionLost(error) {
    set({ gate: 'sign-in', user: null, notice: error });
  },
}));
