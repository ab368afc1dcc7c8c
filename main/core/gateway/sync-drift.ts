import type { KubeClient } from '../clusters/kube-client';
import { FIELD_MANAGER } from '../clusters/apply';
import type { DriftedObject } from '../clusters/store';
import { DATA_HASH_ANNOTATION, GATEWAY_CONFIGMAP, GATEWAY_SECRET, secretDataHash, sha256 } from './sync-objects';

/**
 * Drift: someone changed, in the cluster, what Foundry applied there (kubectl edit, a GitOps tool,
 * another desktop with different keys). The ConfigMap's TOML is compared with the hash Foundry
 * recorded when it applied it; the Secret's data with the hash annotation Foundry wrote on it.
 * The field managers that own data in a changed object say who did it.
 */

interface LiveObject {
  metadata?: {
    annotations?: Record<string, string>;
    managedFields?: { manager?: string; fieldsV1?: Record<string, unknown> }[];
  };
  data?: Record<string, string>;
}

function otherEditors(obj: LiveObject): string[] {
  const editors = new Set<string>();
  for (const entry of obj.metadata?.managedFields ?? []) {
    if (entry.manager && entry.manager !== FIELD_MANAGER && entry.fieldsV1 && ('f:data' in entry.fieldsV1 || 'f:binaryData' in entry.fieldsV1)) editors.add(entry.manager);
  }
  return [...editors].sort();
}

const decode = (data: Record<string, string> = {}) => Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));

/** Reads the gateway's ConfigMap and Secret; returns the objects that differ from what was applied (empty: no drift). */
export async function detectGatewayDrift(client: KubeClient, namespace: string, appliedConfigHash: string, signal?: AbortSignal): Promise<DriftedObject[]> {
  const base = `/api/v1/namespaces/${encodeURIComponent(namespace)}`;
  const [cm, secret] = await Promise.all([
    client.getOrNull<LiveObject>(`${base}/configmaps/${GATEWAY_CONFIGMAP}`, `read ConfigMap ${namespace}/${GATEWAY_CONFIGMAP}`, signal),
    client.getOrNull<LiveObject>(`${base}/secrets/${GATEWAY_SECRET}`, `read Secret ${namespace}/${GATEWAY_SECRET}`, signal),
  ]);
  const drift: DriftedObject[] = [];
  if (!cm) drift.push({ kind: 'ConfigMap', name: GATEWAY_CONFIGMAP, state: 'missing', editedBy: [] });
  else if (sha256(cm.data?.['config.toml'] ?? '') !== appliedConfigHash) drift.push({ kind: 'ConfigMap', name: GATEWAY_CONFIGMAP, state: 'modified', editedBy: otherEditors(cm) });
  if (!secret) drift.push({ kind: 'Secret', name: GATEWAY_SECRET, state: 'missing', editedBy: [] });
  else if (secretDataHash(decode(secret.data)) !== secret.metadata?.annotations?.[DATA_HASH_ANNOTATION]) {
    drift.push({ kind: 'Secret', name: GATEWAY_SECRET, state: 'modified', editedBy: otherEditors(secret) });
  }
  return drift;
}

export function describeDrift(drift: DriftedObject[]): string {
  return drift
    .map((d) => `${d.kind} ${d.name} ${d.state === 'missing' ? 'was deleted' : `was changed${d.editedBy.length ? ` by ${d.editedBy.join(', ')}` : ''}`}`)
    .join('; ');
}
