import type { GatewayConfigInput } from '../../../gateway/src/config/index';
import { parseGatewayConfig } from '../../../gateway/src/config/index';
import { listenGateway, secretsFrom, type Running } from '../../../gateway/test-support/harness';
import type { KubeClient } from '../clusters/kube-client';
import { putBehindGatewayService } from '../clusters/testing';
import { SECRETS_MOUNT } from './render';
import { GATEWAY_CONFIGMAP, GATEWAY_NAME, GATEWAY_SECRET } from './sync-objects';

/**
 * For tests against the kube sandbox, which runs no containers: what the kubelet would do with the gateway Foundry
 * synced into a cluster. Starts a gateway process on this machine with exactly the synced ConfigMap and every file
 * of the synced Secret at its mount path, and puts it behind the gateway Service (the sandbox's dialer sends the
 * pod's traffic to it). `adjust` may change the config first (a test without deployments points a model somewhere).
 */
export async function runSyncedGateway(kube: KubeClient, namespace: string, adjust: (config: GatewayConfigInput) => GatewayConfigInput = (c) => c): Promise<Running> {
  const cm = await kube.getOrNull<{ data: Record<string, string> }>(`/api/v1/namespaces/${namespace}/configmaps/${GATEWAY_CONFIGMAP}`, 'read config');
  if (!cm) throw new Error(`no ${GATEWAY_CONFIGMAP} in ${namespace}: sync the gateway first`);
  const parsed = parseGatewayConfig(cm.data['config.toml']!);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const secret = await kube.getOrNull<{ data?: Record<string, string> }>(`/api/v1/namespaces/${namespace}/secrets/${GATEWAY_SECRET}`, 'read secret');
  const files = Object.fromEntries(Object.entries(secret?.data ?? {}).map(([name, b64]) => [`${SECRETS_MOUNT}/${name}`, Buffer.from(b64, 'base64').toString('utf8')]));
  const config = adjust(parsed.value as GatewayConfigInput);
  // On this machine, not in a pod: loopback and a free port instead of the manifest's 0.0.0.0:8080.
  const gateway = await listenGateway({ ...config, server: { ...config.server, host: '127.0.0.1', port: 0 } }, secretsFrom(files));
  await putBehindGatewayService(kube, namespace, GATEWAY_NAME, gateway.url);
  return gateway;
}
