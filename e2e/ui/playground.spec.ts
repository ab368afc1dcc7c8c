import { expect, test, type Page } from '@playwright/test';
import { SHOTS, signedInOnSharedServer } from './session';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../fixtures/vllm-sim';
import { apiKey, listenGateway, type Running } from '../../gateway/test-support/harness';

/**
 * The Playground as an engineer checking an endpoint uses it: a real gateway (its own app factory,
 * with the hash of a key minted here) in front of the vLLM simulator, both started by this spec on
 * 127.0.0.1; connect with the URL and key, pick the model, chat, watch the answer stream in, read
 * its stats, copy the request as curl, stop a slow answer, and see a wrong key explained.
 * Signs in as the admin first-run.spec.ts creates, or creates that admin when run alone.
 */

const key = apiKey('k-playground', 'fraud-detection');

let page: Page;
let sim: Simulator;
let gw: Running;

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  // Slow enough per token that the answer is seen streaming, fast enough to keep the spec short.
  sim = await startSimulator({ model: 'meta-llama/Llama-3.1-8B-Instruct', latency: { ttftBaseMs: 80, tpotBaseMs: 25 } });
  gw = await listenGateway({
    auth: { api_keys: [key.entry] },
    // The key's project redacts PII, so an answer can show what its guardrails did.
    projects: { 'fraud-detection': { guardrail: 'pii' } },
    guardrails: { pii: {} },
    providers: { vllm: { kind: 'openai_compatible', base_url: `${sim.url}/v1` } },
    models: { 'llama-3.1-8b': { targets: [{ provider: 'vllm', model: 'meta-llama/Llama-3.1-8B-Instruct' }] } },
  });
  page = await signedInOnSharedServer(browser, { clipboard: true });
});

test.afterAll(async () => {
  await page?.context().close();
  await gw?.close();
  await sim?.close();
});

test('a wrong key is explained and lists no models', async () => {
  await page.getByTestId('nav-playground').click();
  await expect(page.getByTestId('playground-empty')).toBeVisible();
  await page.getByTestId('playground-url').fill(gw.url);
  await page.getByTestId('playground-key').fill('fdy_not-a-real-key');
  await page.getByTestId('playground-connect').click();
  const alert = page.getByTestId('playground-endpoint').getByTestId('error-alert');
  await expect(alert).toContainText('The gateway refused the API key');
  await expect(alert).toContainText('starts with fdy_');
  await expect(page.getByTestId('playground-send')).toBeDisabled();
  await shot('31-playground-bad-key');
});

test('connecting lists the models and an answer streams in with its stats', async () => {
  await page.getByTestId('playground-key').fill(key.key);
  await page.getByTestId('playground-connect').click();
  await expect(page.getByTestId('playground-connected')).toHaveText('1 model');
  await expect(page.getByTestId('playground-model')).toHaveValue('llama-3.1-8b');
  await page.getByTestId('playground-max-tokens').fill('48');

  await page.getByTestId('playground-input').fill('Which GPU should serve an 8B model for fraud scoring?');
  await page.getByTestId('playground-send').click();
  const answer = page.getByTestId('playground-answer').last();
  // Seen mid-stream: the Stop button is up and the text grows before the stats arrive.
  await expect(page.getByTestId('playground-stop')).toBeVisible();
  await expect(answer).toHaveAttribute('data-streaming', 'false', { timeout: 15_000 });
  const text = (await answer.getByTestId('playground-answer-text').textContent()) ?? '';
  expect(text.split(/\s+/).length).toBeGreaterThan(10);
  const stats = answer.getByTestId('playground-stats');
  await expect(stats.getByTestId('stat-TTFT')).toContainText(/\d+ ms/);
  await expect(stats.getByTestId('stat-tok-s')).toContainText(/tok\/s \d+\.\d/);
  await expect(stats.getByTestId('stat-tokens')).toContainText('→ 48');
  await expect(stats.getByTestId('stat-gateway')).toContainText('ms');

  await stats.getByTestId('copy-curl').click();
  await expect(stats.getByTestId('copy-curl')).toHaveText('Copied');
  const curl = await page.evaluate(() => navigator.clipboard.readText());
  expect(curl).toContain(`${gw.url}/v1/chat/completions`);
  expect(curl).toContain('$FOUNDRY_API_KEY');
  expect(curl).not.toContain(key.key);

  await page.getByTestId('playground-input').fill('And for the 70B one?');
  await page.getByTestId('playground-send').click();
  await expect(page.getByTestId('playground-answer').last()).toHaveAttribute('data-streaming', 'false', { timeout: 15_000 });
  await page.mouse.move(0, 0);
  await shot('30-playground');
});

test("an answer says what the project's guardrails did to it", async () => {
  await page.getByTestId('playground-input').fill('Flag the account of jane.doe@bank.example, please.');
  await page.getByTestId('playground-send').click();
  const answer = page.getByTestId('playground-answer').last();
  await expect(answer).toHaveAttribute('data-streaming', 'false', { timeout: 15_000 });
  await expect(answer.getByTestId('playground-stats').getByTestId('stat-guardrails')).toHaveText('guardrails redacted pii.email (prompt)');
  await page.mouse.move(0, 0);
  await shot('33-playground-guardrails');
  // An answer the guardrails left alone says nothing about them.
  const before = await page.getByTestId('playground-answer').count();
  expect(await page.getByTestId('playground-answer').nth(before - 2).getByTestId('stat-guardrails').count()).toBe(0);
});

test('Stop ends a slow answer and Clear empties the conversation', async () => {
  sim.setFault({ kind: 'slow_stream', delayMs: 150, times: 1 });
  await page.getByTestId('playground-input').fill('Tell me a long story.');
  await page.getByTestId('playground-send').click();
  const answer = page.getByTestId('playground-answer').last();
  await expect(answer.getByTestId('playground-answer-text')).not.toHaveText('…');
  await page.getByTestId('playground-stop').click();
  await expect(answer).toHaveAttribute('data-streaming', 'false');
  await expect(answer.getByTestId('playground-stats')).toContainText('stopped');
  await shot('32-playground-stopped');
  await page.getByTestId('playground-clear').click();
  await expect(page.getByTestId('playground-empty')).toBeVisible();
});
