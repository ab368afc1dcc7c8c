/** The gateway's public config surface: main/core may import this module (and only this one). */
export { parseGatewayConfig, validateGatewayConfig, renderGatewayConfigToml, formatPath, type ConfigResult } from './parse';
export { gatewayConfigSchema, type GatewayConfig, type GatewayConfigInput, type ModelConfig, type ProviderConfig, type TargetConfig, type ApiKeyConfig, type GuardrailProfileConfig, type CacheConfig, type ObjectStoreConfig, PII_KINDS } from './schema';
