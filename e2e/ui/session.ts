import { expect, type Browser, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startBrowserMode } from '../browser-mode';

/** What the browser scenarios share: where screenshots go, the admin first-run creates, and signing in as them. */
export const SHOTS = join('e2e', 'artifacts', 'ui');
export const ADMIN = { username: 'ada', displayName: 'Ada Lovelace', password: 'correct horse battery' } as const;

/**
 * How long the first-run setup may take: it generates the vault's RSA-4096 key pair, about a second
 * here, but the prime search has a long tail and a CI run once took longer than the default 5 s.
 */
export const SETUP_TIMEOUT_MS = 30_000;

/** Signs in as the admin, or creates that admin when the spec runs alone on a fresh data folder. */
export async function signInAsAdmin(page: Page): Promise<void> {
  const setup = page.getByTestId('setup-form');
  const signin = page.getByTestId('signin-form');
  await expect(setup.or(signin)).toBeVisible();
  if (await setup.isVisible()) {
    await page.locator('input[name=username]').fill(ADMIN.username);
    await page.locator('input[name=displayName]').fill(ADMIN.displayName);
    await page.locator('input[name=password]').fill(ADMIN.password);
    await page.locator('input[name=confirm]').fill(ADMIN.password);
    await page.getByTestId('setup-submit').click();
    await expect(page.getByTestId('nav')).toBeVisible({ timeout: SETUP_TIMEOUT_MS });
  } else {
    await page.locator('input[name=username]').fill(ADMIN.username);
    await page.locator('input[name=password]').fill(ADMIN.password);
    await page.getByTestId('signin-submit').click();
  }
  await expect(page.getByTestId('nav')).toBeVisible();
}

/** Closes visible toasts so they do not cover what a screenshot is for. */
export async function dismissToasts(page: Page): Promise<void> {
  const close = page.locator('.mantine-Notification-root:visible button');
  for (let i = 0; i < 5 && (await close.count()) > 0; i++) await close.first().click({ timeout: 2000 }).catch(() => undefined);
}

/** Removes an endpoint a scenario added, the way a user does (confirming its name), and waits for the Models page to be empty again. */
export async function removeOnlyEndpoint(page: Page, name: string): Promise<void> {
  await page.getByTestId('nav-models').click();
  await page.getByTestId(`endpoint-actions-${name}`).click();
  await page.getByTestId('endpoint-remove').click();
  await page.getByTestId('confirm-name-input').fill(name);
  await page.getByTestId('confirm-name-submit').click();
  await expect(page.getByTestId('endpoints-table').getByTestId('table-empty')).toBeVisible();
}

/** Opens a page from the navigation bar and waits for its route. */
export async function goTo(page: Page, route: string): Promise<void> {
  await page.getByTestId(`nav-${route}`).click();
  await expect(page).toHaveURL(new RegExp(`#/${route}$`));
}

/** A fresh browser context on `url` at the scenarios' window size; `clipboard` lets the page copy and paste. */
async function openPage(browser: Browser, url: string, opts: { clipboard?: boolean } = {}): Promise<Page> {
  mkdirSync(SHOTS, { recursive: true });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', reducedMotion: 'reduce' });
  if (opts.clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/** The shared browser-mode server's URL, with its launch token (playwright.config.ts's global setup starts it). */
export function sharedServerUrl(): string {
  const url = process.env.FOUNDRY_WEB_URL;
  if (!url) throw new Error('FOUNDRY_WEB_URL is not set: run through playwright.config.ts, whose global setup starts browser mode.');
  return url;
}

/** A page on the shared browser-mode server, not signed in (first-run.spec.ts makes the admin there). */
export function pageOnSharedServer(browser: Browser, opts: { clipboard?: boolean } = {}): Promise<Page> {
  return openPage(browser, sharedServerUrl(), opts);
}

/** A page on the shared browser-mode server, signed in as the admin, with its toasts closed; close its context when done. */
export async function signedInOnSharedServer(browser: Browser, opts: { clipboard?: boolean } = {}): Promise<Page> {
  const page = await pageOnSharedServer(browser, opts);
  await signInAsAdmin(page);
  await dismissToasts(page);
  return page;
}

/**
 * A browser-mode server of its own (a fresh data folder, so the shared one and first-run.spec.ts
 * are untouched) with a page signed in as the admin; `close` ends both.
 */
export async function signedInOnOwnServer(browser: Browser, prefix: string, opts: { clipboard?: boolean } = {}): Promise<{ page: Page; close(): Promise<void> }> {
  const web = await startBrowserMode(prefix);
  const page = await openPage(browser, web.url, opts);
  await signInAsAdmin(page);
  await dismissToasts(page);
  return {
    page,
    async close() {
      await page.context().close();
      await web.stop();
    },
  };
}
