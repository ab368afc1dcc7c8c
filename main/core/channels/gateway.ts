import { z } from 'zod';
import { channel, id, returns } from './spec';

export const GATEWAY_CHANNELS = {
  'gateway:config': channel({
    input: z.object({ clusterId: id('clusterId').optional() }).strict(),
    output: returns<{ toml: string; apiKeys: number; projects: number; limits: 'memory' | 'redis' }>(),
    access: 'apikey:view',
    mutates: false,
    summary:
      "The gateway config this desktop renders (key hashes only): the part every cluster shares, or with a cluster that cluster's own (its [limits] when it has a limits store; the Redis URL stays in its Secret).",
  }),
};
