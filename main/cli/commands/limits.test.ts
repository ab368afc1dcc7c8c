import { vi, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../../../gateway/src/config/index';
import { tempDir } from '../../core/testing/harness';
import { cliRunner } from '../testing';
import { parseLimit } from './limits';

// Each step runs the CLI as its own process (about a second, several on a loaded 2-core CI machine).
vi.setConfig({ testTimeout: 120_000 });

describe('limit flags', () => {
  it('take whole numbers with separators or k/M/G, and none', () => {
    expect(parseLimit('--rpm', '600')).toBe(600);
    expect(parseLimit('--tpm', '2_000_000')).toBe(2_000_000);
    expect(parseLimit('--tpm', '2,000,000')).toBe(2_000_000);
    expect(parseLimit('--tpm', '2M')).toBe(2_000_000);
    expect(parseLimit('--tpm', '1.5k')).toBe(1500);
    expect(parseLimit('--budget', 'none')).toBeNull();
    expect(parseLimit('--budget', undefined)).toBeUndefined();
  });

  it.each([
    ['0', 'must be at least 1'],
    ['-3', 'must be at least 1'],
    ['2.5', 'must be a whole number'],
    ['lots', 'is not a number'],
    ['1e3', 'is not a number'],
  ])('refuses %s', (value, message) => {
    expect(() => parseLimit('--rpm', value)).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT', message: `--rpm "${value}" ${message}. Nothing was saved.` }));
  });
});

/** The commands as a user runs them: separate processes on a real FOUNDRY_HOME, checked in the config the gateway would get. */
describe('foundry limits', () => {
  const home = tempDir();
  const foundry = cliRunner(home.path);
  const gatewayConfig = () => {
    const r = foundry(['gateway', 'config']);
    expect(r.code, r.err).toBe(0);
    const parsed = parseGatewayConfig(r.out);
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    return parsed.value;
  };
  let keyId: string;

  beforeAll(() => {
    expect(foundry(['setup', '-u', 'ada', '--password-stdin'], 'correct horse battery\n').code).toBe(0);
    expect(foundry(['projects', 'create', 'fraud']).code).toBe(0);
  });
  afterAll(() => home.remove());

  it('projects limits sets, shows and clears a project\'s limits and body logging', () => {
    const set = foundry(['projects', 'limits', 'fraud', '--rpm', '600', '--tpm', '2M', '--budget', '50_000_000', '--log-bodies']);
    expect(set.code, set.err).toBe(0);
    expect(set.out).toContain('fraud: 600 rpm, 2,000,000 tpm, 50,000,000 tokens/month; bodies logged (secrets redacted). Synced gateways pick the change up automatically.');
    expect(gatewayConfig().projects.fraud).toEqual({ requests_per_minute: 600, tokens_per_minute: 2_000_000, monthly_token_budget: 50_000_000, log_bodies: true });
    expect(foundry(['projects', 'list']).out).toMatch(/fraud\s+\S*\s*1\s+0\s+600 rpm, 2,000,000 tpm, 50,000,000 tokens\/month\s+logged/);

    expect(foundry(['projects', 'limits', 'fraud', '--tpm', 'none', '--no-log-bodies']).code).toBe(0);
    expect(foundry(['projects', 'limits', 'fraud']).out).toBe('fraud: 600 rpm, 50,000,000 tokens/month; bodies not logged.\n');
    expect(gatewayConfig().projects.fraud).toEqual({ requests_per_minute: 600, monthly_token_budget: 50_000_000, log_bodies: false });
  });

  it('refuses bad values by flag or by field, and saves nothing', () => {
    const before = foundry(['gateway', 'config']).out;
    const zero = foundry(['projects', 'limits', 'fraud', '--rpm', '0', '--log-bodies']);
    expect(zero.code).toBe(2);
    expect(zero.err).toContain('--rpm "0" must be at least 1. Nothing was saved.');
    expect(zero.err).toContain('hint: Give a whole number such as 600, 2_000_000 or 2M, or "none" to remove the limit.');
    const huge = foundry(['projects', 'limits', 'fraud', '--rpm', '5G']);
    expect(huge.code).toBe(2);
    expect(huge.err).toContain('requestsPerMinute: must be at most 100,000,000 requests per minute');
    expect(foundry(['gateway', 'config']).out).toBe(before);
  });

  it('apikeys create takes rates, apikeys update changes budget and rates without reissuing the key', () => {
    const created = foundry(['apikeys', 'create', 'ci', '-p', 'fraud', '--rpm', '60', '--tpm', '5k', '--json']);
    expect(created.code, created.err).toBe(0);
    const { key, secret } = JSON.parse(created.out) as { key: { id: string }; secret: string };
    keyId = key.id;
    const entry = () => gatewayConfig().auth.api_keys.find((k) => k.id === keyId)!;
    expect(entry()).toMatchObject({ requests_per_minute: 60, tokens_per_minute: 5000 });

    const updated = foundry(['apikeys', 'update', keyId, '--budget', '1M', '--rpm', 'none']);
    expect(updated.code, updated.err).toBe(0);
    expect(updated.out).toContain('ci (fdy_');
    expect(updated.out).toContain('5,000 tpm, 1,000,000 tokens/month. Synced gateways pick the change up automatically.');
    expect(entry()).toMatchObject({ tokens_per_minute: 5000, monthly_token_budget: 1_000_000 });
    expect(entry()).not.toHaveProperty('requests_per_minute');
    expect(foundry(['apikeys', 'list', '-p', 'fraud']).out).toContain('5,000 tpm, 1,000,000 tokens/month');
    expect(foundry(['apikeys', 'update', keyId]).err).toContain('name at least one of monthlyTokenBudget, requestsPerMinute, tokensPerMinute');
    expect(foundry(['gateway', 'config']).out).not.toContain(secret);
  });

  it('endpoints add and update take rates for the model', () => {
    const added = foundry(['endpoints', 'add', 'llama', '--kind', 'openai_compatible', '--base-url', 'http://vllm.models:8000/v1', '--rpm', '1200']);
    expect(added.code, added.err).toBe(0);
    expect(added.out).toContain('limits 1,200 rpm)');
    expect(gatewayConfig().models.llama).toMatchObject({ requests_per_minute: 1200 });
    expect(foundry(['endpoints', 'update', 'llama', '--tpm', '400k', '--rpm', 'none']).code).toBe(0);
    expect(gatewayConfig().models.llama).toMatchObject({ tokens_per_minute: 400_000 });
    expect(gatewayConfig().models.llama).not.toHaveProperty('requests_per_minute');
    expect(foundry(['endpoints', 'list']).out).toMatch(/llama .* 400,000 tpm$/m);
    const bad = foundry(['endpoints', 'update', 'llama', '--tpm', '-1']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--tpm "-1" must be at least 1');
  });
});
