/** Chooses the limits backend from config: in memory for one replica, Redis for many. */
import type { GatewayConfig } from '../config/schema';
import { readSecret, type SecretSource } from '../config/secrets';
import { MemoryLimitStore } from './memory-store';
import { RedisLimitStore } from './redis-store';
import type { LimitStore } from './types';

export type StoreResult = { ok: true; store: LimitStore } | { ok: false; errors: string[] };

export function createLimitStore(cfg: GatewayConfig['limits'], secrets: SecretSource): StoreResult {
  if (cfg.backend === 'memory') return { ok: true, store: new MemoryLimitStore() };
  const url = readSecret(secrets, 'limits', { file: cfg.redis_url_file, env: cfg.redis_url_env, name: 'redis_url' });
  if (!url.ok) return { ok: false, errors: [url.error] };
  return { ok: true, store: new RedisLimitStore(url.value!, cfg.key_prefix) };
}
