// Round-trip-time probing between agents: a tiny TCP echo listener and a median-of-N connect+echo measurement.
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';

export interface EchoServer {
  /** "host:port" (IPv6 as "[addr]:port") that peers dial. */
  address: string;
  close(): Promise<void>;
}

/** Splits "host:port" / "[v6]:port"; undefined when malformed. */
export function parseHostPort(s: string): { host: string; port: number } | undefined {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(s) ?? /^([^:[\]]+):(\d{1,5})$/.exec(s);
  if (!m) return undefined;
  const port = Number(m[2]);
  return port >= 0 && port <= 65535 ? { host: m[1], port } : undefined;
}

const formatHostPort = (host: string, port: number): string =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

/**
 * Listens on `bind` ("host:port", port 0 = any) and echoes every byte back. The advertised address is
 * the bound one, except that a wildcard bind advertises this machine's host name.
 */
export function startEchoServer(bind = '127.0.0.1:0'): Promise<EchoServer> {
  const hp = parseHostPort(bind);
  if (!hp) return Promise.reject(new Error(`invalid probe address ${JSON.stringify(bind)} (want host:port)`));
  const sockets = new Set<Socket>();
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.setNoDelay(true);
    sock.setTimeout(5000, () => sock.destroy());
    sock.on('data', (d) => sock.write(d));
    sock.on('error', () => sock.destroy());
    sock.on('close', () => sockets.delete(sock));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(hp.port, hp.host, () => {
      server.off('error', reject);
      const a = server.address() as AddressInfo;
      const wildcard = a.address === '0.0.0.0' || a.address === '::';
      resolve({
        address: formatHostPort(wildcard ? hostname() : a.address, a.port),
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

/** One connect + echo round trip in ms, or undefined on failure/timeout. */
function probeOnce(host: string, port: number, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const payload = 'continuum-rtt\n';
    let got = '';
    let done = false;
    const finish = (v: number | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const sock = createConnection({ host, port });
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    sock.setNoDelay(true);
    sock.on('connect', () => sock.write(payload));
    sock.on('data', (d) => {
      got += d.toString();
      if (got.length >= payload.length) finish(got === payload ? performance.now() - t0 : undefined);
    });
    sock.on('error', () => finish(undefined));
    sock.on('close', () => finish(undefined));
  });
}

/** Median of `samples` sequential probes (rounded to µs); undefined when the peer does not answer. */
export async function measureRtt(
  address: string,
  o: { samples?: number; timeoutMs?: number } = {},
): Promise<number | undefined> {
  const hp = parseHostPort(address);
  if (!hp || hp.port === 0) return undefined;
  const results: number[] = [];
  for (let i = 0; i < (o.samples ?? 3); i++) {
    const r = await probeOnce(hp.host, hp.port, o.timeoutMs ?? 1000);
    if (r === undefined) return undefined;
    results.push(r);
  }
  results.sort((a, b) => a - b);
  return Math.round(results[Math.floor(results.length / 2)] * 1000) / 1000;
}

/** Measures every peer (bounded concurrency); unreachable peers are left out. */
export async function measurePeers(peers: Map<string, string>, concurrency = 8): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const queue = [...peers];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const ms = await measureRtt(next[1]);
      if (ms !== undefined) out[next[0]] = ms;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
