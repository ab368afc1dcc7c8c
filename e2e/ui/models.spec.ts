import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../fixtures/vllm-sim';
import { createTestCa, issueServerCert, startTlsUpstream, type TestCert, type TlsUpstream } from '../../gateway/test-support/test-ca';
import { SHOTS, dismissToasts, signedInOnSharedServer } from './session';

/**
 * The Models page as a platform engineer registers a private endpoint: from the honest empty state,
 * add a vLLM server (the simulator, started here with its own key checked) — a URL carrying
 * credentials is refused at its field first — test it and see its models and latency, replace the
 * key with a wrong one and see the refusal explained, then remove it by typing its name.
 * Signs in as the admin first-run.spec.ts creates, or creates that admin when run alone.
 */

const SIM_KEY = `vllm-${Math.random().toString(36).slice(2)}-key`;
const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const NAME = 'llama-8b-private';
let page: Page;
let sim: Simulator;
let ca: TestCert;
let tls: TlsUpstream;

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  sim = await startSimulator({ model: MODEL, apiKey: SIM_KEY, zeroDelay: true });
  ca = createTestCa({ commonName: 'Acme Internal Root' });
  tls = await startTlsUpstream(issueServerCert(ca));
  page = await signedInOnSharedServer(browser);
});

test.afterAll(async () => {
  await page?.context().close();
  await sim?.close();
  await tls?.close();
});

