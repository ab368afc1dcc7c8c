/** Builds a provider from its config and its resolved key (the key never comes from the TOML). */
import type { ProviderConfig } from '../config/schema';
import { AnthropicProvider } from './anthropic';
import { AzureOpenAIProvider } from './azure';
import { OpenAICompatibleProvider } from './openai-compatible';
import type { Provider } from './types';

export type { Provider, Operation, Usage, StreamTranslator } from './types';

export function createProvider(name: string, cfg: ProviderConfig, apiKey: string | undefined): Provider {
  switch (cfg.kind) {
    case 'openai_compatible':
    case 'openai':
      return new OpenAICompatibleProvider({ name, kind: cfg.kind, baseUrl: cfg.base_url, apiKey });
    case 'azure':
      return new AzureOpenAIProvider(name, cfg.base_url, cfg.api_version!, apiKey);
    case 'anthropic':
      return new AnthropicProvider(name, cfg.base_url, apiKey, cfg.api_version);
  }
}
