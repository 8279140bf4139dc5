// End-to-end runner: fresh database + server on a free port, runs end2end/tests/ with node:test, always cleans up.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT = path.join(REPO, 'end2end', 'output');
const LOG = path.join(OUTPUT, 'server.log');
const TARGET = path.resolve(REPO, process.env.CARGO_TARGET_DIR || 'target');
const BIN = path.resolve(process.env.GANTRY_E2E_BIN || path.join(TARGET, 'debug', 'gantry'));
const SITE_ROOT = path.resolve(process.env.GANTRY_E2E_SITE_ROOT || path.join(REPO, 'target', 'site'));
const ADMIN_URL = process.env.GANTRY_E2E_PG || 'postgres://postgres@127.0.0.1:5432/postgres';
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;

const log = (msg) => console.error(`[e2e] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function psql(sql) {
  const r = spawnSync('psql', [ADMIN_URL, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { encoding: 'utf8' });
  if (r.error) throw new Error(`psql could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`psql failed (${sql}): ${r.stderr.trim()}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function logTail(lines = 40) {
  try {
    return fs.readFileSync(LOG, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

// State the cleanup needs; filled in as resources are acquired.
const state = { db: null, dataDir: null, server: null, serverExit: null, tests: null, cleaning: null, signalExit: null };

function stopServer() {
  const { server } = state;
  if (!server?.pid || server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  server.kill('SIGTERM');
  const timeout = sleep(STOP_TIMEOUT_MS).then(() => 'timeout');
  return Promise.race([state.serverExit, timeout]).then(async (r) => {
    if (r === 'timeout') {
      log(`server did not stop within ${STOP_TIMEOUT_MS / 1000} s, sending SIGKILL`);
      server.kill('SIGKILL');
      await state.serverExit;
    }
  });
}

function cleanup() {
  state.cleaning ??= (async () => {
    try { await stopServer(); } catch (e) { log(`stopping server: ${e.message}`); }
    if (state.db) {
      try { psql(`drop database if exists "${state.db}" with (force)`); } catch (e) { log(e.message); }
    }
    if (state.dataDir) fs.rmSync(state.dataDir, { recursive: true, force: true });
  })();
  return state.cleaning;
}

async function waitReady(url) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (state.server.exitCode !== null || state.server.signalCode !== null) {
      const how = state.server.exitCode ?? state.server.signalCode;
      throw new Error(`server exited (${how}) before it was ready`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e.cause?.code || e.message;
    }
    await sleep(250);
  }
  throw new Error(`${url} not ready after ${READY_TIMEOUT_MS / 1000} s (last: ${last})`);
}

async function main() {
  if (!fs.existsSync(BIN)) throw new Error(`server binary not found: ${BIN} (build it or set GANTRY_E2E_BIN)`);
  if (!fs.existsSync(SITE_ROOT)) log(`warning: site root ${SITE_ROOT} does not exist (set GANTRY_E2E_SITE_ROOT)`);
  fs.mkdirSync(OUTPUT, { recursive: true });
  for (const stale of ['secrets-seen.json', 'auth-state.json']) fs.rmSync(path.join(OUTPUT, stale), { force: true });

  state.db = `gantry_e2e_${randomBytes(6).toString('hex')}`;
  psql(`create database "${state.db}"`);
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${state.db}`;
  state.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-e2e-'));
  const port = await freePort();
  const addr = `127.0.0.1:${port}`;
  const baseUrl = `http://${addr}`;

  const logFd = fs.openSync(LOG, 'w');
  log(`database ${state.db}, server ${baseUrl}, log ${path.relative(REPO, LOG)}`);
  // Own process group: a terminal Ctrl-C reaches only us; cleanup() decides how the server stops.
  state.server = spawn(BIN, [], {
    cwd: REPO,
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: {
      ...process.env,
      DATABASE_URL: dbUrl.href,
      GANTRY_LISTEN: addr,
      GANTRY_SITE_ROOT: SITE_ROOT,
      GANTRY_DATA_DIR: state.dataDir,
      LEPTOS_SITE_ADDR: addr,
      LEPTOS_SITE_ROOT: SITE_ROOT,
      // The test setup's private Docker engine (no bridge network: containers run on `none`).
      ...(process.env.GANTRY_TEST_DOCKER_HOST
        ? { GANTRY_DOCKER_HOST: process.env.GANTRY_TEST_DOCKER_HOST, GANTRY_DOCKER_NETWORK: 'none' }
        : {}),
    },
  });
  fs.closeSync(logFd);
  state.serverExit = new Promise((resolve) => {
    state.server.once('exit', resolve);
    state.server.once('error', resolve); // failed to spawn: there will be no 'exit'
  });
  await new Promise((resolve, reject) => {
    state.server.once('spawn', resolve);
    state.server.once('error', reject);
  });

  try {
    await waitReady(`${baseUrl}/readyz`);
  } catch (e) {
    throw new Error(`${e.message}\n--- last lines of ${LOG} ---\n${logTail()}`);
  }
  log('server ready; running tests');

  const extra = process.argv.slice(2); // e.g. --test-name-pattern=Health
  state.tests = spawn(process.execPath, ['--test', '--test-concurrency=1', ...extra, 'end2end/tests/'], {
    cwd: REPO,
    stdio: 'inherit',
    env: { ...process.env, GANTRY_E2E_URL: baseUrl, GANTRY_E2E_DB: dbUrl.href },
  });
  const [code, signal] = await new Promise((resolve) => state.tests.once('exit', (c, s) => resolve([c, s])));
  await stopServer();
  const leaked = secretsInLog();
  if (leaked > 0) {
    log(`FAIL: ${leaked} secret value(s) handled by the tests appear in ${path.relative(REPO, LOG)}`);
    return 1;
  }
  return code ?? (signal ? 1 : 0);
}

/** Counts the passwords, TOTP keys and recovery codes the tests used that show up in the server log. */
function secretsInLog() {
  const seenFile = path.join(OUTPUT, 'secrets-seen.json');
  if (!fs.existsSync(seenFile)) return 0;
  const secrets = JSON.parse(fs.readFileSync(seenFile, 'utf8'));
  const text = fs.readFileSync(LOG, 'utf8');
  log(`checking the server log for ${secrets.length} secret value(s) the tests handled`);
  return secrets.filter((secret) => secret && text.includes(secret)).length;
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    if (state.signalExit !== null) return;
    state.signalExit = 128 + os.constants.signals[sig];
    log(`${sig}: cleaning up`);
    state.tests?.kill(sig);
    await cleanup();
    process.exit(state.signalExit);
  });
}
// Last resort if we die without running cleanup(): never leave a server behind.
process.on('exit', () => {
  if (state.server && state.server.exitCode === null && state.server.signalCode === null) {
    try { state.server.kill('SIGKILL'); } catch {}
  }
});

let exitCode = 1;
try {
  exitCode = await main();
} catch (e) {
  if (state.signalExit === null) log(`error: ${e.message}`);
} finally {
  await cleanup();
}
process.exit(state.signalExit ?? exitCode);