test('with no endpoints, the page says what belongs here and offers the first one', async () => {
  await page.getByTestId('nav-models').click();
  await expect(page).toHaveURL(/#\/models$/);
  const empty = page.getByTestId('endpoints-table').getByTestId('table-empty');
  await expect(empty).toContainText('No endpoints yet');
  await expect(empty).toContainText('until there is one, the gateways route nothing');
  await shot('50-models-empty');
});

test('a private endpoint is added; a URL with credentials is refused at its field first', async () => {
  await page.getByTestId('add-endpoint-empty').click();
  const form = page.getByTestId('endpoint-form');
  await form.locator('input[name=endpointName]').fill(NAME);
  await form.locator('input[name=baseUrl]').fill(`http://admin:hunter2@${new URL(sim.url).host}/v1`);
  await form.locator('input[name=upstreamModel]').fill(MODEL);
  await form.locator('input[name=apiKey]').fill(SIM_KEY);
  await shot('51a-models-form');
  await page.getByTestId('endpoint-form-submit').click();
  await expect(form.getByTestId('error-alert')).toContainText('The endpoint was not added');
  await expect(form).toContainText("must not carry a user name or password: the URL is written into every cluster's gateway ConfigMap in clear");
  await shot('51-models-field-error');

  await form.locator('input[name=baseUrl]').fill(`${sim.url}/v1`);
  await page.getByTestId('endpoint-form-submit').click();
  await expect(form).toBeHidden();
  const row = page.getByTestId(`endpoint-row-${NAME}`);
  await expect(row).toContainText('OpenAI-compatible');
  await expect(row).toContainText(`${sim.url}/v1`);
  await expect(row).toContainText(MODEL);
  await expect(row.getByTestId('key-set')).toHaveText('Set');
  await expect(row).toContainText('All projects');
  await expect(row).toContainText('Not tested');
  // The key is nowhere on the page once saved.
  expect(await page.content()).not.toContain(SIM_KEY);
  await dismissToasts(page);
});

test('testing it calls the simulator with the stored key and shows its models and latency', async () => {
  await page.getByTestId(`endpoint-test-${NAME}`).click();
  const result = page.getByTestId('test-result');
  await expect(result).toHaveAttribute('data-status', 'ok');
  await expect(result).toContainText(`${NAME}: reachable in`);
  await expect(result.getByTestId('test-result-models')).toHaveText(MODEL);
  await expect(page.getByTestId(`endpoint-row-${NAME}`).getByTestId('last-test')).toContainText(/^OK · \d+ ms$/);
  await shot('52-models-tested');
});

test('the key field is write-only; a wrong key replaces it and the test explains the refusal', async () => {
  await page.getByTestId(`endpoint-actions-${NAME}`).click();
  await page.getByTestId('endpoint-edit').click();
  const form = page.getByTestId('endpoint-form');
  const key = form.locator('input[name=apiKey]');
  await expect(key).toHaveValue('');
  await expect(key).toHaveAttribute('placeholder', 'Leave empty to keep the stored key');
  await key.fill('sk-not-the-right-key');
  await page.getByTestId('endpoint-form-submit').click();
  await expect(form).toBeHidden();
  await page.getByTestId(`endpoint-test-${NAME}`).click();
  const result = page.getByTestId('test-result');
  await expect(result).toHaveAttribute('data-status', 'failed');
  await expect(result).toContainText(`${NAME}: Key refused`);
  await expect(result).toContainText('The endpoint refused the API key (HTTP 401)');
  await expect(result).toContainText('Replace the key');
  await expect(page.getByTestId(`endpoint-row-${NAME}`).getByTestId('last-test')).toHaveText('Key refused');
  await shot('53-models-key-refused');
  await dismissToasts(page);
});

test('an https endpoint behind a private CA: a server certificate is refused at the CA field, the CA is trusted, and the form shows it', async () => {
  await page.getByTestId('add-endpoint').click();
  const form = page.getByTestId('endpoint-form');
  await form.locator('input[name=endpointName]').fill('private-tls');
  await form.locator('input[name=baseUrl]').fill(`${tls.url}/v1`);
  await form.locator('input[name=upstreamModel]').fill('private-llm');
  const caField = form.getByTestId('endpoint-ca-bundle');
  await caField.fill(issueServerCert(ca).certPem);
  await page.getByTestId('endpoint-form-submit').click();
  await expect(form).toContainText('is not a certificate authority');
  await expect(caField).toHaveAttribute('aria-invalid', 'true');
  // The verdict was on the old text: editing the field takes its error away until the next save.
  await caField.fill(ca.certPem);
  await expect(caField).not.toHaveAttribute('aria-invalid', 'true');
  await shot('53b-models-ca-bundle');
  await page.getByTestId('endpoint-form-submit').click();
  await expect(form).toBeHidden();
  await page.getByTestId('endpoint-test-private-tls').click();
  const result = page.getByTestId('test-result');
  await expect(result).toHaveAttribute('data-status', 'ok');
  await expect(result.getByTestId('test-result-models')).toHaveText('private-llm');
  await dismissToasts(page);

  await page.getByTestId('endpoint-actions-private-tls').click();
  await page.getByTestId('endpoint-edit').click();
  await expect(form.getByTestId('endpoint-ca-stored')).toContainText('Trusted: Acme Internal Root');
  await expect(form.getByTestId('endpoint-ca-bundle')).toHaveValue('');
  await form.locator('input[name=clearCaBundle]').check();
  await page.getByTestId('endpoint-form-submit').click();
  await expect(form).toBeHidden();
  await page.getByTestId('endpoint-test-private-tls').click();
  await expect(result).toHaveAttribute('data-status', 'failed');
  await expect(result).toContainText('add that CA to the endpoint');
  await dismissToasts(page);

  await page.getByTestId('endpoint-actions-private-tls').click();
  await page.getByTestId('endpoint-remove').click();
  await page.getByTestId('confirm-name-input').fill('private-tls');
  await page.getByTestId('confirm-name-submit').click();
  await expect(page.getByTestId('endpoint-row-private-tls')).toBeHidden();
});

test('removing it asks for its name and says what is lost; the empty state comes back', async () => {
  await page.getByTestId(`endpoint-actions-${NAME}`).click();
  await page.getByTestId('endpoint-remove').click();
  const dialog = page.getByTestId('confirm-by-name');
  await expect(dialog).toContainText('its API key is deleted from the vault');
  await expect(page.getByTestId('confirm-name-submit')).toBeDisabled();
  await page.getByTestId('confirm-name-input').fill(NAME);
  await shot('54-models-remove');
  await page.getByTestId('confirm-name-submit').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('endpoints-table').getByTestId('table-empty')).toBeVisible();
});
