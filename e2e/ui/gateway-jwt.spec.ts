import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { SHOTS, dismissToasts, signedInOnOwnServer } from './session';

/**
 * Settings → Gateway authentication as an admin meets it: turn on JWTs from an identity provider's
 * key set (a plain-http URL is refused beside its field), move to an HS256 shared secret (too short
 * first), see that a secret is set but never the secret, and turn JWTs off after a confirmation
 * that says tokens stop working. Runs on its own browser-mode server and data folder.
 */

test.describe.configure({ mode: 'serial' });

let own: Awaited<ReturnType<typeof signedInOnOwnServer>>;
let page: Page;
const SECRET = `ui-${Math.random().toString(36).slice(2)}-hs256-shared-secret-0123456789`;
const ISSUER = 'https://idp.example.com';

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
const card = () => page.getByTestId('settings-gateway-jwt');
const form = () => page.getByTestId('gateway-jwt-form');

test.beforeAll(async ({ browser }) => {
  own = await signedInOnOwnServer(browser, 'foundry-e2e-gateway-jwt-');
  page = own.page;
});

test.afterAll(async () => {
  await own?.close();
});

test('JWTs are off until set up; a plain-http key set is refused beside its field, an https one turns them on', async () => {
  await page.getByTestId('nav-settings').click();
  await expect(card().getByTestId('gateway-jwt-off')).toContainText('Gateways accept API keys only');
  await card().getByTestId('gateway-jwt-edit').click();
  await form().locator('input[name=issuer]').fill(ISSUER);
  await form().locator('input[name=audience]').fill('foundry-gateway');
  await form().locator('input[name=jwksUrl]').fill('http://idp.example.com/.well-known/jwks.json');
  await form().getByTestId('gateway-jwt-submit').click();
  await expect(form()).toContainText('must use https: a key set fetched over plain http can be replaced on the way');
  await expect(form().getByTestId('error-alert')).toContainText('nothing was changed');
  await shot('gateway-jwt-01-http-refused');

  await form().locator('input[name=jwksUrl]').fill('https://idp.example.com/.well-known/jwks.json');
  await form().getByTestId('gateway-jwt-submit').click();
  await expect(form()).toBeHidden();
  await expect(card().getByTestId('gateway-jwt-on')).toBeVisible();
  await expect(card().getByTestId('gateway-jwt-issuer')).toHaveText(ISSUER);
  await expect(card().getByTestId('gateway-jwt-key')).toHaveText('https://idp.example.com/.well-known/jwks.json, keys cached 10 min');
  await expect(card()).toContainText('RS256, ES256');
});

test('an HS256 secret: too short is explained; a good one is stored and never shown again', async () => {
  await dismissToasts(page);
  await card().getByTestId('gateway-jwt-edit').click();
  await expect(form().locator('input[name=issuer]')).toHaveValue(ISSUER);
  await form().getByTestId('gateway-jwt-source').getByText('HS256 secret').click();
  await form().locator('input[name=hs256Secret]').fill('short');
  await form().getByTestId('gateway-jwt-submit').click();
  await expect(form()).toContainText('is 5 bytes; HS256 needs at least 32 (256 bits)');
  await form().locator('input[name=hs256Secret]').fill(SECRET);
  await form().locator('input[name=projectClaim]').fill('team');
  await form().getByTestId('gateway-jwt-submit').click();
  await expect(form()).toBeHidden();
  await expect(card().getByTestId('gateway-jwt-key')).toHaveText('HS256 shared secret (never shown)');
  await expect(card()).toContainText('project from team');
  await dismissToasts(page);
  await shot('gateway-jwt-02-hs256');
  expect(await page.content()).not.toContain(SECRET);

  // Editing again: the secret field is empty and says the stored one is kept.
  await card().getByTestId('gateway-jwt-edit').click();
  await expect(form().locator('input[name=hs256Secret]')).toHaveValue('');
  await expect(form()).toContainText('A secret is stored. Leave empty to keep it');
  await form().locator('input[name=audience]').fill('foundry-gateway-2');
  await form().getByTestId('gateway-jwt-submit').click();
  await expect(form()).toBeHidden();
  await expect(card()).toContainText('foundry-gateway-2');
  await expect(card().getByTestId('gateway-jwt-key')).toHaveText('HS256 shared secret (never shown)');
});

test('disabling says that tokens stop working and needs the issuer typed', async () => {
  await dismissToasts(page);
  await card().getByTestId('gateway-jwt-disable').click();
  const confirm = page.getByTestId('confirm-by-name');
  await expect(confirm).toContainText(`Every token from ${ISSUER} stops working on every gateway`);
  await expect(confirm).toContainText('The stored HS256 secret is deleted.');
  await expect(confirm.getByTestId('confirm-name-submit')).toBeDisabled();
  await shot('gateway-jwt-03-disable');
  await confirm.getByTestId('confirm-name-input').fill(ISSUER);
  await confirm.getByTestId('confirm-name-submit').click();
  await expect(confirm).toBeHidden();
  await expect(card().getByTestId('gateway-jwt-off')).toBeVisible();
});
