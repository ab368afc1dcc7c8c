import { FoundryError } from '../errors';
import type { JobType } from '../jobs/types';
import { loadGatewayBundle } from './bundle';
import { desiredGatewayConfigs } from './sync-objects';
import { syncGatewayToCluster, type SyncDeps, type SyncOutcome } from './sync-cluster';

/**
 * Gateway sync as a job: clusters are synced concurrently (a few at a time), each on its own, so an
 * unreachable cluster costs its own timeout and never stops the others. The job fails when any
 * cluster failed, after every cluster was tried; each cluster's own status says what happened to it.
 */

export const GATEWAY_SYNC_JOB = 'gateway.sync';
const CONCURRENCY = 4;

export interface GatewaySyncInput {
  clusterIds: string[];
  /** Cluster names, for the title and logs (the ids are what counts). */
  names: string[];
  install: boolean;
  trigger: 'manual' | 'auto';
  image?: string;
  /** Overwrite gateways that other desktops own (manual syncs only). */
  takeOver?: boolean;
}

export interface GatewaySyncResult {
  clusters: SyncOutcome[];
}

function title(input: GatewaySyncInput): string {
  const which = input.names.length === 1 ? input.names[0] : `${input.names.length} clusters`;
  if (input.install) return `Install the gateway on ${which}`;
  return input.trigger === 'auto' ? `Resync gateway config to ${which} (keys, projects, guardrails or endpoints changed)` : `Sync gateway config to ${which}`;
}

export function gatewaySyncJob(deps: SyncDeps & { bundlePath?: string }): JobType<GatewaySyncInput, GatewaySyncResult> {
  return {
    type: GATEWAY_SYNC_JOB,
    title,
    resumable: false,
    steps: ['Prepare', 'Apply to clusters'],
    async run(ctx) {
      const { clusterIds, install } = ctx.input;
      ctx.step('Prepare');
      const bundleGz = install ? loadGatewayBundle(deps.bundlePath) : undefined;
      // The shared part of the config once for the job; each cluster adds its own limits store.
      const desired = desiredGatewayConfigs(deps.db);
      ctx.step('Apply to clusters');
      const outcomes: SyncOutcome[] = [];
      const queue = [...clusterIds];
      const worker = async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          ctx.signal.throwIfAborted();
          outcomes.push(await syncGatewayToCluster(deps, id, { install, bundleGz, desired, image: ctx.input.image, takeOver: ctx.input.trigger === 'manual' && ctx.input.takeOver === true, signal: ctx.signal, log: ctx.log }));
          ctx.progress(outcomes.length / clusterIds.length, `${outcomes.length} of ${clusterIds.length} clusters done`);
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, clusterIds.length) }, worker));
      ctx.signal.throwIfAborted();
      const failed = outcomes.filter((o) => !o.ok);
      if (failed.length) {
        const first = failed[0]!;
        const rest = outcomes.length - failed.length;
        throw new FoundryError({
          code: first.error!.code,
          message: `${failed.map((f) => f.name).join(', ')}: ${first.error!.message}${failed.length > 1 ? ` (and ${failed.length - 1} more)` : ''}${rest ? `; ${rest} other cluster${rest === 1 ? ' is' : 's are'} synced` : ''}.`,
          hint: first.error!.hint,
          details: failed.map((f) => ({ cluster: f.name, error: f.error })),
        });
      }
      return { clusters: outcomes };
    },
  };
}
