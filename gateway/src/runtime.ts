/**
 * A Runtime is everything derived from one config: key table, JWT verifier, providers, routers,
 * limiter. Requests capture the runtime they started with, so a reload swaps one reference and
 * in-flight requests finish on the config they began under. Building is all-or-nothing: any
 * error leaves the previous runtime serving.
 */
import { createHash } from 'node:crypto';
import type { JWTVerifyGetKey } from 'jose';
import { Pool } from 'undici';
import { ERROR_BODY_LIMIT } from './proxy/classify';
import { H1Pool } from './upstream/h1-pool';
import { ApiKeyTable } from './auth/api-keys';
import { FailedAuthLimiter } from './auth/failed-auth';
import { createKeySetClient, type KeySetClient, type KeySetError } from './auth/jwks-fetch';
import { createJwtVerifier, remoteKeySet, type JwtVerifier } from './auth/jwt';
import { ModelScopes } from './auth/model-scopes';
import { checkCaBundle } from './config/ca-bundle';
import type { GatewayConfig, ModelConfig } from './config/schema';
import { readSecret, type SecretSource } from './config/secrets';
import { ResponseCache } from './cache/response-cache';
import { compileGuardrails, type GuardrailProfile } from './guardrails/profile';
import { buildObjectStore, type ImageStoreRuntime } from './images/store';
import { Limiter } from './limits/limiter';
import type { LimitStore } from './limits/types';
import { createProvider, type Provider } from './providers';
import type { Operation } from './providers/types';
import { startKvScraper } from './routing/kv-scraper';
import { RetryBudget } from './routing/retry-budget';
import { Router, type RoutedTarget } from './routing/router';
import { TargetState } from './routing/target';

export interface Target extends RoutedTarget {
  id: string;
  provider: Provider;
  pool: Pool;
  /** Calls to a plain-http origin, buffered and streamed, go through this lean HTTP/1.1 pool; null for TLS origins. */
  h1: H1Pool | null;
  upstreamModel: string;
  rewriteModel: boolean;
}

export interface ModelRoute {
  name: string;
  config: ModelConfig;
  targets: Target[];
  router: Router<Target>;
  retryBudget: RetryBudget;
  /** Exact-match cache for non-streaming answers; null when the model has none. */
  cache: ResponseCache | null;
  /** What at least one target can serve; the proxy skips the targets that cannot serve a request. */
  operations: ReadonlySet<Operation>;
}

const OPERATIONS: readonly Operation[] = ['chat', 'completions', 'embeddings', 'images'];

export interface Runtime {
  config: GatewayConfig;
  keys: ApiKeyTable;
  jwt: JwtVerifier | null;
  failedAuth: FailedAuthLimiter;
  limiter: Limiter;
  models: Map<string, ModelRoute>;
  /** Compiled guardrail profile per project that names one; projects absent here have none. */
  guardrails: Map<string, GuardrailProfile>;
  /** Projects whose access-log lines carry bodies (log_bodies = true); usually empty. */
  logBodies: Set<string>;
  adminToken: string | undefined;
  /** The object store for /v1/images/generations URLs; null when none is configured. */
  images: ImageStoreRuntime | null;
  loadedAt: number;
  dispose(): void;
}

/** State that outlives reloads: connection pools and per-target health. */
export interface SharedState {
  pools: Map<string, Pool>;
  h1Pools: Map<string, H1Pool>;
  targets: Map<string, TargetState>;
  /** Failed-auth buckets survive reloads, so a reload never forgives a key-guessing client. */
  failedAuth?: FailedAuthLimiter;
  /**
   * The JWKS key set and its cache survive reloads while its URL, cache time and CA stay the same:
   * the desktop reloads every gateway on each key or project change, and an identity provider that
   * is briefly down at that moment must not turn every JWT caller away.
   */
  keySet?: SharedKeySet;
}

export interface SharedKeySet {
  /** URL, cache time and CA bundle: what makes the key set the same one. */
  identity: string;
  remote: JWTVerifyGetKey;
  client: KeySetClient;
}

/** The shared key set when this config names the same one, else a new one (shared once its runtime is in service). */
function keySetFor(shared: SharedState, url: string, cacheMs: number, ca: string | undefined): SharedKeySet {
  const identity = JSON.stringify([url, cacheMs, ca ? createHash('sha256').update(ca).digest('hex') : null]);
  if (shared.keySet?.identity === identity) return shared.keySet;
  const client = createKeySetClient(url, ca);
  return { identity, client, remote: remoteKeySet(url, cacheMs, client.fetch) };
}

