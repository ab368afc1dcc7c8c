import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { renderPng } from '../../../e2e/fixtures/vllm-sim/images';
import { apiKey, listenGateway, secretsFrom, type Running } from '../../test-support/harness';
import { haveMoto, startMotoS3, type MotoS3 } from '../../test-support/moto-s3';

// Needs moto's S3 server (pip install 'moto[server]'), which checks SigV4 with botocore's signer.
// Skipped without it, except in CI.
const present = haveMoto();
if (!present && process.env.CI === 'true') throw new Error("moto_server is required in CI for the S3 image store test (pip install 'moto[server]==5.2.1')");

const key = apiKey('k-s3', 'team-s3');
let sim: Simulator;
let s3: MotoS3;
let gw: Running;

const config = (secret: string) => ({
  cfg: {
    auth: { api_keys: [key.entry] },
    providers: { sim: { kind: 'openai_compatible' as const, base_url: `${sim.url}/v1` } },
    models: { img: { targets: [{ provider: 'sim', model: 'sim-model' }] } },
    object_store: { kind: 's3' as const, endpoint: s3.endpoint, bucket: s3.bucket, prefix: 'gw/images/', access_key_id_env: 'S3_ID', secret_access_key_file: '/s/s3-secret', url_signing_key_file: '/s/url-key' },
  },
  secrets: secretsFrom({ '/s/s3-secret': secret, '/s/url-key': 'u'.repeat(40) }, { S3_ID: s3.accessKeyId }),
});

describe.skipIf(!present)('/v1/images/generations with an S3-compatible store (moto, SigV4 verified)', () => {
  beforeAll(async () => {
    sim = await startSimulator({ model: 'sim-model', zeroDelay: true });
    s3 = await startMotoS3();
    const c = config(s3.secretAccessKey);
    gw = await listenGateway(c.cfg, c.secrets);
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
    await s3?.close();
    await sim?.close();
  });

  it('the store really checks signatures: a wrong secret is refused', async () => {
    const r = await s3.request('PUT', `/${s3.bucket}/probe.png`, Buffer.from('x'), { accessKeyId: s3.accessKeyId, secretAccessKey: `${s3.secretAccessKey}x` });
    expect(r.status).toBe(403);
    expect(r.body.toString()).toContain('SignatureDoesNotMatch');
  });

  it('puts the images in the bucket and serves them back through signed URLs (official openai client)', async () => {
    const client = new OpenAI({ apiKey: key.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const r = await client.images.generate({ model: 'img', prompt: 'a lighthouse', n: 2, size: '64x64' as never });
    expect(r.data).toHaveLength(2);
    for (const [i, d] of r.data!.entries()) {
      const want = renderPng(`sim-model\u0000a lighthouse\u0000${i}\u0000`, 64, 64);
      const url = new URL(d.url!);
      const name = url.pathname.split('/').at(-1)!;
      // In the bucket under the prefix, read straight from S3 with our own signed GET.
      const direct = await s3.request('GET', `/${s3.bucket}/gw/images/${name}`);
      expect(direct.status).toBe(200);
      expect(direct.body.equals(want)).toBe(true);
      const img = await fetch(url);
      expect(img.status).toBe(200);
      expect(img.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await img.arrayBuffer()).equals(want)).toBe(true);
    }
  });

  it('a gateway holding the wrong secret gets the store refusal as a 502 storage_error, and keeps serving', async () => {
    const c = config(`${s3.secretAccessKey}-wrong`);
    const bad = await listenGateway(c.cfg, c.secrets);
    try {
      const client = new OpenAI({ apiKey: key.key, baseURL: `${bad.url}/v1`, maxRetries: 0 });
      const err = await client.images.generate({ model: 'img', prompt: 'x', size: '64x64' as never }).catch((e) => e);
      expect(err.status).toBe(502);
      expect(err.error.code).toBe('storage_error');
      expect(err.error.message).toContain('SignatureDoesNotMatch');
      expect(err.error.message).not.toContain(s3.secretAccessKey);
      const ok = await client.images.generate({ model: 'img', prompt: 'x', size: '64x64' as never, response_format: 'b64_json' });
      expect(ok.data![0]!.b64_json).toBeTruthy();
    } finally {
      await bad.close();
    }
  });
});
