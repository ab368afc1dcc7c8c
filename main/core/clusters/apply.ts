import { FoundryError } from '../errors';
import type { KubeClient } from './kube-client';

/**
 * Server-side apply of plain-data manifests. The REST path of each kind comes from a fixed table
 * of the kinds Foundry renders (no discovery round trip); a kind missing from it is a bug in Foundry.
 */

export type KubeObject = { apiVersion: string; kind: string; metadata: { name?: unknown; namespace?: unknown; [k: string]: unknown } } & Record<string, unknown>;

/** The field manager of everything the desktop applies to a cluster. */
export const FIELD_MANAGER = 'foundry-desktop';

interface KindInfo {
  base: string;
  plural: string;
  namespaced: boolean;
}

const KINDS: Record<string, KindInfo> = {
  'v1/Namespace': { base: '/api/v1', plural: 'namespaces', namespaced: false },
  'v1/ConfigMap': { base: '/api/v1', plural: 'configmaps', namespaced: true },
  'v1/Secret': { base: '/api/v1', plural: 'secrets', namespaced: true },
  'v1/Service': { base: '/api/v1', plural: 'services', namespaced: true },
  'v1/ServiceAccount': { base: '/api/v1', plural: 'serviceaccounts', namespaced: true },
  'apps/v1/Deployment': { base: '/apis/apps/v1', plural: 'deployments', namespaced: true },
  'policy/v1/PodDisruptionBudget': { base: '/apis/policy/v1', plural: 'poddisruptionbudgets', namespaced: true },
  'networking.k8s.io/v1/NetworkPolicy': { base: '/apis/networking.k8s.io/v1', plural: 'networkpolicies', namespaced: true },
  'autoscaling/v2/HorizontalPodAutoscaler': { base: '/apis/autoscaling/v2', plural: 'horizontalpodautoscalers', namespaced: true },
};

export function describeObject(obj: KubeObject): string {
  const ns = typeof obj.metadata.namespace === 'string' ? `${obj.metadata.namespace}/` : '';
  return `${obj.kind} ${ns}${String(obj.metadata.name)}`;
}

/** The object's REST path, e.g. /api/v1/namespaces/foundry-system/configmaps/foundry-gateway-config. */
export function objectPath(obj: KubeObject): string {
  const info = KINDS[`${obj.apiVersion}/${obj.kind}`];
  const name = obj.metadata.name;
  if (!info || typeof name !== 'string' || !name) {
    throw new FoundryError({ code: 'INTERNAL', message: `Foundry cannot apply ${obj.apiVersion} ${obj.kind} "${String(name)}".`, hint: 'This is a bug in Foundry; nothing was sent to the cluster.' });
  }
  const ns = obj.metadata.namespace;
  if (info.namespaced && (typeof ns !== 'string' || !ns)) {
    throw new FoundryError({ code: 'INTERNAL', message: `${obj.kind} "${name}" has no namespace.`, hint: 'This is a bug in Foundry; nothing was sent to the cluster.' });
  }
  const scope = info.namespaced ? `/namespaces/${encodeURIComponent(ns as string)}` : '';
  return `${info.base}${scope}/${info.plural}/${encodeURIComponent(name)}`;
}

export interface ApplyOptions {
  /** Take over fields another manager set (Foundry owns these objects; a hand edit is drift to undo). */
  force: boolean;
  signal?: AbortSignal;
}

/** Applies one object and returns what the API server stored. */
export function applyObject<T extends KubeObject>(client: KubeClient, obj: T, options: ApplyOptions): Promise<T> {
  return client.json<T>({
    method: 'PATCH',
    path: objectPath(obj),
    query: { fieldManager: FIELD_MANAGER, force: options.force ? 'true' : undefined },
    contentType: 'application/apply-patch+yaml',
    body: obj,
    action: `apply ${describeObject(obj)}`,
    signal: options.signal,
  });
}

/** Applies objects in order (namespaces before what lives in them); stops at the first failure. */
export async function applyAll(client: KubeClient, objects: KubeObject[], options: ApplyOptions): Promise<KubeObject[]> {
  const stored: KubeObject[] = [];
  for (const obj of objects) stored.push(await applyObject(client, obj, options));
  return stored;
}
