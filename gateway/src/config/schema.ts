/**
 * The gateway's public config schema. main/core renders configs against it, so it is strict:
 * unknown keys are rejected, and secrets are never inline (api_key_file / api_key_env only).
 */
import { z } from 'zod';
import { checkBacktracking } from './regex/safety';

const positive = z.number().positive({ message: 'must be > 0' });
const positiveInt = z.number().int({ message: 'must be an integer' }).positive({ message: 'must be > 0' });
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, { message: 'must be 1-128 characters of letters, digits and ._:/-' });
const url = z.string().regex(/^https?:\/\/[^\s]+$/, { message: 'must be an http(s) URL' });
const datetime = z.union([z.date(), z.string().datetime({ offset: true, message: 'must be an RFC 3339 date-time' })]);

const limitsFields = {
  requests_per_minute: positiveInt.optional(),
  tokens_per_minute: positiveInt.optional(),
};

export const serverSchema = z.strictObject({
  host: z.string().default('0.0.0.0'),
  port: z.number().int().min(0).max(65535).default(8080),
  body_limit_bytes: positiveInt.default(1_048_576),
  shutdown_grace_ms: positiveInt.default(20_000),
  admin_token_file: z.string().optional(),
  admin_token_env: z.string().optional(),
  access_log: z.boolean().default(true),
  /** Cap per logged body for projects with log_bodies (characters, after secret redaction). */
  access_log_body_max_chars: positiveInt.max(1_048_576).default(16_384),
  /** Trust X-Forwarded-For for the client IP (failed-auth limit); only behind a known proxy. */
  trust_proxy: z.boolean().default(false),
});

export const apiKeySchema = z.strictObject({
  id: name,
  hash: z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be a lowercase SHA-256 hex digest' }),
  project: name,
  expires_at: datetime.optional(),
  revoked: z.boolean().default(false),
  allowed_models: z.array(z.string()).min(1, { message: 'must list at least one model or "*"' }).default(['*']),
  monthly_token_budget: positiveInt.optional(),
  ...limitsFields,
});

export const jwtSchema = z.strictObject({
  issuer: z.string().optional(),
  audience: z.string().optional(),
  algorithms: z.array(z.enum(['HS256', 'RS256', 'ES256'])).min(1),
  secret_file: z.string().optional(),
  secret_env: z.string().optional(),
  public_key_file: z.string().optional(),
  jwks_url: url.optional(),
  /** PEM CA bundle trusted for the https jwks_url alone (an identity provider behind an internal CA); absent: the system roots. */
  jwks_ca_file: z.string().min(1).optional(),
  jwks_cache_ms: positiveInt.default(600_000),
  project_claim: z.string().default('project'),
  models_claim: z.string().default('models'),
  clock_tolerance_s: z.number().int().min(0).default(5),
});

export const authSchema = z.strictObject({
  failed_attempts_per_minute: positiveInt.default(30),
  api_keys: z.array(apiKeySchema).default([]),
  jwt: jwtSchema.optional(),
});

export const projectSchema = z.strictObject({
  monthly_token_budget: positiveInt.optional(),
  ...limitsFields,
  /** Access logs carry this project's request and response bodies (secrets redacted). Off by default. */
  log_bodies: z.boolean().default(false),
  /** Name of a [guardrails.<profile>] applied to every request of this project. */
  guardrail: name.optional(),
});

export const PII_KINDS = ['email', 'phone', 'card', 'iban', 'api_key'] as const;
const guardAction = z.enum(['block', 'redact']);
const directions = z.array(z.enum(['input', 'output'])).min(1, { message: 'must list "input", "output" or both' });

/**
 * Compiles a rule's pattern once at validation time, so a bad regex is a config error, not a 500,
 * and refuses a pattern that can backtrack catastrophically (one such rule would let any client
 * stall the gateway for every project).
 */
