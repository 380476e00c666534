// Three-tier example, tier 1: the user-facing service; calls the api (API_URL) and proves the whole chain.
import { createServer } from 'node:http';
import { hostname } from 'node:os';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST || '127.0.0.1';
const self = `frontend@${process.env.CONTINUUM_SITE || hostname()}`;
const apiUrl = (process.env.API_URL ?? 'http://127.0.0.1:8081').replace(/\/+$/, '');

const send = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
};

const server = createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/healthz') return send(res, 200, { status: 'ok', frontend: self });
  if (path !== '/') return send(res, 404, { error: 'not found', path });
  try {
    const r = await fetch(`${apiUrl}/api/visit`, { signal: AbortSignal.timeout(5000) });
    const body = await r.json();
    if (!r.ok) {
      return send(res, 502, {
        frontend: 'ok',
        api: body.api ? 'ok' : 'error',
        store: 'error',
        error: body.error,
        chain: [self, body.api].filter(Boolean),
      });
    }
    return send(res, 200, {
      frontend: 'ok',
      api: 'ok',
      store: 'ok',
      visits: body.count,
      chain: [self, body.api, body.store],
    });
  } catch (err) {
    return send(res, 502, {
      frontend: 'ok',
      api: 'unreachable',
      store: 'unknown',
      error: `api unreachable at ${apiUrl}: ${err?.message ?? err}`,
      chain: [self],
    });
  }
});

server.listen(port, host, () => {
  const { port: actual } = server.address();
  console.log(`frontend listening on http://${host}:${actual} (api at ${apiUrl})`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
