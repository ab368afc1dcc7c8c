import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FoundryError } from '../errors';

/**
 * The bundled gateway (gzip of out/gateway/gateway.js) that an install ships to a cluster in a
 * ConfigMap. Looked up where the build puts it, relative to the running code and to the working
 * folder; FOUNDRY_GATEWAY_BUNDLE overrides both.
 */
export function gatewayBundleCandidates(explicit?: string): string[] {
  if (explicit) return [explicit];
  if (process.env.FOUNDRY_GATEWAY_BUNDLE) return [process.env.FOUNDRY_GATEWAY_BUNDLE];
  return [
    resolve(__dirname, '../gateway/gateway.js.gz'), // out/web, out/cli, out/main → out/gateway
    resolve(__dirname, '../../../out/gateway/gateway.js.gz'), // main/core/gateway in a source checkout
    resolve(process.cwd(), 'out/gateway/gateway.js.gz'),
  ];
}

export function loadGatewayBundle(explicit?: string): Uint8Array {
  const candidates = gatewayBundleCandidates(explicit);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new FoundryError({
      code: 'FAILED_PRECONDITION',
      message: 'The gateway bundle to install is missing.',
      hint: `Build it with \`npm run build:gateway\` (looked in ${candidates.join(', ')}).`,
    });
  }
  return readFileSync(found);
}