const regexRule = z
  .strictObject({
    name,
    pattern: z.string().min(1).max(2000),
    /** JavaScript RegExp flags; g is implied. */
    flags: z.string().regex(/^[imsu]*$/, { message: 'may only contain the flags i, m, s, u' }).default('i'),
    direction: z.enum(['input', 'output', 'both']).default('both'),
    /** Defaults to the profile's action. */
    action: guardAction.optional(),
    replacement: z.string().max(200).default('[REDACTED]'),
  })
  .superRefine((r, ctx) => {
    try {
      new RegExp(r.pattern, `${r.flags}g`);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: `invalid regular expression: ${(err as Error).message}` });
      return;
    }
    if (new RegExp(r.pattern, r.flags).test('')) {
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'must not match the empty string' });
      return;
    }
    const verdict = checkBacktracking(r.pattern, r.flags);
    if (!verdict.ok) ctx.addIssue({ code: 'custom', path: ['pattern'], message: verdict.reason });
  });

export const guardrailProfileSchema = z.strictObject({
  /** What PII and regex rules do by default: block the request, or redact the match. */
  action: guardAction.default('redact'),
  /** PII detectors on; [] turns them off. */
  pii: z.array(z.enum(PII_KINDS)).default([...PII_KINDS]),
  /** Where PII and deny terms are checked. */
  directions: directions.default(['input', 'output']),
  /** Case-insensitive words or phrases (whole-word match). */
  deny: z.array(z.string().min(1).max(200)).max(10_000).default([]),
  deny_action: guardAction.default('block'),
  rules: z.array(regexRule).max(1_000).default([]),
  /** Total characters of prompt text (all messages) above which the request is blocked. */
  max_prompt_chars: positiveInt.optional(),
  /** Streaming output: characters held back so a match split across chunks is still caught. */
  stream_holdback_chars: z.number().int().min(16).max(4096).default(64),
});

export const limitsSchema = z.strictObject({
  backend: z.enum(['memory', 'redis']).default('memory'),
  redis_url_env: z.string().optional(),
  redis_url_file: z.string().optional(),
  key_prefix: z.string().default('fdy'),
});

export const providerSchema = z.strictObject({
  kind: z.enum(['openai_compatible', 'openai', 'azure', 'anthropic']),
  base_url: url,
  api_key_file: z.string().optional(),
  api_key_env: z.string().optional(),
  /** Azure OpenAI api-version, Anthropic anthropic-version. */
  api_version: z.string().optional(),
  connections: positiveInt.default(128),
  /**
   * PEM bundle of the CA(s) that signed this provider's server certificate (a private endpoint
   * behind an internal CA), e.g. a file in the Secret mount. Replaces the system roots for this
   * provider's connections only.
   */
  ca_file: z.string().min(1).optional(),
});

export const targetSchema = z.strictObject({
  provider: name,
  /** Upstream model (or Azure deployment) name; defaults to the public model name. */
  model: z.string().optional(),
  weight: positive.default(1),
  /** vLLM /metrics URL for the kv_cache strategy; defaults to <base_url origin>/metrics. */
  metrics_url: url.optional(),
});

export const breakerSchema = z.strictObject({
  failure_threshold: positiveInt.default(5),
  cooldown_ms: positiveInt.default(10_000),
});

export const cacheSchema = z.strictObject({
  ttl_ms: positiveInt,
  max_entries: positiveInt.max(1_000_000, { message: 'must be <= 1000000' }),
});

export const modelSchema = z.strictObject({
  /** priority: targets strictly in listed order (a failover chain); weights are not read. */
  strategy: z.enum(['weighted', 'least_outstanding', 'p2c_ewma', 'kv_cache', 'prefix_affinity', 'priority']).default('weighted'),
  targets: z.array(targetSchema).min(1, { message: 'must have at least one target' }),
  attempt_timeout_ms: positiveInt.default(30_000),
  total_timeout_ms: positiveInt.default(120_000),
  max_attempts: positiveInt.default(3),
  /** Retries allowed as a fraction of requests (plus a small floor), so retries cannot snowball. */
  retry_budget_ratio: z.number().min(0).max(1).default(0.2),
  prefix_chars: positiveInt.default(256),
  /** Bounded-load factor for prefix affinity: a target may take (1 + load_factor) × the mean load. */
  load_factor: positive.default(0.25),
  kv_scrape_interval_ms: positiveInt.default(2_000),
  breaker: breakerSchema.default({ failure_threshold: 5, cooldown_ms: 10_000 }),
  ...limitsFields,
  /** Exact-match response cache for non-streaming requests; off when absent. */
  cache: cacheSchema.optional(),
  /**
   * Only these projects may use the model (any caller: API key or JWT); to every other project it
   * does not exist (404 model_not_found, absent from /v1/models). Absent: every project.
   */
  projects: z.array(name).max(10_000).optional(),
});

