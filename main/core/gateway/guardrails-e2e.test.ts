import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../../../gateway/src/config/index';
import { listenGateway, type Running } from '../../../gateway/test-support/harness';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { renderGatewayConfig } from './render';
import { useAdminCore } from '../testing/harness';

/**
 * The desktop's guardrail profiles, end to end: profiles and assignments made through the channels,
 * the config rendered to TOML as it would go into the ConfigMap, parsed back the way a gateway loads
 * it, and a real gateway in front of the vLLM simulator serving keys of two projects.
 */

const app = useAdminCore({ per: 'file' });
let sim: Simulator;
let gw: Running;
let guardedKey: string;
let freeKey: string;

beforeAll(async () => {
  const guarded = await app.core.call('projects:create', { name: 'support-bot' }, app.token);
  const free = await app.core.call('projects:create', { name: 'research' }, app.token);
  const profile = await app.core.call('guardrails:create', { name: 'support', policy: { action: 'redact', pii: ['email'], deny: ['Project Zeus'], deny_action: 'block' } }, app.token);
  await app.core.call('guardrails:assign', { projectId: guarded.id, profileId: profile.id }, app.token);
  guardedKey = (await app.core.call('apikeys:create', { projectId: guarded.id, name: 'bot' }, app.token)).secret;
  freeKey = (await app.core.call('apikeys:create', { projectId: free.id, name: 'lab' }, app.token)).secret;

  sim = await startSimulator({ model: 'sim-model', zeroDelay: true });
  const { toml } = renderGatewayConfig(app.services.db, {
    providers: { vllm: { kind: 'openai_compatible', base_url: `${sim.url}/v1` } },
    models: { chat: { targets: [{ provider: 'vllm', model: 'sim-model' }] } },
  });
  const loaded = parseGatewayConfig(toml);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  gw = await listenGateway(loaded.value);
});

afterAll(async () => {
  await gw?.close();
  await sim?.close();
});

const chat = (key: string, content: string) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', max_tokens: 4, messages: [{ role: 'user', content }] }),
  });
const lastPrompt = () => (sim.requests.at(-1)!.body as { messages: { content: string }[] }).messages[0]!.content;

describe('a profile made on the desktop, enforced by a real gateway', () => {
  it("redacts the email in the guarded project's prompt before it reaches the model", async () => {
    const res = await chat(guardedKey, 'Reply to jane.doe@corp.example please');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-foundry-guardrail')).toBe('redact:input:pii.email');
    expect(lastPrompt()).toBe('Reply to [EMAIL] please');
  });

  it('blocks its denied term with the reason, and the model never sees the prompt', async () => {
    const before = sim.stats.received;
    const res = await chat(guardedKey, 'What is the status of project zeus?');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: 'guardrail_blocked', message: 'The request was blocked by guardrail profile "support" (rule deny).' });
    expect(sim.stats.received).toBe(before);
  });

  it("leaves another project's requests untouched", async () => {
    const res = await chat(freeKey, 'Reply to jane.doe@corp.example about project zeus');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-foundry-guardrail')).toBeNull();
    expect(lastPrompt()).toBe('Reply to jane.doe@corp.example about project zeus');
  });
});
