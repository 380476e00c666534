// The front of a function: listeners on its public ports in the agent, forwarding each call to an instance slot.
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isApiError } from '../../../model/errors.js';
import type { FunctionRun } from './run.js';

/** Hop-by-hop headers a proxy does not pass on. */
const HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

function refuse(res: ServerResponse, status: number, detail: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(
    JSON.stringify({ type: 'about:blank', title: status === 503 ? 'Unavailable' : 'Bad Gateway', status, detail }),
  );
}

/** Forwards one call; the instance slot is released when the response is done or the caller went away. */
function forward(run: FunctionRun, agent: Agent, port: string, req: IncomingMessage, res: ServerResponse): void {
  run.acquire().then(
    ({ inst, port: target, coldMs }) => {
      let released = false;
      const release = (): void => {
        if (!released) run.release(inst);
        released = true;
      };
      res.once('close', release);
      const headers: Record<string, string | string[] | undefined> = { ...req.headers, 'x-continuum-port': port };
      for (const h of HOP) delete headers[h];
      // A caller cannot pose as an event trigger (x-continuum-trigger etc. are the runtime's own).
      for (const h of Object.keys(headers))
        if (h.startsWith('x-continuum-') && h !== 'x-continuum-port') delete headers[h];
      const up = request(
        { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers, agent },
        (r) => {
          const out = { ...r.headers };
          for (const h of HOP) delete out[h];
          out['x-continuum-start'] = coldMs === undefined ? 'warm' : 'cold';
          if (coldMs !== undefined) out['x-continuum-cold-start-ms'] = String(coldMs);
          res.writeHead(r.statusCode ?? 502, out);
          r.pipe(res);
        },
      );
      up.once('error', (e) => {
        refuse(res, 502, `function ${run.spec.id}: instance ${inst.slot}: ${e.message}`);
        release();
      });
      req.pipe(up);
    },
    (e: unknown) => refuse(res, isApiError(e) ? 503 : 502, (e as Error).message),
  );
}

/** The listeners of one function, one per public port. */
export class Front {
  private readonly servers: Server[] = [];
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1024 });

  constructor(private readonly run: FunctionRun) {}

  async listen(host: string): Promise<void> {
    for (const [name, port] of Object.entries(this.run.ports)) {
      const srv = createServer((req, res) => forward(this.run, this.agent, name, req, res));
      srv.keepAliveTimeout = 5000;
      this.servers.push(srv);
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen({ host, port, exclusive: true }, () => {
          srv.off('error', reject);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
  }
}
