// Per-peer forwarding into a container's own network namespace: 127.0.0.1:<port> there reaches only that port of
// the host's loopback, and only for the peers the container declares (ADR 0024); the rest of the host stays shut.
import { spawn } from 'node:child_process';
import { connect, type Server, type Socket } from 'node:net';

/**
 * Runs inside the container's network namespace (nsenter --net): listens on 127.0.0.1:<port> for each port given,
 * hands every listening socket to the agent over the IPC channel, and exits. The agent accepts on them.
 */
const CHILD = `
const { createServer } = await import('node:net');
const ports = process.argv.slice(1).map(Number);
let left = ports.length;
for (const port of ports) {
  const s = createServer();
  s.once('error', (e) => { console.error('listen ' + port + ': ' + e.message); process.exit(3); });
  s.listen({ host: '127.0.0.1', port }, () =>
    process.send({ port }, s, () => { s.close(); if (--left === 0) process.disconnect(); }));
}`;

/** Listening sockets in one container's namespace, served by the agent; `close` stops them and their connections. */
export interface PeerForwards {
  ports: number[];
  close(): void;
}

/** Loopback ports named by env values (`http://127.0.0.1:8080`, `localhost:5432`): the peers a workload calls. */
export function loopbackPorts(values: ReadonlyArray<string | undefined>): number[] {
  const out = new Set<number>();
  for (const v of values)
    for (const m of (v ?? '').matchAll(/(?:^|\/\/|@)(?:127\.0\.0\.1|localhost):(\d{1,5})(?=[/?#]|$)/g)) {
      const p = Number(m[1]);
      if (p > 0 && p < 65536) out.add(p);
    }
  return [...out].sort((a, b) => a - b);
}

/** Opens 127.0.0.1:<port> in the network namespace of host pid `pid` for each port, forwarding to the host's. */
export function openPeerForwards(pid: number, ports: number[], timeoutMs = 15_000): Promise<PeerForwards> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const close = (): void => {
    for (const s of servers) s.close();
    for (const s of sockets) s.destroy();
  };
  if (!ports.length) return Promise.resolve({ ports, close });
  return new Promise((resolve, reject) => {
    const child = spawn(
      'nsenter',
      [`--net=/proc/${pid}/ns/net`, process.execPath, '--input-type=module', '-e', CHILD, ...ports.map(String)],
      { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
    );
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('message', (_m, handle) => {
      const server = handle as Server | undefined;
      if (!server || typeof server.on !== 'function') return;
      const port = (_m as { port: number }).port;
      servers.push(server);
      server.on('connection', (inner: Socket) => {
        const outer = connect({ host: '127.0.0.1', port });
        for (const s of [inner, outer]) {
          sockets.add(s);
          s.on('error', () => undefined);
          s.on('close', () => {
            sockets.delete(s);
            inner.destroy();
            outer.destroy();
          });
        }
        inner.pipe(outer).pipe(inner);
      });
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      close();
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (servers.length === ports.length) resolve({ ports, close });
      else {
        close();
        reject(new Error(`peer forwarding into pid ${pid} failed (exit ${code}): ${stderr.trim().slice(0, 500)}`));
      }
    });
  });
}

/** A workload's forwards across its runs: reopened in each new network namespace, closed when it ends. */
export class PeerForwarding {
  private current?: PeerForwards;
  private epoch = 0;

  /** `ports` is asked at each open: the peers known then (e.g. after an agent restart, once they are adopted). */
  constructor(
    private readonly ports: () => number[],
    private readonly warn: (msg: string) => void,
  ) {}

  /** Opens the forwards into the namespace of `pid` (a started or adopted run), replacing earlier ones. */
  async open(pid: number | undefined): Promise<void> {
    this.close();
    const ports = this.ports();
    if (pid === undefined || !ports.length) return;
    const epoch = this.epoch;
    try {
      const f = await openPeerForwards(pid, ports);
      if (epoch === this.epoch) this.current = f;
      else f.close();
    } catch (e) {
      this.warn((e as Error).message);
    }
  }

  close(): void {
    this.epoch++;
    this.current?.close();
    this.current = undefined;
  }
}
