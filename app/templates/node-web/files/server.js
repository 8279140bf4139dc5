'use strict';

// A small web app on node:http, with no dependencies. Everything it needs comes from the
// environment:
//   PORT            the port to listen on (default 3000)
//   HEALTH_PATH     the health endpoint (default /healthz; empty means the platform checks the
//                   port over TCP, and /healthz is still served)
//   APP_TITLE       the title of the home page
//   NODE_ENV        production or development
//   SESSION_SECRET  signs the visit-counter cookie; required in production
//
// `node server.js healthcheck` checks a running server and exits 0 when it is healthy.

const crypto = require('node:crypto');
const http = require('node:http');
const net = require('node:net');

const PORT = Number.parseInt(process.env.PORT || '3000', 10);
const HEALTH_PATH = process.env.HEALTH_PATH ?? '/healthz';
const HEALTH_ROUTE = HEALTH_PATH.startsWith('/') ? HEALTH_PATH : '/healthz';
const APP_TITLE = process.env.APP_TITLE || 'My app';
const NODE_ENV = process.env.NODE_ENV || 'production';
const DEVELOPMENT = NODE_ENV === 'development';

if (process.argv[2] === 'healthcheck') {
  healthcheck();
} else {
  start();
}

function healthcheck() {
  const fail = () => process.exit(1);
  if (HEALTH_PATH === '') {
    const socket = net.connect({ host: '127.0.0.1', port: PORT }, () => {
      socket.end();
      process.exit(0);
    });
    socket.setTimeout(3000, fail);
    socket.on('error', fail);
    return;
  }
  const request = http.get({ host: '127.0.0.1', port: PORT, path: HEALTH_ROUTE, timeout: 3000 }, (response) => {
    response.resume();
    process.exit(response.statusCode === 200 ? 0 : 1);
  });
  request.on('timeout', fail);
  request.on('error', fail);
}

function sessionSecret() {
  if (process.env.SESSION_SECRET) {
    return process.env.SESSION_SECRET;
  }
  if (!DEVELOPMENT) {
    console.error('SESSION_SECRET is not set; it is required when NODE_ENV is production.');
    process.exit(1);
  }
  console.warn('SESSION_SECRET is not set: using a random one, so cookies do not survive a restart.');
  return crypto.randomBytes(32).toString('hex');
}

function escapeHtml(text) {
  return String(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function sign(value, secret) {
  return crypto.createHmac('sha256', secret).update(value).digest('base64url');
}

// The number of visits from a signed cookie "visits=<count>.<signature>"; 0 if absent or forged.
function visitsFrom(cookieHeader, secret) {
  for (const part of (cookieHeader || '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name !== 'visits') continue;
    const [count, signature] = rest.join('=').split('.');
    if (!count || !signature) return 0;
    const expected = Buffer.from(sign(count, secret));
    const presented = Buffer.from(signature);
    if (expected.length === presented.length && crypto.timingSafeEqual(expected, presented)) {
      const visits = Number.parseInt(count, 10);
      return Number.isSafeInteger(visits) && visits >= 0 ? visits : 0;
    }
    return 0;
  }
  return 0;
}

function page(title, visits) {
  const times = visits === 1 ? 'once' : `${visits} times`;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)}</title>
  <style>
    :root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
    body { margin: 0; min-height: 100vh; display: grid; place-items: center; }
    main { max-width: 40rem; padding: 2rem; text-align: center; }
    p { line-height: 1.6; opacity: 0.8; }
  </style>
</head>
<body>
  <main>
    <h1>${escapeHtml(title)}</h1>
    <p>You have opened this page ${times}; the count lives in a cookie signed with SESSION_SECRET.</p>
    <p>Edit <code>server.js</code> to make this app your own.</p>
  </main>
</body>
</html>
`;
}

function start() {
  const secret = sessionSecret();

  const server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url || '/', 'http://localhost');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (DEVELOPMENT) {
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        console.log(`${req.method} ${url.pathname} ${res.statusCode} ${ms.toFixed(1)}ms`);
      });
    }

    if (url.pathname === HEALTH_ROUTE) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end('ok\n');
      return;
    }
    if (url.pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
      const visits = visitsFrom(req.headers.cookie, secret) + 1;
      const cookie = `visits=${visits}.${sign(String(visits), secret)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000`;
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
        'Set-Cookie': DEVELOPMENT ? cookie : `${cookie}; Secure`,
      });
      res.end(req.method === 'HEAD' ? undefined : page(APP_TITLE, visits));
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
  });

  server.listen(PORT, () => {
    console.log(`${APP_TITLE}: listening on port ${PORT} (${NODE_ENV}), health endpoint ${HEALTH_ROUTE}`);
  });

  // docker stop and Kubernetes send SIGTERM: finish the requests in flight, then exit.
  const shutdown = (signal) => {
    console.log(`${signal} received, shutting down`);
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
