import { createHash } from 'node:crypto';
import { renderGatewayConfigToml, validateGatewayConfig, type GatewayConfigInput } from '../../../gateway/src/config/index';
import { renderGatewayManifests } from '../../../gateway/src/manifests';
import { FoundryError } from '../errors';
import { canonicalJson } from '../audit/canonical';
import type { Db } from '../store/db';
import type { KubeObject } from '../clusters/apply';
import { ownerAnnotations, type DesktopIdentity } from './ownership';
import { renderGatewayConfig, SECRETS_MOUNT } from './render';
import { limitsStoreSecret, type LimitsStoreSecret } from '../clusters/limits-store';

/**
 * What the desktop keeps in each cluster for its gateway: the namespace, a Secret with the admin
 * token, the API-key hashes, the endpoints' provider keys (one data key per key file the config
 * names), the Redis URL of the cluster's limits store when it has one, and the endpoints' CA bundles, and the ConfigMap with the rendered TOML, which is the same object
 * (name, labels, key) that the gateway's own manifests mount, so a plain sync and an install never
 * fight over it. With `install`, the gateway workload from gateway/src/manifests.ts is added.
 */

export const GATEWAY_NAME = 'foundry-gateway';
export const GATEWAY_CONFIGMAP = `${GATEWAY_NAME}-config`;
export const GATEWAY_SECRET = `${GATEWAY_NAME}-secrets`;
export const ADMIN_TOKEN_KEY = 'admin-token';
export const API_KEYS_KEY = 'api-keys.json';
/** Written on both objects: SHA-256 of the data Foundry applied, so an edit in the cluster shows as a mismatch. */
export const DATA_HASH_ANNOTATION = 'foundry.dev/data-sha256';
export const CONFIG_HASH_ANNOTATION = 'foundry.dev/config-sha256';

const LABELS = { 'app.kubernetes.io/managed-by': 'foundry', 'app.kubernetes.io/part-of': 'foundry' };

export interface DesiredGatewayConfig {
  toml: string;
  /** SHA-256 of the TOML: what "out of date" and drift compare against. */
  configHash: string;
  /** The key hashes as the Secret carries them (what a second desktop adopting the cluster reads). */
  apiKeys: { id: string; hash: string; project: string; revoked: boolean; expires_at?: string }[];
  /** Secret data key → vault secret id of each secret file the config names (provider keys, JWT secret, Redis URL), resolved at sync time. */
  providerKeys: Record<string, string>;
  /** Secret data key → PEM of each provider CA bundle the config names. */
  caFiles: Record<string, string>;
  /** Where the cluster's replicas count limits: each in memory, or together in the cluster's Redis. */
  limitsBackend: 'memory' | 'redis';
}

export const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/**
 * The part of the config every cluster gets alike (projects, keys, guardrails, endpoints, JWT),
 * rendered once per job or listing; `input` is what clusterGatewayConfig adds a cluster's own part to.
 */
export interface SharedGatewayConfig extends DesiredGatewayConfig {
  input: GatewayConfigInput;
}

function checked(input: GatewayConfigInput): string {
  const result = validateGatewayConfig(input);
  if (!result.ok) {
    throw new FoundryError({ code: 'INTERNAL', message: `The gateway config is not valid: ${result.errors.join('; ')}`, hint: 'This is a bug in Foundry; nothing was sent to any cluster.' });
  }
  return renderGatewayConfigToml(input);
}

export function sharedGatewayConfig(db: Db): SharedGatewayConfig {
  const { config, secretFiles, caFiles } = renderGatewayConfig(db);
  // The gateway guards its admin endpoints with the token mounted from the Secret.
  const input: GatewayConfigInput = { ...config, server: { ...config.server, admin_token_file: `${SECRETS_MOUNT}/${ADMIN_TOKEN_KEY}` } };
  const toml = checked(input);
  const apiKeys = (config.auth?.api_keys ?? []).map((k) => ({
    id: k.id,
    hash: k.hash,
    project: k.project,
    revoked: k.revoked ?? false,
    ...(k.expires_at ? { expires_at: k.expires_at instanceof Date ? k.expires_at.toISOString() : String(k.expires_at) } : {}),
  }));
  return { input, toml, configHash: sha256(toml), apiKeys, providerKeys: secretFiles, caFiles, limitsBackend: 'memory' };
}

/** The Secret data key of a cluster's Redis URL: named by revision, so a new URL is a new config and gateways reload. */
export const limitsRedisUrlKey = (revision: number) => `limits-redis-url-r${revision}`;

/**
 * One cluster's config: the shared part, plus `[limits]` on Redis when the cluster has a limits
 * store (its URL a file in the cluster's own Secret). Without one the config is the shared one,
 * and its replicas count limits each in memory.
 */
export function clusterGatewayConfig(shared: SharedGatewayConfig, store: LimitsStoreSecret | undefined): DesiredGatewayConfig {
  const { input, ...plain } = shared;
  if (!store) return plain;
  const key = limitsRedisUrlKey(store.revision);
  const toml = checked({ ...input, limits: { backend: 'redis', redis_url_file: `${SECRETS_MOUNT}/${key}` } });
  return { ...plain, toml, configHash: sha256(toml), providerKeys: { ...plain.providerKeys, [key]: store.secretId }, limitsBackend: 'redis' };
}

