/** Test helpers: real gateways on 127.0.0.1 from config objects, and freshly minted API keys. */
import type { DestinationStream } from 'pino';
import { createGateway, type Gateway, type GatewayOptions } from '../src/app';
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

/** Access-log lines a gateway wrote, parsed; pass `.stream` as listenGateway's accessLog. */
export function logSink(): { stream: DestinationStream; lines: Record<string, any>[]; raw: () => string } {
  const chunks: string[] = [];
  const lines: Record<string, any>[] = [];
  return {
    stream: {
      write(s: string) {
        chunks.push(s);
        for (const l of s.split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      },
    },
    lines,
    raw: () => chunks.join(''),
  };
}

/** `fastPath: false` leaves every request to fastify's routes (the fast path's parity test). */
export async function listenGateway(input: GatewayConfigInput, secrets: SecretSource = secretsFrom(), opts: { accessLog?: DestinationStream; fastPath?: boolean; warn?: GatewayOptions['warn'] } = {}): Promise<Running> {
  const v = validateGatewayConfig({ ...input, server: { host: '127.0.0.1', port: 0, access_log: Boolean(opts.accessLog), ...input.server } });
  if (!v.ok) throw new Error(v.errors.join('\n'));
  const r = await createGateway({ config: v.value, secrets, accessLog: opts.accessLog ?? false, fastPath: opts.fastPath, warn: opts.warn });
  if (!r.ok) throw new Error(r.errors.join('\n'));
  const url = await r.gateway.listen();
  return { url, gateway: r.gateway, close: () => r.gateway.close() };
}

export function sse(text: string): string[] {
  return text.split('\n\n').filter((b) => b.startsWith('data: ')).map((b) => b.slice(6));
}
