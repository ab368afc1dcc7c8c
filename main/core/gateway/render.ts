import { renderGatewayConfigToml, validateGatewayConfig, type GatewayConfigInput } from '../../../gateway/src/config/index';
import { FoundryError } from '../errors';
import type { Db } from '../store/db';
import { guardrailsForGateway } from '../guardrails/service';
import { endpointRoutes } from '../endpoints/gateway-routes';
import { rateFields } from '../access/limits';
import { renderGatewayJwt } from '../gateway-jwt/render';

/**
 * Renders the part of a cluster's gateway config that the desktop owns: projects with their limits
 * (request and token rates, monthly budget), body logging and guardrail profile, every guardrail profile, every API key as a SHA-256 hash (revoked and expired
 * keys included, so the gateway answers "revoked" or "expired" rather than "unknown key"), and the
 * providers and models of the registered endpoints (endpoints/gateway-routes.ts). Provider keys are
 * referenced by file under the gateway Secret's mount, never inline; `secretFiles` says which vault
 * secret each of those files must hold. An endpoint restricted to some projects carries that list
 * (`models.<name>.projects`), which the gateway enforces for keys and JWTs alike. Limits absent in
 * the registry (null) are absent here: the gateway reads a missing key as "no limit". The result is validated against the gateway's own
 * strict schema before anything leaves the desktop.
 */

/** Where the gateway's manifests mount its Secret (gateway/src/manifests.ts). */
export const SECRETS_MOUNT = '/etc/foundry-gateway/secrets';

export interface GatewayRoutes {
  providers: GatewayConfigInput['providers'];
  models: GatewayConfigInput['models'];
}

interface KeyRow {
  id: string;
  hash: string;
  project: string;
  allowed_models: string;
  monthly_token_budget: number | null;
  requests_per_minute: number | null;
  tokens_per_minute: number | null;
  expires_at: string | null;
  revoked_at: string | null;
}

interface ProjectRow {
  name: string;
  requests_per_minute: number | null;
  tokens_per_minute: number | null;
  monthly_token_budget: number | null;
  log_bodies: number;
}

export interface RenderedGatewayConfig {
  config: GatewayConfigInput;
  toml: string;
  /** Secret data key → vault secret id: the provider key files (and the JWT HS256 secret) the config names. */
  secretFiles: Record<string, string>;
  /** Secret data key → PEM: the provider CA bundles (and the JWT public key) the config names. */
  caFiles: Record<string, string>;
}

export function renderGatewayConfig(db: Db, routes: GatewayRoutes = { providers: {}, models: {} }): RenderedGatewayConfig {
  const keys = db
    .prepare<[], KeyRow>(
      `SELECT k.id, k.hash, p.name AS project, k.allowed_models, k.monthly_token_budget, k.requests_per_minute, k.tokens_per_minute, k.expires_at, k.revoked_at
       FROM api_keys k JOIN projects p ON p.id = k.project_id ORDER BY p.name, k.created_at`,
    )
    .all();
  const projects = db
    .prepare<[], ProjectRow>('SELECT name, requests_per_minute, tokens_per_minute, monthly_token_budget, log_bodies FROM projects ORDER BY name')
    .all();
  const guardrails = guardrailsForGateway(db);
  const endpoints = endpointRoutes(db, SECRETS_MOUNT);
  const providers = { ...endpoints.providers, ...routes.providers };
  const models = { ...endpoints.models, ...routes.models };

  const config: GatewayConfigInput = {
    auth: {
      api_keys: keys.map((k) => ({
        id: k.id,
        hash: k.hash,
        project: k.project,
        allowed_models: JSON.parse(k.allowed_models) as string[],
        ...(k.monthly_token_budget ? { monthly_token_budget: k.monthly_token_budget } : {}),
        ...rateFields(k),
        ...(k.expires_at ? { expires_at: k.expires_at } : {}),
        revoked: k.revoked_at !== null,
      })),
    },
    projects: Object.fromEntries(
      projects.map((p) => {
        const profile = guardrails.projects.get(p.name);
        return [
          p.name,
          {
            ...rateFields(p),
            ...(p.monthly_token_budget ? { monthly_token_budget: p.monthly_token_budget } : {}),
            ...(p.log_bodies ? { log_bodies: true } : {}),
            ...(profile ? { guardrail: profile } : {}),
          },
        ];
      }),
    ),
    providers,
    models,
    guardrails: guardrails.profiles,
  };
  // The JWT issuer (gateway-jwt/): its [auth.jwt], and its key files beside the endpoints' in the Secret.
  const jwt = renderGatewayJwt(db, SECRETS_MOUNT);
  if (jwt.jwt) config.auth = { ...config.auth, jwt: jwt.jwt };
  const secretFiles = { ...endpoints.secretFiles, ...jwt.secretFiles };
  const caFiles = { ...endpoints.caFiles, ...jwt.files };
  const checked = validateGatewayConfig(config);
  if (!checked.ok) {
    throw new FoundryError({
      code: 'INTERNAL',
      message: `The rendered gateway config is not valid: ${checked.errors.join('; ')}`,
      hint: 'This is a bug in Foundry; nothing was sent to any cluster.',
    });
  }
  return { config, toml: renderGatewayConfigToml(config), secretFiles, caFiles };
}
