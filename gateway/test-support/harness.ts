/** Test helpers: real gateways on 127.0.0.1 from config objects, and freshly minted API keys. */
import { createGateway, type Gateway } from '../src/app';
import { generateApiKey, hashApiKey } from '../src/auth/api-keys';
import { validateGatewayConfig, type GatewayConfigInput } from '../src/config';
import type { SecretSource } from '../src/config/secrets';

export function apiKey(id: string, project: string, extra: Record<string, unknown> = {}) {
  const key = generateApiKey();
  return { key, entry: { id, project, hash: hashApiKey(key), ...extra } };
}

export function secretsFrom(files: Record<string, string> = {}, env: Record<string, string> = {}): SecretSource {
  return {
    env,
    readFile: (p) => {
      if (!(p in files)) throw new Error(`ENOENT ${p}`);
      return files[p]!;
    },
  };
}

export interface Running {
  url: string;
  gateway: Gateway;
  close(): Promise<void>;
}

export async function listenGateway(input: GatewayConfigInput, secrets: SecretSource = secretsFrom()): Promise<Running> {
  const v = validateGatewayConfig({ ...input, server: { host: '127.0.0.1', port: 0, access_log: false, ...input.server } });
  if (!v.ok) throw new Error(v.errors.join('\n'));
  const r = await createGateway({ config: v.value, secrets, accessLog: false });
  if (!r.ok) throw new Error(r.errors.join('\n'));
  const url = await r.gateway.listen();
  return { url, gateway: r.gateway, close: () => r.gateway.close() };
}

export function sse(text: string): string[] {
  return text.split('\n\n').filter((b) => b.startsWith('data: ')).map((b) => b.slice(6));
}
