import type { HandlerTable } from './types';
import { signedIn } from './types';
import { clusterGatewayConfig, sharedGatewayConfig } from '../gateway/sync-objects';
import { limitsStoreSecret } from '../clusters/limits-store';
import { layoutLabel } from '../../../optimizer/src/index';
import { GATEWAY_KEY_SECRET, MEASURE_ENDPOINT_JOB } from '../optimizer/load-test/job';
import { measureEndpointInput } from '../optimizer/load-test/start';

type FleetHandlers = Pick<HandlerTable, 'optimizer:catalog' | 'optimizer:run' | 'optimizer:calibration' | 'optimizer:runs' | 'optimizer:get' | 'optimizer:measure' | 'optimizer:measure-import' | 'optimizer:measure-endpoint' | 'optimizer:measurement-delete' | 'gateway:config'>;

export const fleetHandlers: FleetHandlers = {
  'optimizer:catalog': { run: ({ core }) => core.optimizer.catalog() },
  'optimizer:run': {
    run: (ctx, input) => ctx.core.optimizer.run(input, signedIn(ctx).username),
    audit: (input, run) => ({
      target: run.id,
      details: {
        model: input.model,
        clusters: input.clusters.map((c) => c.name),
        ...(run.result.calibration ? { calibratedBy: run.result.calibration.points.map((p) => p.source) } : {}),
        recommended: run.recommended ? `${run.recommended.cluster}/${run.recommended.gpu} ${layoutLabel(run.recommended)} ×${run.recommended.replicas}` : null,
      },
    }),
  },
  'optimizer:calibration': { run: ({ core }, input) => core.optimizer.calibration(input.model, input.backend) },
  'optimizer:runs': { run: ({ core }, input) => core.optimizer.list(input.limit) },
  'optimizer:get': { run: ({ core }, input) => core.optimizer.get(input.runId) },
  'optimizer:measure': {
    run: (ctx, input) => ctx.core.optimizer.measure(input, signedIn(ctx).username),
    audit: (_input, m) => ({ target: m.runId, details: { measurement: m.id, plan: m.plan, concurrency: m.measured.concurrency, errorPct: m.errorPct } }),
  },
  'optimizer:measure-import': {
    run: (ctx, input) => ctx.core.optimizer.importMeasurements(input, signedIn(ctx).username),
    audit: (input, list) => ({ target: input.runId, details: { files: input.files.map((f) => f.name), measurements: list.map((m) => m.id) } }),
  },
  'optimizer:measure-endpoint': {
    run: (ctx, input) => {
      const user = signedIn(ctx);
      const job = measureEndpointInput(ctx.core, input, user);
      // The gateway key goes to the job as a secret: never into its stored input, the audit record or a log.
      return ctx.core.jobs.start(MEASURE_ENDPOINT_JOB, job, user.username, input.through ? { [GATEWAY_KEY_SECRET]: input.through.apiKey } : undefined);
    },
    audit: (_input, job) => ({ target: job.id, details: { title: job.title } }),
  },
  'optimizer:measurement-delete': {
    run: ({ core }, input) => core.optimizer.removeMeasurement(input.measurementId),
    audit: (_input, m) => ({ target: m.runId, details: { measurement: m.id, plan: m.plan } }),
  },
  'gateway:config': {
    run: ({ core }, input) => {
      // Exactly what a cluster's ConfigMap gets; a cluster id is resolved first so an unknown one is an error, not the shared part.
      const clusterId = input.clusterId === undefined ? undefined : core.clusters.resolve(input.clusterId).id;
      const shared = sharedGatewayConfig(core.db);
      const desired = clusterGatewayConfig(shared, clusterId === undefined ? undefined : limitsStoreSecret(core.db, clusterId));
      const config = shared.input;
      return { toml: desired.toml, apiKeys: config.auth?.api_keys?.length ?? 0, projects: Object.keys(config.projects ?? {}).length, limits: desired.limitsBackend };
    },
  },
};
