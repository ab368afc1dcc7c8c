import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { createCertificateAuthority, issueCertificate } from '../pki/certificates';
import { probeEndpoint } from './probe';

/**
 * "Test connection" against real servers on 127.0.0.1: the vLLM simulator with its key checked, and
 * spec-true stand-ins for the clouds we cannot reach here (Anthropic's GET /v1/models, Azure
 * OpenAI's deployment chat route), written from their published API references.
 */

const SIM_KEY = 'sim-key-0123456789';
let sim: Simulator;
const servers: Server[] = [];

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function handle(h: Handler) {
  return (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => h(req, body, res));
  };
}

const json = (res: ServerResponse, status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));

const serve = async (h: Handler) => `http://${await listen(createHttpServer(handle(h)))}`;

/** Anthropic Models API: GET /v1/models, x-api-key + anthropic-version, paginated list of {type: "model", id, display_name, created_at}. */
const anthropicRequests: IncomingMessage[] = [];
const anthropic: Handler = (req, _body, res) => {
  anthropicRequests.push(req);
  if (req.headers['x-api-key'] !== 'sk-ant-good') return json(res, 401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
  if (!req.url!.startsWith('/v1/models')) return json(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'Not found' } });
  json(res, 200, {
    data: [
      { type: 'model', id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' },
      { type: 'model', id: 'claude-3-5-haiku-20241022', display_name: 'Claude Haiku 3.5', created_at: '2024-10-22T00:00:00Z' },
    ],
    has_more: false,
    first_id: 'claude-sonnet-4-5-20250929',
    last_id: 'claude-3-5-haiku-20241022',
  });
};