/** Renders the shared part once; each call then gives one cluster's desired config. */
export function desiredGatewayConfigs(db: Db): (clusterId: string) => DesiredGatewayConfig {
  const shared = sharedGatewayConfig(db);
  return (clusterId) => clusterGatewayConfig(shared, limitsStoreSecret(db, clusterId));
}

/** A cluster's desired config; without a cluster, the shared part (what `foundry gateway config` prints by default). */
export function desiredGatewayConfig(db: Db, clusterId?: string): DesiredGatewayConfig {
  const shared = sharedGatewayConfig(db);
  return clusterGatewayConfig(shared, clusterId === undefined ? undefined : limitsStoreSecret(db, clusterId));
}

export interface SyncTarget {
  namespace: string;
  adminToken: string;
  /** Secret data key → plaintext provider key, for every entry of DesiredGatewayConfig.providerKeys. */
  providerKeys: Record<string, string>;
  /** The desktop writing the objects; marked on them so no other desktop overwrites them unasked. */
  owner: DesktopIdentity;
}

/** The API server refuses a Secret whose data adds up to more than 1 MiB (decoded bytes). */
export const SECRET_DATA_LIMIT = 1024 * 1024;

function checkSecretSize(plain: Record<string, string>): void {
  const sizes = Object.entries(plain).map(([k, v]) => [k, Buffer.byteLength(v, 'utf8')] as const);
  const total = sizes.reduce((n, [, b]) => n + b, 0);
  if (total <= SECRET_DATA_LIMIT) return;
  const largest = [...sizes].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, b]) => `${k} ${(b / 1024).toFixed(0)} KiB`);
  throw new FoundryError({
    code: 'FAILED_PRECONDITION',
    message: `The gateway Secret would hold ${(total / 1024).toFixed(0)} KiB, over the 1024 KiB Kubernetes allows in one Secret (largest: ${largest.join(', ')}).`,
    hint: 'Remove CA bundles that endpoints do not need (one bundle per internal CA is enough), or revoke API keys that are no longer used; nothing was sent to the cluster.',
  });
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

export function secretDataHash(data: Record<string, string>): string {
  return sha256(canonicalJson(data));
}

/** The gateway's ConfigMap exactly as its manifests define it, plus Foundry's hash annotations. */
function configMap(desired: DesiredGatewayConfig, namespace: string, owner: DesktopIdentity): KubeObject {
  const rendered = renderGatewayManifests({ namespace, configToml: desired.toml, bundleGz: new Uint8Array(0), secretName: GATEWAY_SECRET });
  if (!rendered.ok) throw new FoundryError({ code: 'FAILED_PRECONDITION', message: `The gateway config cannot be shipped: ${rendered.errors.join('; ')}` });
  const cm = rendered.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === GATEWAY_CONFIGMAP)!;
  return withHashes(cm as KubeObject, desired.configHash, secretDataHash({ 'config.toml': desired.toml }), owner);
}

function withHashes(obj: KubeObject, configHash: string, dataHash: string, owner: DesktopIdentity): KubeObject {
  const meta = obj.metadata as { labels?: Record<string, string>; annotations?: Record<string, string> };
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      labels: { ...meta.labels, ...LABELS },
      annotations: { ...meta.annotations, ...ownerAnnotations(owner), [CONFIG_HASH_ANNOTATION]: configHash, [DATA_HASH_ANNOTATION]: dataHash },
    },
  };
}

/** Namespace, Secret, ConfigMap: what a sync applies, in apply order. */
export function gatewaySyncObjects(desired: DesiredGatewayConfig, target: SyncTarget): KubeObject[] {
  const missing = Object.keys(desired.providerKeys).filter((k) => target.providerKeys[k] === undefined);
  if (missing.length) throw new FoundryError({ code: 'INTERNAL', message: `Provider keys were not resolved for ${missing.join(', ')}.`, hint: 'This is a bug in Foundry; nothing was sent to the cluster.' });
  const plain = { [ADMIN_TOKEN_KEY]: target.adminToken, [API_KEYS_KEY]: JSON.stringify(desired.apiKeys), ...target.providerKeys, ...desired.caFiles };
  checkSecretSize(plain);
  const secret: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: GATEWAY_SECRET, namespace: target.namespace },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, b64(v)])),
  };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: target.namespace, labels: LABELS } },
    withHashes(secret, desired.configHash, secretDataHash(plain), target.owner),
    configMap(desired, target.namespace, target.owner),
  ];
}

export interface InstallOptions {
  /** gzip of the bundled gateway (out/gateway/gateway.js.gz). */
  bundleGz: Uint8Array;
  /** Node 20 image, for mirrored registries. */
  image?: string;
}

/** A sync plus the gateway workload (bundle ConfigMap, Deployment, Service, PDB, NetworkPolicy, HPA). */
export function gatewayInstallObjects(desired: DesiredGatewayConfig, target: SyncTarget, install: InstallOptions): KubeObject[] {
  const rendered = renderGatewayManifests({ namespace: target.namespace, configToml: desired.toml, bundleGz: install.bundleGz, secretName: GATEWAY_SECRET, image: install.image });
  if (!rendered.ok) throw new FoundryError({ code: 'FAILED_PRECONDITION', message: `The gateway cannot be installed: ${rendered.errors.join('; ')}` });
  const base = gatewaySyncObjects(desired, target);
  const workload = rendered.objects.filter((o) => !(o.kind === 'ConfigMap' && o.metadata.name === GATEWAY_CONFIGMAP)) as KubeObject[];
  return [...base, ...workload];
}
