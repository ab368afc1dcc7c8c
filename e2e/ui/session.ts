import { expect, type Browser, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startBrowserMode } from '../browser-mode';

/** What the browser scenarios share: where screenshots go, the admin first-run creates, and signing in as them. */
export const SHOTS = join('e2e', 'artifacts', 'ui');
export const ADMIN = { username: 'ada', displayName: 'Ada Lovelace', password: 'correct horse battery' } as const;

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

/** Opens a page from the navigation bar and waits for its route. */
export async function goTo(page: Page, route: string): Promise<void> {
  await page.getByTestId(`nav-${route}`).click();
  await expect(page).toHaveURL(new RegExp(`#/${route}$`));
}

/**
 * A browser-mode server of its own (a fresh data folder, so the shared one and first-run.spec.ts
 * are untouched) with a page signed in as the admin; `close` ends both.
 */
export async function signedInOnOwnServer(browser: Browser, prefix: string, opts: { clipboard?: boolean } = {}): Promise<{ page: Page; close(): Promise<void> }> {
  mkdirSync(SHOTS, { recursive: true });
  const web = await startBrowserMode(prefix);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', reducedMotion: 'reduce' });
  if (opts.clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(web.url).origin });
  const page = await context.newPage();
  await page.goto(web.url);
  await signInAsAdmin(page);
  await dismissToasts(page);
  return {
    page,
    async close() {
      await context.close();
      await web.stop();
    },
  };
}