/** Azure OpenAI data plane: POST /openai/deployments/{deployment}/chat/completions?api-version=…, key in `api-key`. */
const azureBodies: unknown[] = [];
const azure: Handler = (req, body, res) => {
  const url = new URL(req.url!, 'http://x');
  if (req.headers['api-key'] !== 'az-good') {
    return json(res, 401, { error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.' } });
  }
  const m = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(url.pathname);
  if (!m || url.searchParams.get('api-version') !== '2024-10-21') return json(res, 404, { error: { code: '404', message: 'Resource not found' } });
  if (m[1] !== 'gpt4o-prod') {
    return json(res, 404, { error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.' } });
  }
  azureBodies.push(JSON.parse(body));
  json(res, 200, { id: 'chatcmpl-1', object: 'chat.completion', created: 0, model: 'gpt-4o-2024-08-06', choices: [{ index: 0, message: { role: 'assistant', content: 'Po' }, finish_reason: 'length' }], usage: { prompt_tokens: 8, completion_tokens: 1, total_tokens: 9 } });
};

let anthropicUrl: string;
let azureUrl: string;

beforeAll(async () => {
  sim = await startSimulator({ model: 'meta-llama/Llama-3.1-8B-Instruct', apiKey: SIM_KEY, zeroDelay: true });
  anthropicUrl = await serve(anthropic);
  azureUrl = await serve(azure);
});
afterAll(async () => {
  await sim?.close();
  for (const s of servers) s.closeAllConnections?.();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

const openaiStyle = (baseUrl: string, upstreamModel = 'meta-llama/Llama-3.1-8B-Instruct') => ({ kind: 'openai_compatible' as const, baseUrl, upstreamModel, apiVersion: null, caBundle: null as string | null });

describe('testing an endpoint from the desktop', () => {
  it('lists the models of a private vLLM-compatible server with its key, and times the call', async () => {
    const r = await probeEndpoint(openaiStyle(`${sim.url}/v1`), SIM_KEY);
    expect(r).toMatchObject({ ok: true, status: 200, models: ['meta-llama/Llama-3.1-8B-Instruct'], upstreamModelListed: true, note: null, error: null, probe: `GET ${sim.url}/v1/models` });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(r.at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('says when the list does not name the upstream model', async () => {
    const r = await probeEndpoint(openaiStyle(`${sim.url}/v1`, 'llama-typo'), SIM_KEY);
    expect(r).toMatchObject({ ok: true, upstreamModelListed: false, note: expect.stringContaining('does not name "llama-typo"') });
  });

  it('classifies a refused key, and says when no key is stored', async () => {
    const wrong = await probeEndpoint(openaiStyle(`${sim.url}/v1`), 'sk-wrong');
    expect(wrong).toMatchObject({ ok: false, status: 401, error: { kind: 'unauthorized', message: 'The endpoint refused the API key (HTTP 401): Unauthorized', hint: expect.stringContaining('Replace the key') } });
    const none = await probeEndpoint(openaiStyle(`${sim.url}/v1`), null);
    expect(none.error).toMatchObject({ kind: 'unauthorized', hint: expect.stringContaining('has no API key stored') });
  });

  it('never echoes the key, even when the upstream does', async () => {
    const key = 'sk-proj-SECRET-abcdefghijklmnop';
    const echo = await serve((req, _b, res) => json(res, 403, { error: { message: `Key ${String(req.headers.authorization).slice(7)} is not allowed here` } }));
    const r = await probeEndpoint(openaiStyle(`${echo}/v1`), key);
    expect(r.error).toMatchObject({ kind: 'unauthorized', message: 'The endpoint refused the API key (HTTP 403): Key [key] is not allowed here' });
    expect(JSON.stringify(r)).not.toContain(key);
  });

  it('a base URL that is not the API root is a 404 with a hint', async () => {
    const r = await probeEndpoint(openaiStyle(`${sim.url}/api`), SIM_KEY);
    expect(r).toMatchObject({ ok: false, status: 404, error: { kind: 'not_found', message: expect.stringContaining(`GET ${sim.url}/api/models answered 404`), hint: expect.stringContaining('usually ending in /v1') } });
  });

  it('a 200 that is not a model list is a bad response', async () => {
    const html = await serve((_q, _b, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'));
    expect((await probeEndpoint(openaiStyle(`${html}/v1`), null)).error).toMatchObject({ kind: 'bad_response', message: expect.stringContaining('not with a model list') });
  });

  it('classifies nothing listening, a hung server and TLS problems', async () => {
    const closed = createHttpServer();
    const port = (await listen(closed)).split(':')[1];
    await new Promise((r) => closed.close(r));
    const refused = await probeEndpoint(openaiStyle(`http://127.0.0.1:${port}/v1`), SIM_KEY);
    expect(refused).toMatchObject({ ok: false, latencyMs: null, status: null, error: { kind: 'unreachable', message: `Cannot reach 127.0.0.1:${port}: nothing is listening there (connection refused).` } });

    const hung = `http://${await listen(createHttpServer(() => undefined))}`;
    expect((await probeEndpoint(openaiStyle(`${hung}/v1`), null, { timeoutMs: 300 })).error).toMatchObject({ kind: 'timeout', message: expect.stringContaining('did not answer in time') });

    const ca = await createCertificateAuthority('Private CA');
    const leaf = await issueCertificate(ca, { commonName: 'vllm', ipAddresses: ['127.0.0.1'], usage: 'server' });
    const tls = await listen(createHttpsServer({ key: leaf.keyPem, cert: leaf.certPem }, handle((_q, _b, res) => json(res, 200, { data: [] }))));
    const untrusted = await probeEndpoint(openaiStyle(`https://${tls}/v1`), SIM_KEY);
    expect(untrusted.error).toMatchObject({ kind: 'tls', message: expect.stringContaining('authority this machine does not trust'), hint: expect.stringContaining('does not skip TLS verification') });
    expect(untrusted.error!.hint).toContain('add that CA to the endpoint (Edit → CA bundle)');

    const plain = await probeEndpoint(openaiStyle(`https://${new URL(sim.url).host}/v1`), SIM_KEY);
    expect(plain.error).toMatchObject({ kind: 'tls', message: expect.stringContaining('no TLS at all') });
  });

  it('trusts a private CA given as the endpoint\'s CA bundle, and says so when the bundle holds another CA', async () => {
    const ca = await createCertificateAuthority('Internal Root');
    const leaf = await issueCertificate(ca, { commonName: 'private-llm', ipAddresses: ['127.0.0.1'], usage: 'server' });
    const tls = await listen(createHttpsServer({ key: leaf.keyPem, cert: leaf.certPem }, handle((_q, _b, res) => json(res, 200, { data: [{ id: 'meta-llama/Llama-3.1-8B-Instruct' }] }))));
    const trusted = await probeEndpoint({ ...openaiStyle(`https://${tls}/v1`), caBundle: ca.certPem }, null);
    expect(trusted).toMatchObject({ ok: true, status: 200, models: ['meta-llama/Llama-3.1-8B-Instruct'], upstreamModelListed: true, error: null });
    const other = await createCertificateAuthority('Some Other Root');
    const wrong = await probeEndpoint({ ...openaiStyle(`https://${tls}/v1`), caBundle: other.certPem }, null);
    expect(wrong.error).toMatchObject({ kind: 'tls', hint: expect.stringContaining("The endpoint's CA bundle does not hold the authority that signed this certificate") });
    // Without the bundle the same server is untrusted again: it applied to that endpoint's calls only.
    expect((await probeEndpoint(openaiStyle(`https://${tls}/v1`), null)).error).toMatchObject({ kind: 'tls' });
  });

  it('Anthropic: lists models with x-api-key and anthropic-version', async () => {
    const t = { kind: 'anthropic' as const, baseUrl: `${anthropicUrl}/v1`, upstreamModel: 'claude-sonnet-4-5-20250929', apiVersion: '2023-06-01', caBundle: null };
    const r = await probeEndpoint(t, 'sk-ant-good');
    expect(r).toMatchObject({ ok: true, models: ['claude-3-5-haiku-20241022', 'claude-sonnet-4-5-20250929'], upstreamModelListed: true });
    expect(anthropicRequests.at(-1)!.headers).toMatchObject({ 'anthropic-version': '2023-06-01', 'x-api-key': 'sk-ant-good' });
    expect(anthropicRequests.at(-1)!.headers.authorization).toBeUndefined();
    expect((await probeEndpoint(t, 'sk-ant-bad')).error).toMatchObject({ kind: 'unauthorized', message: 'The endpoint refused the API key (HTTP 401): invalid x-api-key' });
  });

  it('Azure OpenAI: a 1-token request to the deployment proves URL, deployment, api-version and key together', async () => {
    const t = { kind: 'azure' as const, baseUrl: azureUrl, upstreamModel: 'gpt4o-prod', apiVersion: '2024-10-21', caBundle: null };
    const r = await probeEndpoint(t, 'az-good');
    expect(r).toMatchObject({ ok: true, models: ['gpt-4o-2024-08-06'], upstreamModelListed: true, probe: `POST ${azureUrl}/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21` });
    expect(azureBodies.at(-1)).toEqual({ messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 });
    expect((await probeEndpoint(t, 'az-bad')).error).toMatchObject({ kind: 'unauthorized', message: expect.stringContaining('Access denied due to invalid subscription key') });
    expect((await probeEndpoint({ ...t, upstreamModel: 'gpt4o-typo' }, 'az-good')).error).toMatchObject({
      kind: 'not_found',
      message: expect.stringContaining('Azure answered 404 for the deployment: The API deployment for this resource does not exist'),
      hint: expect.stringContaining('the deployment name (as in Azure AI Foundry'),
    });
    expect((await probeEndpoint({ ...t, apiVersion: '1999-01-01' }, 'az-good')).error).toMatchObject({ kind: 'not_found', message: expect.stringContaining('Resource not found') });
  });
});
