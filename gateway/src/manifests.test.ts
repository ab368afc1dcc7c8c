import { gzipSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseGatewayConfig, renderGatewayConfigToml } from './config';
import { renderGatewayManifests, type Manifest } from './manifests';

const configToml = renderGatewayConfigToml({ providers: { v: { kind: 'openai_compatible', base_url: 'http://vllm.foundry-workloads:8000/v1' } }, models: { m: { targets: [{ provider: 'v' }] } } });
const bundleGz = gzipSync(Buffer.from('console.log("gateway")'));
const byKind = (objs: Manifest[], kind: string) => objs.find((o) => o.kind === kind) as any;

describe('gateway manifests', () => {
  it('renders a Deployment with 2+ replicas, PDB, Service, ConfigMaps, NetworkPolicy and HPA', () => {
    const r = renderGatewayManifests({ configToml, bundleGz, secretName: 'foundry-gateway-secrets', clientNamespaces: ['apps'] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'PodDisruptionBudget', 'Service']);
    const dep = byKind(r.objects, 'Deployment');
    expect(dep.spec.replicas).toBe(2);
    expect(dep.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(dep.spec.template.spec.containers[0].command).toEqual(['node', '/app/gateway.js', '--config', '/etc/foundry-gateway/config', '--port', '8080']);
    expect(byKind(r.objects, 'PodDisruptionBudget').spec.minAvailable).toBe(1);
    expect(byKind(r.objects, 'HorizontalPodAutoscaler').spec.metrics[0].pods.metric.name).toBe('foundry_gateway_requests_per_second');
    expect(byKind(r.objects, 'NetworkPolicy').spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } } }]);
  });

  it('ships the config the gateway can parse and a bundle the init container can unpack', () => {
    const r = renderGatewayManifests({ configToml, bundleGz });
    if (!r.ok) throw new Error(r.errors.join());
    const cms = r.objects.filter((o) => o.kind === 'ConfigMap') as any[];
    expect(parseGatewayConfig(cms[0].data['config.toml']).ok).toBe(true);
    expect(gunzipSync(Buffer.from(cms[1].binaryData['gateway.js.gz'], 'base64')).toString()).toBe('console.log("gateway")');
  });

  it('refuses a single replica and a bundle too large for a ConfigMap', () => {
    expect(renderGatewayManifests({ configToml, bundleGz, replicas: 1 })).toEqual({ ok: false, errors: [expect.stringMatching(/^replicas: must be >= 2/)] });
    const big = renderGatewayManifests({ configToml, bundleGz: new Uint8Array(900 * 1024) });
    expect(big.ok).toBe(false);
  });

  it('is pure: the same input renders the same objects', () => {
    expect(JSON.stringify(renderGatewayManifests({ configToml, bundleGz }))).toBe(JSON.stringify(renderGatewayManifests({ configToml, bundleGz })));
  });

  it('mounts a ReadWriteMany claim at the volume object store path, and insists on one', () => {
    const withStore = renderGatewayConfigToml({ providers: { v: { kind: 'openai_compatible', base_url: 'http://v:8000/v1' } }, models: { m: { targets: [{ provider: 'v' }] } }, object_store: { kind: 'volume', path: '/var/lib/foundry-gateway/images', url_signing_key_file: '/etc/foundry-gateway/secrets/url-key' } });
    const missing = renderGatewayManifests({ configToml: withStore, bundleGz });
    expect(missing).toEqual({ ok: false, errors: [expect.stringContaining('imagesVolumeClaim: the config stores images on a volume at /var/lib/foundry-gateway/images')] });
    const r = renderGatewayManifests({ configToml: withStore, bundleGz, imagesVolumeClaim: 'gateway-images' });
    if (!r.ok) throw new Error(r.errors.join());
    const pod = byKind(r.objects, 'Deployment').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'images', persistentVolumeClaim: { claimName: 'gateway-images' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'images', mountPath: '/var/lib/foundry-gateway/images' });
    expect(renderGatewayManifests({ configToml, bundleGz, imagesVolumeClaim: 'x' }).ok).toBe(false);
  });
});