export interface BuildDeps {
  secrets: SecretSource;
  shared: SharedState;
  limitStore: LimitStore;
  /** Told of every failed JWKS fetch (app.ts counts and logs them). */
  onKeySetFailure?: (err: KeySetError) => void;
}

export type BuildResult = { ok: true; runtime: Runtime } | { ok: false; errors: string[] };

/** A non-streaming answer larger than this is an upstream fault, not something to hold in memory (embeddings of 2,048 inputs at 3,072 dimensions are ~60 MB). */
const MAX_UNARY_RESPONSE_BYTES = 256 * 1024 * 1024;
/** Both upstream clients keep idle connections this long and give a connect this long. */
const KEEP_ALIVE_MS = 30_000;
const CONNECT_TIMEOUT_MS = 5_000;

/** Pools are per origin, and per CA bundle where a provider has one: its trust never leaks to another provider. */
function pool(shared: SharedState, origin: string, connections: number, ca?: string): Pool {
  const key = ca ? `${origin} ca:${createHash('sha256').update(ca).digest('hex')}` : origin;
  let p = shared.pools.get(key);
  if (!p) {
    p = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: KEEP_ALIVE_MS, connect: { timeout: CONNECT_TIMEOUT_MS, ...(ca ? { ca } : {}) } });
    shared.pools.set(key, p);
  }
  return p;
}

/** The plain-http origin's H1 pool (same connection count and keep-alive as its undici pool); null for https. */
function h1Pool(shared: SharedState, origin: string, connections: number): H1Pool | null {
  if (!origin.startsWith('http:')) return null;
  let p = shared.h1Pools.get(origin);
  if (!p) {
    p = new H1Pool(origin, { connections, keepAliveMs: KEEP_ALIVE_MS, connectTimeoutMs: CONNECT_TIMEOUT_MS, errorBodyLimit: ERROR_BODY_LIMIT, maxResponseBytes: MAX_UNARY_RESPONSE_BYTES });
    shared.h1Pools.set(origin, p);
  }
  return p;
}

/** A CA bundle (a provider's ca_file, auth.jwt.jwks_ca_file), read and checked at (re)load time; errors name the config path. */
function readCaBundle(src: SecretSource, path: string, file: string | undefined): { ok: true; value: string | undefined } | { ok: false; error: string } {
  if (!file) return { ok: true, value: undefined };
  let text: string;
  try {
    text = src.readFile(file);
  } catch {
    return { ok: false, error: `${path}: cannot read ${file}` };
  }
  const checked = checkCaBundle(text);
  return checked.ok ? { ok: true, value: checked.pem } : { ok: false, error: `${path}: ${file} ${checked.error}` };
}

function sharedFailedAuth(shared: SharedState, perMinute: number): FailedAuthLimiter {
  if (!shared.failedAuth || shared.failedAuth.perMinute !== perMinute) shared.failedAuth = new FailedAuthLimiter(perMinute);
  return shared.failedAuth;
}

