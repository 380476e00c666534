// Leader election over a Lease object: exactly one control-plane replica runs the controllers.
import { ApiError, LeaseKind, API_VERSION, type Lease } from '../model/index.js';
import type { Store } from '../store/index.js';
import { silentLogger, type Logger } from '../lib/index.js';

export interface LeaderOptions {
  store: Store;
  identity: string;
  leaseName?: string;
  /** How long a lease stays valid without renewal. */
  leaseDurationMs?: number;
  /** How often to try to acquire or renew. */
  retryMs?: number;
  clock?: () => Date;
  /** Local monotonic ms clock used to judge expiry (default performance.now). */
  monotonic?: () => number;
  log?: Logger;
  onStartedLeading: () => Promise<void> | void;
  onStoppedLeading: () => Promise<void> | void;
}

/**
 * Safety: a replica leads only while its last successful renewal is younger than the lease duration minus one
 * retry period. Another replica's lease counts as expired only after it was seen unchanged for a whole lease
 * duration by *our* monotonic clock (as client-go does): renewTime, written by another machine, is never
 * compared with our clock, so clock skew between replicas cannot cause two leaders.
 */
export class LeaderElector {
  private leading = false;
  private lastRenew = 0;
  /** The other holder's lease as last seen changing, and when (monotonic ms). */
  private observed: { version: string; at: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private tick: Promise<void> = Promise.resolve();
  private readonly o: Required<Omit<LeaderOptions, 'log'>> & { log: Logger };

  constructor(opts: LeaderOptions) {
    this.o = {
      leaseName: 'continuum-controllers',
      leaseDurationMs: 15_000,
      retryMs: 2_000,
      clock: () => new Date(),
      monotonic: () => performance.now(),
      log: silentLogger,
      ...opts,
    };
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    const loop = (): void => {
      if (this.stopped) return;
      this.tick = this.attempt().finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, this.o.retryMs);
      });
    };
    loop();
  }

  private async attempt(): Promise<void> {
    const { store, identity, leaseName, leaseDurationMs, clock, monotonic } = this.o;
    const now = clock();
    const t = monotonic();
    try {
      const cur = await store.get(LeaseKind, undefined, leaseName);
      const spec = {
        holderIdentity: identity,
        leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
        renewTime: now.toISOString(),
      };
      if (!cur) {
        await store.create(LeaseKind, {
          apiVersion: API_VERSION,
          kind: 'Lease',
          metadata: { name: leaseName },
          spec: { ...spec, acquireTime: now.toISOString(), leaseTransitions: 0 },
        });
      } else if (cur.spec.holderIdentity === identity) {
        await store.update(LeaseKind, { ...cur, spec: { ...cur.spec, ...spec } });
      } else if (this.expired(cur, t)) {
        await store.update(LeaseKind, {
          ...cur,
          spec: { ...spec, acquireTime: now.toISOString(), leaseTransitions: (cur.spec.leaseTransitions ?? 0) + 1 },
        });
        this.o.log.info(`leader election: ${identity} took over lease from ${cur.spec.holderIdentity}`);
      } else {
        await this.setLeading(false);
        return;
      }
      this.lastRenew = t;
      await this.setLeading(true);
    } catch (e) {
      if (!(e instanceof ApiError && (e.code === 'Conflict' || e.code === 'AlreadyExists')))
        this.o.log.warn(`leader election: ${(e as Error).message}`);
      // Could not renew: step down once the lease could have expired for others.
      if (this.leading && t - this.lastRenew > leaseDurationMs - this.o.retryMs) await this.setLeading(false);
      if (e instanceof ApiError && e.code === 'Conflict') await this.setLeading(false);
    }
  }

  /** Released (renewTime at the epoch, see stop), or seen unchanged for a whole lease duration. */
  private expired(lease: Lease, t: number): boolean {
    if (Date.parse(lease.spec.renewTime ?? '') === 0) return true;
    const version = lease.metadata.resourceVersion;
    if (this.observed?.version !== version) this.observed = { version, at: t };
    return t - this.observed.at > lease.spec.leaseDurationSeconds * 1000;
  }

  private async setLeading(v: boolean): Promise<void> {
    if (v === this.leading) return;
    this.leading = v;
    if (v) await this.o.onStartedLeading();
    else await this.o.onStoppedLeading();
  }

  /** Stops campaigning; releases the lease when holding it so another replica takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.tick;
    if (this.leading) {
      try {
        const cur = await this.o.store.get(LeaseKind, undefined, this.o.leaseName);
        if (cur && cur.spec.holderIdentity === this.o.identity) {
          await this.o.store.update(LeaseKind, { ...cur, spec: { ...cur.spec, renewTime: new Date(0).toISOString() } });
        }
      } catch {
        /* best effort */
      }
      await this.setLeading(false);
    }
  }
}
