// Three-tier example, tier 3: a small JSON key-value store over HTTP, persisted to store.json in its cwd.
import { createServer } from 'node:http';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

const port = Number(process.env.PORT ?? 8082);
const host = process.env.HOST || '127.0.0.1';
const self = `store@${process.env.CONTINUUM_SITE || hostname()}`;
const file = join(process.cwd(), 'store.json');

/** @type {Record<string, unknown>} */
const items = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};

/** Writes the whole map atomically (temp file + rename), so a crash never leaves half a file. */
function persist() {
  writeFileSync(`${file}.tmp`, JSON.stringify(items, null, 2));
  renameSync(`${file}.tmp`, file);
}

const send = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify({ ...body, store: self })}\n`);
};

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : null;
}

const server = createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/healthz') return send(res, 200, { status: 'ok' });
  const m = /^\/items\/([^/]+)(\/incr)?$/.exec(path);
  if (!m) return send(res, 404, { error: 'not found', path });
  const key = decodeURIComponent(m[1]);
  try {
    if (m[2] && req.method === 'POST') {
      // Atomic increment: the api tier uses this so concurrent visits are never lost.
      const value = (typeof items[key] === 'number' ? items[key] : 0) + 1;
      items[key] = value;
      persist();
      return send(res, 200, { key, value });
    }
    if (m[2]) return send(res, 405, { error: 'use POST' });
    if (req.method === 'GET') {
      if (!(key in items)) return send(res, 404, { error: 'no such key', key });
      return send(res, 200, { key, value: items[key] });
    }
    if (req.method === 'PUT') {
      const body = await readBody(req);
      // Accept either {"value": ...} or any bare JSON value.
      items[key] = body !== null && typeof body === 'object' && 'value' in body ? body.value : body;
      persist();
      return send(res, 200, { key, value: items[key] });
    }
    if (req.method === 'DELETE') {
      delete items[key];
      persist();
      return send(res, 200, { key, deleted: true });
    }
    return send(res, 405, { error: 'method not allowed' });
  } catch (err) {
    return send(res, 400, { error: String(err?.message ?? err) });
  }
});

server.listen(port, host, () => {
  const { port: actual } = server.address();
  console.log(`store listening on http://${host}:${actual} (data in ${file})`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
