// End-to-end tests of secrets: create a generated secret, reveal it after a TOTP step-up, rotate it and roll back.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { launchBrowser, screenshot, withPage } from '../lib/browser.mjs';
import { ADMIN_TOTP, AUTH_STATE, freshCode, rememberSecrets } from '../lib/auth.mjs';

const READY_MS = 30_000;
let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** Makes every session's last TOTP entry older than the step-up window, as time would. */
function expireStepUp() {
  const r = spawnSync('psql', [process.env.GANTRY_E2E_DB, '-qAtc', "update user_sessions set mfa_at = now() - interval '10 minutes'"], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

const currentVersion = async (page) => (await page.getByTestId('current-version').innerText()).trim();

async function reveal(page) {
  await page.locator('[data-testid="reveal"][data-ready="true"]').waitFor({ timeout: READY_MS });
  await page.getByTestId('reveal-button').click();
  const value = page.getByTestId('revealed-value');
  await value.waitFor();
  return (await value.innerText()).trim();
}

test('a generated secret is created, revealed after a TOTP step-up, rotated and rolled back', () => withPage(browser, { storageState: AUTH_STATE }, async (page) => {
  const totp = JSON.parse(fs.readFileSync(ADMIN_TOTP, 'utf8'));
  await page.goto('/secrets');
  await page.getByText('No secrets yet').waitFor();
  await screenshot(page, 'secrets-empty');

  await page.getByTestId('new-secret').first().click();
  await page.waitForURL('**/secrets/new');
  await page.locator('[data-testid="new-secret-form"][data-ready="true"]').waitFor({ timeout: READY_MS });
  await page.getByLabel('Name').fill('stripe_webhook_secret');
  await page.getByText('Use capital letters').waitFor();
  await screenshot(page, 'secret-new-invalid-name');
  await page.getByLabel('Name').fill('STRIPE_WEBHOOK_SECRET');
  await page.getByLabel('Description').fill('Signs Stripe webhook deliveries');
  await page.getByLabel('Rotate every (days)').fill('30');
  await page.getByRole('button', { name: 'Create secret' }).click();
  await page.waitForURL(/\/secrets\/[0-9a-f-]{36}$/);
  assert.equal((await page.getByTestId('secret-name').innerText()).trim(), 'STRIPE_WEBHOOK_SECRET');
  assert.equal(await currentVersion(page), 'v1');

  expireStepUp();
  await page.locator('[data-testid="reveal"][data-ready="true"]').waitFor({ timeout: READY_MS });
  await page.getByTestId('reveal-button').click();
  await page.getByLabel('Authenticator code').waitFor();
  const { code, step } = await freshCode(totp.key, totp.lastStep);
  totp.lastStep = step;
  await page.getByLabel('Authenticator code').fill(code);
  await page.getByRole('button', { name: 'Confirm' }).click();
  const revealed = page.getByTestId('revealed-value');
  await revealed.waitFor();
  const first = (await revealed.innerText()).trim();
  rememberSecrets([first]);
  assert.equal(first.length, 32, 'a 32-character generated password');
  await page.getByText(/Hidden again in \d+ s/).waitFor();
  await screenshot(page, 'secret-revealed');
  await page.getByRole('button', { name: 'Hide now' }).click();
  await revealed.waitFor({ state: 'detached' });

  await page.locator('[data-testid="rotate"]').waitFor();
  await page.waitForSelector('div[data-ready="true"] [data-testid="rotate"]', { timeout: READY_MS });
  await page.getByTestId('rotate').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="current-version"]')?.innerText.trim() === 'v2');
  const second = await reveal(page);
  rememberSecrets([second]);
  assert.notEqual(second, first, 'rotation generated a new value');

  await page.reload();
  const v1 = page.locator('[data-testid="version-row"][data-version="1"]');
  await page.waitForSelector('[data-testid="version-row"][data-version="1"] div[data-ready="true"]', { timeout: READY_MS });
  await v1.getByTestId('rollback').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="current-version"]')?.innerText.trim() === 'v3');
  assert.equal(await reveal(page), first, 'rolling back restores the first value');
  await page.reload();
  const trail = await page.getByTestId('trail').innerText();
  assert.match(trail, /Value read/);
  assert.match(trail, /Rolled back/);
  await screenshot(page, 'secret-detail');

  await page.goto('/secrets');
  await page.getByTestId('secret-row').first().waitFor();
  await screenshot(page, 'secrets-list');
  const html = await (await page.context().request.get('/secrets')).text();
  assert.ok(!html.includes(first) && !html.includes(second), 'the list page never carries a value');
  fs.writeFileSync(ADMIN_TOTP, JSON.stringify(totp));
}));

test('the root key rotates from the keys page and the secret still opens', () => withPage(browser, { storageState: AUTH_STATE }, async (page) => {
  const totp = JSON.parse(fs.readFileSync(ADMIN_TOTP, 'utf8'));
  await page.goto('/settings/keys');
  const before = (await page.getByTestId('active-root-key').innerText()).trim();
  assert.match(before, /^[0-9a-f]{16}$/);
  assert.match(await page.getByTestId('data-key-count').innerText(), /^\d+ \(wrapped by an older root key: 0\)/);
  await screenshot(page, 'keys');
  expireStepUp();
  await page.locator('div[data-ready="true"] [data-testid="rotate-root-key"]').waitFor({ timeout: READY_MS });
  await page.getByTestId('rotate-root-key').click();
  const { code, step } = await freshCode(totp.key, totp.lastStep);
  totp.lastStep = step;
  await page.getByLabel('Authenticator code').fill(code);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.locator('[data-testid="root-key-row"][data-status="retired"]').waitFor();
  const rotated = (await page.getByTestId('active-root-key').innerText()).trim();
  assert.notEqual(rotated, before, 'a new root key is active');
  assert.match(await page.getByTestId('data-key-count').innerText(), /older root key: 0\)/, 'every data key was re-wrapped');
  await screenshot(page, 'keys-rotated');

  await page.goto('/secrets');
  await page.getByTestId('secret-row').first().getByRole('link').click();
  await page.waitForURL(/\/secrets\/[0-9a-f-]{36}$/);
  const value = await reveal(page);
  assert.equal(value.length, 32, 'the secret still opens under the new root key');
  fs.writeFileSync(ADMIN_TOTP, JSON.stringify(totp));
}));
