// End-to-end test of billing against the Stripe stand-in: connect Stripe, define a plan, create a
// customer, pay in (stand-in) Checkout, see the subscription active from the signed webhooks, and
// open the billing portal.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { BASE_URL, launchBrowser, screenshot, withPage } from '../lib/browser.mjs';
import { AUTH_STATE, rememberSecrets } from '../lib/auth.mjs';

const READY_MS = 30_000;
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PYTHON = process.env.GANTRY_TEST_PYTHON || path.join(os.homedir(), '.cache', 'gantry', 'venv', 'bin', 'python');
const API_KEY = 'sk_test_e2e_51HqLyjWDarjtT1zdp7dc';
const SIGNING_KEY = 'whsec_e2e_signing_secret';

let browser;
let standin;
let stripeBase;

/** Starts scripts/lib/stripe_standin.py and resolves with its base URL. */
function startStandIn() {
  standin = spawn(PYTHON, [path.join(REPO, 'scripts', 'lib', 'stripe_standin.py'), '--port', '0',
    '--webhook-url', `${BASE_URL}/webhooks/stripe`, '--webhook-secret', SIGNING_KEY], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    standin.once('error', reject);
    readline.createInterface({ input: standin.stdout }).once('line', (line) => {
      const base = line.replace(/^listening on /, '').trim();
      if (!base.startsWith('http')) reject(new Error(`unexpected stand-in output: ${line}`));
      else resolve(base);
    });
  });
}

/** Saving the Stripe keys needs a TOTP entry in the last five minutes; this test's session had one at sign-in. */
function freshenStepUp() {
  const r = spawnSync('psql', [process.env.GANTRY_E2E_DB, '-qAtc', 'update user_sessions set mfa_at = now()'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

before(async () => {
  browser = await launchBrowser();
  stripeBase = await startStandIn();
  rememberSecrets([API_KEY, SIGNING_KEY]);
});
after(async () => {
  await browser?.close();
  standin?.kill();
});

test('a plan is sold through Checkout, the webhooks make it active, and the portal opens', () => withPage(browser, { storageState: AUTH_STATE }, async (page) => {
  await page.goto('/billing');
  await page.getByTestId('not-connected').first().waitFor();
  await screenshot(page, 'billing-overview-empty');

  freshenStepUp();
  await page.goto('/billing/settings');
  await page.locator('[data-testid="settings-form"][data-ready="true"]').waitFor({ timeout: READY_MS });
  await page.getByLabel('API base').fill(stripeBase);
  await page.getByLabel('Grace period (days)').fill('5');
  await page.getByLabel('Secret API key').fill(API_KEY);
  await page.getByLabel('Webhook signing secret').fill(SIGNING_KEY);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByTestId('saved').waitFor();
  await page.locator('[data-ready="true"]:has([data-testid="test-connection"])').waitFor({ timeout: READY_MS });
  await page.getByTestId('test-connection').click();
  const result = page.getByTestId('connection-result');
  await result.waitFor();
  assert.match(await result.innerText(), /Stand-in Business/);
  await screenshot(page, 'billing-settings');

  await page.goto('/billing/plans/new');
  await page.locator('[data-testid="plan-form"][data-ready="true"]').waitFor({ timeout: READY_MS });
  await page.getByLabel('Name').fill('Pro');
  await page.getByLabel('Description').fill('For growing teams');
  await page.getByLabel('Currency').selectOption('gbp');
  await page.getByLabel('Monthly price').fill('12.50');
  await page.getByLabel('Yearly price').fill('125');
  await page.getByLabel('Services').fill('10');
  await page.getByRole('button', { name: 'Save plan' }).click();
  await page.waitForURL(/\/billing\/plans#plan-/);
  const card = page.getByTestId('plan-card').first();
  await card.waitFor();
  assert.match(await card.innerText(), /£12\.50 \/ month/);
  assert.match(await card.innerText(), /synced/);
  assert.match(await page.getByTestId('pricing-preview').innerText(), /Pro/);
  await screenshot(page, 'billing-plans');

  await page.goto('/billing/customers/new');
  await page.locator('[data-testid="new-customer-form"][data-ready="true"]').waitFor({ timeout: READY_MS });
  await page.getByLabel('Name').fill('Grace Hopper');
  await page.getByLabel('Email').fill('grace@example.com');
  await page.getByLabel('Company').fill('Cobol Ltd');
  await page.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Create customer' }).click();
  await page.waitForURL(/\/billing\/customers\/[0-9a-f-]{36}$/);
  const customerUrl = page.url();
  assert.match(await page.getByTestId('stripe-customer').innerText(), /cus_/);

  await page.locator('[data-testid="subscribe-form"][data-ready="true"]').waitFor({ timeout: READY_MS });
  await page.getByTestId('start-checkout').click();
  await page.waitForURL(`${stripeBase}/checkout/**`);
  await screenshot(page, 'billing-standin-checkout');
  await page.getByTestId('standin-pay').click();
  await page.waitForURL('**/billing/checkout/success**');
  const status = page.getByTestId('checkout-status');
  await status.waitFor({ timeout: READY_MS });
  assert.match(await status.innerText(), /active/);
  await screenshot(page, 'billing-checkout-success');

  await page.goto(customerUrl);
  assert.equal(await page.getByTestId('subscription').first().getAttribute('data-status'), 'active');
  assert.equal(await page.getByTestId('invoice-row').count(), 1);
  await screenshot(page, 'billing-customer');
  await page.locator('[data-testid="manage-subscription"]').waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-ready]')].every((el) => el.dataset.ready === 'true'));
  await page.getByTestId('manage-subscription').click();
  await page.waitForURL(`${stripeBase}/billing_portal/**`);
  await page.getByTestId('standin-portal').waitFor();
  await screenshot(page, 'billing-standin-portal');

  // The plan's limits bite: with no services allowed, registering one says so and links to upgrading.
  await page.goto('/billing/plans');
  await page.getByTestId('plan-card').first().getByRole('link', { name: 'Edit' }).click();
  await page.locator('[data-testid="plan-form"][data-ready="true"]').waitFor({ timeout: READY_MS });
  await page.getByLabel('Services', { exact: true }).fill('0');
  await page.getByRole('button', { name: 'Save plan' }).click();
  await page.waitForURL(/\/billing\/plans#plan-/);
  await page.goto('/services/register');
  await page.locator('[data-testid="register-form"][data-ready="true"]').waitFor({ timeout: READY_MS });
  await page.getByLabel('Name', { exact: true }).fill('Over the limit');
  await page.getByRole('button', { name: 'Register service' }).click();
  await page.getByTestId('upgrade-link').waitFor();
  assert.match(await page.locator('main').innerText(), /The Pro plan allows 0 services/);
  await screenshot(page, 'billing-plan-limit');

  await page.goto('/billing');
  assert.match(await page.getByTestId('standing').innerText(), /Good standing/);
  assert.match(await page.getByTestId('owning-customer').innerText(), /Grace Hopper/);
  await screenshot(page, 'billing-overview');

  await page.goto('/billing/events');
  const rows = page.getByRole('row');
  await rows.first().waitFor();
  const text = await page.locator('main').innerText();
  for (const type of ['checkout.session.completed', 'customer.subscription.created', 'invoice.paid']) {
    assert.ok(text.includes(type), `${type} is listed`);
  }
  assert.ok(!/failed/.test(await page.locator('tbody').innerText()), 'no event failed');
  await screenshot(page, 'billing-events');
}));
