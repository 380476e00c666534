// A bare HTTP listener that serves GET /metrics only, without authentication (a private scrape network or loopback).
import { createServer } from 'node:http';

/** Content type of the Prometheus text exposition format. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Listens on `address` ("host:port", `[v6]:port`, `:port` for loopback) and answers GET /metrics with `render()`;
 * any other request is 404, a failed render 503. Resolves with the bound URL and a close function.
 */
export async function serveMetrics(
  address: string,
  render: () => Promise<string>,
): Promise<{ url: string; close: () => Promise<void> }> {
  const m = /^(.*):(\d+)$/.exec(address);
  if (!m) throw new Error(`--metrics-address must be host:port, got ${JSON.stringify(address)}`);
  const host = m[1].replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics is served here\n');
      return;
    }
    render().then(
      (text) => res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(text),
      (e: unknown) => res.writeHead(503, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${String(e)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(m[2]), host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
