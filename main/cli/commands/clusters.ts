import type { Command } from 'commander';
import { action } from '../run';
import { print, table } from '../output';
import type { CliContext } from '../context';
import { FoundryError, exitCodeOf, fromShape } from '../../core/errors';
import type { ClusterDetail, ClusterSummary } from '../../core/clusters/types';
import { finish } from './system';
import { readKubeconfigFile } from './clusters-kubeconfig';
import { describeLimitsStore, registerLimitsStore } from './clusters-limits';

/** `foundry clusters …`: import from a kubeconfig, list, check, sync or install the gateway, set the limits store, remove. */

const repeat = (v: string, all: string[]) => [...all, v];

export function formatGpus(c: Pick<ClusterSummary, 'gpus'>): string {
  if (!c.gpus) return '-';
  if (c.gpus.models.length === 0) return 'none';
  return c.gpus.models.map((m) => `${m.capacity}× ${m.product}`).join(', ');
}

function gatewayCell(c: ClusterSummary): string {
  const g = c.gateway;
  if (!g) return 'not synced';
  if (g.state === 'failed') return `failed ${g.attemptedAt} (${g.error?.code ?? 'error'})`;
  if (g.state === 'drifted') return `drifted (${g.drift.map((d) => `${d.kind} ${d.state}${d.editedBy.length ? ` by ${d.editedBy.join(',')}` : ''}`).join('; ')})`;
  return `${g.state} ${g.appliedAt ?? ''}`.trim();
}

const row = (c: ClusterSummary) => ({
  name: c.name,
  server: c.server,
  health: c.health,
  version: c.version,
  nodes: c.nodes === null ? null : `${c.readyNodes}/${c.nodes} ready`,
  gpus: formatGpus(c),
  gateway: gatewayCell(c),
  checkedAt: c.checkedAt,
});
const COLUMNS = ['name', 'server', 'health', 'version', 'nodes', 'gpus', 'gateway', 'checkedAt'] as const;

function describeDetail(c: ClusterDetail): string {
  const lines = [table([row(c)], [...COLUMNS]), describeLimitsStore(c.limitsStore)];
  if (c.checkError) lines.push('', `last check failed: ${c.checkError.message}${c.checkError.hint ? `\nhint: ${c.checkError.hint}` : ''}`);
  if (c.nodeList.length) {
    lines.push(
      '',
      table(
        c.nodeList.map((n) => ({ node: n.name, ready: n.ready, instanceType: n.instanceType, zone: n.zone, gpu: n.gpus?.product ?? '-', gpus: n.gpus ? `${n.gpus.allocatable}/${n.gpus.capacity}` : '-', memoryMiB: n.gpus?.memoryMiB })),
        ['node', 'ready', 'instanceType', 'zone', 'gpu', 'gpus', 'memoryMiB'],
      ),
    );
  }
  return lines.join('\n');
}

async function clusterId(ctx: CliContext, ref: string): Promise<string> {
  const list = await ctx.call('clusters:list', {});
  const found = list.find((c) => c.id === ref || c.name.toLowerCase() === ref.toLowerCase());
  if (!found) throw new FoundryError({ code: 'NOT_FOUND', message: `Cluster "${ref}" was not found.`, hint: 'Run `foundry clusters list` for the imported clusters.' });
  return found.id;
}

async function add(ctx: CliContext, opts: { kubeconfig: string; context: string[]; name?: string; allContexts?: boolean; allowUnreachable?: boolean; namespace?: string }) {
  const kubeconfig = readKubeconfigFile(opts.kubeconfig);
  const preview = await ctx.call('clusters:preview', { kubeconfig });
  let contexts = opts.context;
  if (opts.allContexts) contexts = preview.contexts.filter((c) => !c.problem).map((c) => c.context);
  else if (contexts.length === 0) {
    if (!preview.currentContext) {
      throw new FoundryError({
        code: 'INVALID_INPUT',
        message: 'The kubeconfig has no current-context; say which context to import.',
        hint: `Pass --context NAME (one of: ${preview.contexts.map((c) => c.context).join(', ')}) or --all-contexts.`,
      });
    }
    contexts = [preview.currentContext];
  }
  if (opts.name && contexts.length !== 1) throw new FoundryError({ code: 'INVALID_INPUT', message: '--name needs exactly one context.', hint: 'Import contexts one at a time to name each.' });
  const result = await ctx.call('clusters:import', {
    kubeconfig,
    contexts: contexts.map((context) => ({ context, ...(opts.name ? { name: opts.name } : {}) })),
    allowUnreachable: Boolean(opts.allowUnreachable),
    gatewayNamespace: opts.namespace,
  });
  print(ctx.json, result, () => [`Imported ${result.imported.length} cluster${result.imported.length === 1 ? '' : 's'}:`, table(result.imported.map(row), [...COLUMNS])].join('\n'));
  for (const f of result.failed) console.error(`error: ${f.context}: ${f.error.message}${f.error.hint ? `\nhint: ${f.error.hint}` : ''}`);
  if (result.failed.length) process.exitCode = exitCodeOf(fromShape(result.failed[0]!.error).code);
}

