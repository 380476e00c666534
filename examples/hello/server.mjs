// Hello example: a tiny HTTP service that greets and says where it runs (PORT, CONTINUUM_SITE).
import { createServer } from 'node:http';
import { hostname } from 'node:os';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST || '127.0.0.1';
const site = process.env.CONTINUUM_SITE ?? null;

const send = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
};

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'method not allowed' });
  if (path === '/healthz') return send(res, 200, { status: 'ok' });
  if (path === '/') {
    return send(res, 200, {
      message: `Hello from the continuum${site ? ` at ${site}` : ''}!`,
      hostname: hostname(),
      pid: process.pid,
      site,
      workload: process.env.CONTINUUM_WORKLOAD ?? null,
    });
  }
  return send(res, 404, { error: 'not found', path });
});

server.listen(port, host, () => {
  const { port: actual } = server.address();
  console.log(`hello listening on http://${host}:${actual}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
