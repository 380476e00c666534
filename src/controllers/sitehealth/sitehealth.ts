// Site health: Ready follows the site's Lease as this control plane sees it renewed; mass outages fail over slowly.
import {
  getCondition,
  LeaseKind,
  SITE_FAIL_ANNOTATION,
  setCondition,
  siteOfLease,
  SiteKind,
  type Condition,
  type Lease,
  type Site,
} from '../../model/index.js';
import type { ControllerSpec } from '../../runtime/controller.js';
import type { Manager } from '../../runtime/manager.js';
import { eventRecorder } from '../events/recorder.js';
import { LivenessTracker, type Monotonic } from './liveness.js';

export interface SiteHealthOptions {
  /**
   * Seconds without a lease renewal before a site is NotReady (default 40; embedded mode uses a few). A site's
   * own lease duration (3 heartbeats, set by its agent) raises it, so grace ≥ 3 × heartbeat always holds.
   */
  graceSeconds?: number;
  /** When at least this share of the sites (and at least `massMinSites`) is lost at once, failover slows down. */
  massThreshold?: number;
  massMinSites?: number;
  /** During a mass outage, one lost site per this many ms turns NotReady (the others wait as Ready=Unknown). */
  massIntervalMs?: number;
  /** Local monotonic clock (tests). */
  monotonic?: Monotonic;
}

/** Why a site is not Ready (machine-readable reasons of the Ready condition). */
export const REASON = {
  renewed: 'AgentLeaseRenewed',
  expired: 'LeaseExpired',
  massOutage: 'MassOutageSuspected',
  simulated: 'SimulatedFailure',
} as const;

export function siteHealthController(opts: SiteHealthOptions = {}) {
  const baseGraceMs = (opts.graceSeconds ?? 40) * 1000;
  const massThreshold = opts.massThreshold ?? 0.55;
  const massMinSites = opts.massMinSites ?? 3;
  const massIntervalMs = opts.massIntervalMs ?? 30_000;
  return (m: Manager): ControllerSpec => {
    const store = m.opts.store;
    const events = eventRecorder(store, 'site-health', m.clock);
    const sites = m.informer(SiteKind);
    const leases = m.informer(LeaseKind);
    const now = opts.monotonic ?? (() => performance.now());
    const live = new LivenessTracker(now, 250, 1000, (ms) =>
      m.log.warn(`site-health: our event loop stalled for ${Math.round(ms)} ms; not held against any site`),
    );
    const ticker = setInterval(() => live.tick(), 250);
    ticker.unref();
    let synced = false;
    void leases.synced.then(() => (synced = true));
    leases.on((type, lease: Lease) => {
      const site = siteOfLease(lease.metadata.name);
      if (!site) return;
      if (type === 'DELETED') return live.forget(site);
      live.observe(site, lease.metadata.resourceVersion, lease.spec.leaseDurationSeconds * 1000, !synced);
    });
    /** Local time (monotonic) of the last NotReady transition made during a mass outage. */
    let lastMassEviction = -Infinity;

    const graceOf = (site: string): number => Math.max(baseGraceMs, live.age(site).durationMs);
    const lostNow = (s: Site): boolean => {
      const a = live.age(s.metadata.name);
      const watched = a.known || getCondition(s.status?.conditions, 'Ready') !== undefined;
      return watched && a.ageMs >= graceOf(s.metadata.name);
    };

    return {
      name: 'site-health',
      watches: [
        { informer: sites },
        { informer: leases, map: (l: Lease) => [siteOfLease(l.metadata.name) ?? ''].filter(Boolean) },
      ],
      stop: () => clearInterval(ticker),
      async reconcile(ctx, name) {
        live.tick();
        const site = sites.get(name);
        if (!site || site.metadata.deletionTimestamp) return;
        const ready = getCondition(site.status?.conditions, 'Ready');
        const { ageMs, renewed, known } = live.age(name);
        const graceMs = graceOf(name);
        const write = async (c: Omit<Condition, 'lastTransitionTime'>): Promise<void> => {
          const conditions = setCondition(site.status?.conditions, c, ctx.now().toISOString());
          // Conditional on the version we read: a concurrent write wins and we reconcile again.
          await store.updateStatus(SiteKind, { ...site, status: { ...site.status, conditions } });
        };
        const failedAt = site.metadata.annotations?.[SITE_FAIL_ANNOTATION];
        if (failedAt) {
          // `continuum site fail`: failed on purpose, at once, whatever the lease says (no mass-outage brake).
          if (ready?.status !== 'False' || ready.reason !== REASON.simulated) {
            const message = `failure simulated since ${failedAt} (continuum site recover ${name} ends it)`;
            await write({ type: 'Ready', status: 'False', reason: REASON.simulated, message });
            await events.warning(site, 'SiteFailed', message);
          }
          return;
        }
        if (ageMs < graceMs) {
          if ((renewed || ready?.reason === REASON.simulated) && ready?.status !== 'True') {
            await write({
              type: 'Ready',
              status: 'True',
              reason: REASON.renewed,
              message: 'the site agent renews its lease',
            });
            await events.normal(site, 'SiteReady', 'the site agent renews its lease again');
          }
          return { requeueAfterMs: graceMs - ageMs + 50 };
        }
        if (!known && !ready) return; // no agent ever: nothing to withdraw
        if (ready?.status === 'False' && ready.reason !== REASON.simulated) return;
        const message = `no lease renewal seen from the site agent for ${Math.round(ageMs / 1000)} s (grace ${Math.round(graceMs / 1000)} s)`;
        // Many sites at once look like our problem (or the network's), not theirs: as Kubernetes' node lifecycle
        // controller, withdraw readiness at once (Unknown) but fail over one site per interval.
        const all = sites.list().filter((s) => !s.metadata.deletionTimestamp);
        const lost = all.filter(lostNow).length;
        const mass = lost >= massMinSites && lost / Math.max(1, all.length) >= massThreshold;
        if (mass && now() - lastMassEviction < massIntervalMs) {
          if (ready?.status !== 'Unknown') {
            await write({
              type: 'Ready',
              status: 'Unknown',
              reason: REASON.massOutage,
              message: `${message}; ${lost} of ${all.length} sites lost at once, failover slowed to one site per ${massIntervalMs / 1000} s`,
            });
            ctx.log.warn(`site ${name}: lease expired during a mass outage (${lost}/${all.length}); failover delayed`);
            await events.warning(site, 'SiteUnreachable', `${message}; ${lost} of ${all.length} sites lost at once`);
          }
          return { requeueAfterMs: Math.max(50, massIntervalMs - (now() - lastMassEviction)) };
        }
        if (mass) lastMassEviction = now();
        await write({ type: 'Ready', status: 'False', reason: REASON.expired, message });
        ctx.log.warn(`site ${name} is NotReady: ${message}`);
        await events.warning(site, 'SiteNotReady', message);
      },
    };
  };
}
