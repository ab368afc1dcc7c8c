/**
 * The config schema as JSON Schema (draft 2020-12), generated from the same zod schema the gateway
 * validates with, for editors and CI linters (Taplo / Even Better TOML read it via a `#:schema`
 * line). It describes the shape; a few checks only code can make (regex safety, CA bundles, files
 * that must exist) still happen when the gateway loads the config.
 */
import { z } from 'zod';
import { gatewayConfigSchema } from './schema';

export function gatewayConfigJsonSchema(): Record<string, unknown> {
  // 'input': what a user writes (defaults optional). Dates are TOML datetimes, which JSON Schema
  // cannot name: they come out unconstrained rather than failing the export.
  const schema = z.toJSONSchema(gatewayConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    title: 'Foundry gateway config',
    description: 'The gateway TOML (gateway/README.md, "Config reference"). Unknown keys are errors; secrets are referenced by *_file or *_env, never inline.',
    ...schema,
  };
}
