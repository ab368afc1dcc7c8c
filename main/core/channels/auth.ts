import { z } from 'zod';
import type { Permission } from '../access/permissions';
import type { User } from '../access/users';
import type { VaultStatus } from '../vault/vault';
import { channel, empty, password, returns, username } from './spec';

/** The signed-in user with what their role allows, so the UI can hide what the core would refuse. */
export type SignedInUser = User & { permissions: Permission[] };

export interface SessionGrant {
  user: SignedInUser;
  token: string;
  expiresAt: string;
}

export const AUTH_CHANNELS = {
  'auth:status': channel({
    input: empty,
    output: returns<{ setupRequired: boolean; user: SignedInUser | null }>(),
    access: 'public',
    mutates: false,
    summary: 'Whether first-run setup is needed, and who is signed in.',
  }),
  'auth:setup': channel({
    input: z.object({ username, displayName: z.string().max(80).optional(), password }).strict(),
    output: returns<SessionGrant & { vault: VaultStatus | { error: string } }>(),
    access: 'public',
    mutates: true,
    summary: 'First run: create the admin account, set up the vault and sign in.',
  }),
  'auth:signIn': channel({
    input: z.object({ username: z.string().min(1).max(40), password }).strict(),
    output: returns<SessionGrant>(),
    access: 'public',
    mutates: true,
    summary: 'Sign in with a local account.',
  }),
  'auth:signOut': channel({ input: empty, output: returns<null>(), access: 'signed-in', mutates: true, summary: 'End this session.' }),
  'auth:changePassword': channel({
    input: z.object({ currentPassword: password, newPassword: password }).strict(),
    output: returns<null>(),
    access: 'signed-in',
    mutates: true,
    summary: 'Change your own password; signs out your other sessions.',
  }),
};
