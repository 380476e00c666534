// A scripted local HTTP server on port 0 for client tests, and a tap on what client sockets receive (to split writes).
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { waitFor } from '../../lib/testing/wait.js';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface TestServer {
  url: string;
  /** Every request the server received, body included. */
  requests: SeenRequest[];
  close(): Promise<void>;
}

export type Handler = (req: SeenRequest, res: ServerResponse) => unknown;

/** Starts a server on 127.0.0.1:0 that reads each request body, then hands it to `handler`. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const srv = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(seen);
      Promise.resolve(handler(seen, res)).catch((e: unknown) => res.destroy(e as Error));
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        srv.closeAllConnections();
        srv.close(() => resolve());
      }),
  };
}

/**
 * Records the bytes every client socket opened from now on receives. `received(part)` waits until some
 * client socket has read `part`, so a server can write the rest only after the client saw the first piece:
 * the two pieces then reach the client as two separate reads, never coalesced.
 */
export function tapClientSockets(): { received(part: Buffer | string, what: string): Promise<void>; stop(): void } {
  const seen: Buffer[] = [];
  const onSocket = (msg: unknown): void => {
    const socket = (msg as { socket: Socket }).socket;
    const i = seen.push(Buffer.alloc(0)) - 1;
    socket.on('data', (d: Buffer) => (seen[i] = Buffer.concat([seen[i], d])));
  };
  subscribe('net.client.socket', onSocket);
  return {
    received: async (part, what) => {
      await waitFor(() => seen.some((b) => b.includes(part)), `the client to receive ${what}`);
    },
    stop: () => unsubscribe('net.client.socket', onSocket),
  };
}

/** Writes `bytes` in pieces cut at `cuts`, each piece only once the client has received the one before. */
export async function writeSplit(
  res: ServerResponse,
  tap: ReturnType<typeof tapClientSockets>,
  bytes: Buffer,
  ...cuts: number[]
): Promise<void> {
  const bounds = [0, ...cuts, bytes.length];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const piece = bytes.subarray(bounds[i], bounds[i + 1]);
    res.write(piece);
    if (i + 2 < bounds.length) await tap.received(piece, `bytes ${bounds[i]}..${bounds[i + 1]}`);
  }
}
