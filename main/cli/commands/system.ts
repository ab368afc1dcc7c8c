import type { Command } from 'commander';
import { action } from '../run';
import { print, progressBar, table } from '../output';
import type { CliContext } from '../context';
import type { JobSummary } from '../../core/jobs/types';
import { isChannelName } from '../../core/dispatch';
import { FoundryError, fromShape } from '../../core/errors';

/** Follows a job to its end, drawing a progress bar on a terminal and log lines as they come. */
export async function follow(ctx: CliContext, job: JobSummary): Promise<JobSummary> {
  let logSeq = 0;
  const tty = process.stderr.isTTY && !ctx.json;
  for (;;) {
    const { job: now, logs } = await ctx.call('jobs:get', { jobId: job.id, afterLogSeq: logSeq });
    for (const line of logs) {
      if (tty) process.stderr.write('\r\x1b[K');
      if (!ctx.json) console.error(`  ${line.level === 'info' ? '' : `${line.level}: `}${line.message}`);
      logSeq = line.seq;
    }
    if (tty) process.stderr.write(`\r\x1b[K${progressBar(now.progress)} ${now.message}`);
    if (!['queued', 'running'].includes(now.status)) {
      if (tty) process.stderr.write('\n');
      return now;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function finish(ctx: CliContext, job: JobSummary): Promise<void> {
  const done = await follow(ctx, job);
  print(ctx.json, done, () => `${done.title}: ${done.status}`);
  if (done.status !== 'succeeded') throw fromShape(done.error ?? { code: 'INTERNAL', message: `Job ${done.status}.` });
}

export function registerSystem(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');
  audit
    .command('list')
    .option('-n, --limit <n>', 'how many records', '50')
    .option('-a, --action <action>', 'only this action')
    .action(action(program, async (ctx, opts: { limit: string; action?: string }) => {
      const list = await ctx.call('audit:list', { limit: Number(opts.limit), action: opts.action });
      print(ctx.json, list, () => table(list.map((r) => ({ ...r, hash: r.hash.slice(0, 12) })), ['seq', 'at', 'actor', 'action', 'target', 'details', 'hash']));
    }));
  audit.command('verify').description('check every record against the hash chain').action(action(program, async (ctx) => {
    const result = await ctx.call('audit:verify', {});
    print(ctx.json, result, () => (result.ok ? `OK: ${result.count} records, head ${result.headHash}` : `BROKEN at record ${result.brokenAt}: ${result.reason}`));
    if (!result.ok) process.exitCode = 11;
  }));
  audit.command('head').description('print the head hash to anchor it elsewhere').action(action(program, async (ctx) => {
    const head = await ctx.call('audit:head', {});
    print(ctx.json, head, () => JSON.stringify(head));
  }));

  const jobs = program.command('jobs').description('long-running work');
  jobs.command('list').action(action(program, async (ctx) => {
    const list = await ctx.call('jobs:list', {});
    print(ctx.json, list, () => table(list.map((j) => ({ ...j, progress: `${Math.round(j.progress * 100)}%` })), ['id', 'type', 'title', 'status', 'progress', 'message', 'createdAt']));
  }));
  jobs.command('watch <jobId>').action(action(program, async (ctx, jobId: string) => finish(ctx, (await ctx.call('jobs:get', { jobId })).job)));
  jobs.command('cancel <jobId>').action(action(program, async (ctx, jobId: string) => {
    const job = await ctx.call('jobs:cancel', { jobId });
    print(ctx.json, job, () => `Cancellation requested for ${job.title}.`);
  }));

  const vault = program.command('vault').description('the encrypted secret store and its keychain');
  vault.command('status').action(action(program, async (ctx) => {
    const s = await ctx.call('vault:status', {});
    print(ctx.json, s, () =>
      [`vault: ${s.vault.state}, key generation ${s.vault.generation}, ${s.vault.secretCount} secrets`, `keychain (${s.keychain.backend}): ${s.keychain.ok ? 'ok' : s.keychain.message}`].join('\n'),
    );
  }));
  vault.command('init').action(action(program, async (ctx) => {
    const s = await ctx.call('vault:init', {});
    print(ctx.json, s, () => `vault: ${s.state}, key generation ${s.generation}`);
  }));
  vault.command('rotate').description('new master secret and key pair; re-wraps every data key').action(action(program, async (ctx) => {
    await finish(ctx, await ctx.call('vault:rotate', {}));
  }));

  const gateway = program.command('gateway').description('the in-cluster gateway');
  gateway
    .command('config')
    .description("print the gateway config (TOML) this desktop renders, keys as hashes: the part every cluster shares, or with --cluster that cluster's own ([limits] too)")
    .option('--cluster <cluster>', "a cluster's config, with its limits store (the Redis URL itself stays in the cluster's Secret)")
    .action(action(program, async (ctx, o: { cluster?: string }) => {
      const out = await ctx.call('gateway:config', o.cluster ? { clusterId: o.cluster } : {});
      print(ctx.json, out, () => out.toml);
    }));

  program
    .command('call <channel> [json]')
    .description('call any channel with a JSON input (for scripts); prints the JSON output')
    .action(action(program, async (ctx, channel: string, json?: string) => {
      if (!isChannelName(channel)) throw new FoundryError({ code: 'NOT_FOUND', message: `There is no channel named "${channel}".`, hint: 'Run `foundry channels` for the list.' });
      let input: unknown = {};
      try {
        input = json ? JSON.parse(json) : {};
      } catch {
        throw new FoundryError({ code: 'INVALID_INPUT', message: 'The input is not valid JSON.' });
      }
      console.log(JSON.stringify(await ctx.call(channel, input as never), null, 2));
    }));
}
