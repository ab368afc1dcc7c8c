import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { SHOTS, dismissToasts, goTo, signedInOnSharedServer } from './session';

/**
 * The Guardrails page as a platform engineer uses it: start from the honest empty state, create a
 * profile that redacts emails (a catastrophic regex is refused at its field first), assign it to a
 * project, try a sample and see the email redacted by the gateway's engine, and see that a profile
 * in use cannot be deleted. Signs in as the admin first-run.spec.ts creates, or creates that admin.
 */

const PROJECT = 'support-bot';
let page: Page;

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

const go = (route: string) => goTo(page, route);

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  page = await signedInOnSharedServer(browser);
  // The project the profile is for, made the current one.
  await go('projects');
  await page.getByTestId('create-project').click();
  await page.getByTestId('project-form').locator('input[name=projectName]').fill(PROJECT);
  await page.getByTestId('project-form-submit').click();
  await expect(page.getByTestId(`project-row-${PROJECT}`)).toBeVisible();
  await page.getByTestId(`project-row-${PROJECT}`).click();
  await dismissToasts(page);
});

test.afterAll(async () => {
  await page?.context().close();
});

test('with no profiles, the page says what belongs here and offers the first one', async () => {
  await go('guardrails');
  const empty = page.getByTestId('profiles-table').getByTestId('table-empty');
  await expect(empty).toContainText('No guardrail profiles yet');
  await expect(empty).toContainText('passes its traffic through unchanged');
  await expect(page.getByTestId('current-project-guardrail')).toContainText(`${PROJECT} has no profile`);
  await shot('40-guardrails-empty');
});

test('a profile that redacts emails is created; a catastrophic regex is refused at its field first', async () => {
  await page.getByTestId('create-profile-empty').click();
  const form = page.getByTestId('profile-form');
  await form.locator('input[name=profileName]').fill('email-redact');
  await form.locator('textarea[name=description]').fill('Support bot: no customer emails reach the model');
  for (const label of ['Phone numbers', 'Card numbers (Luhn)', 'IBANs (mod 97)', 'API keys and secrets']) await form.getByLabel(label).uncheck();
  await expect(form.getByLabel('Email addresses')).toBeChecked();
  await shot('41a-guardrails-form');

  await form.getByTestId('rule-add').click();
  await form.locator('input[name=rule-0-name]').fill('ticket');
  await form.locator('input[name=rule-0-pattern]').fill('(\\w+\\s?)+$');
  await page.getByTestId('profile-form-submit').click();
  const patternField = form.getByTestId('rule-0');
  await expect(patternField).toContainText('can take exponential time');
  await expect(form.getByTestId('error-alert')).toContainText('The profile was not created');
  await expect(form.getByTestId('error-alert')).toContainText('policy.rules.0.pattern');
  await shot('41-guardrails-field-error');

  await form.locator('input[name=rule-0-pattern]').fill('TCK-\\d{6}');
  await page.getByTestId('profile-form-submit').click();
  await expect(form).toBeHidden();
  const row = page.getByTestId('profile-row-email-redact');
  await expect(row).toContainText('email → redact');
  await expect(row).toContainText('1 regex');
  await expect(row).toContainText('No project');
});

test('assigning it to the current project shows in the table and the header', async () => {
  await page.getByTestId('profile-row-email-redact').click();
  await expect(page.getByTestId('assign-project')).toHaveValue(PROJECT);
  await page.getByTestId('assign-submit').click();
  await expect(page.getByTestId(`assigned-${PROJECT}`)).toBeVisible();
  await expect(page.getByTestId('profile-row-email-redact')).toContainText(PROJECT);
  await expect(page.getByTestId('current-project-guardrail')).toContainText(`${PROJECT} uses email-redact`);
  await dismissToasts(page);
});

test('trying a sample shows the email redacted by the gateway engine, and why', async () => {
  await page.getByTestId('try-input').fill('Please write to jane.doe@corp.example about TCK-123456 today.');
  await page.getByTestId('try-output').fill('Sure, I will call +1 (415) 555-0100.');
  await page.getByTestId('try-submit').click();
  const input = page.getByTestId('try-result-input');
  await expect(input).toHaveAttribute('data-status', 'redacted');
  await expect(page.getByTestId('try-result-input-text')).toHaveText('Please write to [EMAIL] about [REDACTED] today.');
  await expect(input).toContainText('pii.email ×1: an email address');
  await expect(input).toContainText('rule.ticket ×1: regex rule "ticket"');
  // Phone detection was switched off: the answer passes unchanged.
  await expect(page.getByTestId('try-result-output')).toHaveAttribute('data-status', 'passes unchanged');
  await page.getByTestId('try-panel').scrollIntoViewIfNeeded();
  await shot('42-guardrails-try-it');
});

test('a profile in use cannot be deleted; the refusal names the project', async () => {
  await page.getByTestId('profile-actions-email-redact').click();
  await page.getByTestId('profile-delete').click();
  const dialog = page.getByTestId('confirm-by-name');
  await expect(dialog).toContainText('refuses to delete a profile in use');
  await page.getByTestId('confirm-name-input').fill('email-redact');
  await page.getByTestId('confirm-name-submit').click();
  await expect(dialog.getByTestId('error-alert')).toContainText(`is used by project ${PROJECT}; it was not deleted`);
  await shot('43-guardrails-delete-refused');
  await page.getByRole('button', { name: 'Keep it' }).click();
  await expect(page.getByTestId('profile-row-email-redact')).toBeVisible();
});
