// The site agent: registers its Site, heartbeats, measures RTT, runs the site's Workloads through its runtime drivers, survives outages.
import { hostname } from 'node:os';
import { ContinuumClient } from '../client/index.js';
import { Informer } from '../runtime/index.js';
import { VERSION } from '../lib/index.js';
import {
  WorkloadKind,
  type Resources,
  type Lease,
  type Site,
  type SiteRuntimeStatus,
  type Workload,
  type WorkloadSpec,
  type WorkloadStatus,
} from '../model/index.js';
import { Connection, type OfflineWindow } from '../runtime/index.js';
import { obtainCredential, savedCredential } from './credential.js';
import { fetchWorkloadEnv } from './credential-client.js';
import { UsageReporter } from './usage.js';
import { startAgentDrivers } from './driver-factory.js';
import type { RunState } from './drivers/driver.js';
import type { DriverSet } from './drivers/set.js';
import { measureSiteLatencies, renewSiteLease, sendHeartbeat, stableLatencies } from './heartbeat.js';
import { resolveAgentOptions, type AgentOptions, type ResolvedAgentOptions } from './options.js';
import { startEchoServer, type EchoServer } from './probe.js';
import { Reconciler } from './reconciler.js';
import { registerSite } from './registration.js';
import { allocatableOf, OfflineJournal, sumResources } from './site-status.js';
import { httpSource, type HttpSource } from '../runtime/listwatch-http.js';
import { StatusWriter } from './status-writer.js';
import { TunnelClient } from './tunnel/index.js';

/** What an agent reports about itself (tests, embedded progress, CLI). */
export interface AgentSnapshot {
  site: string;
  connected: boolean;
  /** The informer has listed the site's workloads at least once in this process. */
  synced: boolean;
  disconnectedSince?: string;
  heartbeats: number;
  workloads: RunState[];
  /** Every runtime kind as detected at start (also the Site's status.runtimes). */
  runtimes: SiteRuntimeStatus[];
  latencyMs: Record<string, number>;
  /** Status reports waiting to be written (kept while offline). */
  pendingStatuses: number;
  /** Last report about an offline period (also in the Site's status.message). */
  message?: string;
  tunnel: { open: boolean; activeRequests: number };
}

export class SiteAgent {
  readonly site: string;
  private readonly o: ResolvedAgentOptions;
  private api!: ContinuumClient;
  private streamClient!: ContinuumClient;
  private credential?: string;
  private siteObj?: Site;
  private leaseObj?: Lease;
  private conn!: Connection;
  private source!: HttpSource<WorkloadSpec, WorkloadStatus>;
  private informer!: Informer<Workload>;
  private writer!: StatusWriter;
  private reconciler!: Reconciler;
  private tunnel!: TunnelClient;
  private readonly journal = new OfflineJournal();
  private readonly timers = new Set<NodeJS.Timeout>();
  private isSynced = false;
  private stopped = false;
  private beating = false;
  private beats = 0;
  private latency: Record<string, number> = {};
  private offlineReport?: string;
  /** Metering (absent when usageIntervalMs is 0). */
  usage?: UsageReporter;

  private constructor(
    o: ResolvedAgentOptions,
    /** The agent's drivers, one per offered runtime kind, behind one RuntimeDriver that routes by `spec.runtime`. */
    readonly driver: DriverSet,
    /** Every runtime kind as detected at start. */
    readonly runtimes: SiteRuntimeStatus[],
    private readonly echo: EchoServer,
  ) {
    this.o = o;
    this.site = o.site;
  }

  /**
   * Starts an agent. Rejects when the Site is absent (and no siteSpec), the token is refused, or a driver that
   * detected its runtime as available cannot start; an unreachable server only means starting offline, and
   * an unavailable runtime only means the site does not offer it.
   */
  static async start(opts: AgentOptions): Promise<SiteAgent> {
    const o = resolveAgentOptions(opts);
    const { drivers: driver, runtimes } = await startAgentDrivers(o);
    let echo: EchoServer | undefined;
    try {
      echo = await startEchoServer(o.probeAddress);
      const agent = new SiteAgent(o, driver, runtimes, echo);
      await agent.init();
      return agent;
    } catch (e) {
      await echo?.close();
      await driver.close({ detach: true });
      throw e;
    }
  }

  /** Status address of the RTT echo listener ("host:port"). */
  get address(): string {
    return this.echo.address;
  }

  get connected(): boolean {
    return this.conn.online;
  }

  get synced(): boolean {
    return this.isSynced;
  }

  snapshot(): AgentSnapshot {
    const since = this.conn.disconnectedSince;
    return {
      site: this.site,
      connected: this.conn.online,
      synced: this.isSynced,
      heartbeats: this.beats,
      workloads: this.driver.list(),
      runtimes: this.runtimes.map((r) => ({ ...r })),
      latencyMs: { ...this.latency },
      pendingStatuses: this.writer.backlog,
      tunnel: { open: this.tunnel?.connected ?? false, activeRequests: this.tunnel?.activeRequests ?? 0 },
      ...(since ? { disconnectedSince: since.toISOString() } : {}),
      ...(this.offlineReport ? { message: this.offlineReport } : {}),
    };
  }

