import type { Command } from 'commander';
import { action, projectIdFrom } from '../run';
import { print, table } from '../output';
import { readPassword } from '../context';
import { ROLES, type Role } from '../../core/access/permissions';
import { limitsText, parseLimit, rateInput, type LimitFlags } from './limits';

export function registerAccess(program: Command): void {
  const users = program.command('users').description('local user accounts');
  users
    .command('list')
    .action(action(program, async (ctx) => {
      const list = await ctx.call('users:list', {});
      print(ctx.json, list, () => table(list, ['id', 'username', 'displayName', 'role', 'disabled', 'createdAt']));
    }));
  users
    .command('create <username>')
    .requiredOption('-r, --role <role>', `one of ${ROLES.join(', ')}`)
    .option('--display-name <name>')
    .option('--password-stdin', 'read the password from standard input')
    .action(action(program, async (ctx, username: string, opts: { role: Role; displayName?: string; passwordStdin?: boolean }) => {
      const password = await readPassword(Boolean(opts.passwordStdin), `Password for ${username}: `);
      const user = await ctx.call('users:create', { username, role: opts.role, displayName: opts.displayName, password });
      print(ctx.json, user, () => `Created ${user.username} (${user.role}) as ${user.id}.`);
    }));
  users
    .command('update <userId>')
    .option('-r, --role <role>')
    .option('--disable')
    .option('--enable')
    .action(action(program, async (ctx, userId: string, opts: { role?: Role; disable?: boolean; enable?: boolean }) => {
      const disabled = opts.disable ? true : opts.enable ? false : undefined;
      const user = await ctx.call('users:update', { userId, role: opts.role, disabled });
      print(ctx.json, user, () => `${user.username}: ${user.role}${user.disabled ? ', disabled' : ''}.`);
    }));

  const projects = program.command('projects').description('projects scope API keys, deployments and budgets');
  projects.command('list').action(action(program, async (ctx) => {
    const list = await ctx.call('projects:list', {});
    print(ctx.json, list, () =>
      table(
        list.map((p) => ({ ...p, limits: limitsText(p), bodies: p.logBodies ? 'logged' : '-' })),
        ['id', 'name', 'description', 'memberCount', 'apiKeyCount', 'limits', 'bodies', 'createdAt'],
      ),
    );
  }));
  projects
    .command('limits <project>')
    .description('show or set what the gateway allows the project; with no option, shows the current limits')
    .option('--rpm <n>', 'requests per minute for the whole project, or none')
    .option('--tpm <n>', 'tokens per minute for the whole project, or none')
    .option('--budget <n>', 'monthly token budget for the whole project, or none')
    .option('--log-bodies', "log the project's request and response bodies in the gateway's access log (secrets redacted)")
    .option('--no-log-bodies', 'stop logging bodies (the default)')
    .action(action(program, async (ctx, ref: string, o: LimitFlags & { logBodies?: boolean }) => {
      const projectId = await projectIdFrom(ctx, ref);
      const patch = { ...rateInput(o), monthlyTokenBudget: parseLimit('--budget', o.budget), logBodies: o.logBodies };
      const changes = Object.values(patch).some((v) => v !== undefined);
      const p = changes
        ? await ctx.call('projects:setLimits', { projectId, ...patch })
        : (await ctx.call('projects:list', {})).find((x) => x.id === projectId)!;
      const bodies = p.logBodies ? 'bodies logged (secrets redacted)' : 'bodies not logged';
      print(ctx.json, p, () => `${p.name}: ${limitsText(p)}; ${bodies}.${changes ? ' Synced gateways pick the change up automatically.' : ''}`);
    }));
  projects
    .command('create <name>')
    .option('-d, --description <text>')
    .action(action(program, async (ctx, name: string, opts: { description?: string }) => {
      const p = await ctx.call('projects:create', { name, description: opts.description });
      print(ctx.json, p, () => `Created project ${p.name} (${p.id}).`);
    }));
  projects
    .command('delete <project>')
    .requiredOption('--confirm <name>', 'the project name, typed again')
    .action(action(program, async (ctx, ref: string, opts: { confirm: string }) => {
      const p = await ctx.call('projects:delete', { projectId: await projectIdFrom(ctx, ref), confirmName: opts.confirm });
      print(ctx.json, p, () => `Deleted project ${p.name}.`);
    }));
  projects.command('members <project>').action(action(program, async (ctx, ref: string) => {
    const list = await ctx.call('projects:members', { projectId: await projectIdFrom(ctx, ref) });
    print(ctx.json, list, () => table(list, ['userId', 'username', 'role', 'addedAt']));
  }));
  projects.command('add-member <project> <userId>').action(action(program, async (ctx, ref: string, userId: string) => {
    const list = await ctx.call('projects:addMember', { projectId: await projectIdFrom(ctx, ref), userId });
    print(ctx.json, list, () => table(list, ['userId', 'username', 'role', 'addedAt']));
  }));

  const keys = program.command('apikeys').description('API keys for the gateway (the secret is shown once)');
  keys
    .command('list')
    .requiredOption('-p, --project <project>')
    .action(action(program, async (ctx, opts: { project: string }) => {
      const list = await ctx.call('apikeys:list', { projectId: await projectIdFrom(ctx, opts.project) });
      print(ctx.json, list, () => table(list.map((k) => ({ ...k, limits: limitsText(k) })), ['id', 'name', 'prefix', 'status', 'allowedModels', 'limits', 'expiresAt']));
    }));
  keys
    .command('create <name>')
    .requiredOption('-p, --project <project>')
    .option('-m, --models <list>', 'comma-separated model names, * for all', '*')
    .option('-b, --budget <tokens>', 'monthly token budget')
    .option('--rpm <n>', 'requests per minute for this key')
    .option('--tpm <n>', 'tokens per minute for this key')
    .option('--expires-in-days <days>', 'days until the key expires')
    .action(action(program, async (ctx, name: string, opts: LimitFlags & { project: string; models: string; expiresInDays?: string }) => {
      const rates = rateInput(opts);
      const { key, secret } = await ctx.call('apikeys:create', {
        projectId: await projectIdFrom(ctx, opts.project),
        name,
        allowedModels: opts.models.split(',').map((m) => m.trim()).filter(Boolean),
        monthlyTokenBudget: parseLimit('--budget', opts.budget) ?? null,
        requestsPerMinute: rates.requestsPerMinute ?? null,
        tokensPerMinute: rates.tokensPerMinute ?? null,
        expiresAt: opts.expiresInDays ? new Date(Date.now() + Number(opts.expiresInDays) * 86_400_000).toISOString() : null,
      });
      print(ctx.json, { key, secret }, () => `Created ${key.name} (${key.id}). This is the only time the key is shown:\n${secret}`);
    }));
  keys
    .command('update <keyId>')
    .description("change a key's budget and rates in place; the key keeps working")
    .option('-b, --budget <tokens>', 'monthly token budget, or none')
    .option('--rpm <n>', 'requests per minute, or none')
    .option('--tpm <n>', 'tokens per minute, or none')
    .action(action(program, async (ctx, keyId: string, opts: LimitFlags) => {
      const key = await ctx.call('apikeys:update', { keyId, ...rateInput(opts), monthlyTokenBudget: parseLimit('--budget', opts.budget) });
      print(ctx.json, key, () => `${key.name} (${key.prefix}…): ${limitsText(key)}. Synced gateways pick the change up automatically.`);
    }));
  keys.command('revoke <keyId>').action(action(program, async (ctx, keyId: string) => {
    const key = await ctx.call('apikeys:revoke', { keyId });
    print(ctx.json, key, () => `Revoked ${key.name} (${key.prefix}…).`);
  }));
}
