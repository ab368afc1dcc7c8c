import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { apiKey, listenGateway, secretsFrom, type Running } from '../../test-support/harness';
import { parseGatewayConfig } from '../config';
import { ModelScopes } from './model-scopes';

/** A model restricted to some projects, whoever the caller is: API key or JWT. */

const HS_SECRET = 'model-scopes-shared-secret-for-hs256-tokens';
const fraudKey = apiKey('k-fraud', 'fraud');
const searchKey = apiKey('k-search', 'search');
let sim: Simulator;
let gw: Running;

beforeAll(async () => {
  sim = await startSimulator({ model: 'm', zeroDelay: true });
  gw = await listenGateway(
    {
      auth: { api_keys: [fraudKey.entry, searchKey.entry], jwt: { algorithms: ['HS256'], secret_file: '/s/hs', issuer: 'https://idp.test', audience: 'foundry' } },
      providers: { vllm: { kind: 'openai_compatible', base_url: `${sim.url}/v1` } },
      models: {
        open: { targets: [{ provider: 'vllm', model: 'm' }] },
        'fraud-only': { projects: ['fraud'], targets: [{ provider: 'vllm', model: 'm' }] },
        'fraud-and-risk': { projects: ['fraud', 'risk'], targets: [{ provider: 'vllm', model: 'm' }] },
        nobody: { projects: [], targets: [{ provider: 'vllm', model: 'm' }] },
      },
    },
    secretsFrom({ '/s/hs': HS_SECRET }),
  );
});
afterAll(async () => {
  await gw.close();
  await sim.close();
});

const jwt = (project: string, models: string | string[] = '*') =>
  new SignJWT({ project, models }).setIssuer('https://idp.test').setAudience('foundry').setSubject('alice').setExpirationTime('5m').setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(HS_SECRET));

const chat = (token: string, model: string) =>
  fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }) });
const listed = async (token: string) => ((await (await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } })).json()) as { data: { id: string }[] }).data.map((m) => m.id).sort();
const retrieve = (token: string, model: string) => fetch(`${gw.url}/v1/models/${model}`, { headers: { authorization: `Bearer ${token}` } });

async function expectNotFound(res: Response, model: string) {
  expect(res.status).toBe(404);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('model_not_found');
  // Word for word what an unknown model gets: a restricted model's existence is not revealed.
  expect(body.error.message).toBe(`The model \`${model}\` does not exist or you do not have access to it.`);
}

describe('model project scopes', () => {
  it('an API key of a listed project uses the model; one of another project gets the unknown-model 404 and does not see it listed', async () => {
    expect((await chat(fraudKey.key, 'fraud-only')).status).toBe(200);
    expect(await listed(fraudKey.key)).toEqual(['fraud-and-risk', 'fraud-only', 'open']);
    await expectNotFound(await chat(searchKey.key, 'fraud-only'), 'fraud-only');
    await expectNotFound(await chat(searchKey.key, 'no-such-model'), 'no-such-model');
    await expectNotFound(await retrieve(searchKey.key, 'fraud-only'), 'fraud-only');
    expect(await listed(searchKey.key)).toEqual(['open']);
    expect((await chat(searchKey.key, 'open')).status).toBe(200);
  });

  it('a JWT is held to its project claim even when its models claim grants every model', async () => {
    const search = await jwt('search');
    await expectNotFound(await chat(search, 'fraud-only'), 'fraud-only');
    expect(await listed(search)).toEqual(['open']);
    const risk = await jwt('risk');
    expect((await chat(risk, 'fraud-and-risk')).status).toBe(200);
    await expectNotFound(await chat(risk, 'fraud-only'), 'fraud-only');
    expect(await listed(risk)).toEqual(['fraud-and-risk', 'open']);
    // A project scope never widens a token's own models claim.
    const narrow = await jwt('fraud', ['open']);
    await expectNotFound(await chat(narrow, 'fraud-only'), 'fraud-only');
    expect(await listed(await jwt('fraud'))).toEqual(['fraud-and-risk', 'fraud-only', 'open']);
  });

  it('an empty list admits no project; upstream never sees a refused request', async () => {
    const before = sim.stats.received;
    await expectNotFound(await chat(fraudKey.key, 'nobody'), 'nobody');
    await expectNotFound(await chat(await jwt('fraud'), 'nobody'), 'nobody');
    expect(sim.stats.received).toBe(before);
  });
});

describe('model scopes, resolved per project', () => {
  it('costs nothing when no model is restricted, and hides exactly the models that do not list a project', () => {
    expect(new ModelScopes({ a: {}, b: {} }).hiddenFor('x')).toBeNull();
    const s = new ModelScopes({ a: {}, b: { projects: ['p'] }, c: { projects: ['q'] } });
    expect([...s.hiddenFor('p')!]).toEqual(['c']);
    expect([...s.hiddenFor('q')!]).toEqual(['b']);
    expect([...s.hiddenFor('unnamed')!].sort()).toEqual(['b', 'c']);
  });

  it('rejects a project name that cannot be one, naming the path', () => {
    const r = parseGatewayConfig('[providers.a]\nkind = "openai_compatible"\nbase_url = "http://a:8000/v1"\n[models.m]\nprojects = ["ok", "not ok"]\n[[models.m.targets]]\nprovider = "a"\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/^models\.m\.projects\[1\]: must be 1-128 characters/);
  });
});
