import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { SHOTS, dismissToasts, goTo, signedInOnOwnServer } from './session';

/**
 * Gateway limits as a platform engineer sets them: a project's rates, monthly budget and body
 * logging on the Projects page (a zero and an absurd number are refused at the field, and nothing
 * changes), the limits in the table and in the gateway config the desktop renders; a key's rates at
 * creation and changed later without reissuing it; an endpoint's rates. Runs on its own
 * browser-mode server and data folder.
 */

const PROJECT = 'payments';
let own: Awaited<ReturnType<typeof signedInOnOwnServer>>;
let page: Page;

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

const go = (route: string) => goTo(page, route);

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  own = await signedInOnOwnServer(browser, 'foundry-e2e-limits-');
  page = own.page;
  await go('projects');
  await page.getByTestId('create-project').click();
  await page.getByTestId('project-form').locator('input[name=projectName]').fill(PROJECT);
  await page.getByTestId('project-form-submit').click();
  await page.getByTestId(`project-row-${PROJECT}`).click();
  await dismissToasts(page);
});

test.afterAll(async () => {
  await own?.close();
});

test("a project's limits and body logging: refused when wrong, shown in the table and in the gateway config when saved", async () => {
  const panel = page.getByTestId('limits-panel');
  const rpm = panel.getByTestId('project-limit-requestsPerMinute');
  await expect(page.getByTestId(`project-limits-${PROJECT}`)).toHaveText('No limits');

  await rpm.fill('0');
  await expect(panel).toContainText('must be at least 1; leave it empty for no limit');
  await expect(panel.getByTestId('project-limits-save')).toBeDisabled();

  // Past any fleet's rate: the core refuses it by field and saves nothing.
  await rpm.fill('1000000000');
  await panel.getByTestId('project-limits-save').click();
  await expect(panel).toContainText('must be at most 100,000,000 requests per minute');
  await expect(page.getByTestId(`project-limits-${PROJECT}`)).toHaveText('No limits');

  await rpm.fill('600');
  await panel.getByTestId('project-limit-tokensPerMinute').fill('2000000');
  await panel.getByTestId('project-limit-monthlyTokenBudget').fill('50000000');
  await panel.getByTestId('project-log-bodies').check();
  await expect(panel).toContainText("The gateway's access log will include this project's prompts and answers");
  await expect(panel).toContainText("Anyone who can read the gateway's logs will see this project's prompts and answers.");
  await shot('limits-01-project');
  await panel.getByTestId('project-limits-save').click();
  const cell = page.getByTestId(`project-limits-${PROJECT}`);
  await expect(cell.getByText('600 rpm · 2M tpm · 50M tokens/mo')).toBeVisible();
  await expect(cell).toContainText('bodies logged');
  await dismissToasts(page);

  await panel.getByTestId('view-gateway-config').click();
  const toml = page.getByTestId('gateway-config-toml');
  await expect(toml).toContainText(`[projects.${PROJECT}]`);
  const text = (await toml.textContent())!;
  const section = text.slice(text.indexOf(`[projects.${PROJECT}]`)).split(/\n\[/)[0]!;
  expect(section).toContain('requests_per_minute = 600');
  expect(section).toContain('tokens_per_minute = 2000000');
  expect(section).toContain('monthly_token_budget = 50000000');
  expect(section).toContain('log_bodies = true');
  await shot('limits-02-gateway-config');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // Cleared fields are no limits; the switch turns body logging off again.
  await rpm.fill('');
  await panel.getByTestId('project-log-bodies').uncheck();
  await panel.getByTestId('project-limits-save').click();
  await expect(cell).toHaveText('2M tpm · 50M tokens/mo');
  await expect(cell).not.toContainText('bodies logged');
  await dismissToasts(page);
});

test("a key's rates are set when it is created and changed later without reissuing it", async () => {
  await go('api-keys');
  await page.getByTestId('create-key-empty').click();
  const form = page.getByTestId('create-key-form');
  await form.locator('input[name=keyName]').fill('checkout');
  await form.getByTestId('key-limit-requestsPerMinute').fill('60');
  await page.getByTestId('create-key-submit').click();
  await page.getByTestId('api-key-secret-done').click();
  const limits = page.getByTestId('key-limits-checkout');
  await expect(limits).toHaveText('60 rpm');

  await page.getByTestId('key-edit-limits-checkout').click();
  const edit = page.getByTestId('key-limits-form');
  await expect(edit.getByTestId('key-limit-requestsPerMinute')).toHaveValue('60');
  await edit.getByTestId('key-limit-tokensPerMinute').fill('5000');
  await edit.getByTestId('key-limit-monthlyTokenBudget').fill('1000000');
  await shot('limits-03-key');
  await page.getByTestId('key-limits-submit').click();
  await expect(limits).toHaveText('60 rpm · 5K tpm · 1M tokens/mo');
  await expect(page.getByTestId('key-row-checkout').getByTestId('key-status')).toHaveText('active');
  await dismissToasts(page);
});

test("an endpoint's rates are set in its form and shown in the table", async () => {
  await go('models');
  await page.getByTestId('add-endpoint-empty').click();
  const form = page.getByTestId('endpoint-form');
  await form.locator('input[name=endpointName]').fill('llama');
  await form.locator('input[name=baseUrl]').fill('http://vllm.models:8000/v1');
  await form.locator('input[name=upstreamModel]').fill('llama');
  await form.getByTestId('endpoint-limit-requestsPerMinute').fill('-3');
  await expect(form.getByTestId('endpoint-limit-requestsPerMinute')).toHaveValue('3');
  await form.getByTestId('endpoint-limit-requestsPerMinute').fill('1200');
  await page.getByTestId('endpoint-form-submit').click();
  await expect(page.getByTestId('endpoint-limits-llama')).toHaveText('1.2K rpm');
  await shot('limits-04-endpoint');
});
