// Test fixture: HTTP server on PORT and every PORT_<NAME> (HOST, default loopback), reporting env/argv/cwd, with slow readiness and graceful SIGTERM.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

const started = Date.now();
const readyAfterMs = Number(process.env.READY_AFTER_MS ?? 0);
const ports = new Set(
  Object.entries(process.env)
    .filter(([k]) => k === 'PORT' || k.startsWith('PORT_'))
    .map(([, v]) => Number(v)),
);

function handle(req, res) {
  if (req.url === '/healthz') {
    const ok = Date.now() - started >= readyAfterMs;
    res.writeHead(ok ? 200 : 503).end(ok ? 'ok' : 'warming up');
    return;
  }
  if (req.url === '/fail') {
    res.writeHead(500).end('always failing');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ pid: process.pid, env: process.env, argv: process.argv.slice(2), cwd: process.cwd() }));
}

const servers = [...ports].map((p) => createServer(handle).listen(p, process.env.HOST || '127.0.0.1'));
console.log(`listening on ${[...ports].join(',')}`);

process.on('SIGTERM', () => {
  console.log('received SIGTERM, shutting down');
  if (process.env.TERM_MARKER) writeFileSync(process.env.TERM_MARKER, `graceful ${process.pid}\n`);
  for (const s of servers) s.close();
  setTimeout(() => process.exit(0), 20);
});
