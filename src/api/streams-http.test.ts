// Long-lived responses end when a slow client disconnects: watch, log and tunnel handlers finish, timers stop.
import { connect, type Socket } from 'node:net';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/testing/wait.js';
import { WorkloadKind } from '../model/index.js';
import { workload } from '../model/testing/index.js';
import { Store, SqliteBackend } from '../store/index.js';
import { TUNNEL_BASE } from '../client/index.js';
import { createApiServer } from './server.js';
import { openStreams } from './sse.js';
import { createTunnelHub } from './tunnel/index.js';
import { StaticTokenSecurity } from './testing/static-security.js';
import type { LogSource } from './native/handlers.js';

const TOKEN = 'test-token';
const BASE = '/apis/continuum.eu/v1alpha1';
const BIG = 'x'.repeat(256 * 1024);
let app: FastifyInstance;
let store: Store;
let port: number;
const responses: ServerResponse[] = [];
/** How many log generators are running / have finished (their `finally` ran). */
const logState = { started: 0, finished: 0 };

const logs: LogSource = {
  async *logs(_wl, o) {
    logState.started++;
    try {
      // An endless, fast log: only back-pressure and the client going away can stop it.
      for (let i = 0; !o.signal.aborted; i++) {
        yield `${i} ${BIG}`;
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      logState.finished++;
    }
  },
};

beforeAll(async () => {
  store = new Store(new SqliteBackend({ path: ':memory:' }), { watchPollMs: 20 });
  const hub = createTunnelHub({ pingMs: 20 });
  app = await createApiServer({
    store,
    security: new StaticTokenSecurity(TOKEN),
    version: 'test',
    logs,
    plugins: [hub.plugin],
  });
  app.server.on('request', (_req, res: ServerResponse) => void responses.push(res));
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as { port: number }).port;
  await store.create(WorkloadKind, workload('s', 'w'));
});
afterAll(async () => {
  await app.close();
  await store.close();
});

/** A client that sends one GET and then never reads (its socket paused), as a stalled phone would. */
async function slowClient(path: string): Promise<{ socket: Socket; res: ServerResponse }> {
  const before = responses.length;
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((r, j) => (socket.once('connect', r), socket.once('error', j)));
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`);
  socket.pause();
  const res = await waitFor(() => responses[before], `the server to receive GET ${path}`);
  return { socket, res };
}

describe('streams and slow clients', () => {
  it('a watch whose slow client disconnects ends: the handler finishes, its watch and heartbeat stop', async () => {
    const streams = openStreams();
    const watchers = store.hub.size;
    const { socket, res } = await slowClient(`${BASE}/namespaces/s/workloads?watch=true`);
    await waitFor(() => openStreams() === streams + 1, 'the watch stream to open');
    // Changes pile up faster than the client reads until the server is waiting for 'drain'.
    for (let i = 0; !res.writableNeedDrain; i++) {
      expect(i, 'the server never needed to wait for the slow client').toBeLessThan(2000);
      const w = workload('s', `big-${i}`);
      await store.create(WorkloadKind, {
        ...w,
        metadata: {
          ...w.metadata,
          annotations: { a: BIG.slice(0, 60_000), b: BIG.slice(0, 60_000), c: BIG.slice(0, 60_000) },
        },
      });
      await new Promise((r) => setTimeout(r, 5));
    }
    socket.destroy();
    await waitFor(() => openStreams() === streams, 'the watch handler to finish after the client left');
    await waitFor(() => store.hub.size === watchers, 'the store watch to be closed');
  });

  it('a followed log whose slow client disconnects ends, and so does its source', async () => {
    const streams = openStreams();
    const { started, finished } = logState;
    const { socket, res } = await slowClient(`${BASE}/namespaces/s/workloads/w/logs?follow=true`);
    await waitFor(() => logState.started === started + 1 && res.writableNeedDrain, 'the log to back up');
    expect(logState.finished).toBe(finished);
    socket.destroy();
    await waitFor(() => logState.finished === finished + 1, 'the log source to be stopped');
    await waitFor(() => openStreams() === streams, 'the log handler to finish after the client left');
  });

  it('a tunnel whose agent disconnects ends and stops pinging', async () => {
    const streams = openStreams();
    const { socket, res } = await slowClient(`${TUNNEL_BASE}/sites/edge-1/tunnel`);
    await waitFor(() => openStreams() === streams + 1, 'the tunnel to open');
    socket.destroy();
    await waitFor(() => openStreams() === streams && res.destroyed, 'the tunnel handler to finish');
  });
});
