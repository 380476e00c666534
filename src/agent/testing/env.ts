// Test environment for agent suites: in-process control planes (with their tunnel hub), agents, workloads, process counting, cleanup.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from '../../controlplane/index.js';
import { WorkloadKind, type SiteSpec, type Workload, type WorkloadSpec } from '../../model/index.js';
import { workload as workloadFixture } from '../../model/testing/index.js';
import { SiteAgent } from '../agent.js';
import type { AgentOptions } from '../options.js';
import { workloadTrees } from '../../lib/testing/process-tree.js';

export { waitFor, sleep, pidGone, hostPidOf } from '../drivers/testing/harness.js';

/** A declared site spec small enough for tests. */
export const testSiteSpec = (): SiteSpec => ({
  provider: 'test-provider',
  category: 'far-edge',
  location: { country: 'DE', city: 'Berlin', latitude: 52.52, longitude: 13.4 },
  capacity: { cpu: 4, memory: '8Gi' },
});

/** Node one-liner that prints `first` numbered lines, then a "tick N" line every `everyMs`, and serves HTTP on $PORT. */
export function chattyServer(first = 20, everyMs = 100): WorkloadSpec['artifact'] {
  const src =
    `const http=require('http');for(let i=1;i<=${first};i++)console.log('line '+i);let n=0;setInterval(()=>console.log('tick '+(++n)),${everyMs});` +
    `http.createServer((q,r)=>r.end(JSON.stringify({pid:process.pid,site:process.env.CONTINUUM_SITE,workload:process.env.CONTINUUM_WORKLOAD}))).listen(Number(process.env.PORT),'127.0.0.1');` +
    `process.on('SIGTERM',()=>process.exit(0));`;
  return { command: process.execPath, args: ['-e', src] };
}

/**
 * Live (non-zombie) process trees whose environment says they are workload `id` of `site`: the topmost such
 * process of each (a confined workload's sandbox, whose descendants carry the same environment).
 */
export function processesOf(site: string, id: string): number[] {
  return workloadTrees(site).get(id) ?? [];
}

/** Control planes and agents of one suite; `cleanup` stops everything and kills every workload process seen. */
export class AgentEnv {
  readonly dir = mkdtempSync(join(tmpdir(), 'continuum-agent-'));
  readonly dataDir = join(this.dir, 'cp');
  readonly suffix = randomBytes(3).toString('hex');
  cp?: ControlPlane;
  port = 0;
  private readonly agents = new Set<SiteAgent>();
  private readonly sites = new Set<string>();

  /** A site name unique to this run (so /proc scans never see another suite's processes). */
  siteName(base: string): string {
    const s = `${base}-${this.suffix}`;
    this.sites.add(s);
    return s;
  }

  /**
   * Starts (or restarts, on the same data dir and port) the control plane; it brings its own tunnel hub.
   * Every namespace may run anything unless `runtimePolicy: 'enforce'` is given (ADR 0024).
   */
  async startControlPlane(over: Partial<ControlPlaneOptions> = {}): Promise<ControlPlane> {
    const o = { dataDir: this.dataDir, port: this.port, runtimePolicy: 'allow-all' as const, ...over };
    this.cp = await startControlPlane(o);
    this.port = Number(new URL(this.cp.url).port);
    return this.cp;
  }

  async stopControlPlane(): Promise<void> {
    await this.cp?.stop();
    this.cp = undefined;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get token(): string {
    return readFileSync(join(this.dataDir, 'admin.token'), 'utf8').trim();
  }

  /** Starts an agent with fast test timings; `stateDir` defaults to <dir>/agents/<site>. */
  async agent(site: string, over: Partial<AgentOptions> = {}): Promise<SiteAgent> {
    const a = await SiteAgent.start({
      server: this.url,
      token: this.token,
      site,
      stateDir: join(this.dir, 'agents', site),
      heartbeatMs: 300,
      rttIntervalMs: 0,
      reconnect: { baseMs: 50, maxMs: 300 },
      driverOptions: { backoff: { baseMs: 50 }, pollIntervalMs: 50, readyAfterMs: 100, logPollMs: 30 },
      ...over,
    });
    this.agents.add(a);
    return a;
  }

  forget(a: SiteAgent): void {
    this.agents.delete(a);
  }

  async workload(name: string, site: string, spec: Partial<WorkloadSpec> = {}): Promise<Workload> {
    return this.cp!.store.create(
      WorkloadKind,
      workloadFixture('default', name, {
        siteName: site,
        spec: {
          component: name,
          artifact: chattyServer(),
          ports: [{ name: 'http', expose: true }],
          terminationGracePeriodSeconds: 2,
          ...spec,
        },
      }),
    );
  }

  async getWorkload(name: string): Promise<Workload | undefined> {
    return this.cp!.store.get(WorkloadKind, 'default', name);
  }

  async cleanup(): Promise<void> {
    for (const a of this.agents) await a.stop({ detach: false }).catch(() => undefined);
    await this.stopControlPlane().catch(() => undefined);
    for (const site of this.sites) {
      for (const d of readdirSync('/proc')) {
        if (!/^\d+$/.test(d)) continue;
        try {
          if (!readFileSync(`/proc/${d}/environ`, 'utf8').split('\0').includes(`CONTINUUM_SITE=${site}`)) continue;
          for (const pid of [-Number(d), Number(d)]) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              /* not a group leader, or gone */
            }
          }
        } catch {
          /* gone */
        }
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
