// The function host: runs inside one confined instance, loads the function module and serves its handler over HTTP.
// argv: <module path> <export name>. The instance's only port (PORT_CONTINUUM_FN) is where the agent's front forwards
// calls; CONTINUUM_FUNCTION_PORTS (JSON name -> public port) becomes PORT / PORT_<NAME>, as the function's callers see.
// The handler gets a Request-like object and returns a Response, a string, bytes, a JSON-able value or nothing.
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

/**
 * What the handler gets: the web Request's reading surface (url, method, headers.get/has/forEach, text, json,
 * arrayBuffer) without loading the fetch implementation, which would add tens of ms to every cold start.
 */
class FunctionRequest {
  constructor(req, body) {
    this.method = req.method;
    this.url = `http://${req.headers.host ?? 'function'}${req.url}`;
    const h = new Map(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
    this.headers = {
      get: (k) => h.get(k.toLowerCase()) ?? null,
      has: (k) => h.has(k.toLowerCase()),
      forEach: (f) => h.forEach((v, k) => f(v, k)),
      entries: () => h.entries(),
      [Symbol.iterator]: () => h.entries(),
    };
    this.body = body;
  }
  async arrayBuffer() {
    return this.body.buffer.slice(this.body.byteOffset, this.body.byteOffset + this.body.byteLength);
  }
  async text() {
    return this.body.toString('utf8');
  }
  async json() {
    return JSON.parse(this.body.toString('utf8'));
  }
}

/** Writes whatever the handler returned: a Response (duck-typed), a string, bytes, a JSON-able value, or nothing. */
async function reply(res, out) {
  if (out && typeof out === 'object' && typeof out.arrayBuffer === 'function' && typeof out.status === 'number') {
    const buf = Buffer.from(await out.arrayBuffer());
    const headers = {};
    out.headers.forEach((v, k) => (headers[k] = v));
    headers['content-length'] = String(buf.length);
    return void res.writeHead(out.status, headers).end(buf);
  }
  if (out === undefined || out === null) return void res.writeHead(204).end();
  if (typeof out === 'string') return void res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(out);
  if (out instanceof Uint8Array)
    return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(out);
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
}

async function serve(req, res) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  let out;
  try {
    out = await handler(new FunctionRequest(req, Buffer.concat(chunks)));
  } catch (e) {
    process.stderr.write(`function handler failed: ${e?.stack ?? e}\n`);
    res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"function handler failed"}');
    return;
  }
  await reply(res, out);
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
