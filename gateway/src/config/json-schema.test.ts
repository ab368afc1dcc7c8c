import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { gatewayConfigJsonSchema } from './json-schema';
import { validateGatewayConfig } from './parse';

const published = JSON.parse(readFileSync(new URL('../../config.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: false });
const matchesPublished = ajv.compile(published);

/** A config touching every section, as an operator would write it. */
const FULL = `
[server]
port = 8080
admin_token_file = "/etc/foundry-gateway/secrets/admin-token"
trust_proxy = true

[auth]
failed_attempts_per_minute = 20
[[auth.api_keys]]
id = "ci"
hash = "${'a'.repeat(64)}"
project = "search"
allowed_models = ["llama"]
requests_per_minute = 600
expires_at = 2027-01-01T00:00:00Z
[auth.jwt]
issuer = "https://login.example"
audience = "foundry"
algorithms = ["RS256"]
jwks_url = "https://login.example/.well-known/jwks.json"

[projects.search]
monthly_token_budget = 5000000
tokens_per_minute = 100000
log_bodies = true
guardrail = "pii"

[limits]
backend = "redis"
redis_url_file = "/etc/foundry-gateway/secrets/redis-url"

[providers.local]
kind = "openai_compatible"
base_url = "https://vllm.internal:8000/v1"
ca_file = "/etc/foundry-gateway/secrets/internal-ca.pem"
[providers.openai]
kind = "openai"
base_url = "https://api.openai.com/v1"
api_key_file = "/etc/foundry-gateway/secrets/openai"

[models.llama]
strategy = "priority"
projects = ["search"]
targets = [{ provider = "local", model = "meta-llama/Llama-3.1-8B-Instruct" }, { provider = "openai", model = "gpt-4o-mini" }]
cache = { ttl_ms = 60000, max_entries = 1000 }

[guardrails.pii]
pii = ["email", "card"]
deny = ["project zeus"]

[tracing]
otlp_endpoint = "http://otel-collector.observability:4318/v1/traces"
sample_ratio = 0.1
`;

describe('the published JSON Schema (gateway/config.schema.json)', () => {
  it('is what the zod schema generates today', () => {
    expect(published, 'gateway/config.schema.json is stale: run `npm run gateway:schema` and commit it').toEqual(JSON.parse(JSON.stringify(gatewayConfigJsonSchema())));
  });

  it('accepts a config that uses every section, as the gateway does', () => {
    const doc = parse(FULL);
    expect(validateGatewayConfig(doc)).toMatchObject({ ok: true });
    expect(matchesPublished(doc), JSON.stringify(matchesPublished.errors)).toBe(true);
  });

  it.each([
    ['an unknown key', `${FULL}\n[server.extra]\nx = 1`],
    ['an inline secret', FULL.replace('api_key_file = "/etc/foundry-gateway/secrets/openai"', 'api_key = "sk-live"')],
    ['a rate that is not positive', FULL.replace('requests_per_minute = 600', 'requests_per_minute = 0')],
    ['a strategy that does not exist', FULL.replace('strategy = "priority"', 'strategy = "random"')],
    ['a model without targets', FULL.replace(/targets = \[.*\]/, 'targets = []')],
    ['a wrong type', FULL.replace('log_bodies = true', 'log_bodies = "yes"')],
  ])('rejects %s, as the gateway does', (_what, toml) => {
    const doc = parse(toml);
    expect(validateGatewayConfig(doc).ok).toBe(false);
    expect(matchesPublished(doc)).toBe(false);
  });
});
