// Browser helpers for the end-to-end tests: Debian Chromium via playwright-core, fresh contexts, screenshots.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE_URL = process.env.GANTRY_E2E_URL;
export const OUTPUT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'output');

// The distribution's Chromium; never `npx playwright install` (it downloads a browser, which fails offline).
export const CHROMIUM_PATH = process.env.GANTRY_E2E_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches Chromium; playwright gives it a fresh temporary user-data dir and removes it on close. */
export function launchBrowser() {
  if (!BASE_URL) throw new Error('GANTRY_E2E_URL is not set: run the tests through end2end/run.mjs');
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** Runs fn(page, context) in a fresh context (light scheme, baseURL set) and always closes it. */
export async function withPage(browser, options, fn) {
  const context = await browser.newContext({ colorScheme: 'light', baseURL: BASE_URL, ...options });
  try {
    return await fn(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

/** Saves a full-page screenshot to end2end/output/<name>.png and returns its path. */
export async function screenshot(page, name) {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  const file = path.join(OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** True when the element is rendered, not transparent, and partly inside the viewport (off-canvas drawers count as hidden). */
export async function isOnScreen(locator) {
  if (!(await locator.isVisible())) return false;
  const opaque = await locator.evaluate((el) => {
    for (let e = el; e; e = e.parentElement) if (getComputedStyle(e).opacity === '0') return false;
    return true;
  });
  if (!opaque) return false;
  const box = await locator.boundingBox();
  const vp = locator.page().viewportSize();
  if (!box || !vp) return false;
  return box.x < vp.width && box.y < vp.height && box.x + box.width > 0 && box.y + box.height > 0;
}

/** Polls check() until it returns true; throws with `what` after timeoutMs. */
export async function waitUntil(check, what, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}
