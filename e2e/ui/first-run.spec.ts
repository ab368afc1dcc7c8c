import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { ADMIN, SETUP_TIMEOUT_MS, SHOTS, goTo, pageOnSharedServer, sharedServerUrl } from './session';

/**
 * First run in browser mode, as a new admin would do it: set up, create a project, create an API
 * key (shown once, copied), then find it all in the audit chain and verify the chain. Screenshots
 * of every real page and a few empty ones land in e2e/artifacts/ui for review by eye.
 */

test.describe.configure({ mode: 'serial' });

let page: Page;

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

const go = (route: string) => goTo(page, route);

test.beforeAll(async ({ browser }) => {
  page = await pageOnSharedServer(browser, { clipboard: true });
});

test.afterAll(async () => {
  await page.context().close();
});

test('a page opened without its launch token says how to get one', async ({ browser }) => {
  const origin = new URL(sharedServerUrl()).origin;
  const bare = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await bare.goto(`${origin}/`);
  await expect(bare.getByTestId('no-launch-token')).toContainText('npm run web');
  await bare.screenshot({ path: join(SHOTS, '00-no-launch-token.png') });
  await bare.close();
});

test('first run creates the admin account and signs in', async () => {
  await expect(page.getByTestId('setup-form')).toBeVisible();
  // The launch token is taken out of the address bar at once.
  expect(page.url()).not.toContain('token=');
  await expect(page.getByText('At least 10 characters.')).toBeVisible();
  await shot('01-setup');
  await page.locator('input[name=username]').fill(ADMIN.username);
  await page.locator('input[name=displayName]').fill(ADMIN.displayName);
  await page.locator('input[name=password]').fill(ADMIN.password);
  await page.locator('input[name=confirm]').fill(ADMIN.password);
  await page.getByTestId('setup-submit').click();
  await expect(page.getByTestId('nav')).toBeVisible({ timeout: SETUP_TIMEOUT_MS });
  await expect(page.getByTestId('status-user')).toContainText(ADMIN.displayName);
  await expect(page.getByTestId('status-clusters')).toHaveText('No clusters');
  await expect(page.getByTestId('empty-dashboard')).toBeVisible();
  // Without a reachable OS keychain the account still works, and a notice says where to look.
  const vaultNotice = page.locator('.mantine-Notification-root', { hasText: 'Secrets storage needs the OS keychain' });
  if (await vaultNotice.isVisible()) {
    await expect(vaultNotice).toContainText('Settings explains');
    await shot('02a-vault-notice');
    await vaultNotice.getByRole('button').click();
  }
  await shot('02-dashboard-empty');
});

test('creating a project makes it the current project', async () => {
  await go('projects');
  await expect(page.getByTestId('projects-table').getByTestId('table-empty')).toBeVisible();
  await page.getByTestId('create-project').click();
  const form = page.getByTestId('project-form');
  await form.locator('input[name=projectName]').fill('Fraud Detection');
  await expect(form.getByText('a DNS label').first()).toBeVisible();
  await expect(page.getByTestId('project-form-submit')).toBeDisabled();
  await form.locator('input[name=projectName]').fill('fraud-detection');
  await form.locator('textarea[name=description]').fill('Scoring card transactions in real time.');
  await page.getByTestId('project-form-submit').click();
  await expect(page.getByTestId('project-row-fraud-detection')).toBeVisible();
  await expect(page.getByTestId('project-selector')).toHaveValue('fraud-detection');
  await expect(page.getByTestId('members-panel')).toContainText(ADMIN.username);
  await shot('03-projects');
});

test('an admin can add a user', async () => {
  await page.getByTestId('tab-users').click();
  await page.getByTestId('create-user').click();
  const form = page.getByTestId('create-user-form');
  await form.locator('input[name=newUsername]').fill('grace');
  await form.locator('input[name=newPassword]').fill('another long password');
  await page.getByTestId('create-user-submit').click();
  await expect(page.getByTestId('user-row-grace')).toContainText('active');
  await shot('04-users');
});

