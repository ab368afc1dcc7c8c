/**
 * Config parsing as values, never throws: every problem comes back as one path-qualified line,
 * e.g. `models.chat.targets[1].weight: must be > 0`, so an operator can fix it from the log alone.
 */
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import type { z } from 'zod';
import { gatewayConfigSchema, type GatewayConfig, type GatewayConfigInput } from './schema';

export type ConfigResult = { ok: true; value: GatewayConfig } | { ok: false, errors: string[] };

const INLINE_SECRETS = new Set(['api_key', 'secret', 'password', 'private_key', 'redis_url', 'access_key_id', 'secret_access_key', 'url_signing_key']);

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

function zodErrors(error: z.ZodError): string[] {
  const out: string[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push(`${formatPath([...issue.path, key])}: unknown key`);
    } else {
      out.push(`${formatPath(issue.path)}: ${issue.message}`);
    }
  }
  return out;
}

/** Secrets must come from mounted files or env, so a config can be shown and diffed safely. */
function findInlineSecrets(value: unknown, path: PropertyKey[], out: string[]): void {
  if (!value || typeof value !== 'object' || value instanceof Date) return;
  for (const [k, v] of Object.entries(value)) {
    if (INLINE_SECRETS.has(k)) out.push(`${formatPath([...path, k])}: inline secrets are not allowed; use ${k}_file or ${k}_env`);
    else findInlineSecrets(v, [...path, Array.isArray(value) ? Number(k) : k], out);
  }
}

function crossCheck(c: GatewayConfig): string[] {
  const out: string[] = [];
  for (const [model, m] of Object.entries(c.models)) {
    m.targets.forEach((t, i) => {
      if (!c.providers[t.provider]) out.push(`models.${model}.targets[${i}].provider: unknown provider "${t.provider}"`);
    });
    if (m.total_timeout_ms < m.attempt_timeout_ms) out.push(`models.${model}.total_timeout_ms: must be >= attempt_timeout_ms`);
  }
  const ids = new Set<string>();
  c.auth.api_keys.forEach((k, i) => {
    if (ids.has(k.id)) out.push(`auth.api_keys[${i}].id: duplicate id "${k.id}"`);
    ids.add(k.id);
  });
  const jwt = c.auth.jwt;
  if (jwt) {
    const hs = jwt.algorithms.includes('HS256');
    const asym = jwt.algorithms.some((a) => a !== 'HS256');
    if (hs && !jwt.secret_file && !jwt.secret_env) out.push('auth.jwt: HS256 needs secret_file or secret_env');
    if (asym && !jwt.public_key_file && !jwt.jwks_url) out.push('auth.jwt: RS256/ES256 need public_key_file or jwks_url');
    if (jwt.jwks_ca_file && !jwt.jwks_url?.startsWith('https:')) out.push('auth.jwt.jwks_ca_file: needs an https jwks_url (the bundle is what the key-set connection trusts)');
  }
  if (c.limits.backend === 'redis' && !c.limits.redis_url_env && !c.limits.redis_url_file) {
    out.push('limits: backend "redis" needs redis_url_env or redis_url_file');
  }
  for (const [name, p] of Object.entries(c.projects)) {
    if (p.guardrail && !c.guardrails[p.guardrail]) out.push(`projects.${name}.guardrail: unknown guardrail profile "${p.guardrail}"`);
  }
  for (const [name, g] of Object.entries(c.guardrails)) {
    const seen = new Set<string>();
    g.rules.forEach((r, i) => {
      if (seen.has(r.name)) out.push(`guardrails.${name}.rules[${i}].name: duplicate rule name "${r.name}"`);
      seen.add(r.name);
    });
  }
  for (const [name, p] of Object.entries(c.providers)) {
    if (p.kind === 'azure' && !p.api_version) out.push(`providers.${name}.api_version: required for kind "azure"`);
  }
  const os = c.object_store;
  if (os) {
    if (!os.url_signing_key_file && !os.url_signing_key_env) out.push('object_store: needs url_signing_key_file or url_signing_key_env (every replica must share the key that signs image URLs)');
    if (os.kind === 'volume' && !os.path) out.push('object_store.path: required for kind "volume"');
    if (os.kind === 's3') {
      if (!os.endpoint) out.push('object_store.endpoint: required for kind "s3"');
      if (!os.bucket) out.push('object_store.bucket: required for kind "s3"');
      if (!os.access_key_id_file && !os.access_key_id_env) out.push('object_store: kind "s3" needs access_key_id_file or access_key_id_env');
      if (!os.secret_access_key_file && !os.secret_access_key_env) out.push('object_store: kind "s3" needs secret_access_key_file or secret_access_key_env');
    }
  }
  return out;
}

/** Validates an already-parsed config object (what main/core builds before rendering TOML). */
export function validateGatewayConfig(input: unknown): ConfigResult {
  const inline: string[] = [];
  findInlineSecrets(input, [], inline);
  if (inline.length) return { ok: false, errors: inline };
  const parsed = gatewayConfigSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
  const cross = crossCheck(parsed.data);
  return cross.length ? { ok: false, errors: cross } : { ok: true, value: parsed.data };
}

/** Parses gateway TOML. Untrusted input: it comes from a mounted ConfigMap. */
export function parseGatewayConfig(text: string): ConfigResult {
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (err) {
    return { ok: false, errors: [`(toml): ${(err as Error).message.split('\n')[0]}`] };
  }
  return validateGatewayConfig(raw);
}

/** Renders a config object as TOML, for main/core to put in the gateway's ConfigMap. */
export function renderGatewayConfigToml(config: GatewayConfigInput): string {
  return stringifyToml(config as Record<string, unknown>);
}
