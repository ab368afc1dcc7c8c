import { describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../../../gateway/src/config/index';
import { renderGatewayConfig } from './render';
import { useAdminCore } from '../testing/harness';
import { sha256Hex } from '../access/tokens';

const app = useAdminCore();

describe('gateway config rendered by the desktop', () => {
  it('carries every key as a hash with its project, models, budget, expiry and revocation, and no secret', async () => {
    const p = await app.core.call('projects:create', { name: 'fraud-detection' }, app.token);
    const live = await app.core.call('apikeys:create', { projectId: p.id, name: 'ci', allowedModels: ['llama-3.1-8b'], monthlyTokenBudget: 1_000_000, expiresAt: '2099-01-01T00:00:00Z' }, app.token);
    const gone = await app.core.call('apikeys:create', { projectId: p.id, name: 'old' }, app.token);
    await app.core.call('apikeys:revoke', { keyId: gone.key.id }, app.token);

    const { toml } = renderGatewayConfig(app.services.db);
    expect(toml).not.toContain(live.secret);
    expect(toml).not.toContain(gone.secret);
    const parsed = parseGatewayConfig(toml);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(Object.keys(parsed.value.projects)).toEqual(['fraud-detection']);
    const keys = Object.fromEntries(parsed.value.auth.api_keys.map((k) => [k.id, k]));
    expect(keys[live.key.id]).toMatchObject({ hash: sha256Hex(live.secret), project: 'fraud-detection', allowed_models: ['llama-3.1-8b'], monthly_token_budget: 1_000_000, revoked: false });
    expect(keys[gone.key.id]).toMatchObject({ hash: sha256Hex(gone.secret), revoked: true });
  });

  it('carries every guardrail profile and each project\'s assignment, as the gateway reads them', async () => {
    const fraud = await app.core.call('projects:create', { name: 'fraud-detection' }, app.token);
    await app.core.call('projects:create', { name: 'research' }, app.token);
    const strict = await app.core.call('guardrails:create', { name: 'strict', policy: { pii: ['email', 'card'], deny: ['Project Zeus'], rules: [{ name: 'ticket', pattern: 'TCK-\\d{6}', direction: 'output' }], max_prompt_chars: 8000 } }, app.token);
    await app.core.call('guardrails:create', { name: 'unused', policy: { pii: [] } }, app.token);
    await app.core.call('guardrails:assign', { projectId: fraud.id, profileId: strict.id }, app.token);

    const { toml } = renderGatewayConfig(app.services.db);
    expect(toml).toContain('[guardrails.strict]');
    const parsed = parseGatewayConfig(toml);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(Object.keys(parsed.value.projects).sort()).toEqual(['fraud-detection', 'research']);
    expect(parsed.value.projects['fraud-detection']?.guardrail).toBe('strict');
    expect(parsed.value.projects.research?.guardrail).toBeUndefined();
    expect(Object.keys(parsed.value.guardrails)).toEqual(['strict', 'unused']);
    expect(parsed.value.guardrails.strict).toEqual(strict.policy);

    // A rename follows through to the project that uses the profile.
    await app.core.call('guardrails:update', { profileId: strict.id, name: 'strict-v2' }, app.token);
    const renamed = parseGatewayConfig(renderGatewayConfig(app.services.db).toml);
    expect(renamed).toMatchObject({ ok: true, value: { projects: { 'fraud-detection': { guardrail: 'strict-v2' } } } });
  });

  it('renders a valid config for an empty desktop', () => {
    const parsed = parseGatewayConfig(renderGatewayConfig(app.services.db).toml);
    expect(parsed).toMatchObject({ ok: true, value: { auth: { api_keys: [] }, models: {}, guardrails: {} } });
  });
});
