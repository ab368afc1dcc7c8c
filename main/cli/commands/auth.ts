import type { Command } from 'commander';
import { action } from '../run';
import { print } from '../output';
import { readPassword } from '../context';

export function registerAuth(program: Command): void {
  program
    .command('setup')
    .description('first run: create the admin account, set up the vault, and sign in')
    .requiredOption('-u, --username <name>', 'admin username')
    .option('--display-name <name>', 'shown in the UI and the audit log')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      action(program, async (ctx, opts: { username: string; displayName?: string; passwordStdin?: boolean }) => {
        const password = await readPassword(Boolean(opts.passwordStdin));
        const grant = await ctx.call('auth:setup', { username: opts.username, displayName: opts.displayName, password });
        ctx.saveSession(grant.token);
        print(ctx.json, { user: grant.user, vault: grant.vault }, () =>
          [`Created admin ${grant.user.username} and signed in.`, 'error' in grant.vault ? `Vault not ready: ${grant.vault.error}` : 'Vault ready.'].join('\n'),
        );
      }),
    );

  program
    .command('login')
    .description('sign in; the session is saved for later commands')
    .requiredOption('-u, --username <name>', 'username')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      action(program, async (ctx, opts: { username: string; passwordStdin?: boolean }) => {
        const password = await readPassword(Boolean(opts.passwordStdin));
        const grant = await ctx.call('auth:signIn', { username: opts.username, password });
        ctx.saveSession(grant.token);
        print(ctx.json, grant.user, () => `Signed in as ${grant.user.username} (${grant.user.role}).`);
      }),
    );

  program
    .command('logout')
    .description('end the saved session')
    .action(
      action(program, async (ctx) => {
        await ctx.call('auth:signOut', {}).catch(() => null);
        ctx.clearSession();
        print(ctx.json, { ok: true }, () => 'Signed out.');
      }),
    );

  program
    .command('whoami')
    .description('who is signed in, and whether setup is needed')
    .action(
      action(program, async (ctx) => {
        const status = await ctx.call('auth:status', {});
        print(ctx.json, status, () =>
          status.setupRequired ? 'Foundry is not set up yet: run `foundry setup -u <admin>`.' : status.user ? `${status.user.username} (${status.user.role})` : 'Not signed in: run `foundry login -u <name>`.',
        );
      }),
    );
}
