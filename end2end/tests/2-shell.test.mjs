// End-to-end tests of the app shell: dashboard, navigation, theme toggle, mobile drawer, 404 and health endpoints.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE_URL, isOnScreen, launchBrowser, screenshot, waitUntil, withPage } from '../lib/browser.mjs';
import { AUTH_STATE } from '../lib/auth.mjs';

const NAV_LINKS = [
  'Dashboard', 'Services', 'Templates', 'Containers', 'Secrets',
  'Integrations', 'Monitoring', 'Billing', 'Audit log', 'Settings',
];
const HYDRATED_MS = 30_000; // debug WASM can take a while to load and hydrate
const MAIN_NAV = 'nav[aria-label="Main"]';
const THEME_TOGGLE = 'button[data-testid="theme-toggle"][data-ready="true"]';
const NAV_TOGGLE = 'button[data-testid="nav-toggle"][data-ready="true"]';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const htmlIsDark = (page) => page.evaluate(() => document.documentElement.classList.contains('dark'));
const h1Text = async (page) => (await page.locator('h1').innerText()).trim();

test('dashboard renders with stats and the main navigation', () => withPage(browser, { storageState: AUTH_STATE, }, async (page) => {
  const res = await page.goto('/');
  assert.equal(res.status(), 200);
  assert.equal(await h1Text(page), 'Dashboard');
  const stat = page.locator('[data-testid="stat-services"]');
  await stat.waitFor({ state: 'visible' });
  assert.match(await stat.innerText(), /(^|\D)0(\D|$)/, 'a fresh install has 0 services');
  const nav = page.locator(MAIN_NAV);
  assert.ok(await nav.isVisible(), 'main nav is visible on a desktop viewport');
  for (const name of NAV_LINKS) {
    const link = nav.getByRole('link', { name, exact: true });
    assert.ok(await link.first().isVisible(), `nav link "${name}" is visible`);
  }
  await screenshot(page, 'dashboard');
}));

test('theme toggle hydrates, switches to dark without navigating, and persists', () => withPage(browser, { storageState: AUTH_STATE, }, async (page) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await page.locator(THEME_TOGGLE).waitFor({ timeout: HYDRATED_MS });
  assert.equal(await htmlIsDark(page), false, 'light color scheme starts in light theme');
  await page.evaluate(() => { window.__marker = 1; });
  await page.locator(THEME_TOGGLE).click();
  await page.waitForFunction(() => document.documentElement.classList.contains('dark'), null, { timeout: 5_000 });
  assert.equal(await page.evaluate(() => window.__marker), 1, 'toggling the theme must not reload the page');
  assert.equal(await page.evaluate(() => localStorage.getItem('gantry-theme')), 'dark');
  await page.reload();
  await page.waitForFunction(() => document.documentElement.classList.contains('dark'), null, { timeout: HYDRATED_MS });
  assert.equal(await page.evaluate(() => window.__marker), undefined, 'reload really happened');
  await screenshot(page, 'dashboard-dark');
  assert.deepEqual(errors, [], 'no uncaught errors in the page');
}));

test('mobile navigation drawer opens and closes', () => withPage(browser, { storageState: AUTH_STATE,  viewport: { width: 390, height: 844 } }, async (page) => {
  await page.goto('/');
  const nav = page.locator(MAIN_NAV);
  assert.equal(await isOnScreen(nav), false, 'main nav is hidden on a phone until opened');
  const toggle = page.locator(NAV_TOGGLE);
  await toggle.waitFor({ timeout: HYDRATED_MS });
  await toggle.click();
  await waitUntil(() => isOnScreen(nav), 'main nav to open');
  await waitUntil(() => isOnScreen(nav.getByRole('link', { name: 'Services', exact: true }).first()), 'Services link on screen');
  await screenshot(page, 'mobile-nav-open');
  await page.keyboard.press('Escape');
  try {
    await waitUntil(async () => !(await isOnScreen(nav)), 'nav to close on Escape', 2_000);
  } catch {
    await toggle.click(); // no Escape handling: the toggle must close it
    await waitUntil(async () => !(await isOnScreen(nav)), 'nav to close on toggle click');
  }
}));

test('a coming-soon module page is reachable from the navigation', () => withPage(browser, { storageState: AUTH_STATE, }, async (page) => {
  await page.goto('/');
  await page.locator(THEME_TOGGLE).waitFor({ timeout: HYDRATED_MS }); // click only after hydration
  await page.locator(MAIN_NAV).getByRole('link', { name: 'Integrations', exact: true }).first().click();
  await page.waitForURL((url) => url.pathname.endsWith('/integrations'));
  await page.locator('h1', { hasText: 'Integrations' }).waitFor();
  assert.equal(await h1Text(page), 'Integrations');
  await page.getByText('Coming soon').first().waitFor({ state: 'visible' });
  const direct = await fetch(`${BASE_URL}/integrations`);
  assert.equal(direct.status, 200, 'deep link to /integrations works');
}));

test('unknown pages answer 404 with a friendly page', () => withPage(browser, { storageState: AUTH_STATE, }, async (page) => {
  const res = await page.goto('/definitely-not-a-page');
  assert.equal(res.status(), 404);
  await page.getByText('Page not found').first().waitFor({ state: 'visible' });
}));

test('health endpoints answer JSON with a request id', async () => {
  const ids = [];
  for (const endpoint of ['/healthz', '/readyz']) {
    const res = await fetch(BASE_URL + endpoint);
    assert.equal(res.status, 200, `${endpoint} status`);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/, `${endpoint} content-type`);
    assert.equal((await res.json()).status, 'ok', `${endpoint} body status`);
    const id = res.headers.get('x-request-id');
    assert.ok(id, `${endpoint} has an x-request-id header`);
    ids.push(id);
  }
  assert.notEqual(ids[0], ids[1], 'each request gets its own id');
});

test('the audit log lists the sign-in journey and verifies its chain', () => withPage(browser, { storageState: AUTH_STATE }, async (page) => {
  await page.goto('/audit');
  assert.equal(await h1Text(page), 'Audit log');
  const body = await page.locator('main').innerText();
  for (const action of ['auth.setup', 'auth.mfa.enrolled', 'auth.login.succeeded', 'auth.session.revoked', 'auth.recovery_code.used']) {
    assert.ok(body.includes(action), `the log shows ${action}`);
  }
  await page.goto('/audit?action=auth.session');
  const filtered = await page.locator('main tbody').innerText();
  assert.ok(filtered.includes('auth.session.revoked') && !filtered.includes('auth.setup'), 'the action filter narrows the list');
  await page.waitForSelector('[data-testid="verify-chain"][data-ready="true"]', { timeout: HYDRATED_MS });
  await page.getByTestId('verify-chain').click();
  await page.getByTestId('verify-chain-result').getByText(/Chain intact: \d+ entries checked/).waitFor();
  await screenshot(page, 'audit-log');
}));
