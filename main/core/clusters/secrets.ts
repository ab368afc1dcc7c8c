import { randomToken } from '../access/tokens';
import type { Vault } from '../vault/vault';

/**
 * The gateway admin token of each cluster: generated once by the desktop, kept only in the vault
 * and in the cluster's Secret, sent to the gateway through the service proxy.
 */
export const GATEWAY_ADMIN_TOKEN_KIND = 'gateway-admin-token';

export async function gatewayAdminToken(vault: Vault, clusterId: string): Promise<string> {
  const existing = vault.list(GATEWAY_ADMIN_TOKEN_KIND).find((s) => s.name === clusterId);
  if (existing) return (await vault.get(existing.id)).toString('utf8');
  const token = randomToken(32);
  await vault.put(GATEWAY_ADMIN_TOKEN_KIND, clusterId, token);
  return token;
}
