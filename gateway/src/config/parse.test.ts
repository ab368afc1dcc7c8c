import { describe, expect, it } from 'vitest';
import { parseGatewayConfig, renderGatewayConfigToml, validateGatewayConfig } from './index';

const base = `
[providers.vllm]
kind = "openai_compatible"
base_url = "http://127.0.0.1:8000/v1"

[models.chat]
strategy = "least_outstanding"
[[models.chat.targets]]
provider = "vllm"
[[models.chat.targets]]
provider = "vllm"
weight = 2
`;

describe('gateway config', () => {
  it('parses a minimal config and fills defaults', () => {
    const r = parseGatewayConfig(base);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.server.port).toBe(8080);
    expect(r.value.models.chat!.targets[1]!.weight).toBe(2);
    expect(r.value.limits.backend).toBe('memory');
  });

  it('names the path of a bad target weight', () => {
    const r = parseGatewayConfig(base.replace('weight = 2', 'weight = 0'));
    expect(r).toEqual({ ok: false, errors: ['models.chat.targets[1].weight: must be > 0'] });
  });

  it('rejects unknown keys with their path', () => {
    const r = parseGatewayConfig(base + '\n[server]\nprot = 1\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toContain('server.prot: unknown key');
  });

  it('refuses inline provider keys', () => {
    const r = parseGatewayConfig(base.replace('kind = "openai_compatible"', 'kind = "openai_compatible"\napi_key = "sk-123"'));
    expect(r).toEqual({ ok: false, errors: ['providers.vllm.api_key: inline secrets are not allowed; use api_key_file or api_key_env'] });
  });

  it('rejects a target that names an unknown provider', () => {
    const r = parseGatewayConfig(base.replace('weight = 2', 'weight = 2\n[[models.chat.targets]]\nprovider = "nope"'));
    expect(r).toEqual({ ok: false, errors: ['models.chat.targets[2].provider: unknown provider "nope"'] });
  });

  it('reports TOML syntax errors as a single line', () => {
    const r = parseGatewayConfig('[server\nport = 1');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/^\(toml\): /);
  });

  it('round-trips a config object rendered to TOML', () => {
    const input = {
      providers: { a: { kind: 'openai' as const, base_url: 'https://api.openai.com/v1', api_key_env: 'OPENAI_KEY' } },
      models: { 'gpt-4o': { targets: [{ provider: 'a' }] } },
      auth: { api_keys: [{ id: 'k1', project: 'p', hash: 'a'.repeat(64), allowed_models: ['*'] }] },
    };
    expect(validateGatewayConfig(input).ok).toBe(true);
    const again = parseGatewayConfig(renderGatewayConfigToml(input));
    expect(again.ok).toBe(true);
  });

  it('refuses a hand-written guardrail rule that can backtrack catastrophically, naming its path; a linear one passes', () => {
    const profile = (pattern: string) => `${base}\n[guardrails.strict]\n[[guardrails.strict.rules]]\nname = "ok"\npattern = 'TCK-\\d{6}'\n[[guardrails.strict.rules]]\nname = "words"\npattern = '${pattern}'\n`;
    const r = parseGatewayConfig(profile('(\\w+\\s?)+$'));
    expect(r).toEqual({ ok: false, errors: [expect.stringMatching(/^guardrails\.strict\.rules\[1\]\.pattern: can take exponential time on some inputs \(catastrophic backtracking\): .* e\.g\. \(a\+\)\+ → a\+/)] });
    expect(parseGatewayConfig(profile('[\\w\\s]+$')).ok).toBe(true);
    // The same check guards configs main/core builds as objects.
    const obj = validateGatewayConfig({ providers: {}, models: {}, guardrails: { g: { rules: [{ name: 'r', pattern: '(a|a)*b' }] } } });
    expect(obj).toEqual({ ok: false, errors: [expect.stringMatching(/^guardrails\.g\.rules\[0\]\.pattern: can take exponential time/)] });
  });

  it('requires key material for the configured JWT algorithms', () => {
    const r = parseGatewayConfig(base + '\n[auth.jwt]\nalgorithms = ["RS256"]\n');
    expect(r).toEqual({ ok: false, errors: ['auth.jwt: RS256/ES256 need public_key_file or jwks_url'] });
  });

  it('takes jwks_ca_file only beside an https jwks_url', () => {
    const jwt = (lines: string) => parseGatewayConfig(`${base}\n[auth.jwt]\nalgorithms = ["ES256"]\n${lines}`);
    const error = 'auth.jwt.jwks_ca_file: needs an https jwks_url (the bundle is what the key-set connection trusts)';
    expect(jwt('jwks_url = "http://127.0.0.1:8080/jwks.json"\njwks_ca_file = "/s/ca.pem"\n')).toEqual({ ok: false, errors: [error] });
    expect(jwt('public_key_file = "/s/k.pem"\njwks_ca_file = "/s/ca.pem"\n')).toEqual({ ok: false, errors: [error] });
    const ok = jwt('jwks_url = "https://idp.internal/jwks.json"\njwks_ca_file = "/s/ca.pem"\n');
    expect(ok.ok && ok.value.auth.jwt?.jwks_ca_file).toBe('/s/ca.pem');
  });
});
