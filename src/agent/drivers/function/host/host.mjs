// The function host: runs inside one confined instance, loads the function module and serves its handler over HTTP.
// argv: <module path> <export name>. The instance's only port (PORT_CONTINUUM_FN) is where the agent's front forwards
// calls; CONTINUUM_FUNCTION_PORTS (JSON name -> public port) becomes PORT / PORT_<NAME>, as the function's callers see.
// The handler gets a web-standard Request and returns a Response, or a string / object / undefined (made into one).
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

const [modulePath, exportName = 'default'] = process.argv.slice(2);
const invokePort = Number(process.env.PORT_CONTINUUM_FN);
const publicPorts = JSON.parse(process.env.CONTINUUM_FUNCTION_PORTS || '{}');
delete process.env.PORT_CONTINUUM_FN;
delete process.env.PORT;
delete process.env.CONTINUUM_FUNCTION_PORTS;
Object.entries(publicPorts).forEach(([name, port], i) => {
  if (i === 0) process.env.PORT = String(port);
  process.env[`PORT_${name.toUpperCase().replace(/-/g, '_')}`] = String(port);
});

let inflight = 0;
let stopping = false;
/** @type {import('node:http').Server | undefined} */
let server;
const drained = [];
process.on('SIGTERM', () => {
  stopping = true;
  server?.close();
  if (inflight === 0) process.exit(0);
  drained.push(() => process.exit(0));
});

const mod = await import(pathToFileURL(modulePath).href);
const handler = mod[exportName];
if (typeof handler !== 'function') {
  process.stderr.write(`function host: ${modulePath} has no exported function ${exportName}\n`);
  process.exit(64);
}

/** A Response from whatever the handler returned. */
function toResponse(out) {
  if (out instanceof Response) return out;
  if (out === undefined || out === null) return new Response(null, { status: 204 });
  if (typeof out === 'string' || out instanceof Uint8Array) return new Response(out);
  return Response.json(out);
}

async function serve(req, res) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = chunks.length && req.method !== 'GET' && req.method !== 'HEAD' ? Buffer.concat(chunks) : undefined;
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  const request = new Request(`http://${req.headers.host ?? 'function'}${req.url}`, {
    method: req.method,
    headers,
    body,
  });
  let response;
  try {
    response = toResponse(await handler(request));
  } catch (e) {
    process.stderr.write(`function handler failed: ${e?.stack ?? e}\n`);
    response = Response.json({ error: 'function handler failed' }, { status: 500 });
  }
  const buf = Buffer.from(await response.arrayBuffer());
  const out = {};
  response.headers.forEach((v, k) => (out[k] = v));
  out['content-length'] = String(buf.length);
  res.writeHead(response.status, out).end(buf);
}

server = createServer((req, res) => {
  inflight++;
  serve(req, res)
    .catch(() => res.destroy())
    .finally(() => {
      inflight--;
      if (stopping && inflight === 0) for (const f of drained.splice(0)) f();
    });
});
server.keepAliveTimeout = 60_000;
server.listen(invokePort, '127.0.0.1');
