/**
 * Renders the gateway's Kubernetes objects as plain data for main/core to server-side apply.
 * Pure: no I/O, no clock. The bundle ships gzipped in a ConfigMap (1 MiB limit) and an init
 * container unpacks it, so a stock Node image is all the cluster needs. Config changes reach
 * pods by hot reload (no restart); a new bundle changes the pod template hash and rolls them.
 */
import { createHash } from 'node:crypto';
import { parseGatewayConfig } from './config';

export interface GatewayManifestOptions {
  namespace?: string;
  name?: string;
  /** Stock Node 20 image; configurable for mirrored, air-gapped registries. */
  image?: string;
  replicas?: number;
  maxReplicas?: number;
  /** HPA target: average requests/s per pod (needs a custom-metrics adapter), plus CPU. */
  targetRequestsPerSecond?: number;
  targetCpuPercent?: number;
  port?: number;
  configToml: string;
  /** gzip of out/gateway/gateway.js (the build writes gateway.js.gz). */
  bundleGz: Uint8Array;
  /** Secret with provider keys, admin token, JWT secrets; mounted read-only at /etc/foundry-gateway/secrets. */
  secretName?: string;
  /** Namespaces whose pods may call the gateway; empty means every namespace. */
  clientNamespaces?: string[];
  shutdownGraceSeconds?: number;
  /**
   * A ReadWriteMany PersistentVolumeClaim for a `kind = "volume"` object store: mounted read-write
   * at the config's object_store.path in every replica (any replica serves any replica's image URLs).
   */
  imagesVolumeClaim?: string;
}

export type Manifest = { apiVersion: string; kind: string; metadata: Record<string, unknown> } & Record<string, unknown>;

export type ManifestResult = { ok: true; objects: Manifest[] } | { ok: false; errors: string[] };

const CONFIGMAP_LIMIT = 1024 * 1024;

const UNPACK = "const z=require('zlib'),f=require('fs');f.writeFileSync('/app/gateway.js',z.gunzipSync(f.readFileSync('/bundle/gateway.js.gz')))";

export function renderGatewayManifests(o: GatewayManifestOptions): ManifestResult {
  const ns = o.namespace ?? 'foundry-system';
  const name = o.name ?? 'foundry-gateway';
  const replicas = o.replicas ?? 2;
  const port = o.port ?? 8080;
  const bundle = Buffer.from(o.bundleGz).toString('base64');
  const errors: string[] = [];
  if (replicas < 2) errors.push('replicas: must be >= 2 so a rollout or node drain never takes the gateway down');
  if ((o.maxReplicas ?? replicas * 4) < replicas) errors.push('maxReplicas: must be >= replicas');
  if (bundle.length > CONFIGMAP_LIMIT) errors.push(`bundleGz: ${bundle.length} bytes base64 exceeds the ConfigMap limit`);
  if (Buffer.byteLength(o.configToml) > CONFIGMAP_LIMIT) errors.push('configToml: exceeds the ConfigMap limit');
  // A volume object store needs the same volume in every replica; the path comes from the config.
  const parsed = parseGatewayConfig(o.configToml);
  const store = parsed.ok ? parsed.value.object_store : undefined;
  const imagesPath = store?.kind === 'volume' ? store.path : undefined;
  if (imagesPath && !o.imagesVolumeClaim) errors.push(`imagesVolumeClaim: the config stores images on a volume at ${imagesPath}; name a ReadWriteMany PersistentVolumeClaim to mount there`);
  if (o.imagesVolumeClaim && !imagesPath) errors.push('imagesVolumeClaim: the config has no object_store of kind "volume" to mount it for');
  if (errors.length) return { ok: false, errors };

  const labels = { 'app.kubernetes.io/name': 'foundry-gateway', 'app.kubernetes.io/instance': name, 'app.kubernetes.io/managed-by': 'foundry' };
  const meta = (n: string) => ({ name: n, namespace: ns, labels });
  const bundleHash = createHash('sha256').update(o.bundleGz).digest('hex').slice(0, 16);
  const grace = o.shutdownGraceSeconds ?? 30;
  const probe = (path: string) => ({ httpGet: { path, port: 'http' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 });
  const securityContext = { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };

  const objects: Manifest[] = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(`${name}-config`), data: { 'config.toml': o.configToml } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...meta(`${name}-bundle`), annotations: { 'foundry.dev/bundle-sha256': bundleHash } }, binaryData: { 'gateway.js.gz': bundle } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name),
      spec: {
        replicas,
        selector: { matchLabels: { 'app.kubernetes.io/instance': name } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels, annotations: { 'foundry.dev/bundle-sha256': bundleHash, 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port) } },
          spec: {
            terminationGracePeriodSeconds: grace + 10,
            automountServiceAccountToken: false,
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/instance': name } } }],
            initContainers: [{ name: 'unpack', image: o.image ?? 'node:20-alpine', command: ['node', '-e', UNPACK], securityContext, volumeMounts: [{ name: 'bundle', mountPath: '/bundle', readOnly: true }, { name: 'app', mountPath: '/app' }] }],
            containers: [
              {
                name: 'gateway',
                image: o.image ?? 'node:20-alpine',
                command: ['node', '/app/gateway.js', '--config', '/etc/foundry-gateway/config', '--port', String(port)],
                ports: [{ name: 'http', containerPort: port }],
                env: [{ name: 'NODE_ENV', value: 'production' }],
                readinessProbe: probe('/readyz'),
                livenessProbe: { ...probe('/healthz'), failureThreshold: 6 },
                // Give endpoints time to drop this pod before it stops accepting connections.
                lifecycle: { preStop: { exec: { command: ['node', '-e', 'setTimeout(()=>{},5000)'] } } },
                resources: { requests: { cpu: '500m', memory: '256Mi' }, limits: { memory: '1Gi' } },
                securityContext,
                volumeMounts: [
                  { name: 'app', mountPath: '/app', readOnly: true },
                  { name: 'config', mountPath: '/etc/foundry-gateway/config', readOnly: true },
                  ...(o.secretName ? [{ name: 'secrets', mountPath: '/etc/foundry-gateway/secrets', readOnly: true }] : []),
                  ...(imagesPath ? [{ name: 'images', mountPath: imagesPath }] : []),
                ],
              },
            ],
            volumes: [
              { name: 'bundle', configMap: { name: `${name}-bundle` } },
              { name: 'app', emptyDir: { sizeLimit: '32Mi' } },
              { name: 'config', configMap: { name: `${name}-config` } },
              ...(o.secretName ? [{ name: 'secrets', secret: { secretName: o.secretName } }] : []),
              ...(imagesPath ? [{ name: 'images', persistentVolumeClaim: { claimName: o.imagesVolumeClaim } }] : []),
            ],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: meta(name), spec: { type: 'ClusterIP', selector: { 'app.kubernetes.io/instance': name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta(name), spec: { minAvailable: 1, selector: { matchLabels: { 'app.kubernetes.io/instance': name } } } },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(name),
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/instance': name } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: o.clientNamespaces?.length
              ? o.clientNamespaces.map((n) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': n } } }))
              : [{ namespaceSelector: {} }],
            ports: [{ protocol: 'TCP', port }],
          },
        ],
      },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta(name),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: replicas,
        maxReplicas: o.maxReplicas ?? replicas * 4,
        metrics: [
          { type: 'Pods', pods: { metric: { name: 'foundry_gateway_requests_per_second' }, target: { type: 'AverageValue', averageValue: String(o.targetRequestsPerSecond ?? 500) } } },
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: o.targetCpuPercent ?? 70 } } },
        ],
      },
    },
  ];
  return { ok: true, objects };
}