  private clients(token: string): void {
    if (this.credential === token && this.api) return;
    this.credential = token;
    const base = {
      server: this.o.server,
      token,
      ca: this.o.ca,
      insecure: this.o.insecure,
      userAgent: `continuum-agent/${VERSION}`,
    };
    this.api = new ContinuumClient({ ...base, timeoutMs: 10_000 });
    this.streamClient = new ContinuumClient(base);
  }

  /** Trace contexts the control plane sent with workload revisions, by uid:generation (bounded). */
  private readonly traces = new Map<string, string>();

  private noteTrace(w: Workload, traceparent: string): void {
    const key = `${w.metadata.uid}:${w.metadata.generation}`;
    this.traces.delete(key);
    this.traces.set(key, traceparent);
    if (this.traces.size > 1024) this.traces.delete(this.traces.keys().next().value!);
  }

  /** One (re)connection: credential, then register or adopt the Site. */
  private async connect(): Promise<void> {
    this.clients(
      await obtainCredential({
        server: this.o.server,
        token: this.o.token,
        site: this.site,
        stateDir: this.o.stateDir,
        ca: this.o.ca,
        now: () => this.o.clock(),
      }),
    );
    const { site, created } = await registerSite(this.api, this.site, this.o.siteSpec);
    this.siteObj = site;
    this.o.log.info(`${created ? 'registered new' : 'adopted'} site ${this.site} at ${this.o.server}`);
    this.o.onConnected?.({ site: this.site, created, server: this.o.server });
  }

  private async init(): Promise<void> {
    this.conn = new Connection({
      connect: () => this.connect(),
      backoff: this.o.reconnect,
      clock: this.o.clock,
      log: this.o.log,
      onOffline: () => this.wentOffline(),
      onOnline: (w) => this.cameBack(w),
    });
    this.clients(savedCredential(this.o.stateDir, this.site)?.token ?? this.o.token);
    this.source = httpSource({
      kind: WorkloadKind,
      fieldSelector: `spec.siteName=${this.site}`,
      api: () => this.api,
      stream: () => this.streamClient,
      conn: this.conn,
      onTrace: (w, tp) => this.noteTrace(w, tp),
    });
    this.informer = new Informer(`agent:${this.site}:workloads`, this.source, {
      backoff: { baseMs: 500, maxMs: 10_000 },
      onError: (e) => {
        if (!this.conn.fail(e) && !this.stopped) this.o.log.warn(`watching workloads: ${(e as Error).message}`);
      },
    });
    this.writer = new StatusWriter({
      site: this.site,
      api: () => this.api,
      conn: this.conn,
      cached: (id) => this.informer.get(id),
      synced: this.informer.synced,
      clock: this.o.clock,
      log: this.o.log,
      backoff: this.o.reconnect,
    });
    this.reconciler = new Reconciler({
      site: this.site,
      driver: this.driver,
      cached: () => this.informer.list(),
      synced: () => this.isSynced,
      report: (item) => this.writer.enqueue(item),
      artifactBaseDir: this.o.artifactBaseDir,
      log: this.o.log,
      traceOf: (w) => this.traces.get(`${w.metadata.uid}:${w.metadata.generation}`),
      resolveEnv: async (w) =>
        (await fetchWorkloadEnv(this.api, w.metadata.namespace ?? 'default', w.metadata.name)).env,
    });
    this.driver.onChange((s) => this.writer.enqueue({ id: s.id, uid: s.uid, run: { state: s } }));
    this.informer.on(() => {
      this.writer.prune((id) => this.informer.get(id) !== undefined);
      this.reconciler.kick();
    });
    void this.informer.synced.then(() => {
      this.isSynced = true;
      this.reconciler.kick();
    });
    // Offline start: adopted workloads keep running; nothing is removed before the first sync.
    this.reconciler.kick();
    try {
      await this.conn.start();
    } catch (e) {
      await this.reconciler.close();
      await this.conn.close();
      await this.writer.close();
      throw e;
    }
    void this.informer.start();
    this.tunnel = new TunnelClient({
      site: this.site,
      driver: this.driver,
      conn: this.conn,
      stream: () => this.streamClient,
      log: this.o.log,
      backoff: this.o.reconnect,
    });
    this.every(this.o.heartbeatMs, () => this.beat(), 0);
    this.every(this.o.resyncMs, async () => {
      this.reconciler.retryFailed();
      this.reconciler.kick();
    });
    const usageMs = this.o.usageIntervalMs ?? 60_000;
    if (usageMs > 0) {
      const usage = (this.usage = new UsageReporter({
        site: this.site,
        list: () => this.driver.list(),
        workload: (id) => this.informer.get(id),
        api: () => this.api,
        now: this.o.meteringClock,
        log: this.o.log,
      }));
      this.every(usageMs, async () => {
        usage.sample();
        if (this.conn.online) await usage.flush();
      });
    }
    // Spread out so that many agents (embedded: one per site) do not all probe at the same moment.
    if (this.o.rttIntervalMs > 0)
      this.every(
        this.o.rttIntervalMs,
        () => this.measure(),
        Math.round(Math.min(1000, this.o.rttIntervalMs) * (0.5 + Math.random())),
      );
  }

