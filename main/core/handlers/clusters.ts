import { FoundryError } from '../errors';
import type { HandlerTable } from './types';
import { signedIn } from './types';
import { GATEWAY_SYNC_JOB, type GatewaySyncInput } from '../gateway/sync-job';
import { readGatewayLiveState } from '../gateway/live-state';

type ClusterHandlers = Pick<
  HandlerTable,
  'clusters:list' | 'clusters:gatewayState' | 'clusters:get' | 'clusters:preview' | 'clusters:import' | 'clusters:check' | 'clusters:remove' | 'clusters:syncGateway' | 'clusters:setLimitsStore' | 'clusters:clearLimitsStore'
>;

export const clusterHandlers: ClusterHandlers = {
  'clusters:gatewayState': { run: ({ core }, input) => readGatewayLiveState({ clusters: core.clusters, vault: core.vault }, input.clusterId) },
  'clusters:list': { run: ({ core }) => core.clusters.list() },
  'clusters:get': { run: ({ core }, input) => core.clusters.get(input.clusterId) },
  'clusters:preview': { run: ({ core }, input) => core.clusters.preview(input.kubeconfig) },
  'clusters:import': {
    run: (ctx, input) => ctx.core.clusters.import(input, signedIn(ctx).username),
    // Names, contexts and servers only: the kubeconfig never goes into the audit chain.
    audit: (_i, out) => ({
      target: out.imported.map((c) => c.id).join(',') || null,
      details: {
        imported: out.imported.map((c) => ({ name: c.name, context: c.context, server: c.server, caFingerprint: c.caFingerprint })),
        failed: out.failed.map((f) => ({ context: f.context, code: f.error.code })),
      },
    }),
  },
  'clusters:check': {
    run: async ({ core }, input) => {
      if (!input.clusterId) return core.clusters.checkAll();
      const detail = await core.clusters.check(input.clusterId);
      return [core.clusters.list().find((c) => c.id === detail.id)!];
    },
  },
  'clusters:remove': {
    run: ({ core }, input) => core.clusters.remove(input.clusterId, input.confirmName),
    audit: (_i, c) => ({ target: c.id, details: { name: c.name, server: c.server } }),
  },
  // Audit says that the store was set, replaced or cleared, and its revision; never the URL.
  'clusters:setLimitsStore': {
    run: async (ctx, input) => {
      const change = await ctx.core.clusters.limitsStore.set(input.clusterId, input.redisUrl, signedIn(ctx).username);
      return { cluster: ctx.core.clusters.list().find((c) => c.id === change.clusterId)!, change };
    },
    audit: (_i, r) => ({ target: r.cluster.id, details: { name: r.cluster.name, limitsStore: r.change.change, backend: 'redis', revision: r.change.revision } }),
  },
  'clusters:clearLimitsStore': {
    run: (ctx, input) => {
      const change = ctx.core.clusters.limitsStore.clear(input.clusterId, signedIn(ctx).username);
      return { cluster: ctx.core.clusters.list().find((c) => c.id === change.clusterId)!, change };
    },
    audit: (_i, r) => ({ target: r.cluster.id, details: { name: r.cluster.name, limitsStore: r.change.change, backend: 'memory', revision: r.change.revision } }),
  },
  'clusters:syncGateway': {
    run: (ctx, input) => {
      const all = ctx.core.clusters.list();
      const chosen = input.clusterIds ? input.clusterIds.map((id) => ctx.core.clusters.get(id)) : all;
      if (chosen.length === 0) {
        throw new FoundryError({ code: 'FAILED_PRECONDITION', message: 'There are no clusters to sync the gateway to.', hint: 'Import a cluster first.' });
      }
      const job: GatewaySyncInput = { clusterIds: chosen.map((c) => c.id), names: chosen.map((c) => c.name), install: input.install, trigger: 'manual', image: input.image, takeOver: input.takeOver };
      return ctx.core.jobs.start(GATEWAY_SYNC_JOB, job, signedIn(ctx).username);
    },
    audit: (input, job) => ({ target: job.id, details: { title: job.title, clusterIds: input.clusterIds ?? 'all', install: input.install, takeOver: input.takeOver } }),
  },
};
