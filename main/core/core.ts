import { join } from 'node:path';
import { openDatabase } from './store/db';
import { createAuditLog } from './audit/chain';
import { createUserService } from './access/users';
import { createSessionService } from './access/sessions';
import { createProjectService } from './access/projects';
import { createApiKeyService } from './access/api-keys';
import { createSignInLimiter } from './access/signin-limiter';
import { createVault } from './vault/vault';
import { createOsKeychain, type Keychain } from './vault/keychain';
import { measureEndpointJob } from './optimizer/load-test/job';
import { createJobEngine } from './jobs/engine';
import { vaultRotateJob } from './vault/rotate-job';
import { createDispatcher, type Dispatcher } from './dispatch';
import type { CoreServices } from './services';
import type { JobType } from './jobs/types';
import { FOUNDRY_VERSION } from './version';
import { createOptimizerService } from './optimizer/service';
import { createEventBus } from './events';
import { createPlaygroundService } from './playground/service';
import { createClusterService } from './clusters/service';
import { gatewaySyncJob } from './gateway/sync-job';
import { createGatewayAutoSync, type AutoSyncOptions } from './gateway/sync-auto';
import type { AuditLog } from './audit/chain';
import { createGuardrailService } from './guardrails/service';
import { createEndpointService } from './endpoints/service';
import { createGatewayJwtService } from './gateway-jwt/service';

export interface CoreOptions {
  home: string;
  keychain?: Keychain;
  rsaBits?: number;
  /** Extra job types (tests register ones that exist only in tests). */
  jobTypes?: JobType<never, unknown>[];
  jobOwner?: string;
  isJobOwnerAlive?: (owner: string) => boolean;
  /** Deadline of one Kubernetes API request (default 15 s). */
  clusterTimeoutMs?: number;
  /** Where the gateway bundle for installs is (default: the build output, see gateway/bundle.ts). */
  gatewayBundlePath?: string;
  /** Timing of the automatic gateway resync; tests shorten it. */
  gatewayAutoSync?: Pick<AutoSyncOptions, 'debounceMs' | 'intervalMs' | 'retryFailedAfterMs'>;
}

export interface Core {
  services: CoreServices;
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

/** The composition root for one process: opens the store and wires every service once. */
export function createCore(options: CoreOptions): Core {
  const database = join(options.home, 'foundry.db');
  const db = openDatabase(database);
  const keychain = options.keychain ?? createOsKeychain();
  const vault = createVault({ db, keychain, rsaBits: options.rsaBits });
  const events = createEventBus();
  const jobs = createJobEngine({ db, owner: options.jobOwner, isOwnerAlive: options.isJobOwnerAlive, bus: events });
  const clusters = createClusterService({ db, vault, timeoutMs: options.clusterTimeoutMs });
  const playground = createPlaygroundService({ bus: events, clusters });
  const gatewayAutoSync = createGatewayAutoSync({ db, jobs, store: clusters.store, ...options.gatewayAutoSync });
  jobs.register(vaultRotateJob(vault));
  jobs.register(gatewaySyncJob({ db, vault, clusters, bundlePath: options.gatewayBundlePath }));
  jobs.register(measureEndpointJob({ db, vault, clusters }));
  for (const type of options.jobTypes ?? []) jobs.register(type as JobType<unknown, unknown>);

  const projects = createProjectService(db);
  const services: CoreServices = {
    db,
    paths: { home: options.home, database },
    version: FOUNDRY_VERSION,
    audit: observeAppends(createAuditLog(db), () => gatewayAutoSync.notify()),
    users: createUserService(db),
    sessions: createSessionService(db),
    projects,
    apiKeys: createApiKeyService(db),
    signInLimiter: createSignInLimiter(),
    vault,
    keychain,
    jobs,
    optimizer: createOptimizerService(db),
    events,
    playground,
    clusters,
    gatewayAutoSync,
    guardrails: createGuardrailService(db, projects),
    endpoints: createEndpointService({ db, vault, projects }),
    gatewayJwt: createGatewayJwtService({ db, vault }),
  };
  jobs.recover();
  return {
    services,
    dispatcher: createDispatcher(services),
    async close() {
      gatewayAutoSync.stop();
      await playground.close();
      await jobs.shutdown();
      vault.lock();
      db.close();
    },
  };
}

/**
 * Every state-changing channel call appends an audit record, so the audit log is where the core
 * learns that something changed; the gateway's auto-sync listens here rather than in each handler.
 */
function observeAppends(log: AuditLog, onAppend: () => void): AuditLog {
  return {
    ...log,
    append(entry) {
      const record = log.append(entry);
      onAppend();
      return record;
    },
  };
}