export function registerClusters(program: Command): void {
  const clusters = program.command('clusters').description('Kubernetes clusters: import, inventory, gateway sync, limits store');
  clusters
    .command('add')
    .description('import contexts of a kubeconfig (read into memory; kept only encrypted in the vault)')
    .requiredOption('-k, --kubeconfig <file>', 'kubeconfig file')
    .option('-c, --context <name>', 'context to import, repeatable (default: the current context)', repeat, [] as string[])
    .option('--all-contexts', 'import every context that can be imported')
    .option('-n, --name <name>', 'display name (one context only; default: from the context name)')
    .option('--allow-unreachable', 'import even if the API server cannot be reached now')
    .option('--namespace <ns>', "namespace for Foundry's gateway (default foundry-system)")
    .action(action(program, add));

  clusters.command('list').description('imported clusters with their last check and gateway state').action(
    action(program, async (ctx) => {
      const list = await ctx.call('clusters:list', {});
      print(ctx.json, list, () => table(list.map(row), [...COLUMNS]));
    }),
  );

  clusters
    .command('check [cluster]')
    .description('read version, nodes, GPUs and gateway drift now (one cluster, or all)')
    .action(
      action(program, async (ctx, ref?: string) => {
        const list = await ctx.call('clusters:check', ref ? { clusterId: await clusterId(ctx, ref) } : {});
        if (ref) {
          const detail = await ctx.call('clusters:get', { clusterId: list[0]!.id });
          print(ctx.json, detail, () => describeDetail(detail));
        } else {
          print(ctx.json, list, () => table(list.map(row), [...COLUMNS]));
        }
        const failed = list.find((c) => c.checkError);
        if (failed && !ctx.json && !ref) for (const c of list.filter((x) => x.checkError)) console.error(`error: ${c.name}: ${c.checkError!.message}`);
        if (failed) process.exitCode = exitCodeOf(fromShape(failed.checkError!).code);
      }),
    );

  clusters.command('show <cluster>').description('one cluster with its nodes and GPUs (from the last check)').action(
    action(program, async (ctx, ref: string) => {
      const detail = await ctx.call('clusters:get', { clusterId: await clusterId(ctx, ref) });
      print(ctx.json, detail, () => describeDetail(detail));
    }),
  );

  clusters
    .command('sync [clusters...]')
    .description("push the gateway config (and with --install, the gateway) to clusters (default: all)")
    .option('--install', 'also apply the gateway workload (Deployment, Service, PDB, NetworkPolicy, HPA)')
    .option('--image <ref>', 'Node 20 image for the gateway (for mirrored registries)')
    .option('--take-over', "overwrite a gateway another Foundry desktop owns (its API keys stop working there)")
    .action(
      action(program, async (ctx, refs: string[], opts: { install?: boolean; image?: string; takeOver?: boolean }) => {
        const ids = refs.length ? await Promise.all(refs.map((r) => clusterId(ctx, r))) : undefined;
        await finish(ctx, await ctx.call('clusters:syncGateway', { clusterIds: ids, install: Boolean(opts.install), image: opts.image, takeOver: Boolean(opts.takeOver) }));
      }),
    );

  registerLimitsStore(program, clusters, clusterId);

  clusters
    .command('remove <cluster>')
    .description('forget a cluster and its kubeconfig; nothing in the cluster is deleted')
    .requiredOption('--confirm <name>', 'the cluster name, typed again')
    .action(
      action(program, async (ctx, ref: string, opts: { confirm: string }) => {
        const c = await ctx.call('clusters:remove', { clusterId: await clusterId(ctx, ref), confirmName: opts.confirm });
        print(ctx.json, c, () => `Removed ${c.name}. Its kubeconfig is gone from the vault; what runs in the cluster keeps running.`);
      }),
    );
}
