/**
 * The registry as the gateway sees it. Each endpoint becomes a provider (named like the endpoint)
 * and a model (the endpoint's name) whose targets are the endpoint and then its fallback chain.
 * A provider's key is never in the config: the provider reads it from a file in the gateway
 * Secret's mount, named by endpoint and key revision, so a replaced key changes the config and
 * every gateway reloads. Project restrictions become each API key's allowed models, the only
 * per-project model control the gateway has.
 */
import type { GatewayConfigInput } from '../../../gateway/src/config/index';
import type { Db } from '../store/db';
import { chainAfter } from './fallback';
import { createEndpointStore } from './store';
import type { EndpointKind } from './types';

type ProviderInput = GatewayConfigInput['providers'][string];
type ModelInput = GatewayConfigInput['models'][string];

/** Stands in an API key's allowed models when its project may use none: no model can be named so. */
export const NO_MODELS = '(none)';

export interface EndpointRoutes {
  providers: Record<string, ProviderInput>;
  models: Record<string, ModelInput>;
  /** Secret data key → the vault secret whose plaintext it must hold. */
  secretFiles: Record<string, string>;
  /** Model names each project may not use (endpoints restricted to other projects), by project name. */
  deniedByProject: Map<string, Set<string>>;
}

export const keyFileName = (endpointId: string, revision: number) => `endpoint-${endpointId}.key-r${revision}`;

function provider(kind: EndpointKind, baseUrl: string, apiVersion: string | null, keyFile: string | null): ProviderInput {
  return { kind, base_url: baseUrl, ...(apiVersion ? { api_version: apiVersion } : {}), ...(keyFile ? { api_key_file: keyFile } : {}) };
}

export function endpointRoutes(db: Db, secretsMount: string): EndpointRoutes {
  const store = createEndpointStore(db);
  const rows = store.all();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const routes: EndpointRoutes = { providers: {}, models: {}, secretFiles: {}, deniedByProject: new Map() };
  const projectNames = db.prepare<[], { id: string; name: string }>('SELECT id, name FROM projects').all();

  for (const r of rows) {
    let keyFile: string | null = null;
    if (r.key_secret_id) {
      const file = keyFileName(r.id, r.key_revision);
      routes.secretFiles[file] = r.key_secret_id;
      keyFile = `${secretsMount}/${file}`;
    }
    routes.providers[r.name] = provider(r.kind, r.base_url, r.api_version, keyFile);
    const chain = chainAfter(r, (id) => byId.get(id));
    routes.models[r.name] = {
      // The gateway's priority strategy tries targets strictly in this order: the endpoint, then its chain.
      strategy: 'priority',
      targets: [r, ...chain].map((e) => ({ provider: e.name, model: e.upstream_model })),
      ...(chain.length + 1 > 3 ? { max_attempts: chain.length + 1 } : {}),
    };
    const scope = store.scope(r);
    if (scope === null) continue;
    for (const p of projectNames) {
      if (scope.has(p.id)) continue;
      const denied = routes.deniedByProject.get(p.name) ?? new Set<string>();
      denied.add(r.name);
      routes.deniedByProject.set(p.name, denied);
    }
  }
  return routes;
}

/** An API key's allowed models once its project's denied models are taken out ("*" becomes the explicit rest). */
export function allowedModelsFor(allowed: readonly string[], denied: ReadonlySet<string> | undefined, allModels: readonly string[]): string[] {
  if (!denied || denied.size === 0) return [...allowed];
  const base = allowed.includes('*') ? allModels : allowed;
  const out = base.filter((m) => !denied.has(m));
  return out.length ? out : [NO_MODELS];
}