test('a new API key is shown once, copied, and then only its prefix remains', async () => {
  await go('api-keys');
  await expect(page.getByTestId('keys-table').getByTestId('table-empty')).toBeVisible();
  await page.getByTestId('create-key').click();
  const form = page.getByTestId('create-key-form');
  await form.locator('input[name=keyName]').fill('ci-runner');
  await form.locator('input[name=budget]').fill('5000000');
  await shot('05-create-key');
  await page.getByTestId('create-key-submit').click();

  const secretEl = page.getByTestId('api-key-secret');
  await expect(secretEl).toHaveText(/^fdy_[A-Za-z0-9_-]{43}$/);
  const secret = (await secretEl.textContent())!.trim();
  await expect(page.getByText('it will not be shown again')).toBeVisible();
  await shot('06-key-secret-once');
  await page.getByTestId('api-key-copy').click();
  await expect(page.getByTestId('api-key-copy')).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await page.getByTestId('api-key-secret-done').click();
  await expect(page.getByRole('dialog')).toHaveCount(0);

  const row = page.getByTestId('key-row-ci-runner');
  await expect(row.getByTestId('key-status')).toHaveText('active');
  await expect(row).toContainText(secret.slice(0, 12));
  await expect(page.getByText(secret)).toHaveCount(0);
  await shot('07-api-keys');
});

test('the audit trail records it all and the chain verifies', async () => {
  await go('audit');
  const rows = page.getByTestId('audit-row');
  for (const action of ['auth:setup', 'projects:create', 'users:create', 'apikeys:create']) {
    await expect(rows.and(page.locator(`[data-action="${action}"]`))).toHaveCount(1);
  }
  await expect(rows.first()).toHaveAttribute('data-action', 'apikeys:create');
  await page.getByTestId('audit-verify').click();
  await expect(page.getByTestId('verify-ok')).toContainText(/All \d+ records/);
  await rows.first().click();
  await expect(page.getByTestId('audit-record-json')).toContainText('"prevHash"');
  await shot('08-audit-verified');
  await page.getByTestId('audit-export-head').click();
  await expect(page.getByTestId('audit-head-json')).toContainText('"hash"');
  await shot('09-audit-head');
  await page.keyboard.press('Escape');
});

test('revoking a key asks for its name first', async () => {
  await go('api-keys');
  await page.getByTestId('key-revoke-ci-runner').click();
  await expect(page.getByTestId('confirm-name-submit')).toBeDisabled();
  await page.getByTestId('confirm-name-input').fill('ci-runner');
  await shot('10-revoke-confirm');
  await page.getByTestId('confirm-name-submit').click();
  await expect(page.getByTestId('key-row-ci-runner').getByTestId('key-status')).toHaveText('revoked');
});

test('settings show the installation, the vault and the account', async () => {
  await go('settings');
  await expect(page.getByTestId('settings-system')).toContainText('Data folder');
  await expect(page.getByTestId('vault-state')).toBeVisible();
  await expect(page.getByTestId('keychain-state')).toBeVisible();
  await shot('11-settings');
});

test('the jobs drawer and the command palette open from anywhere', async () => {
  await page.getByTestId('status-jobs').click();
  await expect(page.getByRole('dialog', { name: 'Background jobs' })).toBeVisible();
  await shot('12-jobs-drawer');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await page.keyboard.press('Control+K');
  const search = page.getByPlaceholder('Go to a page or run an action…');
  await expect(search).toBeFocused();
  await search.pressSequentially('clust');
  await expect(page.getByRole('button', { name: /^Clusters/ })).toBeVisible();
  await shot('13-command-palette');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('empty-clusters')).toBeVisible();
  await shot('14-clusters-empty');
  await go('evaluations');
  await expect(page.getByTestId('empty-evaluations')).toBeVisible();
  await shot('15-evaluations-empty');
});

test('the dark theme follows the OS', async () => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await go('api-keys');
  await expect(page.getByTestId('key-row-ci-runner')).toBeVisible();
  await shot('16-api-keys-dark');
  await go('audit');
  await expect(page.getByTestId('audit-row').first()).toBeVisible();
  await shot('17-audit-dark');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('signing out returns to sign-in, and signing in restores the session', async () => {
  await go('settings');
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('signin-form')).toBeVisible();
  await page.locator('input[name=password]').fill('wrong password!');
  await page.locator('input[name=username]').fill(ADMIN.username);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('error-alert')).toContainText('The username or password is wrong.');
  await shot('18-signin-error');
  await page.locator('input[name=password]').fill(ADMIN.password);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('nav')).toBeVisible();
});
