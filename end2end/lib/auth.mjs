// Sign-in helpers for the end-to-end tests: TOTP codes from oathtool, and the state shared
// between test files (the admin's credentials and a signed-in browser state).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { OUTPUT_DIR } from './browser.mjs';

export const ADMIN = { email: 'ada@example.com', name: 'Ada Lovelace', password: 'quartz lantern orbit meadow 42' };
export const AUTH_STATE = path.join(OUTPUT_DIR, 'auth-state.json');
export const SECRETS_SEEN = path.join(OUTPUT_DIR, 'secrets-seen.json');
/** The admin's TOTP key and the last time step used, left by the journey for later files. */
export const ADMIN_TOTP = path.join(OUTPUT_DIR, 'admin-totp.json');

const STEP = 30;
const stepNow = () => Math.floor(Date.now() / 1000 / STEP);

/** The TOTP code of `key` (base32) for time step `step`, computed by oathtool, not by Gantry. */
export function codeForStep(key, step) {
  return execFileSync('oathtool', ['--totp', '-b', '--now', `@${step * STEP}`, key], { encoding: 'utf8' }).trim();
}

/**
 * A code the server will accept after `lastStep` was used: the server allows one step of skew,
 * so a step ahead of now works; when even that was used, wait for time to move on.
 */
export async function freshCode(key, lastStep) {
  for (;;) {
    const step = Math.max(lastStep + 1, stepNow());
    if (step <= stepNow() + 1) return { code: codeForStep(key, step), step };
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Remembers every secret the suite handled, so the runner can prove none reached the logs. */
export function rememberSecrets(values) {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  const seen = fs.existsSync(SECRETS_SEEN) ? JSON.parse(fs.readFileSync(SECRETS_SEEN, 'utf8')) : [];
  fs.writeFileSync(SECRETS_SEEN, JSON.stringify([...new Set([...seen, ...values])]));
}
