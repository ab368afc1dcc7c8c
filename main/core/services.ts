import type { Db } from './store/db';
import type { AuditLog } from './audit/chain';
import type { UserService } from './access/users';
import type { SessionService } from './access/sessions';
import type { ProjectService } from './access/projects';
import type { ApiKeyService } from './access/api-keys';
import type { SignInLimiter } from './access/signin-limiter';
import type { Vault } from './vault/vault';
import type { Keychain } from './vault/keychain';
import type { JobEngine } from './jobs/engine';
import type { OptimizerService } from './optimizer/service';
import type { CoreEventBus } from './events';
import type { PlaygroundService } from './playground/service';
import type { ClusterService } from './clusters/service';
import type { GatewayAutoSync } from './gateway/sync-auto';
import type { GuardrailService } from './guardrails/service';
import type { EndpointService } from './endpoints/service';
import type { GatewayJwtService } from './gateway-jwt/service';

/** Everything a channel handler may use; built once per process by createCore (core.ts). */
export interface CoreServices {
  db: Db;
  paths: { home: string; database: string };
  version: string;
  audit: AuditLog;
  users: UserService;
  sessions: SessionService;
  projects: ProjectService;
  apiKeys: ApiKeyService;
  signInLimiter: SignInLimiter;
  vault: Vault;
  keychain: Keychain;
  jobs: JobEngine;
  optimizer: OptimizerService;
  /** Events for the transports to forward to signed-in windows. */
  events: CoreEventBus;
  playground: PlaygroundService;
  clusters: ClusterService;
  /** Resyncs every synced cluster's gateway config when keys, projects, guardrail profiles, endpoints or the JWT issuer change. */
  gatewayAutoSync: GatewayAutoSync;
  guardrails: GuardrailService;
  endpoints: EndpointService;
  /** The JWT issuer every gateway trusts ([auth.jwt]). */
  gatewayJwt: GatewayJwtService;
}
