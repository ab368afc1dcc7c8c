/**
 * The registry as the gateway sees it. Each endpoint becomes a provider (named like the endpoint)
 * and a model (the endpoint's name) whose targets are the endpoint and then its fallback chain.
 * A provider's key is never in the config: the provider reads it from a file in the gateway
 * Secret's mount, named by endpoint and key revision, so a replaced key changes the config and
 * every gateway reloads. A CA bundle travels the same way (it is not secret, but the Secret mount is
 * where the gateway reads provider files), named by its content hash so a new bundle reloads too.
 * An endpoint restricted to some projects becomes a model with a `projects`
 * list, which the gateway enforces for every caller (API keys and JWTs alike).
 */
import { createHash } from 'node:crypto';
import type { GatewayConfigInput } from '../../../gateway/src/config/index';
import type { Db } from '../store/db';
import { rateFields } from '../access/limits';
import { chainAfter } from './fallback';
import { createEndpointStore } from './store';
import type { EndpointKind } from './types';

type ProviderInput = GatewayConfigInput['providers'][string];
type ModelInput = GatewayConfigInput['models'][string];

export interface EndpointRoutes {
  providers: Record<string, ProviderInput>;
  models: Record<string, ModelInput>;
  /** Secret data key → the vault secret whose plaintext it must hold. */
  secretFiles: Record<string, string>;
  /** Secret data key → the PEM CA bundle it holds (endpoints behind a private CA). */
  caFiles: Record<string, string>;
}

export const keyFileName = (endpointId: string, revision: number) => `endpoint-${endpointId}.key-r${revision}`;
export const caFileName = (endpointId: string, pem: string) => `endpoint-${endpointId}.ca-${createHash('sha256').update(pem).digest('hex').slice(0, 16)}.pem`;

function provider(kind: EndpointKind, baseUrl: string, apiVersion: string | null, keyFile: string | null, caFile: string | null): ProviderInput {
  return { kind, base_url: baseUrl, ...(apiVersion ? { api_version: apiVersion } : {}), ...(keyFile ? { api_key_file: keyFile } : {}), ...(caFile ? { ca_file: caFile } : {}) };
}

export function endpointRoutes(db: Db, secretsMount: string): EndpointRoutes {
  const store = createEndpointStore(db);
  const rows = store.all();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const routes: EndpointRoutes = { providers: {}, models: {}, secretFiles: {}, caFiles: {} };
  const projectNames = db.prepare<[], { id: string; name: string }>('SELECT id, name FROM projects ORDER BY name').all();

  for (const r of rows) {
    let keyFile: string | null = null;
    if (r.key_secret_id) {
      const file = keyFileName(r.id, r.key_revision);
      routes.secretFiles[file] = r.key_secret_id;
      keyFile = `${secretsMount}/${file}`;
    }
    let caFile: string | null = null;
    if (r.ca_bundle) {
      const file = caFileName(r.id, r.ca_bundle);
      routes.caFiles[file] = r.ca_bundle;
      caFile = `${secretsMount}/${file}`;
    }
    routes.providers[r.name] = provider(r.kind, r.base_url, r.api_version, keyFile, caFile);
    const chain = chainAfter(r, (id) => byId.get(id));
    const scope = store.scope(r);
    routes.models[r.name] = {
      // The gateway's priority strategy tries targets strictly in this order: the endpoint, then its chain.
      strategy: 'priority',
      targets: [r, ...chain].map((e) => ({ provider: e.name, model: e.upstream_model })),
      ...(chain.length + 1 > 3 ? { max_attempts: chain.length + 1 } : {}),
      ...(scope === null ? {} : { projects: projectNames.filter((p) => scope.has(p.id)).map((p) => p.name) }),
      // The gateway keys a model's buckets by the model alone: every caller shares them.
      ...rateFields(r),
    };
  }
  return routes;
}
