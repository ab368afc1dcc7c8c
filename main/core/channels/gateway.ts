import { channel, empty, returns } from './spec';

export const GATEWAY_CHANNELS = {
  'gateway:config': channel({
    input: empty,
    output: returns<{ toml: string; apiKeys: number; projects: number }>(),
    access: 'apikey:view',
    mutates: false,
    summary: 'The gateway config this desktop renders for its clusters (key hashes only).',
  }),
};
