import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import * as k8s from '@kubernetes/client-node';
import { expect, test } from '../sandbox/playwright-fixture';
import { SHOTS, dismissToasts, removeOnlyEndpoint, signedInOnOwnServer } from './session';

/**
 * The Clusters page as a platform engineer meets it: paste the kubeconfig of a real cluster (the
 * kube sandbox: a real API server with simulated H100 and A100 nodes), choose its context, see its
 * nodes and GPUs, push the gateway config and see it synced — then create an API key and watch its
 * hash arrive in the cluster's ConfigMap on its own. Runs on its own browser-mode server and data
 * folder, so first-run.spec.ts still meets a fresh install.
 */

test.describe.configure({ mode: 'serial' });

let own: Awaited<ReturnType<typeof signedInOnOwnServer>>;
let page: Page;
let kubeconfig: string;
let keySecret: string;

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

test.beforeAll(async ({ browser, sandbox }) => {
  kubeconfig = readFileSync(sandbox.kubeconfigPath, 'utf8');
  own = await signedInOnOwnServer(browser, 'foundry-e2e-clusters-', { clipboard: true });
  page = own.page;
});

test.afterAll(async () => {
  await own?.close();
});

async function configMapToml(kube: k8s.KubeConfig): Promise<string | null> {
  try {
    const cm = await kube.makeApiClient(k8s.CoreV1Api).readNamespacedConfigMap({ name: 'foundry-gateway-config', namespace: 'foundry-system' });
    return cm.data?.['config.toml'] ?? null;
  } catch {
    return null;
  }
}

