import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ModelScopes } from './model-scopes';

afterEach(() => {
  vi.doUnmock('node:crypto');
  vi.resetModules();
});

describe('API key digests on a Node 20 release without crypto.hash (before 20.12)', () => {
  it('fall back to createHash and still verify keys', async () => {
    vi.resetModules();
    vi.doMock('node:crypto', async (original) => ({ ...(await original<typeof import('node:crypto')>()), hash: undefined }));
    const { ApiKeyTable, generateApiKey, hashApiKey, sha256Hex } = await import('./api-keys');
    expect(sha256Hex).toBe(hashApiKey);
    const key = generateApiKey();
    expect(sha256Hex(key)).toBe(createHash('sha256').update(key).digest('hex'));
    const table = new ApiKeyTable([{ id: 'k', project: 'p', hash: hashApiKey(key), revoked: false, allowed_models: ['*'] } as never], new ModelScopes({}));
    expect(table.verify(key, Date.now())).toMatchObject({ id: 'k', project: 'p' });
    expect(table.verify(generateApiKey(), Date.now())).toMatchObject({ code: 'invalid_api_key' });
  });
});
