// End-to-end tests of the service wizard: choose a template, answer, reload mid-way, name, review, create, clone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { BASE_URL, launchBrowser, screenshot, withPage } from '../lib/browser.mjs';
import { AUTH_STATE } from '../lib/auth.mjs';

const READY_MS = 30_000;
let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('a person creates a service from a template in four steps, reloading mid-way, and clones its repository', () => withPage(browser, { storageState: AUTH_STATE }, async (page) => {
  await page.goto('/services');
  await page.getByText('No services yet').waitFor();
  await screenshot(page, 'services-empty');
  await page.getByTestId('new-service').first().click();
  await page.waitForURL('**/services/new');
  await screenshot(page, 'wizard-1-template');
  await page.locator('[data-testid="choose-template"]', { hasText: 'Static web site' }).locator('div[data-ready="true"] button').waitFor({ timeout: READY_MS });
  await page.locator('[data-testid="choose-template"]', { hasText: 'Static web site' }).getByTestId('use-template').click();
  await page.waitForURL(/\/services\/new\/[0-9a-f-]{36}\?step=2$/);

  await page.locator('[data-testid="params-form"][data-ready="true"]').waitFor({ timeout: READY_MS });
  const title = page.getByLabel(/^Site title/);
  await title.fill('');
  await title.fill('x'.repeat(81));
  await page.getByText('Use at most 80 characters').waitFor();
  await title.fill('Acme launch page');
  await screenshot(page, 'wizard-2-parameters');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await page.waitForURL(/step=3$/);

  // Reload mid-way: the answers of step 2 are saved, and so is step 3 once submitted.
  await page.reload();
  await page.locator('[data-testid="naming-form"][data-ready="true"]').waitFor({ timeout: READY_MS });
  await page.getByLabel('Name', { exact: true }).fill('Acme Launch');
  assert.equal(await page.getByLabel(/^Short name/).inputValue(), 'acme-launch', 'the short name follows the name');
  await screenshot(page, 'wizard-3-naming');
  await page.getByRole('button', { name: 'Save and review' }).click();
  await page.waitForURL(/step=4$/);
  await page.getByTestId('file-tree').waitFor();
  const tree = await page.getByTestId('file-tree').innerText();
  for (const file of ['Dockerfile', 'compose.yaml', 'k8s/deployment.yaml', 'README.md']) assert.ok(tree.includes(file), `the review lists ${file}`);
  assert.match(await page.getByTestId('rendered-files').innerText(), /Acme launch page/, 'the rendered files carry the answers');
  await screenshot(page, 'wizard-4-review');

  await page.goto(page.url().replace('step=4', 'step=2'));
  await page.locator('[data-testid="params-form"][data-ready="true"]').waitFor({ timeout: READY_MS });
  assert.equal(await page.getByLabel(/^Site title/).inputValue(), 'Acme launch page', 'going back keeps the answers');
  await page.goBack();

  await page.locator('[data-testid="create-buttons"][data-ready="true"]').waitFor({ timeout: READY_MS });
  await page.getByTestId('create-service').click();
  await page.waitForURL('**/services/acme-launch');
  assert.equal((await page.getByTestId('service-name').innerText()).trim(), 'Acme Launch');
  await screenshot(page, 'service-overview');
  await page.goto('/services/acme-launch?tab=configuration');
  await screenshot(page, 'service-configuration');

  const cookie = (await page.context().cookies()).find((c) => c.name === 'gantry');
  assert.ok(cookie, 'a session cookie');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-clone-'));
  const clone = spawnSync('git', ['-c', `http.extraHeader=Cookie: gantry=${cookie.value}`, 'clone', '--quiet', `${BASE_URL}/git/acme-launch.git`, path.join(dir, 'acme-launch')], { encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  assert.equal(clone.status, 0, clone.stderr);
  assert.match(fs.readFileSync(path.join(dir, 'acme-launch', 'site', 'index.html'), 'utf8'), /Acme launch page/);
  fs.rmSync(dir, { recursive: true, force: true });

  await page.goto('/services');
  await page.getByTestId('service-row').first().waitFor();
  await screenshot(page, 'services-list');
}));