export async function buildRuntime(config: GatewayConfig, deps: BuildDeps): Promise<BuildResult> {
  const errors: string[] = [];
  const providers = new Map<string, Provider>();
  const caBundles = new Map<string, string>();
  for (const [name, p] of Object.entries(config.providers)) {
    const key = readSecret(deps.secrets, `providers.${name}`, { file: p.api_key_file, env: p.api_key_env, name: 'api_key' });
    if (!key.ok) errors.push(key.error);
    else providers.set(name, createProvider(name, p, key.value));
    const ca = readCaBundle(deps.secrets, `providers.${name}.ca_file`, p.ca_file);
    if (!ca.ok) errors.push(ca.error);
    else if (ca.value) caBundles.set(name, ca.value);
  }
  let adminToken: string | undefined;
  const admin = readSecret(deps.secrets, 'server', { file: config.server.admin_token_file, env: config.server.admin_token_env, name: 'admin_token' });
  if (!admin.ok) errors.push(admin.error);
  else adminToken = admin.value;

  const scopes = new ModelScopes(config.models);
  let jwt: JwtVerifier | null = null;
  let keySet: SharedKeySet | null = null;
  // A key set this build made and nobody else uses yet: closed if the build fails.
  const ownKeySet = () => (keySet && keySet !== deps.shared.keySet ? keySet : null);
  const jwtCfg = config.auth.jwt;
  if (jwtCfg) {
    const secret = readSecret(deps.secrets, 'auth.jwt', { file: jwtCfg.secret_file, env: jwtCfg.secret_env, name: 'secret' });
    const pem = readSecret(deps.secrets, 'auth.jwt', { file: jwtCfg.public_key_file, name: 'public_key' });
    const jwksCa = readCaBundle(deps.secrets, 'auth.jwt.jwks_ca_file', jwtCfg.jwks_ca_file);
    if (!secret.ok) errors.push(secret.error);
    if (!pem.ok) errors.push(pem.error);
    if (!jwksCa.ok) errors.push(jwksCa.error);
    if (secret.ok && pem.ok && jwksCa.ok) {
      keySet = jwtCfg.jwks_url ? keySetFor(deps.shared, jwtCfg.jwks_url, jwtCfg.jwks_cache_ms, jwksCa.value) : null;
      try {
        jwt = await createJwtVerifier(jwtCfg, { secret: secret.value, publicKeyPem: pem.value }, scopes, { remote: keySet?.remote, onFailure: deps.onKeySetFailure });
      } catch (err) {
        errors.push(`auth.jwt.public_key_file: ${(err as Error).message}`);
      }
    }
  }
  let images: ImageStoreRuntime | null = null;
  if (config.object_store) {
    const built = buildObjectStore(config.object_store, deps.secrets, (origin, conns) => pool(deps.shared, origin, conns));
    if (!built.ok) errors.push(...built.errors);
    else images = built.value;
  }
  if (errors.length) {
    images?.store.close();
    void ownKeySet()?.client.close();
    return { ok: false, errors };
  }

  const models = new Map<string, ModelRoute>();
  const stops: (() => void)[] = [];
  for (const [name, m] of Object.entries(config.models)) {
    const targets: Target[] = m.targets.map((t, i) => {
      const provider = providers.get(t.provider)!;
      const upstreamModel = t.model ?? name;
      const id = `${t.provider}/${upstreamModel}${m.targets.findIndex((o) => o.provider === t.provider && (o.model ?? name) === upstreamModel) === i ? '' : `#${i}`}`;
      let state = deps.shared.targets.get(id);
      if (!state) {
        state = new TargetState(id, m.breaker.failure_threshold, m.breaker.cooldown_ms);
        deps.shared.targets.set(id, state);
      }
      const conns = config.providers[t.provider]!.connections;
      return { id, provider, pool: pool(deps.shared, provider.origin, conns, caBundles.get(t.provider)), h1: h1Pool(deps.shared, provider.origin, conns), upstreamModel, rewriteModel: upstreamModel !== name, weight: t.weight, state };
    });
    if (m.strategy === 'kv_cache') {
      const scrape = m.targets.map((t, i) => {
        const target = targets[i]!;
        const url = t.metrics_url ?? `${target.provider.origin}/metrics`;
        return { state: target.state, url, ...(new URL(url).origin === target.provider.origin ? { dispatcher: target.pool } : {}) };
      });
      stops.push(startKvScraper(scrape, m.kv_scrape_interval_ms));
    }
    models.set(name, {
      name,
      config: m,
      targets,
      router: new Router(targets, { strategy: m.strategy, loadFactor: m.load_factor }),
      retryBudget: new RetryBudget(m.retry_budget_ratio),
      cache: m.cache ? new ResponseCache(m.cache) : null,
      operations: new Set(OPERATIONS.filter((op) => targets.some((t) => t.provider.supports(op)))),
    });
  }

  const profiles = compileGuardrails(config.guardrails);
  const guardrails = new Map<string, GuardrailProfile>();
  for (const [project, p] of Object.entries(config.projects)) if (p.guardrail) guardrails.set(project, profiles.get(p.guardrail)!);

  const logBodies = new Set(Object.entries(config.projects).filter(([, p]) => p.log_bodies).map(([name]) => name));
  // From here the build cannot fail: its key set becomes the one the next reload may keep. The
  // previous one stays with the runtime still serving, which closes it when disposed.
  deps.shared.keySet = keySet ?? undefined;

  return {
    ok: true,
    runtime: {
      guardrails,
      logBodies,
      config,
      keys: new ApiKeyTable(config.auth.api_keys, scopes),
      jwt,
      failedAuth: sharedFailedAuth(deps.shared, config.auth.failed_attempts_per_minute),
      limiter: new Limiter(deps.limitStore, config),
      models,
      adminToken,
      images,
      loadedAt: Date.now(),
      dispose: () => {
        stops.forEach((s) => s());
        images?.store.close();
        // Still shared: the runtime that replaced this one kept it.
        if (keySet && keySet !== deps.shared.keySet) void keySet.client.close();
      },
    },
  };
}
