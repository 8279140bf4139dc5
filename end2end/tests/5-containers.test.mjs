// End-to-end tests of containers: upload a template that builds offline, create a service from it,
// deploy it and watch the build, see its live logs, run `echo hello` in its terminal after a TOTP
// step-up, deploy again and roll back to the first deployment.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, screenshot, waitUntil, withPage } from '../lib/browser.mjs';
import { ADMIN_TOTP, AUTH_STATE, freshCode } from '../lib/auth.mjs';

const READY_MS = 30_000;
const DEPLOY_MS = 120_000;
const BASE_IMAGE = process.env.GANTRY_TEST_BASE_IMAGE || 'gantry-test/busybox:1';
let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => {
  await browser?.close();
  // The test engine is shared with later runs: take this test's containers away.
  const host = process.env.GANTRY_TEST_DOCKER_HOST;
  if (!host) return;
  const ids = spawnSync('docker', ['-H', host, 'ps', '-aq', '--filter', 'label=gantry.service=hello-box'], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean);
  if (ids.length) spawnSync('docker', ['-H', host, 'rm', '-f', ...ids]);
});

/** A template folder packed as .tar.gz: busybox httpd serving a page and a health file. */
function templateArchive() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-template-'));
  const root = path.join(dir, 'hello-box');
  const files = {
    'template.toml': `id = "hello-box"
name = "Hello box"
description = "busybox httpd serving a greeting; builds without a registry."
version = "1.0.0"
category = "web"

[defaults]
port = 8080
cpu_millis = 250
memory_mb = 64
replicas = 1
health_path = "/healthz"

[[steps]]
id = "page"
title = "Page"
description = "What the page says."

[[parameters]]
name = "greeting"
label = "Greeting"
type = "string"
step = "page"
default = "hello"
required = true
`,
    'files/Dockerfile': `FROM ${BASE_IMAGE}\nCOPY www /www\nCMD ["httpd", "-f", "-v", "-p", "{{ resources.port }}", "-h", "/www"]\n`,
    'files/www/healthz': 'ok\n',
    'files/www/index.html': '<h1>{{ params.greeting }}</h1>\n',
  };
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), content);
  }
  const archive = path.join(dir, 'hello-box.tgz');
  const packed = spawnSync('tar', ['czf', archive, '-C', dir, 'hello-box'], { encoding: 'utf8' });
  assert.equal(packed.status, 0, packed.stderr);
  return archive;
}

