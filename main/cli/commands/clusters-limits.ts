import type { Command } from 'commander';
import { action } from '../run';
import { print } from '../output';
import type { CliContext } from '../context';
import { invalid } from '../../core/errors';
import type { LimitsStore, LimitsStoreResult } from '../../core/clusters/types';

/**
 * `foundry clusters limits-store <cluster> --redis-url-env VAR | --clear`: where that cluster's
 * gateway replicas count their limits. The URL may carry a password, so it is read from a named
 * environment variable, never from the command line (shell history, `ps`), and never printed.
 */

export function describeLimitsStore(s: LimitsStore | null): string {
  if (!s) return 'limits store: none; each gateway replica counts limits on its own (with N replicas, up to N× each limit)';
  return `limits store: Redis, shared exactly by every replica (URL revision ${s.revision}, set by ${s.updatedBy} at ${s.updatedAt}; never shown)`;
}

interface Options {
  redisUrlEnv?: string;
  redisUrl?: string;
  clear?: boolean;
}

function redisUrlFrom(o: Options): string {
  if (o.redisUrl !== undefined) {
    throw invalid('The Redis URL is not taken on the command line: its password would end up in shell history and in process listings.', 'Export it in an environment variable and pass its name with --redis-url-env.');
  }
  const url = process.env[o.redisUrlEnv!];
  if (!url?.trim()) throw invalid(`The environment variable ${o.redisUrlEnv} (from --redis-url-env) is not set or is empty.`, `Export it first, e.g. \`export ${o.redisUrlEnv}=redis://:PASSWORD@redis.foundry-system.svc:6379\`.`);
  return url;
}

function report(r: LimitsStoreResult): string {
  const what = r.change.change === 'cleared' ? 'Cleared the limits store of' : r.change.change === 'replaced' ? 'Replaced the Redis URL of' : 'Set a Redis limits store for';
  return [`${what} ${r.cluster.name}; its gateways pick it up on the next sync (automatic for synced clusters).`, describeLimitsStore(r.cluster.limitsStore)].join('\n');
}

export function registerLimitsStore(program: Command, clusters: Command, clusterId: (ctx: CliContext, ref: string) => Promise<string>): void {
  clusters
    .command('limits-store <cluster>')
    .description("share the cluster's gateway limits exactly across its replicas through a Redis, or --clear to count them per replica")
    .option('--redis-url-env <var>', 'environment variable holding redis[s]://[user:password@]host[:port][/db]')
    .option('--redis-url <url>', 'refused: the password would land in shell history; use --redis-url-env')
    .option('--clear', 'forget the URL; each replica counts limits on its own again')
    .action(
      action(program, async (ctx, ref: string, o: Options) => {
        const given = [o.redisUrlEnv !== undefined || o.redisUrl !== undefined, Boolean(o.clear)].filter(Boolean).length;
        if (given !== 1) throw invalid('Say either --redis-url-env VAR (set the store) or --clear (drop it).', 'Without a store, each gateway replica counts limits on its own.');
        const id = await clusterId(ctx, ref);
        const result = o.clear ? await ctx.call('clusters:clearLimitsStore', { clusterId: id }) : await ctx.call('clusters:setLimitsStore', { clusterId: id, redisUrl: redisUrlFrom(o) });
        print(ctx.json, result, () => report(result));
      }),
    );
}