/**
 * Where /v1/images/generations puts the runtime's images: a mounted volume (a directory) or an
 * S3-compatible bucket. Clients get time-limited URLs signed with url_signing_key, which every
 * replica must share (a URL minted by one replica is served by any other).
 */
export const objectStoreSchema = z.strictObject({
  kind: z.enum(['volume', 's3']),
  /** volume: an absolute directory (a ReadWriteMany volume when there are several replicas). */
  path: z.string().regex(/^\//, { message: 'must be an absolute path' }).optional(),
  /** s3: e.g. https://s3.eu-west-1.amazonaws.com or http://minio.storage:9000 */
  endpoint: url.optional(),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)' }).optional(),
  region: z.string().min(1).default('us-east-1'),
  /** Virtual-hosted buckets (bucket.endpoint) when false. */
  force_path_style: z.boolean().default(true),
  access_key_id_file: z.string().optional(),
  access_key_id_env: z.string().optional(),
  secret_access_key_file: z.string().optional(),
  secret_access_key_env: z.string().optional(),
  /** Key prefix inside the bucket or directory. */
  prefix: z.string().regex(/^([A-Za-z0-9._-]+\/)*$/, { message: 'must be empty or path segments of letters, digits and ._- each ending in /' }).default('images/'),
  connections: positiveInt.default(32),
  /** How long a signed image URL stays valid. Volume images older than this (+1 min) are deleted. */
  url_ttl_s: positiveInt.max(7 * 24 * 3600, { message: 'must be <= 604800 (7 days)' }).default(3600),
  url_signing_key_file: z.string().optional(),
  url_signing_key_env: z.string().optional(),
  /** Base of the URLs handed to clients (e.g. https://gateway.example); default: the request's own host. */
  public_base_url: url.optional(),
});

/** OpenTelemetry span export over OTLP/HTTP (JSON); applied at start only, like [server]. */
export const tracingSchema = z.strictObject({
  /** The collector's traces URL, e.g. http://otel-collector.observability:4318/v1/traces */
  otlp_endpoint: url,
  service_name: z.string().min(1).max(128).default('foundry-gateway'),
  /** Fraction of new traces recorded; a caller's sampled flag is always followed. */
  sample_ratio: z.number().min(0).max(1).default(1),
  batch_delay_ms: positiveInt.default(2_000),
  max_queue: positiveInt.max(1_000_000).default(8_192),
  export_timeout_ms: positiveInt.default(10_000),
});

export const gatewayConfigSchema = z.strictObject({
  server: serverSchema.default(serverSchema.parse({})),
  auth: authSchema.default(authSchema.parse({})),
  projects: z.record(name, projectSchema).default({}),
  limits: limitsSchema.default(limitsSchema.parse({})),
  providers: z.record(name, providerSchema),
  models: z.record(name, modelSchema),
  guardrails: z.record(name, guardrailProfileSchema).default({}),
  object_store: objectStoreSchema.optional(),
  tracing: tracingSchema.optional(),
});

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;
export type ModelConfig = GatewayConfig['models'][string];
export type ProviderConfig = GatewayConfig['providers'][string];
export type TargetConfig = ModelConfig['targets'][number];
export type ApiKeyConfig = GatewayConfig['auth']['api_keys'][number];
export type GuardrailProfileConfig = GatewayConfig['guardrails'][string];
export type CacheConfig = NonNullable<ModelConfig['cache']>;
export type ObjectStoreConfig = z.output<typeof objectStoreSchema>;
export type TracingConfig = z.output<typeof tracingSchema>;
