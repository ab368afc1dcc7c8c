import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../app';
import { validateGatewayConfig, type GatewayConfigInput } from '../config';
import { apiKey, listenGateway, secretsFrom, type Running } from '../../test-support/harness';
import { createTestCa, issueServerCert, startTlsUpstream, type TestCert, type TlsUpstream } from '../../test-support/test-ca';

/** A private OpenAI-compatible endpoint behind an internal CA, reached with the provider's ca_file. */

const key = apiKey('k1', 'p1');
let ca: TestCert;
let upstream: TlsUpstream;
let gw: Running;

const config = (url: string): GatewayConfigInput => ({
  auth: { api_keys: [key.entry] },
  providers: {
    trusted: { kind: 'openai_compatible', base_url: `${url}/v1`, ca_file: '/etc/foundry-gateway/secrets/ca.pem' },
    // The same origin without the bundle: the CA must not leak into its connections.
    untrusted: { kind: 'openai_compatible', base_url: `${url}/v1` },
  },
  models: {
    private: { targets: [{ provider: 'trusted', model: 'private-llm' }] },
    'private-untrusted': { targets: [{ provider: 'untrusted', model: 'private-llm' }], max_attempts: 1 },
  },
});

beforeAll(async () => {
  ca = createTestCa();
  upstream = await startTlsUpstream(issueServerCert(ca));
  gw = await listenGateway(config(upstream.url), secretsFrom({ '/etc/foundry-gateway/secrets/ca.pem': ca.certPem }));
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
});

const chat = (model: string) =>
  fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }) });

describe('a provider with ca_file', () => {
  it('reaches an HTTPS upstream whose certificate its CA signed', async () => {
    const res = await chat('private');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toBe('private hello');
    expect(upstream.received).toBe(1);
  });

  it('leaves other providers on the system roots, even at the same origin: they fail the TLS check', async () => {
    const res = await chat('private-untrusted');
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('upstream_error');
    expect(body.error.message).toMatch(/^untrusted: connection failed \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)\)$/);
    expect(upstream.received).toBe(1);
    // And the trusted provider still works after the other one's failure.
    expect((await chat('private')).status).toBe(200);
  });

  it('scrapes vLLM KV metrics through the provider\'s own trusted connections (kv_cache strategy)', async () => {
    const kvGw = await listenGateway(
      { auth: { api_keys: [key.entry] }, providers: config(upstream.url).providers, models: { kv: { strategy: 'kv_cache', kv_scrape_interval_ms: 50, targets: [{ provider: 'trusted', model: 'private-llm' }, { provider: 'untrusted', model: 'private-llm' }] } } },
      secretsFrom({ '/etc/foundry-gateway/secrets/ca.pem': ca.certPem }),
    );
    try {
      const [trusted, untrusted] = kvGw.gateway.runtime().models.get('kv')!.targets;
      const end = Date.now() + 3000;
      while (Date.now() < end && !trusted!.state.kv) await new Promise((r) => setTimeout(r, 20));
      expect(trusted!.state.kv).toMatchObject({ cacheUsage: 0.37, waiting: 2 });
      // Same origin, no bundle: its scrape fails the TLS check and it has no snapshot.
      expect(untrusted!.state.kv).toBeFalsy();
    } finally {
      await kvGw.close();
    }
  });

  it('refuses to load with a CA file that is missing, not PEM, or not a CA, naming the provider', async () => {
    const v = validateGatewayConfig({ ...config(upstream.url), server: { host: '127.0.0.1', port: 0, access_log: false } });
    if (!v.ok) throw new Error(v.errors.join('\n'));
    const load = async (files: Record<string, string>) => {
      const r = await createGateway({ config: v.value, secrets: secretsFrom(files), accessLog: false });
      if (r.ok) await r.gateway.close();
      return r.ok ? [] : r.errors;
    };
    expect(await load({})).toEqual(['providers.trusted.ca_file: cannot read /etc/foundry-gateway/secrets/ca.pem']);
    expect(await load({ '/etc/foundry-gateway/secrets/ca.pem': 'not a certificate' })).toEqual([expect.stringMatching(/^providers\.trusted\.ca_file: \/etc\/foundry-gateway\/secrets\/ca\.pem holds no PEM certificate/)]);
    const leaf = issueServerCert(ca);
    expect(await load({ '/etc/foundry-gateway/secrets/ca.pem': leaf.certPem })).toEqual([expect.stringMatching(/^providers\.trusted\.ca_file: .* is not a certificate authority/)]);
  });
});