/** Makes every session's last TOTP entry older than the step-up window, as time would. */
function expireStepUp() {
  const r = spawnSync('psql', [process.env.GANTRY_E2E_DB, '-qAtc', "update user_sessions set mfa_at = now() - interval '10 minutes'"], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

async function waitForDeployment(page, status) {
  await page.locator('[data-testid="live-deployment"][data-ready="true"]').waitFor({ timeout: READY_MS });
  await page.locator(`[data-testid="live-status"][data-status="${status}"]`).waitFor({ timeout: DEPLOY_MS });
}

test('a template service is deployed, its logs followed, its shell used and a deployment rolled back', { timeout: 600_000 }, () => withPage(browser, { storageState: AUTH_STATE }, async (page) => {
  const totp = JSON.parse(fs.readFileSync(ADMIN_TOTP, 'utf8'));

  await page.goto('/templates/upload');
  await page.locator('form[data-ready="true"]').waitFor({ timeout: READY_MS });
  await page.getByLabel('Template archive').setInputFiles(templateArchive());
  await page.getByRole('button', { name: 'Check and add' }).click();
  await page.waitForURL('**/templates/hello-box');
  await page.getByText('Hello box').first().waitFor();
  await screenshot(page, 'template-uploaded');

  await page.goto('/services/new');
  const card = page.locator('[data-testid="choose-template"]', { hasText: 'Hello box' });
  await card.locator('div[data-ready="true"] button').waitFor({ timeout: READY_MS });
  await card.getByTestId('use-template').click();
  await page.locator('[data-testid="params-form"][data-ready="true"]').waitFor({ timeout: READY_MS });
  await page.getByLabel(/^Greeting/).fill('hello from the wizard');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await page.locator('[data-testid="naming-form"][data-ready="true"]').waitFor({ timeout: READY_MS });
  await page.getByLabel('Name', { exact: true }).fill('Hello Box');
  for (const env of ['staging', 'development']) {
    const box = page.locator(`input[name="form[${env}]"]`);
    if (await box.isChecked()) await box.uncheck();
  }
  await page.getByRole('button', { name: 'Save and review' }).click();
  await page.locator('[data-testid="create-buttons"][data-ready="true"]').waitFor({ timeout: READY_MS });
  await page.getByTestId('create-service').click();
  await page.waitForURL('**/services/hello-box');

  // Deploy: the build's output streams in and the four steps fill up.
  await page.goto('/services/hello-box?tab=deployments');
  await page.getByText('Nothing deployed yet').waitFor();
  await screenshot(page, 'deployments-empty');
  await page.locator('div[data-ready="true"] [data-testid="deploy-production"]').click();
  await page.waitForURL(/\/services\/hello-box\/deployments\/[0-9a-f-]{36}$/);
  const firstDeployment = page.url();
  await page.locator('[data-testid="live-deployment"][data-ready="true"]').waitFor({ timeout: READY_MS });
  await waitUntil(async () => (await page.getByTestId('deploy-log').innerText()).includes('Step 1/'), 'build output in the log', DEPLOY_MS);
  await screenshot(page, 'deployment-building');
  await waitForDeployment(page, 'succeeded');
  assert.match(await page.getByTestId('deploy-log').innerText(), /healthy/);
  await screenshot(page, 'deployment-succeeded');

  // The container: its page, live logs and a shell.
  await page.goto('/containers?managed=gantry');
  const row = page.locator('[data-testid="container-row"]').first();
  await row.waitFor();
  await waitUntil(async () => (await row.getByTestId('memory').innerText()).includes('MiB'), 'live memory figures', 20_000);
  await screenshot(page, 'containers');
  await row.locator('a').first().click();
  await page.waitForURL(/\/containers\/[0-9a-f]{64}$/);

  await page.locator('[data-testid="log-viewer"][data-ready="true"]').waitFor({ timeout: READY_MS });
  await page.getByTestId('logs-follow').click();
  await page.locator('[data-testid="terminal"][data-ready="true"]').waitFor({ timeout: READY_MS });
  expireStepUp();
  await page.getByTestId('terminal-open').click();
  await page.getByLabel('Authenticator code').waitFor();
  const { code, step } = await freshCode(totp.key, totp.lastStep);
  totp.lastStep = step;
  fs.writeFileSync(ADMIN_TOTP, JSON.stringify(totp));
  await page.getByLabel('Authenticator code').fill(code);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.locator('[data-testid="terminal"][data-phase="open"]').waitFor({ timeout: READY_MS });
  await page.getByTestId('terminal-screen').click();
  await page.keyboard.type('echo hel""lo\n');
  await waitUntil(async () => /^hello$/m.test(await page.getByTestId('terminal-screen').innerText()), 'hello in the terminal', 10_000);
  await page.keyboard.type('echo marker-from-e2e > /proc/1/fd/1\n');
  await waitUntil(async () => (await page.getByTestId('log-lines').innerText()).includes('marker-from-e2e'), 'the line in the live logs', 10_000);
  await screenshot(page, 'container-terminal-and-logs');
  await page.getByTestId('terminal-close').click();

  // Deploy again, then roll back to the first deployment.
  await page.goto('/services/hello-box?tab=deployments');
  await page.locator('div[data-ready="true"] [data-testid="deploy-production"]').click();
  await page.waitForURL(/\/deployments\//);
  await waitForDeployment(page, 'succeeded');
  await page.goto('/services/hello-box?tab=deployments');
  const first = page.locator(`[data-testid="deployment-row"]:has(a[href="${new URL(firstDeployment).pathname}"])`);
  await first.locator('[data-testid="rollback-control"][data-ready="true"]').waitFor({ timeout: READY_MS });
  await first.getByTestId('rollback').click();
  await screenshot(page, 'deployments-rollback-confirm');
  await first.getByTestId('rollback-confirm').click();
  await page.waitForURL(/\/deployments\//);
  assert.notEqual(page.url(), firstDeployment);
  await waitForDeployment(page, 'succeeded');
  assert.match(await page.getByTestId('deploy-log').innerText(), /Rolling back to image/);
  await page.goto('/services/hello-box?tab=deployments');
  assert.equal(await page.locator('[data-testid="deployment-row"]').count(), 3);
  await screenshot(page, 'deployments');
}));
