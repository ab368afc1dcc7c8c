import { FoundryError, toFoundryError } from '../errors';
import type { HandlerTable } from './types';
import { signedIn } from './types';
import { permissionsOf } from '../access/permissions';
import type { User } from '../access/users';

const withPermissions = (user: User) => ({ ...user, permissions: permissionsOf(user.role) });

type AuthHandlers = Pick<HandlerTable, 'auth:status' | 'auth:setup' | 'auth:signIn' | 'auth:signOut' | 'auth:changePassword'>;

export const authHandlers: AuthHandlers = {
  'auth:status': {
    run({ core, token }) {
      const setupRequired = core.users.count() === 0;
      let user = null;
      if (token) {
        try {
          user = core.sessions.resolve(token);
        } catch {
          user = null;
        }
      }
      return { setupRequired, user: user && withPermissions(user) };
    },
  },

  'auth:setup': {
    async run({ core, transport }, input) {
      if (core.users.count() > 0) {
        throw new FoundryError({
          code: 'FAILED_PRECONDITION',
          message: 'Foundry is already set up.',
          hint: 'Sign in with an existing account; an admin can add users under Projects & Users.',
        });
      }
      const user = await core.users.create({ ...input, role: 'admin' });
      const session = core.sessions.issue(user.id, transport);
      // The vault needs the OS keychain; the account is usable without it, and Settings says why.
      const vault = await core.vault.init().catch((err: unknown) => ({ error: toFoundryError(err).message }));
      return { user: withPermissions(user), ...session, vault };
    },
    audit: (_input, out) => ({ target: out.user.id, details: { username: out.user.username, role: 'admin', vault: 'error' in out.vault ? 'unavailable' : 'ready' } }),
    actorFrom: (out) => out.user.username,
  },

  'auth:signIn': {
    async run(ctx, input) {
      const { core, transport } = ctx;
      core.signInLimiter.check(input.username);
      const user = await core.users.authenticate(input.username, input.password);
      if (!user) {
        core.signInLimiter.failed(input.username);
        ctx.audit({ actor: input.username, action: 'auth:signIn.failed', details: { transport } });
        throw new FoundryError({ code: 'UNAUTHENTICATED', message: 'The username or password is wrong.', hint: 'Check both and try again.' });
      }
      core.signInLimiter.succeeded(input.username);
      return { user: withPermissions(user), ...core.sessions.issue(user.id, transport) };
    },
    audit: (_input, out) => ({ target: out.user.id, details: {} }),
    actorFrom: (out) => out.user.username,
  },

  'auth:signOut': {
    run({ core, token }) {
      if (token) core.sessions.revoke(token);
      return null;
    },
    audit: () => ({}),
  },

  'auth:changePassword': {
    async run(ctx, input) {
      const user = signedIn(ctx);
      const ok = await ctx.core.users.authenticate(user.username, input.currentPassword);
      if (!ok) throw new FoundryError({ code: 'INVALID_INPUT', message: 'The current password is wrong.', hint: 'Type your current password again.' });
      await ctx.core.users.setPassword(user.id, input.newPassword);
      return null;
    },
    audit: () => ({}),
  },
};