  /** Runs `fn` every `ms` ±10 % (first after `firstMs`), never overlapping itself. */
  private every(ms: number, fn: () => Promise<void>, firstMs = ms): void {
    const jitter = (): number => Math.round(ms * (0.9 + Math.random() * 0.2));
    const tick = (delay: number): void => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (this.stopped) return;
        void fn()
          .catch((e: unknown) => this.o.log.warn((e as Error).message))
          .finally(() => !this.stopped && tick(jitter()));
      }, delay);
      t.unref();
      this.timers.add(t);
    };
    tick(firstMs);
  }

  private wentOffline(): void {
    this.journal.wentOffline(this.driver.list());
    this.source.requestRelist();
  }

  private cameBack(w: OfflineWindow): void {
    this.offlineReport = this.journal.cameBack(w, this.driver.list(), this.conn.offlineReason);
    this.o.log.info(this.offlineReport);
    this.source.requestRelist();
    this.reconciler.kick();
    void this.beat();
  }

  /** Resources requested by the workloads the driver is running. */
  private allocated(states: RunState[]): Resources {
    const active = states.filter((s) => s.phase === 'Starting' || s.phase === 'Running');
    return sumResources(active.map((s) => this.informer.get(s.id)?.spec?.resources ?? {}));
  }

  /** One heartbeat (skipped while offline or while the previous one runs). */
  async beat(): Promise<void> {
    if (!this.conn.online || this.beating || this.stopped) return;
    this.beating = true;
    try {
      const states = this.driver.list();
      const connectedSince = this.conn.connectedSince?.toISOString();
      this.leaseObj = await renewSiteLease(
        this.api,
        this.site,
        this.o.name,
        this.o.heartbeatMs,
        this.o.clock(),
        this.leaseObj,
      ).catch((e: unknown) => {
        this.leaseObj = undefined;
        throw e;
      });
      this.siteObj = await sendHeartbeat(
        this.api,
        this.siteObj!,
        (site) => ({
          now: this.o.clock(),
          agent: {
            name: this.o.name,
            version: VERSION,
            driver: this.driver.name,
            hostname: hostname(),
            address: this.echo.address,
            ...(connectedSince ? { connectedSince } : {}),
          },
          allocatable: allocatableOf(site.spec, this.driver.allocatable()),
          allocated: this.allocated(states),
          workloads: states.length,
          runtimes: this.runtimes,
          latencyMs: this.latency,
          message: this.offlineReport,
        }),
        this.o.siteSpec,
      );
      this.beats++;
    } catch (e) {
      if (!this.conn.fail(e)) this.o.log.warn(`heartbeat failed: ${(e as Error).message}`);
    } finally {
      this.beating = false;
    }
  }

  private async measure(): Promise<void> {
    if (!this.conn.online) return;
    try {
      this.latency = stableLatencies(this.latency, await measureSiteLatencies(this.api, this.site));
    } catch (e) {
      if (!this.conn.fail(e)) this.o.log.warn(`measuring latency: ${(e as Error).message}`);
    }
  }

  /** Resolves once connected (rejects after `timeoutMs`). */
  async waitConnected(timeoutMs = 10_000): Promise<void> {
    const ac = new AbortController();
    const t = setTimeout(() => ac.abort(), timeoutMs);
    try {
      await this.conn.whenOnline(ac.signal);
    } catch {
      throw new Error(
        `agent ${this.site} not connected to ${this.o.server} after ${timeoutMs} ms${this.conn.lastError ? `: ${this.conn.lastError}` : ''}`,
      );
    } finally {
      clearTimeout(t);
    }
  }

  /**
   * Stops the agent. `detach: true` leaves the workloads running for the next agent on this stateDir
   * (edge autonomy); `detach: false` stops them first and reports their final status when it can (≤ 2 s).
   */
  async stop(opts: { detach: boolean }): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.tunnel.close();
    await this.reconciler.close();
    if (!opts.detach) {
      await this.driver.close({ detach: false });
      if (this.conn.online) await this.writer.drain(2000);
    }
    // The informer may be waiting for the connection: abort it first, then close the connection that releases it.
    const informerStopped = this.informer.stop();
    await this.conn.close();
    await informerStopped;
    await this.writer.close();
    await this.echo.close();
    if (opts.detach) await this.driver.close({ detach: true });
  }
}

/** Starts a site agent (standalone `continuum agent` and embedded agents run this same code). */
export const startAgent = (opts: AgentOptions): Promise<SiteAgent> => SiteAgent.start(opts);
