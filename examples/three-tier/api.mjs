// Three-tier example, tier 2: an API that counts visits in the store (STORE_URL) and reports the chain.
import { createServer } from 'node:http';
import { hostname } from 'node:os';

const port = Number(process.env.PORT ?? 8081);
const host = process.env.HOST || '127.0.0.1';
const self = `api@${process.env.CONTINUUM_SITE || hostname()}`;
const storeUrl = (process.env.STORE_URL ?? 'http://127.0.0.1:8082').replace(/\/+$/, '');

const send = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
};

const server = createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/healthz') return send(res, 200, { status: 'ok', api: self });
  if (path !== '/api/visit') return send(res, 404, { error: 'not found', path });
  try {
    const r = await fetch(`${storeUrl}/items/visits/incr`, { method: 'POST', signal: AbortSignal.timeout(3000) });
    const body = await r.json();
    if (!r.ok) return send(res, 502, { api: self, store: body.store ?? null, error: `store answered ${r.status}` });
    return send(res, 200, { api: self, store: body.store, count: body.value });
  } catch (err) {
    return send(res, 502, {
      api: self,
      store: null,
      error: `store unreachable at ${storeUrl}: ${err?.message ?? err}`,
    });
  }
});

server.listen(port, host, () => {
  const { port: actual } = server.address();
  console.log(`api listening on http://${host}:${actual} (store at ${storeUrl})`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
