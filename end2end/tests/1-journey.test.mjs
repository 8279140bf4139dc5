// The whole sign-in journey in Chromium: first-run setup, TOTP enrollment, recovery codes,
// sign-out, sign-in with password + TOTP, revoking another session, and a recovery-code sign-in.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, screenshot } from '../lib/browser.mjs';
import fs from 'node:fs';
import { ADMIN, ADMIN_TOTP, AUTH_STATE, codeForStep, freshCode, rememberSecrets } from '../lib/auth.mjs';
import { BASE_URL } from '../lib/browser.mjs';

const READY_MS = 30_000;
let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

async function newPage() {
  const context = await browser.newContext({ colorScheme: 'light', baseURL: BASE_URL });
  const page = await context.newPage();
  page.on('pageerror', (e) => { throw e; });
  return page;
}

async function signInWithPassword(page) {
  await page.goto('/login');
  await page.waitForSelector('form[data-ready="true"]', { timeout: READY_MS });
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL('**/login/verify');
  await page.waitForSelector('form[data-ready="true"]', { timeout: READY_MS });
}

async function enterCode(page, code) {
  await page.getByLabel('Code').fill(code);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('first run to recovery-code sign-in, as a person does it', async () => {
  const a = await newPage();

  // First run: every page leads to setup.
  await a.goto('/services');
  assert.match(a.url(), /\/setup$/);
  await a.waitForSelector('form[data-ready="true"]', { timeout: READY_MS });
  await a.getByLabel('Email').fill(ADMIN.email);
  await a.getByLabel('Display name').fill(ADMIN.name);
  await a.getByLabel('Password', { exact: true }).fill('password1234');
  await a.getByLabel('Repeat the password').fill('password1234');
  await a.getByRole('button', { name: 'Create administrator' }).click();
  await a.getByText('commonly used passwords').waitFor();
  await screenshot(a, 'setup-error');
  await a.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await a.getByLabel('Repeat the password').fill(ADMIN.password);
  await a.getByRole('button', { name: 'Create administrator' }).click();

  // Enrollment is the only page reachable until MFA is set up.
  await a.waitForURL('**/mfa/enroll');
  await a.goto('/');
  assert.match(a.url(), /\/mfa\/enroll$/);
  await a.waitForSelector('[data-testid="enroll"][data-ready="true"]', { timeout: READY_MS });
  await a.getByTestId('enroll-start').click();
  const key = (await a.getByTestId('totp-key').innerText()).trim();
  assert.match(key, /^[A-Z2-7]{32}$/);
  assert.ok(await a.locator('[role="img"] svg, svg[role="img"]').count() > 0, 'a QR code is shown');
  await screenshot(a, 'enroll-qr');
  let lastStep = Math.floor(Date.now() / 30000);
  await a.getByLabel('Code from the app').fill(codeForStep(key, lastStep));
  await a.getByRole('button', { name: 'Confirm and finish' }).click();
  await a.getByTestId('recovery-codes').waitFor();
  const codes = (await a.getByTestId('recovery-codes').locator('li').allInnerTexts()).map((c) => c.trim());
  assert.equal(codes.length, 10);
  assert.equal(new Set(codes).size, 10);
  rememberSecrets([ADMIN.password, key, ...codes]);
  await screenshot(a, 'recovery-codes');
  await a.getByTestId('enroll-continue').click();
  await a.waitForURL(BASE_URL + '/');
  assert.equal(await a.getByTestId('user-name').innerText(), ADMIN.name);

  // A second browser signs in with password + TOTP.
  const b = await newPage();
  await signInWithPassword(b);
  let fresh = await freshCode(key, lastStep);
  lastStep = fresh.step;
  await enterCode(b, fresh.code);
  await b.waitForURL(BASE_URL + '/');

  // The first browser signs out and back in.
  await a.getByTestId('sign-out').click();
  await a.waitForURL('**/login');
  await a.goto('/');
  assert.match(a.url(), /\/login$/, 'signed out for real');
  await signInWithPassword(a);
  await enterCode(a, fresh.code);
  await a.getByText('That code is not valid').waitFor();
  fresh = await freshCode(key, lastStep);
  lastStep = fresh.step;
  await enterCode(a, fresh.code);
  await a.waitForURL(BASE_URL + '/');
  assert.equal(await a.locator('h1').innerText(), 'Dashboard');

  // It revokes the other session; that browser is signed out on its next page.
  await a.goto('/account');
  await a.waitForSelector('[data-testid="sessions"][data-ready="true"]', { timeout: READY_MS });
  const rows = a.getByTestId('session-row');
  assert.equal(await rows.count(), 2);
  await screenshot(a, 'security');
  await rows.filter({ hasNotText: 'This browser' }).getByRole('button', { name: 'Revoke' }).click();
  await a.waitForFunction(() => document.querySelectorAll('[data-testid="session-row"]').length === 1);
  await b.goto('/');
  assert.match(b.url(), /\/login$/);

  // The revoked browser comes back with a recovery code and is told so.
  await signInWithPassword(b);
  await enterCode(b, codes[0]);
  await b.waitForURL(BASE_URL + '/');
  assert.match(await b.getByTestId('notice').innerText(), /recovery code; 9 left/);
  await screenshot(b, 'dashboard-after-recovery');
  await b.context().storageState({ path: AUTH_STATE });
  fs.writeFileSync(ADMIN_TOTP, JSON.stringify({ key, lastStep }));

  // The same code never works twice.
  const c = await newPage();
  await signInWithPassword(c);
  await enterCode(c, codes[0]);
  await c.getByText('That code is not valid').waitFor();
});
