// The agent's usage reporter against a real process and a real HTTP endpoint: deltas of CPU seconds, memory
// integrated over time, columnar batches, and records kept while the control plane is unreachable.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContinuumClient } from '../client/index.js';
import type { Workload } from '../model/index.js';
import type { RunState } from './drivers/driver.js';
import { UsageReporter } from './usage.js';

let child: ChildProcess;
let server: Server;
let url = '';
const bodies: Array<{ columns: string[]; rows: unknown[][] }> = [];

beforeAll(async () => {
  // Burns CPU for 20 ms of every 50.
  child = spawn(process.execPath, ['-e', 'setInterval(()=>{const t=Date.now();while(Date.now()-t<20);},50)']);
  server = createServer((req, res) => {
    let b = '';
    req.on('data', (c: Buffer) => (b += c.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(b) as (typeof bodies)[number]);
      res.writeHead(202, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  child.kill('SIGKILL');
  await new Promise<void>((r) => server.close(() => r()));
});

describe('usage reporter', () => {
  it('meters a running process and keeps its records until the control plane answers', async () => {
    let now = 1_000_000;
    let target = 'http://127.0.0.1:1'; // nothing listens: offline
    const state = {
      id: 'default/w',
      uid: 'u',
      generation: 1,
      phase: 'Running',
      ready: true,
      pid: child.pid,
      host: '',
      ports: {},
      restarts: 0,
      limits: { cpu: false, memory: false },
    } as RunState;
    const wl = {
      metadata: { name: 'w', namespace: 'default' },
      spec: { deployment: 'shop', component: 'api' },
    } as unknown as Workload;
    const r = new UsageReporter({
      site: 's1',
      list: () => [state],
      workload: () => wl,
      api: () => new ContinuumClient({ server: target, token: 't' }),
      now: () => now,
    });
    expect(r.sample()).toBe(0); // the first sample only marks the workload
    for (let i = 0; i < 3; i++) {
      await new Promise((res) => setTimeout(res, 300));
      now += 60_000;
      expect(r.sample()).toBe(1);
    }
    await expect(r.flush()).rejects.toThrow();
    expect(r.backlog).toBe(3);
    target = url;
    await r.flush();
    expect(r.backlog).toBe(0);
    const rows = bodies.flatMap((b) => b.rows.map((row) => Object.fromEntries(b.columns.map((c, i) => [c, row[i]]))));
    expect(rows.map((x) => [x.start, x.end, x.deployment, x.site])).toEqual([
      [1_000_000, 1_060_000, 'shop', 's1'],
      [1_060_000, 1_120_000, 'shop', 's1'],
      [1_120_000, 1_180_000, 'shop', 's1'],
    ]);
    // ~40 % of a core for 0.9 s of real time, and resident memory × 60 simulated seconds per record.
    const cpu = rows.reduce((s, x) => s + (x.cpuSeconds as number), 0);
    expect(cpu).toBeGreaterThan(0.05);
    for (const x of rows) expect(x.memoryByteSeconds as number).toBeGreaterThan(1024 * 1024 * 60);
  });
});
