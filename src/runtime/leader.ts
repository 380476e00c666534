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
  log?: Logger;
  onStartedLeading: () => Promise<void> | void;
  onStoppedLeading: () => Promise<void> | void;
}

/**
 * Safety: a replica leads only while its last successful renewal is younger than the lease duration
 * minus one retry period, so two leaders never overlap as long as clocks agree within that margin.
 */
export class LeaderElector {
  private leading = false;
  private lastRenew = 0;
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
    const { store, identity, leaseName, leaseDurationMs, clock } = this.o;
    const now = clock();
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
      } else if (this.expired(cur, now)) {
        await store.update(LeaseKind, {
          ...cur,
          spec: { ...spec, acquireTime: now.toISOString(), leaseTransitions: (cur.spec.leaseTransitions ?? 0) + 1 },
        });
        this.o.log.info(`leader election: ${identity} took over lease from ${cur.spec.holderIdentity}`);
      } else {
        await this.setLeading(false);
        return;
      }
      this.lastRenew = now.getTime();
      await this.setLeading(true);
    } catch (e) {
      if (!(e instanceof ApiError && (e.code === 'Conflict' || e.code === 'AlreadyExists')))
        this.o.log.warn(`leader election: ${(e as Error).message}`);
      // Could not renew: step down once the lease could have expired for others.
      if (this.leading && now.getTime() - this.lastRenew > leaseDurationMs - this.o.retryMs)
        await this.setLeading(false);
      if (e instanceof ApiError && e.code === 'Conflict') await this.setLeading(false);
    }
  }

  private expired(lease: Lease, now: Date): boolean {
    const renew = Date.parse(lease.spec.renewTime ?? lease.spec.acquireTime ?? '');
    return !Number.isFinite(renew) || now.getTime() > renew + lease.spec.leaseDurationSeconds * 1000;
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