test('a kubeconfig that is not YAML, or uses an exec plugin, is explained before anything is stored', async () => {
  await page.getByTestId('nav-clusters').click();
  await expect(page.getByTestId('empty-clusters')).toBeVisible();
  await page.getByTestId('clusters-import-empty').click();
  await page.getByTestId('kubeconfig-input').fill('clusters: [oops');
  await page.getByTestId('import-read').click();
  await expect(page.getByTestId('error-alert')).toContainText('not valid YAML');

  const exec = JSON.stringify({
    apiVersion: 'v1',
    clusters: [{ name: 'eks', cluster: { server: 'https://eks.example:443' } }],
    users: [{ name: 'aws', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token'] } } }],
    contexts: [{ name: 'prod-eks', context: { cluster: 'eks', user: 'aws' } }],
  });
  await page.getByTestId('kubeconfig-input').fill(exec);
  await page.getByTestId('import-read').click();
  await expect(page.getByTestId('import-problem')).toContainText('exec plugin (aws)');
  await expect(page.getByTestId('import-problem')).toContainText('client certificates, bearer tokens and basic auth');
  await expect(page.getByTestId('import-submit')).toBeDisabled();
  await shot('clusters-01-import-problem');
  await page.keyboard.press('Escape');
});

test("importing the sandbox's kubeconfig shows its nodes and GPUs by model", async ({ sandbox }) => {
  await page.getByTestId('clusters-import-empty').click();
  await page.getByTestId('kubeconfig-input').fill(kubeconfig);
  await page.getByTestId('import-read').click();
  const row = page.getByTestId(`import-context-${sandbox.name}`);
  await expect(row).toContainText(sandbox.server);
  await expect(row).toContainText('client-certificate');
  await row.getByRole('textbox').fill('lab-gpu');
  await shot('clusters-02-import-contexts');
  await page.getByTestId('import-submit').click();
  await expect(page.getByRole('dialog')).toHaveCount(0);

  const cluster = page.getByTestId('cluster-row-lab-gpu');
  await expect(cluster.getByTestId('cluster-health')).toHaveText('Ready');
  await expect(cluster.getByTestId('cluster-nodes')).toHaveText('5/5 ready');
  await expect(cluster.getByTestId('cluster-gpus')).toContainText('16× H100-80GB-HBM3');
  await expect(cluster.getByTestId('cluster-gpus')).toContainText('8× A100-SXM4-40GB');
  await expect(cluster.getByTestId('cluster-version')).toHaveText('Kubernetes v1.33.13');
  await expect(cluster.getByTestId('cluster-gateway-state')).toHaveText('Not synced');
  const detail = page.getByTestId('cluster-detail');
  await expect(detail.getByTestId('node-row-h100-0')).toContainText('NVIDIA-H100-80GB-HBM3');
  await expect(detail.getByTestId('node-row-a100-0')).toContainText('8 / 8');
  await expect(detail.getByTestId('node-row-cpu-0')).toContainText('m6i.2xlarge');
  await dismissToasts(page);
  await shot('clusters-03-inventory');
});

test('syncing the gateway config runs as a job and the cluster shows as synced', async ({ kube }) => {
  await page.getByTestId('cluster-actions-lab-gpu').click();
  await page.getByTestId('cluster-sync').click();
  const drawer = page.getByRole('dialog', { name: 'Background jobs' });
  await expect(drawer).toContainText('Sync gateway config to lab-gpu');
  await expect(drawer.getByText('succeeded').first()).toBeVisible({ timeout: 30_000 });
  await shot('clusters-04-sync-job');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('cluster-row-lab-gpu').getByTestId('cluster-gateway-state')).toHaveText('Synced');
  await expect(page.getByTestId('cluster-gateway-sentence')).toContainText('The cluster has the current config');
  expect(await configMapToml(kube)).toContain('admin_token_file');
  // Config only, no workload installed: the live panel says nothing answers rather than showing an empty gateway.
  await expect(page.getByTestId('gateway-live')).toContainText('answered 404 for /admin/state');
  await expect(page.getByTestId('gateway-live')).toContainText('Is the gateway installed and running?');
  await dismissToasts(page);
  await shot('clusters-05-synced');
});

test("a new API key's hash reaches the synced cluster without another click", async ({ kube }) => {
  await page.getByTestId('nav-projects').click();
  await page.getByTestId('create-project').click();
  await page.getByTestId('project-form').locator('input[name=projectName]').fill('vision');
  await page.getByTestId('project-form-submit').click();
  await expect(page.getByTestId('project-row-vision')).toBeVisible();
  await page.getByTestId('nav-api-keys').click();
  await page.getByTestId('create-key').click();
  await page.getByTestId('create-key-form').locator('input[name=keyName]').fill('camera-fleet');
  await page.getByTestId('create-key-submit').click();
  const secret = (await page.getByTestId('api-key-secret').textContent())!.trim();
  keySecret = secret;
  await page.getByTestId('api-key-secret-done').click();
  const hash = createHash('sha256').update(secret).digest('hex');

  await expect.poll(async () => (await configMapToml(kube)) ?? '', { timeout: 30_000 }).toContain(hash);
  await page.getByTestId('nav-clusters').click();
  await expect(page.getByTestId('cluster-row-lab-gpu').getByTestId('cluster-gateway-state')).toHaveText('Synced');
});

test("the Playground offers the cluster's gateway and says plainly that no gateway pod answers yet", async () => {
  await page.getByTestId('nav-playground').click();
  await expect(page.getByTestId('playground-mode')).toBeVisible();
  // A cluster with a synced gateway is where the Playground opens.
  await expect(page.getByTestId('playground-cluster')).toHaveValue('lab-gpu (foundry-system) · config only');
  await page.getByTestId('playground-key').fill(keySecret);
  await page.getByTestId('playground-connect').click();
  // The config is synced but nothing runs it here (no workload installed): the API server answers for the Service.
  await expect(page.getByTestId('error-alert')).toContainText('lab-gpu has no running gateway to answer');
  await expect(page.getByTestId('error-alert')).toContainText('Check the gateway on the Clusters page');
  await dismissToasts(page);
  await shot('clusters-06-playground-cluster');
  await page.getByTestId('nav-clusters').click();
});

test('a gateway another desktop took is not overwritten; taking it back asks for the cluster name', async ({ kube }) => {
  // What a second desktop's take-over leaves in the cluster: its own ownership mark on the Secret.
  await kube.makeApiClient(k8s.CoreV1Api).patchNamespacedSecret(
    { name: 'foundry-gateway-secrets', namespace: 'foundry-system', body: { metadata: { annotations: { 'foundry.dev/owner-desktop': 'another-desktop', 'foundry.dev/owner-host': 'grace-laptop' } } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  await page.getByTestId('cluster-actions-lab-gpu').click();
  await page.getByTestId('cluster-sync').click();
  const drawer = page.getByRole('dialog', { name: 'Background jobs' });
  await expect(drawer.getByText('failed').first()).toBeVisible({ timeout: 30_000 });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('cluster-row-lab-gpu').getByTestId('cluster-gateway-state')).toHaveText('Failed');
  await page.getByTestId('cluster-row-lab-gpu').getByTestId('cluster-gateway-state').click();
  await expect(page.getByTestId('cluster-gateway-sentence')).toContainText('belongs to another Foundry desktop (grace-laptop)');
  await dismissToasts(page);
  await shot('clusters-07a-owned-elsewhere');

  await page.getByTestId('cluster-take-over').click();
  const confirm = page.getByRole('dialog', { name: 'Take over the gateway of lab-gpu' });
  await expect(confirm).toContainText('(grace-laptop)');
  await expect(confirm).toContainText('keys stop working');
  await confirm.getByTestId('confirm-name-input').fill('lab-gpu');
  await shot('clusters-07b-take-over');
  await confirm.getByTestId('confirm-name-submit').click();
  await expect(drawer.getByText('succeeded').first()).toBeVisible({ timeout: 30_000 });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('cluster-row-lab-gpu').getByTestId('cluster-gateway-state')).toHaveText('Synced');
  const secret = await kube.makeApiClient(k8s.CoreV1Api).readNamespacedSecret({ name: 'foundry-gateway-secrets', namespace: 'foundry-system' });
  expect(secret.metadata?.annotations?.['foundry.dev/owner-desktop']).not.toBe('another-desktop');
});

test('the limits store: per replica until a Redis URL is set (write-only, a bad one refused), then in the cluster; cleared again', async ({ kube }) => {
  const PASSWORD = 'ui-limits-store-password-3f9a';
  const fact = page.getByTestId('cluster-limits-store');
  await expect(fact).toContainText('Per replica');
  await expect(page.getByTestId('cluster-limits-store-sentence')).toContainText('each gateway replica counts limits and budgets on its own');

  await page.getByTestId('cluster-limits-store-edit').click();
  const form = page.getByTestId('limits-store-form');
  await form.locator('input[name=redisUrl]').fill(`http://:${PASSWORD}@redis:6379`);
  await form.getByTestId('limits-store-save').click();
  await expect(form).toContainText("uses the http scheme; the gateway's limits store speaks only Redis");
  await form.locator('input[name=redisUrl]').fill(`redis://:${PASSWORD}@redis.foundry-system.svc:6379/0`);
  await shot('clusters-08a-limits-store');
  await form.getByTestId('limits-store-save').click();
  await expect(form).toBeHidden();
  await expect(fact).toContainText('Redis (shared)');
  await expect.poll(async () => (await configMapToml(kube)) ?? '', { timeout: 30_000 }).toContain('redis_url_file = "/etc/foundry-gateway/secrets/limits-redis-url-r1"');
  const secret = await kube.makeApiClient(k8s.CoreV1Api).readNamespacedSecret({ name: 'foundry-gateway-secrets', namespace: 'foundry-system' });
  expect(Buffer.from(secret.data!['limits-redis-url-r1']!, 'base64').toString()).toContain(PASSWORD);
  expect(await page.content()).not.toContain(PASSWORD);
  await dismissToasts(page);
  await shot('clusters-08b-limits-store-set');

  await page.getByTestId('cluster-limits-store-edit').click();
  await expect(form.locator('input[name=redisUrl]')).toHaveValue('');
  await form.getByTestId('limits-store-clear').click();
  await expect(form).toBeHidden();
  await expect(fact).toContainText('Per replica');
  await expect.poll(async () => (await configMapToml(kube)) ?? '', { timeout: 30_000 }).not.toContain('redis_url_file');
});

test("the Optimizer measures an endpoint through the cluster's gateway: it asks for a gateway key, and says plainly that no gateway pod answers yet", async () => {
  // An endpoint to measure: the job times the path to the gateway first, so its engine is never called here.
  await page.getByTestId('nav-models').click();
  await page.getByTestId('add-endpoint-empty').click();
  const form = page.getByTestId('endpoint-form');
  await form.locator('input[name=endpointName]').fill('llama-edge');
  await form.locator('input[name=baseUrl]').fill('http://vllm.models.svc:8000/v1');
  await form.locator('input[name=upstreamModel]').fill('llama');
  await page.getByTestId('endpoint-form-submit').click();
  await expect(form).toBeHidden();

  // A plan to measure.
  await page.getByTestId('nav-optimizer').click();
  const model = page.getByTestId('optimizer-model');
  await model.click();
  await model.fill('Llama-3.1-8B');
  await page.getByRole('option', { name: /Llama-3\.1-8B/ }).first().click();
  const gpu = page.getByTestId('pool-gpu-0');
  await gpu.click();
  await gpu.fill('H100 SXM');
  await page.getByRole('option', { name: /^H100 SXM5/ }).first().click();
  await page.locator('input[name=pool-count-0]').fill('1');
  await page.getByTestId('optimizer-run').click();
  await expect(page.getByTestId('optimizer-recommended')).toBeVisible({ timeout: 30_000 });

  const section = page.getByTestId('optimizer-measurements');
  await section.scrollIntoViewIfNeeded();
  await expect(section.getByTestId('measure-endpoint-select')).toHaveValue('llama-edge (llama)');
  await expect(section.getByTestId('measure-endpoint-key')).toHaveCount(0);
  await section.getByTestId('measure-endpoint-through').click();
  await page.getByRole('option', { name: 'the gateway in lab-gpu' }).click();
  // Through a gateway the key is asked for, and the test cannot start without it.
  await expect(section.getByTestId('measure-endpoint-start')).toBeDisabled();
  await section.getByTestId('measure-endpoint-key').fill(keySecret);
  await page.locator('input[name=loadConcurrency]').fill('2');
  await section.getByTestId('measure-endpoint-start').click();
  // The config is synced but no gateway pod runs it here: the API server answers for the Service, and the job says so.
  await expect(section.getByTestId('error-alert')).toContainText('lab-gpu has no running gateway to answer', { timeout: 30_000 });
  await expect(section.getByTestId('measurement-row')).toHaveCount(0);
  await dismissToasts(page);
  await shot('clusters-09-optimizer-measure-through-gateway');

  await removeOnlyEndpoint(page, 'llama-edge');
  await page.getByTestId('nav-clusters').click();
});

test('removing a cluster asks for its name and says what stays in the cluster', async () => {
  await page.getByTestId('cluster-actions-lab-gpu').click();
  await page.getByTestId('cluster-remove').click();
  await expect(page.getByTestId('confirm-by-name')).toContainText('Nothing in the cluster is deleted');
  await expect(page.getByTestId('confirm-name-submit')).toBeDisabled();
  await page.getByTestId('confirm-name-input').fill('lab-gpu');
  await shot('clusters-07-remove');
  await page.getByTestId('confirm-name-submit').click();
  await expect(page.getByTestId('empty-clusters')).toBeVisible();
});
