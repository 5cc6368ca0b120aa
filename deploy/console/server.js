#!/usr/bin/env node
// The console's container: serves the Angular build (static files) with the single-page-app
// fallback to index.html, long-lived caching for the hashed bundles, and /health/live +
// /health/ready for the probes. No dependencies: Node's http and fs only. The API is not proxied
// here; the ingress routes /api to the services.
//   CONSOLE_DIR (default ./browser)  PORT (default 8080)  HOST (default 0.0.0.0)
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(process.env.CONSOLE_DIR || path.join(__dirname, 'browser'));
const port = Number(process.env.PORT || 8080);
const host = process.env.HOST || '0.0.0.0';
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

if (!Number.isInteger(port) || port < 1 || port > 65535) {
  process.stderr.write(`Invalid configuration:\n  - PORT: must be an integer from 1 to 65535\n`);
  process.exit(1);
}
if (!fs.existsSync(path.join(root, 'index.html'))) {
  process.stderr.write(
    `Invalid configuration:\n  - CONSOLE_DIR: ${root} holds no index.html (build the console first)\n`,
  );
  process.exit(1);
}

function send(res, status, headers, body) {
  res.writeHead(status, { 'x-content-type-options': 'nosniff', ...headers });
  res.end(body);
}

const server = http.createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return send(res, 405, { allow: 'GET, HEAD' }, '');
  const url = new URL(req.url || '/', 'http://console');
  if (url.pathname === '/health/live' || url.pathname === '/health/ready') {
    return send(res, 200, { 'content-type': 'application/json' }, '{"ok":true}');
  }
  let file = path.join(
    root,
    path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, ''),
  );
  if (!file.startsWith(root)) return send(res, 404, {}, '');
  let stat = fs.statSync(file, { throwIfNoEntry: false });
  // an unknown path without an extension is a console route: the app decides (SPA fallback)
  const isRoute = !stat && !path.extname(file);
  if (isRoute || stat?.isDirectory()) {
    file = path.join(root, 'index.html');
    stat = fs.statSync(file);
  }
  if (!stat?.isFile()) return send(res, 404, { 'content-type': 'text/plain' }, 'not found');
  const hashed = /\.[0-9a-z]{8,}\.(js|mjs|css|woff2)$/i.test(file);
  const headers = {
    'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
    'content-length': stat.size,
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
  };
  if (req.method === 'HEAD') return send(res, 200, headers, '');
  res.writeHead(200, { 'x-content-type-options': 'nosniff', ...headers });
  fs.createReadStream(file).pipe(res);
});

server.listen(port, host, () =>
  process.stdout.write(`${JSON.stringify({ console: 'ready', port, root })}\n`),
);
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
