/**
 * The gateway's public config surface: main/core may import this module and, for dry runs of a
 * guardrail profile, ../guardrails/index.ts; nothing else of the gateway.
 */
export { parseGatewayConfig, validateGatewayConfig, renderGatewayConfigToml, formatPath, type ConfigResult } from './parse';
export { checkBacktracking, type RegexVerdict } from './regex/safety';
export { checkCaBundle, CA_BUNDLE_MAX_BYTES, type CaBundleResult, type CaCertificate } from './ca-bundle';
export { gatewayConfigSchema, guardrailProfileSchema, type GatewayConfig, type GatewayConfigInput, type ModelConfig, type ProviderConfig, type TargetConfig, type ApiKeyConfig, type GuardrailProfileConfig, type CacheConfig, type ObjectStoreConfig, PII_KINDS } from './schema';
